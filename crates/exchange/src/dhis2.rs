//! DHIS2 `dataValueSets` JSON, in and out, through a code-mapping table.
//!
//! A figure of a number indicator is one data value; a ratio indicator's numerator and
//! denominator are two data values of separate data elements (DHIS2 aggregates numerators
//! and denominators apart, and so do we). Without a mapping row, codes are our own: the
//! data element `HT-5G`, or `NL-CBX.numerator` and `NL-CBX.denominator`; the org unit `5443`.
//! Periods are DHIS2's: `2025`, `2025S2`, `2025Q3`, and `202507` for a month.

use chitieu_domain::value::{Lookup, Notation, ValueText, parse_value};
use chitieu_domain::{Period, UnitCode};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

use crate::values_csv::{ExportRow, MAX_ERRORS, ParsedValue};
use crate::{InputError, InputErrors};

/// Data values read at most from one file.
pub const MAX_VALUES: usize = 200_000;

/// What a mapping row maps: a unit, or an indicator's value, numerator or denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Unit,
    Value,
    Numerator,
    Denominator,
}

impl Part {
    pub const ALL: [Part; 4] = [Part::Unit, Part::Value, Part::Numerator, Part::Denominator];

    pub fn as_str(self) -> &'static str {
        match self {
            Part::Unit => "unit",
            Part::Value => "value",
            Part::Numerator => "numerator",
            Part::Denominator => "denominator",
        }
    }
}

impl std::str::FromStr for Part {
    type Err = String;
    fn from_str(s: &str) -> Result<Part, String> {
        Part::ALL
            .into_iter()
            .find(|p| p.as_str() == s.trim())
            .ok_or_else(|| {
                format!("\"{s}\" không phải loại mã (unit, value, numerator, denominator)")
            })
    }
}

/// One row of the mapping table: our code of a part ↔ the other system's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingRow {
    pub part: Part,
    pub code: String,
    pub external: String,
}

/// The mapping table of one other system, both ways.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    ours: HashMap<(Part, String), String>,
    theirs: HashMap<String, (Part, String)>,
    units: HashMap<String, String>,
}

impl Mapping {
    /// Refuses a code mapped twice either way, naming it.
    pub fn new(rows: &[MappingRow]) -> Result<Mapping, String> {
        let mut m = Mapping::default();
        for r in rows {
            let (code, ext) = (r.code.trim().to_string(), r.external.trim().to_string());
            if code.is_empty() || ext.is_empty() || code.len() > 100 || ext.len() > 100 {
                return Err(format!(
                    "mã \"{code}\" ↔ \"{ext}\": cả hai mã cần 1–100 ký tự"
                ));
            }
            if m.ours.insert((r.part, code.clone()), ext.clone()).is_some() {
                return Err(format!(
                    "mã {} \"{code}\" được ánh xạ hai lần",
                    r.part.as_str()
                ));
            }
            let taken = if r.part == Part::Unit {
                m.units.insert(ext.clone(), code.clone()).is_some()
            } else {
                m.theirs
                    .insert(ext.clone(), (r.part, code.clone()))
                    .is_some()
            };
            if taken {
                return Err(format!("mã ngoài \"{ext}\" được ánh xạ hai lần"));
            }
        }
        Ok(m)
    }

    pub(crate) fn element(&self, part: Part, indicator: &str) -> String {
        self.ours
            .get(&(part, indicator.to_string()))
            .cloned()
            .unwrap_or_else(|| match part {
                Part::Value | Part::Unit => indicator.to_string(),
                p => format!("{indicator}.{}", p.as_str()),
            })
    }

    pub(crate) fn org_unit(&self, unit: &UnitCode) -> String {
        self.ours
            .get(&(Part::Unit, unit.to_string()))
            .cloned()
            .unwrap_or_else(|| unit.to_string())
    }

    /// Our indicator and part for a data element: mapped, else our own code.
    fn indicator_of(&self, element: &str) -> (String, Part) {
        if let Some((part, code)) = self.theirs.get(element) {
            return (code.clone(), *part);
        }
        for part in [Part::Numerator, Part::Denominator] {
            if let Some(code) = element.strip_suffix(&format!(".{}", part.as_str())) {
                return (code.to_string(), part);
            }
        }
        (element.to_string(), Part::Value)
    }

    fn unit_of(&self, org_unit: &str) -> String {
        self.units
            .get(org_unit)
            .cloned()
            .unwrap_or_else(|| org_unit.to_string())
    }
}

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

/// Every row names a unit or an indicator that exists; the error names the row (its CSV line,
/// counting the header as line 1) and the code.
pub fn check_codes(rows: &[MappingRow], lookup: &impl Lookup) -> Result<(), String> {
    for (k, r) in rows.iter().enumerate() {
        let known = match r.part {
            Part::Unit => UnitCode::parse(&r.code)
                .ok()
                .is_some_and(|u| lookup.unit(&u).is_some()),
            _ => lookup.indicator(&r.code).is_some(),
        };
        if !known {
            return Err(format!(
                "dòng {}: không có {} \"{}\"",
                k + 2,
                if r.part == Part::Unit {
                    "đơn vị"
                } else {
                    "chỉ tiêu"
                },
                r.code
            ));
        }
    }
    Ok(())
}

/// A mapping table as CSV: `part,code,external`; every error names the line.
pub fn parse_mapping_csv(bytes: &[u8], file: &str) -> Result<Vec<MappingRow>, InputErrors> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let at = |line: u64, reason: String| InputError {
        file: file.to_string(),
        location: format!("dòng {line}"),
        field: None,
        reason,
    };
    for (k, rec) in rdr.records().enumerate() {
        let line = k as u64 + 1;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(at(line, format!("không đọc được CSV: {e}")));
                break;
            }
        };
        if k == 0 {
            let got: Vec<String> = rec
                .iter()
                .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
                .collect();
            if got != ["part", "code", "external"] {
                errors.push(at(
                    line,
                    format!(
                        "dòng tiêu đề phải là \"part,code,external\", tệp có \"{}\"",
                        got.join(",")
                    ),
                ));
                break;
            }
            continue;
        }
        if rec.iter().all(str::is_empty) {
            continue;
        }
        if rec.len() != 3 {
            errors.push(at(line, format!("cần 3 cột, dòng có {}", rec.len())));
            continue;
        }
        match rec[0].parse::<Part>() {
            Ok(part) => out.push(MappingRow {
                part,
                code: rec[1].to_string(),
                external: rec[2].to_string(),
            }),
            Err(e) => errors.push(at(line, e)),
        }
        if errors.len() >= MAX_ERRORS {
            break;
        }
    }
    if errors.is_empty()
        && let Err(e) = Mapping::new(&out)
    {
        errors.push(at(0, e));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(InputErrors(errors))
    }
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

    #[test]
    fn a_mapping_refuses_a_code_twice() {
        let row = |part, code: &str, ext: &str| MappingRow {
            part,
            code: code.into(),
            external: ext.into(),
        };
        let m = Mapping::new(&[
            row(Part::Value, "HT-5G", "fbfJHSPpUQD"),
            row(Part::Unit, "5443", "DiszpKrYNg8"),
        ])
        .unwrap();
        assert_eq!(m.indicator_of("fbfJHSPpUQD"), ("HT-5G".into(), Part::Value));
        assert_eq!(
            m.indicator_of("NL-CBX.denominator"),
            ("NL-CBX".into(), Part::Denominator)
        );
        assert_eq!(m.unit_of("DiszpKrYNg8"), "5443");
        let e = Mapping::new(&[
            row(Part::Value, "HT-5G", "A"),
            row(Part::Numerator, "NL-CBX", "A"),
        ])
        .unwrap_err();
        assert!(e.contains("\"A\""), "{e}");
    }
}
