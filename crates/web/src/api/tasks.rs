//! Tasks and progress reports.

use super::*;

#[derive(Deserialize)]
pub(super) struct TaskQuery {
    unit: Option<String>,
    year: Option<i32>,
    status: Option<String>,
}

#[derive(Serialize)]
pub(super) struct TaskJson {
    #[serde(flatten)]
    task: chitieu_domain::Task,
    status: &'static str,
}

pub(super) async fn tasks(
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

pub(super) async fn task(
    State(s): State<AppState>,
    c: Caller,
    code: ApiPath,
) -> ApiResult<TaskJson> {
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
pub(super) struct ProgressIn {
    progress: u8,
    #[serde(default)]
    note: String,
    /// The completion date, when the task is done: only the lead unit's head or the
    /// standing office may set it, between the task's start and today.
    completed_on: Option<chrono::NaiveDate>,
}

/// Progress on a task, by its lead or a coordinating unit.
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
