//! The aggregate engine: the value of indicator I for unit U over period P, from memory,
//! updated by every write. No rebuild step: the write path calls [`Engine::set`] after commit.
//!
//! Rules (the naive model in `tests/rollups.rs` states them once more, plainly):
//! - A value is stored at the indicator's own frequency (its "elementary" periods).
//! - At one elementary period, a unit's value is its own reported value when it has one
//!   (a unit's own report stands for its whole subtree); otherwise its children's values
//!   combined by the indicator's aggregation over units: sum; ratio of sums (numerators and
//!   denominators summed apart, never an average of percentages); average; or none.
//! - Values reported under a unit after it ceased (merged or split) count toward its first
//!   successor; values from before stay where they were.
//! - Over a longer period, the elementary values are combined by the aggregation over time:
//!   sum (flows), last (stocks), average (ratio indicators: ratio of the sums).
//! - Missing stays missing: no data is never zero.
//!
//! Memory: each stored value takes a 2-byte period key and one 16-byte decimal (two for
//! ratios: numerator and denominator), so 18 or 34 bytes, plus 80 bytes per
//! indicator × unit series, and the rolled-up series of units that have children.

pub mod assess;

use chitieu_domain::{
    Decimal, Indicator, Period, PeriodKind, TimeAggregation, Unit, UnitAggregation, UnitCode,
};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// One elementary cell: `a` is the value (or the numerator), `b` the denominator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    pub a: Decimal,
    pub b: Decimal,
}

impl Cell {
    /// Checked: entry points bound every figure (`chitieu_domain::value::MAX_MAGNITUDE`), so
    /// sums stay far from overflow; should a database hold something else, the figure it
    /// feeds is unavailable rather than the process gone.
    fn add(self, o: Cell) -> Option<Cell> {
        Some(Cell {
            a: self.a.checked_add(o.a)?,
            b: self.b.checked_add(o.b)?,
        })
    }

    /// The value a cell stands for: the ratio × factor, or the value itself.
    fn ratio(self, factor: Decimal) -> Option<Decimal> {
        self.a.checked_div(self.b)?.checked_mul(factor)
    }
}

fn add_opt(x: Option<Cell>, y: Option<Cell>) -> Option<Cell> {
    match (x, y) {
        (Some(x), Some(y)) => x.add(y),
        (x, None) => x,
        (None, y) => y,
    }
}

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    UnknownIndicator(String),
    UnknownUnit(String),
    /// The period is finer than the indicator's frequency.
    TooFine {
        indicator: String,
        frequency: PeriodKind,
    },
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueryError::UnknownIndicator(c) => write!(f, "không có chỉ tiêu \"{c}\""),
            QueryError::UnknownUnit(c) => write!(f, "không có đơn vị \"{c}\""),
            QueryError::TooFine {
                indicator,
                frequency,
            } => write!(
                f,
                "chỉ tiêu {indicator} báo cáo {}: không có số liệu ở kỳ ngắn hơn",
                frequency.label_vi()
            ),
        }
    }
}

impl std::error::Error for QueryError {}

#[derive(Debug, Clone)]
struct IndMeta {
    code: String,
    time: TimeAggregation,
    units: UnitAggregation,
    ratio: bool,
    factor: Decimal,
    freq: PeriodKind,
}

#[derive(Debug, Clone)]
struct UnitMeta {
    code: UnitCode,
    parent: Option<u32>,
    children: Vec<u32>,
    successor: Option<u32>,
    /// Month key of the last month the unit existed, when it has ceased.
    end_key: Option<u16>,
    /// Units whose first successor this is.
    absorbed: Vec<u32>,
}

/// Values of one indicator × unit, sorted by period key; `b` is empty unless a ratio.
#[derive(Debug, Default, Clone)]
struct Series {
    keys: Vec<u16>,
    a: Vec<Decimal>,
    b: Vec<Decimal>,
}

impl Series {
    fn get(&self, key: u16) -> Option<Cell> {
        let i = self.keys.binary_search(&key).ok()?;
        Some(Cell {
            a: self.a[i],
            b: self.b.get(i).copied().unwrap_or(Decimal::ONE),
        })
    }

    fn set(&mut self, key: u16, c: Cell, ratio: bool) {
        match self.keys.binary_search(&key) {
            Ok(i) => {
                self.a[i] = c.a;
                if ratio {
                    self.b[i] = c.b;
                }
            }
            Err(i) => {
                self.keys.insert(i, key);
                self.a.insert(i, c.a);
                if ratio {
                    self.b.insert(i, c.b);
                }
            }
        }
    }

    fn remove(&mut self, key: u16) {
        if let Ok(i) = self.keys.binary_search(&key) {
            self.keys.remove(i);
            self.a.remove(i);
            if !self.b.is_empty() {
                self.b.remove(i);
            }
        }
    }

    fn shrink(&mut self) {
        self.keys.shrink_to_fit();
        self.a.shrink_to_fit();
        self.b.shrink_to_fit();
    }
}

#[derive(Debug, Default, Clone)]
struct IndData {
    own: HashMap<u32, Series>,
    rolled: HashMap<u32, Series>,
}

/// The engine. Cheap to query from many threads behind a read lock.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    inds: Vec<IndMeta>,
    ind_ix: HashMap<String, usize>,
    units: Vec<UnitMeta>,
    unit_ix: HashMap<UnitCode, u32>,
    data: Vec<IndData>,
    stored: usize,
}

/// A value to store: indicator code, unit, period and the figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    pub indicator: String,
    pub unit: UnitCode,
    pub period: Period,
    pub value: Decimal,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
}

fn month_key(d: NaiveDate) -> u16 {
    Period::containing(d, PeriodKind::Month).month_key()
}

impl Engine {
    /// An engine over these indicators and units, with no values yet.
    pub fn new(indicators: &[Indicator], units: &[Unit]) -> Engine {
        let inds: Vec<IndMeta> = indicators
            .iter()
            .map(|i| IndMeta {
                code: i.code.clone(),
                time: i.time_aggregation,
                units: i.unit_aggregation,
                ratio: i.is_ratio(),
                factor: i.ratio_factor(),
                freq: i.frequency,
            })
            .collect();
        let ind_ix = inds
            .iter()
            .enumerate()
            .map(|(i, m)| (m.code.clone(), i))
            .collect();
        let unit_ix: HashMap<UnitCode, u32> = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.code.clone(), i as u32))
            .collect();
        let mut metas: Vec<UnitMeta> = units
            .iter()
            .map(|u| UnitMeta {
                code: u.code.clone(),
                parent: u.parent.as_ref().and_then(|p| unit_ix.get(p).copied()),
                children: Vec::new(),
                successor: u.successors.first().and_then(|s| unit_ix.get(s).copied()),
                end_key: u.valid_to.map(month_key),
                absorbed: Vec::new(),
            })
            .collect();
        for i in 0..metas.len() {
            if let Some(p) = metas[i].parent {
                metas[p as usize].children.push(i as u32);
            }
            if let (Some(s), Some(_)) = (metas[i].successor, metas[i].end_key) {
                metas[s as usize].absorbed.push(i as u32);
            }
        }
        Engine {
            data: vec![IndData::default(); inds.len()],
            inds,
            ind_ix,
            units: metas,
            unit_ix,
            stored: 0,
        }
    }

    /// Loads many values at once, then rolls every tree up once.
    pub fn load(&mut self, values: impl IntoIterator<Item = Write>) -> Result<usize, QueryError> {
        let mut n = 0;
        for w in values {
            self.put(&w)?;
            n += 1;
        }
        self.roll_all();
        Ok(n)
    }

    pub fn indicator_index(&self, code: &str) -> Option<usize> {
        self.ind_ix.get(code).copied()
    }

    pub fn unit_index(&self, code: &UnitCode) -> Option<u32> {
        self.unit_ix.get(code).copied()
    }

    /// Makes room for `n` more values of one series, so that loading allocates each series
    /// once, at its final size.
    pub fn reserve(&mut self, ind: usize, unit: u32, n: usize) {
        let ratio = self.inds[ind].ratio;
        let s = self.data[ind].own.entry(unit).or_default();
        s.keys.reserve_exact(n);
        s.a.reserve_exact(n);
        if ratio {
            s.b.reserve_exact(n);
        }
    }

    /// Stores a value by engine indices, without rolling up: the loading fast path, with no
    /// lookups by code. Call [`Engine::roll_up`] after the last one.
    pub fn put_indexed(
        &mut self,
        ind: usize,
        unit: u32,
        period: Period,
        value: Decimal,
        numerator: Option<Decimal>,
        denominator: Option<Decimal>,
    ) {
        let ratio = self.inds[ind].ratio;
        let cell = if ratio {
            Cell {
                a: numerator.unwrap_or(value),
                b: denominator.unwrap_or(Decimal::ONE),
            }
        } else {
            Cell {
                a: value,
                b: Decimal::ONE,
            }
        };
        let key = period.month_key();
        let s = self.data[ind].own.entry(unit).or_default();
        // Loading mostly appends in period order.
        if s.keys.last().is_some_and(|&k| k < key) {
            s.keys.push(key);
            s.a.push(cell.a);
            if ratio {
                s.b.push(cell.b);
            }
            self.stored += 1;
            return;
        }
        if s.get(key).is_none() {
            self.stored += 1;
        }
        s.set(key, cell, ratio);
    }

    /// Stores a value without rolling up; call [`Engine::roll_up`] after the last one.
    /// For loading many values from a store page by page.
    pub fn set_unrolled(&mut self, w: &Write) -> Result<(), QueryError> {
        self.put(w).map(|_| ())
    }

    /// Recomputes every rolled-up figure; after [`Engine::set_unrolled`].
    pub fn roll_up(&mut self) {
        self.roll_all();
    }

    /// Stores one value and updates every figure that depends on it.
    pub fn set(&mut self, w: &Write) -> Result<(), QueryError> {
        let (i, u, key) = self.put(w)?;
        self.refresh(i, u, key);
        Ok(())
    }

    /// Removes one stored value, if there is one.
    pub fn remove(
        &mut self,
        indicator: &str,
        unit: &UnitCode,
        period: Period,
    ) -> Result<(), QueryError> {
        let (i, u) = self.ids(indicator, unit)?;
        let key = period.month_key();
        if let Some(s) = self.data[i].own.get_mut(&u)
            && s.get(key).is_some()
        {
            s.remove(key);
            self.stored -= 1;
        }
        self.refresh(i, u, key);
        Ok(())
    }

    /// Bytes the engine holds on the heap for its series (an account of capacities, not
    /// counting the allocator's own overhead), for the memory-per-value figure.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let series = |s: &Series| {
            s.keys.capacity() * size_of::<u16>()
                + (s.a.capacity() + s.b.capacity()) * size_of::<Decimal>()
        };
        // A hashbrown entry: key, value and one control byte, at 7/8 load at most.
        let entry = size_of::<u32>() + size_of::<Series>() + 1;
        self.data
            .iter()
            .map(|d| {
                let maps = (d.own.capacity() + d.rolled.capacity()) * entry;
                maps + d.own.values().map(series).sum::<usize>()
                    + d.rolled.values().map(series).sum::<usize>()
            })
            .sum()
    }

    /// How many values are stored.
    pub fn len(&self) -> usize {
        self.stored
    }

    pub fn is_empty(&self) -> bool {
        self.stored == 0
    }

    fn ids(&self, indicator: &str, unit: &UnitCode) -> Result<(usize, u32), QueryError> {
        let i = *self
            .ind_ix
            .get(indicator)
            .ok_or_else(|| QueryError::UnknownIndicator(indicator.to_string()))?;
        let u = *self
            .unit_ix
            .get(unit)
            .ok_or_else(|| QueryError::UnknownUnit(unit.to_string()))?;
        Ok((i, u))
    }

    fn put(&mut self, w: &Write) -> Result<(usize, u32, u16), QueryError> {
        let (i, u) = self.ids(&w.indicator, &w.unit)?;
        self.put_indexed(i, u, w.period, w.value, w.numerator, w.denominator);
        Ok((i, u, w.period.month_key()))
    }

    /// Whether unit `u`'s values at `key` belong to its successor.
    fn moved(&self, u: u32, key: u16) -> bool {
        let m = &self.units[u as usize];
        m.successor.is_some() && m.end_key.is_some_and(|e| key > e)
    }

    /// The unit that a value of `u` at `key` counts toward.
    fn effective(&self, mut u: u32, key: u16) -> u32 {
        let mut guard = 0;
        while self.moved(u, key) && guard < 64 {
            u = self.units[u as usize]
                .successor
                .expect("moved implies a successor");
            guard += 1;
        }
        u
    }

    /// Own values of `u` at `key` and of predecessors whose values moved into it.
    fn contributions(&self, d: &IndData, u: u32, key: u16) -> Option<Cell> {
        let mut acc = d.own.get(&u).and_then(|s| s.get(key));
        for &p in &self.units[u as usize].absorbed {
            if self.moved(p, key) {
                acc = add_opt(acc, self.contributions(d, p, key));
            }
        }
        acc
    }

    fn own_eff(&self, d: &IndData, u: u32, key: u16) -> Option<Cell> {
        if self.moved(u, key) {
            return None;
        }
        self.contributions(d, u, key)
    }

    /// A unit's value at one elementary period.
    fn v(&self, i: usize, u: u32, key: u16) -> Option<Cell> {
        let d = &self.data[i];
        if self.units[u as usize].children.is_empty() {
            self.own_eff(d, u, key)
        } else {
            d.rolled.get(&u).and_then(|s| s.get(key))
        }
    }

    fn combine(&self, i: usize, cells: impl Iterator<Item = Cell>) -> Option<Cell> {
        let m = &self.inds[i];
        match m.units {
            UnitAggregation::None => None,
            UnitAggregation::Sum | UnitAggregation::RatioOfSums => {
                let mut acc: Option<Cell> = None;
                for c in cells {
                    acc = Some(match acc {
                        None => c,
                        Some(a) => a.add(c)?,
                    });
                }
                acc
            }
            UnitAggregation::Average => {
                let (mut sum, mut n) = (Decimal::ZERO, 0u32);
                for c in cells {
                    let x = if m.ratio {
                        if c.b.is_zero() {
                            continue;
                        }
                        c.ratio(Decimal::ONE)?
                    } else {
                        c.a
                    };
                    sum = sum.checked_add(x)?;
                    n += 1;
                }
                (n > 0)
                    .then(|| sum.checked_div(Decimal::from(n)))
                    .flatten()
                    .map(|a| Cell { a, b: Decimal::ONE })
            }
        }
    }

    /// The value of a unit with children at one period, from its own report or its children.
    fn compute_rolled(&self, i: usize, u: u32, key: u16) -> Option<Cell> {
        let d = &self.data[i];
        if let Some(c) = self.own_eff(d, u, key) {
            return Some(c);
        }
        let children = &self.units[u as usize].children;
        self.combine(i, children.iter().filter_map(|&c| self.v(i, c, key)))
    }

    fn refresh(&mut self, i: usize, u: u32, key: u16) {
        let eff = self.effective(u, key);
        for start in [eff, u] {
            let mut x = Some(start);
            while let Some(cur) = x {
                if !self.units[cur as usize].children.is_empty() {
                    let ratio = self.inds[i].ratio;
                    match self.compute_rolled(i, cur, key) {
                        Some(c) => self.data[i]
                            .rolled
                            .entry(cur)
                            .or_default()
                            .set(key, c, ratio),
                        None => {
                            if let Some(s) = self.data[i].rolled.get_mut(&cur) {
                                s.remove(key);
                            }
                        }
                    }
                }
                x = self.units[cur as usize].parent;
            }
        }
    }

    /// Keys at which `u` may have a value.
    fn keys_of(&self, i: usize, u: u32, out: &mut BTreeSet<u16>) {
        let d = &self.data[i];
        if let Some(s) = d.own.get(&u) {
            out.extend(s.keys.iter().copied());
        }
        for &p in &self.units[u as usize].absorbed {
            self.keys_of(i, p, out);
        }
        if let Some(s) = d.rolled.get(&u) {
            out.extend(s.keys.iter().copied());
        }
    }

    fn depth(&self, mut u: u32) -> usize {
        let mut n = 0;
        while let Some(p) = self.units[u as usize].parent {
            u = p;
            n += 1;
            if n > 64 {
                break;
            }
        }
        n
    }

    /// Computes every rolled-up series from scratch, deepest units first.
    fn roll_all(&mut self) {
        let mut parents: Vec<u32> = (0..self.units.len() as u32)
            .filter(|&u| !self.units[u as usize].children.is_empty())
            .collect();
        parents.sort_by_key(|&u| std::cmp::Reverse(self.depth(u)));
        for i in 0..self.inds.len() {
            self.data[i].rolled.clear();
            let ratio = self.inds[i].ratio;
            for &u in &parents {
                let mut keys = BTreeSet::new();
                self.keys_of(i, u, &mut keys);
                for &c in &self.units[u as usize].children {
                    self.keys_of(i, c, &mut keys);
                }
                let mut s = Series::default();
                for key in keys {
                    if let Some(c) = self.compute_rolled(i, u, key) {
                        s.keys.push(key);
                        s.a.push(c.a);
                        if ratio {
                            s.b.push(c.b);
                        }
                    }
                }
                if !s.keys.is_empty() {
                    self.data[i].rolled.insert(u, s);
                }
            }
            for s in self.data[i].own.values_mut() {
                s.shrink();
            }
        }
    }

    /// Elementary period keys of indicator `i` inside `period`, up to `as_of` (period end).
    fn elementary(
        &self,
        i: usize,
        period: Period,
        as_of: Option<NaiveDate>,
    ) -> Result<Vec<u16>, QueryError> {
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
        Ok((0..n)
            .map(|k| first + k * step)
            .filter(|&key| as_of.is_none_or(|d| Period::from_month_key(key, m.freq).end() <= d))
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
        let keys = self.elementary(i, period, as_of)?;
        let m = &self.inds[i];
        let mut acc: Option<Cell> = None;
        let mut avg_n = 0u32;
        let mut periods = 0u32;
        let mut last = 0u16;
        for key in keys {
            let Some(c) = self.v(i, u, key) else { continue };
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

    fn explain_at(&self, i: usize, u: u32, key: u16, out: &mut Vec<Contribution>) {
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

    fn explain_own(&self, i: usize, u: u32, key: u16, out: &mut Vec<Contribution>) {
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
        for y in self.first_year(i)..=last_year {
            if let Some(f) = self.figure_as_of(indicator, unit, Period::year(y), Some(as_of))? {
                out.push((y, f));
            }
        }
        Ok(out)
    }

    fn first_year(&self, i: usize) -> i32 {
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
