//! Tables as an Excel workbook: a title row, a bold header row frozen in place, text and
//! numbers in their own cell types (so Excel sums the numbers), columns fitted to their text.
//! One writer for every table the pages offer as XLSX and for the report's workbook.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A cell: text, a number, or nothing.
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<Option<f64>> for Cell {
    fn from(x: Option<f64>) -> Self {
        x.filter(|x| x.is_finite())
            .map_or(Cell::Empty, Cell::Number)
    }
}

impl From<f64> for Cell {
    fn from(x: f64) -> Self {
        Some(x).into()
    }
}

impl From<Option<usize>> for Cell {
    fn from(x: Option<usize>) -> Self {
        x.map_or(Cell::Empty, |n| Cell::Number(n as f64))
    }
}

/// A sheet: its name (at most 31 characters, as Excel allows), a title above the table, the
/// header and the rows.
pub struct Sheet {
    pub name: String,
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The workbook's bytes.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(13);
    for s in sheets {
        let ws = wb.add_worksheet();
        let name: String = s
            .name
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        ws.set_name(if name.is_empty() { "Sheet1" } else { &name })?;
        ws.write_string_with_format(0, 0, &s.title, &title)?;
        for (c, h) in s.header.iter().enumerate() {
            ws.write_string_with_format(2, c as u16, h, &bold)?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32 + 3;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(t) => {
                        ws.write_string(r, c, t)?;
                    }
                    Cell::Number(x) => {
                        ws.write_number(r, c, *x)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        ws.set_freeze_panes(3, 0)?;
        ws.autofit();
    }
    wb.save_to_buffer()
}
