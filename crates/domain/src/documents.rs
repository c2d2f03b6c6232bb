//! How a province's documents name their issuers and who signs them, as its plan file sets
//! them: the abbreviation after "BC-" in a report's number, by unit ("BCĐ" for the Steering
//! Committee, whose code cannot hold "Đ"), and the signature's title by kind of unit
//! ("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC" where a deputy signs for the director).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::refusal::{Field, Refusal, Thing};
use crate::unit::{UnitCode, UnitKind};

/// Longest abbreviation: "SKHCN", "UBND", "BCĐ" are a few letters.
pub const ABBREVIATION_MAX: usize = 20;
/// Longest signature title, and its lines at most.
pub const SIGNATURE_MAX: usize = 200;
pub const SIGNATURE_LINES: usize = 4;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Documents {
    /// By unit code: `"TN.BCD" = "BCĐ"`. Without one, a People's Committee writes "UBND" and
    /// another unit the last part of its code ("TN.SKHCN" → "SKHCN").
    #[serde(default)]
    pub abbreviations: BTreeMap<UnitCode, String>,
    /// By kind of unit (`department`, `commune`, `ward`, `province`, `other`), lines split
    /// by "\n": `department = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"`. Without one, a People's
    /// Committee signs "TM. Ủy ban nhân dân / Chủ tịch" and another unit by its head's title.
    #[serde(default)]
    pub signatures: BTreeMap<String, String>,
}

impl Documents {
    /// The abbreviation set for `unit`, if any.
    pub fn abbreviation(&self, unit: &UnitCode) -> Option<&str> {
        self.abbreviations.get(unit).map(String::as_str)
    }

    /// The signature title set for units of `kind`, if any.
    pub fn signature(&self, kind: UnitKind) -> Option<&str> {
        self.signatures.get(kind.as_str()).map(String::as_str)
    }

    /// Trims and bounds what the file says; the error names the entry and the reason.
    pub fn checked(mut self) -> Result<Documents, Refusal> {
        use crate::text::{TextKind, clean_text};
        for (unit, a) in &mut self.abbreviations {
            let clean = clean_text(Field::Abbreviation, a, ABBREVIATION_MAX, TextKind::Line)
                .map_err(|r| r.of(Thing::Unit, unit.as_str()))?;
            if clean.is_empty() || clean.contains(|c: char| c.is_whitespace() || c == '/') {
                return Err(Refusal::Malformed {
                    field: Field::Abbreviation,
                    text: clean,
                }
                .of(Thing::Unit, unit.as_str()));
            }
            *a = clean;
        }
        for (kind, s) in &mut self.signatures {
            if !UnitKind::ALL.iter().any(|k| k.as_str() == kind) {
                return Err(Refusal::not_one_of(
                    Field::UnitKind,
                    kind,
                    UnitKind::ALL.iter().map(|k| k.as_str()),
                ));
            }
            let clean = clean_text(Field::Signature, s, SIGNATURE_MAX, TextKind::Multiline)?;
            if clean.is_empty() || clean.lines().count() > SIGNATURE_LINES {
                return Err(Refusal::Malformed {
                    field: Field::Signature,
                    text: clean,
                });
            }
            *s = clean;
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Documents, Refusal> {
        toml::from_str::<Documents>(text)
            .map_err(|e| Refusal::Syntax {
                detail: e.to_string(),
            })?
            .checked()
    }

    #[test]
    fn a_province_sets_its_abbreviations_and_signatures() {
        let d = parse(
            "abbreviations = { \"TN.BCD\" = \" BCĐ \" }\nsignatures = { department = \"KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC\" }",
        )
        .unwrap();
        assert_eq!(
            d.abbreviation(&UnitCode::parse("TN.BCD").unwrap()),
            Some("BCĐ")
        );
        assert_eq!(
            d.signature(UnitKind::Department),
            Some("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC")
        );
        assert_eq!(d.signature(UnitKind::Commune), None);
    }

    #[test]
    fn a_misspelt_or_unbounded_entry_is_refused() {
        assert!(parse("abbreviation = {}").is_err(), "unknown key");
        assert!(parse("abbreviations = { \"TN.BCD\" = \"BC/Đ\" }").is_err());
        assert!(parse("abbreviations = { \"TN.BCD\" = \"\" }").is_err());
        assert!(
            parse(&format!(
                "abbreviations = {{ \"TN.BCD\" = \"{}\" }}",
                "A".repeat(21)
            ))
            .is_err()
        );
        assert!(parse("signatures = { departmnet = \"GIÁM ĐỐC\" }").is_err());
        assert!(parse("signatures = { department = \"1\\n2\\n3\\n4\\n5\" }").is_err());
    }
}
