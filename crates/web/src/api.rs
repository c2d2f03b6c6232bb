//! The JSON API under `/api/v1`: bearer tokens for machine clients, the session cookie (with
//! the `X-CSRF-Token` header for writes) for the pages' own scripts. Errors are
//! `{code, message, message_en}`. The route table here is the one the router is built from,
//! the one the OpenAPI test reads, and the one the authorisation matrix test walks.

use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use axum::{Json, Router};
use axum_extra::extract::cookie::CookieJar;
use chitieu_domain::permission::{Action, Role, role_allows};
use chitieu_domain::value::ValueText;
use chitieu_domain::{Period, UnitCode, ValueState};
use chitieu_store::{SessionUser, ValueFilter};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

use crate::AppState;
use crate::auth::{SESSION_COOKIE, constant_time_eq};
use chitieu_app::actions::{self, ActionError, ValueItem};
use chitieu_app::live::{BadInput, Snapshot, today};

const OPENAPI: &str = include_str!("../openapi.json");

/// Every API route: method, path, handler.
pub fn routes() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    vec![
        (Method::GET, "/api/v1/openapi.json", get(openapi)),
        (Method::GET, "/api/v1/indicators", get(indicators)),
        (Method::GET, "/api/v1/indicators/{code}", get(indicator)),
        (Method::GET, "/api/v1/assessment", get(assessment)),
        (Method::GET, "/api/v1/early-warning", get(early_warning)),
        (Method::GET, "/api/v1/figures", get(figure)),
        (Method::GET, "/api/v1/units", get(units)),
        (Method::GET, "/api/v1/units/{code}", get(unit)),
        (Method::GET, "/api/v1/values", get(values)),
        (Method::POST, "/api/v1/values", post(put_values)),
        (Method::GET, "/api/v1/tasks", get(tasks)),
        (Method::GET, "/api/v1/tasks/{code}", get(task)),
        (
            Method::POST,
            "/api/v1/tasks/{code}/progress",
            post(task_progress),
        ),
        (Method::POST, "/api/v1/targets", post(set_target)),
        (Method::POST, "/api/v1/heads", post(add_head)),
        (Method::POST, "/api/v1/users", post(add_user)),
        (Method::GET, "/api/v1/me", get(me)),
        (Method::GET, "/api/v1/users", get(users)),
        (Method::POST, "/api/v1/tokens", post(create_token)),
        (Method::GET, "/api/v1/tokens", get(list_tokens)),
        (
            Method::DELETE,
            "/api/v1/tokens/{name}",
            axum::routing::delete(revoke_token),
        ),
    ]
}

pub fn router() -> Router<AppState> {
    let mut r = Router::new();
    let mut by_path: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
    for (_, path, handler) in routes() {
        match by_path.iter_mut().find(|(p, _)| *p == path) {
            Some((_, mr)) => *mr = std::mem::take(mr).merge(handler),
            None => by_path.push((path, handler)),
        }
    }
    for (path, mr) in by_path {
        r = r.route(path, mr);
    }
    r.method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "Đường dẫn này không nhận phương thức đó",
        "This path does not accept that method",
    )
}

/// Any path under `/api/` that is not a route.
pub fn not_found_json() -> Response {
    ApiError::not_found("đường dẫn API").into_response()
}

/// One error shape for the API: a stable code and a message in Vietnamese and English;
/// `errors` (invalid values) or `conflicts` (values changed by others, or locked) when the
/// error is about items of a batch.
#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    code: &'static str,
    message: String,
    message_en: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Vec<actions::ItemError>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    conflicts: Option<Vec<actions::Conflict>>,
}

impl ApiError {
    fn new(
        status: StatusCode,
        code: &'static str,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            code,
            message: vi.into(),
            message_en: en.into(),
            errors: None,
            conflicts: None,
        }
    }

    fn invalid(vi: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            vi,
            "The request cannot be used; see the Vietnamese message",
        )
    }

    fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Cần đăng nhập hoặc token hợp lệ (Authorization: Bearer ...)",
            "Sign in or send a valid bearer token",
        )
    }

    fn forbidden() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Không có quyền với đơn vị hoặc thao tác này",
            "Not allowed for this unit or action",
        )
    }

    fn not_found(what: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("Không tìm thấy {what}"),
            format!("Not found: {what}"),
        )
    }
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
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Lỗi hệ thống, vui lòng thử lại sau",
            "Internal error, please try again later",
        )
    }
}

impl From<ActionError> for ApiError {
    fn from(e: ActionError) -> Self {
        match e {
            ActionError::Forbidden => ApiError::forbidden(),
            ActionError::Invalid(m) => ApiError::invalid(m),
            ActionError::NotFound(m) => ApiError::not_found(&m),
            ActionError::InvalidItems(errors) => ApiError {
                errors: Some(errors),
                ..ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_values",
                    "Có giá trị không hợp lệ; không có giá trị nào được ghi",
                    "Some values are invalid; nothing was written",
                )
            },
            ActionError::Conflict(conflicts) => ApiError {
                conflicts: Some(conflicts),
                ..ApiError::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    "Có giá trị đã bị người khác thay đổi hoặc đã khóa; không có giá trị nào được ghi",
                    "Some values were changed by someone else, or are locked; nothing was written",
                )
            },
            ActionError::Internal(e) => e.into(),
        }
    }
}

/// A JSON body, read and parsed only when the handler asks, after it has checked who is
/// calling: an anonymous or under-privileged request learns nothing from parse errors.
/// Every failure is an [`ApiError`]: 415 without `application/json`, 413 over the size
/// limit, 422 when the JSON does not fit.
pub struct ApiJson<T>(Result<T, ApiError>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                let v = v.trim().to_ascii_lowercase();
                v == "application/json" || v.starts_with("application/json;")
            });
        if !json {
            return Ok(ApiJson(Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Nội dung phải là JSON (Content-Type: application/json)",
                "The body must be JSON (Content-Type: application/json)",
            ))));
        }
        let bytes = match axum::body::Bytes::from_request(req, state).await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Ok(ApiJson(Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "Nội dung quá lớn: chia thành nhiều lô nhỏ hơn",
                    "The body is too large: send smaller batches",
                ))));
            }
            Err(_) => {
                return Ok(ApiJson(Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "Không đọc được nội dung yêu cầu",
                    "Could not read the request body",
                ))));
            }
        };
        Ok(ApiJson(parse_json(&bytes)))
    }
}

/// Parses a JSON body into `T`; the error names the line, column and what did not fit.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
            format!("Nội dung JSON không dùng được: {e}"),
            format!("The JSON body does not fit: {e}"),
        )
    })
}

impl<T> ApiJson<T> {
    /// The parsed body; call after authorising the caller.
    pub fn parse(self) -> Result<T, ApiError> {
        self.0
    }
}

/// Query parameters, parsed when the handler asks (after authorisation); a failure is a
/// JSON 400 in the documented shape.
pub struct ApiQuery<T>(Result<T, ApiError>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        Ok(ApiQuery(serde_urlencoded_query::<T>(q).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("Tham số không hợp lệ: {e}"),
                format!("A query parameter is wrong: {e}"),
            )
        })))
    }
}

fn serde_urlencoded_query<T: DeserializeOwned>(q: &str) -> Result<T, String> {
    axum::extract::Query::<T>::try_from_uri(
        &format!("/?{q}")
            .parse::<axum::http::Uri>()
            .map_err(|e| e.to_string())?,
    )
    .map(|axum::extract::Query(t)| t)
    .map_err(|e| e.body_text())
}

impl<T> ApiQuery<T> {
    pub fn parse(self) -> Result<T, ApiError> {
        self.0
    }
}

/// One path parameter, as text; a failure (bad percent-encoding) is a JSON 400.
pub struct ApiPath(Result<String, ApiError>);

impl<S: Send + Sync> FromRequestParts<S> for ApiPath {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(ApiPath(
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map(|axum::extract::Path(p)| p)
                .map_err(|_| {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "bad_request",
                        "Đường dẫn không hợp lệ",
                        "The path is not valid",
                    )
                }),
        ))
    }
}

impl ApiPath {
    pub fn parse(self) -> Result<String, ApiError> {
        self.0
    }
}

/// A figure sent as a JSON number or a string, kept as the text that was sent: a JSON
/// number never passes through binary floating point (`1234567.123456` stays exact).
#[derive(Debug, Clone, Default)]
pub struct FigureText(pub String);

impl<'de> Deserialize<'de> for FigureText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let raw: Box<serde_json::value::RawValue> = Deserialize::deserialize(d)?;
        let t = raw.get().trim();
        if t.starts_with('"') {
            let s: String = serde_json::from_str(t).map_err(D::Error::custom)?;
            Ok(FigureText(s))
        } else if t == "null" {
            Ok(FigureText(String::new()))
        } else if t.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            Ok(FigureText(t.to_string()))
        } else {
            Err(D::Error::custom(
                "cần một số (JSON number hoặc chuỗi như \"12.5\")",
            ))
        }
    }
}

impl From<BadInput> for ApiError {
    fn from(e: BadInput) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            e.0,
            "A parameter is wrong; see the Vietnamese message",
        )
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

/// Who calls the API: a bearer token, the session cookie, or nobody.
pub struct Caller {
    pub user: Option<SessionUser>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let token = auth
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or_else(ApiError::unauthorized)?;
            let user = state
                .store
                .token_user(token.trim())
                .await?
                .ok_or_else(ApiError::unauthorized)?;
            return Ok(Caller { user: Some(user) });
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(cookie) = jar.get(SESSION_COOKIE) else {
            return Ok(Caller { user: None });
        };
        let user = state.store.session_user(cookie.value()).await?;
        // With a cookie, a write must also carry the page's token: another site can make a
        // browser send the cookie, but cannot read the token.
        if let Some(u) = &user
            && parts.method != Method::GET
            && parts.method != Method::HEAD
        {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent.as_bytes(), u.csrf.as_bytes()) {
                return Err(ApiError::forbidden());
            }
        }
        Ok(Caller { user })
    }
}

impl Caller {
    fn user(&self) -> Result<&SessionUser, ApiError> {
        self.user.as_ref().ok_or_else(ApiError::unauthorized)
    }
}

async fn snap(s: &AppState) -> Result<std::sync::RwLockReadGuard<'_, Snapshot>, ApiError> {
    Ok(s.live.read().await?)
}

/// A `YYYY-MM-DD` date; empty is none.
pub(crate) fn parse_date(s: Option<&str>) -> Result<Option<chrono::NaiveDate>, BadInput> {
    s.filter(|s| !s.is_empty())
        .map(|s| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| BadInput(format!("ngày \"{s}\" không hợp lệ (dạng YYYY-MM-DD)")))
        })
        .transpose()
}

pub async fn healthz(State(s): State<AppState>) -> ApiResult<serde_json::Value> {
    s.store.meta("health-check").await?;
    Ok(Json(serde_json::json!({"status": "ok"})))
}

async fn openapi(_c: Caller) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// The embedded API viewer.
pub async fn docs() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        include_str!("../assets/apidocs.html"),
    )
        .into_response()
}

/// Decimals leave the API as strings of their exact digits ("60", "0.3"), as they enter.
fn exact(d: &rust_decimal::Decimal) -> String {
    chitieu_domain::text::format_decimal(d)
}

#[derive(Serialize)]
struct TargetJson {
    year: i32,
    unit: String,
    comparator: &'static str,
    value: String,
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
    natural_limit: Option<String>,
    lead_unit: String,
    targets: Vec<TargetJson>,
}

fn indicator_json(
    plan: &chitieu_domain::default_plan::PlanFile,
    i: &chitieu_domain::Indicator,
) -> IndicatorJson {
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
        natural_limit: i.natural_limit.as_ref().map(exact),
        lead_unit: i.lead_unit.to_string(),
        targets: plan
            .targets
            .iter()
            .filter(|t| t.indicator == i.code)
            .map(|t| TargetJson {
                year: t.year,
                unit: t.unit.to_string(),
                comparator: t.comparator.symbol(),
                value: exact(&t.value),
                wording: t.wording.clone(),
            })
            .collect(),
    }
}

/// Public: the plan's indicators and targets.
async fn indicators(State(s): State<AppState>, _c: Caller) -> ApiResult<Vec<IndicatorJson>> {
    let snap = snap(&s).await?;
    let Some(plan) = snap.plan.as_ref() else {
        return Ok(Json(Vec::new()));
    };
    Ok(Json(
        plan.indicators
            .iter()
            .map(|i| indicator_json(plan, i))
            .collect(),
    ))
}

#[derive(Serialize)]
struct IndicatorDetail {
    #[serde(flatten)]
    indicator: IndicatorJson,
    definition: String,
    data_source: String,
    /// Yearly figures of the plan's owner: [year, value].
    yearly: Vec<(i32, rust_decimal::Decimal)>,
}

async fn indicator(
    State(s): State<AppState>,
    c: Caller,
    code: ApiPath,
) -> ApiResult<IndicatorDetail> {
    c.user()?;
    let code = code.parse()?;
    let snap = snap(&s).await?;
    let plan = snap
        .plan
        .as_ref()
        .ok_or_else(|| ApiError::not_found("kế hoạch"))?;
    let i = plan
        .indicator(&code)
        .ok_or_else(|| ApiError::not_found(&format!("chỉ tiêu {code}")))?;
    let yearly = snap
        .engine
        .yearly(&i.code, &plan.plan.owner, today())
        .unwrap_or_default();
    Ok(Json(IndicatorDetail {
        indicator: indicator_json(plan, i),
        definition: i.definition.clone(),
        data_source: i.data_source.clone(),
        yearly: yearly.into_iter().map(|(y, f)| (y, f.value)).collect(),
    }))
}

#[derive(Deserialize)]
struct AssessQuery {
    unit: Option<String>,
    as_of: Option<String>,
    method: Option<String>,
}

/// Public for the plan's owner (the province); a unit's own rows need a signed-in caller.
async fn assessment(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<AssessQuery>,
) -> ApiResult<Vec<chitieu_analytics::assess::Row>> {
    let q = q.parse()?;
    let as_of = parse_date(q.as_of.as_deref())?;
    let snap = snap(&s).await?;
    let unit = snap.unit_or_owner(q.unit.as_deref())?.code.clone();
    if snap.plan.as_ref().is_some_and(|p| p.plan.owner != unit) {
        c.user()?;
    }
    Ok(Json(snap.assess(
        Some(unit.as_str()),
        as_of,
        q.method.as_deref(),
    )?))
}

async fn early_warning(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<AssessQuery>,
) -> ApiResult<Vec<chitieu_analytics::assess::Warning>> {
    c.user()?;
    let q = q.parse()?;
    let as_of = parse_date(q.as_of.as_deref())?;
    let snap = snap(&s).await?;
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
    c: Caller,
    q: ApiQuery<FigureQuery>,
) -> ApiResult<FigureJson> {
    c.user()?;
    let q = q.parse()?;
    let period: Period = q
        .period
        .parse()
        .map_err(|e: chitieu_domain::PeriodError| BadInput(e.to_string()))?;
    let snap = snap(&s).await?;
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

#[derive(Deserialize)]
struct UnitsQuery {
    parent: Option<String>,
}

#[derive(Serialize)]
struct UnitJson {
    code: String,
    name: String,
    kind: &'static str,
    parent: Option<String>,
    valid_from: chrono::NaiveDate,
    valid_to: Option<chrono::NaiveDate>,
}

fn unit_json(u: &chitieu_domain::Unit) -> UnitJson {
    UnitJson {
        code: u.code.to_string(),
        name: u.name.clone(),
        kind: u.kind.as_str(),
        parent: u.parent.as_ref().map(|p| p.to_string()),
        valid_from: u.valid_from,
        valid_to: u.valid_to,
    }
}

async fn units(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<UnitsQuery>,
) -> ApiResult<Vec<UnitJson>> {
    c.user()?;
    let q = q.parse()?;
    let parent = q
        .parent
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(UnitCode::parse)
        .transpose()
        .map_err(BadInput)?;
    let snap = snap(&s).await?;
    let day = today();
    Ok(Json(
        snap.units
            .iter()
            .filter(|u| u.parent == parent && u.is_valid_on(day))
            .map(unit_json)
            .collect(),
    ))
}

#[derive(Serialize)]
struct UnitDetail {
    #[serde(flatten)]
    unit: UnitJson,
    heads: Vec<chitieu_domain::Head>,
}

async fn unit(State(s): State<AppState>, c: Caller, code: ApiPath) -> ApiResult<UnitDetail> {
    c.user()?;
    let code = UnitCode::parse(&code.parse()?).map_err(BadInput)?;
    let heads = s.store.heads().await?;
    let snap = snap(&s).await?;
    let u = snap
        .unit(&code)
        .ok_or_else(|| ApiError::not_found(&format!("đơn vị {code}")))?;
    Ok(Json(UnitDetail {
        unit: unit_json(u),
        heads: heads.into_iter().filter(|h| h.unit == code).collect(),
    }))
}

#[derive(Deserialize)]
struct ValuesQuery {
    unit: Option<String>,
    indicator: Option<String>,
    period: Option<String>,
}

/// A unit's stored values (with comments, workflow state and version): the unit must be in
/// scope. Figures are strings of exact decimals.
async fn values(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<ValuesQuery>,
) -> ApiResult<Vec<chitieu_store::ValueRow>> {
    let me = c.user()?;
    let q = q.parse()?;
    let unit = match q.unit.as_deref().filter(|u| !u.is_empty()) {
        Some(u) => UnitCode::parse(u).map_err(BadInput)?,
        None => me.unit.clone(),
    };
    {
        let snap = snap(&s).await?;
        if snap.unit(&unit).is_none() {
            return Err(ApiError::not_found(&format!("đơn vị {unit}")));
        }
        if !chitieu_domain::permission::in_scope(&snap.units, &me.unit, &unit) {
            return Err(ApiError::forbidden());
        }
    }
    let period = q
        .period
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(str::parse::<Period>)
        .transpose()
        .map_err(|e| BadInput(e.to_string()))?;
    let ids = s.store.ids().await?;
    let rows = s
        .store
        .values(
            &ValueFilter {
                indicator: q.indicator.filter(|i| !i.is_empty()),
                unit: Some(unit),
            },
            &ids,
        )
        .await?;
    Ok(Json(
        rows.into_iter()
            .filter(|r| period.is_none_or(|p| r.period == p))
            .collect(),
    ))
}

/// A value as a client sends it. Figures as JSON numbers or strings, read exactly.
#[derive(Deserialize)]
pub struct ValueIn {
    indicator: String,
    unit: String,
    period: String,
    #[serde(default)]
    value: FigureText,
    #[serde(default)]
    numerator: FigureText,
    #[serde(default)]
    denominator: FigureText,
    #[serde(default)]
    comment: String,
    /// The version the change is based on (`version` of `GET /api/v1/values`; 0 for a new
    /// value). A value changed since is refused with 409. Without it the value is written
    /// regardless, as a system that is the source of a figure does.
    #[serde(default)]
    version: Option<i64>,
}

#[derive(Deserialize)]
pub struct ValuesIn {
    /// `draft` (default) or `submitted`.
    #[serde(default)]
    state: Option<String>,
    values: Vec<ValueIn>,
}

/// Values of a body as the one write path takes them, and the state they enter.
pub fn value_items(body: &ValuesIn) -> Result<(Vec<ValueItem<'_>>, ValueState), ApiError> {
    let state = match body.state.as_deref() {
        None | Some("draft") => ValueState::Draft,
        Some("submitted") => ValueState::Submitted,
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "trạng thái \"{other}\" không hợp lệ (draft, submitted)"
            )));
        }
    };
    if body.values.len() > MAX_BATCH {
        return Err(ApiError::invalid(format!(
            "lô có {} giá trị, tối đa {MAX_BATCH}: chia thành nhiều lô",
            body.values.len()
        )));
    }
    let items = body
        .values
        .iter()
        .map(|v| ValueItem {
            text: ValueText {
                indicator: &v.indicator,
                unit: &v.unit,
                period: &v.period,
                value: &v.value.0,
                numerator: &v.numerator.0,
                denominator: &v.denominator.0,
                comment: &v.comment,
            },
            version: v.version,
        })
        .collect();
    Ok((items, state))
}

/// Values in one `POST /api/v1/values`.
pub const MAX_BATCH: usize = 10_000;

#[derive(Serialize)]
struct PutResult {
    received: usize,
    changed: u64,
}

/// Writes values, all or nothing. Sending the same figures again changes nothing, so a
/// client may retry a push safely.
async fn put_values(
    State(s): State<AppState>,
    c: Caller,
    body: ApiJson<ValuesIn>,
) -> Result<Response, ApiError> {
    let me = c.user()?.clone();
    if !role_allows(me.role, Action::Enter) {
        return Err(ApiError::forbidden());
    }
    let body = body.parse()?;
    let (items, state) = value_items(&body)?;
    let changed = actions::write_values(&s.app, &me, &items, Vec::new(), state, "API").await?;
    Ok(Json(PutResult {
        received: items.len(),
        changed,
    })
    .into_response())
}

#[derive(Deserialize)]
struct TaskQuery {
    unit: Option<String>,
    year: Option<i32>,
    status: Option<String>,
}

#[derive(Serialize)]
struct TaskJson {
    #[serde(flatten)]
    task: chitieu_domain::Task,
    status: &'static str,
}

async fn tasks(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<TaskQuery>,
) -> ApiResult<Vec<TaskJson>> {
    c.user()?;
    let q = q.parse()?;
    let day = today();
    let all = s.store.tasks().await?;
    let filter = chitieu_domain::task::TaskFilter {
        unit: q
            .unit
            .as_deref()
            .filter(|u| !u.is_empty())
            .map(UnitCode::parse)
            .transpose()
            .map_err(BadInput)?,
        year: q.year,
        status: q
            .status
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(str::parse)
            .transpose()
            .map_err(BadInput)?,
    };
    Ok(Json(
        all.into_iter()
            .filter(|t| filter.matches(t, day))
            .map(|t| TaskJson {
                status: t.status_on(day).as_str(),
                task: t,
            })
            .collect(),
    ))
}

async fn task(State(s): State<AppState>, c: Caller, code: ApiPath) -> ApiResult<TaskJson> {
    c.user()?;
    let code = code.parse()?;
    let t = s
        .store
        .tasks()
        .await?
        .into_iter()
        .find(|t| t.code == code)
        .ok_or_else(|| ApiError::not_found(&format!("nhiệm vụ {code}")))?;
    Ok(Json(TaskJson {
        status: t.status_on(today()).as_str(),
        task: t,
    }))
}

#[derive(Deserialize)]
struct ProgressIn {
    progress: u8,
    #[serde(default)]
    note: String,
    /// The completion date, when the task is done: only the lead unit's head or the
    /// standing office may set it, between the task's start and today.
    completed_on: Option<chrono::NaiveDate>,
}

#[derive(Serialize)]
struct Done {
    ok: bool,
}

/// Progress on a task, by its lead or a coordinating unit.
async fn task_progress(
    State(s): State<AppState>,
    c: Caller,
    code: ApiPath,
    body: ApiJson<ProgressIn>,
) -> ApiResult<Done> {
    let me = c.user()?.clone();
    if !role_allows(me.role, Action::Enter) {
        return Err(ApiError::forbidden());
    }
    let code = code.parse()?;
    let t = s
        .store
        .tasks()
        .await?
        .into_iter()
        .find(|t| t.code == code)
        .ok_or_else(|| ApiError::not_found(&format!("nhiệm vụ {code}")))?;
    if !actions::can_report(&s.live.snapshot(), &me, &t) {
        return Err(ApiError::forbidden());
    }
    let b = body.parse()?;
    actions::task_progress(&s.app, &me, &t, b.progress, &b.note, b.completed_on).await?;
    Ok(Json(Done { ok: true }))
}

/// The caller, when their role administers; before anything of the request is parsed.
fn administer(c: &Caller) -> Result<SessionUser, ApiError> {
    let me = c.user()?;
    if !role_allows(me.role, Action::Administer) {
        return Err(ApiError::forbidden());
    }
    Ok(me.clone())
}

/// A target as a client sends it; the value read exactly.
#[derive(Deserialize)]
struct TargetIn {
    indicator: String,
    unit: String,
    year: i32,
    comparator: String,
    value: FigureText,
    wording: String,
}

/// A target, new or changed (admin and secretariat, at a unit within their scope).
async fn set_target(
    State(s): State<AppState>,
    c: Caller,
    body: ApiJson<TargetIn>,
) -> ApiResult<Done> {
    let me = administer(&c)?;
    let t = body.parse()?;
    let value = chitieu_domain::value::parse_figure("value", &t.value.0)
        .map_err(|e| ApiError::invalid(e.to_string()))?
        .ok_or_else(|| ApiError::invalid("value: thiếu giá trị mục tiêu"))?;
    let target = chitieu_domain::Target {
        indicator: t.indicator,
        unit: UnitCode::parse(&t.unit).map_err(ApiError::invalid)?,
        year: t.year,
        comparator: t.comparator.parse().map_err(ApiError::invalid)?,
        value,
        wording: t.wording,
    };
    actions::set_target(&s.app, &me, &target).await?;
    Ok(Json(Done { ok: true }))
}

/// A head's term of office (admin and secretariat, within their scope); terms of one unit
/// must not overlap.
async fn add_head(
    State(s): State<AppState>,
    c: Caller,
    body: ApiJson<chitieu_domain::Head>,
) -> ApiResult<Done> {
    let me = administer(&c)?;
    let h = body.parse()?;
    actions::add_head(&s.app, &me, &h).await?;
    Ok(Json(Done { ok: true }))
}

#[derive(Deserialize)]
struct UserIn {
    login: String,
    name: Option<String>,
    role: Role,
    unit: String,
    password: String,
}

/// An account (admin and secretariat): never a role above the creator's, never a unit
/// outside the creator's scope.
async fn add_user(State(s): State<AppState>, c: Caller, body: ApiJson<UserIn>) -> ApiResult<Done> {
    let me = administer(&c)?;
    let u = body.parse()?;
    let unit = UnitCode::parse(&u.unit).map_err(ApiError::invalid)?;
    actions::add_user(
        &s,
        &me,
        &chitieu_store::NewUser {
            login: &u.login,
            display_name: u.name.as_deref().unwrap_or(&u.login),
            role: u.role,
            unit: &unit,
            password: &u.password,
        },
    )
    .await?;
    Ok(Json(Done { ok: true }))
}

#[derive(Serialize)]
struct MeJson {
    login: String,
    name: String,
    role: Role,
    unit: String,
}

async fn me(c: Caller) -> ApiResult<MeJson> {
    let u = c.user()?;
    Ok(Json(MeJson {
        login: u.login.clone(),
        name: u.display_name.clone(),
        role: u.role,
        unit: u.unit.to_string(),
    }))
}

#[derive(Serialize)]
struct UserJson {
    login: String,
    role: Role,
    unit: String,
}

/// Accounts within the administrator's scope.
async fn users(State(s): State<AppState>, c: Caller) -> ApiResult<Vec<UserJson>> {
    let me = administer(&c)?;
    Ok(Json(
        actions::users(&s.app, &me)
            .await?
            .into_iter()
            .map(|(login, role, unit)| UserJson {
                login,
                role,
                unit: unit.to_string(),
            })
            .collect(),
    ))
}

#[derive(Deserialize)]
struct TokenIn {
    name: String,
    role: Role,
    unit: String,
}

#[derive(Serialize)]
struct TokenOut {
    name: String,
    /// Shown once; only its hash is stored.
    token: String,
}

/// An administrator creates a token for a machine client, scoped like a user and never
/// wider than the administrator.
async fn create_token(
    State(s): State<AppState>,
    c: Caller,
    body: ApiJson<TokenIn>,
) -> ApiResult<TokenOut> {
    let me = c.user()?.clone();
    if !role_allows(me.role, Action::IssueTokens) {
        return Err(ApiError::forbidden());
    }
    let body = body.parse()?;
    let unit = UnitCode::parse(&body.unit).map_err(ApiError::invalid)?;
    let token = actions::create_token(&s.app, &me, &body.name, body.role, &unit).await?;
    Ok(Json(TokenOut {
        name: body.name.trim().to_string(),
        token,
    }))
}

/// Tokens within the administrator's reach, without their secrets.
async fn list_tokens(
    State(s): State<AppState>,
    c: Caller,
) -> ApiResult<Vec<chitieu_store::TokenInfo>> {
    let me = c.user()?.clone();
    if !role_allows(me.role, Action::IssueTokens) {
        return Err(ApiError::forbidden());
    }
    Ok(Json(actions::tokens(&s.app, &me).await?))
}

/// Revokes a token by name: it stops working at once.
async fn revoke_token(State(s): State<AppState>, c: Caller, name: ApiPath) -> ApiResult<Done> {
    let me = c.user()?.clone();
    if !role_allows(me.role, Action::IssueTokens) {
        return Err(ApiError::forbidden());
    }
    let name = name.parse()?;
    actions::revoke_token(&s.app, &me, &name).await?;
    Ok(Json(Done { ok: true }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every route in the router is in the OpenAPI document, and every documented route exists.
    #[test]
    fn openapi_matches_the_routes() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
        assert_eq!(doc["openapi"].as_str().unwrap().chars().next(), Some('3'));
        let mut documented: Vec<(String, String)> = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                documented.push((method.to_uppercase(), path.clone()));
            }
        }
        let mut routed: Vec<(String, String)> = routes()
            .iter()
            .map(|(m, p, _)| (m.to_string(), p.to_string()))
            .collect();
        documented.sort();
        routed.sort();
        assert_eq!(routed, documented);
    }
}
