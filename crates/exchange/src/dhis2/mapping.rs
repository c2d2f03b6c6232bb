//! Another system's codes for our units and indicators (DHIS2 org units and data elements):
//! the table, read both ways, and its CSV form.

use chitieu_domain::UnitCode;
use chitieu_domain::value::Lookup;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use crate::values_csv::MAX_ERRORS;
use crate::{InputError, InputErrors};

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
    pub(crate) fn indicator_of(&self, element: &str) -> (String, Part) {
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

    pub(crate) fn unit_of(&self, org_unit: &str) -> String {
        self.units
            .get(org_unit)
            .cloned()
            .unwrap_or_else(|| org_unit.to_string())
    }
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
