//! `chitieu bench`: a national-scale data set, deterministic from a seed, measured through
//! the engine and, side by side, as plain SQL on SQLite and PostgreSQL.

/// `println!` that hands a closed pipe back as an error (`chitieu bench | head`).
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($t)*)?
    }};
}

use anyhow::{Context, Result};
use chitieu_app::live::Live;
use chitieu_domain::{Decimal, Period, UnitCode, UnitKind, ValueState};
use chitieu_store::{NewValue, Store};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use std::time::{Duration, Instant};

mod dataset;
pub mod federation;
pub mod http;
mod people;
mod rival;
mod server;

use dataset::{fill, plan};
pub use rival::RivalFigures;

pub struct Options {
    pub values: u64,
    pub json: bool,
    pub seed: u64,
    pub pg: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub runs: usize,
}

fn latency(mut samples: Vec<Duration>) -> Latency {
    samples.sort();
    let at =
        |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1e3;
    Latency {
        p50_ms: at(0.5),
        p95_ms: at(0.95),
        runs: samples.len(),
    }
}

fn time_runs(runs: usize, mut f: impl FnMut()) -> Latency {
    let mut s = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f();
        s.push(t.elapsed());
    }
    latency(s)
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub values: u64,
    pub units: usize,
    pub indicators: usize,
    pub overview_engine: Latency,
    pub overview_sqlite: Latency,
    pub overview_postgres: Option<Latency>,
    /// DuckDB over its own rollup, when `python3` has DuckDB.
    pub overview_duckdb: Option<RivalFigures>,
    pub drilldown_engine: Latency,
    pub drilldown_sqlite: Latency,
    pub drilldown_postgres: Option<Latency>,
    pub write_read_engine: Latency,
    pub write_read_store: Latency,
    pub import_sqlite_values_per_s: f64,
    pub import_postgres_values_per_s: Option<f64>,
    pub cold_load_s: f64,
    /// The engine's own account of its heap, per value.
    pub engine_bytes_per_value: f64,
    /// Server time to render the overview page with the demo data, signed in.
    pub overview_page: Latency,
}

async fn sql_latency(store: &Store, sql: &str, runs: usize) -> Result<Latency> {
    let mut s = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(store.run_sql_baseline(sql).await?);
        s.push(t.elapsed());
    }
    Ok(latency(s))
}

async fn sql_pair(
    store: &Store,
    year: i32,
    province: &UnitCode,
    indicator: &str,
    runs: usize,
) -> Result<(Latency, Latency)> {
    // The engine's rules, so that the ratio compares like with like: each province's
    // monthly sums, then a flow sums its months, a stock or a ratio takes its last month
    // with data, an average divides by the months with data.
    let overview = format!(
        "WITH m AS (SELECT v.indicator_id AS i, u.parent_id AS p, v.period AS per, \
         SUM(CAST(v.value AS REAL)) AS a, SUM(CAST(v.numerator AS REAL)) AS n, \
         SUM(CAST(v.denominator AS REAL)) AS d \
         FROM data_values v JOIN units u ON u.id = v.unit_id \
         WHERE v.period >= '{year}M01' AND v.period <= '{year}M12' \
         GROUP BY v.indicator_id, u.parent_id, v.period), \
         r AS (SELECT m.*, ind.time_aggregation AS t, \
         ROW_NUMBER() OVER (PARTITION BY m.i, m.p ORDER BY m.per DESC) AS k \
         FROM m JOIN indicators ind ON ind.id = m.i) \
         SELECT i, p, SUM(a), SUM(n), SUM(d) FROM r WHERE t = 'sum' GROUP BY i, p \
         UNION ALL SELECT i, p, a, n, d FROM r WHERE t = 'last' AND k = 1 \
         UNION ALL SELECT i, p, AVG(a), SUM(n), SUM(d) FROM r WHERE t = 'average' GROUP BY i, p"
    );
    // Codes of the generated data set: no quotes to escape.
    let drill = format!(
        "SELECT v.unit_id, v.period, v.value, v.numerator, v.denominator \
         FROM data_values v JOIN units u ON u.id = v.unit_id \
         JOIN units p ON p.id = u.parent_id JOIN indicators i ON i.id = v.indicator_id \
         WHERE i.code = '{indicator}' AND p.code = '{province}' \
         AND v.period >= '{year}M01' AND v.period <= '{year}M12'"
    );
    let a = sql_latency(store, &overview, runs).await?;
    let b = sql_latency(store, &drill, runs * 4).await?;
    Ok((a, b))
}

/// `bench --fill`: the national data set written into `store`, nothing measured.
pub async fn fill_only(store: &Store, values: u64, seed: u64) -> Result<()> {
    let opts = Options {
        values,
        json: false,
        seed,
        pg: None,
    };
    let rate = fill(store, &opts, false).await?;
    outln!("Đã ghi {values} giá trị ({rate:.0} giá trị/giây).");
    Ok(())
}

pub async fn run(opts: Options) -> Result<()> {
    let quiet = opts.json;
    let say = |s: &str| {
        if !quiet {
            eprintln!("{s}");
        }
    };
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    say(&format!(
        "Tạo {} giá trị (seed {}) vào SQLite…",
        opts.values, opts.seed
    ));
    let store = Store::open(&url).await?;
    let import_sqlite = fill(&store, &opts, quiet).await?;
    store.prepare_sql_baseline().await?;

    say("Nạp bộ máy tính toán từ SQLite…");
    let started = Instant::now();
    let live = Live::load(store.clone()).await?;
    let cold_load_s = started.elapsed().as_secs_f64();
    live.sync().await?;
    let plan = plan();
    let year = Period::year(2021);
    let province = UnitCode::province(19);
    let drill_ind = &plan.indicators[2].code;
    let (n, engine_per_value, communes, overview_engine, drilldown_engine) = {
        let snap = live.snapshot();
        let n = snap.engine.len() as u64;

        let provinces: Vec<UnitCode> = snap
            .units
            .iter()
            .filter(|u| u.kind == UnitKind::Province)
            .map(|u| u.code.clone())
            .collect();
        let overview_engine = time_runs(30, || {
            for ind in &plan.indicators {
                for p in &provinces {
                    std::hint::black_box(snap.engine.figure(&ind.code, p, year).ok());
                }
            }
        });
        let communes: Vec<UnitCode> = snap
            .engine
            .children(&province)
            .into_iter()
            .filter(|c| !c.as_str().starts_with('B'))
            .collect();
        let months: Vec<Period> = (1..=12)
            .map(|m| Period::month(2021, m).expect("month"))
            .collect();
        let drilldown_engine = time_runs(200, || {
            for c in &communes {
                for m in &months {
                    std::hint::black_box(snap.engine.figure(drill_ind, c, *m).ok());
                }
            }
        });
        let engine_per_value = snap.engine.heap_bytes() as f64 / n.max(1) as f64;
        (
            n,
            engine_per_value,
            communes,
            overview_engine,
            drilldown_engine,
        )
    };

    let overview_duckdb = if rival::available() {
        say("Đo DuckDB trên bảng tổng hợp của nó (scripts/bench-duckdb.py)…");
        Some(rival::measure(
            &opts,
            dir.path(),
            2021,
            &live.snapshot().engine,
        )?)
    } else {
        say("Bỏ qua DuckDB: python3 không có gói duckdb (pip install duckdb).");
        None
    };

    // (c) through the engine alone, then through the whole write path.
    let mut engine = live.snapshot().engine.clone();
    let target = communes.first().cloned().context("a commune")?;
    let mut k = 0i64;
    let write_read_engine = time_runs(1000, || {
        k += 1;
        let w = chitieu_analytics::Write {
            indicator: plan.indicators[0].code.clone(),
            unit: target.clone(),
            period: Period::month(2021, 1).expect("month"),
            value: Decimal::from(k),
            numerator: None,
            denominator: None,
        };
        engine.set(&w).ok();
        std::hint::black_box(engine.figure(&w.indicator, &province, year).ok());
    });
    drop(engine);
    let mut samples = Vec::new();
    for k in 0..50 {
        let t = Instant::now();
        let v = NewValue::new(
            chitieu_domain::value::CheckedValue {
                indicator: plan.indicators[0].code.clone(),
                unit: target.clone(),
                // Before the data set's first month: the generated values are accepted,
                // and accepted values are locked.
                period: Period::month(2020, 12).expect("month"),
                value: Decimal::from(k),
                numerator: None,
                denominator: None,
                comment: String::new(),
            },
            None,
        );
        store
            .upsert_values(&[v], ValueState::Draft, "bench", "bench", |_| {})
            .await?;
        // As the server does after a write: publish the next snapshot, then read it.
        live.sync().await?;
        let snap = live.snapshot();
        std::hint::black_box(
            snap.engine
                .figure(&plan.indicators[0].code, &province, year)
                .ok(),
        );
        samples.push(t.elapsed());
    }
    let write_read_store = latency(samples);

    say("Đo SQL thuần trên SQLite…");
    let (overview_sqlite, drilldown_sqlite) =
        sql_pair(&store, 2021, &province, drill_ind, 5).await?;

    let mut overview_postgres = None;
    let mut drilldown_postgres = None;
    let mut import_postgres = None;
    if let Some(pg) = &opts.pg {
        say("Tạo cùng bộ dữ liệu trên PostgreSQL…");
        match bench_pg(pg, &opts, quiet).await {
            Ok((imp, a, b)) => {
                import_postgres = Some(imp);
                overview_postgres = Some(a);
                drilldown_postgres = Some(b);
            }
            Err(e) => say(&format!("Bỏ qua PostgreSQL: {e:#}")),
        }
    }

    say("Đo trang tổng quan với dữ liệu mẫu…");
    let overview_page = overview_page().await?;

    let report = Report {
        values: n,
        units: live.snapshot().units.len(),
        indicators: plan.indicators.len(),
        overview_engine,
        overview_sqlite,
        overview_postgres,
        overview_duckdb,
        drilldown_engine,
        drilldown_sqlite,
        drilldown_postgres,
        write_read_engine,
        write_read_store,
        import_sqlite_values_per_s: import_sqlite,
        import_postgres_values_per_s: import_postgres,
        cold_load_s,
        engine_bytes_per_value: engine_per_value,
        overview_page,
    };
    if opts.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report)?;
    }
    Ok(())
}

/// Renders `/` for a signed-in viewer over the demo data, in process (no network).
async fn overview_page() -> Result<Latency> {
    use tower::ServiceExt;
    let dir = tempfile::tempdir()?;
    let store = Store::open(&format!(
        "sqlite://{}",
        dir.path().join("demo.db").display()
    ))
    .await?;
    chitieu_demo::set_up(&store).await?;
    let token =
        people::signed_in(&store, chitieu_store::Role::Viewer, &UnitCode::province(19)).await?;
    let app = chitieu_web::app(store).await?;
    let mut samples = Vec::new();
    for k in 0..60 {
        let req = axum::http::Request::get("/")
            .header(
                "cookie",
                format!("{}={token}", chitieu_web::auth::SESSION_COOKIE),
            )
            .body(axum::body::Body::empty())?;
        let t = Instant::now();
        let res = app.clone().oneshot(req).await?;
        let body = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
        let took = t.elapsed();
        anyhow::ensure!(body.len() > 10_000, "the overview rendered");
        // The first few warm the caches, as a running server would have.
        if k >= 10 {
            samples.push(took);
        }
    }
    Ok(latency(samples))
}

async fn bench_pg(url: &str, opts: &Options, quiet: bool) -> Result<(f64, Latency, Latency)> {
    in_temporary_schema(url, "chitieu_bench", |url| async move {
        let store = Store::open(&url).await?;
        let import = fill(&store, opts, quiet).await?;
        store.prepare_sql_baseline().await?;
        let plan = plan();
        let (a, b) = sql_pair(
            &store,
            2021,
            &UnitCode::province(19),
            &plan.indicators[2].code,
            5,
        )
        .await?;
        anyhow::Ok((import, a, b))
    })
    .await
}

/// Runs `work` on a schema of its own on the PostgreSQL server at `url` (its URL given to
/// `work`), dropped afterwards whatever `work` returned.
pub(crate) async fn in_temporary_schema<T, F>(
    url: &str,
    prefix: &str,
    work: impl FnOnce(String) -> F,
) -> Result<T>
where
    F: std::future::Future<Output = Result<T>>,
{
    let schema = format!("{prefix}_{}", std::process::id());
    let admin = sea_orm::Database::connect(url).await?;
    admin
        .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
        .await?;
    let sep = if url.contains('?') { '&' } else { '?' };
    let result = work(format!("{url}{sep}options=-csearch_path%3D{schema}")).await;
    admin
        .execute_unprepared(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .await?;
    result
}

fn ms(l: &Latency) -> String {
    format!("{:.3}", l.p50_ms)
}

fn print_report(r: &Report) -> std::io::Result<()> {
    let ratio = |e: &Latency, s: &Latency| format!("{:.0}×", s.p50_ms / e.p50_ms.max(1e-6));
    outln!(
        "chitieu bench: {} giá trị, {} đơn vị, {} chỉ tiêu",
        r.values,
        r.units,
        r.indicators
    );
    outln!();
    outln!(
        "{:<44} {:>12} {:>12} {:>12} {:>12} {:>10}  mục tiêu",
        "phép đo (p50, ms)",
        "bộ máy",
        "p95",
        "SQLite",
        "PostgreSQL",
        "SQL/máy"
    );
    let pg = |l: &Option<Latency>| l.as_ref().map(ms).unwrap_or_else(|| "—".into());
    let pg_ratio = |e: &Latency, l: &Option<Latency>| {
        l.as_ref()
            .map(|l| ratio(e, l))
            .unwrap_or_else(|| ratio(e, &r.overview_sqlite))
    };
    outln!(
        "{:<44} {:>12} {:>12.3} {:>12} {:>12} {:>10}  ≤ 10 ms, ≥ 50× PostgreSQL",
        "(a) toàn quốc: 60 chỉ tiêu × 34 tỉnh × 1 năm",
        ms(&r.overview_engine),
        r.overview_engine.p95_ms,
        ms(&r.overview_sqlite),
        pg(&r.overview_postgres),
        pg_ratio(&r.overview_engine, &r.overview_postgres)
    );
    if let Some(d) = &r.overview_duckdb {
        outln!(
            "{:<44} DuckDB {} trên bảng tổng hợp tỉnh × tháng: p50 {} ms, p95 {:.3} ms = {} bộ máy \
             (≥ 3×); {}/{} số liệu trùng với bộ máy",
            "",
            d.duckdb_version,
            ms(&d.overview),
            d.overview.p95_ms,
            ratio(&r.overview_engine, &d.overview),
            d.figures_equal,
            d.figures_compared
        );
    }
    outln!(
        "{:<44} {:>12} {:>12.3} {:>12} {:>12} {:>10}  ≤ 2 ms",
        "(b) 1 chỉ tiêu × các xã 1 tỉnh × 12 tháng",
        ms(&r.drilldown_engine),
        r.drilldown_engine.p95_ms,
        ms(&r.drilldown_sqlite),
        pg(&r.drilldown_postgres),
        ratio(
            &r.drilldown_engine,
            r.drilldown_postgres.as_ref().unwrap_or(&r.drilldown_sqlite)
        )
    );
    outln!(
        "{:<44} {:>12} {:>12.3} {:>12} {:>12} {:>10}  ≤ 1 ms",
        "(c) ghi 1 giá trị rồi đọc lại (bộ máy)",
        ms(&r.write_read_engine),
        r.write_read_engine.p95_ms,
        "",
        "",
        ""
    );
    outln!(
        "{:<44} {:>12} {:>12.3}",
        "    … qua cả SQLite + đồng bộ",
        ms(&r.write_read_store),
        r.write_read_store.p95_ms
    );
    outln!(
        "{:<44} {:>12.0} giá trị/s (SQLite){}  ≥ 300.000/s",
        "(d) nhập hàng loạt",
        r.import_sqlite_values_per_s,
        r.import_postgres_values_per_s
            .map(|p| format!(", {p:.0}/s (PostgreSQL)"))
            .unwrap_or_default()
    );
    outln!(
        "{:<44} {:>12} {:>12.3}                                                   < 100 ms",
        "(f) trang tổng quan, dữ liệu mẫu (máy chủ)",
        ms(&r.overview_page),
        r.overview_page.p95_ms
    );
    outln!(
        "{:<44} {:>12.2} s, {:.1} byte/giá trị trong bộ máy  ≤ 10 s cho 10 triệu, ≤ 48 byte",
        "(e) nạp nguội",
        r.cold_load_s,
        r.engine_bytes_per_value
    );
    Ok(())
}
