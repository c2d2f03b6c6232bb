//! Research results, from which `ST-UDKQ` is derived: a result counts as applied when its
//! application date is within 12 months of its acceptance (nghiệm thu) date.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::unit::UnitCode;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResearchResult {
    pub code: String,
    pub title: String,
    pub unit: UnitCode,
    pub accepted_on: NaiveDate,
    #[serde(default)]
    pub applied_on: Option<NaiveDate>,
}

impl ResearchResult {
    /// Last day on which an application still counts.
    pub fn window_end(&self) -> NaiveDate {
        self.accepted_on + Months::new(12)
    }

    pub fn applied_within_12_months(&self) -> bool {
        self.applied_on.is_some_and(|a| a <= self.window_end())
    }
}

/// Numerator and denominator of the share applied, over results accepted in [from, to],
/// as known on `as_of`. A result still inside its window and not yet applied is left out,
/// since it cannot yet be said to have failed.
pub fn applied_share(
    results: &[ResearchResult],
    from: NaiveDate,
    to: NaiveDate,
    as_of: NaiveDate,
) -> (u64, u64) {
    let mut applied = 0;
    let mut decided = 0;
    for r in results
        .iter()
        .filter(|r| from <= r.accepted_on && r.accepted_on <= to)
    {
        let known_applied =
            r.applied_on.is_some_and(|a| a <= as_of) && r.applied_within_12_months();
        if known_applied {
            applied += 1;
            decided += 1;
        } else if as_of > r.window_end() {
            decided += 1;
        }
    }
    (applied, decided)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn r(acc: &str, app: Option<&str>) -> ResearchResult {
        ResearchResult {
            code: "R".into(),
            title: "t".into(),
            unit: UnitCode::province(19),
            accepted_on: d(acc),
            applied_on: app.map(d),
        }
    }

    #[test]
    fn twelve_month_window_is_inclusive() {
        assert!(r("2024-03-15", Some("2025-03-15")).applied_within_12_months());
        assert!(!r("2024-03-15", Some("2025-03-16")).applied_within_12_months());
        assert!(!r("2024-03-15", None).applied_within_12_months());
    }

    #[test]
    fn share_leaves_out_open_windows() {
        let rs = vec![
            r("2024-02-01", Some("2024-10-01")),
            r("2024-03-01", Some("2025-06-01")),
            r("2024-11-01", None),
            r("2023-05-01", Some("2023-06-01")),
        ];
        // As of 2025-07-01: the November result is still inside its window.
        assert_eq!(
            applied_share(&rs, d("2024-01-01"), d("2024-12-31"), d("2025-07-01")),
            (1, 2)
        );
        assert_eq!(
            applied_share(&rs, d("2024-01-01"), d("2024-12-31"), d("2025-12-01")),
            (1, 3)
        );
    }
}
