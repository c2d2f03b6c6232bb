//! Each head's share of a unit's year.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::head::{Head, Office};
use crate::unit::UnitCode;

/// A head's part of a unit's year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    pub person: String,
    pub title: String,
    pub office: Office,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: i64,
    /// Days in office in the span over the span's days.
    pub share: f64,
}

/// Each head of `unit` in office at some time between `first` and `last` (the evaluated
/// year, or the part of it gone by), with their days in office then, both ends counted: the
/// unit's results are theirs pro rata. Every office answers in full: a commune's Party
/// secretary and its chairman each carry the whole span between the heads of their own office.
pub fn attribute(
    heads: &[Head],
    unit: &UnitCode,
    first: NaiveDate,
    last: NaiveDate,
) -> Vec<Attribution> {
    if last < first {
        return Vec::new();
    }
    let span_days = (last - first).num_days() + 1;
    let mut out: Vec<Attribution> = heads
        .iter()
        .filter(|h| &h.unit == unit)
        .filter_map(|h| {
            let from = h.term_start.max(first);
            let to = h.term_end.unwrap_or(last).min(last);
            (from <= to).then(|| {
                let days = (to - from).num_days() + 1;
                Attribution {
                    person: h.person.clone(),
                    title: h.title.clone(),
                    office: h.office,
                    from,
                    to,
                    days,
                    share: days as f64 / span_days as f64,
                }
            })
        })
        .collect();
    out.sort_by_key(|a| (a.office.as_str(), a.from));
    out
}

/// The first and last day of a year's evaluation as of `today`: the year so far.
pub fn year_span(year: i32, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1)?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31)?;
    (today.year() >= year).then_some((first, last.min(today)))
}
