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
    /// How many targets stand at each status, in the badges' words (the chart).
    pub standing: Vec<(String, usize)>,
    /// Indicator, target, latest official value (with its period), verdict or status.
    pub targets: Vec<[String; 4]>,
    pub at_risk: Vec<String>,
    pub overdue: Vec<String>,
    pub late_units: Vec<String>,
    pub recipients: Vec<String>,
    /// "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    pub signer_position: String,
    pub signer_name: String,
}

pub const NATION: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
pub const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";
pub const KIND: &str = "BÁO CÁO";
pub const SUMMARY: &str = "I. TÌNH HÌNH CHUNG";
pub const TARGETS: &str = "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU";
pub const TARGET_HEADER: [&str; 4] = [
    "Chỉ tiêu",
    "Mục tiêu",
    "Số liệu chính thức mới nhất",
    "Đánh giá",
];
pub const CHART: &str = "Số mục tiêu theo tình trạng";
pub const RECIPIENTS: &str = "Nơi nhận:";
pub const FILED: &str = "- Lưu: VT.";
pub const SIGNED: &str = "(Đã ký)";

/// A list section of the body: its heading, its items and what it says when there are none.
pub struct Section<'a> {
    pub title: &'static str,
    pub items: &'a [String],
    pub none: &'static str,
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
    /// ("ỦY BAN NHÂN DÂN" over "TỈNH THÁI NGUYÊN"), another body on one.
    pub fn issuer_lines(&self) -> Vec<String> {
        let upper = self.issuer.to_uppercase();
        match upper.strip_prefix("ỦY BAN NHÂN DÂN ") {
            Some(rest) => vec!["ỦY BAN NHÂN DÂN".into(), rest.trim().to_string()],
            None => vec![upper],
        }
    }

    /// Sections III to V.
    pub fn sections(&self) -> [Section<'_>; 3] {
        [
            Section {
                title: "III. CHỈ TIÊU CÓ NGUY CƠ KHÔNG ĐẠT",
                items: &self.at_risk,
                none: "Không có chỉ tiêu nào có nguy cơ không đạt theo tốc độ hiện nay.",
            },
            Section {
                title: "IV. NHIỆM VỤ QUÁ HẠN",
                items: &self.overdue,
                none: "Không có nhiệm vụ quá hạn.",
            },
            Section {
                title: "V. ĐƠN VỊ CHẬM BÁO CÁO",
                items: &self.late_units,
                none: "Không có đơn vị chậm báo cáo.",
            },
        ]
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

/// The report's file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
