//! The periodic report (báo cáo định kỳ) in the layout of Decree 30/2020/NĐ-CP, as Word
//! (`docx`), PDF (`pdf`, typeset by Typst with a vendored Times-compatible font) and Excel
//! (`xlsx`). The three say the same words: they come from here.

pub mod docx;
pub mod pdf;
pub mod xlsx;

use chrono::{Datelike, NaiveDate};

/// What the report says; the caller gathers it from official (accepted) figures only.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    /// The body above the issuer, if any ("UBND TỈNH THÁI NGUYÊN" above a department).
    pub parent: String,
    /// "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN"
    pub issuer: String,
    /// "Số:      /BC-UBND"
    pub number: String,
    pub place: String,
    pub date: NaiveDate,
    /// "Kết quả thực hiện Nghị quyết số 57-NQ/TW … năm 2025"
    pub title: String,
    pub summary: Vec<String>,
    /// How many targets stand at each status, in the badges' words (the chart); none, no chart.
    pub standing: Vec<(String, usize)>,
    /// The targets table's heading without its number ("TIẾN ĐỘ THỰC HIỆN CÁC MỤC TIÊU")
    /// and what it says when it has no rows.
    pub targets_title: String,
    pub targets_none: String,
    /// Targets in progress: indicator, target as worded, latest official figure with its
    /// unit of measure and period in words, progress in words.
    pub targets: Vec<[String; 4]>,
    /// The heading of a year's table before its year ("KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU NĂM").
    pub ended_title: String,
    /// Targets whose year has ended, a table a year (oldest first), each row with the figure
    /// of its own year and the final verdict; repeated in every later report of the plan.
    pub ended: Vec<EndedYear>,
    /// The list sections after the tables, in order.
    pub lists: Vec<List>,
    pub recipients: Vec<String>,
    /// "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    pub signer_position: String,
    pub signer_name: String,
}

/// The targets of a year that is over, with their verdicts.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct EndedYear {
    pub year: i32,
    pub rows: Vec<[String; 4]>,
}

/// A list section of the body: items as sentences, numbered after the tables.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct List {
    /// What the list is, for readers of the content ("at_risk", "overdue", "raised"...).
    pub key: String,
    /// The heading without its number ("NHIỆM VỤ QUÁ HẠN").
    pub title: String,
    /// The Excel sheet's name (at most 31 characters).
    pub sheet: String,
    pub items: Vec<String>,
    /// What the section says when there are no items.
    pub none: String,
}

pub const NATION: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
pub const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";
pub const KIND: &str = "BÁO CÁO";
pub const SUMMARY: &str = "I. TÌNH HÌNH CHUNG";
pub const TARGET_HEADER: [&str; 4] = [
    "Chỉ tiêu",
    "Mục tiêu",
    "Số liệu chính thức mới nhất",
    "Đánh giá",
];
/// The columns of a year that is over: the figure is that year's, the verdict final.
pub const ENDED_HEADER: [&str; 4] = ["Chỉ tiêu", "Mục tiêu", "Số liệu chính thức", "Kết quả"];
pub const CHART: &str = "Số mục tiêu theo tình trạng";
pub const RECIPIENTS: &str = "Nơi nhận:";
pub const FILED: &str = "- Lưu: VT.";

/// A list section as set: its numbered heading, its items and what it says when there are none.
pub struct Section<'a> {
    pub title: String,
    pub items: &'a [String],
    pub none: &'a str,
}

impl Report {
    /// "Thái Nguyên, ngày 05 tháng 10 năm 2025": the decree writes a day below 10 and the
    /// months 1 and 2 with a leading zero.
    pub fn date_line(&self) -> String {
        let month = self.date.month();
        format!(
            "{}, ngày {:02} tháng {} năm {}",
            self.place,
            self.date.day(),
            if month <= 2 {
                format!("{month:02}")
            } else {
                month.to_string()
            },
            self.date.year()
        )
    }

    /// The issuer in capitals as the header sets it: a People's Committee on two lines
    /// ("ỦY BAN NHÂN DÂN" over "TỈNH THÁI NGUYÊN"), another body on one. The place's name
    /// never breaks across lines ("THÁI / NGUYÊN"): its spaces are non-breaking.
    pub fn issuer_lines(&self) -> Vec<String> {
        let upper = self.keep_place(&self.issuer.to_uppercase());
        match upper.strip_prefix("ỦY BAN NHÂN DÂN ") {
            Some(rest) => vec!["ỦY BAN NHÂN DÂN".into(), rest.trim().to_string()],
            None => vec![upper],
        }
    }

    /// The body above the issuer in capitals ("UBND TỈNH THÁI NGUYÊN"), its place unbroken;
    /// empty when there is none.
    pub fn parent_line(&self) -> String {
        self.keep_place(&self.parent.to_uppercase())
    }

    fn keep_place(&self, upper: &str) -> String {
        let place = self.place.to_uppercase();
        if place.trim().is_empty() {
            return upper.to_string();
        }
        upper.replace(&place, &place.replace(' ', "\u{a0}"))
    }

    /// The targets table's heading, section II.
    pub fn targets_heading(&self) -> String {
        format!("II. {}", self.targets_title)
    }

    /// The headings of the tables of ended years, numbered after section II:
    /// "III. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU NĂM 2025".
    pub fn ended_titles(&self) -> Vec<String> {
        self.ended
            .iter()
            .enumerate()
            .map(|(i, e)| format!("{}. {} {}", roman(3 + i), self.ended_title, e.year))
            .collect()
    }

    /// The list sections after the tables, numbered on from them.
    pub fn sections(&self) -> Vec<Section<'_>> {
        let n = 3 + self.ended.len();
        self.lists
            .iter()
            .enumerate()
            .map(|(i, l)| Section {
                title: format!("{}. {}", roman(n + i), l.title),
                items: &l.items,
                none: &l.none,
            })
            .collect()
    }

    /// The items of the list `key` (none if there is no such list).
    pub fn list(&self, key: &str) -> &[String] {
        self.lists
            .iter()
            .find(|l| l.key == key)
            .map_or(&[], |l| &l.items)
    }

    /// The body's last sentence, ending with "./." as the decree asks. Only the title's first
    /// letter is lowered: "Nghị quyết số 57-NQ/TW của Bộ Chính trị" keeps its capitals.
    pub fn closing(&self) -> String {
        format!(
            "Trên đây là báo cáo {}./.",
            chitieu_domain::text::lower_first(&self.title)
        )
    }

    /// The recipients as the "Nơi nhận" block lists them, the archive copy last.
    pub fn recipient_lines(&self) -> Vec<String> {
        self.recipients
            .iter()
            .map(|x| format!("- {x};"))
            .chain([FILED.to_string()])
            .collect()
    }
}

/// A section's number as the decree's documents write it (I to XX).
pub fn roman(n: usize) -> String {
    const ONES: [&str; 10] = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"];
    let tens = "X".repeat(n / 10);
    format!("{tens}{}", ONES[n % 10])
}

/// The report's file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Docx,
    Pdf,
    Xlsx,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Docx, Format::Pdf, Format::Xlsx];

    pub fn parse(s: &str) -> Result<Format, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("định dạng \"{s}\" không có: dùng docx, pdf hoặc xlsx"))
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Pdf => "application/pdf",
            Format::Xlsx => crate::workbook::CONTENT_TYPE,
        }
    }

    /// The report in this format.
    pub fn render(self, r: &Report) -> Result<Vec<u8>, String> {
        match self {
            Format::Docx => docx::docx(r),
            Format::Pdf => pdf::pdf(r),
            Format::Xlsx => xlsx::xlsx(r),
        }
    }
}
