//! The HTTP server. For now: health and the read-only indicators API that other systems
//! rely on; the pages come with the web application issue.

pub mod assets;
pub mod auth;
pub mod i18n;
pub mod live;
pub mod pages;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chitieu_store::Store;
use live::{BadInput, Live};
use serde::Deserialize;
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub live: Arc<Live>,
    pub throttle: Arc<auth::Throttle>,
}

/// The application's routes over a store; loads the engine first.
pub async fn app(store: Store) -> Result<Router, chitieu_store::StoreError> {
    let live = Arc::new(Live::load(store.clone()).await?);
    let state = AppState {
        store,
        live,
        throttle: Arc::new(auth::Throttle::default()),
    };
    Ok(Router::new()
        .route("/", get(pages::overview))
        .route("/indicators/{code}", get(pages::indicator))
        .route("/units/{code}", get(pages::unit))
        .route("/my", get(pages::my_work))
        .route("/entry", get(pages::entry_form).post(pages::entry_save))
        .route("/tasks", get(pages::tasks))
        .route("/tasks/{code}", get(pages::task))
        .route("/admin", get(pages::admin))
        .route("/public", get(pages::public))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/lang/{lang}", get(pages::set_lang))
        .route("/assets/{*path}", get(assets::asset))
        .route("/healthz", get(healthz))
        .route("/api/v1/indicators", get(indicators))
        .route("/api/v1/assessment", get(assessment))
        .route("/api/v1/early-warning", get(early_warning))
        .route("/api/v1/figures", get(figure))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state))
}

/// No inline script, no framing, no sniffing, on every response.
async fn security_headers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::http::HeaderValue;
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
             connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        ),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    res
}

/// Binds `addr` and serves until Ctrl-C. Calls `ready` with the bound address (port 0 in
/// tests picks a free port).
pub async fn serve(
    store: Store,
    addr: &str,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let app = app(store).await.map_err(std::io::Error::other)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ready(listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// One error shape for the API: a stable code and a message in Vietnamese and English.
#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    code: &'static str,
    message: String,
    message_en: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self)).into_response()
    }
}

impl From<chitieu_store::StoreError> for ApiError {
    fn from(e: chitieu_store::StoreError) -> Self {
        // The detail goes to the log, never to the client.
        tracing::error!(error = %e, "store error");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "Lỗi hệ thống, vui lòng thử lại sau".into(),
            message_en: "Internal error, please try again later".into(),
        }
    }
}

impl From<BadInput> for ApiError {
    fn from(e: BadInput) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "bad_request",
            message: e.0,
            message_en: "The request has a wrong parameter; see the Vietnamese message".into(),
        }
    }
}

fn parse_date(s: Option<&str>) -> Result<Option<chrono::NaiveDate>, BadInput> {
    s.filter(|s| !s.is_empty())
        .map(|s| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| BadInput(format!("ngày \"{s}\" không hợp lệ (dạng YYYY-MM-DD)")))
        })
        .transpose()
}

#[derive(Deserialize)]
struct AssessQuery {
    unit: Option<String>,
    as_of: Option<String>,
    method: Option<String>,
}

async fn assessment(
    State(s): State<AppState>,
    Query(q): Query<AssessQuery>,
) -> Result<Json<Vec<chitieu_analytics::assess::Row>>, ApiError> {
    let as_of = parse_date(q.as_of.as_deref())?;
    let snap = s.live.read().await?;
    Ok(Json(snap.assess(
        q.unit.as_deref(),
        as_of,
        q.method.as_deref(),
    )?))
}

async fn early_warning(
    State(s): State<AppState>,
    Query(q): Query<AssessQuery>,
) -> Result<Json<Vec<chitieu_analytics::assess::Warning>>, ApiError> {
    let as_of = parse_date(q.as_of.as_deref())?;
    let snap = s.live.read().await?;
    Ok(Json(snap.early_warning(q.unit.as_deref(), as_of)?))
}

#[derive(Deserialize)]
struct FigureQuery {
    indicator: String,
    unit: Option<String>,
    period: String,
}

#[derive(Serialize)]
struct FigureJson {
    indicator: String,
    unit: String,
    period: String,
    figure: Option<chitieu_analytics::Figure>,
    /// The stored values the figure was computed from.
    explanation: Vec<chitieu_analytics::Contribution>,
}

/// One figure and the stored values behind it.
async fn figure(
    State(s): State<AppState>,
    Query(q): Query<FigureQuery>,
) -> Result<Json<FigureJson>, ApiError> {
    let period: chitieu_domain::Period = q
        .period
        .parse()
        .map_err(|e: chitieu_domain::PeriodError| BadInput(e.to_string()))?;
    let snap = s.live.read().await?;
    let unit = snap.unit_or_owner(q.unit.as_deref())?.code.clone();
    let bad = |e: chitieu_analytics::QueryError| BadInput(e.to_string());
    let figure = snap
        .engine
        .figure(&q.indicator, &unit, period)
        .map_err(bad)?;
    let explanation = snap
        .engine
        .explain(&q.indicator, &unit, period)
        .map_err(bad)?;
    Ok(Json(FigureJson {
        indicator: q.indicator,
        unit: unit.to_string(),
        period: period.to_string(),
        figure,
        explanation,
    }))
}

async fn healthz(State(s): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    s.store.meta("health-check").await?;
    Ok(Json(serde_json::json!({"status": "ok"})))
}

#[derive(Serialize)]
struct TargetJson {
    year: i32,
    unit: String,
    comparator: &'static str,
    value: serde_json::Number,
    wording: String,
}

#[derive(Serialize)]
struct IndicatorJson {
    code: String,
    name: String,
    name_en: String,
    unit_of_measure: String,
    group: String,
    group_code: String,
    measure: &'static str,
    frequency: &'static str,
    direction: &'static str,
    natural_limit: Option<serde_json::Number>,
    lead_unit: String,
    targets: Vec<TargetJson>,
}

/// Exact decimals as JSON numbers, written from their text so no float rounding creeps in
/// for the values plans use.
fn number(d: &rust_decimal::Decimal) -> serde_json::Number {
    let s = chitieu_domain::text::format_decimal(d);
    s.parse::<serde_json::Number>()
        .unwrap_or_else(|_| serde_json::Number::from(0))
}

async fn indicators(State(s): State<AppState>) -> Result<Json<Vec<IndicatorJson>>, ApiError> {
    let Some(plan) = s.store.plan_file().await? else {
        return Ok(Json(Vec::new()));
    };
    let out = plan
        .indicators
        .iter()
        .map(|i| {
            let group = plan.groups.iter().find(|g| g.code == i.group);
            IndicatorJson {
                code: i.code.clone(),
                name: i.name.clone(),
                name_en: i.name_en.clone(),
                unit_of_measure: i.unit_of_measure.clone(),
                group: group.map(|g| g.name.clone()).unwrap_or_default(),
                group_code: i.group.clone(),
                measure: i.measure.as_str(),
                frequency: i.frequency.as_str(),
                direction: i.direction.as_str(),
                natural_limit: i.natural_limit.as_ref().map(number),
                lead_unit: i.lead_unit.to_string(),
                targets: plan
                    .targets
                    .iter()
                    .filter(|t| t.indicator == i.code)
                    .map(|t| TargetJson {
                        year: t.year,
                        unit: t.unit.to_string(),
                        comparator: t.comparator.symbol(),
                        value: number(&t.value),
                        wording: t.wording.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(Json(out))
}
