//! The nouns refusals name, in both languages: fields, kinds of record, and what a field's
//! text must look like.

use chitieu_domain::{Field, Thing};

/// What a field's text must look like, said after "not valid".
pub(super) fn hint(f: Field) -> (&'static str, &'static str) {
    match f {
        Field::Code | Field::TaskCode | Field::Cluster => (
            " (tối đa 40 ký tự gồm chữ cái không dấu, số và - _ .)",
            " (at most 40 letters without marks, digits and - _ .)",
        ),
        Field::Unit => (
            " (chữ không dấu, số, dấu chấm, gạch; tối đa 32 ký tự)",
            " (letters without marks, digits, dots, dashes; at most 32 characters)",
        ),
        Field::Date => (" (dạng YYYY-MM-DD)", " (as YYYY-MM-DD)"),
        Field::Login => (
            " (1–64 ký tự, không có khoảng trắng)",
            " (1–64 characters, no spaces)",
        ),
        _ => ("", ""),
    }
}

pub(super) fn bytes(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{} MB", n >> 20)
    } else {
        format!("{} KB", n >> 10)
    }
}

pub(super) fn field_words(f: Field) -> (&'static str, &'static str) {
    match f {
        Field::Code => ("mã", "the code"),
        Field::Abbreviation => (
            "chữ viết tắt tên cơ quan trong số văn bản",
            "the body's abbreviation in a document's number",
        ),
        Field::Signature => ("chức danh ký văn bản", "the signature's title"),
        Field::Name => ("tên", "the name"),
        Field::NameEn => ("tên tiếng Anh", "the English name"),
        Field::Title => ("tên nhiệm vụ", "the task's title"),
        Field::TaskCode => ("mã nhiệm vụ", "the task's code"),
        Field::Wording => ("nguyên văn mục tiêu", "the target's wording"),
        Field::Year => ("năm", "the year"),
        Field::FromYear => ("năm đầu (from)", "the first year (from)"),
        Field::ToYear => ("năm cuối (to)", "the last year (to)"),
        Field::EveryYear => ("mục tiêu hằng năm (every_year)", "every year (every_year)"),
        Field::Period => ("kỳ", "the period"),
        Field::Frequency => ("tần suất", "the frequency"),
        Field::Unit => ("đơn vị", "the unit"),
        Field::UnitKind => ("loại đơn vị", "the kind of unit"),
        Field::Parent => ("đơn vị cấp trên", "the parent unit"),
        Field::Successor => ("đơn vị kế thừa", "the successor unit"),
        Field::Indicator => ("chỉ tiêu", "the indicator"),
        Field::Value => ("giá trị", "the value"),
        Field::Numerator => ("tử số", "the numerator"),
        Field::Denominator => ("mẫu số", "the denominator"),
        Field::Factor => ("hệ số", "the factor"),
        Field::Comparator => ("phép so sánh", "the comparator"),
        Field::State => ("trạng thái", "the state"),
        Field::Role => ("vai trò", "the role"),
        Field::Office => ("chức vụ", "the office"),
        Field::Position => ("vị trí trong Ban Chỉ đạo", "the position on the committee"),
        Field::Person => ("họ tên", "the person's name"),
        Field::Login => ("tên đăng nhập", "the login"),
        Field::Password => ("mật khẩu", "the password"),
        Field::Email => ("địa chỉ thư", "the e-mail address"),
        Field::TokenName => ("tên token", "the token's name"),
        Field::System => ("tên hệ thống", "the system's name"),
        Field::Url => ("địa chỉ máy chủ trung ương", "the central server's address"),
        Field::UpstreamToken => ("token do trung ương cấp", "the token the centre issued"),
        Field::Origin => ("nguồn gốc số liệu", "where the figures came from"),
        Field::Date => ("ngày", "the date"),
        Field::Start => ("ngày bắt đầu", "the start date"),
        Field::Deadline => ("hạn hoàn thành", "the deadline"),
        Field::CompletedOn => ("ngày hoàn thành", "the completion date"),
        Field::TermStart => ("ngày bắt đầu nhiệm kỳ", "the term's start"),
        Field::TermEnd => ("ngày kết thúc nhiệm kỳ", "the term's end"),
        Field::Progress => ("tiến độ (%)", "the progress (%)"),
        Field::Reason => ("lý do", "the reason"),
        Field::CancelReason => ("lý do hủy", "the reason for cancelling"),
        Field::ProductDefect => (
            "điểm sản phẩm chưa đạt yêu cầu",
            "where the product falls short",
        ),
        Field::Message => ("lời giải thích", "the explanation"),
        Field::Comment => ("ý kiến", "the comment"),
        Field::ExpectedProduct => ("sản phẩm dự kiến", "the expected product"),
        Field::SourceNumber => ("số văn bản", "the document's number"),
        Field::SourceIssuer => ("cơ quan ban hành", "the issuing body"),
        Field::Allocated => ("kinh phí giao", "the allocated funds"),
        Field::Disbursed => ("kinh phí giải ngân", "the disbursed funds"),
        Field::Weight => ("trọng số", "the weight"),
        Field::Score => ("điểm", "the score"),
        Field::Chair => ("người chủ trì", "the chair"),
        Field::MeetingKind => ("loại phiên họp", "the kind of meeting"),
        Field::Number => ("số văn bản", "the number"),
        Field::DueDays => ("hạn nộp (ngày sau kỳ)", "the due days after the period"),
        Field::RememberDays => (
            "số ngày ghi nhớ thiết bị",
            "the days a device is remembered",
        ),
        Field::OutlierZ => ("ngưỡng bất thường (z)", "the outlier threshold (z)"),
        Field::Operand => ("vế của quy tắc", "the rule's operand"),
        Field::Rule => ("quy tắc kiểm tra", "the check rule"),
        Field::Cluster => ("cụm, khối thi đua", "the emulation cluster"),
        Field::Award => ("danh hiệu", "the title of the award"),
        Field::Group => ("nhóm chỉ tiêu", "the indicator group"),
        Field::Form => ("biểu mẫu", "the form"),
        Field::Task => ("nhiệm vụ", "the task"),
        Field::EnteredAt => ("thời điểm nhập", "the time of entry"),
        Field::File => ("tệp", "the file"),
        Field::Parameter => ("tham số", "the parameter"),
        Field::Method => ("phương pháp", "the method"),
        Field::Action => ("thao tác", "the action"),
        Field::Funding => ("nguồn kinh phí", "the source of funds"),
        Field::TaskStatus => ("tình trạng", "the status"),
        Field::Measure => ("loại số liệu (measure)", "the measure"),
        Field::TimeAggregation => ("cách cộng theo thời gian", "the aggregation over time"),
        Field::UnitAggregation => ("cách cộng theo đơn vị", "the aggregation over units"),
        Field::Direction => ("chiều tốt (direction)", "the direction"),
        Field::Part => ("phần của số liệu", "the part of the figure"),
        Field::Format => ("định dạng", "the format"),
        Field::Share => ("tỷ lệ", "the share"),
        Field::Scope => ("phạm vi", "the scope"),
        Field::Rating => ("xếp loại", "the rating"),
        Field::Basis => ("căn cứ", "the basis"),
        Field::Proposal => ("đề nghị", "the proposal"),
        Field::BaselineYear => (
            "năm gốc (baseline_year)",
            "the baseline year (baseline_year)",
        ),
        Field::StartYear => ("năm bắt đầu (start_year)", "the first year (start_year)"),
        Field::EndYear => ("năm kết thúc (end_year)", "the last year (end_year)"),
        Field::Source => ("căn cứ (source)", "the source (source)"),
        Field::UnitOfMeasure => (
            "đơn vị tính (unit_of_measure)",
            "the unit of measure (unit_of_measure)",
        ),
        Field::UnitOfMeasureEn => (
            "đơn vị tính tiếng Anh (unit_of_measure_en)",
            "the English unit of measure (unit_of_measure_en)",
        ),
        Field::DataSource => (
            "nguồn số liệu (data_source)",
            "the data source (data_source)",
        ),
        Field::Definition => ("định nghĩa (definition)", "the definition (definition)"),
        Field::DefinitionEn => (
            "định nghĩa tiếng Anh (definition_en)",
            "the English definition (definition_en)",
        ),
        Field::NumeratorLabelEn => (
            "tên tử số tiếng Anh (numerator_label_en)",
            "the numerator's English label (numerator_label_en)",
        ),
        Field::DenominatorLabelEn => (
            "tên mẫu số tiếng Anh (denominator_label_en)",
            "the denominator's English label (denominator_label_en)",
        ),
        Field::Agenda => ("nội dung", "the agenda"),
        Field::Attendance => ("thành phần", "the attendance"),
        Field::Note => ("kết quả thực hiện", "the result"),
        Field::Difficulties => ("khó khăn, vướng mắc", "the difficulties"),
        Field::Proposals => ("kiến nghị, đề xuất", "the proposals"),
        Field::LeadUnit => ("đơn vị chủ trì", "the lead unit"),
        Field::CoordinatingUnits => ("đơn vị phối hợp", "the coordinating units"),
        Field::SourceDocument => ("văn bản giao", "the source document"),
        Field::IdempotencyKey => (
            "Idempotency-Key (1–200 ký tự ASCII in được, ví dụ một UUID)",
            "the Idempotency-Key (1–200 printable ASCII characters, e.g. a UUID)",
        ),
        Field::Data => ("loại số liệu (data)", "the figures asked for (data)"),
        Field::ReportedBy => (
            "loại đơn vị báo cáo (reported_by)",
            "the kinds of reporting unit (reported_by)",
        ),
    }
}

/// A kind of record: Vietnamese, English singular, English plural.
pub(super) fn thing_words(t: Thing) -> (&'static str, &'static str, &'static str) {
    match t {
        Thing::Plan => ("kế hoạch", "plan", "plans"),
        Thing::Indicator => ("chỉ tiêu", "indicator", "indicators"),
        Thing::Target => ("mục tiêu", "target", "targets"),
        Thing::Group => ("nhóm", "group", "groups"),
        Thing::Unit => ("đơn vị", "unit", "units"),
        Thing::Head => ("người đứng đầu", "head", "heads"),
        Thing::Member => ("thành viên", "member", "members"),
        Thing::Committee => ("Ban Chỉ đạo", "committee", "committees"),
        Thing::Meeting => ("phiên họp", "meeting", "meetings"),
        Thing::Notice => ("thông báo kết luận", "notice", "notices"),
        Thing::Task => ("nhiệm vụ", "task", "tasks"),
        Thing::Programme => ("chương trình công tác", "work programme", "work programmes"),
        Thing::Form => ("biểu mẫu", "form", "forms"),
        Thing::Report => ("báo cáo", "report", "reports"),
        Thing::Value => ("giá trị", "value", "values"),
        Thing::Evidence => ("tệp minh chứng", "evidence file", "evidence files"),
        Thing::User => ("người dùng", "user", "users"),
        Thing::Token => ("token", "token", "tokens"),
        Thing::Mapping => ("dòng ánh xạ mã", "code mapping", "code mappings"),
        Thing::Cluster => (
            "cụm, khối thi đua",
            "emulation cluster",
            "emulation clusters",
        ),
        Thing::Award => ("danh hiệu", "title", "titles"),
        Thing::Proposal => (
            "đề nghị khen thưởng",
            "commendation proposal",
            "commendation proposals",
        ),
        Thing::Criteria => ("bộ tiêu chí", "set of criteria", "sets of criteria"),
        Thing::Evaluation => ("kết quả đánh giá", "evaluation", "evaluations"),
        Thing::Counter => ("bộ đếm", "counter", "counters"),
        Thing::Rule => ("quy tắc kiểm tra", "check rule", "check rules"),
        Thing::Period => ("kỳ", "period", "periods"),
        Thing::File => ("tệp", "file", "files"),
        Thing::Sheet => ("trang tính", "sheet", "sheets"),
        Thing::Route => ("đường dẫn API", "API path", "API paths"),
    }
}
