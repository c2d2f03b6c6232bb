//! The engine against a naive recomputation from the stored values, on random trees,
//! values and merges; and the cases the issue names.

use chitieu_analytics::{Engine, Figure, Write};
use chitieu_domain::unit::earliest;
use chitieu_domain::{
    Decimal, Direction, Indicator, Measure, Period, PeriodKind, TimeAggregation, Unit,
    UnitAggregation, UnitCode, UnitKind,
};
use chrono::NaiveDate;
use proptest::prelude::*;
use std::collections::HashMap;

fn indicator(
    code: &str,
    ratio: bool,
    time: TimeAggregation,
    units: UnitAggregation,
    freq: PeriodKind,
) -> Indicator {
    Indicator {
        code: code.into(),
        group: "G".into(),
        name: code.into(),
        name_en: code.into(),
        definition: String::new(),
        unit_of_measure: "%".into(),
        unit_of_measure_en: String::new(),
        measure: if ratio {
            Measure::Ratio
        } else {
            Measure::Number
        },
        factor: ratio.then_some(Decimal::ONE_HUNDRED),
        numerator_label: None,
        definition_en: String::new(),
        numerator_label_en: String::new(),
        denominator_label_en: String::new(),
        denominator_label: None,
        time_aggregation: time,
        unit_aggregation: units,
        direction: Direction::Increase,
        natural_limit: None,
        frequency: freq,
        reported_by: vec![UnitKind::Commune, UnitKind::Province],
        lead_unit: UnitCode::province(1),
        coordinating_units: vec![],
        data_source: String::new(),
        derived_from: None,
    }
}

fn unit(
    code: &str,
    parent: Option<&str>,
    valid_to: Option<NaiveDate>,
    successor: Option<&str>,
) -> Unit {
    Unit {
        code: UnitCode::parse(code).unwrap(),
        name: code.into(),
        kind: if parent.is_some() {
            UnitKind::Commune
        } else {
            UnitKind::Province
        },
        division_type: None,
        parent: parent.map(|p| UnitCode::parse(p).unwrap()),
        valid_from: earliest(),
        valid_to,
        population: None,
        officials: None,
        successors: successor
            .map(|s| UnitCode::parse(s).unwrap())
            .into_iter()
            .collect(),
    }
}

fn w(ind: &str, u: &str, p: &str, v: i64, num: Option<i64>, den: Option<i64>) -> Write {
    Write {
        indicator: ind.into(),
        unit: UnitCode::parse(u).unwrap(),
        period: p.parse().unwrap(),
        value: Decimal::from(v),
        numerator: num.map(Decimal::from),
        denominator: den.map(Decimal::from),
    }
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn ratio_is_a_ratio_of_sums_not_a_mean_of_percentages() {
    let ind = indicator(
        "R",
        true,
        TimeAggregation::Last,
        UnitAggregation::RatioOfSums,
        PeriodKind::Quarter,
    );
    let units = vec![
        unit("1", None, None, None),
        unit("101", Some("1"), None, None),
        unit("102", Some("1"), None, None),
    ];
    let mut e = Engine::new(&[ind], &units);
    e.load([
        w("R", "101", "2025Q3", 50, Some(1), Some(2)),
        w("R", "102", "2025Q3", 99, Some(99), Some(100)),
    ])
    .unwrap();
    let f = e
        .figure("R", &UnitCode::province(1), "2025Q3".parse().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(f.numerator, Some(Decimal::from(100)));
    assert_eq!(f.denominator, Some(Decimal::from(102)));
    assert_eq!(
        f.value,
        Decimal::from(100) / Decimal::from(102) * Decimal::ONE_HUNDRED
    );
    assert_ne!(f.value, Decimal::new(745, 1), "not the mean of 50% and 99%");
    assert_eq!(
        e.explain("R", &UnitCode::province(1), "2025Q3".parse().unwrap())
            .unwrap()
            .len(),
        2
    );
}

/// docs/assessment.md: "for a flow, an unfinished year is not compared with whole years";
/// a stock's latest year counts to date.
#[test]
fn a_flows_unfinished_year_waits_and_a_stocks_counts_to_date() {
    let flow = indicator(
        "F",
        false,
        TimeAggregation::Sum,
        UnitAggregation::Sum,
        PeriodKind::Quarter,
    );
    let stock = indicator(
        "S",
        false,
        TimeAggregation::Last,
        UnitAggregation::Sum,
        PeriodKind::Quarter,
    );
    let units = vec![unit("1", None, None, None)];
    let mut e = Engine::new(&[flow, stock], &units);
    let mut writes = Vec::new();
    for p in ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2"] {
        writes.push(w("F", "1", p, 10, None, None));
        writes.push(w("S", "1", p, 10, None, None));
    }
    e.load(writes).unwrap();
    let years = |ind: &str, as_of: &str| -> Vec<(i32, String)> {
        e.yearly(ind, &UnitCode::province(1), d(as_of))
            .unwrap()
            .into_iter()
            .map(|(y, f)| (y, f.value.to_string()))
            .collect()
    };
    // Mid-2026: the flow's 2026 (20 so far) is not set beside 2025's whole 40.
    assert_eq!(years("F", "2026-07-15"), vec![(2025, "40".to_string())]);
    assert_eq!(
        years("S", "2026-07-15"),
        vec![(2025, "10".to_string()), (2026, "10".to_string())]
    );
    // Once the year is over, it counts.
    assert_eq!(
        years("F", "2026-12-31"),
        vec![(2025, "40".to_string()), (2026, "20".to_string())]
    );
}

#[test]
fn a_merge_moves_later_values_and_keeps_history() {
    // Commune 101 merges into 102 on 1 July 2025.
    let ind = indicator(
        "F",
        false,
        TimeAggregation::Sum,
        UnitAggregation::Sum,
        PeriodKind::Quarter,
    );
    let units = vec![
        unit("1", None, None, None),
        unit("101", Some("1"), Some(d("2025-06-30")), Some("102")),
        unit("102", Some("1"), None, None),
    ];
    let values = [
        w("F", "101", "2024Q4", 10, None, None),
        w("F", "102", "2024Q4", 20, None, None),
        w("F", "101", "2025Q2", 1, None, None),
        w("F", "101", "2025Q3", 5, None, None),
        w("F", "102", "2025Q3", 7, None, None),
    ];
    let mut e = Engine::new(std::slice::from_ref(&ind), &units);
    e.load(values.clone()).unwrap();
    let f = |e: &Engine, u: &str, p: &str| {
        e.figure("F", &UnitCode::parse(u).unwrap(), p.parse().unwrap())
            .unwrap()
            .map(|f| f.value)
    };
    assert_eq!(
        f(&e, "101", "2024"),
        Some(Decimal::from(10)),
        "history stays"
    );
    assert_eq!(f(&e, "102", "2024"), Some(Decimal::from(20)));
    assert_eq!(
        f(&e, "101", "2025Q3"),
        None,
        "after the merge its values count under 102"
    );
    assert_eq!(f(&e, "102", "2025Q3"), Some(Decimal::from(12)));
    assert_eq!(f(&e, "101", "2025"), Some(Decimal::from(1)));
    // The province total is the same as if there had been no merge.
    let unmerged = vec![
        unit("1", None, None, None),
        unit("101", Some("1"), None, None),
        unit("102", Some("1"), None, None),
    ];
    let mut plain = Engine::new(std::slice::from_ref(&ind), &unmerged);
    plain.load(values).unwrap();
    for p in ["2024", "2025", "2025Q3"] {
        assert_eq!(f(&e, "1", p), f(&plain, "1", p), "{p}");
    }
    assert_eq!(f(&e, "1", "2025"), Some(Decimal::from(13)));
    // Explaining names the stored values with their own unit codes.
    let why = e
        .explain(
            "F",
            &UnitCode::parse("102").unwrap(),
            "2025Q3".parse().unwrap(),
        )
        .unwrap();
    let units: Vec<_> = why.iter().map(|c| c.unit.to_string()).collect();
    assert_eq!(units, ["102", "101"]);
}

#[test]
fn writes_show_in_the_next_read_and_missing_is_not_zero() {
    let ind = indicator(
        "S",
        false,
        TimeAggregation::Last,
        UnitAggregation::Sum,
        PeriodKind::Month,
    );
    let units = vec![
        unit("1", None, None, None),
        unit("101", Some("1"), None, None),
    ];
    let mut e = Engine::new(&[ind], &units);
    let p1 = UnitCode::province(1);
    assert_eq!(e.figure("S", &p1, Period::year(2025)).unwrap(), None);
    e.set(&w("S", "101", "2025M03", 0, None, None)).unwrap();
    assert_eq!(
        e.figure("S", &p1, Period::year(2025))
            .unwrap()
            .unwrap()
            .value,
        Decimal::ZERO
    );
    e.set(&w("S", "101", "2025M05", 7, None, None)).unwrap();
    let f = e.figure("S", &p1, Period::year(2025)).unwrap().unwrap();
    assert_eq!(
        (f.value, f.last_period.to_string()),
        (Decimal::from(7), "2025M05".into())
    );
    e.remove(
        "S",
        &UnitCode::parse("101").unwrap(),
        "2025M05".parse().unwrap(),
    )
    .unwrap();
    assert_eq!(
        e.figure("S", &p1, Period::year(2025))
            .unwrap()
            .unwrap()
            .value,
        Decimal::ZERO
    );
    assert!(
        e.figure("S", &p1, "2025M04".parse().unwrap())
            .unwrap()
            .is_none()
    );
}

// ---- The naive model: the rules written out directly, with no caches. ----

struct Model<'a> {
    ind: &'a Indicator,
    units: &'a [Unit],
    values: &'a HashMap<(UnitCode, u16), (Decimal, Decimal)>,
}

impl Model<'_> {
    fn moved(&self, u: &Unit, p: &Period) -> bool {
        !u.successors.is_empty() && u.valid_to.is_some_and(|e| p.start() > e)
    }

    fn unit(&self, c: &UnitCode) -> &Unit {
        self.units.iter().find(|u| &u.code == c).unwrap()
    }

    /// Where a value stored under `u` at `p` counts.
    fn home(&self, u: &Unit, p: &Period) -> UnitCode {
        let mut cur = u;
        while self.moved(cur, p) {
            cur = self.unit(&cur.successors[0]);
        }
        cur.code.clone()
    }

    fn own(&self, c: &UnitCode, p: &Period) -> Option<(Decimal, Decimal)> {
        let mut acc: Option<(Decimal, Decimal)> = None;
        for u in self.units {
            if self.home(u, p) == *c
                && let Some(v) = self.values.get(&(u.code.clone(), p.month_key()))
            {
                acc = Some(acc.map_or(*v, |a| (a.0 + v.0, a.1 + v.1)));
            }
        }
        acc
    }

    fn at(&self, c: &UnitCode, p: &Period) -> Option<(Decimal, Decimal)> {
        if let Some(v) = self.own(c, p) {
            return Some(v);
        }
        let kids: Vec<_> = self
            .units
            .iter()
            .filter(|u| u.parent.as_ref() == Some(c))
            .filter_map(|u| self.at(&u.code, p))
            .collect();
        if kids.is_empty() {
            return None;
        }
        match self.ind.unit_aggregation {
            UnitAggregation::None => None,
            UnitAggregation::Sum | UnitAggregation::RatioOfSums => {
                Some(kids.iter().fold((Decimal::ZERO, Decimal::ZERO), |a, k| {
                    (a.0 + k.0, a.1 + k.1)
                }))
            }
            UnitAggregation::Average => {
                let vals: Vec<Decimal> = kids
                    .iter()
                    .filter(|k| !self.ind.is_ratio() || !k.1.is_zero())
                    .map(|k| if self.ind.is_ratio() { k.0 / k.1 } else { k.0 })
                    .collect();
                (!vals.is_empty()).then(|| {
                    (
                        vals.iter().sum::<Decimal>() / Decimal::from(vals.len()),
                        Decimal::ONE,
                    )
                })
            }
        }
    }

    fn figure(&self, c: &UnitCode, period: &Period) -> Option<Decimal> {
        let cells: Vec<(Decimal, Decimal)> =
            Period::range(self.ind.frequency, period.start(), period.end())
                .iter()
                .filter_map(|p| self.at(c, p))
                .collect();
        let last = *cells.last()?;
        let sum = cells.iter().fold((Decimal::ZERO, Decimal::ZERO), |a, k| {
            (a.0 + k.0, a.1 + k.1)
        });
        let (a, b) = match self.ind.time_aggregation {
            TimeAggregation::Last => last,
            _ => sum,
        };
        if self.ind.is_ratio() {
            (!b.is_zero()).then(|| a / b * self.ind.ratio_factor())
        } else if self.ind.time_aggregation == TimeAggregation::Average {
            Some(a / Decimal::from(cells.len()))
        } else {
            Some(a)
        }
    }
}

fn arb_case() -> impl Strategy<Value = (Indicator, Vec<Unit>, Vec<Write>)> {
    let ind = (any::<bool>(), 0..3usize, 0..4usize).prop_map(|(ratio, t, u)| {
        let time = [
            TimeAggregation::Sum,
            TimeAggregation::Last,
            TimeAggregation::Average,
        ][t];
        let units = if ratio {
            [
                UnitAggregation::RatioOfSums,
                UnitAggregation::RatioOfSums,
                UnitAggregation::Average,
                UnitAggregation::None,
            ][u]
        } else {
            [
                UnitAggregation::Sum,
                UnitAggregation::Average,
                UnitAggregation::Average,
                UnitAggregation::None,
            ][u]
        };
        indicator("X", ratio, time, units, PeriodKind::Quarter)
    });
    // A root, 2–4 districts-like middle units, 2–12 leaves; some leaves merge into others.
    let tree = (
        2..5usize,
        prop::collection::vec((0..4usize, prop::option::of((0..12usize, 0..8u32))), 2..12),
    );
    (
        ind,
        tree,
        prop::collection::vec(
            (0..20usize, 0..12u32, 0..50i64, 1..50i64, any::<bool>()),
            0..60,
        ),
    )
        .prop_map(|(ind, (mids, leaves), vals)| {
            let mut units = vec![unit("1", None, None, None)];
            for m in 0..mids {
                units.push(unit(&format!("M{m}"), Some("1"), None, None));
            }
            let n = leaves.len();
            for (k, (parent, merge)) in leaves.iter().enumerate() {
                let (to, succ) = match merge {
                    Some((target, q)) if (target % n) != k => {
                        let end = Period::quarter(2024 + (*q as i32) / 4, q % 4 + 1)
                            .unwrap()
                            .end();
                        (Some(end), Some(format!("{}", 100 + target % n)))
                    }
                    _ => (None, None),
                };
                let p = format!("M{}", parent % mids);
                units.push(unit(&format!("{}", 100 + k), Some(&p), to, succ.as_deref()));
            }
            // Merges must not form cycles: keep only successors with a larger code.
            for u in units.iter_mut() {
                if let Some(s) = u.successors.first()
                    && s.as_str() <= u.code.as_str()
                {
                    u.successors.clear();
                    u.valid_to = None;
                }
            }
            let writes = vals
                .into_iter()
                .map(|(ui, q, num, den, big)| {
                    let u = &units[ui % units.len()];
                    let p = Period::quarter(2024 + (q as i32) / 4, q % 4 + 1).unwrap();
                    let (numerator, denominator) = if ind.is_ratio() {
                        (
                            Some(Decimal::from(num)),
                            Some(Decimal::from(den + if big { 50 } else { 0 })),
                        )
                    } else {
                        (None, None)
                    };
                    Write {
                        indicator: "X".into(),
                        unit: u.code.clone(),
                        period: p,
                        value: Decimal::from(num),
                        numerator,
                        denominator,
                    }
                })
                .collect();
            (ind, units, writes)
        })
}

fn check(
    ind: &Indicator,
    units: &[Unit],
    e: &Engine,
    writes: &[Write],
) -> Result<(), TestCaseError> {
    let mut values = HashMap::new();
    for w in writes {
        let cell = if ind.is_ratio() {
            (w.numerator.unwrap(), w.denominator.unwrap())
        } else {
            (w.value, Decimal::ONE)
        };
        values.insert((w.unit.clone(), w.period.month_key()), cell);
    }
    let model = Model {
        ind,
        units,
        values: &values,
    };
    let periods: Vec<Period> = ["2024", "2025", "2026", "2024S2", "2025Q3", "2026Q1"]
        .iter()
        .map(|p| p.parse().unwrap())
        .collect();
    for u in units {
        for p in &periods {
            let got: Option<Figure> = e.figure("X", &u.code, *p).unwrap();
            prop_assert_eq!(
                got.map(|f| f.value),
                model.figure(&u.code, p),
                "unit {} period {}",
                u.code,
                p
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_rollup_equals_the_naive_recomputation((ind, units, writes) in arb_case()) {
        // Bulk load.
        let mut bulk = Engine::new(std::slice::from_ref(&ind), &units);
        bulk.load(writes.clone()).unwrap();
        check(&ind, &units, &bulk, &writes)?;
        // The same values written one by one, as the write path does.
        let mut live = Engine::new(std::slice::from_ref(&ind), &units);
        for w in &writes {
            live.set(w).unwrap();
        }
        check(&ind, &units, &live, &writes)?;
        // Loaded over another tree (no merges yet, units listed in another order), then
        // restructured to this one: the same figures as if loaded over it.
        let mut before: Vec<Unit> = units
            .iter()
            .rev()
            .map(|u| Unit { valid_to: None, successors: vec![], ..u.clone() })
            .collect();
        before.rotate_left(units.len() / 3);
        let mut old = Engine::new(std::slice::from_ref(&ind), &before);
        old.load(writes.clone()).unwrap();
        let moved = old.restructure(std::slice::from_ref(&ind), &units).unwrap();
        prop_assert_eq!(moved.len(), bulk.len());
        check(&ind, &units, &moved, &writes)?;
    }
}

/// Figures at the entry bounds (|x| ≤ 10^15, 6 decimals), and far beyond them as a database
/// edited by hand might hold, through bulk load and write-by-write, then every query on
/// every unit: never a panic. Beyond the bounds a figure may be unavailable; it is never a
/// crash of the server that reads it.
#[path = "rollups/at_the_bounds.rs"]
mod at_the_bounds;
