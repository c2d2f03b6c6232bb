//! Units: a dated tree of provinces, departments, communes, wards and other bodies.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A unit's code. GSO codes are numbers; provinces have two digits, communes five. Input
/// with leading zeros means the same unit (`05443` = `5443`), but the four commune codes
/// below 100 that equal a province code (e.g. Phường Ba Đình `00004` vs Cao Bằng `4`) keep
/// their five digits so that every code names one unit. Other units get short codes such
/// as `TN.SKHCN`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn province(gso: u32) -> UnitCode {
        UnitCode(gso.to_string())
    }

    pub fn commune(gso: u32) -> UnitCode {
        if gso < 100 {
            UnitCode(format!("{gso:05}"))
        } else {
            UnitCode(gso.to_string())
        }
    }

    /// A unit code as people type it: a commune's GSO number (leading zeros as the map
    /// writes them) or letters, digits, `.`, `-`, `_` (at most 32), upper-cased.
    pub fn parse(s: &str) -> Result<UnitCode, crate::Refusal> {
        use crate::{Field, Refusal};
        let t = s.trim();
        if t.is_empty() {
            return Err(Refusal::Required { field: Field::Unit });
        }
        if t.bytes().all(|b| b.is_ascii_digit()) {
            if t.len() > 9 {
                return Err(Refusal::malformed(Field::Unit, t));
            }
            let n: u32 = t.parse().map_err(|_| Refusal::malformed(Field::Unit, t))?;
            return Ok(if n >= 100 || t.len() <= 2 {
                UnitCode(n.to_string())
            } else {
                UnitCode(format!("{n:05}"))
            });
        }
        let ok = t.len() <= 32
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        if !ok {
            return Err(Refusal::malformed(Field::Unit, t));
        }
        Ok(UnitCode(t.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for UnitCode {
    type Err = crate::Refusal;
    fn from_str(s: &str) -> Result<Self, crate::Refusal> {
        UnitCode::parse(s)
    }
}

impl Serialize for UnitCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for UnitCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        UnitCode::parse(&s).map_err(|e| serde::de::Error::custom(format!("{e:?}")))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Province,
    /// Sở, ban, ngành.
    Department,
    /// Xã (and đặc khu, a commune-level special zone).
    Commune,
    /// Phường.
    Ward,
    Enterprise,
    Other,
}

impl UnitKind {
    pub const ALL: [UnitKind; 6] = [
        UnitKind::Province,
        UnitKind::Department,
        UnitKind::Commune,
        UnitKind::Ward,
        UnitKind::Enterprise,
        UnitKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Province => "province",
            UnitKind::Department => "department",
            UnitKind::Commune => "commune",
            UnitKind::Ward => "ward",
            UnitKind::Enterprise => "enterprise",
            UnitKind::Other => "other",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            UnitKind::Province => "Tỉnh/thành phố",
            UnitKind::Department => "Sở, ban, ngành",
            UnitKind::Commune => "Xã",
            UnitKind::Ward => "Phường",
            UnitKind::Enterprise => "Doanh nghiệp",
            UnitKind::Other => "Đơn vị khác",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            UnitKind::Province => "Province",
            UnitKind::Department => "Department",
            UnitKind::Commune => "Commune",
            UnitKind::Ward => "Ward",
            UnitKind::Enterprise => "Enterprise",
            UnitKind::Other => "Other body",
        }
    }

    /// Commune level of the two-tier local government (xã, phường, đặc khu).
    pub fn is_commune_level(self) -> bool {
        matches!(self, UnitKind::Commune | UnitKind::Ward)
    }
}

impl FromStr for UnitKind {
    type Err = crate::Refusal;
    fn from_str(s: &str) -> Result<Self, crate::Refusal> {
        match s {
            "province" => Ok(UnitKind::Province),
            "department" => Ok(UnitKind::Department),
            "commune" => Ok(UnitKind::Commune),
            "ward" => Ok(UnitKind::Ward),
            "enterprise" => Ok(UnitKind::Enterprise),
            "other" => Ok(UnitKind::Other),
            _ => Err(crate::Refusal::not_one_of(
                crate::Field::UnitKind,
                s,
                [
                    "province",
                    "department",
                    "commune",
                    "ward",
                    "enterprise",
                    "other",
                ],
            )),
        }
    }
}

/// "Since before our records": the start of units whose founding date is not modelled,
/// such as provinces that kept their code through the 2025 merger.
pub fn earliest() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date")
}

/// The day the two-tier local government took effect; the default start of the 2025 map.
pub fn two_tier_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).expect("valid date")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub code: UnitCode,
    pub name: String,
    pub kind: UnitKind,
    /// The official wording of the kind ("phường", "xã", "đặc khu", "tỉnh"...).
    #[serde(default)]
    pub division_type: Option<String>,
    #[serde(default)]
    pub parent: Option<UnitCode>,
    pub valid_from: NaiveDate,
    /// Last day the unit existed, inclusive; `None` while it exists.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    /// Denominators for per-capita and per-official indicators.
    #[serde(default)]
    pub population: Option<i64>,
    #[serde(default)]
    pub officials: Option<i64>,
    /// Units that took over when this one ceased (merge or split).
    #[serde(default)]
    pub successors: Vec<UnitCode>,
}

impl Unit {
    pub fn is_valid_on(&self, d: NaiveDate) -> bool {
        self.valid_from <= d && self.valid_to.is_none_or(|end| d <= end)
    }

    /// Whether the unit existed at any time between `from` and `to` inclusive.
    pub fn overlaps(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.valid_from <= to && self.valid_to.is_none_or(|end| from <= end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_with_leading_zeros_mean_the_same_unit() {
        assert_eq!(UnitCode::parse("05443").unwrap().as_str(), "5443");
        assert_eq!(UnitCode::parse("5443").unwrap(), UnitCode::commune(5443));
        assert_eq!(UnitCode::parse("19").unwrap(), UnitCode::province(19));
        assert_eq!(UnitCode::parse("019").unwrap().as_str(), "00019");
    }

    #[test]
    fn small_commune_codes_do_not_collide_with_provinces() {
        assert_eq!(UnitCode::province(4).as_str(), "4");
        assert_eq!(UnitCode::commune(4).as_str(), "00004");
        assert_eq!(UnitCode::parse("04").unwrap(), UnitCode::province(4));
        assert_eq!(UnitCode::parse("00004").unwrap(), UnitCode::commune(4));
    }

    #[test]
    fn other_codes_are_upper_case_and_checked() {
        assert_eq!(UnitCode::parse(" tn.skhcn ").unwrap().as_str(), "TN.SKHCN");
        assert!(UnitCode::parse("Sở KH").is_err());
        assert!(UnitCode::parse("").is_err());
    }

    #[test]
    fn validity_is_inclusive() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let u = Unit {
            code: UnitCode::commune(5443),
            name: "x".into(),
            kind: UnitKind::Ward,
            division_type: None,
            parent: None,
            valid_from: d("2025-07-01"),
            valid_to: Some(d("2026-06-30")),
            population: None,
            officials: None,
            successors: vec![],
        };
        assert!(!u.is_valid_on(d("2025-06-30")));
        assert!(u.is_valid_on(d("2025-07-01")));
        assert!(u.is_valid_on(d("2026-06-30")));
        assert!(!u.is_valid_on(d("2026-07-01")));
    }
}
