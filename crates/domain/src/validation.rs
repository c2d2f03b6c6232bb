//! Checks a report goes through before it is sent, beyond each figure's own bounds (which
//! entry enforces): rules `left op right` over the figures of one unit and period, each an
//! error (blocks submission) or a warning (needs the reporter's explanation); and outlier
//! flags, the modified z-score of a figure against the unit's own history, which mark a
//! value for the approver's attention without refusing it.

use crate::refusal::{Field, Refusal, Thing};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

use crate::comparator::Comparator;
use crate::indicator::{Direction, Indicator};

/// Which figure of an indicator a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Value,
    Numerator,
    Denominator,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Value => "value",
            Part::Numerator => "numerator",
            Part::Denominator => "denominator",
        }
    }
}

/// One side of a rule: an indicator's figure (`KT-KTS.denominator`, `HT-5G`) or a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Figure { indicator: String, part: Part },
    Number(Decimal),
}

impl FromStr for Operand {
    type Err = Refusal;
    fn from_str(s: &str) -> Result<Operand, Refusal> {
        let s = s.trim();
        if let Ok(d) = Decimal::from_str(s) {
            return Ok(Operand::Number(d));
        }
        let (indicator, part) = match s.rsplit_once('.') {
            Some((i, "value")) => (i, Part::Value),
            Some((i, "numerator")) => (i, Part::Numerator),
            Some((i, "denominator")) => (i, Part::Denominator),
            Some((_, other)) => {
                return Err(Refusal::not_one_of(
                    Field::Part,
                    other,
                    ["value", "numerator", "denominator"],
                ));
            }
            None => (s, Part::Value),
        };
        if indicator.is_empty() {
            return Err(Refusal::Required {
                field: Field::Indicator,
            });
        }
        Ok(Operand::Figure {
            indicator: indicator.to_string(),
            part,
        })
    }
}

impl std::fmt::Display for Operand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Operand::Figure {
                indicator,
                part: Part::Value,
            } => write!(f, "{indicator}"),
            Operand::Figure { indicator, part } => write!(f, "{indicator}.{}", part.as_str()),
            Operand::Number(d) => write!(f, "{}", crate::text::format_decimal(d)),
        }
    }
}

/// Whether a failed rule blocks submission or asks for an explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A rule as the plan file writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub left: String,
    pub op: String,
    pub right: String,
    pub severity: Severity,
    /// Why the rule holds, shown when it does not.
    pub message: String,
}

/// A checked rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub left: Operand,
    pub op: Comparator,
    pub right: Operand,
    pub severity: Severity,
    pub message: String,
}

impl Rule {
    /// Parses and checks a rule against the plan's indicators; the message names the rule.
    pub fn parse(raw: &RawRule, indicators: &[Indicator]) -> Result<Rule, Refusal> {
        let text: String = format!("{} {} {}", raw.left, raw.op, raw.right)
            .chars()
            .take(120)
            .collect();
        let at = |r: Refusal| r.of(Thing::Rule, &text);
        let side = |s: &str| -> Result<Operand, Refusal> {
            let o: Operand = s.parse().map_err(at)?;
            if let Operand::Figure { indicator, part } = &o {
                let Some(i) = indicators.iter().find(|i| i.code == *indicator) else {
                    return Err(at(Refusal::Unknown {
                        what: Thing::Indicator,
                        code: indicator.clone(),
                    }));
                };
                if *part != Part::Value && !i.is_ratio() {
                    return Err(at(Refusal::NotARatio {
                        indicator: indicator.clone(),
                    }));
                }
            }
            Ok(o)
        };
        let rule = Rule {
            left: side(&raw.left)?,
            op: raw.op.parse().map_err(at)?,
            right: side(&raw.right)?,
            severity: raw.severity,
            message: raw.message.trim().to_string(),
        };
        if rule.indicators().is_empty() {
            return Err(at(Refusal::Required {
                field: Field::Indicator,
            }));
        }
        Refusal::text(Field::Message, &rule.message, 500).map_err(at)?;
        Ok(rule)
    }

    pub fn raw(&self) -> RawRule {
        RawRule {
            left: self.left.to_string(),
            op: self.op.symbol().into(),
            right: self.right.to_string(),
            severity: self.severity,
            message: self.message.clone(),
        }
    }

    /// The indicators the rule reads.
    pub fn indicators(&self) -> Vec<&str> {
        [&self.left, &self.right]
            .into_iter()
            .filter_map(|o| match o {
                Operand::Figure { indicator, .. } => Some(indicator.as_str()),
                Operand::Number(_) => None,
            })
            .collect()
    }

    /// Whether the rule holds for the figures `get` gives; `None` when one is missing (the
    /// rule cannot be judged yet).
    pub fn holds(&self, get: impl Fn(&str, Part) -> Option<Decimal>) -> Option<bool> {
        let side = |o: &Operand| match o {
            Operand::Figure { indicator, part } => get(indicator, *part),
            Operand::Number(d) => Some(*d),
        };
        let (l, r) = (side(&self.left)?, side(&self.right)?);
        Some(self.op.meets(Direction::Neutral, l, r))
    }

    /// The rule as people read it, with the figures it met: "KT-KTS.denominator (170.000) =
    /// DT-GRDP.denominator (171.000): GRDP là một số …".
    pub fn explain(&self, get: impl Fn(&str, Part) -> Option<Decimal>) -> String {
        let side = |o: &Operand| match o {
            Operand::Figure { indicator, part } => format!(
                "{o} ({})",
                get(indicator, *part)
                    .map(|d| crate::text::format_decimal_vi(&d))
                    .unwrap_or_else(|| "—".into())
            ),
            Operand::Number(_) => o.to_string(),
        };
        format!(
            "{} {} {}: {}",
            side(&self.left),
            self.op.sign(),
            side(&self.right),
            self.message
        )
    }
}

/// The default threshold of the modified z-score above which a figure is flagged
/// (Iglewicz and Hoaglin's recommendation).
pub const OUTLIER_Z: f64 = 3.5;

/// The fewest earlier figures a score is computed from.
pub const OUTLIER_MIN_HISTORY: usize = 4;
/// The recent figures an outlier is also judged against: a year and a half of quarters.
pub const OUTLIER_WINDOW: usize = 6;

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

/// The modified z-score of `x` against `history` (the unit's earlier figures of the same
/// indicator, oldest first): 0.6745 (x − median) / MAD; with a MAD of zero, the mean absolute
/// deviation scaled by 1.2533 stands in, and when no earlier figure differs, any other figure
/// scores infinitely. `None` with too little history. The score is the less extreme of two:
/// against every earlier figure, and against the last [`OUTLIER_WINDOW`]. A series that
/// changed level (a network rolled out) is ordinary against its recent figures; a steady
/// series with little spread lately is ordinary against its whole history; a slip of the
/// keyboard stands out against both.
pub fn modified_z(history: &[Decimal], x: Decimal) -> Option<f64> {
    if history.len() < OUTLIER_MIN_HISTORY {
        return None;
    }
    let all = z_against(history, x)?;
    let recent = &history[history.len().saturating_sub(OUTLIER_WINDOW)..];
    let lately = z_against(recent, x)?;
    Some(if lately.abs() < all.abs() {
        lately
    } else {
        all
    })
}

fn z_against(history: &[Decimal], x: Decimal) -> Option<f64> {
    let mut h: Vec<f64> = history.iter().filter_map(|d| d.to_f64()).collect();
    let x = x.to_f64()?;
    let m = median(&mut h);
    let mut dev: Vec<f64> = h.iter().map(|v| (v - m).abs()).collect();
    let mad = median(&mut dev);
    if mad > 0.0 {
        return Some(0.6745 * (x - m) / mad);
    }
    let mean_ad = dev.iter().sum::<f64>() / dev.len() as f64;
    if mean_ad > 0.0 {
        return Some((x - m) / (1.253_314 * mean_ad));
    }
    // Every earlier figure the same: any other figure stands out completely.
    Some(if x == m {
        0.0
    } else {
        f64::INFINITY.copysign(x - m)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::default_plan::default_plan;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn a_rule_reads_figures_and_says_what_failed() {
        let plan = default_plan();
        let rule = Rule::parse(
            &RawRule {
                left: "KT-KTS.denominator".into(),
                op: "=".into(),
                right: "DT-GRDP.denominator".into(),
                severity: Severity::Error,
                message: "GRDP là một số".into(),
            },
            &plan.indicators,
        )
        .unwrap();
        assert_eq!(rule.indicators(), ["KT-KTS", "DT-GRDP"]);
        let figures = |grdp_b: &'static str| {
            move |i: &str, p: Part| match (i, p) {
                ("KT-KTS", Part::Denominator) => Some(d("170000")),
                ("DT-GRDP", Part::Denominator) => Some(d(grdp_b)),
                _ => None,
            }
        };
        assert_eq!(rule.holds(figures("170000")), Some(true));
        assert_eq!(rule.holds(figures("171000")), Some(false));
        assert_eq!(rule.holds(|_, _| None), None, "not judged without figures");
        assert_eq!(
            rule.explain(figures("171000")),
            "KT-KTS.denominator (170.000) = DT-GRDP.denominator (171.000): GRDP là một số"
        );
        // A bound, and the errors that name the rule.
        let bound = Rule::parse(
            &RawRule {
                left: "ST-NVKH".into(),
                op: "<=".into(),
                right: "200".into(),
                severity: Severity::Warning,
                message: "bất thường".into(),
            },
            &plan.indicators,
        )
        .unwrap();
        assert_eq!(bound.holds(|_, _| Some(d("201"))), Some(false));
        let bad = |left: &str, op: &str| {
            Rule::parse(
                &RawRule {
                    left: left.into(),
                    op: op.into(),
                    right: "1".into(),
                    severity: Severity::Error,
                    message: "x".into(),
                },
                &plan.indicators,
            )
            .unwrap_err()
        };
        let why = |r: Refusal| format!("{r:?}");
        assert!(why(bad("KHONG", "=")).contains("Unknown { what: Indicator, code: \"KHONG\" }"));
        assert!(why(bad("HT-5G.numerator", "=")).contains("NotARatio"));
        assert!(why(bad("HT-5G", "~")).contains("Item(Rule, \"HT-5G ~ 1\")"));
        assert!(why(bad("2", "=")).contains("Required { field: Indicator }"));
    }

    #[test]
    fn an_outlier_stands_out_from_the_units_own_history() {
        let h: Vec<Decimal> = ["50", "52", "51", "53", "52", "54"]
            .iter()
            .map(|s| d(s))
            .collect();
        let z = modified_z(&h, d("55")).unwrap();
        assert!(z.abs() < OUTLIER_Z, "{z}");
        let z = modified_z(&h, d("520")).unwrap();
        assert!(z > OUTLIER_Z, "a figure typed ten times too big: {z}");
        assert!(
            modified_z(&h[..3], d("520")).is_none(),
            "too little history"
        );
        // No variation at all: the same figure is ordinary, any other stands out.
        let flat = vec![d("5"); 6];
        assert_eq!(modified_z(&flat, d("5")), Some(0.0));
        assert!(modified_z(&flat, d("9")).unwrap() > OUTLIER_Z);
    }

    /// Regression: 5G coverage rolled out over two years (near 0 for years, then 26, 65, 88)
    /// flagged its next quarter's 94.9 with z = 106 against all 14 earlier quarters; and a
    /// count that grew steadily (6 to 15 a quarter) must not be flagged at 16 because its
    /// last quarters happened to be close together.
    #[test]
    fn a_series_that_changed_level_is_judged_against_its_recent_figures() {
        let h: Vec<Decimal> = [
            "0", "0", "0", "0", "0", "0", "0.1", "0.2", "1", "4", "26", "65", "88", "93",
        ]
        .iter()
        .map(|s| d(s))
        .collect();
        let z = modified_z(&h, d("94.9")).unwrap();
        assert!(z.abs() < OUTLIER_Z, "{z}");
        // A slip of the keyboard still stands out.
        assert!(modified_z(&h, d("949")).unwrap() > OUTLIER_Z);
        let steady: Vec<Decimal> = [
            "6", "7", "7", "8", "9", "9", "10", "11", "14", "14", "14", "14", "15", "14",
        ]
        .iter()
        .map(|s| d(s))
        .collect();
        let z = modified_z(&steady, d("16")).unwrap();
        assert!(z.abs() < OUTLIER_Z, "{z}");
        assert!(modified_z(&steady, d("160")).unwrap() > OUTLIER_Z);
    }
}
