//! What the engine answers: a figure for an indicator, a unit and a period (with the
//! values behind it), yearly figures, and who reported.

use chitieu_domain::{Decimal, Period, PeriodKind, TimeAggregation, UnitAggregation, UnitCode};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::engine::{Engine, QueryError};
use crate::series::Cell;

/// The answer for an indicator, a unit and a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub value: Decimal,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    /// Elementary periods with data that went into the figure.
    pub periods: u32,
    /// The latest elementary period with data.
    pub last_period: Period,
}

/// A stored value that went into a figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    pub unit: UnitCode,
    pub period: Period,
    pub value: Decimal,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
}

/// A unit's own figure of a period: its value and, for a ratio, (numerator, denominator).
pub type OwnFigure = (Period, Decimal, Option<(Decimal, Decimal)>);

impl Engine {
    /// First key, step and end (exclusive) of indicator `i`'s elementary periods inside
    /// `period`.
    fn span(&self, i: usize, period: Period) -> Result<(u16, u16, u16), QueryError> {
        let m = &self.inds[i];
        if period.kind() < m.freq {
            return Err(QueryError::TooFine {
                indicator: m.code.clone(),
                frequency: m.freq,
            });
        }
        let step = m.freq.months() as u16;
        let first = period.month_key();
        let n = period.kind().months() as u16 / step;
        Ok((first, step, first + n * step))
    }

    /// Elementary period keys of indicator `i` inside `period`, up to `as_of` (period end).
    pub(crate) fn elementary(
        &self,
        i: usize,
        period: Period,
        as_of: Option<NaiveDate>,
    ) -> Result<Vec<u16>, QueryError> {
        let (first, step, end) = self.span(i, period)?;
        let freq = self.inds[i].freq;
        Ok((first..end)
            .step_by(usize::from(step))
            .filter(|&key| as_of.is_none_or(|d| Period::from_month_key(key, freq).end() <= d))
            .collect())
    }

    /// The figure for an indicator, unit and period; `None` when there is no data.
    pub fn figure(
        &self,
        indicator: &str,
        unit: &UnitCode,
        period: Period,
    ) -> Result<Option<Figure>, QueryError> {
        self.figure_as_of(indicator, unit, period, None)
    }

    /// As [`Engine::figure`], counting only elementary periods that ended by `as_of`.
    pub fn figure_as_of(
        &self,
        indicator: &str,
        unit: &UnitCode,
        period: Period,
        as_of: Option<NaiveDate>,
    ) -> Result<Option<Figure>, QueryError> {
        let (i, u) = self.ids(indicator, unit)?;
        let (first, step, end) = self.span(i, period)?;
        let m = &self.inds[i];
        let ended = |k: u16| as_of.is_none_or(|d| Period::from_month_key(k, m.freq).end() <= d);
        let (mut fast, mut slow);
        let cells: &mut dyn Iterator<Item = (u16, Cell)> = match self.single_series(i, u) {
            // The overview asks thousands of these: one lookup of the series and a walk
            // along its slice, instead of a lookup and a search per month.
            Some(s) => {
                fast = s.within(first, step, end).filter(|&(k, _)| ended(k));
                &mut fast
            }
            None => {
                slow = (first..end)
                    .step_by(usize::from(step))
                    .filter(|&k| ended(k))
                    .filter_map(|k| Some((k, self.v(i, u, k)?)));
                &mut slow
            }
        };
        let mut acc: Option<Cell> = None;
        let mut avg_n = 0u32;
        let mut periods = 0u32;
        let mut last = 0u16;
        for (key, c) in cells {
            periods += 1;
            last = key;
            acc = match (m.time, acc) {
                (TimeAggregation::Last, _) | (_, None) => Some(c),
                (_, Some(a)) => a.add(c),
            };
            if acc.is_none() {
                return Ok(None);
            }
            avg_n += 1;
        }
        let Some(c) = acc else { return Ok(None) };
        let value = if m.ratio {
            if c.b.is_zero() {
                return Ok(None);
            }
            c.ratio(m.factor)
        } else if m.time == TimeAggregation::Average {
            c.a.checked_div(Decimal::from(avg_n))
        } else {
            Some(c.a)
        };
        let Some(value) = value else { return Ok(None) };
        Ok(Some(Figure {
            value,
            numerator: m.ratio.then_some(c.a),
            denominator: m.ratio.then_some(c.b),
            periods,
            last_period: Period::from_month_key(last, m.freq),
        }))
    }

    /// Every stored value behind a figure.
    pub fn explain(
        &self,
        indicator: &str,
        unit: &UnitCode,
        period: Period,
    ) -> Result<Vec<Contribution>, QueryError> {
        let (i, u) = self.ids(indicator, unit)?;
        let mut keys: Vec<u16> = self
            .elementary(i, period, None)?
            .into_iter()
            .filter(|&k| self.v(i, u, k).is_some())
            .collect();
        if self.inds[i].time == TimeAggregation::Last {
            keys = keys.last().copied().into_iter().collect();
        }
        let mut out = Vec::new();
        for key in keys {
            self.explain_at(i, u, key, &mut out);
        }
        Ok(out)
    }

    pub(crate) fn explain_at(&self, i: usize, u: u32, key: u16, out: &mut Vec<Contribution>) {
        let d = &self.data[i];
        if self.own_eff(d, u, key).is_some() {
            self.explain_own(i, u, key, out);
        } else if self.inds[i].units != UnitAggregation::None {
            for &c in &self.units[u as usize].children {
                if self.v(i, c, key).is_some() {
                    self.explain_at(i, c, key, out);
                }
            }
        }
    }

    pub(crate) fn explain_own(&self, i: usize, u: u32, key: u16, out: &mut Vec<Contribution>) {
        let m = &self.inds[i];
        if let Some(c) = self.data[i].own.get(&u).and_then(|s| s.get(key)) {
            out.push(Contribution {
                unit: self.units[u as usize].code.clone(),
                period: Period::from_month_key(key, m.freq),
                value: if m.ratio && !c.b.is_zero() {
                    c.ratio(m.factor).unwrap_or(Decimal::ZERO)
                } else {
                    c.a
                },
                numerator: m.ratio.then_some(c.a),
                denominator: m.ratio.then_some(c.b),
            });
        }
        for &p in &self.units[u as usize].absorbed {
            if self.moved(p, key) {
                self.explain_own(i, p, key, out);
            }
        }
    }

    /// Yearly figures of an indicator for a unit, as known on `as_of`: for flows only
    /// complete years; for stocks and averages the current year to date as well.
    pub fn yearly(
        &self,
        indicator: &str,
        unit: &UnitCode,
        as_of: NaiveDate,
    ) -> Result<Vec<(i32, Figure)>, QueryError> {
        let (i, _) = self.ids(indicator, unit)?;
        let flow = self.inds[i].time == TimeAggregation::Sum;
        let mut out = Vec::new();
        let last_year =
            if flow && as_of < NaiveDate::from_ymd_opt(as_of.year(), 12, 31).unwrap_or(as_of) {
                as_of.year() - 1
            } else {
                as_of.year()
            };
        // Past the last year a period can name, there is nothing (and no key to compute).
        let last_year = last_year.min(*chitieu_domain::period::PERIOD_YEARS.end());
        for y in self.first_year(i)..=last_year {
            if let Some(f) = self.figure_as_of(indicator, unit, Period::year(y), Some(as_of))? {
                out.push((y, f));
            }
        }
        Ok(out)
    }

    pub(crate) fn first_year(&self, i: usize) -> i32 {
        self.data[i]
            .own
            .values()
            .filter_map(|s| s.keys.first())
            .min()
            .map_or(i32::MAX, |&k| {
                Period::from_month_key(k, PeriodKind::Month).year_number()
            })
    }

    /// Whether the unit itself reported a value for the period (not counting rollups).
    pub fn has_own(&self, indicator: &str, unit: &UnitCode, period: Period) -> bool {
        self.ids(indicator, unit).is_ok_and(|(i, u)| {
            self.data[i]
                .own
                .get(&u)
                .is_some_and(|s| s.get(period.month_key()).is_some())
        })
    }

    /// The values a unit reported itself for an indicator (not rolled up), oldest first, as
    /// the indicator reads them (a ratio × its factor).
    pub fn own_values(&self, indicator: &str, unit: &UnitCode) -> Vec<(Period, Decimal)> {
        self.own_parts(indicator, unit)
            .into_iter()
            .map(|(p, v, _)| (p, v))
            .collect()
    }

    /// [`Engine::own_values`] with, for a ratio, the numerator and denominator stored.
    pub fn own_parts(&self, indicator: &str, unit: &UnitCode) -> Vec<OwnFigure> {
        let Ok((i, u)) = self.ids(indicator, unit) else {
            return Vec::new();
        };
        let m = &self.inds[i];
        let Some(s) = self.data[i].own.get(&u) else {
            return Vec::new();
        };
        s.keys
            .iter()
            .filter_map(|&key| {
                let c = s.get(key)?;
                let (v, parts) = if m.ratio {
                    (c.ratio(m.factor)?, Some((c.a, c.b)))
                } else {
                    (c.a, None)
                };
                Some((Period::from_month_key(key, m.freq), v, parts))
            })
            .collect()
    }

    pub fn indicator_codes(&self) -> impl Iterator<Item = &str> {
        self.inds.iter().map(|m| m.code.as_str())
    }

    /// Children of a unit, by code.
    pub fn children(&self, unit: &UnitCode) -> Vec<UnitCode> {
        self.unit_ix
            .get(unit)
            .map(|&u| {
                self.units[u as usize]
                    .children
                    .iter()
                    .map(|&c| self.units[c as usize].code.clone())
                    .collect()
            })
            .unwrap_or_default()
    }
}
