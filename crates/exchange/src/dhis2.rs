//! DHIS2 `dataValueSets` JSON, in and out, through a code-mapping table.
//!
//! A figure of a number indicator is one data value; a ratio indicator's numerator and
//! denominator are two data values of separate data elements (DHIS2 aggregates numerators
//! and denominators apart, and so do we). Without a mapping row, codes are our own: the
//! data element `HT-5G`, or `NL-CBX.numerator` and `NL-CBX.denominator`; the org unit `5443`.
//! Periods are DHIS2's: `2025`, `2025S2`, `2025Q3`, and `202507` for a month.

use chitieu_domain::Period;
use chitieu_domain::value::{Lookup, Notation, ValueText, parse_value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::values_csv::{ExportRow, MAX_ERRORS, ParsedValue};
use crate::{InputError, InputErrors};

mod mapping;
pub use mapping::{Mapping, MappingRow, Part, check_codes, parse_mapping_csv};

/// Data values read at most from one file.
pub const MAX_VALUES: usize = 200_000;

/// DHIS2's id of a period: a month is `202507`.
pub fn period_out(p: &Period) -> String {
    let s = p.to_string();
    match s.split_once('M') {
        Some((y, m)) => format!("{y}{m}"),
        None => s,
    }
}

/// Our period of a DHIS2 id.
fn period_in(s: &str) -> String {
    let t = s.trim();
    if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}M{}", &t[..4], &t[4..])
    } else {
        t.to_string()
    }
}

#[derive(Serialize)]
struct DataValueOut {
    #[serde(rename = "dataElement")]
    data_element: String,
    period: String,
    #[serde(rename = "orgUnit")]
    org_unit: String,
    value: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    comment: String,
}

#[derive(Serialize)]
struct DataValueSetOut {
    #[serde(rename = "dataValues")]
    data_values: Vec<DataValueOut>,
}

/// Values as a `dataValueSets` document.
pub fn export<'a>(rows: impl IntoIterator<Item = ExportRow<'a>>, mapping: &Mapping) -> String {
    let text = chitieu_domain::text::format_decimal;
    let mut out = Vec::new();
    for r in rows {
        let dv = |part: Part, value: String| DataValueOut {
            data_element: mapping.element(part, r.indicator),
            period: period_out(&r.period),
            org_unit: mapping.org_unit(r.unit),
            value,
            comment: r.comment.to_string(),
        };
        match (r.numerator, r.denominator) {
            (Some(n), Some(d)) => {
                out.push(dv(Part::Numerator, text(n)));
                out.push(dv(Part::Denominator, text(d)));
            }
            _ => out.push(dv(Part::Value, text(r.value))),
        }
    }
    serde_json::to_string_pretty(&DataValueSetOut { data_values: out })
        .unwrap_or_else(|_| "{\"dataValues\":[]}".into())
}

#[derive(Deserialize)]
struct DataValueSetIn {
    #[serde(default, rename = "dataValues")]
    data_values: Vec<DataValueIn>,
    /// Defaults for every data value, as DHIS2 allows.
    #[serde(default)]
    period: Option<String>,
    #[serde(default, rename = "orgUnit")]
    org_unit: Option<String>,
    #[serde(default, rename = "attributeOptionCombo")]
    attribute_option_combo: Option<String>,
}

#[derive(Deserialize)]
struct DataValueIn {
    #[serde(rename = "dataElement")]
    data_element: String,
    #[serde(default)]
    period: Option<String>,
    #[serde(default, rename = "orgUnit")]
    org_unit: Option<String>,
    /// Kept as written: a JSON number's digits are read as a decimal, never as a double
    /// (999999999999999.999999 came in as 10^15).
    #[serde(default)]
    value: Option<Box<serde_json::value::RawValue>>,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    deleted: Option<bool>,
    #[serde(default, rename = "categoryOptionCombo")]
    category_option_combo: Option<String>,
    #[serde(default, rename = "attributeOptionCombo")]
    attribute_option_combo: Option<String>,
}

/// DHIS2's default category option combination ("no disaggregation"): by name, or by the
/// identifier every DHIS2 instance gives it.
fn is_default_combo(c: &Option<String>) -> bool {
    c.as_deref()
        .map(str::trim)
        .is_none_or(|c| c.is_empty() || c.eq_ignore_ascii_case("default") || c == "HllvX50cXC0")
}

/// A data value as a file gives it, before the parts of a figure are put together.
pub(crate) struct Raw {
    /// Where it is, for errors: "dataValues[3]", "group 2, dataValue 1".
    pub location: String,
    pub element: String,
    pub org_unit: String,
    /// DHIS2's period id.
    pub period: String,
    pub value: String,
    pub comment: Option<String>,
}

/// The parts of one figure gathered from its data values, with the first one's position.
#[derive(Default)]
struct Gathered {
    first: usize,
    value: String,
    numerator: String,
    denominator: String,
    comment: String,
}

/// Puts each figure's parts together (a ratio's numerator and denominator come as two data
/// values) and checks every figure as any other input is checked; all or nothing.
pub(crate) fn gather(
    raws: &[Raw],
    file: &str,
    lookup: &impl Lookup,
    mapping: &Mapping,
) -> Result<Vec<ParsedValue>, InputErrors> {
    let at = |k: usize, field: &str, reason: String| InputError {
        file: file.to_string(),
        location: raws.get(k).map_or(String::new(), |r| r.location.clone()),
        field: Some(field.to_string()),
        reason,
    };
    let mut errors = Vec::new();
    let mut figures: BTreeMap<(String, String, String), Gathered> = BTreeMap::new();
    for (k, r) in raws.iter().enumerate() {
        let (indicator, part) = mapping.indicator_of(r.element.trim());
        let key = (
            indicator,
            mapping.unit_of(r.org_unit.trim()),
            period_in(&r.period),
        );
        let g = figures.entry(key).or_insert_with(|| Gathered {
            first: k,
            ..Gathered::default()
        });
        let slot = match part {
            Part::Numerator => &mut g.numerator,
            Part::Denominator => &mut g.denominator,
            _ => &mut g.value,
        };
        if !slot.is_empty() {
            let first = raws[g.first].location.clone();
            errors.push(at(
                k,
                "dataElement",
                format!("trùng với {first}: cùng chỉ tiêu, đơn vị và kỳ"),
            ));
            continue;
        }
        *slot = r.value.clone();
        if let Some(c) = &r.comment {
            g.comment = c.clone();
        }
        if errors.len() >= MAX_ERRORS {
            break;
        }
    }
    let mut out = Vec::new();
    for ((indicator, unit, period), g) in &figures {
        if errors.len() >= MAX_ERRORS {
            break;
        }
        let parsed = parse_value(
            lookup,
            &ValueText {
                notation: Notation::Exact,
                indicator,
                unit,
                period,
                value: &g.value,
                numerator: &g.numerator,
                denominator: &g.denominator,
                comment: &g.comment,
            },
        );
        match parsed {
            Ok(v) => out.push(ParsedValue {
                line: g.first as u64,
                value: v,
                version: None,
            }),
            Err(e) => {
                let field = match e.field {
                    "indicator" => "dataElement",
                    "unit" => "orgUnit",
                    f => f,
                };
                errors.push(at(g.first, field, e.reason));
            }
        }
    }
    if errors.is_empty() && out.is_empty() {
        errors.push(InputError {
            file: file.to_string(),
            location: String::new(),
            field: None,
            reason: "không có giá trị nào".into(),
        });
    }
    if errors.is_empty() {
        out.sort_by_key(|p| p.line);
        Ok(out)
    } else {
        Err(InputErrors(errors))
    }
}

/// Reads a `dataValueSets` document, all or nothing; each error names the data value by its
/// position (`dataValues[3]`), the field and the reason.
pub fn parse(
    bytes: &[u8],
    file: &str,
    lookup: &impl Lookup,
    mapping: &Mapping,
) -> Result<Vec<ParsedValue>, InputErrors> {
    let set: DataValueSetIn = serde_json::from_slice(bytes).map_err(|e| {
        InputErrors(vec![InputError {
            file: file.to_string(),
            location: format!("dòng {}, cột {}", e.line(), e.column()),
            field: None,
            reason: format!("không phải dataValueSets JSON đọc được: {e}"),
        }])
    })?;
    if set.data_values.len() > MAX_VALUES {
        return Err(InputErrors(vec![InputError {
            file: file.to_string(),
            location: String::new(),
            field: None,
            reason: format!("quá {MAX_VALUES} giá trị trong một tệp: chia nhỏ tệp"),
        }]));
    }
    let mut errors = Vec::new();
    let mut raws = Vec::with_capacity(set.data_values.len());
    for (k, dv) in set.data_values.iter().enumerate() {
        let location = format!("dataValues[{k}]");
        let at = |field: &str, reason: &str| InputError {
            file: file.to_string(),
            location: location.clone(),
            field: Some(field.to_string()),
            reason: reason.to_string(),
        };
        let Some(period) = dv.period.as_ref().or(set.period.as_ref()) else {
            errors.push(at("period", "thiếu kỳ"));
            continue;
        };
        let Some(org) = dv.org_unit.as_ref().or(set.org_unit.as_ref()) else {
            errors.push(at("orgUnit", "thiếu đơn vị"));
            continue;
        };
        // What chitieu cannot hold is refused by name, never taken for something else: a
        // deletion is not a value, a disaggregated figure is not the total.
        if dv.deleted == Some(true) {
            errors.push(at(
                "deleted",
                "giá trị đánh dấu đã xóa (deleted: true): chitieu không nhận lệnh xóa qua DHIS2; bỏ dòng này khỏi tệp, xóa số liệu trên chitieu nếu cần",
            ));
            continue;
        }
        let combos = [
            ("categoryOptionCombo", &dv.category_option_combo),
            ("attributeOptionCombo", &dv.attribute_option_combo),
            ("attributeOptionCombo", &set.attribute_option_combo),
        ];
        if let Some((field, combo)) = combos.iter().find(|(_, c)| !is_default_combo(c)) {
            errors.push(at(
                field,
                &format!(
                    "số liệu phân tổ \"{}\" không nhận được: chitieu chỉ nhận số tổng (default)",
                    combo.as_deref().unwrap_or_default()
                ),
            ));
            continue;
        }
        let value = match dv.value.as_deref().map(|r| r.get().trim()) {
            None | Some("null") => String::new(),
            Some(raw) if raw.starts_with('"') => match serde_json::from_str::<String>(raw) {
                Ok(s) => s.trim().to_string(),
                Err(e) => {
                    errors.push(at("value", &format!("chuỗi hỏng: {e}")));
                    continue;
                }
            },
            Some(raw) if raw.starts_with(|c: char| c == '-' || c.is_ascii_digit()) => {
                raw.to_string()
            }
            Some(other) => {
                errors.push(at("value", &format!("cần một số, tệp có {other}")));
                continue;
            }
        };
        raws.push(Raw {
            location,
            element: dv.data_element.clone(),
            org_unit: org.clone(),
            period: period.clone(),
            value,
            comment: dv.comment.clone(),
        });
        if errors.len() >= MAX_ERRORS {
            break;
        }
    }
    if !errors.is_empty() {
        return Err(InputErrors(errors));
    }
    gather(&raws, file, lookup, mapping)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> chitieu_domain::Catalog {
        let plan = chitieu_domain::default_plan::default_plan();
        let mut units = plan.units.clone();
        units.push(plan.province_unit());
        chitieu_domain::Catalog::new(&plan.indicators, units)
    }

    fn read(json: &str) -> Result<Vec<ParsedValue>, InputErrors> {
        parse(
            json.as_bytes(),
            "t.json",
            &catalog(),
            &Mapping::new(&[]).unwrap(),
        )
    }

    /// [D] 6, 7: numbers through doubles; deletions and disaggregations taken as totals.
    #[test]
    fn numbers_are_exact_and_what_cannot_be_held_is_refused_by_row() {
        let v = read(
            r#"{"dataValues":[{"dataElement":"ST-NVKH","orgUnit":"19","period":"2025Q1","value":999999999999999.999999}]}"#,
        );
        // Within bounds (≤ 10^15, 6 decimals), and read as written: not rounded to 10^15.
        assert_eq!(
            v.unwrap()[0].value.value.to_string(),
            "999999999999999.999999"
        );
        let v = read(
            r#"{"dataValues":[{"dataElement":"ST-NVKH","orgUnit":"19","period":"2025Q1","value":12345678901.123456}]}"#,
        )
        .unwrap();
        assert_eq!(v[0].value.value.to_string(), "12345678901.123456");
        let e = read(
            r#"{"dataValues":[{"dataElement":"ST-NVKH","orgUnit":"19","period":"2025Q1","value":"7"},{"dataElement":"ST-NVKH","orgUnit":"19","period":"2024Q1","value":"7","deleted":true}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.0[0].location, "dataValues[1]");
        assert_eq!(e.0[0].field.as_deref(), Some("deleted"));
        let e = read(
            r#"{"dataValues":[{"dataElement":"ST-NVKH","orgUnit":"19","period":"2025Q1","value":"7","categoryOptionCombo":"Prlt0C1RF0s"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.0[0].field.as_deref(), Some("categoryOptionCombo"));
        assert!(e.0[0].reason.contains("Prlt0C1RF0s"));
        // The default combination is the total.
        for c in ["default", "HllvX50cXC0", ""] {
            let json = format!(
                r#"{{"dataValues":[{{"dataElement":"ST-NVKH","orgUnit":"19","period":"2025Q1","value":"7","categoryOptionCombo":"{c}","attributeOptionCombo":"{c}"}}]}}"#
            );
            assert!(read(&json).is_ok(), "{c}");
        }
    }

    #[test]
    fn periods_convert_both_ways() {
        let m: Period = "2025M07".parse().unwrap();
        assert_eq!(period_out(&m), "202507");
        assert_eq!(period_in("202507"), "2025M07");
        assert_eq!(period_in("2025Q3"), "2025Q3");
        assert_eq!(period_out(&"2025S2".parse().unwrap()), "2025S2");
    }
}
