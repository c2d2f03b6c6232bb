//! A dated target and what a target may hold.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::comparator::Comparator;
use crate::indicator::Direction;
use crate::refusal::{Field, Refusal, Thing};
use crate::text::{COMMENT_MAX, TextKind, clean_text};
use crate::unit::UnitCode;
use crate::value::bounded;

/// A dated target: indicator × unit × year × comparator × value, with the source wording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub indicator: String,
    pub unit: UnitCode,
    pub year: i32,
    pub comparator: Comparator,
    pub value: Decimal,
    /// As the source document says it, e.g. "Trên 60%".
    pub wording: String,
    /// A target that holds every year of a span ("mỗi năm", "hằng năm"); this one is its
    /// instance for `year`. Each year is judged on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_year: Option<EveryYear>,
}

/// The years a recurring target holds for, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EveryYear {
    pub from: i32,
    pub to: i32,
}

/// The year of a target as a plan file, a form or the API gives it: `year` alone, or
/// `every_year` with `from` and `to` (the year is then the first of the span).
pub fn years_of(
    year: Option<i32>,
    every_year: bool,
    from: Option<i32>,
    to: Option<i32>,
) -> Result<(i32, Option<EveryYear>), Refusal> {
    match (year, every_year, from, to) {
        (Some(y), false, None, None) => Ok((y, None)),
        (y, true, Some(from), Some(to)) if y.is_none_or(|y| y == from) => {
            Ok((from, Some(EveryYear { from, to })))
        }
        (_, true, None, _) => Err(Refusal::Required {
            field: Field::FromYear,
        }),
        (_, true, _, None) => Err(Refusal::Required {
            field: Field::ToYear,
        }),
        (_, true, ..) => Err(Refusal::Inconsistent {
            field: Field::Year,
            other: Field::FromYear,
        }),
        (None, false, ..) => Err(Refusal::Required { field: Field::Year }),
        (Some(_), false, ..) => Err(Refusal::Inconsistent {
            field: Field::FromYear,
            other: Field::EveryYear,
        }),
    }
}

impl EveryYear {
    pub fn years(self) -> std::ops::RangeInclusive<i32> {
        self.from..=self.to
    }
}

/// Years a plan may name (a target, a task, a programme, an evaluation): anything else is a
/// typing slip, not a plan. Data periods range wider ([`crate::period::PERIOD_YEARS`]).
pub const PLAN_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A year outside [`PLAN_YEARS`].
pub fn plan_year_refusal(year: i32) -> Refusal {
    Refusal::YearOutOfRange {
        year,
        first: *PLAN_YEARS.start(),
        last: *PLAN_YEARS.end(),
    }
}

impl Target {
    /// The target as it may be stored, whether it comes from a plan file, a form or the API:
    /// the value within the figures' bounds, a plausible year, the wording cleaned and present.
    /// The error names the target and the reason.
    pub fn checked(self) -> Result<Target, Refusal> {
        let at = |r: Refusal| r.of(Thing::Target, format!("{} ({})", self.indicator, self.year));
        if !PLAN_YEARS.contains(&self.year) {
            return Err(at(plan_year_refusal(self.year)));
        }
        if let Some(span) = self.every_year {
            for y in [span.from, span.to] {
                if !PLAN_YEARS.contains(&y) {
                    return Err(at(plan_year_refusal(y)));
                }
            }
            if span.from > span.to {
                return Err(at(Refusal::YearsReversed {
                    from: span.from,
                    to: span.to,
                }));
            }
            if !span.years().contains(&self.year) {
                return Err(at(Refusal::YearOutOfRange {
                    year: self.year,
                    first: span.from,
                    last: span.to,
                }));
            }
        }
        let value = bounded(Field::Value, self.value).map_err(at)?;
        let wording = clean_text(
            Field::Wording,
            &self.wording,
            COMMENT_MAX,
            TextKind::Multiline,
        )
        .map_err(at)?;
        if wording.is_empty() {
            return Err(at(Refusal::Required {
                field: Field::Wording,
            }));
        }
        Ok(Target {
            value,
            wording,
            ..self
        })
    }

    /// The target for each year it holds: itself, or one instance per year of its span.
    pub fn each_year(self) -> Vec<Target> {
        match self.every_year {
            None => vec![self],
            Some(span) => span
                .years()
                .map(|year| Target {
                    year,
                    ..self.clone()
                })
                .collect(),
        }
    }

    pub fn is_met(&self, direction: Direction, value: Decimal) -> bool {
        self.comparator.meets(direction, value, self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spdm(year: i32, every_year: Option<EveryYear>) -> Target {
        Target {
            indicator: "ST-SPDM".into(),
            unit: UnitCode::parse("19").unwrap(),
            year,
            comparator: Comparator::Gt,
            value: Decimal::from(60),
            wording: "Mỗi năm có trên 60 sản phẩm".into(),
            every_year,
        }
    }

    #[test]
    fn a_recurring_target_holds_for_each_year_of_its_span() {
        let span = EveryYear {
            from: 2025,
            to: 2030,
        };
        let all = spdm(2025, Some(span)).checked().unwrap().each_year();
        assert_eq!(
            all.iter().map(|t| t.year).collect::<Vec<_>>(),
            (2025..=2030).collect::<Vec<_>>()
        );
        assert!(all.iter().all(|t| t.every_year == Some(span)));
        assert_eq!(spdm(2030, None).each_year().len(), 1);
    }

    #[test]
    fn a_span_is_checked() {
        let bad = |from, to, year| {
            spdm(year, Some(EveryYear { from, to }))
                .checked()
                .unwrap_err()
        };
        let inner = |r: Refusal| match r {
            Refusal::At { inner, .. } => *inner,
            other => other,
        };
        assert_eq!(
            inner(bad(2030, 2025, 2030)),
            Refusal::YearsReversed {
                from: 2030,
                to: 2025
            }
        );
        assert!(matches!(
            inner(bad(2025, 3000, 2025)),
            Refusal::YearOutOfRange { year: 3000, .. }
        ));
        assert_eq!(
            inner(bad(2025, 2030, 2031)),
            Refusal::YearOutOfRange {
                year: 2031,
                first: 2025,
                last: 2030
            }
        );
    }
}
