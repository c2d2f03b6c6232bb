//! #33: `/metrics` in Prometheus's text format, read here by a Prometheus parser: requests by
//! route pattern and status with their latency, sign-in failures, the snapshot's age and
//! lag, the mail queue; scraped from this machine or with an administrator's token only.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use prometheus_parse::{Sample, Scrape, Value};

db_tests!(metrics_are_read_by_a_prometheus_parser,);

fn scrape(base: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
    let mut req = agent().get(&format!("{base}/metrics"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut res = req.call().unwrap();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let status = res.status().as_u16();
    (status, kind, res.body_mut().read_to_string().unwrap())
}

fn find<'a>(s: &'a Scrape, metric: &str, labels: &[(&str, &str)]) -> Option<&'a Sample> {
    s.samples
        .iter()
        .find(|x| x.metric == metric && labels.iter().all(|(k, v)| x.labels.get(k) == Some(*v)))
}

fn number(s: &Scrape, metric: &str, labels: &[(&str, &str)]) -> f64 {
    match find(s, metric, labels).map(|x| &x.value) {
        Some(Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v)) => *v,
        other => panic!("{metric} {labels:?}: {other:?}"),
    }
}

async fn metrics_are_read_by_a_prometheus_parser(db: &TestDb) {
    ok(db, &["demo"]);
    let admin = token(db, "prometheus", "admin", "19");
    let viewer = token(db, "xem", "viewer", "19");
    let (server, base) = serve(db);
    for path in ["/healthz", "/units/19", "/units/5443", "/khong-co"] {
        get_status(&base, path, None);
    }
    assert_eq!(
        sign_in(&base, "admin", "khong-phai-mat-khau")
            .status()
            .as_u16(),
        401
    );

    let (status, kind, text) = scrape(&base, &[]);
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    let parsed = Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).expect("Prometheus text");

    // Labelled by the route's pattern: two units, one series (signed out, both lead to the
    // sign-in page); an unknown path is "other".
    let units = [
        ("route", "/units/:code"),
        ("method", "GET"),
        ("status", "303"),
    ];
    assert!(
        number(&parsed, "chitieu_http_requests_total", &units) >= 2.0,
        "{text}"
    );
    assert!(!text.contains("/units/5443"), "no path in a label");
    assert!(
        number(
            &parsed,
            "chitieu_http_requests_total",
            &[("route", "other"), ("status", "404")]
        ) >= 1.0
    );
    match &find(
        &parsed,
        "chitieu_http_request_duration_seconds",
        &[("route", "/healthz")],
    )
    .expect("a latency histogram")
    .value
    {
        Value::Histogram(buckets) => {
            // Cumulative, ending with the request counted (however slow the machine).
            assert!(buckets.len() >= 10);
            assert!(buckets.windows(2).all(|w| w[0].count <= w[1].count));
            assert!(buckets.last().unwrap().count >= 1.0);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        number(
            &parsed,
            "chitieu_sign_in_failures_total",
            &[("reason", "bad_password")]
        ) >= 1.0
    );
    assert_eq!(
        number(
            &parsed,
            "chitieu_sign_in_failures_total",
            &[("reason", "bad_code")]
        ),
        0.0
    );
    let age = number(&parsed, "chitieu_snapshot_age_seconds", &[]);
    let lag = number(&parsed, "chitieu_sync_lag_seconds", &[]);
    assert!((0.0..600.0).contains(&age), "{age}");
    assert!((0.0..30.0).contains(&lag), "{lag}");
    assert!(number(&parsed, "chitieu_mail_queue", &[]) >= 0.0);

    // Through a proxy (or from elsewhere): an administrator's token only.
    let proxied = [("x-forwarded-for", "203.0.113.9")];
    assert_eq!(scrape(&base, &proxied).0, 403);
    let bearer = |t: &str| format!("Bearer {t}");
    let v = bearer(&viewer);
    assert_eq!(scrape(&base, &[proxied[0], ("authorization", &v)]).0, 403);
    let a = bearer(&admin);
    assert_eq!(scrape(&base, &[proxied[0], ("authorization", &a)]).0, 200);
    drop(server);
}
