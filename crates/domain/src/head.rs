//! Heads of units and their terms: results in a period belong to the head in office then.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::unit::UnitCode;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Head {
    pub unit: UnitCode,
    pub person: String,
    pub title: String,
    pub term_start: NaiveDate,
    /// Last day in office, inclusive; `None` while in office.
    #[serde(default)]
    pub term_end: Option<NaiveDate>,
    /// Which of the unit's accountable offices: a commune answers through both its Party
    /// committee secretary and its People's Committee chairman, each with their own terms.
    #[serde(default)]
    pub office: Office,
}

/// An accountable office of a unit. Terms overlap across offices, never within one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Office {
    /// The head of the authority or agency: the People's Committee chairman, a director.
    #[default]
    Authority,
    /// The secretary of the Party committee at the same level.
    Party,
}

impl Office {
    pub const ALL: [Office; 2] = [Office::Authority, Office::Party];

    pub fn as_str(self) -> &'static str {
        match self {
            Office::Authority => "authority",
            Office::Party => "party",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Office::Authority => "Người đứng đầu chính quyền, cơ quan",
            Office::Party => "Bí thư cấp ủy",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Office::Authority => "Head of the authority or agency",
            Office::Party => "Party committee secretary",
        }
    }
}

impl std::str::FromStr for Office {
    type Err = crate::Refusal;
    fn from_str(s: &str) -> Result<Office, crate::Refusal> {
        Office::ALL
            .into_iter()
            .find(|o| o.as_str() == s.trim())
            .ok_or_else(|| {
                crate::Refusal::not_one_of(
                    crate::Field::Office,
                    s.trim(),
                    Office::ALL.iter().map(|x| x.as_str()),
                )
            })
    }
}

impl Head {
    pub fn in_office_on(&self, d: NaiveDate) -> bool {
        self.term_start <= d && self.term_end.is_none_or(|end| d <= end)
    }

    /// Days in office within [from, to], inclusive; for attributing a period's results.
    pub fn days_in_office(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let start = self.term_start.max(from);
        let end = self.term_end.map_or(to, |e| e.min(to));
        if end < start {
            0
        } else {
            (end - start).num_days() + 1
        }
    }
}

/// Everyone accountable for `unit` on date `d`, one per office (the authority's head first).
pub fn heads_on<'a>(heads: &'a [Head], unit: &UnitCode, d: NaiveDate) -> Vec<&'a Head> {
    Office::ALL
        .into_iter()
        .filter_map(|o| {
            heads
                .iter()
                .filter(|h| &h.unit == unit && h.office == o && h.in_office_on(d))
                .max_by_key(|h| h.term_start)
        })
        .collect()
}

/// Who headed `unit`'s authority on date `d`. Where terms overlap (an acting head), the latest
/// start wins.
pub fn head_on<'a>(heads: &'a [Head], unit: &UnitCode, d: NaiveDate) -> Option<&'a Head> {
    heads
        .iter()
        .filter(|h| &h.unit == unit && h.office == Office::Authority && h.in_office_on(d))
        .max_by_key(|h| h.term_start)
}

/// Checks a new term against the unit's other terms: they must not overlap.
pub fn check_term(heads: &[Head], new: &Head) -> Result<(), crate::Refusal> {
    if let Some(end) = new.term_end
        && end < new.term_start
    {
        return Err(crate::Refusal::DateBefore {
            field: crate::Field::TermEnd,
            date: end,
            other: crate::Field::TermStart,
            other_date: new.term_start,
        });
    }
    for h in heads
        .iter()
        // The same term again is an overlap too: posted twice, it answered 500 at the
        // database's unique index.
        .filter(|h| h.unit == new.unit && h.office == new.office)
    {
        let far = NaiveDate::MAX;
        let overlap = h.term_start <= new.term_end.unwrap_or(far)
            && new.term_start <= h.term_end.unwrap_or(far);
        if overlap {
            return Err(crate::Refusal::TermOverlap {
                person: h.person.clone(),
                from: h.term_start,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn heads() -> Vec<Head> {
        let u = UnitCode::parse("TN.SKHCN").unwrap();
        vec![
            Head {
                unit: u.clone(),
                person: "A".into(),
                title: "Giám đốc".into(),
                term_start: d("2020-01-01"),
                term_end: Some(d("2025-06-30")),
                office: Default::default(),
            },
            Head {
                unit: u,
                person: "B".into(),
                title: "Giám đốc".into(),
                term_start: d("2025-07-01"),
                term_end: None,
                office: Default::default(),
            },
        ]
    }

    #[test]
    fn who_headed_the_unit_on_a_date() {
        let hs = heads();
        let u = UnitCode::parse("TN.SKHCN").unwrap();
        assert_eq!(head_on(&hs, &u, d("2025-06-30")).unwrap().person, "A");
        assert_eq!(head_on(&hs, &u, d("2025-07-01")).unwrap().person, "B");
        assert!(head_on(&hs, &u, d("2019-12-31")).is_none());
        assert_eq!(hs[0].days_in_office(d("2025-01-01"), d("2025-12-31")), 181);
        assert_eq!(hs[1].days_in_office(d("2025-01-01"), d("2025-12-31")), 184);
    }

    #[test]
    fn overlapping_terms_are_refused() {
        let hs = heads();
        let mut new = hs[1].clone();
        new.person = "C".into();
        new.term_start = d("2025-03-01");
        assert!(check_term(&hs, &new).is_err());
        // [D] 5: the same term posted twice.
        assert!(check_term(&hs, &hs[1]).is_err());
    }
}
