//! Vietnamese by default, English on request: words, numbers (1.234,5 vs 1,234.5) and dates
//! (dd/mm/yyyy vs yyyy-mm-dd).

use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    pub fn from_code(s: Option<&str>) -> Lang {
        match s {
            Some("en") => Lang::En,
            _ => Lang::Vi,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

/// (key, Vietnamese, English)
const WORDS: &[(&str, &str, &str)] = &[
    (
        "app",
        "Theo dõi thực hiện Nghị quyết 57",
        "Resolution 57 monitoring",
    ),
    ("overview", "Tổng quan", "Overview"),
    ("indicators", "Chỉ tiêu", "Indicators"),
    ("indicator", "Chỉ tiêu", "Indicator"),
    ("units", "Đơn vị", "Units"),
    ("unit", "Đơn vị", "Unit"),
    ("my_work", "Việc của tôi", "My work"),
    ("entry", "Nhập số liệu", "Data entry"),
    ("tasks", "Nhiệm vụ", "Tasks"),
    ("admin", "Quản trị", "Administration"),
    ("public", "Công khai", "Public"),
    ("sign_in", "Đăng nhập", "Sign in"),
    ("sign_out", "Đăng xuất", "Sign out"),
    ("login", "Tên đăng nhập", "Login"),
    ("password", "Mật khẩu", "Password"),
    ("latest", "Mới nhất", "Latest"),
    ("period", "Kỳ", "Period"),
    ("targets", "Mục tiêu", "Targets"),
    ("target", "Mục tiêu", "Target"),
    ("status", "Tình trạng", "Status"),
    ("trend", "Xu hướng", "Trend"),
    ("targets_total", "mục tiêu", "targets"),
    ("every_year", "Mỗi năm", "Every year"),
    ("year_from", "Từ năm", "From year"),
    ("year_to", "Đến năm", "To year"),
    (
        "unknown_status",
        "Không có tình trạng này",
        "No such status",
    ),
    ("no_data", "Chưa có số liệu", "No data"),
    ("overdue_tasks", "Nhiệm vụ quá hạn", "Overdue tasks"),
    (
        "completeness",
        "Mức đầy đủ báo cáo",
        "Reporting completeness",
    ),
    ("group", "Nhóm", "Group"),
    ("value", "Giá trị", "Value"),
    ("numerator", "Tử số", "Numerator"),
    ("denominator", "Mẫu số", "Denominator"),
    ("comment", "Ghi chú", "Comment"),
    ("save_draft", "Lưu nháp", "Save draft"),
    ("provisional", "số liệu chưa tiếp nhận", "not yet accepted"),
    ("reports", "Báo cáo", "Reports"),
    ("queue", "Chờ tôi xử lý", "Waiting for me"),
    ("report_state", "Trạng thái báo cáo", "Report state"),
    ("history", "Lịch sử", "History"),
    ("reason", "Lý do", "Reason"),
    ("due", "Hạn nộp", "Due"),
    ("late", "Trễ hạn", "Late"),
    ("figures", "Số liệu", "Figures"),
    (
        "number_rule",
        "Cách ghi số: dấu phẩy là dấu thập phân, dấu chấm hoặc khoảng trắng ngăn cách hàng nghìn (1.234,5). Một dấu chấm trước đúng ba chữ số là hàng nghìn: 1.035 là một nghìn không trăm ba mươi lăm; 1,035 là một phẩy không ba lăm.",
        "Numbers: the comma marks decimals, dots or spaces group thousands (1.234,5). A dot before exactly three digits groups thousands: 1.035 is one thousand and thirty-five; 1,035 is one point zero three five.",
    ),
    (
        "late_units",
        "Đơn vị trễ hạn báo cáo",
        "Units late with their reports",
    ),
    (
        "all_late",
        "Xem tất cả báo cáo trễ hạn",
        "See every late report",
    ),
    ("form_name", "Tên biểu mẫu", "Form name"),
    (
        "all_figures",
        "tất cả, kể cả số liệu chưa tiếp nhận",
        "all, including those not yet accepted",
    ),
    (
        "official_figures",
        "chỉ số liệu đã tiếp nhận",
        "accepted only",
    ),
    (
        "matrix",
        "Tình hình nộp báo cáo theo đơn vị và kỳ",
        "Reports by unit and period",
    ),
    ("reported_by", "Đơn vị báo cáo", "Reported by"),
    (
        "due_days",
        "Hạn nộp (ngày sau kỳ)",
        "Due (days after the period)",
    ),
    ("frequency", "Kỳ báo cáo", "Frequency"),
    ("forms", "Biểu mẫu báo cáo", "Report forms"),
    (
        "email",
        "Thư điện tử (nhận nhắc việc)",
        "E-mail (for reminders)",
    ),
    ("notices", "Thông báo", "Notices"),
    ("no_notices", "Không có thông báo.", "No notices."),
    ("mark_read", "Đánh dấu đã đọc", "Mark as read"),
    (
        "report_comment",
        "Giải thích khi gửi (bắt buộc nếu số liệu có cảnh báo)",
        "Explanation when sending (needed if a figure is flagged)",
    ),
    ("flags", "Cần xem xét", "To review"),
    (
        "outlier",
        "bất thường so với chính đơn vị:",
        "unusual for this unit:",
    ),
    ("earlier_periods", "kỳ trước", "earlier periods"),
    ("expected", "Phải nộp", "Expected"),
    ("received", "Đã nhận", "Received"),
    ("on_time", "Đúng hạn", "On time"),
    ("my_reports", "Báo cáo của đơn vị tôi", "My unit's reports"),
    ("late_reports", "báo cáo trễ hạn", "late reports"),
    ("form", "Biểu mẫu", "Form"),
    ("state", "Trạng thái", "State"),
    (
        "returned_reason",
        "Báo cáo bị trả lại, lý do",
        "Report returned, reason",
    ),
    ("no_reports", "Không có báo cáo nào.", "No reports."),
    (
        "all_reports",
        "Tất cả báo cáo trong phạm vi",
        "All reports in scope",
    ),
    ("submit", "Gửi báo cáo", "Submit"),
    ("saved", "Đã lưu số liệu.", "Values saved."),
    (
        "fix_errors",
        "Chưa lưu: vui lòng sửa các ô báo lỗi.",
        "Not saved: please fix the fields marked in red.",
    ),
    ("head", "Người đứng đầu", "Head"),
    ("past_heads", "Người đứng đầu trước đây", "Past heads"),
    ("head_title", "Chức vụ", "Title"),
    ("funding", "Kinh phí", "Funding"),
    ("funding_source", "Nguồn", "Source"),
    ("allocated", "giao", "allocated"),
    ("disbursed", "đã giải ngân", "disbursed"),
    ("million_dong", "triệu đồng", "million VND"),
    ("result", "Kết quả", "Result"),
    ("difficulties", "Khó khăn, vướng mắc", "Difficulties"),
    ("proposals", "Kiến nghị, đề xuất", "Proposals"),
    (
        "units_behind",
        "Đơn vị chậm so với chỉ tiêu được giao",
        "Units behind on the targets assigned to them",
    ),
    (
        "programme",
        "Chương trình công tác năm",
        "Annual work programme",
    ),
    ("evaluation", "Đánh giá, xếp loại", "Evaluation"),
    ("evaluation_short", "Xếp loại", "Ratings"),
    ("unit_code", "Mã đơn vị", "Unit code"),
    ("line_source", "Căn cứ", "Source"),
    ("download_xlsx", "Tải Excel", "Download Excel"),
    ("proposals", "Đề nghị khen thưởng", "Commendation proposals"),
    (
        "report_docx",
        "Tải báo cáo định kỳ quý gần nhất (Word)",
        "Download the latest quarter's periodic report (Word)",
    ),
    ("code_mapping", "Bảng ánh xạ mã DHIS2", "DHIS2 code mapping"),
    (
        "code_mapping_rows",
        "Mỗi dòng: loại,mã của hệ thống,mã DHIS2",
        "One row each: part,our code,DHIS2 code",
    ),
    (
        "code_mapping_help",
        "Loại là unit (đơn vị), value (chỉ tiêu dạng số), numerator hoặc denominator (tử số, mẫu số của chỉ tiêu tỷ lệ). Mã không có trong bảng được giữ nguyên khi trao đổi dữ liệu DHIS2 (JSON dataValueSets, ADX). Lưu là thay cả bảng.",
        "Part is unit, value (a number indicator), numerator or denominator (of a ratio indicator). A code not in the table is exchanged as it is (DHIS2 dataValueSets JSON, ADX). Saving replaces the whole table.",
    ),
    (
        "from_file",
        "Nhập từ tệp Excel hoặc CSV",
        "Enter from an Excel or CSV file",
    ),
    (
        "download_template",
        "Tải biểu mẫu Excel của kỳ này",
        "Download this period's Excel template",
    ),
    ("upload_file", "Tải tệp lên", "Upload the file"),
    (
        "from_file_help",
        "Điền biểu mẫu Excel (hoặc tệp CSV có dòng tiêu đề indicator,unit,period,value,numerator,denominator,comment) rồi tải lên: số liệu được lưu nháp; một ô sai thì cả tệp bị từ chối và thông báo nêu rõ trang, ô và lý do.",
        "Fill the Excel template (or a CSV with the header indicator,unit,period,value,numerator,denominator,comment) and upload it: the figures are saved as drafts; one wrong cell and the whole file is refused, naming the sheet, the cell and the reason.",
    ),
    ("uploaded", "Đã nhập từ tệp", "Entered from the file"),
    (
        "choose_file",
        "Hãy chọn tệp cần tải lên",
        "Choose a file to upload",
    ),
    (
        "file_kinds",
        "Chỉ nhận tệp .xlsx hoặc .csv",
        "Only .xlsx or .csv files are accepted",
    ),
    (
        "file_refused",
        "Tệp bị từ chối, không có số liệu nào được ghi:",
        "The file was refused; nothing was written:",
    ),
    (
        "no_form_for_period",
        "Không có biểu nào cho đơn vị và kỳ này",
        "No form for this unit and period",
    ),
    ("values_word", "giá trị", "values"),
    (
        "product_defect",
        "Sản phẩm không đạt yêu cầu",
        "Product below requirements",
    ),
    (
        "defective_task_credit",
        "sản phẩm không đạt yêu cầu được",
        "a product below requirements keeps",
    ),
    (
        "record_defect",
        "Ghi nhận sản phẩm không đạt",
        "Record the shortfall",
    ),
    (
        "product_defect_help",
        "Nhiệm vụ vẫn được tính là đã hoàn thành, nhưng mất một phần điểm trong đánh giá năm; ghi nhận một lần.",
        "The task still counts as completed but loses part of its points in the year's evaluation; recorded once.",
    ),
    (
        "titles_help",
        "Mỗi dòng một danh hiệu: tên | cụm (chỉ đơn vị dẫn đầu cụm) hoặc tất cả | xếp loại thấp nhất (excellent, good, complete) | căn cứ. Mặc định theo Luật Thi đua, khen thưởng 2022 và Nghị định 98/2023/NĐ-CP; đối chiếu với quy chế thi đua của tỉnh.",
        "One title a line: name | cụm (the first of a cluster only) or tất cả (all) | lowest rating (excellent, good, complete) | legal basis. Defaults follow the Law on Emulation and Commendation 2022 and Decree 98/2023/NĐ-CP; check them against the province's emulation regulation.",
    ),
    (
        "award_title",
        "Danh hiệu, hình thức khen thưởng",
        "Title or award",
    ),
    ("proposals_edited", "Đã sửa", "Edited"),
    (
        "proposals_computed",
        "tính theo tiêu chí của năm",
        "computed by the year's rubric",
    ),
    (
        "edit_proposals",
        "Sửa danh sách đề nghị",
        "Edit the proposals",
    ),
    (
        "proposals_help",
        "Mỗi dòng một đề nghị: mã đơn vị | danh hiệu | lý do. Để trống rồi lưu để trở về danh sách tính theo tiêu chí.",
        "One proposal a line: unit code | title | reason. Save it empty to go back to the computed list.",
    ),
    ("rubric_default", "mặc định", "default"),
    ("rubric_version", "phiên bản", "version"),
    (
        "edit_rubric",
        "Sửa bộ tiêu chí năm này",
        "Change this year's rubric",
    ),
    ("save_rubric", "Lưu phiên bản mới", "Save a new version"),
    (
        "clusters_help",
        "Mỗi dòng một cụm: mã | tên | mã đơn vị, mã đơn vị, … Đơn vị không thuộc cụm nào được xếp hạng trong nhóm của mình.",
        "One cluster a line: code | name | unit code, unit code, … A unit in no cluster is ranked in its peer group.",
    ),
    (
        "not_rated",
        "Chưa có căn cứ đánh giá",
        "Nothing to rate yet",
    ),
    (
        "at_risk_credit",
        "Chỉ tiêu có nguy cơ được",
        "A target at risk earns",
    ),
    (
        "late_task_credit",
        "nhiệm vụ hoàn thành quá hạn được",
        "a task completed late keeps",
    ),
    (
        "excellent_quota",
        "tỷ lệ xuất sắc tối đa",
        "excellent at most",
    ),
    ("frozen_on", "Đã chốt ngày", "Frozen on"),
    ("peer_group", "Nhóm", "Peer group"),
    ("cluster", "Cụm, khối thi đua", "Emulation cluster"),
    ("frozen_view", "Kết quả đã chốt", "As frozen"),
    ("live_view", "Kết quả hiện tại", "As of today"),
    ("not_frozen", "Chưa chốt", "Not frozen"),
    (
        "live_note",
        "kết quả tính theo số liệu chính thức đến hôm nay, còn thay đổi khi có số liệu mới",
        "computed on official figures as of today; it changes as figures arrive",
    ),
    ("rubric", "Bộ tiêu chí (100 điểm)", "Rubric (100 points)"),
    (
        "rating_bands",
        "Xếp loại theo Nghị định 335/2025/NĐ-CP: từ 90 điểm xuất sắc, từ 70 tốt, từ 50 hoàn thành, dưới 50 không hoàn thành; xuất sắc không quá tỷ lệ trên số đơn vị từ tốt trở lên của nhóm, điểm cao trước; bằng điểm thì xét điểm chỉ tiêu, vẫn bằng ở ngưỡng thì không đơn vị nào được.",
        "Ratings by Decree 335/2025/NĐ-CP: 90 and above excellent, 70 good, 50 complete, below 50 not complete; excellent capped at the quota of the group's units rated good or above, highest first; ties go to target points, and units still tied at the cut all stay good.",
    ),
    ("rating", "Xếp loại", "Rating"),
    ("rank", "Hạng", "Rank"),
    ("rank_in_cluster", "Hạng trong cụm", "Rank in cluster"),
    ("score", "Điểm", "Score"),
    ("heads", "Người đứng đầu", "Heads"),
    (
        "since_frozen",
        "Khác biệt so với kết quả đã chốt",
        "What differs from the frozen result",
    ),
    (
        "freeze_year",
        "Chốt kết quả đánh giá năm",
        "Freeze the evaluation of",
    ),
    (
        "freeze_note",
        "Sau khi chốt, số liệu mới không làm thay đổi kết quả đã chốt; chỉ chốt một lần.",
        "Once frozen, new figures do not change it; a year is frozen once.",
    ),
    ("scorecard", "Phiếu điểm", "Scorecard"),
    ("person", "Họ tên", "Name"),
    (
        "in_office",
        "Thời gian giữ chức vụ trong năm",
        "In office during the year",
    ),
    ("days_share", "Số ngày (tỷ lệ)", "Days (share)"),
    ("score_lines", "Điểm từng nội dung", "Points line by line"),
    ("section", "Nội dung", "Section"),
    ("points", "Điểm đạt", "Points"),
    ("max_points", "Điểm tối đa", "Out of"),
    (
        "head_scorecard",
        "Kết quả của người đứng đầu",
        "A head's results",
    ),
    ("not_signed", "Chưa ký duyệt", "Not signed off"),
    ("signed_on", "Đã ký duyệt ngày", "Signed off on"),
    (
        "sign_programme",
        "Ký duyệt chương trình",
        "Sign the programme off",
    ),
    ("tasks_done", "nhiệm vụ đã hoàn thành", "tasks done"),
    (
        "committee_members",
        "Thành viên Ban Chỉ đạo",
        "Committee members",
    ),
    ("position", "Vị trí", "Position"),
    (
        "meetings",
        "Phiên họp và kết luận",
        "Meetings and conclusions",
    ),
    ("meeting_kind", "Loại phiên họp", "Kind of meeting"),
    ("chair", "Chủ trì", "Chair"),
    ("agenda", "Nội dung", "Agenda"),
    ("attendance", "Thành phần", "Attendance"),
    (
        "conclusion_notice",
        "Thông báo kết luận số",
        "Conclusion notice",
    ),
    (
        "conclusion_number",
        "Số thông báo kết luận",
        "Conclusion notice number",
    ),
    ("conclusion_date", "Ngày thông báo", "Notice date"),
    ("dated", "ngày", "of"),
    ("items_done", "mục đã hoàn thành", "items done"),
    (
        "assign_items",
        "Giao nhiệm vụ theo kết luận",
        "Assign the notice's items",
    ),
    ("add_member", "Thêm thành viên", "Add a member"),
    ("record_meeting", "Ghi phiên họp", "Record a meeting"),
    ("held_on", "Ngày họp", "Held on"),
    ("need_from", "cần ngày", "a date is needed"),
    ("office", "Chức trách", "Office"),
    ("new_task", "Giao nhiệm vụ", "Assign a task"),
    ("edit_task", "Sửa nhiệm vụ", "Change the task"),
    ("cancel_task", "Hủy nhiệm vụ", "Cancel the task"),
    ("task_title", "Tên nhiệm vụ", "Task"),
    ("start", "Ngày bắt đầu", "Start"),
    ("source_doc", "Văn bản giao", "Source document"),
    ("doc_number", "Số văn bản", "Number"),
    ("doc_date", "Ngày ban hành", "Date"),
    ("doc_issuer", "Cơ quan ban hành", "Issued by"),
    ("back", "Quay lại", "Back"),
    ("cancelled_on", "Đã hủy ngày", "Cancelled on"),
    ("counted", "Đếm trực tiếp", "Counted directly"),
    ("value_series", "Số liệu thực hiện", "Reported figures"),
    ("person_name", "Họ tên", "Full name"),
    ("ind_name", "Tên chỉ tiêu", "Indicator name"),
    (
        "ind_name_en",
        "Tên chỉ tiêu (tiếng Anh)",
        "Indicator name (English)",
    ),
    (
        "form_name_en",
        "Tên biểu mẫu (tiếng Anh)",
        "Form name (English)",
    ),
    ("unit_name", "Tên đơn vị", "Unit name"),
    ("token_name", "Tên khóa", "Token name"),
    ("term", "Nhiệm kỳ", "Term"),
    ("unit_unknown", "Không có đơn vị", "There is no unit"),
    ("period_unknown", "Không hiểu kỳ", "Cannot read the period"),
    (
        "period_unknown_shown",
        "(dạng đúng: chọn trong danh sách, hoặc 2026Q3, 2026S1, 2026, 2026M07); đang mở kỳ",
        "(pick it from the list, or type 2026Q3, 2026S1, 2026, 2026M07); showing",
    ),
    (
        "period_future",
        "chưa bắt đầu: số liệu nhập lúc này chỉ là dự kiến.",
        "has not started: figures entered now can only be estimates.",
    ),
    (
        "period_running",
        "chưa kết thúc: số liệu nhập lúc này là số ước tính.",
        "has not ended: figures entered now are estimates.",
    ),
    ("previous_figure", "Kỳ trước", "Previous period"),
    ("province_target", "mục tiêu của tỉnh", "province target"),
    ("computed", "Tỷ lệ tính được", "Computed share"),
    ("all_units", "Danh bạ đơn vị", "All units"),
    (
        "led_indicators",
        "Chỉ tiêu chủ trì (số liệu toàn tỉnh)",
        "Indicators it leads (province figures)",
    ),
    (
        "coordinated_indicators",
        "Chỉ tiêu phối hợp (số liệu toàn tỉnh)",
        "Indicators it helps with (province figures)",
    ),
    ("dir_province", "Tỉnh", "Province"),
    (
        "dir_other",
        "Ban Chỉ đạo và cơ quan khác",
        "Steering Committee and other bodies",
    ),
    ("dir_departments", "Sở, ban, ngành", "Departments"),
    ("dir_communes", "Xã, phường", "Communes and wards"),
    ("my_unit", "Đơn vị của tôi", "My unit"),
    ("find_unit", "Tìm đơn vị", "Find a unit"),
    (
        "find_unit_hint",
        "tên, gõ có dấu hoặc không dấu",
        "name, with or without marks",
    ),
    ("find", "Tìm", "Find"),
    ("units_found", "đơn vị khớp", "units match"),
    (
        "no_unit_found",
        "Không có đơn vị nào khớp. Thử một phần tên, ví dụ \"tich luong\".",
        "No unit matches. Try part of a name, e.g. \"tich luong\".",
    ),
    ("deadline", "Hạn", "Deadline"),
    ("lead_unit", "Đơn vị chủ trì", "Lead unit"),
    ("coordinating", "Đơn vị phối hợp", "Coordinating units"),
    ("definition", "Định nghĩa", "Definition"),
    ("formula", "Công thức", "Formula"),
    ("source", "Nguồn số liệu", "Data source"),
    ("by_unit", "Theo đơn vị", "By unit"),
    ("projection", "Dự báo", "Projection"),
    ("progress", "Tiến độ", "Progress"),
    ("expected_product", "Sản phẩm", "Expected product"),
    ("all", "Tất cả", "All"),
    ("filter", "Lọc", "Filter"),
    ("year", "Năm", "Year"),
    ("due_now", "Cần báo cáo kỳ này", "Due this period"),
    ("users", "Người dùng", "Users"),
    ("role", "Vai trò", "Role"),
    (
        "forbidden",
        "Bạn không có quyền xem trang này.",
        "You may not see this page.",
    ),
    ("not_found", "Không tìm thấy trang.", "Page not found."),
    (
        "server_error",
        "Đã có lỗi hệ thống. Vui lòng thử lại sau.",
        "Something went wrong. Please try again later.",
    ),
    (
        "bad_login",
        "Tên đăng nhập hoặc mật khẩu không đúng.",
        "Wrong login or password.",
    ),
    (
        "throttled",
        "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.",
        "Too many failed sign-ins. Try again in 15 minutes.",
    ),
    (
        "public_title",
        "Mục tiêu và tiến độ thực hiện",
        "Targets and progress",
    ),
    ("home", "Trang chủ", "Home"),
    ("met", "Đạt", "Met"),
    ("not_met", "Chưa đạt", "Not met"),
    ("open", "Mở", "Open"),
    ("none", "Không có", "None"),
    ("evidence", "Minh chứng", "Evidence"),
    ("report_progress", "Cập nhật tiến độ", "Report progress"),
    ("completed", "Đã hoàn thành", "Completed"),
    ("completed_on", "Ngày hoàn thành", "Completed on"),
    (
        "completion_who",
        "Chỉ thủ trưởng đơn vị chủ trì hoặc cơ quan thường trực xác nhận hoàn thành.",
        "Only the lead unit's head or the standing office declares a task completed.",
    ),
    (
        "bad_form",
        "Không đọc được biểu mẫu đã gửi. Vui lòng tải lại trang và thử lại.",
        "The form could not be read. Please reload the page and try again.",
    ),
    (
        "too_large",
        "Tệp gửi lên quá lớn (tối đa 10 MB mỗi tệp, 30 MB mỗi lần gửi).",
        "The upload is too large (10 MB per file, 30 MB per submission).",
    ),
    (
        "locked",
        "Đã tiếp nhận: số liệu đã khóa.",
        "Accepted: the figures are locked.",
    ),
    (
        "conflicts",
        "Chưa lưu: có số liệu vừa được người khác thay đổi. Chọn giữ số nào cho từng ô rồi lưu lại.",
        "Not saved: someone else has just changed some figures. Choose which to keep for each, then save again.",
    ),
    ("keep_mine", "Giữ số của tôi", "Keep mine"),
    ("keep_theirs", "Dùng số đã lưu", "Use the saved figures"),
    (
        "tokens",
        "Token cho hệ thống khác",
        "Tokens for other systems",
    ),
    ("revoke", "Thu hồi", "Revoke"),
    ("revoked", "Đã thu hồi", "Revoked"),
    ("created", "Người tạo, ngày", "Created by, on"),
    (
        "new_token",
        "Token mới — chỉ hiện một lần, hãy sao chép ngay:",
        "New token — shown this once, copy it now:",
    ),
    ("save", "Lưu", "Save"),
    ("add", "Thêm", "Add"),
    ("name", "Họ tên / tên", "Name"),
    ("title", "Chức vụ", "Title"),
    ("from", "Từ ngày", "From"),
    ("to", "Đến ngày", "To"),
    ("code", "Mã", "Code"),
    ("kind", "Loại", "Kind"),
    ("parent", "Đơn vị cấp trên", "Parent unit"),
    ("successor", "Đơn vị kế thừa", "Successor"),
    ("comparator", "So sánh", "Comparator"),
    ("wording", "Nguyên văn", "Source wording"),
    (
        "evidence_limits",
        "Tệp PDF, PNG, JPG, DOCX hoặc XLSX, tối đa 10 MB.",
        "PDF, PNG, JPG, DOCX or XLSX files, up to 10 MB.",
    ),
];

/// Translations for one request.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn t(&self, key: &str) -> &'static str {
        WORDS
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, vi, en)| if self.lang == Lang::En { *en } else { *vi })
            .unwrap_or("?")
    }

    pub fn is_en(&self) -> bool {
        self.lang == Lang::En
    }

    pub fn num(&self, x: f64, dp: usize) -> String {
        let vi = chitieu_domain::text::format_f64_vi(x, dp);
        match self.lang {
            Lang::Vi => vi,
            // Swap the two separators of the Vietnamese form.
            Lang::En => vi
                .chars()
                .map(|c| match c {
                    '.' => ',',
                    ',' => '.',
                    c => c,
                })
                .collect(),
        }
    }

    pub fn date(&self, d: &NaiveDate) -> String {
        match self.lang {
            Lang::Vi => d.format("%d/%m/%Y").to_string(),
            Lang::En => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// A moment, in Vietnam's time (UTC+7 all year).
    pub fn datetime(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        let t = t.with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7"));
        match self.lang {
            Lang::Vi => t.format("%H:%M %d/%m/%Y").to_string(),
            Lang::En => t.format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    /// A status as words; never a colour alone.
    /// A task status inside a sentence: "quá hạn chưa hoàn thành".
    pub fn task_status_lower(&self, s: chitieu_domain::TaskStatus) -> String {
        self.task_status(s).to_lowercase()
    }

    /// How long ago, in days: "hôm nay", "12 ngày trước".
    pub fn days_ago(&self, days: i64) -> String {
        match (days, self.is_en()) {
            (..=0, false) => "hôm nay".into(),
            (..=0, true) => "today".into(),
            (1, true) => "1 day ago".into(),
            (n, false) => format!("{n} ngày trước"),
            (n, true) => format!("{n} days ago"),
        }
    }

    /// Plan content in the reader's language: the English wording when there is one.
    pub fn pick<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        if self.is_en() && !en.trim().is_empty() {
            en
        } else {
            vi
        }
    }

    /// "Quý III/2026" or "Q3 2026": what people call a period, never its code.
    pub fn period(&self, p: &chitieu_domain::Period) -> String {
        if self.is_en() {
            p.label_en()
        } else {
            p.label_vi()
        }
    }

    pub fn status(&self, s: chitieu_domain::Status) -> &'static str {
        if self.lang == Lang::Vi {
            s.label_vi()
        } else {
            s.label_en()
        }
    }

    pub fn task_status(&self, s: chitieu_domain::TaskStatus) -> &'static str {
        if self.lang == Lang::Vi {
            s.label_vi()
        } else {
            s.label_en()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_follow_the_language() {
        let vi = Tr { lang: Lang::Vi };
        let en = Tr { lang: Lang::En };
        assert_eq!(vi.num(1234.5, 1), "1.234,5");
        assert_eq!(en.num(1234.5, 1), "1,234.5");
        let d = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        assert_eq!(vi.date(&d), "01/07/2025");
        assert_eq!(en.date(&d), "2025-07-01");
        assert_eq!(vi.t("overview"), "Tổng quan");
        assert_eq!(en.t("overview"), "Overview");
        for (k, _, _) in WORDS {
            assert_ne!(vi.t(k), "?");
        }
    }
}
