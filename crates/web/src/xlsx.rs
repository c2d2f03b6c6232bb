//! Downloads: any file as an attachment; tables as Excel (the workbook comes from
//! `chitieu_exchange::workbook`), and the pages' "Tải Excel" button's posted table.

use axum::http::header;
use axum::response::{IntoResponse, Response};
pub use chitieu_exchange::workbook::{Cell, Sheet, workbook};

/// The workbook as a download named `file`.
pub fn download(file: &str, sheets: &[Sheet]) -> Response {
    match workbook(sheets) {
        Ok(bytes) => attachment(file, chitieu_exchange::workbook::CONTENT_TYPE, bytes),
        Err(e) => {
            tracing::error!("xlsx: {e}");
            (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "không tạo được tệp Excel",
            )
                .into_response()
        }
    }
}

/// A sheet's name as Excel allows it: none of `: \\ / ? * [ ]`, no apostrophe at either
/// end, at most 31 characters, never empty (a table titled `'quoted'` failed the workbook).
fn sheet_name(title: &str) -> String {
    let name: String = title
        .chars()
        .filter(|c| !matches!(c, ':' | '\\' | '/' | '?' | '*' | '[' | ']'))
        .collect::<String>()
        .trim_matches(|c: char| c == '\'' || c.is_whitespace())
        .chars()
        .take(31)
        .collect();
    let name = name.trim_end_matches('\'').trim().to_string();
    if name.is_empty() || name.eq_ignore_ascii_case("history") {
        "Bang".into()
    } else {
        name
    }
}

/// A file to save: its type and its name (made ASCII, without quotes, so every browser keeps
/// it as given).
pub fn attachment(file: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}\"",
                    file.replace(
                        |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-',
                        "-"
                    )
                ),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A table as a page shows it, posted back by the page's "Tải Excel" button.
#[derive(serde::Deserialize)]
pub struct PostedTable {
    pub title: String,
    pub rows: Vec<Vec<String>>,
}

/// Rows and columns taken at most from a posted table.
pub const MAX_POSTED_ROWS: usize = 100_000;
pub const MAX_POSTED_COLUMNS: usize = 100;

impl PostedTable {
    /// The table as a sheet: the first row is the header; a cell that reads as a number in
    /// the page's language (`1.234,5` in Vietnamese, `1,234.5` in English) becomes a number.
    pub fn sheet(self, english: bool) -> Result<Sheet, String> {
        if self.rows.len() > MAX_POSTED_ROWS + 1 {
            return Err(format!("bảng quá lớn (tối đa {MAX_POSTED_ROWS} dòng)"));
        }
        if self.rows.iter().any(|r| r.len() > MAX_POSTED_COLUMNS) {
            return Err(format!("bảng quá rộng (tối đa {MAX_POSTED_COLUMNS} cột)"));
        }
        let number = |s: &str| -> Option<f64> {
            let t = s.trim().trim_end_matches('%').trim();
            // "05443" is a code, not a number: its leading zero matters.
            if t.len() > 1 && t.starts_with('0') && t[1..].starts_with(|c: char| c.is_ascii_digit())
            {
                return None;
            }
            let vi = if english {
                t.chars()
                    .map(|c| match c {
                        ',' => '.',
                        '.' => ',',
                        c => c,
                    })
                    .collect()
            } else {
                t.to_string()
            };
            chitieu_domain::text::parse_decimal_vi(&vi)
                .and_then(|d| rust_decimal::prelude::ToPrimitive::to_f64(&d))
        };
        let clean = |s: &str| -> String {
            s.chars()
                .filter(|c| !c.is_control() || *c == '\n')
                .take(32_000)
                .collect()
        };
        let mut rows = self.rows.into_iter();
        let header = rows
            .next()
            .unwrap_or_default()
            .iter()
            .map(|h| clean(h))
            .collect();
        Ok(Sheet {
            name: sheet_name(&clean(&self.title)),
            title: clean(&self.title).chars().take(300).collect(),
            header,
            rows: rows
                .map(|r| {
                    r.iter()
                        .map(|c| match number(c) {
                            Some(x) if !c.trim().is_empty() => Cell::Number(x),
                            _ => Cell::Text(clean(c)),
                        })
                        .collect()
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]], english: bool) -> Sheet {
        PostedTable {
            title: "Bảng".into(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
        }
        .sheet(english)
        .unwrap()
    }

    fn kinds(s: &Sheet) -> Vec<String> {
        s.rows[0]
            .iter()
            .map(|c| match c {
                Cell::Number(x) => format!("n{x}"),
                Cell::Text(t) => format!("t{t}"),
                Cell::Empty => "e".into(),
            })
            .collect()
    }

    #[test]
    fn figures_become_numbers_in_the_pages_language() {
        let s = sheet(
            &[
                &["Mã", "Tên", "Điểm", "Tỷ lệ", "Số", "Ngày"],
                &["05443", "Phường A", "78,57", "84 %", "1.035", "27/11/2026"],
            ],
            false,
        );
        assert_eq!(s.header[2], "Điểm");
        assert_eq!(
            kinds(&s),
            [
                "t05443",
                "tPhường A",
                "n78.57",
                "n84",
                "n1035",
                "t27/11/2026"
            ]
        );
        let s = sheet(&[&["Score"], &["1,234.5"]], true);
        assert_eq!(kinds(&s), ["n1234.5"]);
        // Bounds: too wide a table is refused.
        let wide = PostedTable {
            title: "x".into(),
            rows: vec![vec![String::new(); MAX_POSTED_COLUMNS + 1]],
        };
        assert!(wide.sheet(false).is_err());
        // A posted workbook opens.
        assert!(workbook(&[sheet(&[&["a"], &["1"]], false)]).is_ok());
        // [D] 8: a title Excel refuses as a sheet name failed the whole download.
        for title in ["'quoted'", "a/b:c*?[d]", "''", "History", &"x".repeat(40)] {
            let mut s = sheet(&[&["a"], &["1"]], false);
            s.name = sheet_name(title);
            assert!(workbook(&[s]).is_ok(), "{title}");
        }
    }
}
