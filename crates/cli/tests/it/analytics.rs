use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use serde_json::Value;

db_tests!(
    assess_rows_carry_every_field_for_every_target,
    an_import_by_another_process_shows_within_moments,
    early_warning_is_ranked_by_shortfall,
);

const FIELDS: [&str; 13] = [
    "indicator",
    "unit",
    "latest_value",
    "latest_period",
    "target_year",
    "comparator",
    "target_value",
    "met",
    "status",
    "final",
    "score",
    "projected_value",
    "projected_year_met",
];

async fn assess_rows_carry_every_field_for_every_target(db: &TestDb) {
    ok(db, &["demo"]);
    let rows: Value =
        serde_json::from_str(&ok(db, &["assess", "--json", "--as-of", "2026-11-01"])).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(
        rows.len(),
        19,
        "one row per target of the province, ST-SPDM's for each year 2026–2030"
    );
    let unsd = [
        "achieved",
        "not_achieved",
        "awaiting_data",
        "on_track",
        "fair_progress",
        "limited_progress",
        "deterioration",
        "insufficient_data",
    ];
    for r in rows {
        for f in FIELDS {
            assert!(r.get(f).is_some(), "{f} missing in {r}");
        }
        assert_eq!(r["unit"], "19");
        assert!(unsd.contains(&r["status"].as_str().unwrap()), "{r}");
    }
    // Two rows for an indicator with targets in 2025 and 2030; the current one is 2030.
    let g5: Vec<&Value> = rows.iter().filter(|r| r["indicator"] == "HT-5G").collect();
    assert_eq!(g5.len(), 2);
    assert_eq!(
        g5.iter().find(|r| r["current"] == true).unwrap()["target_year"],
        2030
    );
    let opensdg: Value = serde_json::from_str(&ok(
        db,
        &[
            "assess",
            "--json",
            "--method",
            "opensdg",
            "--as-of",
            "2026-11-01",
        ],
    ))
    .unwrap();
    let codes = [
        "achieved",
        "not_achieved",
        "awaiting_data",
        "target_achieved",
        "substantial_progress",
        "moderate_progress",
        "limited_progress",
        "deterioration",
        "not_available",
    ];
    for r in opensdg.as_array().unwrap() {
        assert!(codes.contains(&r["status"].as_str().unwrap()), "{r}");
        // A verdict is for a year that is over; before that, Open SDG's own words.
        assert_eq!(
            r["final"] == true,
            r["target_year"].as_i64().unwrap() < 2026 && r["status"] != "awaiting_data",
            "{r}"
        );
        if r["final"] == false && r["status"] != "not_available" {
            let s = figure(&r["score"]).unwrap();
            assert!((-5.0..=5.0).contains(&s), "{r}");
        }
    }
    // A commune is held to the province's percentage targets.
    let commune: Value = serde_json::from_str(&ok(
        db,
        &["assess", "--json", "--unit", "05443", "--method", "target"],
    ))
    .unwrap();
    assert!(
        commune
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["indicator"] == "NL-CBX" && r["unit"] == "5443")
    );
    let err = fails(db, &["assess", "--unit", "99999"]);
    assert!(err.contains("99999"), "{err}");
    // The API answers with the same rows.
    // Signed in, the API answers on every figure entered, as the command line does (the
    // public gets accepted figures only).
    let token = ok(
        db,
        &[
            "token", "add", "--name", "xem", "--role", "viewer", "--unit", "19",
        ],
    )
    .trim()
    .to_string();
    let (server, base) = serve(db);
    let api: Value = ureq::get(&format!(
        "{base}/api/v1/assessment?as_of=2026-11-01&method=opensdg"
    ))
    .header("Authorization", &format!("Bearer {token}"))
    .call()
    .unwrap()
    .body_mut()
    .read_to_string()
    .map(|t| serde_json::from_str(&t).unwrap())
    .unwrap();
    let bad = ureq::get(&format!("{base}/api/v1/assessment?method=guess")).call();
    drop(server);
    assert_eq!(api, opensdg);
    match bad {
        Err(ureq::Error::StatusCode(400)) => {}
        other => panic!("a bad method must be a 400, got {other:?}"),
    }
}

async fn an_import_by_another_process_shows_within_moments(db: &TestDb) {
    ok(db, &["init"]);
    let token = ok(
        db,
        &[
            "token", "add", "--name", "thong-ke", "--role", "viewer", "--unit", "19",
        ],
    );
    let token = token.trim().to_string();
    let (server, base) = serve(db);
    let url = format!("{base}/api/v1/figures?indicator=NL-CBX&unit=19&period=2026Q1");
    let get = |url: &str| -> Value {
        let body = ureq::get(url)
            .header("Authorization", &format!("Bearer {token}"))
            .call()
            .expect("GET")
            .body_mut()
            .read_to_string()
            .expect("body");
        serde_json::from_str(&body).expect("JSON")
    };
    let before = get(&url);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("v.csv");
    std::fs::write(
        &csv,
        "indicator,unit,period,value,numerator,denominator,comment\nNL-CBX,5443,2026Q1,,1,2,\nNL-CBX,5710,2026Q1,,99,100,\n",
    )
    .unwrap();
    ok(db, &["values", "import", csv.to_str().unwrap()]);
    // Another process's write reaches the server's snapshot within moments (100 ms on
    // SQLite, a notification on PostgreSQL); wait for it, boundedly.
    let mut after = get(&url);
    for _ in 0..100 {
        if !after["figure"].is_null() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        after = get(&url);
    }
    drop(server);
    assert!(before["figure"].is_null(), "{before}");
    // 100/102, not the mean of 50% and 99%.
    assert_eq!(after["figure"]["numerator"], "100");
    assert_eq!(after["figure"]["denominator"], "102");
    assert!(
        after["figure"]["value"]
            .as_str()
            .unwrap()
            .starts_with("98.039"),
        "{after}"
    );
    assert_eq!(after["explanation"].as_array().unwrap().len(), 2);
}

async fn early_warning_is_ranked_by_shortfall(db: &TestDb) {
    ok(db, &["demo"]);
    let list: Value = serde_json::from_str(&ok(
        db,
        &[
            "warnings",
            "--json",
            "--as-of",
            "2026-11-01",
            "--limit",
            "500",
        ],
    ))
    .unwrap();
    let list = list.as_array().unwrap();
    assert!(!list.is_empty());
    let shortfalls: Vec<f64> = list
        .iter()
        .map(|w| figure(&w["relative_shortfall"]).unwrap())
        .collect();
    assert!(
        shortfalls.windows(2).all(|w| w[0] >= w[1]),
        "most at risk first"
    );
    for w in list {
        assert_eq!(w["status"], "will_miss");
        assert!(w["target_year"].as_i64().unwrap() >= 2026);
        assert!(figure(&w["shortfall"]).unwrap() > 0.0);
    }
    assert!(
        list.iter()
            .any(|w| w["indicator"] == "ST-SPDM" && w["unit"] == "19"),
        "the province's science products lag"
    );
    // The digital-economy share is past 2030's 40 % already (42.92 % published for 2022).
    assert!(!list.iter().any(|w| w["indicator"] == "KT-KTS"), "{list:?}");
}

/// `chitieu bench --json` prints every figure. CI runs the million values; a
/// developer's run uses a small set so that the suite stays quick. Figures are printed,
/// never asserted against a time.
#[test]
fn bench_prints_every_figure() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let values = if ci { "1000000" } else { "50000" };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chitieu"))
        .args(["bench", "--values", values, "--json"])
        .output()
        .expect("run bench");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    eprintln!("{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(
        r["values"].as_u64().unwrap(),
        values.parse::<u64>().unwrap()
    );
    for k in [
        "overview_engine",
        "overview_sqlite",
        "drilldown_engine",
        "drilldown_sqlite",
        "write_read_engine",
        "write_read_store",
        "overview_page",
    ] {
        assert!(r[k]["p50_ms"].as_f64().unwrap() >= 0.0, "{k}");
        assert!(
            r[k]["p95_ms"].as_f64().unwrap() >= r[k]["p50_ms"].as_f64().unwrap(),
            "{k}"
        );
    }
    for k in [
        "import_sqlite_values_per_s",
        "cold_load_s",
        "engine_bytes_per_value",
    ] {
        assert!(r[k].as_f64().unwrap() > 0.0, "{k}");
    }
    // #34: DuckDB over its rollup, where python3 has DuckDB: every figure it gives is the
    // engine's.
    let duck = &r["overview_duckdb"];
    if !duck.is_null() {
        assert!(duck["overview"]["p50_ms"].as_f64().unwrap() > 0.0, "{duck}");
        assert!(duck["figures_compared"].as_u64().unwrap() > 0, "{duck}");
        assert_eq!(duck["figures_equal"], duck["figures_compared"], "{duck}");
    }
    if std::env::var("CHITIEU_TEST_PG").is_ok_and(|v| !v.is_empty()) {
        assert!(
            r["overview_postgres"]["p50_ms"].as_f64().is_some(),
            "PostgreSQL baseline runs when configured"
        );
    }
}

/// `chitieu bench --http --json` drives every route on both data sets and prints its
/// figures. Small here (100,000 values); figures are printed, never held to a time.
#[test]
fn http_bench_prints_every_route() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    // Enough values that they fill most of the database file (see `file_mapped_mb` below).
    let values = "100000";
    let seconds = if ci { "2" } else { "0.5" };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chitieu"))
        .args([
            "bench",
            "--http",
            "--values",
            values,
            "--seconds",
            seconds,
            "--connections",
            "8",
            "--json",
        ])
        .env("RUST_LOG", "warn")
        .output()
        .expect("run bench --http");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{}", String::from_utf8_lossy(&out.stdout));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let rows = report["routes"].as_array().unwrap();
    for set in ["demo", "national"] {
        let routes: Vec<&Value> = rows.iter().filter(|r| r["data_set"] == set).collect();
        // The owner's page is the province's in the demo: listed once there.
        assert_eq!(
            routes.len(),
            if set == "demo" { 17 } else { 18 },
            "{set}: /healthz, thirteen or fourteen routes, /healthz while /evaluation is \
             hammered (two), target edits and the mixed run"
        );
        // #34: each read route beside /healthz in the same run.
        for r in routes
            .iter()
            .filter(|r| r["route"].as_str().unwrap().starts_with("GET /"))
        {
            assert!(r["vs_healthz"].as_f64().is_some_and(|x| x > 0.0), "{r}");
        }
        for page in [
            "/reports",
            "/evaluation",
            "/units/",
            "/report.pdf",
            "standing office",
            "head of",
            "reporter of",
            "/admin",
            "meanwhile",
        ] {
            assert!(
                routes
                    .iter()
                    .any(|r| r["route"].as_str().unwrap().contains(page)),
                "{set}: {page}"
            );
        }
        for r in routes {
            let requests = r["requests"].as_u64().unwrap();
            assert!(requests > 0, "{r}");
            // Every route answers; a rare failed request (seen once in CI, 1 in 3,409, cause
            // not found yet) is reported with what it got, and must stay rare.
            let errors = r["errors"].as_u64().unwrap();
            if errors > 0 {
                eprintln!(
                    "{set}: {} failed: {}\n{}",
                    r["route"],
                    r["first_error"],
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            assert!(errors * 1000 <= requests, "{r}");
            assert!(r["p99_ms"].as_f64().unwrap() >= r["p50_ms"].as_f64().unwrap());
            if r["route"].as_str().unwrap().contains("POST") {
                assert!(r["writes"].as_u64().unwrap() > 0, "{r}");
            }
        }
    }
    // The server in a process of its own: it came up, its memory was read, and it took a
    // unit added by another process.
    let server = &report["server"];
    let figure = |k: &str| {
        server[k]
            .as_f64()
            .unwrap_or_else(|| panic!("{k}: {server}"))
    };
    assert_eq!(server["values"].as_u64(), Some(values.parse().unwrap()));
    for k in [
        "cold_start_s",
        "resident_mb",
        "rebuild_s",
        "rebuild_peak_mb",
        "after_rebuild_mb",
    ] {
        assert!(figure(k) > 0.0, "{k}: {server}");
    }
    // The server reads every value once at start, through connections closed after: the
    // pages it keeps mapped are the few its own reads touch. When its own connections kept
    // the load's pages, each write elsewhere made SQLite let go of them and held the whole
    // server still (60 ms at 10 million values).
    assert!(
        figure("file_mapped_mb") * 2.0 < figure("file_mb"),
        "the server keeps most of the database file mapped: {server}"
    );
}

/// `chitieu bench --federation --json`: the 34 provinces' quarter is taken in whole (every
/// push accepted) and the centre's reads are measured idle and meanwhile. Figures are
/// printed, never held to a time.
#[test]
fn federation_bench_takes_in_every_province() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chitieu"))
        .args(["bench", "--federation", "--seconds", "0.5", "--json"])
        .env("RUST_LOG", "warn")
        .output()
        .expect("run bench --federation");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{}", String::from_utf8_lossy(&out.stdout));
    let r: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(r["provinces"], 34);
    assert_eq!(r["errors"], 0, "{r}");
    // A commune's report a request (3,321), and each province's own figure (34).
    assert_eq!(r["pushes"], 3355);
    assert_eq!(r["figures"], 3321 * 2 + 34);
    for when in ["idle", "busy"] {
        assert!(r[when]["requests"].as_u64() > Some(0), "{when}: {r}");
        assert_eq!(r[when]["errors"], 0, "{when}: {r}");
    }
}
