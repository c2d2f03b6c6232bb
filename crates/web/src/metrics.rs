//! `/metrics` in Prometheus's text format: requests by route and status, their latency,
//! sign-in failures by reason, and, read at each scrape, the snapshot's age, how far it may
//! lag behind the database, and the mail queue.
//!
//! Routes are labelled by their pattern (`/units/:code`), never by the path asked for, so
//! that the number of series stays bounded whatever clients send. Scraped from this machine
//! directly (not through a proxy), or with an administrator's bearer token.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus::{
    Encoder, Gauge, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};

use crate::AppState;

/// What this server counts, in a registry of its own (tests run several servers in one
/// process).
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    sign_in_failures: IntCounterVec,
    snapshot_age: Gauge,
    sync_lag: Gauge,
    mail_queue: Gauge,
    upstream_pending: Gauge,
    upstream_rejected: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("chitieu_http_requests_total", "HTTP requests answered"),
            &["route", "method", "status"],
        )
        .expect("a valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "chitieu_http_request_duration_seconds",
                "Time to answer an HTTP request",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["route"],
        )
        .expect("a valid metric");
        let sign_in_failures = IntCounterVec::new(
            Opts::new(
                "chitieu_sign_in_failures_total",
                "Sign-ins refused, by reason",
            ),
            &["reason"],
        )
        .expect("a valid metric");
        let snapshot_age = Gauge::new(
            "chitieu_snapshot_age_seconds",
            "Seconds since the figures that pages read were last rebuilt",
        )
        .expect("a valid metric");
        let sync_lag = Gauge::new(
            "chitieu_sync_lag_seconds",
            "Seconds the figures may lag behind the database (since the last successful look)",
        )
        .expect("a valid metric");
        let mail_queue = Gauge::new("chitieu_mail_queue", "Notices waiting to be mailed")
            .expect("a valid metric");
        let upstream_pending = Gauge::new(
            "chitieu_upstream_pending",
            "Official figures waiting to go to the central instance",
        )
        .expect("a valid metric");
        let upstream_rejected = Gauge::new(
            "chitieu_upstream_rejected",
            "Official figures the central instance refused, waiting to be sent again",
        )
        .expect("a valid metric");
        for m in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(sign_in_failures.clone()),
            Box::new(snapshot_age.clone()),
            Box::new(sync_lag.clone()),
            Box::new(mail_queue.clone()),
            Box::new(upstream_pending.clone()),
            Box::new(upstream_rejected.clone()),
        ] {
            registry.register(m).expect("each metric once");
        }
        // Every reason appears from the start, at 0, so that a rate has a series to start.
        for r in ["bad_password", "bad_code", "throttled"] {
            sign_in_failures.with_label_values(&[r]);
        }
        Metrics {
            registry,
            requests,
            latency,
            sign_in_failures,
            snapshot_age,
            sync_lag,
            mail_queue,
            upstream_pending,
            upstream_rejected,
        }
    }

    /// A sign-in refused: `bad_password`, `bad_code` or `throttled`.
    pub fn sign_in_failed(&self, reason: &str) {
        self.sign_in_failures.with_label_values(&[reason]).inc();
    }
}

/// Counts each request by route pattern, method and status, and times it.
pub(crate) async fn record(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "other".to_string(), |m| route_label(m.as_str()));
    let method: &'static str = match req.method().as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        _ => "other",
    };
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    let m = &s.metrics;
    m.latency
        .with_label_values(&[&route])
        .observe(started.elapsed().as_secs_f64());
    m.requests
        .with_label_values(&[&route, method, res.status().as_str()])
        .inc();
    res
}

/// A route's pattern as a label: `/units/:code`. Braces inside a label value are valid, but
/// simple parsers of the text format split on them.
fn route_label(pattern: &str) -> String {
    pattern
        .replace("{*", "*")
        .replace('{', ":")
        .replace('}', "")
}

/// The scrape: refused unless it comes from this machine directly or with an
/// administrator's token.
pub async fn metrics(State(s): State<AppState>, req: Request) -> Response {
    let headers = req.headers();
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
    let direct = peer.is_some_and(|p| p.0.ip().is_loopback())
        && !headers.contains_key("x-forwarded-for")
        && !headers.contains_key("forwarded");
    if !direct && !admin_token(&s, headers).await {
        return (StatusCode::FORBIDDEN, "forbidden\n").into_response();
    }
    let m = &s.metrics;
    m.snapshot_age.set(s.live.snapshot_age_seconds());
    m.sync_lag.set(s.live.sync_lag_seconds());
    match s.app.mail_queue().await {
        Ok(n) => m.mail_queue.set(n as f64),
        Err(e) => tracing::warn!(error = %e, "không đọc được hàng đợi thư"),
    }
    match s.app.upstream_counts().await {
        Ok((pending, rejected)) => {
            m.upstream_pending.set(pending as f64);
            m.upstream_rejected.set(rejected as f64);
        }
        Err(e) => tracing::warn!(error = %e, "không đọc được hàng đợi gửi lên trung ương"),
    }
    let mut out = Vec::new();
    if let Err(e) = TextEncoder::new().encode(&m.registry.gather(), &mut out) {
        tracing::error!(error = %e, "metrics");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    ([(header::CONTENT_TYPE, prometheus::TEXT_FORMAT)], out).into_response()
}

async fn admin_token(s: &AppState, headers: &HeaderMap) -> bool {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    matches!(
        s.app.token_user(token.trim()).await,
        Ok(Some(u)) if u.role == chitieu_domain::permission::Role::Admin
    )
}
