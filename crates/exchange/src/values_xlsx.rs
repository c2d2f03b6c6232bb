//! Values in Excel: an entry template for one unit, form and period that a reporter fills
//! offline, and the reader that takes it back. All or nothing; each error names the sheet,
//! the cell and the reason.
//!
//! The template's sheet "Số liệu" holds the form, the unit and the period in B2:B4 (locked),
//! then from row 8 one row per indicator: code, name, unit of measure (locked), value,
//! numerator, denominator, comment (to fill), definition (locked). Numbers typed in a cell are
//! read exactly as Excel stores them; numbers typed as text are read the Vietnamese way
//! ("1.035" is one thousand and thirty-five, "62,5" is sixty-two and a half).

use calamine::{Data, Reader, Xlsx};
use chitieu_domain::report::Form;
use chitieu_domain::value::{Lookup, Notation, ValueText, parse_value};
use chitieu_domain::{Indicator, Measure, Period, Unit};
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, Format, Workbook, XlsxError,
};
use std::collections::HashMap;
use std::str::FromStr;

use crate::values_csv::{MAX_ERRORS, ParsedValue};
use crate::{InputError, InputErrors};

/// The data sheet's name.
pub const SHEET: &str = "Số liệu";
/// The instructions sheet's name.
pub const HELP_SHEET: &str = "Hướng dẫn";
/// The header row (1-based), and the first row of indicators.
const HEADER_ROW: u32 = 7;
/// Files above this are refused before they are opened.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// Rows read at most.
const MAX_ROWS: usize = 10_000;

/// The template's column headings, in order.
pub const COLUMNS: [&str; 8] = [
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Đơn vị tính",
    "Giá trị",
    "Tử số",
    "Mẫu số",
    "Ghi chú",
    "Định nghĩa",
];

/// The column letter of each field a value has.
fn column_of(field: &str) -> &'static str {
    match field {
        "indicator" => "A",
        "value" => "D",
        "numerator" => "E",
        "denominator" => "F",
        "comment" => "G",
        _ => "A",
    }
}

/// What a template is for: the form, the unit that sends it, the unit whose figures they are
/// (a department sends the province's), the period, and the indicators it holds.
pub struct Template<'a> {
    pub form: &'a Form,
    pub sender: &'a Unit,
    pub values_unit: &'a Unit,
    pub period: Period,
    pub indicators: Vec<&'a Indicator>,
}

/// The template as an `.xlsx` workbook.
pub fn template(t: &Template<'_>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(13);
    let input = Format::new()
        .set_unlocked()
        .set_background_color("#FFF8DC")
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let greyed = Format::new()
        .set_background_color("#EEEEEE")
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    ws.write_string_with_format(0, 0, format!("Biểu nhập số liệu: {}", t.form.name), &title)?;
    let meta = [
        ("Mã biểu", t.form.code.clone(), String::new()),
        (
            "Đơn vị",
            t.values_unit.code.to_string(),
            if t.sender.code == t.values_unit.code {
                t.values_unit.name.clone()
            } else {
                format!("{} (do {} gửi)", t.values_unit.name, t.sender.name)
            },
        ),
        ("Kỳ báo cáo", t.period.to_string(), t.period.label_vi()),
        (
            "Hạn gửi",
            t.form.due(&t.period).format("%d/%m/%Y").to_string(),
            String::new(),
        ),
    ];
    for (k, (label, value, note)) in meta.iter().enumerate() {
        let r = k as u32 + 1;
        ws.write_string_with_format(r, 0, *label, &bold)?;
        ws.write_string(r, 1, value)?;
        ws.write_string(r, 2, note)?;
    }
    for (c, h) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW - 1, c as u16, *h, &bold)?;
    }
    // The entry bound, as the spreadsheet checks it before the file comes back.
    let max = rust_decimal::prelude::ToPrimitive::to_f64(&chitieu_domain::value::MAX_MAGNITUDE)
        .unwrap_or(f64::MAX);
    let numbers = DataValidation::new()
        .allow_decimal_number(DataValidationRule::Between(-max, max))
        .set_error_style(DataValidationErrorStyle::Stop)
        .set_error_title("Cần một số")?
        .set_error_message("Ô này chỉ nhận số (không quá 10^15 về độ lớn).")?;
    for (k, ind) in t.indicators.iter().enumerate() {
        let r = HEADER_ROW + k as u32;
        ws.write_string(r, 0, &ind.code)?;
        ws.write_string_with_format(r, 1, &ind.name, &wrap)?;
        ws.write_string(r, 2, &ind.unit_of_measure)?;
        let ratio = ind.measure == Measure::Ratio;
        // A ratio is entered as its numerator and denominator; anything else as its value.
        ws.write_blank(r, 3, if ratio { &greyed } else { &input })?;
        ws.write_blank(r, 4, if ratio { &input } else { &greyed })?;
        ws.write_blank(r, 5, if ratio { &input } else { &greyed })?;
        ws.write_blank(r, 6, &input)?;
        ws.write_string_with_format(r, 7, &ind.definition, &wrap)?;
        let (first, last) = if ratio { (4, 5) } else { (3, 3) };
        ws.add_data_validation(r, first, r, last, &numbers)?;
    }
    ws.set_column_width(0, 12)?;
    ws.set_column_width(1, 48)?;
    ws.set_column_width(2, 12)?;
    ws.set_column_width(3, 12)?;
    ws.set_column_width(4, 12)?;
    ws.set_column_width(5, 12)?;
    ws.set_column_width(6, 30)?;
    ws.set_column_width(7, 60)?;
    ws.set_freeze_panes(HEADER_ROW, 2)?;
    ws.protect();

    let help = wb.add_worksheet();
    help.set_name(HELP_SHEET)?;
    let lines = [
        "Hướng dẫn nhập số liệu".to_string(),
        String::new(),
        format!(
            "1. Biểu này dành cho {}, kỳ {} ({}); hạn gửi {}.",
            t.values_unit.name,
            t.period.label_vi(),
            t.period,
            t.form.due(&t.period).format("%d/%m/%Y")
        ),
        format!(
            "2. Nhập vào các ô nền vàng ở trang \"{SHEET}\": chỉ tiêu tính theo tỷ lệ nhập tử số và mẫu số; chỉ tiêu khác nhập giá trị. Ô nền xám để trống."
        ),
        "3. Nhập số như bình thường trong Excel. Nếu ô được định dạng văn bản, viết dấu phẩy trước phần thập phân và không ngăn cách hàng nghìn (1035; 62,5; 0,035): số như 1.500 đọc được hai cách (1500 hoặc 1,5) nên sẽ bị từ chối.".into(),
        "4. Không sửa mã biểu, mã đơn vị, kỳ báo cáo và mã chỉ tiêu: hệ thống dựa vào đó để ghi số liệu.".into(),
        "5. Dòng để trống không được ghi. Khi tải lên, nếu có một ô sai thì cả tệp bị từ chối và thông báo nêu rõ trang, ô và lý do; sửa rồi tải lại.".into(),
        "6. Tải tệp lên ở trang Nhập số liệu, hoặc: chitieu values import TEN_TEP.xlsx".into(),
    ];
    for (k, line) in lines.iter().enumerate() {
        if k == 0 {
            help.write_string_with_format(0, 0, line, &title)?;
        } else {
            help.write_string(k as u32, 0, line)?;
        }
    }
    help.set_column_width(0, 120)?;
    wb.save_to_buffer()
}

/// A cell's text as it will be parsed ([`Notation::Text`]): a number cell written with a
/// decimal comma and no grouping (`1035`, `62,5`), so that it reads one way only, and text
/// as typed, where a figure that reads two ways (`1.500`) is refused naming both.
fn cell_text(d: &Data) -> Result<String, String> {
    match d {
        Data::Empty => Ok(String::new()),
        Data::String(s) => Ok(s.trim().to_string()),
        Data::Int(i) => Ok(i.to_string()),
        Data::Float(x) => {
            if !x.is_finite() {
                return Err("ô chứa số không hợp lệ".into());
            }
            // The shortest text that reads back as the same double: what was typed.
            let exact = Decimal::from_str(&format!("{x}"))
                .or_else(|_| Decimal::from_scientific(&format!("{x:e}")))
                .map_err(|_| format!("số {x} vượt quá giới hạn"))?;
            Ok(exact.normalize().to_string().replace('.', ","))
        }
        Data::Bool(b) => Err(format!("ô chứa giá trị đúng/sai ({b}), cần một số")),
        Data::Error(e) => Err(format!("ô chứa lỗi công thức ({e:?})")),
        Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
            Err("ô chứa ngày giờ, cần một số".into())
        }
    }
}

/// Reads a filled template. `file` names the file in errors.
pub fn parse(
    bytes: &[u8],
    file: &str,
    lookup: &impl Lookup,
) -> Result<Vec<ParsedValue>, InputErrors> {
    let fail = |location: String, reason: String| {
        InputErrors(vec![InputError {
            file: file.to_string(),
            location,
            field: None,
            reason,
        }])
    };
    if bytes.len() > MAX_BYTES {
        return Err(fail(String::new(), "tệp quá lớn (tối đa 20 MB)".into()));
    }
    if let Err(reason) = check_archive(bytes) {
        return Err(fail(String::new(), reason));
    }
    // The library may panic on a malformed file (an overflow in a cell reference): that is a
    // bad file, said as such, never a crash of the server.
    let cells = std::panic::catch_unwind(|| read_cells(bytes))
        .unwrap_or_else(|_| Err("tệp Excel hỏng, không đọc được".to_string()))
        .map_err(|reason| fail(String::new(), reason))?;
    let at = |cell: String, reason: String| InputError {
        file: file.to_string(),
        location: format!("trang \"{SHEET}\", ô {cell}"),
        field: None,
        reason,
    };
    let empty = Data::Empty;
    let get = |row: u32, col: u32| -> &Data { cells.get(&(row, col)).unwrap_or(&empty) };
    let mut errors = Vec::new();
    let text = |row: u32, col: u32, errors: &mut Vec<InputError>| -> String {
        match cell_text(get(row, col)) {
            Ok(s) => s,
            Err(reason) => {
                errors.push(at(cell_name(row, col), reason));
                String::new()
            }
        }
    };
    let unit = text(2, 1, &mut errors);
    let period = text(3, 1, &mut errors);
    if !errors.is_empty() {
        return Err(InputErrors(errors));
    }
    for c in 0..COLUMNS.len() as u32 {
        let got = text(HEADER_ROW - 1, c, &mut errors);
        if got != COLUMNS[c as usize] {
            errors.push(at(
                cell_name(HEADER_ROW - 1, c),
                format!(
                    "tiêu đề cột phải là \"{}\", tệp có \"{got}\": hãy dùng biểu mẫu tải từ hệ thống",
                    COLUMNS[c as usize]
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(InputErrors(errors));
    }
    let end = cells
        .keys()
        .map(|(r, _)| *r)
        .max()
        .unwrap_or(0)
        .min(HEADER_ROW + MAX_ROWS as u32);
    let mut out = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for row in HEADER_ROW..=end {
        let code = text(row, 0, &mut errors);
        let [value, numerator, denominator, comment] =
            [3, 4, 5, 6].map(|c| text(row, c, &mut errors));
        if code.is_empty() && value.is_empty() && numerator.is_empty() && denominator.is_empty() {
            continue;
        }
        // A row of the template left empty is not a value.
        if value.is_empty() && numerator.is_empty() && denominator.is_empty() {
            continue;
        }
        let parsed = parse_value(
            lookup,
            &ValueText {
                notation: Notation::Text,
                indicator: &code,
                unit: &unit,
                period: &period,
                value: &value,
                numerator: &numerator,
                denominator: &denominator,
                comment: &comment,
            },
        );
        match parsed {
            Ok(v) => {
                if let Some(prev) = seen.insert(v.indicator.clone(), row) {
                    errors.push(at(
                        cell_name(row, 0),
                        format!("chỉ tiêu {} đã có ở dòng {}", v.indicator, prev + 1),
                    ));
                } else {
                    out.push(ParsedValue {
                        line: u64::from(row) + 1,
                        value: v,
                        version: None,
                    });
                }
            }
            Err(e) => {
                let cell = match e.field {
                    "unit" => "B3".to_string(),
                    "period" => "B4".to_string(),
                    f => format!("{}{}", column_of(f), row + 1),
                };
                errors.push(at(cell, e.reason));
            }
        }
        if errors.len() >= MAX_ERRORS {
            break;
        }
    }
    if errors.is_empty() && out.is_empty() {
        errors.push(at(
            format!("D{}", HEADER_ROW + 1),
            "không có số liệu nào được nhập".into(),
        ));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(InputErrors(errors))
    }
}

/// The archive's members, as declared, add up to at most this once unpacked: a small file
/// that unpacks to gigabytes is refused before it is read.
const MAX_UNPACKED: u64 = 200 * 1024 * 1024;

fn check_archive(bytes: &[u8]) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("không phải tệp Excel (.xlsx) đọc được: {e}"))?;
    let mut total: u64 = 0;
    for k in 0..zip.len() {
        let size = zip
            .by_index_raw(k)
            .map(|f| f.size())
            .map_err(|e| format!("tệp Excel hỏng: {e}"))?;
        total = total.saturating_add(size);
    }
    if total > MAX_UNPACKED {
        return Err("tệp Excel giải nén quá lớn (tối đa 200 MB)".into());
    }
    Ok(())
}

/// The data sheet's cells within the template's columns and the rows read, by 0-based (row,
/// column), read one by one: a file naming a far corner cell is not laid out whole.
fn read_cells(bytes: &[u8]) -> Result<HashMap<(u32, u32), Data>, String> {
    let mut wb = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("không phải tệp Excel (.xlsx) đọc được: {e}"))?;
    let mut reader = wb
        .worksheet_cells_reader(SHEET)
        .map_err(|_| format!("không có trang \"{SHEET}\": hãy dùng biểu mẫu tải từ hệ thống"))?;
    let mut cells = HashMap::new();
    let last_row = HEADER_ROW + MAX_ROWS as u32;
    while let Some(cell) = reader
        .next_cell()
        .map_err(|e| format!("tệp Excel hỏng: {e}"))?
    {
        let (row, col) = cell.get_position();
        if row <= last_row && (col as usize) < COLUMNS.len() {
            cells.insert((row, col), Data::from(cell.get_value().clone()));
        }
        if cells.len() > COLUMNS.len() * (MAX_ROWS + HEADER_ROW as usize) {
            break;
        }
    }
    Ok(cells)
}

/// "D8" for the 0-based row 7, column 3.
fn cell_name(row: u32, col: u32) -> String {
    let mut name = String::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        name.insert(0, (b'A' + rem as u8) as char);
        c = (c - 1) / 26;
    }
    format!("{name}{}", row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(7, 3), "D8");
        assert_eq!(cell_name(0, 25), "Z1");
        assert_eq!(cell_name(0, 26), "AA1");
    }

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(cell_text(&Data::Float(62.5)).unwrap(), "62,5");
        assert_eq!(cell_text(&Data::Float(1035.0)).unwrap(), "1035");
        assert_eq!(cell_text(&Data::Float(0.1)).unwrap(), "0,1");
        assert_eq!(cell_text(&Data::Int(7)).unwrap(), "7");
        assert!(cell_text(&Data::Float(f64::NAN)).is_err());
        assert!(cell_text(&Data::Bool(true)).is_err());
        assert_eq!(cell_text(&Data::String(" 62,5 ".into())).unwrap(), "62,5");
    }

    /// Regression, found by the fuzz target: a cell reference with too many digits made the
    /// Excel library overflow (a panic in a debug build).
    #[test]
    fn a_broken_cell_reference_is_a_bad_file_not_a_crash() {
        let bytes = include_bytes!("../testdata/cell-reference-overflow.xlsx");
        let e = parse(bytes, "hong.xlsx", &NoLookup).unwrap_err();
        assert!(e.to_string().contains("hong.xlsx"), "{e}");
    }

    /// A file whose two cells lie at A1 and at the last cell of a sheet is read cell by cell:
    /// laid out whole it would take hundreds of gigabytes.
    #[test]
    fn a_far_corner_cell_is_not_laid_out_whole() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(SHEET).unwrap();
        ws.write_string(0, 0, "x").unwrap();
        ws.write_string(1_048_575, 16_383, "y").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let started = std::time::Instant::now();
        let e = parse(&bytes, "xa.xlsx", &NoLookup).unwrap_err();
        assert!(e.to_string().contains("tiêu đề cột"), "{e}");
        assert!(started.elapsed().as_secs() < 30);
    }

    struct NoLookup;
    impl Lookup for NoLookup {
        fn indicator(&self, _: &str) -> Option<&Indicator> {
            None
        }
        fn unit(&self, _: &chitieu_domain::UnitCode) -> Option<&Unit> {
            None
        }
    }

    #[test]
    fn garbage_is_refused_with_the_file_named() {
        for bytes in [&b""[..], b"PK\x03\x04 not really", b"indicator,unit\n"] {
            let e = parse(bytes, "x.xlsx", &NoLookup).unwrap_err();
            assert!(e.to_string().contains("x.xlsx"), "{e}");
        }
    }
}
