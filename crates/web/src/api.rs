//! The JSON API under `/api/v1`: bearer tokens for machine clients, the session cookie (with
//! the `X-CSRF-Token` header for writes) for the pages' own scripts. Errors are
//! `{code, message, message_en}`. The route table here is the one the router is built from,
//! the one the OpenAPI test reads, and the one the authorisation matrix test walks.

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use axum::{Json, Router};
use axum_extra::extract::cookie::CookieJar;
use chitieu_domain::permission::{Action, Role, in_scope, may_enter, role_allows};
use chitieu_domain::value::check_value;
use chitieu_domain::{Period, UnitCode, ValueInput, ValueState};
use chitieu_store::{NewValue, SessionUser, ValueFilter};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{SESSION_COOKIE, constant_time_eq};
use crate::live::{BadInput, Snapshot, today};

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
    r
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
        }
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

    /// Reading a unit's own records needs the unit in the caller's scope.
    fn read_unit(&self, snap: &Snapshot, unit: &UnitCode) -> Result<&SessionUser, ApiError> {
        let u = self.user()?;
        if in_scope(&snap.units, &u.unit, unit) {
            Ok(u)
        } else {
            Err(ApiError::forbidden())
        }
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

/// Exact decimals as JSON numbers, written from their text.
fn number(d: &rust_decimal::Decimal) -> serde_json::Number {
    chitieu_domain::text::format_decimal(d)
        .parse::<serde_json::Number>()
        .unwrap_or_else(|_| serde_json::Number::from(0))
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
    Path(code): Path<String>,
) -> ApiResult<IndicatorDetail> {
    c.user()?;
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
    Query(q): Query<AssessQuery>,
) -> ApiResult<Vec<chitieu_analytics::assess::Row>> {
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
    Query(q): Query<AssessQuery>,
) -> ApiResult<Vec<chitieu_analytics::assess::Warning>> {
    c.user()?;
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
    Query(q): Query<FigureQuery>,
) -> ApiResult<FigureJson> {
    c.user()?;
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
    Query(q): Query<UnitsQuery>,
) -> ApiResult<Vec<UnitJson>> {
    c.user()?;
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

async fn unit(
    State(s): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
) -> ApiResult<UnitDetail> {
    c.user()?;
    let code = UnitCode::parse(&code).map_err(BadInput)?;
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

/// A unit's stored values (with comments and workflow state): the unit must be in scope.
async fn values(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<ValuesQuery>,
) -> ApiResult<Vec<chitieu_store::ValueRow>> {
    let me = c.user()?;
    let unit = match q.unit.as_deref().filter(|u| !u.is_empty()) {
        Some(u) => UnitCode::parse(u).map_err(BadInput)?,
        None => me.unit.clone(),
    };
    {
        let snap = snap(&s).await?;
        if snap.unit(&unit).is_none() {
            return Err(ApiError::not_found(&format!("đơn vị {unit}")));
        }
        c.read_unit(&snap, &unit)?;
    }
    let period = q
        .period
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(str::parse::<Period>)
        .transpose()
        .map_err(|e| BadInput(e.to_string()))?;
    let (_, ids) = s.store.catalog().await?;
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

#[derive(Deserialize)]
struct ValueIn {
    indicator: String,
    unit: String,
    period: String,
    value: Option<rust_decimal::Decimal>,
    numerator: Option<rust_decimal::Decimal>,
    denominator: Option<rust_decimal::Decimal>,
    #[serde(default)]
    comment: String,
}

#[derive(Deserialize)]
struct ValuesIn {
    /// `draft` (default) or `submitted`.
    #[serde(default)]
    state: Option<String>,
    values: Vec<ValueIn>,
}

#[derive(Serialize)]
struct ItemError {
    index: usize,
    field: String,
    reason: String,
}

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
    Json(body): Json<ValuesIn>,
) -> Result<Response, ApiError> {
    let me = c.user()?.clone();
    if !role_allows(me.role, Action::Enter) {
        return Err(ApiError::forbidden());
    }
    let state = match body.state.as_deref() {
        None | Some("draft") => ValueState::Draft,
        Some("submitted") => ValueState::Submitted,
        Some(other) => {
            return Err(BadInput(format!(
                "trạng thái \"{other}\" không hợp lệ (draft, submitted)"
            ))
            .into());
        }
    };
    let (_, ids) = s.store.catalog().await?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut forbidden = false;
    {
        let snap = snap(&s).await?;
        let plan = snap
            .plan
            .as_ref()
            .ok_or_else(|| ApiError::not_found("kế hoạch"))?;
        for (index, v) in body.values.iter().enumerate() {
            let mut err = |field: &str, reason: String| {
                errors.push(ItemError {
                    index,
                    field: field.into(),
                    reason,
                })
            };
            let Some(ind) = plan.indicator(&v.indicator) else {
                err(
                    "indicator",
                    format!("không có chỉ tiêu \"{}\"", v.indicator),
                );
                continue;
            };
            let Some(unit) = UnitCode::parse(&v.unit)
                .ok()
                .and_then(|u| snap.unit(&u).cloned())
            else {
                err("unit", format!("không có đơn vị \"{}\"", v.unit));
                continue;
            };
            let period: Period = match v.period.parse() {
                Ok(p) => p,
                Err(e) => {
                    err("period", format!("{e}"));
                    continue;
                }
            };
            if !may_enter(
                &snap.units,
                me.role,
                &me.unit,
                &plan.plan.owner,
                ind,
                &unit.code,
            ) {
                forbidden = true;
                continue;
            }
            let input = ValueInput {
                value: v.value,
                numerator: v.numerator,
                denominator: v.denominator,
            };
            match check_value(ind, &unit, &period, &input) {
                Ok((value, numerator, denominator)) => rows.push(NewValue {
                    indicator_id: ids.indicators[&ind.code],
                    unit_id: ids.units[&unit.code],
                    period,
                    value,
                    numerator,
                    denominator,
                    comment: chitieu_domain::text::nfc(&v.comment),
                }),
                Err(e) => err(e.field, e.reason),
            }
        }
    }
    if forbidden {
        return Err(ApiError::forbidden());
    }
    if !errors.is_empty() {
        let body = serde_json::json!({
            "code": "invalid_values",
            "message": "Có giá trị không hợp lệ; không có giá trị nào được ghi",
            "message_en": "Some values are invalid; nothing was written",
            "errors": errors,
        });
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response());
    }
    let changed = s
        .store
        .upsert_values(&rows, state, &me.login, "API", |_| {})
        .await?;
    s.live.sync().await?;
    Ok(Json(PutResult {
        received: rows.len(),
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
    Query(q): Query<TaskQuery>,
) -> ApiResult<Vec<TaskJson>> {
    c.user()?;
    let day = today();
    let all = s.store.tasks().await?;
    Ok(Json(
        all.into_iter()
            .filter(|t| {
                q.unit.as_deref().is_none_or(|u| {
                    t.lead_unit.as_str() == u
                        || t.coordinating_units.iter().any(|c| c.as_str() == u)
                }) && q.year.is_none_or(|y| t.year == y)
                    && q.status
                        .as_deref()
                        .is_none_or(|st| t.status_on(day).as_str() == st)
            })
            .map(|t| TaskJson {
                status: t.status_on(day).as_str(),
                task: t,
            })
            .collect(),
    ))
}

async fn task(
    State(s): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
) -> ApiResult<TaskJson> {
    c.user()?;
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
    /// The completion date, when the task is done.
    completed_on: Option<chrono::NaiveDate>,
}

#[derive(Serialize)]
struct Done {
    ok: bool,
}

fn store_input(e: chitieu_store::StoreError) -> ApiError {
    match e {
        chitieu_store::StoreError::Invalid(m) | chitieu_store::StoreError::NotFound(m) => {
            BadInput(m).into()
        }
        other => other.into(),
    }
}

/// Progress on a task, by its lead or a coordinating unit.
async fn task_progress(
    State(s): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
    Json(b): Json<ProgressIn>,
) -> ApiResult<Done> {
    let me = c.user()?.clone();
    let t = s
        .store
        .tasks()
        .await?
        .into_iter()
        .find(|t| t.code == code)
        .ok_or_else(|| ApiError::not_found(&format!("nhiệm vụ {code}")))?;
    {
        let snap = snap(&s).await?;
        let mine = std::iter::once(&t.lead_unit)
            .chain(&t.coordinating_units)
            .any(|u| in_scope(&snap.units, &me.unit, u));
        if !role_allows(me.role, Action::Enter) || !mine {
            return Err(ApiError::forbidden());
        }
    }
    if b.progress > 100 {
        return Err(BadInput(format!("tiến độ {}% vượt quá 100%", b.progress)).into());
    }
    let note = chitieu_domain::text::nfc(&b.note);
    s.store
        .add_task_update(
            &t.code,
            today(),
            b.progress,
            &note,
            b.completed_on,
            &me.login,
        )
        .await
        .map_err(store_input)?;
    Ok(Json(Done { ok: true }))
}

fn administer(c: &Caller) -> Result<SessionUser, ApiError> {
    let me = c.user()?;
    if !role_allows(me.role, Action::Administer) {
        return Err(ApiError::forbidden());
    }
    Ok(me.clone())
}

/// A target, new or changed (admin and secretariat).
async fn set_target(
    State(s): State<AppState>,
    c: Caller,
    Json(t): Json<chitieu_domain::Target>,
) -> ApiResult<Done> {
    let me = administer(&c)?;
    s.store
        .set_target(&t, &me.login)
        .await
        .map_err(store_input)?;
    s.live.sync().await?;
    Ok(Json(Done { ok: true }))
}

/// A head's term of office (admin and secretariat); terms of one unit must not overlap.
async fn add_head(
    State(s): State<AppState>,
    c: Caller,
    Json(h): Json<chitieu_domain::Head>,
) -> ApiResult<Done> {
    let me = administer(&c)?;
    s.store.add_head(&h, &me.login).await.map_err(store_input)?;
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

/// An account (admin and secretariat; only an admin creates admins).
async fn add_user(State(s): State<AppState>, c: Caller, Json(u): Json<UserIn>) -> ApiResult<Done> {
    let me = administer(&c)?;
    if u.role == Role::Admin && me.role != Role::Admin {
        return Err(ApiError::forbidden());
    }
    let unit = UnitCode::parse(&u.unit).map_err(BadInput)?;
    s.store
        .add_user(
            &chitieu_store::NewUser {
                login: &u.login,
                display_name: u.name.as_deref().unwrap_or(&u.login),
                role: u.role,
                unit: &unit,
                password: &u.password,
            },
            &me.login,
        )
        .await
        .map_err(store_input)?;
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

async fn users(State(s): State<AppState>, c: Caller) -> ApiResult<Vec<UserJson>> {
    let u = c.user()?;
    if !role_allows(u.role, Action::Administer) {
        return Err(ApiError::forbidden());
    }
    Ok(Json(
        s.store
            .users()
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

/// An administrator creates a token for a machine client, scoped like a user.
async fn create_token(
    State(s): State<AppState>,
    c: Caller,
    _h: HeaderMap,
    Json(body): Json<TokenIn>,
) -> ApiResult<TokenOut> {
    let u = c.user()?;
    if u.role != Role::Admin {
        return Err(ApiError::forbidden());
    }
    let unit = UnitCode::parse(&body.unit).map_err(BadInput)?;
    let token = s
        .store
        .create_token(&body.name, body.role, &unit, &u.login)
        .await
        .map_err(|e| match e {
            chitieu_store::StoreError::Invalid(m) | chitieu_store::StoreError::NotFound(m) => {
                ApiError::from(BadInput(m))
            }
            other => ApiError::from(other),
        })?;
    Ok(Json(TokenOut {
        name: body.name,
        token,
    }))
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
