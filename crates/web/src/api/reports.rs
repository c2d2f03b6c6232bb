//! Report forms, reports and their transitions, and reporting completeness.

use super::common::*;
use chitieu_domain::report::{Form, ReportAction};

#[derive(Serialize, ToSchema)]
pub(super) struct FormOut {
    code: String,
    name: String,
    /// `month`, `quarter`, `semester` or `year`.
    frequency: String,
    /// Days after the period's end that a report is due.
    due_days: u32,
    /// Kinds of unit that send it: `department` (the province's figures of the indicators
    /// it leads), `commune`, `ward`, …
    reported_by: Vec<String>,
    indicators: Vec<String>,
}

impl From<&Form> for FormOut {
    fn from(f: &Form) -> Self {
        FormOut {
            code: f.code.clone(),
            name: f.name.clone(),
            frequency: f.frequency.as_str().into(),
            due_days: f.due_days,
            reported_by: f.reported_by.iter().map(|k| k.as_str().into()).collect(),
            indicators: f.indicators.clone(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/forms", tag = "reports",
    summary = "Biểu mẫu báo cáo",
    description = "The plan's report forms: indicators, who reports, how often, days until due.",
    responses((status = 200, body = Vec<FormOut>), (status = 401, body = Problem)))]
pub(super) async fn forms(State(s): State<AppState>, c: Caller) -> ApiResult<Vec<FormOut>> {
    c.user()?;
    let snap = snap(&s).await?;
    let forms = snap
        .plan
        .as_ref()
        .map(|p| p.forms.as_slice())
        .unwrap_or(&[]);
    Ok(Json(forms.iter().map(FormOut::from).collect()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ReportQuery {
    /// A period code (`2026Q3`); default each form's last complete period.
    period: Option<String>,
    unit: Option<String>,
    form: Option<String>,
    /// `draft`, `submitted`, `approved`, `accepted` or `returned`.
    state: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct ReportOut {
    form: String,
    unit: String,
    period: String,
    /// `draft`, `submitted`, `approved`, `accepted` or `returned`.
    state: String,
    due: chrono::NaiveDate,
    submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    accepted_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Not received by its due day (sent late, or still not sent after it).
    late: bool,
    /// The reason of the last return or reopening.
    reason: String,
}

/// Every report expected for the period(s) asked, with its state (a report nobody touched
/// is a draft), within the caller's scope.
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports",
    summary = "Báo cáo",
    description = "Reports (form × unit × period) expected, with state, due day, submission and acceptance times and lateness; within the caller's unit scope.",
    params(ReportQuery),
    responses((status = 200, body = Vec<ReportOut>), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub(super) async fn reports(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<ReportQuery>,
) -> ApiResult<Vec<ReportOut>> {
    let me = c.user()?.clone();
    let q = q.parse()?;
    let period = chitieu_app::live::optional_period(q.period.as_deref())?;
    let state: Option<ValueState> = q
        .state
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().map_err(BadInput))
        .transpose()?;
    let unit = q
        .unit
        .as_deref()
        .filter(|u| !u.is_empty())
        .map(UnitCode::parse)
        .transpose()
        .map_err(BadInput)?;
    let snap = snap(&s).await?;
    let list = chitieu_app::reports::list(
        &snap,
        &me,
        &chitieu_app::reports::Query {
            period,
            unit,
            form: q.form.filter(|f| !f.is_empty()),
            state,
        },
        snap.today(),
    );
    Ok(Json(
        list.into_iter()
            .map(|r| ReportOut {
                form: r.form,
                unit: r.unit.to_string(),
                period: r.period.to_string(),
                state: r.state.as_str().into(),
                due: r.due,
                submitted_at: r.submitted_at,
                accepted_at: r.accepted_at,
                late: r.late,
                reason: r.reason,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema, Default)]
pub(super) struct ActIn {
    /// Needed to return or reopen; shown to the reporter.
    #[serde(default)]
    reason: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct ActOut {
    /// The report's state after the action.
    state: String,
}

/// Moves a report: `submit` (reporter or head of the unit), `approve` (its head),
/// `accept`, `reopen` (secretariat above), `return` (its head or the secretariat above).
#[utoipa::path(post, path = "/api/v1/reports/{form}/{unit}/{period}/{action}", tag = "reports",
    summary = "Gửi, duyệt, tiếp nhận, trả lại, mở lại báo cáo",
    description = "action: submit, approve, accept, return, reopen. return and reopen need {\"reason\": \"...\"}. 403 for a role or unit that may not; 409 from a state that does not allow it; 422 without a needed reason or with figures missing.",
    params(("form" = String, Path), ("unit" = String, Path), ("period" = String, Path), ("action" = String, Path)),
    request_body = ActIn,
    responses((status = 200, body = ActOut), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn act(
    State(s): State<AppState>,
    c: Caller,
    axum::extract::Path((form, unit, period, action)): axum::extract::Path<(
        String,
        String,
        String,
        String,
    )>,
    body: axum::body::Bytes,
) -> ApiResult<ActOut> {
    let me = c.user()?.clone();
    let action: ReportAction = action
        .parse()
        .map_err(|r: chitieu_domain::Refusal| ApiError::not_found(&r))?;
    // An empty body is no reason; one given must be JSON.
    let b: ActIn = if body.iter().all(u8::is_ascii_whitespace) {
        ActIn::default()
    } else {
        super::extract::parse_json(&body)?
    };
    let to = actions::act_on_report(
        &s.app,
        &me,
        &actions::ReportRequest {
            form: &form,
            unit: &unit,
            period: &period,
            action,
            reason: &b.reason,
        },
    )
    .await?;
    Ok(Json(ActOut {
        state: to.as_str().into(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct CompletenessQuery {
    /// A period code; default each form's last complete period.
    period: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct CompletenessOut {
    form: String,
    period: String,
    due: chrono::NaiveDate,
    expected: u32,
    received: u32,
    on_time: u32,
    /// received ÷ expected, in %, never above 100.
    #[serde(serialize_with = "chitieu_domain::text::figure_json::measure_opt")]
    #[schema(value_type = Option<String>)]
    received_pct: Option<f64>,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::measure_opt")]
    #[schema(value_type = Option<String>)]
    on_time_pct: Option<f64>,
    /// Units whose report is late (sent after the due day, or not sent and the day passed).
    late_units: Vec<String>,
}

/// Completeness and timeliness per form for a period, over the reporting units in the
/// caller's scope.
#[utoipa::path(get, path = "/api/v1/completeness", tag = "reports",
    summary = "Tính đầy đủ và đúng hạn của báo cáo",
    description = "Per form: reports expected from the units in the caller's scope (those that exist on the period's last day), received (submitted or further), on time (submitted by the due day), the shares in % (never above 100) and the late units.",
    params(CompletenessQuery),
    responses((status = 200, body = Vec<CompletenessOut>), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub(super) async fn completeness(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<CompletenessQuery>,
) -> ApiResult<Vec<CompletenessOut>> {
    let me = c.user()?.clone();
    let q = q.parse()?;
    let period = chitieu_app::live::optional_period(q.period.as_deref())?;
    let snap = snap(&s).await?;
    let list = chitieu_app::reports::list(
        &snap,
        &me,
        &chitieu_app::reports::Query {
            period,
            ..Default::default()
        },
        snap.today(),
    );
    // Per form and period, in the order the forms are listed.
    let mut groups: Vec<Vec<chitieu_app::reports::Listed>> = Vec::new();
    for r in list {
        match groups
            .iter_mut()
            .find(|g| g[0].form == r.form && g[0].period == r.period)
        {
            Some(g) => g.push(r),
            None => groups.push(vec![r]),
        }
    }
    let out = groups
        .iter()
        .map(|g| {
            let c = chitieu_app::reports::completeness(g);
            CompletenessOut {
                form: g[0].form.clone(),
                period: g[0].period.to_string(),
                due: g[0].due,
                expected: c.expected,
                received: c.received,
                on_time: c.on_time,
                received_pct: c.received_pct(),
                on_time_pct: c.on_time_pct(),
                late_units: g
                    .iter()
                    .filter(|r| r.late)
                    .map(|r| r.unit.to_string())
                    .collect(),
            }
        })
        .collect();
    Ok(Json(out))
}
