//! The honest rival: DuckDB over its own rollup (indicator × province × month), run by
//! `scripts/bench-duckdb.py` on the same data set, with the engine's rules. Plain SQL over
//! raw rows is no contest; a warehouse keeps a rollup, so that is what the engine must beat.

use anyhow::{Context, Result};
use chitieu_analytics::Engine;
use chitieu_domain::{Period, UnitCode};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use super::{Latency, Options, dataset};

const SCRIPT: &str = include_str!("../../../scripts/bench-duckdb.py");

/// DuckDB's overview and how many of its figures equal the engine's.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RivalFigures {
    pub duckdb_version: String,
    pub overview: Latency,
    /// Building the rollup from the loaded rows, once.
    pub rollup_s: f64,
    pub figures_equal: usize,
    pub figures_compared: usize,
}

#[derive(Deserialize)]
struct Answer {
    version: String,
    rollup_s: f64,
    p50_ms: f64,
    p95_ms: f64,
    runs: usize,
    figures: Vec<(String, String, Option<f64>)>,
}

/// Whether `python3` can import DuckDB here.
pub(super) fn available() -> bool {
    Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Writes the data set as CSV in `dir`, runs the script over it and checks its figures
/// for `year` against `engine`'s.
pub(super) fn measure(
    opts: &Options,
    dir: &Path,
    year: i32,
    engine: &Engine,
) -> Result<RivalFigures> {
    let plan = dataset::plan();
    let provinces: HashMap<UnitCode, UnitCode> = dataset::units()?
        .into_iter()
        .filter_map(|u| Some((u.code, u.parent?)))
        .collect();
    let values = dir.join("values.csv");
    let mut w = csv::Writer::from_path(&values)?;
    w.write_record(["indicator", "province", "month", "a", "b"])?;
    let mut generator = dataset::generator(opts.values, opts.seed);
    loop {
        let chunk = generator.next_chunk(200_000);
        if chunk.is_empty() {
            break;
        }
        for v in &chunk {
            let v = &v.value;
            let province = provinces.get(&v.unit).context("a commune's province")?;
            let (a, b) = match (v.numerator, v.denominator) {
                (Some(n), Some(d)) => (n, d),
                _ => (v.value, chitieu_domain::Decimal::ONE),
            };
            let month = v.period.start().format("%Y%m").to_string();
            w.write_record([
                v.indicator.as_str(),
                province.as_str(),
                &month,
                &a.to_string(),
                &b.to_string(),
            ])?;
        }
    }
    w.flush()?;
    let indicators = dir.join("indicators.csv");
    let mut w = csv::Writer::from_path(&indicators)?;
    w.write_record(["indicator", "time", "ratio", "factor"])?;
    for i in &plan.indicators {
        w.write_record([
            i.code.as_str(),
            i.time_aggregation.as_str(),
            if i.is_ratio() { "true" } else { "false" },
            &i.ratio_factor().to_string(),
        ])?;
    }
    w.flush()?;
    let script = dir.join("bench-duckdb.py");
    std::fs::write(&script, SCRIPT)?;
    let out = Command::new("python3")
        .arg(&script)
        .arg(&values)
        .arg(&indicators)
        .arg(year.to_string())
        .arg("30")
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "bench-duckdb.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: Answer = serde_json::from_slice(&out.stdout).context("bench-duckdb.py's answer")?;
    let mut equal = 0;
    for (ind, province, x) in &answer.figures {
        let unit = UnitCode::parse(province)?;
        let ours = engine
            .figure(ind, &unit, Period::year(year))?
            .and_then(|f| f.value.to_string().parse::<f64>().ok());
        if let (Some(e), Some(x)) = (ours, x)
            && (e - x).abs() <= 1e-6 * e.abs().max(1.0)
        {
            equal += 1;
        }
    }
    Ok(RivalFigures {
        duckdb_version: answer.version,
        overview: Latency {
            p50_ms: answer.p50_ms,
            p95_ms: answer.p95_ms,
            runs: answer.runs,
        },
        rollup_s: answer.rollup_s,
        figures_equal: equal,
        figures_compared: answer.figures.len(),
    })
}
