//! Exchange formats: the GSO administrative map (JSON), values CSV, Excel, DHIS2 and ADX, and
//! the periodic report as DOCX, PDF and XLSX. Every error names the file, the line or record,
//! the field and the reason.

pub mod admin_map;
pub mod adx;
pub mod dhis2;
pub mod report;
pub mod values_csv;
pub mod values_xlsx;
pub mod workbook;

use std::fmt;

/// A problem with one place in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    /// "dòng 12" or "tỉnh thứ 3 (mã 8)".
    pub location: String,
    pub field: Option<String>,
    pub reason: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if !self.location.is_empty() {
            write!(f, ", {}", self.location)?;
        }
        if let Some(field) = &self.field {
            write!(f, ", cột \"{field}\"")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for InputError {}

/// All the problems found in a file; nothing from it is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputErrors(pub Vec<InputError>);

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "tệp bị từ chối, không có thay đổi nào được ghi ({n} lỗi{}):",
            if n >= values_csv::MAX_ERRORS {
                ", chỉ liệt kê các lỗi đầu"
            } else {
                ""
            }
        )?;
        for e in &self.0 {
            writeln!(f, "  - {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputErrors {}

pub use chitieu_domain::text::nfc;
