//! Values CSV: `indicator,unit,period,value,numerator,denominator,comment[,version]`.
//!
//! The optional `version` column carries the version each value was exported at: a value
//! changed by someone else since then is refused instead of silently overwritten. Empty
//! means "write regardless"; `0` means "there must be no value yet".

use chitieu_domain::text::format_decimal;
use chitieu_domain::value::{CheckedValue, Lookup, ValueText, parse_value, repeats};
use chitieu_domain::{Period, UnitCode};
use rust_decimal::Decimal;
use std::io::{Read, Write};

use crate::{InputError, InputErrors};

pub const HEADER: [&str; 7] = [
    "indicator",
    "unit",
    "period",
    "value",
    "numerator",
    "denominator",
    "comment",
];

/// The optional eighth column.
pub const VERSION: &str = "version";

/// Stop collecting after this many errors: the first ones are what a person fixes first.
pub const MAX_ERRORS: usize = 50;

/// A checked line.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedValue {
    pub line: u64,
    pub value: CheckedValue,
    /// The version the line was based on, from the `version` column.
    pub version: Option<i64>,
}

/// Follows the quoting of the bytes the CSV reader consumes, the way the reader does (a
/// quote opens a quoted field only at the start of a field), so that a quote left open at
/// the end of the file is an error: the reader itself would take the rest of the file as
/// one field and say nothing.
struct QuoteCheck<R> {
    inner: R,
    /// The field separator (`,`, or `;` in a file Excel saved in the Vietnamese locale).
    delimiter: u8,
    at_field_start: bool,
    in_quotes: bool,
    quote_seen: bool,
    line: u64,
    opened_at: u64,
}

impl<R: Read> Read for QuoteCheck<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if b == b'\n' {
                self.line += 1;
            }
            if self.in_quotes {
                if self.quote_seen {
                    // `""` is an escaped quote; anything else closed the field.
                    self.quote_seen = false;
                    if b != b'"' {
                        self.in_quotes = false;
                        self.at_field_start = b == self.delimiter || matches!(b, b'\n' | b'\r');
                    }
                } else if b == b'"' {
                    self.quote_seen = true;
                }
            } else if b == b'"' && self.at_field_start {
                self.in_quotes = true;
                self.opened_at = self.line;
                self.at_field_start = false;
            } else {
                self.at_field_start = b == self.delimiter || matches!(b, b'\n' | b'\r');
            }
        }
        Ok(n)
    }
}

impl<R> QuoteCheck<R> {
    /// The line of a quote still open at the end of input.
    fn unterminated(&self) -> Option<u64> {
        (self.in_quotes && !self.quote_seen).then_some(self.opened_at)
    }
}

/// Reads and checks every line against the plan and the units. Either every line is good,
/// or the errors come back and nothing should be written. `progress` gets the bytes read
/// so far.
pub fn parse<R: Read>(
    reader: R,
    file: &str,
    lookup: &impl Lookup,
    mut progress: impl FnMut(u64),
) -> Result<Vec<ParsedValue>, InputErrors> {
    // Excel in the Vietnamese locale saves "CSV" with semicolons between fields and decimal
    // commas ("87,5"): recognised by its header line, and its figures read that way.
    let mut reader = std::io::BufReader::new(reader);
    let semicolons = {
        let head = std::io::BufRead::fill_buf(&mut reader).unwrap_or(&[]);
        let first = head.split(|b| *b == b'\n').next().unwrap_or(&[]);
        first.contains(&b';') && !first.contains(&b',')
    };
    let notation = if semicolons {
        chitieu_domain::value::Notation::Vietnamese
    } else {
        chitieu_domain::value::Notation::Exact
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(if semicolons { b';' } else { b',' })
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(QuoteCheck {
            inner: reader,
            delimiter: if semicolons { b';' } else { b',' },
            at_field_start: true,
            in_quotes: false,
            quote_seen: false,
            line: 1,
            opened_at: 0,
        });
    let mut errors = Vec::new();
    // Errors keep their line: repeated keys are found after reading, and all are reported in
    // the order of the file.
    let at = |line: u64, field: Option<&str>, reason: String| {
        let e = InputError {
            file: file.to_string(),
            location: format!("dòng {line}"),
            field: field.map(str::to_string),
            reason,
        };
        (line, e)
    };
    let mut out: Vec<ParsedValue> = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut first = true;
    let mut columns = HEADER.len();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                let reason = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "không phải văn bản UTF-8".to_string(),
                    _ => format!("không đọc được CSV: {e}"),
                };
                errors.push(at(line, None, reason));
                break;
            }
        }
        let line = rec.position().map_or(0, |p| p.line());
        if first {
            first = false;
            let got: Vec<String> = rec
                .iter()
                .map(|h| h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase())
                .collect();
            let with_version: Vec<&str> = HEADER.iter().copied().chain([VERSION]).collect();
            if got == with_version {
                columns = with_version.len();
            } else if got != HEADER {
                errors.push(at(
                    line,
                    None,
                    format!(
                        "dòng tiêu đề phải là \"{}\" (có thể thêm cột \"{VERSION}\"), tệp có \"{}\"",
                        HEADER.join(","),
                        got.join(",")
                    ),
                ));
                break;
            }
            continue;
        }
        if rec.iter().all(|f| f.is_empty()) {
            continue;
        }
        if rec.len() != columns {
            errors.push(at(
                line,
                None,
                format!("cần {columns} cột, dòng có {}", rec.len()),
            ));
        } else {
            match parse_line(&rec, lookup, notation) {
                Ok((v, version)) => out.push(ParsedValue {
                    line,
                    value: v,
                    version,
                }),
                Err((field, reason)) => errors.push(at(line, Some(field), reason)),
            }
        }
        if errors.len() >= MAX_ERRORS {
            break;
        }
        if line.is_multiple_of(4096) {
            progress(rec.position().map_or(0, |p| p.byte()));
        }
    }
    if errors.is_empty()
        && let Some(line) = rdr.get_ref().unterminated()
    {
        errors.push(at(
            line,
            None,
            "dấu ngoặc kép mở ở dòng này không được đóng đến hết tệp".into(),
        ));
    }
    if first && errors.is_empty() {
        errors.push(at(1, None, "tệp trống: cần dòng tiêu đề".into()));
    }
    // Both lists run in the file's order: the first MAX_ERRORS of each hold the first of all.
    for (first, repeat) in repeats(out.iter().map(|p| &p.value).enumerate())
        .into_iter()
        .take(MAX_ERRORS)
    {
        let (v, line) = (&out[repeat].value, out[repeat].line);
        errors.push(at(
            line,
            Some("period"),
            format!(
                "trùng với dòng {}: cùng chỉ tiêu {}, đơn vị {}, kỳ {}",
                out[first].line, v.indicator, v.unit, v.period
            ),
        ));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        errors.sort_by_key(|(line, _)| *line);
        errors.truncate(MAX_ERRORS);
        Err(InputErrors(errors.into_iter().map(|(_, e)| e).collect()))
    }
}

fn parse_line(
    rec: &csv::StringRecord,
    lookup: &impl Lookup,
    notation: chitieu_domain::value::Notation,
) -> Result<(CheckedValue, Option<i64>), (&'static str, String)> {
    let v = parse_value(
        lookup,
        &ValueText {
            notation,
            indicator: &rec[0],
            unit: &rec[1],
            period: &rec[2],
            value: &rec[3],
            numerator: &rec[4],
            denominator: &rec[5],
            comment: unmark(&rec[6]),
        },
    )
    .map_err(|e| (e.field, e.reason))?;
    let version = match rec.get(7).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            (
                VERSION,
                format!("phiên bản \"{s}\" phải là số nguyên không âm (hoặc để trống)"),
            )
        })?),
    };
    Ok((v, version))
}

/// Row for export.
pub struct ExportRow<'a> {
    pub indicator: &'a str,
    pub unit: &'a UnitCode,
    pub period: Period,
    pub value: &'a Decimal,
    pub numerator: Option<&'a Decimal>,
    pub denominator: Option<&'a Decimal>,
    pub comment: &'a str,
    pub version: i64,
}

/// Whether a spreadsheet would take `text` for a formula once its marking apostrophes are
/// gone: it starts (after any apostrophes) with `=`, `+`, `-`, `@`, a tab or a return.
fn formula_like(text: &str) -> bool {
    text.trim_start_matches('\'')
        .starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A comment as written for Excel: one apostrophe more in front of formula-like text, so
/// that Excel shows it and never runs it (`=HYPERLINK(…)` → `'=HYPERLINK(…)`).
pub fn mark_for_excel(text: &str) -> std::borrow::Cow<'_, str> {
    if formula_like(text) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// The comment as it was before [`mark_for_excel`]: the import takes one apostrophe off
/// formula-like text, so that an export for Excel imports back exactly.
pub fn unmark(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => text,
    }
}

/// Writes values in the same format `parse` reads, so an export imports back unchanged.
pub fn write<'a, W: Write>(w: W, rows: impl IntoIterator<Item = ExportRow<'a>>) -> csv::Result<()> {
    write_for(w, rows, false)
}

/// [`write`]; `for_excel` marks comments that Excel would run as formulas ([`mark_for_excel`]).
pub fn write_for<'a, W: Write>(
    w: W,
    rows: impl IntoIterator<Item = ExportRow<'a>>,
    for_excel: bool,
) -> csv::Result<()> {
    let mut wtr = csv::Writer::from_writer(w);
    wtr.write_record(HEADER.iter().chain(&[VERSION]))?;
    for r in rows {
        let opt = |d: Option<&Decimal>| d.map(format_decimal).unwrap_or_default();
        // A ratio's value is derived from its parts, so only the parts are written.
        let value = if r.numerator.is_some() {
            String::new()
        } else {
            format_decimal(r.value)
        };
        wtr.write_record([
            r.indicator,
            r.unit.as_str(),
            &r.period.to_string(),
            &value,
            &opt(r.numerator),
            &opt(r.denominator),
            &if for_excel {
                mark_for_excel(r.comment)
            } else {
                r.comment.into()
            },
            &r.version.to_string(),
        ])?;
    }
    wtr.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [D] 8: a comment Excel would run as a formula is marked for Excel and the mark comes
    /// off at import, so the round trip stays exact.
    #[test]
    fn formula_like_comments_are_marked_for_excel_and_unmarked_on_import() {
        for text in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1",
            "-x",
            "@SUM(A1)",
            "'=x",
            "''+y",
            "\tz",
        ] {
            let marked = mark_for_excel(text);
            assert!(marked.starts_with('\''), "{text}");
            assert_eq!(unmark(&marked), text);
        }
        for text in ["Theo Sở", "'trích dẫn'", "", "a=b"] {
            assert_eq!(mark_for_excel(text), text);
            assert_eq!(unmark(text), text);
        }
    }
}
