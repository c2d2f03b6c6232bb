//! The benchmark's national data set: 34 provinces, their communes and departments, 60
//! indicators mixing flows, stocks and ratios, and values generated from a seed.

use anyhow::Result;
use chitieu_domain::default_plan::PlanFile;
use chitieu_domain::unit::earliest;
use chitieu_domain::value::CheckedValue;
use chitieu_domain::{
    Decimal, Direction, Group, Indicator, Measure, Period, PeriodKind, Plan, TimeAggregation, Unit,
    UnitAggregation, UnitCode, UnitKind, ValueState,
};
use chitieu_exchange::admin_map;
use chitieu_store::{NewValue, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;

use super::Options;

pub(super) const INDICATORS: usize = 60;
pub(super) const DEPARTMENTS: usize = 20;

pub(super) fn plan() -> PlanFile {
    let root = UnitCode::parse("VN").expect("code");
    let indicators: Vec<Indicator> = (0..INDICATORS)
        .map(|k| {
            // A third each: flows, stocks, ratios.
            let (measure, time, units) = match k % 3 {
                0 => (Measure::Number, TimeAggregation::Sum, UnitAggregation::Sum),
                1 => (Measure::Number, TimeAggregation::Last, UnitAggregation::Sum),
                _ => (
                    Measure::Ratio,
                    TimeAggregation::Last,
                    UnitAggregation::RatioOfSums,
                ),
            };
            Indicator {
                code: format!("B-{k:02}"),
                group: "B".into(),
                name: format!("Chỉ tiêu thử {k}"),
                name_en: format!("Bench indicator {k}"),
                definition: String::new(),
                unit_of_measure: if measure == Measure::Ratio {
                    "%".into()
                } else {
                    "số".into()
                },
                unit_of_measure_en: if measure == Measure::Ratio {
                    "%".into()
                } else {
                    "count".into()
                },
                measure,
                factor: (measure == Measure::Ratio).then_some(Decimal::ONE_HUNDRED),
                numerator_label: None,
                definition_en: String::new(),
                numerator_label_en: String::new(),
                denominator_label_en: String::new(),
                denominator_label: None,
                time_aggregation: time,
                unit_aggregation: units,
                direction: Direction::Increase,
                natural_limit: None,
                frequency: PeriodKind::Month,
                // Provinces too, so that they inherit the nation's percentage targets.
                reported_by: vec![
                    UnitKind::Commune,
                    UnitKind::Ward,
                    UnitKind::Department,
                    UnitKind::Province,
                ],
                lead_unit: root.clone(),
                coordinating_units: vec![],
                data_source: String::new(),
                derived_from: None,
            }
        })
        .collect();
    PlanFile {
        plan: Plan {
            code: "BENCH".into(),
            name: "Bộ dữ liệu đo hiệu năng".into(),
            name_en: "Benchmark data set".into(),
            owner: root.clone(),
            baseline_year: 2021,
            start_year: 2021,
            end_year: 2030,
            source: String::new(),
        },
        groups: vec![Group {
            code: "B".into(),
            name: "Thử".into(),
            name_en: "Bench".into(),
        }],
        units: vec![],
        targets: indicators
            .iter()
            .flat_map(|i: &Indicator| {
                // A 2025 verdict and a 2030 target for each, as a real plan has.
                [(2025, 40), (2030, 60)].map(|(year, v)| chitieu_domain::Target {
                    indicator: i.code.clone(),
                    unit: root.clone(),
                    year,
                    comparator: chitieu_domain::Comparator::Gt,
                    value: Decimal::from(v),
                    wording: format!("Thử: trên {v} năm {year}"),
                    every_year: None,
                })
            })
            .collect(),
        // Communes report monthly, as a real plan asks: the overview's completeness counts
        // every commune's report.
        forms: vec![chitieu_domain::report::Form {
            code: "BENCH-XA-THANG".into(),
            name: "Báo cáo tháng của xã, phường (thử)".into(),
            name_en: "Communes' monthly report (bench)".into(),
            frequency: PeriodKind::Month,
            due_days: 10,
            reported_by: vec![UnitKind::Commune, UnitKind::Ward],
            indicators: indicators.iter().take(5).map(|i| i.code.clone()).collect(),
        }],
        indicators,
        rules: Vec::new(),
        outlier_z: chitieu_domain::validation::OUTLIER_Z,
        documents: Default::default(),
        mappings: Vec::new(),
    }
}

pub(super) fn units() -> Result<Vec<Unit>> {
    let root = UnitCode::parse("VN").expect("code");
    let mut out = vec![Unit {
        code: root.clone(),
        name: "Việt Nam".into(),
        kind: UnitKind::Other,
        division_type: None,
        parent: None,
        valid_from: earliest(),
        valid_to: None,
        population: None,
        officials: None,
        successors: vec![],
    }];
    let map = admin_map::parse(admin_map::NATIONAL_MAP_2025, "vn-admin-units-2025.json")?;
    for mut u in map {
        if u.kind == UnitKind::Province {
            u.parent = Some(root.clone());
            for k in 0..DEPARTMENTS {
                out.push(Unit {
                    code: UnitCode::parse(&format!("B{}.D{k:02}", u.code)).expect("code"),
                    name: format!("Sở {k} tỉnh {}", u.name),
                    kind: UnitKind::Department,
                    division_type: None,
                    parent: Some(u.code.clone()),
                    valid_from: earliest(),
                    valid_to: None,
                    population: None,
                    officials: None,
                    successors: vec![],
                });
            }
        }
        u.valid_from = earliest();
        out.push(u);
    }
    Ok(out)
}

/// Values in a fixed order: each (indicator, commune) series fills months from 2021M01.
pub(super) struct Generator {
    rng: StdRng,
    series: Vec<(String, UnitCode, bool)>,
    months: u32,
    total: u64,
    next: u64,
}

impl Generator {
    pub(super) fn next_chunk(&mut self, n: usize) -> Vec<NewValue> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n && self.next < self.total {
            let i = self.next;
            let (ind, unit, ratio) = &self.series[(i / u64::from(self.months)) as usize];
            let ratio = *ratio;
            let m = (i % u64::from(self.months)) as u32;
            let period = Period::month(2021 + (m / 12) as i32, m % 12 + 1).expect("month in range");
            let (value, numerator, denominator) = if ratio {
                let den: i64 = self.rng.random_range(20..200);
                let num = self.rng.random_range(0..=den);
                (
                    Decimal::from(num * 100) / Decimal::from(den),
                    Some(Decimal::from(num)),
                    Some(Decimal::from(den)),
                )
            } else {
                (
                    Decimal::new(self.rng.random_range(0..100_000), 1),
                    None,
                    None,
                )
            };
            out.push(NewValue::new(
                CheckedValue {
                    indicator: ind.clone(),
                    unit: unit.clone(),
                    period,
                    value,
                    numerator,
                    denominator,
                    comment: String::new(),
                },
                None,
            ));
            self.next += 1;
        }
        out
    }
}

/// A field of `/proc/PROCESS/status` in KiB (`process`: a pid or `self`); 0 where there is
/// no such file (not Linux) or field.
pub(super) fn status_kib(process: &str, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{process}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .unwrap_or(0)
}

/// The data set's values, in a fixed order from the seed.
pub(super) fn generator(values: u64, seed: u64) -> Generator {
    let plan = plan();
    let units = units().expect("the embedded map parses");
    let mut series = Vec::new();
    for ind in &plan.indicators {
        for u in units.iter().filter(|u| u.kind.is_commune_level()) {
            series.push((ind.code.clone(), u.code.clone(), ind.is_ratio()));
        }
    }
    let months = (values.div_ceil(series.len() as u64)).clamp(1, 120) as u32;
    let total = values.min(series.len() as u64 * u64::from(months));
    Generator {
        rng: StdRng::seed_from_u64(seed),
        series,
        months,
        total,
        next: 0,
    }
}

pub(super) async fn fill(store: &Store, opts: &Options, quiet: bool) -> Result<f64> {
    store.upsert_units(&units()?, "bench", "bench").await?;
    store.load_plan_if_absent(&plan(), "bench").await?;
    let mut generator = generator(opts.values, opts.seed);
    let total = generator.total;
    let started = Instant::now();
    loop {
        let chunk = generator.next_chunk(200_000);
        if chunk.is_empty() {
            break;
        }
        store
            .upsert_values(&chunk, ValueState::Accepted, "bench", "bench", |_| {})
            .await?;
        if !quiet {
            eprint!("\r  {} / {} giá trị", generator.next, total);
        }
    }
    if !quiet {
        eprintln!();
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}
