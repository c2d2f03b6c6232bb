//! Words kept apart from `words` to keep each file short: what an action did, the
//! evaluation's ties, the confirmations of what cannot be undone, the proposals, a task not
//! begun, a report's figures read only.

/// (key, Vietnamese, English)
pub(super) const ACTION_WORDS: &[(&str, &str, &str)] = &[
    (
        "award_proposals",
        "Đề nghị khen thưởng",
        "Commendation proposals",
    ),
    (
        "ties_heading",
        "Đồng điểm tại ngưỡng xếp loại xuất sắc",
        "Tied at the cut of excellent",
    ),
    (
        "ties_record",
        "Ghi quyết định của Hội đồng thi đua",
        "Record the emulation council's decision",
    ),
    (
        "ties_help",
        "Đánh dấu các đơn vị được Hội đồng chọn (không quá số suất còn lại); không chọn đơn vị nào cũng là một quyết định.",
        "Tick the units the council chose (no more than the places left); choosing none is a decision too.",
    ),
    ("decision_number", "Số quyết định", "Decision number"),
    ("decision_date", "Ngày quyết định", "Decision date"),
    (
        "ties_recorded",
        "Đã ghi quyết định của Hội đồng thi đua; xếp loại đã tính lại theo quyết định.",
        "The emulation council's decision is recorded; the ratings follow it.",
    ),
    (
        "evaluation_frozen",
        "Đã chốt kết quả đánh giá: số liệu mới không làm thay đổi kết quả đã chốt.",
        "The evaluation is frozen: new figures no longer change it.",
    ),
    ("chosen", "Được chọn", "Chosen"),
    (
        "freeze_confirm",
        "Tôi hiểu: sau khi chốt, kết quả đánh giá năm này không thay đổi nữa và không mở lại được.",
        "I understand: once frozen, this year's evaluation no longer changes and cannot be reopened.",
    ),
    (
        "sign_confirm",
        "Tôi hiểu: sau khi ký duyệt, chương trình công tác năm này không sửa được nữa.",
        "I understand: once signed, this year's work programme can no longer be changed.",
    ),
    (
        "confirm_needed",
        "Cần đánh dấu xác nhận trước khi thực hiện: thao tác này không hoàn tác được.",
        "Tick the confirmation first: this cannot be undone.",
    ),
    (
        "not_begun",
        "Nhiệm vụ bắt đầu từ ngày",
        "The task begins on",
    ),
    ("rose", "tăng", "rose by"),
    ("fell", "giảm", "fell by"),
    ("compared_with", "so với", "compared with"),
    (
        "report_figures",
        "Số liệu của báo cáo",
        "The report's figures",
    ),
    (
        "report_unsent",
        "Báo cáo chưa được gửi: số liệu đang nhập dở chưa hiển thị với người xem.",
        "The report is not sent yet: figures being entered are not shown to readers.",
    ),
    ("open_entry", "Mở biểu nhập liệu", "Open the entry form"),
    ("view_figures", "Xem số liệu", "View figures"),
    ("overdue_by", "quá hạn", "overdue by"),
    ("days", "ngày", "days"),
    (
        "raised",
        "Khó khăn, vướng mắc và kiến nghị của các đơn vị",
        "Difficulties and proposals reported by units",
    ),
    (
        "since_meeting",
        "từ sau phiên họp ngày",
        "since the meeting of",
    ),
    ("task_one", "Nhiệm vụ", "Task"),
    ("reported_on", "Ngày báo cáo", "Reported on"),
    (
        "done_approve",
        "Đã duyệt báo cáo: chờ cơ quan thường trực tiếp nhận.",
        "Report approved: it awaits acceptance by the standing office.",
    ),
    (
        "done_accept",
        "Đã tiếp nhận báo cáo: số liệu của báo cáo là số liệu chính thức.",
        "Report accepted: its figures are now official.",
    ),
    (
        "done_return",
        "Đã trả lại báo cáo kèm lý do: đơn vị sửa và gửi lại.",
        "Report returned with the reason: the unit corrects and sends it again.",
    ),
    (
        "done_reopen",
        "Đã mở lại báo cáo: số liệu được sửa, rồi gửi lại từ đầu.",
        "Report reopened: its figures can be corrected, then sent again.",
    ),
    ("saved", "Đã lưu.", "Saved."),
    (
        "saved_draft",
        "Đã lưu số liệu (bản nháp): báo cáo chưa được gửi.",
        "Values saved as a draft: the report is not sent yet.",
    ),
    (
        "progress_recorded",
        "Đã ghi nhận báo cáo tiến độ nhiệm vụ.",
        "Progress report recorded.",
    ),
    ("task_saved", "Đã lưu nhiệm vụ.", "Task saved."),
    (
        "saved_sent",
        "Đã gửi báo cáo: chờ cấp trên xem xét, phê duyệt. Số liệu chỉ thành chính thức khi được tiếp nhận.",
        "Report sent: it awaits review and approval. The figures become official only once accepted.",
    ),
];
