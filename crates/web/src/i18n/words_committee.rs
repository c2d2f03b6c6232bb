//! The words of the Steering Committee's records: the meeting brief, the notice's tasks, the
//! conclusion file and the difficulties handled.

pub(super) const COMMITTEE_WORDS: &[(&str, &str, &str)] = &[
    (
        "meeting_brief",
        "Báo cáo phục vụ phiên họp tới",
        "Brief for the next meeting",
    ),
    (
        "member_added",
        "Đã thêm thành viên Ban Chỉ đạo.",
        "Committee member added.",
    ),
    (
        "meeting_recorded",
        "Đã ghi nhận phiên họp.",
        "Meeting recorded.",
    ),
    (
        "handled_recorded",
        "Đã ghi nhận việc xử lý khó khăn, kiến nghị.",
        "Recorded as handled.",
    ),
    (
        "file_attached",
        "Đã đính kèm tệp thông báo kết luận.",
        "Conclusion notice file attached.",
    ),
    (
        "need_file",
        "Chọn tệp thông báo kết luận để đính kèm.",
        "Choose the conclusion notice's file to attach.",
    ),
    ("handled", "Xử lý", "Handled"),
    ("handled_on", "Đã xử lý ngày", "Handled on"),
    ("not_handled", "Chưa xử lý", "Not handled yet"),
    ("mark_handled", "Ghi nhận đã xử lý", "Record as handled"),
    (
        "how_handled",
        "Đã xử lý thế nào (ví dụ: kết luận tại Thông báo số …)",
        "How it was handled (e.g. concluded in notice no. …)",
    ),
    ("notice_file", "Tệp thông báo", "Notice file"),
    ("attach", "Đính kèm", "Attach"),
    (
        "notice_tasks",
        "Nhiệm vụ giao theo thông báo",
        "Tasks assigned from the notice",
    ),
];
