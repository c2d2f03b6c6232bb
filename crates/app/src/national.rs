//! The centre's view of the provinces: which have delivered their official figures for the
//! latest periods (completeness by province), and each province's latest official figure per
//! indicator, ranked, against the national target. Read from the official figures only:
//! what a province has pushed up, never a draft.

use chitieu_domain::indicator::{Direction, Indicator};
use chitieu_domain::period::PeriodKind;
use chitieu_domain::{Period, Unit, UnitCode, UnitKind};
use rust_decimal::Decimal;

use crate::input::Data;
use crate::live::Snapshot;

/// Periods of each kind the completeness table looks back on: two years, four of the rest.
fn look_back(kind: PeriodKind) -> usize {
    if kind.months() == 12 { 2 } else { 4 }
}

/// One province, with how complete its deliveries are.
#[derive(Debug, Clone, PartialEq)]
pub struct Province {
    pub code: UnitCode,
    pub name: String,
    /// Per column of [`National::periods`]: indicators delivered, out of those due.
    pub delivered: Vec<(usize, usize)>,
    /// Of the latest period of each kind: indicators delivered and due, all kinds together.
    pub latest: (usize, usize),
    /// The indicators (codes) due for the latest periods and not delivered.
    pub missing: Vec<String>,
}

impl Province {
    /// `full`, `part` or `none`: how much of its latest periods' figures it delivered.
    pub fn status(&self) -> &'static str {
        match self.latest {
            (_, 0) => "none",
            (0, _) => "none",
            (d, n) if d >= n => "full",
            _ => "part",
        }
    }
}

/// One province's latest official figure of an indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub rank: usize,
    pub code: UnitCode,
    pub name: String,
    pub value: Decimal,
    pub period: Period,
    /// Whether the figure already meets the national target (none set: `None`).
    pub meets: Option<bool>,
}

/// An indicator the provinces report, with the provinces ranked on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    pub indicator: Indicator,
    /// The national target the figures are held against: (wording, year).
    pub target: Option<(String, i32)>,
    pub ranked: Vec<Standing>,
    /// Provinces with no official figure yet.
    pub missing: usize,
}

/// The whole view.
#[derive(Debug, Clone, PartialEq)]
pub struct National {
    /// The completeness table's columns, newest first within each kind.
    pub periods: Vec<Period>,
    pub provinces: Vec<Province>,
    pub rankings: Vec<Ranking>,
}

/// The provinces under the plan's owner (the 34 of the map, for the national plan).
fn provinces(snap: &Snapshot) -> Vec<&Unit> {
    let mut out: Vec<&Unit> = snap
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Province && u.valid_to.is_none())
        .collect();
    // By name as a reader looks for it: "Thành phố Hà Nội" under H.
    out.sort_by_cached_key(|u| {
        chitieu_domain::vi_order::vi_sort_key(u.name.strip_prefix("Thành phố ").unwrap_or(&u.name))
    });
    out
}

/// The view as of `day`; `None` without a plan.
pub fn national(snap: &Snapshot, day: chrono::NaiveDate) -> Option<National> {
    let plan = snap.plan.as_ref()?;
    let engine = snap.engine_of(Data::Official);
    let reported: Vec<&Indicator> = plan
        .indicators
        .iter()
        .filter(|i| i.reported_by.contains(&UnitKind::Province))
        .collect();
    let mut kinds: Vec<PeriodKind> = reported.iter().map(|i| i.frequency).collect();
    kinds.sort_by_key(|k| std::cmp::Reverse(k.months()));
    kinds.dedup();
    let mut periods = Vec::new();
    for kind in &kinds {
        let mut p = Period::last_complete(*kind, day);
        for _ in 0..look_back(*kind) {
            periods.push(p);
            p = Period::last_complete(*kind, p.start());
        }
    }
    let delivered = |ind: &Indicator, unit: &UnitCode, p: Period| {
        engine
            .figure(&ind.code, unit, p)
            .ok()
            .flatten()
            .is_some_and(|f| f.last_period == p)
    };
    let units = provinces(snap);
    let rows = units
        .iter()
        .map(|u| {
            let count = |p: &Period| {
                let due: Vec<&&Indicator> = reported
                    .iter()
                    .filter(|i| i.frequency == p.kind())
                    .collect();
                let got = due.iter().filter(|i| delivered(i, &u.code, *p)).count();
                (got, due.len())
            };
            let columns: Vec<(usize, usize)> = periods.iter().map(count).collect();
            // Every indicator is due once for the latest period of its kind.
            let missing: Vec<String> = reported
                .iter()
                .filter(|i| !delivered(i, &u.code, Period::last_complete(i.frequency, day)))
                .map(|i| i.code.clone())
                .collect();
            let latest = (reported.len() - missing.len(), reported.len());
            Province {
                code: u.code.clone(),
                name: u.name.clone(),
                delivered: columns,
                latest,
                missing,
            }
        })
        .collect();
    let rankings = reported
        .iter()
        .map(|ind| ranking(snap, plan, ind, &units, day))
        .collect();
    Some(National {
        periods,
        provinces: rows,
        rankings,
    })
}

fn ranking(
    snap: &Snapshot,
    plan: &chitieu_domain::default_plan::PlanFile,
    ind: &Indicator,
    units: &[&Unit],
    day: chrono::NaiveDate,
) -> Ranking {
    let engine = snap.engine_of(Data::Official);
    let year = chrono::Datelike::year(&day);
    // The next national target still ahead, else the last one.
    let mut targets: Vec<&chitieu_domain::Target> = plan
        .targets
        .iter()
        .filter(|t| t.indicator == ind.code && t.unit == plan.plan.owner)
        .collect();
    targets.sort_by_key(|t| t.year);
    let target = targets
        .iter()
        .find(|t| t.year >= year)
        .or(targets.last())
        .copied();
    let mut ranked: Vec<Standing> = Vec::new();
    let mut missing = 0;
    for u in units {
        let mut p = Period::last_complete(ind.frequency, day);
        let mut found = None;
        // The latest period with a figure, within the plan's years.
        while p.year_number() >= plan.plan.baseline_year {
            if let Ok(Some(f)) = engine.figure(&ind.code, &u.code, p)
                && f.last_period == p
            {
                found = Some((f.value, p));
                break;
            }
            p = Period::last_complete(ind.frequency, p.start());
        }
        match found {
            Some((value, period)) => ranked.push(Standing {
                rank: 0,
                code: u.code.clone(),
                name: u.name.clone(),
                value,
                period,
                meets: target.map(|t| t.comparator.meets(ind.direction, value, t.value)),
            }),
            None => missing += 1,
        }
    }
    match ind.direction {
        Direction::Decrease => ranked.sort_by_key(|s| s.value),
        _ => ranked.sort_by_key(|s| std::cmp::Reverse(s.value)),
    }
    for (k, s) in ranked.iter_mut().enumerate() {
        s.rank = k + 1;
    }
    Ranking {
        indicator: ind.clone(),
        target: target.map(|t| (t.wording.clone(), t.year)),
        ranked,
        missing,
    }
}
