//! Tasks and progress reports.

use super::common::*;
use chitieu_domain::Thing;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct TaskQuery {
    /// A unit that leads or coordinates the task.
    unit: Option<String>,
    /// Work-programme year.
    year: Option<i32>,
    /// `completed_on_time`, `completed_late`, `in_progress` or `overdue`.
    status: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks",
    summary = "Nhiệm vụ",
    description = "Tasks of the work programmes, filtered by unit, year and status.",
    params(TaskQuery),
    responses((status = 200, body = Vec<TaskOut>), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub(super) async fn tasks(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<TaskQuery>,
) -> ApiResult<Vec<TaskOut>> {
    c.user()?;
    let q = q.parse()?;
    let day = s.today();
    let all = s.live.snapshot().tasks.to_vec();
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
            .map(|t| TaskOut::new(t, day))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/tasks/{code}", tag = "tasks",
    summary = "Một nhiệm vụ",
    description = "One task with its progress reports and status today.",
    params(("code" = String, Path, description = "Task code")),
    responses((status = 200, body = TaskOut), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn task(
    State(s): State<AppState>,
    c: Caller,
    code: ApiPath,
) -> ApiResult<TaskOut> {
    c.user()?;
    let code = code.parse()?;
    let t = s
        .live
        .snapshot()
        .task(&code)
        .cloned()
        .ok_or_else(|| ApiError::unknown(Thing::Task, &code))?;
    Ok(Json(TaskOut::new(t, s.today())))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct ProgressIn {
    progress: u8,
    /// The result so far.
    #[serde(default)]
    note: String,
    /// Difficulties met (khó khăn, vướng mắc).
    #[serde(default)]
    difficulties: String,
    /// Proposals (kiến nghị, đề xuất).
    #[serde(default)]
    proposals: String,
    /// The completion date, when the task is done: only the lead unit's head or the
    /// standing office may set it, between the task's start and today.
    completed_on: Option<chrono::NaiveDate>,
}

/// Progress on a task, by its lead or a coordinating unit.
#[utoipa::path(post, path = "/api/v1/tasks/{code}/progress", tag = "tasks",
    summary = "Cập nhật tiến độ",
    description = "Progress on a task, by its lead or a coordinating unit. completed_on: only the lead unit's head or the standing office, between the task's start and today.",
    params(("code" = String, Path, description = "Task code")),
    request_body = ProgressIn,
    responses((status = 200, body = Done), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn task_progress(
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
        .live
        .snapshot()
        .task(&code)
        .cloned()
        .ok_or_else(|| ApiError::unknown(Thing::Task, &code))?;
    if !actions::may_report(&s.live.snapshot(), &me, &t) {
        return Err(ApiError::forbidden());
    }
    let b = body.parse()?;
    let report = chitieu_domain::task::ReportText {
        note: &b.note,
        difficulties: &b.difficulties,
        proposals: &b.proposals,
    };
    actions::task_progress(&s.app, &me, &t, b.progress, &report, b.completed_on, vec![]).await?;
    Ok(Json(Done { ok: true }))
}

/// A new task, as a system or a script sends it.
#[derive(Deserialize, ToSchema)]
pub(super) struct TaskIn {
    /// Letters without marks, digits, `-`, `_`, `.`; at most 40.
    code: String,
    title: String,
    /// The work-programme year; default: the deadline's year.
    year: Option<i32>,
    lead_unit: String,
    #[serde(default)]
    coordinating_units: Vec<String>,
    /// Default: today.
    start: Option<chrono::NaiveDate>,
    deadline: chrono::NaiveDate,
    #[serde(default)]
    expected_product: String,
    #[serde(default)]
    indicators: Vec<String>,
    /// The source document: "12/TB-BCĐ", its date, its issuer.
    #[serde(default)]
    source_number: String,
    source_date: Option<chrono::NaiveDate>,
    #[serde(default)]
    source_issuer: String,
    /// `central` (ngân sách trung ương), `province` (ngân sách tỉnh) or `private` (xã hội
    /// hóa), with the amounts allocated and disbursed in million đồng.
    #[serde(default)]
    funding_source: String,
    #[serde(default)]
    funding_allocated: Option<FigureText>,
    #[serde(default)]
    funding_disbursed: Option<FigureText>,
}

fn figure(f: Option<FigureText>) -> String {
    f.map(|f| f.0).unwrap_or_default()
}

fn text_date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Creates a task. The standing office (secretariat, admin) assigns to any unit in its
/// scope, a unit's head to its own unit.
#[utoipa::path(post, path = "/api/v1/tasks", tag = "tasks",
    summary = "Giao nhiệm vụ",
    description = "Creates a task. The secretariat and administrators assign to units in their scope, a unit's head to its own unit. 422 names the field.",
    request_body = TaskIn,
    responses((status = 200, body = TaskOut), (status = 401, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn create_task(
    State(s): State<AppState>,
    c: Caller,
    body: ApiJson<TaskIn>,
) -> ApiResult<TaskOut> {
    let me = c.user()?.clone();
    if !chitieu_app::tasks::may_assign_any(&me) {
        return Err(ApiError::forbidden());
    }
    let b = body.parse()?;
    let input = chitieu_app::tasks::TaskInput {
        code: b.code,
        title: b.title,
        year: b.year.map(|y| y.to_string()).unwrap_or_default(),
        lead_unit: b.lead_unit,
        coordinating_units: b.coordinating_units,
        start: text_date(b.start),
        deadline: b.deadline.to_string(),
        expected_product: b.expected_product,
        indicators: b.indicators,
        source_number: b.source_number,
        source_date: text_date(b.source_date),
        source_issuer: b.source_issuer,
        funding_source: b.funding_source,
        funding_allocated: figure(b.funding_allocated),
        funding_disbursed: figure(b.funding_disbursed),
        notation: Default::default(),
    };
    let t = chitieu_app::tasks::create_task(&s.app, &me, &input).await?;
    Ok(Json(TaskOut::new(t, s.today())))
}

/// A change to a task: only the fields given change.
#[derive(Deserialize, ToSchema)]
pub(super) struct TaskPatchIn {
    title: Option<String>,
    year: Option<i32>,
    lead_unit: Option<String>,
    coordinating_units: Option<Vec<String>>,
    start: Option<chrono::NaiveDate>,
    deadline: Option<chrono::NaiveDate>,
    expected_product: Option<String>,
    indicators: Option<Vec<String>>,
    source_number: Option<String>,
    source_date: Option<chrono::NaiveDate>,
    source_issuer: Option<String>,
    funding_source: Option<String>,
    funding_allocated: Option<FigureText>,
    funding_disbursed: Option<FigureText>,
    /// Withdraws the task today, with this reason.
    cancel_reason: Option<String>,
    /// The completed task's product falls short of requirements, for this reason (recorded
    /// today, once); it costs part of the task's points in the year's evaluation.
    product_defect: Option<String>,
    /// The task's `version` the change was made on (as a GET gave it): when someone changed
    /// the task since, the answer is 409 naming who, when and what, and nothing is written.
    /// Without it, the version this server holds (two changes at once still never merge
    /// silently: the later one is refused).
    version: Option<i64>,
}

/// Changes or cancels a task, by whoever may assign work to its lead unit (before and after
/// the change).
#[utoipa::path(patch, path = "/api/v1/tasks/{code}", tag = "tasks",
    summary = "Sửa, hủy nhiệm vụ",
    description = "Changes a task (only the fields given), cancels it (cancel_reason), or records that its product falls short of requirements (product_defect, on a completed task). By whoever may assign work to its lead unit, before and after the change; progress and completion are kept.",
    params(("code" = String, Path, description = "Task code")),
    request_body = TaskPatchIn,
    responses((status = 200, body = TaskOut), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn update_task(
    State(s): State<AppState>,
    c: Caller,
    code: ApiPath,
    body: ApiJson<TaskPatchIn>,
) -> ApiResult<TaskOut> {
    let me = c.user()?.clone();
    if !chitieu_app::tasks::may_assign_any(&me) {
        return Err(ApiError::forbidden());
    }
    let code = code.parse()?;
    let b = body.parse()?;
    let patch = chitieu_app::tasks::TaskPatch {
        title: b.title,
        year: b.year.map(|y| y.to_string()),
        lead_unit: b.lead_unit,
        coordinating_units: b.coordinating_units,
        start: b.start.map(|d| d.to_string()),
        deadline: b.deadline.map(|d| d.to_string()),
        expected_product: b.expected_product,
        indicators: b.indicators,
        source_number: b.source_number,
        source_date: b.source_date.map(|d| d.to_string()),
        source_issuer: b.source_issuer,
        funding_source: b.funding_source,
        funding_allocated: b.funding_allocated.map(|f| f.0),
        funding_disbursed: b.funding_disbursed.map(|f| f.0),
        cancel_reason: b.cancel_reason,
        product_defect: b.product_defect,
        notation: Default::default(),
        version: b.version,
    };
    let t = chitieu_app::tasks::update_task(&s.app, &me, &code, &patch).await?;
    Ok(Json(TaskOut::new(t, s.today())))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ProgrammeQuery {
    /// The unit; default the caller's own.
    unit: Option<String>,
    /// The year; default this year.
    year: Option<i32>,
}

/// A target of the unit's programme, where it stands.
#[derive(Serialize, ToSchema)]
pub(super) struct ProgrammeTarget {
    indicator: String,
    comparator: String,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::exact")]
    #[schema(value_type = String)]
    value: f64,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::exact_opt")]
    #[schema(value_type = Option<String>)]
    latest_value: Option<f64>,
    status: String,
}

/// A unit's annual work programme.
#[derive(Serialize, ToSchema)]
pub(super) struct ProgrammeOut {
    unit: String,
    year: i32,
    /// The head's sign-off: login and day; none while not signed.
    signed_by: Option<String>,
    signed_on: Option<chrono::NaiveDate>,
    /// Tasks done (on time or late) and tasks not cancelled.
    done: usize,
    total: usize,
    tasks: Vec<TaskOut>,
    targets: Vec<ProgrammeTarget>,
}

#[utoipa::path(get, path = "/api/v1/programmes", tag = "tasks",
    summary = "Chương trình công tác năm",
    description = "A unit's annual work programme: its tasks for the year, the targets assigned to it for the year with their status, and its head's sign-off.",
    params(ProgrammeQuery),
    responses((status = 200, body = ProgrammeOut), (status = 400, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn programme(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<ProgrammeQuery>,
) -> ApiResult<ProgrammeOut> {
    let me = c.user()?.clone();
    let q = q.parse()?;
    let unit = match q.unit.as_deref().filter(|u| !u.is_empty()) {
        Some(u) => UnitCode::parse(u).map_err(ApiError::from)?,
        None => me.unit.clone(),
    };
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&s.today()));
    let p = chitieu_app::programme::programme(&s.app, &unit, year).await?;
    let (done, total) = p.done_of();
    let day = s.today();
    Ok(Json(ProgrammeOut {
        unit: p.unit.to_string(),
        year: p.year,
        signed_by: p.signed.as_ref().map(|s| s.0.clone()),
        signed_on: p.signed.as_ref().map(|s| s.1),
        done,
        total,
        tasks: p.tasks.into_iter().map(|t| TaskOut::new(t, day)).collect(),
        targets: p
            .targets
            .iter()
            .map(|r| ProgrammeTarget {
                indicator: r.indicator.clone(),
                comparator: r.comparator.to_string(),
                value: r.target_value,
                latest_value: r.latest_value,
                status: r.status.as_str().to_string(),
            })
            .collect(),
    }))
}

/// The unit's head signs its programme off for the year (once).
#[utoipa::path(post, path = "/api/v1/programmes/{unit}/{year}/sign", tag = "tasks",
    summary = "Ký duyệt chương trình công tác năm",
    description = "The unit's head signs its annual work programme off, today; once a year, by no one else.",
    params(("unit" = String, Path, description = "Unit code"), ("year" = i32, Path, description = "Year")),
    responses((status = 200, body = Done), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn sign_programme(
    State(s): State<AppState>,
    c: Caller,
    axum::extract::Path((unit, year)): axum::extract::Path<(String, String)>,
) -> ApiResult<Done> {
    let me = c.user()?.clone();
    let unit =
        UnitCode::parse(&unit).map_err(|_| ApiError::unknown(Thing::Unit, &unit.to_string()))?;
    if !chitieu_app::programme::may_sign(&me, &unit) {
        return Err(ApiError::forbidden());
    }
    let year: i32 = year.parse().map_err(|_| {
        ApiError::from(chitieu_domain::Refusal::malformed(
            chitieu_domain::Field::Year,
            &year,
        ))
    })?;
    chitieu_app::programme::sign(&s.app, &me, &unit, year).await?;
    Ok(Json(Done { ok: true }))
}
