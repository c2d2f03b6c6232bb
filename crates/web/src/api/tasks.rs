//! Tasks and progress reports.

use super::common::*;

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
    let day = today();
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
        .ok_or_else(|| ApiError::not_found(&format!("nhiệm vụ {code}")))?;
    Ok(Json(TaskOut::new(t, today())))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct ProgressIn {
    progress: u8,
    #[serde(default)]
    note: String,
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
        .ok_or_else(|| ApiError::not_found(&format!("nhiệm vụ {code}")))?;
    if !actions::can_report(&s.live.snapshot(), &me, &t) {
        return Err(ApiError::forbidden());
    }
    let b = body.parse()?;
    actions::task_progress(&s.app, &me, &t, b.progress, &b.note, b.completed_on).await?;
    Ok(Json(Done { ok: true }))
}
