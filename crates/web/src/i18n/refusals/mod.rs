//! The words of every refusal, in Vietnamese and English: the rules say why as data
//! (`chitieu_domain::Refusal`); what a person reads is decided here, in their language.

use chitieu_domain::PeriodKind;
use chitieu_domain::period::PeriodFlaw;
use chitieu_domain::refusal::{FileFlaw, Place, TreeFlaw};
use chitieu_domain::{Field, Refusal, Thing};

use super::{Lang, Tr};

mod nouns;
use nouns::{bytes, field_words, hint, thing_words};

/// `r` in `lang`: for the command line and the API, which have no request's [`Tr`].
pub fn say(r: &Refusal, lang: Lang) -> String {
    Tr { lang }.refusal(r)
}

impl Tr {
    /// Why a rule refused, as a sentence in this language.
    pub fn refusal(&self, r: &Refusal) -> String {
        let en = self.is_en();
        let w = |vi: String, e: String| if en { e } else { vi };
        let f = |x: &Field| self.field(*x);
        let thing = |x: &Thing| self.thing(*x);
        let num = |s: &str| self.figure(s);
        let date = |d: &chrono::NaiveDate| self.date(d);
        match r {
            Refusal::Required { field } => w(
                format!("cần {}", f(field)),
                format!("{} is required", f(field)),
            ),
            Refusal::TooLong { field, max } => w(
                format!("{} dài quá: tối đa {} ký tự", f(field), self.count(*max)),
                format!(
                    "{} is too long: at most {} characters",
                    f(field),
                    self.count(*max)
                ),
            ),
            Refusal::TooShort { field, min } => w(
                format!("{} cần ít nhất {} ký tự", f(field), self.count(*min)),
                format!(
                    "{} needs at least {} characters",
                    f(field),
                    self.count(*min)
                ),
            ),
            Refusal::ControlCharacter {
                field,
                code_point,
                at,
            } => w(
                format!(
                    "{}: có ký tự điều khiển U+{code_point:04X} ở vị trí {at} (không được phép)",
                    f(field)
                ),
                format!(
                    "{}: control character U+{code_point:04X} at position {at} (not allowed)",
                    f(field)
                ),
            ),
            Refusal::Malformed { field, text } => {
                let (hint_vi, hint_en) = hint(*field);
                w(
                    format!("{} \"{text}\" không hợp lệ{hint_vi}", f(field)),
                    format!("{} \"{text}\" is not valid{hint_en}", f(field)),
                )
            }
            Refusal::NotOneOf {
                field,
                text,
                allowed,
            } => w(
                format!("{} \"{text}\" không hợp lệ (dùng: {allowed})", f(field)),
                format!("{} \"{text}\" is not valid (use: {allowed})", f(field)),
            ),
            Refusal::OutOfRange {
                field,
                value,
                min,
                max,
            } => w(
                format!(
                    "{} {} phải trong khoảng {}–{}",
                    f(field),
                    num(value),
                    num(min),
                    num(max)
                ),
                format!(
                    "{} {} must be within {}–{}",
                    f(field),
                    num(value),
                    num(min),
                    num(max)
                ),
            ),
            Refusal::BadPeriod { text, flaw } => {
                let (first, last) = (
                    chitieu_domain::period::PERIOD_YEARS.start(),
                    chitieu_domain::period::PERIOD_YEARS.end(),
                );
                let (vi, e) = match flaw {
                    PeriodFlaw::Form => (
                        "dạng đúng: 2025, 2025S1, 2025Q3, 2025M07".to_string(),
                        "the forms are 2025, 2025S1, 2025Q3, 2025M07".to_string(),
                    ),
                    PeriodFlaw::Year => (
                        format!("năm phải từ {first} đến {last}"),
                        format!("the year must be within {first}–{last}"),
                    ),
                    PeriodFlaw::Index(PeriodKind::Month) => (
                        "tháng phải từ 01 đến 12".to_string(),
                        "the month must be 01 to 12".to_string(),
                    ),
                    PeriodFlaw::Index(PeriodKind::Quarter) => (
                        "quý phải từ 1 đến 4".to_string(),
                        "the quarter must be 1 to 4".to_string(),
                    ),
                    PeriodFlaw::Index(PeriodKind::Semester) => (
                        "nửa năm phải là S1 hoặc S2".to_string(),
                        "the half-year must be S1 or S2".to_string(),
                    ),
                    PeriodFlaw::Index(PeriodKind::Year) => (
                        "năm không có chỉ số".to_string(),
                        "a year has no index".to_string(),
                    ),
                };
                w(
                    format!("mã kỳ \"{text}\" không hợp lệ: {vi}"),
                    format!("\"{text}\" is not a period: {e}"),
                )
            }
            Refusal::TooPrecise { field, value, max } => w(
                format!("{} {} có quá {max} chữ số thập phân", f(field), num(value)),
                format!(
                    "{} {} has more than {max} decimal places",
                    f(field),
                    num(value)
                ),
            ),
            Refusal::YearOutOfRange { year, first, last } => w(
                format!("năm {year} nằm ngoài {first}–{last}"),
                format!("year {year} is outside {first}–{last}"),
            ),
            Refusal::Negative { field, value } => w(
                format!("{} {} không được âm", f(field), num(value)),
                format!("{} {} must not be negative", f(field), num(value)),
            ),
            Refusal::NotPositive { field, value } => w(
                format!("{} {} phải lớn hơn 0", f(field), num(value)),
                format!("{} {} must be greater than 0", f(field), num(value)),
            ),
            Refusal::Exceeds {
                field,
                value,
                other,
                limit,
            } => w(
                format!(
                    "{} {} lớn hơn {} {}",
                    f(field),
                    num(value),
                    f(other),
                    num(limit)
                ),
                format!(
                    "{} {} is greater than {} {}",
                    f(field),
                    num(value),
                    f(other),
                    num(limit)
                ),
            ),
            Refusal::YearsReversed { from, to } => w(
                format!("năm đầu ({from}) sau năm cuối ({to})"),
                format!("the first year ({from}) is after the last ({to})"),
            ),
            Refusal::FrequencyMismatch {
                indicator,
                frequency,
                form_frequency,
            } => w(
                format!(
                    "chỉ tiêu {indicator} báo cáo {}, biểu mẫu báo cáo {}",
                    frequency.label_vi(),
                    form_frequency.label_vi()
                ),
                format!(
                    "indicator {indicator} is reported {}, the form {}",
                    frequency.label_en().to_lowercase(),
                    form_frequency.label_en().to_lowercase()
                ),
            ),
            Refusal::DateBefore {
                field,
                date: d,
                other,
                other_date,
            } => w(
                format!(
                    "{} {} trước {} {}",
                    f(field),
                    date(d),
                    f(other),
                    date(other_date)
                ),
                format!(
                    "{} {} is before {} {}",
                    f(field),
                    date(d),
                    f(other),
                    date(other_date)
                ),
            ),
            Refusal::DateInFuture {
                field,
                date: d,
                today,
            } => w(
                format!(
                    "{} {} ở tương lai (hôm nay là {})",
                    f(field),
                    date(d),
                    date(today)
                ),
                format!(
                    "{} {} is in the future (today is {})",
                    f(field),
                    date(d),
                    date(today)
                ),
            ),
            Refusal::Inconsistent { field, other } => w(
                format!("{} và {} không đi cùng nhau như vậy", f(field), f(other)),
                format!("{} and {} do not go together this way", f(field), f(other)),
            ),
            Refusal::Unknown { what, code } => w(
                format!("không có {} \"{code}\"", thing(what)),
                format!("no {} \"{code}\"", thing(what)),
            ),
            Refusal::Duplicate { what, code } => w(
                format!("đã có {} \"{code}\"", thing(what)),
                format!("{} \"{code}\" already exists", thing(what)),
            ),
            Refusal::TooMany { what, max } => w(
                format!("quá {} {}", self.count(*max), thing(what)),
                format!("more than {} {}", self.count(*max), self.things(*what)),
            ),
            Refusal::TooBig { what, max_bytes } => w(
                format!("{} quá lớn (tối đa {})", thing(what), bytes(*max_bytes)),
                format!("{} too large (at most {})", thing(what), bytes(*max_bytes)),
            ),
            Refusal::WeightsNotWhole { sum } => w(
                format!("tổng các trọng số phải bằng 100 (đang là {})", num(sum)),
                format!(
                    "the weights must add up to 100 (they add up to {})",
                    num(sum)
                ),
            ),
            Refusal::LineShape { of } => {
                let (vi, e) = match of {
                    Thing::Cluster => (
                        "mã | tên | đơn vị, đơn vị, …",
                        "code | name | unit, unit, …",
                    ),
                    Thing::Award => (
                        "danh hiệu | cụm hoặc tất cả | xếp loại thấp nhất | căn cứ",
                        "title | cụm or tất cả | lowest rating | basis",
                    ),
                    _ => (
                        "mã đơn vị | danh hiệu | lý do",
                        "unit code | title | reason",
                    ),
                };
                w(
                    format!("cần dạng \"{vi}\""),
                    format!("the line must read \"{e}\""),
                )
            }
            Refusal::InTwoClusters {
                unit,
                first,
                second,
            } => w(
                format!("đơn vị {unit} thuộc cả cụm \"{first}\" và cụm \"{second}\""),
                format!("unit {unit} is in both cluster \"{first}\" and cluster \"{second}\""),
            ),
            Refusal::TermOverlap { person, from } => w(
                format!(
                    "nhiệm kỳ trùng với nhiệm kỳ của {person} (từ {})",
                    date(from)
                ),
                format!("the term overlaps {person}'s (from {})", date(from)),
            ),
            Refusal::Stale {
                what,
                code,
                by,
                at,
                version,
                seen,
                changed,
            } => {
                let who = match (by.is_empty(), en) {
                    (true, false) => "người khác",
                    (true, true) => "someone else",
                    (false, _) => by.as_str(),
                };
                let when = at.map(|t| self.datetime(&t));
                let changed = changed
                    .iter()
                    .map(|c| self.field(*c))
                    .collect::<Vec<_>>()
                    .join(", ");
                let (changed_vi, changed_en) = if changed.is_empty() {
                    (String::new(), String::new())
                } else {
                    (
                        format!(". Đã đổi: {changed}"),
                        format!(". Changed: {changed}"),
                    )
                };
                w(
                    format!(
                        "{} {code} đã được {who} sửa{} (lần sửa {version}), sau bản bạn đã mở (lần sửa {seen}): không có gì được ghi; mở lại để xem thay đổi rồi sửa lại{changed_vi}",
                        thing(what),
                        when.as_ref()
                            .map(|t| format!(" lúc {t}"))
                            .unwrap_or_default(),
                    ),
                    format!(
                        "{} {code} was changed by {who}{} (edit {version}) after the copy you opened (edit {seen}): nothing was written; open it again to see the change, then edit{changed_en}",
                        thing(what),
                        when.as_ref()
                            .map(|t| format!(" at {t}"))
                            .unwrap_or_default(),
                    ),
                )
            }
            Refusal::Frozen { year } => w(
                format!("kết quả đánh giá năm {year} đã chốt: không sửa được nữa"),
                format!("the {year} evaluation is frozen: it can no longer change"),
            ),
            Refusal::ProgrammeSigned { unit, year } => w(
                format!("chương trình công tác năm {year} của {unit} đã được ký duyệt"),
                format!("{unit}'s {year} work programme is signed"),
            ),
            Refusal::PeriodNotOver { period, from } => w(
                format!("kỳ {period} chưa kết thúc: báo cáo từ ngày {}", date(from)),
                format!("period {period} is not over: report from {}", date(from)),
            ),
            Refusal::WrongPeriod {
                form,
                frequency,
                period,
            } => w(
                format!(
                    "biểu mẫu {form} báo cáo {frequency}, kỳ {period} không phải kỳ của biểu mẫu"
                ),
                format!(
                    "form {form} is reported by {frequency}; {period} is not one of its periods"
                ),
            ),
            Refusal::NotReporter { form, unit } => w(
                format!("đơn vị {unit} không báo cáo biểu mẫu {form}"),
                format!("unit {unit} does not report form {form}"),
            ),
            Refusal::Computed { indicator } => w(
                format!("chỉ tiêu {indicator} được tính tự động, không báo cáo"),
                format!("indicator {indicator} is computed, not reported"),
            ),
            Refusal::NotARatio { indicator } => w(
                format!("chỉ tiêu {indicator} không có tử số, mẫu số"),
                format!("indicator {indicator} has no numerator or denominator"),
            ),
            Refusal::TaskCancelled { task } => w(
                format!("nhiệm vụ {task} đã hủy"),
                format!("task {task} is cancelled"),
            ),
            Refusal::TaskNotCompleted { task } => w(
                format!("nhiệm vụ {task} chưa hoàn thành: chưa có sản phẩm để đánh giá"),
                format!("task {task} is not completed: there is no product to judge"),
            ),
            Refusal::ProductJudged { task } => w(
                format!("sản phẩm của nhiệm vụ {task} đã được ghi nhận là không đạt yêu cầu"),
                format!("task {task}'s product is already recorded as not meeting the requirement"),
            ),
            Refusal::NotEvaluated { unit, year } => w(
                format!("đơn vị {unit} không thuộc diện đánh giá năm {year}"),
                format!("unit {unit} is not evaluated for {year}"),
            ),
            Refusal::NoTieAtCut => w(
                "không có đơn vị nào đồng điểm tại ngưỡng xếp loại xuất sắc: không có gì để Hội đồng thi đua quyết định".to_string(),
                "no units are tied at the cut of excellent: there is nothing for the emulation council to decide".to_string(),
            ),
            Refusal::NotTied { unit } => w(
                format!("đơn vị {unit} không nằm trong số các đơn vị đồng điểm tại ngưỡng xếp loại xuất sắc"),
                format!("unit {unit} is not among the units tied at the cut of excellent"),
            ),
            Refusal::TooManyChosen { chosen, places } => w(
                format!("chọn {chosen} đơn vị nhưng chỉ còn {places} suất xếp loại xuất sắc"),
                format!("{chosen} units chosen but only {places} excellent places are left"),
            ),
            Refusal::ReportState { state, action } => w(
                format!(
                    "không thể {} báo cáo đang ở trạng thái \"{}\"",
                    action.label_vi().to_lowercase(),
                    state.label_vi()
                ),
                format!(
                    "a report that is \"{}\" cannot take \"{}\"",
                    state.label_en().to_lowercase(),
                    action.label_en().to_lowercase()
                ),
            ),
            Refusal::ReasonNeeded { action } => w(
                format!("cần ghi lý do để {}", action.label_vi().to_lowercase()),
                format!("a reason is needed to {}", action.label_en().to_lowercase()),
            ),
            Refusal::Incomplete { indicators } => w(
                format!("báo cáo còn thiếu số liệu: {}", indicators.join(", ")),
                format!("the report lacks figures: {}", indicators.join(", ")),
            ),
            Refusal::RulesBroken { rules } => w(
                format!("số liệu không qua kiểm tra: {}", rules.join("; ")),
                format!("the figures fail the checks: {}", rules.join("; ")),
            ),
            Refusal::Unexplained { rules } => w(
                format!("cần giải thích trước khi gửi: {}", rules.join("; ")),
                format!("explain before sending: {}", rules.join("; ")),
            ),
            Refusal::BadTree { unit, reason } => {
                let (vi, e) = match reason {
                    TreeFlaw::Cycle => ("sẽ là cấp trên của chính nó", "would be its own ancestor"),
                    TreeFlaw::SuccessorCycle => (
                        "sẽ là đơn vị kế thừa của chính nó",
                        "would be its own successor",
                    ),
                    TreeFlaw::NoParent => ("không có đơn vị cấp trên", "has no parent unit"),
                    TreeFlaw::NoSuccessor => ("không có đơn vị kế thừa", "has no successor unit"),
                };
                w(format!("đơn vị {unit} {vi}"), format!("unit {unit} {e}"))
            }
            Refusal::Repeated { first, second } => w(
                format!(
                    "giá trị thứ {} và thứ {} trùng nhau: cùng chỉ tiêu, đơn vị, kỳ",
                    first + 1,
                    second + 1
                ),
                format!(
                    "values {} and {} repeat the same indicator, unit and period",
                    first + 1,
                    second + 1
                ),
            ),
            Refusal::BadFile { name, reason } => {
                let (vi, e) = match reason {
                    FileFlaw::Kind => (
                        "loại tệp không được nhận (PDF, ảnh, văn bản, bảng tính)".to_string(),
                        "a kind of file not accepted (PDF, image, document, spreadsheet)"
                            .to_string(),
                    ),
                    FileFlaw::Content => (
                        "nội dung không đúng loại tệp theo tên".to_string(),
                        "the content is not what the name says".to_string(),
                    ),
                    FileFlaw::Empty => ("tệp rỗng".to_string(), "the file is empty".to_string()),
                    FileFlaw::Name => (
                        "tên tệp không dùng được".to_string(),
                        "the file name cannot be used".to_string(),
                    ),
                    FileFlaw::Damaged(d) => (
                        format!("không mở được bảng tính ({d})"),
                        format!("the spreadsheet does not open ({d})"),
                    ),
                };
                w(
                    format!("tệp \"{name}\": {vi}"),
                    format!("file \"{name}\": {e}"),
                )
            }
            Refusal::Unreadable { what, detail } => w(
                format!("{} đã lưu không đọc được: {detail}", thing(what)),
                format!("the stored {} does not read: {detail}", thing(what)),
            ),
            // Worded where the rule lives, in both languages, until they move here.
            Refusal::Tree(e) => w(e.to_string(), e.message_en()),
            Refusal::Password(e) => w(e.to_string(), e.message_en().to_string()),
            Refusal::NoPlan => w(
                "chưa có kế hoạch: chạy `chitieu init`".to_string(),
                "no plan is loaded yet: run `chitieu init`".to_string(),
            ),
            Refusal::OtherPlan { stored, file } => w(
                format!(
                    "cơ sở dữ liệu đã giữ kế hoạch {stored}: không nạp kế hoạch {file} bên cạnh; mỗi cơ sở dữ liệu giữ kế hoạch của một tỉnh (dùng một cơ sở dữ liệu mới cho kế hoạch này); không có gì thay đổi"
                ),
                format!(
                    "the database holds the plan {stored}: the plan {file} is not loaded beside it; a database holds one province's plan (use a new database for this one); nothing changed"
                ),
            ),
            Refusal::PeriodTooFine {
                indicator,
                frequency,
            } => w(
                format!(
                    "chỉ tiêu {indicator} báo cáo theo {frequency}: không có số liệu ở kỳ ngắn hơn"
                ),
                format!(
                    "indicator {indicator} is reported by {frequency}: no figures for a shorter period"
                ),
            ),
            Refusal::Syntax { detail } => w(
                format!("tệp không đọc được: {detail}"),
                format!("the file does not parse: {detail}"),
            ),
            Refusal::At { place, inner } => {
                format!("{}: {}", self.place(place), self.refusal(inner))
            }
        }
    }

    fn place(&self, p: &Place) -> String {
        match (p, self.is_en()) {
            (Place::Line(n), false) => format!("dòng {n}"),
            (Place::Line(n), true) => format!("line {n}"),
            (Place::Item(what, code), _) => format!("{} {code}", self.thing(*what)),
            (Place::Row(what, n), false) => format!("{}, dòng {n}", self.thing(*what)),
            (Place::Row(what, n), true) => format!("{}, line {n}", self.thing(*what)),
            (Place::Field(name), _) => (*name).to_string(),
        }
    }

    /// A count with the language's thousands separator (1.000, 1,000).
    fn count(&self, n: usize) -> String {
        self.figure(&n.to_string())
    }

    /// An exact decimal as this language writes it; text that is not one stays as it is.
    fn figure(&self, s: &str) -> String {
        match s.parse::<chitieu_domain::Decimal>() {
            Ok(d) => self.separators(chitieu_domain::text::format_decimal_vi(&d)),
            Err(_) => s.to_string(),
        }
    }

    /// A field's name, as a sentence names it.
    pub fn field(&self, f: Field) -> &'static str {
        let (vi, en) = field_words(f);
        if self.is_en() { en } else { vi }
    }

    /// A kind of record, as a sentence names one.
    pub fn thing(&self, t: Thing) -> &'static str {
        let (vi, en, _) = thing_words(t);
        if self.is_en() { en } else { vi }
    }

    fn things(&self, t: Thing) -> &'static str {
        let (vi, _, en) = thing_words(t);
        if self.is_en() { en } else { vi }
    }
}

#[cfg(test)]
mod tests;
