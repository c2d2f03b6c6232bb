//! Values CSV: `indicator,unit,period,value,numerator,denominator,comment`.

use chitieu_domain::text::{format_decimal, parse_decimal};
use chitieu_domain::value::check_value;
use chitieu_domain::{Catalog, Period, UnitCode, ValueInput};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::io::{Read, Write};

use crate::{InputError, InputErrors, nfc};

pub const HEADER: [&str; 7] = [
    "indicator",
    "unit",
    "period",
    "value",
    "numerator",
    "denominator",
    "comment",
];

/// Stop collecting after this many errors: the first ones are what a person fixes first.
pub const MAX_ERRORS: usize = 50;

/// A checked line.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedValue {
    pub line: u64,
    pub indicator: String,
    pub unit: UnitCode,
    pub period: Period,
    pub value: Decimal,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub comment: String,
}

/// Reads and checks every line against the catalog. Either every line is good, or the
/// errors come back and nothing should be written. `progress` gets the bytes read so far.
pub fn parse<R: Read>(
    reader: R,
    file: &str,
    catalog: &Catalog,
    mut progress: impl FnMut(u64),
) -> Result<Vec<ParsedValue>, InputErrors> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let mut errors = Vec::new();
    let at = |line: u64, field: Option<&str>, reason: String| InputError {
        file: file.to_string(),
        location: format!("dòng {line}"),
        field: field.map(str::to_string),
        reason,
    };
    let mut out = Vec::new();
    let mut seen: HashMap<(String, UnitCode, Period), u64> = HashMap::new();
    let mut rec = csv::StringRecord::new();
    let mut first = true;
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
            if got != HEADER {
                errors.push(at(
                    line,
                    None,
                    format!(
                        "dòng tiêu đề phải là \"{}\", tệp có \"{}\"",
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
        if rec.len() != HEADER.len() {
            errors.push(at(
                line,
                None,
                format!("cần {} cột, dòng có {}", HEADER.len(), rec.len()),
            ));
        } else {
            match parse_line(&rec, catalog) {
                Ok(v) => {
                    let key = (v.indicator.clone(), v.unit.clone(), v.period);
                    if let Some(prev) = seen.insert(key, line) {
                        errors.push(at(
                            line,
                            Some("period"),
                            format!(
                                "trùng với dòng {prev}: cùng chỉ tiêu {}, đơn vị {}, kỳ {}",
                                v.indicator, v.unit, v.period
                            ),
                        ));
                    } else {
                        out.push(ParsedValue { line, ..v });
                    }
                }
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
    if first && errors.is_empty() {
        errors.push(at(1, None, "tệp trống: cần dòng tiêu đề".into()));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(InputErrors(errors))
    }
}

fn parse_line(
    rec: &csv::StringRecord,
    catalog: &Catalog,
) -> Result<ParsedValue, (&'static str, String)> {
    let ind_code = &rec[0];
    let ind = catalog.indicator(ind_code).ok_or_else(|| {
        (
            "indicator",
            format!("không có chỉ tiêu \"{ind_code}\" trong kế hoạch"),
        )
    })?;
    let unit_code = UnitCode::parse(&rec[1]).map_err(|e| ("unit", e))?;
    let unit = catalog
        .unit(&unit_code)
        .ok_or_else(|| ("unit", format!("không có đơn vị mã \"{}\"", &rec[1])))?;
    let period: Period = rec[2]
        .parse()
        .map_err(|e: chitieu_domain::PeriodError| ("period", e.to_string()))?;
    let num = |i: usize, field: &'static str| -> Result<Option<Decimal>, (&'static str, String)> {
        let s = &rec[i];
        if s.is_empty() {
            return Ok(None);
        }
        parse_decimal(s)
            .map(Some)
            .ok_or_else(|| (field, format!("\"{s}\" không phải là số (dùng dấu chấm hoặc dấu phẩy thập phân, không dùng dấu phân cách hàng nghìn)")))
    };
    let input = ValueInput {
        value: num(3, "value")?,
        numerator: num(4, "numerator")?,
        denominator: num(5, "denominator")?,
    };
    let (value, numerator, denominator) =
        check_value(ind, unit, &period, &input).map_err(|e| (e.field, e.reason))?;
    Ok(ParsedValue {
        line: 0,
        indicator: ind.code.clone(),
        unit: unit_code,
        period,
        value,
        numerator,
        denominator,
        comment: nfc(&rec[6]),
    })
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
}

/// Writes values in the same format `parse` reads, so an export imports back unchanged.
pub fn write<'a, W: Write>(w: W, rows: impl IntoIterator<Item = ExportRow<'a>>) -> csv::Result<()> {
    let mut wtr = csv::Writer::from_writer(w);
    wtr.write_record(HEADER)?;
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
            r.comment,
        ])?;
    }
    wtr.flush()?;
    Ok(())
}
