//! The engine's state: indicators, the dated tree of units, each series, and the rolled-up
//! series kept current on every write.

use chitieu_domain::{
    Decimal, Indicator, Period, PeriodKind, TimeAggregation, Unit, UnitAggregation, UnitCode,
};
use chrono::NaiveDate;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::series::{Cell, IndData, Series};

/// A question the engine cannot answer, and why (in Vietnamese, for the person who asked).
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

#[derive(Debug, Clone)]
pub(crate) struct IndMeta {
    pub(crate) code: String,
    pub(crate) time: TimeAggregation,
    pub(crate) units: UnitAggregation,
    pub(crate) ratio: bool,
    pub(crate) factor: Decimal,
    pub(crate) freq: PeriodKind,
}

#[derive(Debug, Clone)]
pub(crate) struct UnitMeta {
    pub(crate) code: UnitCode,
    pub(crate) parent: Option<u32>,
    pub(crate) children: Vec<u32>,
    pub(crate) successor: Option<u32>,
    /// Month key of the last month the unit existed, when it has ceased.
    pub(crate) end_key: Option<u16>,
    /// Units whose first successor this is.
    pub(crate) absorbed: Vec<u32>,
}

/// The engine. Cheap to clone: the tree of units is shared, and each indicator's series are
/// shared until a write changes them (copy on write, one indicator at a time). So a reader
/// keeps a consistent snapshot while a writer prepares the next one.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    pub(crate) inds: Arc<Vec<IndMeta>>,
    pub(crate) ind_ix: Arc<HashMap<String, usize>>,
    pub(crate) units: Arc<Vec<UnitMeta>>,
    pub(crate) unit_ix: Arc<HashMap<UnitCode, u32>>,
    pub(crate) data: Vec<Arc<IndData>>,
    pub(crate) stored: usize,
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

pub(crate) fn month_key(d: NaiveDate) -> u16 {
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
            data: (0..inds.len())
                .map(|_| Arc::new(IndData::default()))
                .collect(),
            inds: Arc::new(inds),
            ind_ix: Arc::new(ind_ix),
            units: Arc::new(metas),
            unit_ix: Arc::new(unit_ix),
            stored: 0,
        }
    }

    /// The same values over a changed list of units (added, merged, moved) or changed
    /// rules of aggregation: each unit's own series stays shared with this engine (no copy,
    /// nothing read again), only the rolled-up series are computed again. `None` when an
    /// indicator is new or now keeps its values another way (a ratio or not): those values
    /// must come from the store.
    pub fn restructure(&self, indicators: &[Indicator], units: &[Unit]) -> Option<Engine> {
        let mut next = Engine::new(indicators, units);
        for i in 0..next.inds.len() {
            let j = *self.ind_ix.get(&next.inds[i].code)?;
            if self.inds[j].ratio != next.inds[i].ratio {
                return None;
            }
            let own = self.data[j]
                .own
                .iter()
                .filter_map(|(&u, s)| {
                    let at = next.unit_ix.get(&self.units[u as usize].code)?;
                    Some((*at, Arc::clone(s)))
                })
                .collect();
            next.data[i] = Arc::new(IndData {
                own,
                rolled: HashMap::new(),
            });
        }
        next.stored = next
            .data
            .iter()
            .flat_map(|d| d.own.values())
            .map(|s| s.keys.len())
            .sum();
        next.roll_all();
        Some(next)
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
        let s = Arc::make_mut(self.data_mut(ind).own.entry(unit).or_default());
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
        let s = Arc::make_mut(
            Arc::make_mut(&mut self.data[ind])
                .own
                .entry(unit)
                .or_default(),
        );
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
        let new = s.get(key).is_none();
        s.set(key, cell, ratio);
        if new {
            self.stored += 1;
        }
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
        // Nothing stored, nothing that depends on it changes (and the indicator's series
        // stay shared with other engines).
        if self.remove_indexed_unrolled(i, u, period) {
            self.refresh(i, u, key);
        }
        Ok(())
    }

    /// Removes a value by engine indices without rolling up (call
    /// [`Engine::roll_up_indicator`] after the last one); whether there was one.
    pub fn remove_indexed_unrolled(&mut self, i: usize, u: u32, period: Period) -> bool {
        let key = period.month_key();
        if self.data[i]
            .own
            .get(&u)
            .is_some_and(|s| s.get(key).is_some())
            && let Some(s) = self.data_mut(i).own.get_mut(&u)
        {
            Arc::make_mut(s).remove(key);
            self.stored -= 1;
            return true;
        }
        false
    }

    /// Bytes the engine holds on the heap for its series (an account of capacities, not
    /// counting the allocator's own overhead), for the memory-per-value figure.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let series = |s: &Arc<Series>| {
            s.keys.capacity() * size_of::<u16>()
                + (s.a.capacity() + s.b.capacity()) * size_of::<Decimal>()
        };
        // A hashbrown entry: key, value and one control byte, at 7/8 load at most.
        let entry = size_of::<u32>() + size_of::<Arc<Series>>() + 1 + size_of::<Series>() + 16;
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

    pub(crate) fn ids(&self, indicator: &str, unit: &UnitCode) -> Result<(usize, u32), QueryError> {
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

    /// One indicator's series, for writing: shared with older snapshots until now, so the
    /// first write after a clone copies that indicator's series (and only that one's).
    pub(crate) fn data_mut(&mut self, i: usize) -> &mut IndData {
        Arc::make_mut(&mut self.data[i])
    }

    pub(crate) fn put(&mut self, w: &Write) -> Result<(usize, u32, u16), QueryError> {
        let (i, u) = self.ids(&w.indicator, &w.unit)?;
        self.put_indexed(i, u, w.period, w.value, w.numerator, w.denominator);
        Ok((i, u, w.period.month_key()))
    }

    /// A unit's value at one elementary period.
    pub(crate) fn v(&self, i: usize, u: u32, key: u16) -> Option<Cell> {
        let d = &self.data[i];
        if self.units[u as usize].children.is_empty() {
            self.own_eff(d, u, key)
        } else {
            d.rolled.get(&u).and_then(|s| s.get(key))
        }
    }

    pub(crate) fn combine(&self, i: usize, cells: impl Iterator<Item = Cell>) -> Option<Cell> {
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
    pub(crate) fn compute_rolled(&self, i: usize, u: u32, key: u16) -> Option<Cell> {
        let d = &self.data[i];
        if let Some(c) = self.own_eff(d, u, key) {
            return Some(c);
        }
        let children = &self.units[u as usize].children;
        self.combine(i, children.iter().filter_map(|&c| self.v(i, c, key)))
    }

    pub(crate) fn refresh(&mut self, i: usize, u: u32, key: u16) {
        let eff = self.effective(u, key);
        for start in [eff, u] {
            let mut x = Some(start);
            // Bounded: the store hands over a tree, but no walk here trusts that alone.
            let mut steps = 0;
            while let Some(cur) = x
                && steps <= chitieu_domain::unit_tree::MAX_DEPTH
            {
                steps += 1;
                if !self.units[cur as usize].children.is_empty() {
                    let ratio = self.inds[i].ratio;
                    match self.compute_rolled(i, cur, key) {
                        Some(c) => Arc::make_mut(self.data_mut(i).rolled.entry(cur).or_default())
                            .set(key, c, ratio),
                        None => {
                            if self.data[i].rolled.contains_key(&cur)
                                && let Some(s) = self.data_mut(i).rolled.get_mut(&cur)
                            {
                                Arc::make_mut(s).remove(key);
                            }
                        }
                    }
                }
                x = self.units[cur as usize].parent;
            }
        }
    }

    /// Keys at which `u` may have a value.
    pub(crate) fn keys_of(&self, i: usize, u: u32, out: &mut BTreeSet<u16>) {
        self.keys_within(i, u, out, 0);
    }

    fn keys_within(&self, i: usize, u: u32, out: &mut BTreeSet<u16>, depth: usize) {
        let d = &self.data[i];
        if let Some(s) = d.own.get(&u) {
            out.extend(s.keys.iter().copied());
        }
        if depth < crate::succession::MAX_CHAIN {
            for &p in &self.units[u as usize].absorbed {
                self.keys_within(i, p, out, depth + 1);
            }
        }
        if let Some(s) = d.rolled.get(&u) {
            out.extend(s.keys.iter().copied());
        }
    }

    pub(crate) fn depth(&self, mut u: u32) -> usize {
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
    pub(crate) fn roll_all(&mut self) {
        let parents = self.parents_deepest_first();
        for i in 0..self.inds.len() {
            self.roll_indicator(i, &parents);
        }
    }

    /// Recomputes one indicator's rolled-up series from scratch (the others stay shared).
    pub fn roll_up_indicator(&mut self, i: usize) {
        let parents = self.parents_deepest_first();
        self.roll_indicator(i, &parents);
    }

    fn parents_deepest_first(&self) -> Vec<u32> {
        let mut parents: Vec<u32> = (0..self.units.len() as u32)
            .filter(|&u| !self.units[u as usize].children.is_empty())
            .collect();
        parents.sort_by_key(|&u| std::cmp::Reverse(self.depth(u)));
        parents
    }

    fn roll_indicator(&mut self, i: usize, parents: &[u32]) {
        self.data_mut(i).rolled.clear();
        let ratio = self.inds[i].ratio;
        for &u in parents {
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
                self.data_mut(i).rolled.insert(u, Arc::new(s));
            }
        }
        // A series shared with another engine was shrunk when it was first rolled up;
        // making it unique here would copy every value.
        for s in self.data_mut(i).own.values_mut() {
            if let Some(s) = Arc::get_mut(s) {
                s.shrink();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chitieu_domain::default_plan::default_plan;

    /// A change of units keeps every unit's own values where they are: shared with the
    /// engine before (no copy, so no second copy of the province's values in memory), and
    /// the new unit counts in its parent's figures.
    #[test]
    fn a_new_unit_shares_the_stored_series_and_counts_in_its_parent() {
        let plan = default_plan();
        let mut units = plan.units.clone();
        units.insert(0, plan.province_unit());
        let mut ind = plan.indicators[0].clone();
        ind.measure = chitieu_domain::Measure::Number;
        ind.factor = None;
        ind.unit_aggregation = UnitAggregation::Sum;
        ind.time_aggregation = TimeAggregation::Sum;
        ind.frequency = PeriodKind::Year;
        let indicators = [ind.clone()];
        let ind = &ind;
        let dept = units[1].code.clone();
        let period =
            Period::containing(NaiveDate::from_ymd_opt(2025, 12, 1).unwrap(), ind.frequency);
        let write = |unit: &UnitCode, v: i64| Write {
            indicator: ind.code.clone(),
            unit: unit.clone(),
            period,
            value: Decimal::from(v),
            numerator: None,
            denominator: None,
        };
        let mut before = Engine::new(&indicators, &units);
        before.load([write(&dept, 5)]).unwrap();

        let mut more = units.clone();
        let mut ward = more[1].clone();
        ward.code = UnitCode::commune(99_999);
        ward.parent = Some(plan.plan.owner.clone());
        more.push(ward.clone());
        let mut after = before.restructure(&indicators, &more).unwrap();
        let i = after.indicator_index(&ind.code).unwrap();
        let (old_u, new_u) = (
            before.unit_index(&dept).unwrap(),
            after.unit_index(&dept).unwrap(),
        );
        assert!(Arc::ptr_eq(
            &before.data[i].own[&old_u],
            &after.data[i].own[&new_u]
        ));
        assert_eq!(after.len(), 1);
        after.set(&write(&ward.code, 7)).unwrap();
        let total = after.figure(&ind.code, &plan.plan.owner, period).unwrap();
        assert_eq!(total.map(|f| f.value), Some(Decimal::from(12)));
        // An indicator the engine never had: its values must be read from the store.
        let mut other = indicators.clone();
        other[0].code = "NEW".into();
        assert!(before.restructure(&other, &more).is_none());
    }
}
