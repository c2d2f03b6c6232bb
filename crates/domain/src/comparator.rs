//! Where "> vs ≥" is decided: the one function that says whether a value meets a target.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::indicator::Direction;

/// The comparator of a target, from the source wording:
/// "trên/hơn" → `>`, "tối thiểu/ít nhất" → `>=`, a bare figure ("đạt 100%") → `=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparator {
    Gt,
    Ge,
    /// A bare figure: the value must reach it. For an indicator whose desired direction is
    /// up that means at least the figure, for one whose direction is down at most the figure,
    /// so that exceeding "90%" of adults served still counts as reaching it.
    Eq,
    Le,
    Lt,
}

impl Comparator {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Gt => ">",
            Comparator::Ge => ">=",
            Comparator::Eq => "=",
            Comparator::Le => "<=",
            Comparator::Lt => "<",
        }
    }

    /// The typographic sign for pages and reports.
    pub fn sign(self) -> &'static str {
        match self {
            Comparator::Gt => ">",
            Comparator::Ge => "≥",
            Comparator::Eq => "=",
            Comparator::Le => "≤",
            Comparator::Lt => "<",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Comparator::Gt => "trên",
            Comparator::Ge => "tối thiểu",
            Comparator::Eq => "đạt",
            Comparator::Le => "tối đa",
            Comparator::Lt => "dưới",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Comparator::Gt => "over",
            Comparator::Ge => "at least",
            Comparator::Eq => "reach",
            Comparator::Le => "at most",
            Comparator::Lt => "under",
        }
    }

    /// Whether `value` meets a target of `target` under this comparator. Exact decimal
    /// arithmetic, so the boundary is exact: 60 does not meet "> 60", 2 meets ">= 2".
    pub fn meets(self, direction: Direction, value: Decimal, target: Decimal) -> bool {
        match self {
            Comparator::Gt => value > target,
            Comparator::Ge => value >= target,
            Comparator::Le => value <= target,
            Comparator::Lt => value < target,
            Comparator::Eq => match direction {
                Direction::Increase => value >= target,
                Direction::Decrease => value <= target,
                Direction::Neutral => value == target,
            },
        }
    }
}

impl fmt::Display for Comparator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

impl FromStr for Comparator {
    type Err = crate::Refusal;
    fn from_str(s: &str) -> Result<Self, crate::Refusal> {
        match s.trim() {
            ">" => Ok(Comparator::Gt),
            ">=" | "≥" => Ok(Comparator::Ge),
            "=" | "==" => Ok(Comparator::Eq),
            "<=" | "≤" => Ok(Comparator::Le),
            "<" => Ok(Comparator::Lt),
            other => Err(crate::Refusal::not_one_of(
                crate::Field::Comparator,
                other,
                [">", ">=", "=", "<=", "<"],
            )),
        }
    }
}

impl Serialize for Comparator {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.symbol())
    }
}

impl<'de> Deserialize<'de> for Comparator {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse()
            .map_err(|e| serde::de::Error::custom(format!("{e:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::parse_decimal;

    fn d(s: &str) -> Decimal {
        parse_decimal(s).unwrap()
    }
    const UP: Direction = Direction::Increase;

    #[test]
    fn boundaries_are_exact() {
        assert!(!Comparator::Gt.meets(UP, d("60"), d("60")));
        assert!(Comparator::Gt.meets(UP, d("60.0001"), d("60")));
        assert!(Comparator::Ge.meets(UP, d("2"), d("2")));
        assert!(!Comparator::Ge.meets(UP, d("1.9999"), d("2")));
        assert!(Comparator::Eq.meets(UP, d("100"), d("100")));
        assert!(!Comparator::Eq.meets(UP, d("99.99"), d("100")));
        assert!(Comparator::Ge.meets(UP, d("60"), d("60")));
        assert!(Comparator::Le.meets(UP, d("5"), d("5")));
        assert!(!Comparator::Lt.meets(UP, d("5"), d("5")));
    }

    #[test]
    fn decimal_text_compares_exactly() {
        // 0.1 + 0.2 is not 0.3 in binary floating point; here it is.
        let sum = d("0.1") + d("0.2");
        assert!(Comparator::Ge.meets(UP, sum, d("0.3")));
        assert!(!Comparator::Gt.meets(UP, sum, d("0.3")));
        assert!(Comparator::Eq.meets(Direction::Neutral, d("0.3"), sum));
        assert!(Comparator::Le.meets(UP, d("0.3"), d("0.30")));
    }

    #[test]
    fn reaching_a_bare_figure_follows_direction() {
        assert!(Comparator::Eq.meets(UP, d("95"), d("90")));
        assert!(!Comparator::Eq.meets(Direction::Decrease, d("95"), d("90")));
        assert!(Comparator::Eq.meets(Direction::Decrease, d("85"), d("90")));
        assert!(!Comparator::Eq.meets(Direction::Neutral, d("95"), d("90")));
    }

    #[test]
    fn parses_symbols() {
        for s in [">", ">=", "=", "<=", "<"] {
            assert_eq!(s.parse::<Comparator>().unwrap().symbol(), s);
        }
        assert_eq!("≥".parse::<Comparator>().unwrap(), Comparator::Ge);
        assert!("=>".parse::<Comparator>().is_err());
    }
}
