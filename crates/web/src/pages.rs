//! Server-rendered pages. Thin handlers: read the snapshot, check authorisation, fill a
//! typed template. Every figure comes from the engine.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use chitieu_analytics::assess::Row;
use chitieu_domain::permission::{Action, in_scope, may_enter, role_allows};
use chitieu_domain::{Indicator, Period, PeriodKind, TaskStatus, UnitCode, ValueState};
use chitieu_store::{SessionUser, ValueFilter};
use serde::Deserialize;
use std::collections::HashMap;
use std::time::Duration;

use crate::AppState;
use crate::auth::{LANG_COOKIE, LOGIN_CSRF_COOKIE, SESSION_COOKIE, Viewer};
use crate::i18n::Tr;
use chitieu_app::actions::{self, ActionError, EvidenceItem, ValueItem};
use chitieu_app::live::{Snapshot, today};

/// A page that could not be shown; rendered in the viewer's language, never with detail.
#[derive(Debug)]
pub enum PageError {
    SignIn,
    /// Input that cannot be used; the message says why.
    Invalid(Tr, String),
    Forbidden(Tr),
    NotFound(Tr),
    /// An upload over the size limit.
    TooLarge(Tr),
    Internal(Tr),
}

impl PageError {
    pub fn internal(tr: Tr, e: impl std::fmt::Display) -> PageError {
        tracing::error!(error = %e, "page error");
        PageError::Internal(tr)
    }

    /// A refused action as a page: 403, 404, or 422 with the reason.
    fn action(tr: Tr, e: ActionError) -> PageError {
        match e {
            ActionError::Forbidden => PageError::Forbidden(tr),
            ActionError::Invalid(m) | ActionError::NotFound(m) => PageError::Invalid(tr, m),
            ActionError::InvalidItems(items) => PageError::Invalid(
                tr,
                items
                    .iter()
                    .map(|i| i.reason.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ActionError::Conflict(cs) => PageError::Invalid(
                tr,
                cs.iter()
                    .map(|c| format!("{} {} {}: {}", c.indicator, c.unit, c.period, c.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ActionError::Internal(e) => PageError::internal(tr, e),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    t: Tr,
    user: Option<SessionUser>,
    admin: bool,
    code: u16,
    message: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct InvalidPage {
    t: Tr,
    user: Option<SessionUser>,
    admin: bool,
    code: u16,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, t, key) = match self {
            PageError::SignIn => return Redirect::to("/login").into_response(),
            PageError::Invalid(t, msg) => {
                let page = InvalidPage {
                    t,
                    user: None,
                    admin: false,
                    code: 422,
                    message: msg,
                };
                return (StatusCode::UNPROCESSABLE_ENTITY, page).into_response();
            }
            PageError::Forbidden(t) => (StatusCode::FORBIDDEN, t, "forbidden"),
            PageError::NotFound(t) => (StatusCode::NOT_FOUND, t, "not_found"),
            PageError::TooLarge(t) => (StatusCode::PAYLOAD_TOO_LARGE, t, "too_large"),
            PageError::Internal(t) => (StatusCode::INTERNAL_SERVER_ERROR, t, "server_error"),
        };
        let page = ErrorPage {
            t,
            user: None,
            admin: false,
            code: status.as_u16(),
            message: t.t(key),
        };
        (status, page).into_response()
    }
}

type PageResult = Result<Response, PageError>;

/// A URL-encoded form, read only when the handler asks, after it has checked who is asking:
/// someone who may not post learns nothing from how the body was refused. A body that
/// cannot be read becomes the 422 page, one over the size limit the 413 page.
pub struct LazyForm(Result<HashMap<String, String>, StatusCode>);

impl<S: Send + Sync> axum::extract::FromRequest<S> for LazyForm {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        Ok(LazyForm(
            Form::<HashMap<String, String>>::from_request(req, state)
                .await
                .map(|Form(f)| f)
                .map_err(|e| e.status()),
        ))
    }
}

impl LazyForm {
    fn read(self, tr: Tr) -> Result<HashMap<String, String>, PageError> {
        self.0.map_err(|status| {
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                PageError::TooLarge(tr)
            } else {
                PageError::Invalid(tr, tr.t("bad_form").to_string())
            }
        })
    }
}

/// An internal failure becomes the 500 page; the detail goes to the log only.
trait Or500<T> {
    fn or_500(self, tr: Tr) -> Result<T, PageError>;
}

impl<T, E: std::fmt::Display> Or500<T> for Result<T, E> {
    fn or_500(self, tr: Tr) -> Result<T, PageError> {
        self.map_err(|e| PageError::internal(tr, e))
    }
}

fn is_admin(u: &Option<SessionUser>) -> bool {
    u.as_ref()
        .is_some_and(|u| role_allows(u.role, Action::Administer))
}

async fn snapshot<'a>(
    s: &'a AppState,
    tr: Tr,
) -> Result<std::sync::RwLockReadGuard<'a, Snapshot>, PageError> {
    s.live.read().await.or_500(tr)
}

fn status_class(code: &str) -> &'static str {
    chitieu_domain::status::standing_of(code).as_str()
}

fn fmt_value(t: &Tr, v: Option<f64>) -> String {
    v.map(|v| t.num(v, 2)).unwrap_or_else(|| "—".into())
}

fn target_text(t: &Tr, r: &Row, unit_of_measure: &str) -> String {
    let sign = match r.comparator {
        ">=" => "≥",
        "<=" => "≤",
        c => c,
    };
    format!(
        "{sign} {} {unit_of_measure} ({})",
        t.num(r.target_value, 2),
        r.target_year
    )
}

fn current_row<'a>(rows: &'a [Row], code: &str) -> Option<&'a Row> {
    let mine: Vec<&Row> = rows.iter().filter(|r| r.indicator == code).collect();
    mine.iter().find(|r| r.current).or(mine.last()).copied()
}

fn unit_name(snap: &Snapshot, code: &UnitCode) -> String {
    snap.unit(code)
        .map_or_else(|| code.to_string(), |u| u.name.clone())
}

// ---------------------------------------------------------------- overview

struct Card {
    code: String,
    name: String,
    latest: String,
    unit_of_measure: String,
    period: String,
    targets: Vec<String>,
    status_class: &'static str,
    status_label: &'static str,
    spark: String,
}

struct GroupView {
    name: String,
    cards: Vec<Card>,
}

#[derive(Template, WebTemplate)]
#[template(path = "overview.html")]
struct OverviewPage {
    t: Tr,
    user: Option<SessionUser>,
    admin: bool,
    plan_name: String,
    unit_name: String,
    as_of: String,
    counts: (usize, usize, usize, usize, usize),
    completeness: String,
    groups: Vec<GroupView>,
    overdue: Vec<(String, String, String, String)>,
}

pub async fn overview(State(s): State<AppState>, v: Viewer) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let tasks = s.store.tasks().await.or_500(tr)?;
    let snap = snapshot(&s, tr).await?;
    let Some(plan) = snap.plan.as_ref() else {
        return Err(PageError::NotFound(tr));
    };
    let owner = plan.plan.owner.clone();
    let day = today();
    let rows = snap.assess(None, Some(day), Some("unsd2022")).or_500(tr)?;
    let mut counts = (0, 0, 0, 0, 0);
    let mut groups = Vec::new();
    for g in &plan.groups {
        let mut cards = Vec::new();
        for ind in plan.indicators.iter().filter(|i| i.group == g.code) {
            let row = current_row(&rows, &ind.code);
            let status = row.map_or("insufficient_data", |r| r.status);
            match status_class(status) {
                "achieved" => counts.0 += 1,
                "on_track" => counts.1 += 1,
                "at_risk" => counts.2 += 1,
                "off_track" => counts.3 += 1,
                _ => counts.4 += 1,
            }
            let yearly = snap
                .engine
                .yearly(&ind.code, &owner, day)
                .unwrap_or_default();
            let spark: Vec<String> = yearly
                .iter()
                .map(|(_, f)| f.value.round_dp(4).to_string())
                .collect();
            cards.push(Card {
                code: ind.code.clone(),
                name: if tr.is_en() {
                    ind.name_en.clone()
                } else {
                    ind.name.clone()
                },
                latest: fmt_value(&tr, row.and_then(|r| r.latest_value)),
                unit_of_measure: ind.unit_of_measure.clone(),
                period: row
                    .and_then(|r| r.latest_period.clone())
                    .unwrap_or_default(),
                targets: rows
                    .iter()
                    .filter(|r| r.indicator == ind.code)
                    .map(|r| target_text(&tr, r, &ind.unit_of_measure))
                    .collect(),
                status_class: status_class(status),
                status_label: tr.status(status),
                spark: format!("[{}]", spark.join(",")),
            });
        }
        groups.push(GroupView {
            name: if tr.is_en() {
                g.name_en.clone()
            } else {
                g.name.clone()
            },
            cards,
        });
    }
    let overdue = tasks
        .iter()
        .filter(|t| t.status_on(day) == TaskStatus::Overdue)
        .map(|t| {
            (
                t.code.clone(),
                t.title.clone(),
                unit_name(&snap, &t.lead_unit),
                tr.date(&t.deadline),
            )
        })
        .collect();
    let completeness = chitieu_domain::reporting::completeness(
        &plan.indicators,
        &snap.units,
        &owner,
        day,
        |ind, unit, p| snap.engine.has_own(&ind.code, unit, p),
    )
    .map(|p| format!("{}%", tr.num(p, 0)))
    .unwrap_or_else(|| "—".into());
    let page = OverviewPage {
        t: tr,
        admin: is_admin(&v.user),
        user: v.user.clone(),
        plan_name: plan.plan.name.clone(),
        unit_name: unit_name(&snap, &owner),
        as_of: tr.date(&day),
        counts,
        completeness,
        groups,
        overdue,
    };
    Ok(page.into_response())
}

// ---------------------------------------------------------------- indicator

#[derive(Template, WebTemplate)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    t: Tr,
    user: Option<SessionUser>,
    admin: bool,
    code: String,
    name: String,
    group: String,
    chart_years: String,
    chart_values: String,
    chart_targets: String,
    chart_projection: String,
    yearly: Vec<(i32, String)>,
    rows: Vec<(String, String, &'static str, &'static str, String)>,
    by_unit: Vec<(String, String, String, String, String)>,
    by_unit_note: &'static str,
    bar_labels: String,
    bar_values: String,
    definition: String,
    formula: String,
    source: String,
    lead: String,
    coordinating: String,
}

pub async fn indicator(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let snap = snapshot(&s, tr).await?;
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    let ind = plan.indicator(&code).ok_or(PageError::NotFound(tr))?;
    let owner = &plan.plan.owner;
    let day = today();
    let yearly = snap
        .engine
        .yearly(&ind.code, owner, day)
        .unwrap_or_default();
    let rows: Vec<Row> = snap
        .assess(None, Some(day), Some("unsd2022"))
        .or_500(tr)?
        .into_iter()
        .filter(|r| r.indicator == ind.code)
        .collect();
    let json = |xs: Vec<String>| format!("[{}]", xs.join(","));
    let chart_targets = json(
        plan.targets
            .iter()
            .filter(|t| t.indicator == ind.code && &t.unit == owner)
            .map(|t| {
                format!(
                    "[{},{},\"{} {} ({})\"]",
                    t.year,
                    t.value,
                    t.comparator.sign(),
                    t.value,
                    t.year
                )
            })
            .collect(),
    );
    let projection = rows.iter().find(|r| r.current).and_then(|r| {
        Some(format!(
            "[[{},{}],[{},{}]]",
            r.latest_year?, r.latest_value?, r.target_year, r.projected_value?
        ))
    });
    let group = plan
        .groups
        .iter()
        .find(|g| g.code == ind.group)
        .map(|g| g.name.clone())
        .unwrap_or_default();
    // By unit: the province's children that report the indicator, for the latest year.
    let latest_year = yearly.last().map(|(y, _)| *y);
    let mut by_unit = Vec::new();
    let mut bars = (Vec::new(), Vec::new());
    if ind.unit_aggregation != chitieu_domain::UnitAggregation::None
        && let Some(y) = latest_year
    {
        for u in snap
            .units
            .iter()
            .filter(|u| u.parent.as_ref() == Some(owner) && ind.reported_by_kind(u.kind))
        {
            if let Ok(Some(f)) =
                snap.engine
                    .figure_as_of(&ind.code, &u.code, Period::year(y), Some(day))
            {
                let x: f64 = f.value.round_dp(4).to_string().parse().unwrap_or(0.0);
                bars.0.push(format!("\"{}\"", u.name.replace('"', "'")));
                bars.1.push(format!("{x}"));
                by_unit.push((
                    u.code.to_string(),
                    u.name.clone(),
                    tr.num(x, 2),
                    format!("{x}"),
                    f.last_period.to_string(),
                ));
            }
        }
    }
    let page = IndicatorPage {
        t: tr,
        admin: is_admin(&v.user),
        user: v.user.clone(),
        code: ind.code.clone(),
        name: if tr.is_en() {
            ind.name_en.clone()
        } else {
            ind.name.clone()
        },
        group,
        chart_years: json(yearly.iter().map(|(y, _)| y.to_string()).collect()),
        chart_values: json(
            yearly
                .iter()
                .map(|(_, f)| f.value.round_dp(4).to_string())
                .collect(),
        ),
        chart_targets,
        chart_projection: projection.unwrap_or_else(|| "[]".into()),
        yearly: yearly
            .iter()
            .map(|(y, f)| {
                (
                    *y,
                    tr.num(f.value.round_dp(4).to_string().parse().unwrap_or(0.0), 2),
                )
            })
            .collect(),
        rows: rows
            .iter()
            .map(|r| {
                (
                    target_text(&tr, r, &ind.unit_of_measure),
                    fmt_value(&tr, r.latest_value),
                    status_class(r.status),
                    tr.status(r.status),
                    r.projected_value
                        .map(|p| format!("{} ({})", tr.num(p, 2), r.target_year))
                        .unwrap_or_else(|| "—".into()),
                )
            })
            .collect(),
        by_unit,
        by_unit_note: if tr.is_en() {
            "Reported at province level only."
        } else {
            "Chỉ tiêu chỉ báo cáo ở cấp tỉnh."
        },
        bar_labels: json(bars.0),
        bar_values: json(bars.1),
        definition: ind.definition.clone(),
        formula: match (&ind.numerator_label, &ind.denominator_label) {
            (Some(n), Some(d)) => format!("{n} / {d} × {}", ind.ratio_factor()),
            _ => ind.unit_of_measure.clone(),
        },
        source: ind.data_source.clone(),
        lead: unit_name(&snap, &ind.lead_unit),
        coordinating: ind
            .coordinating_units
            .iter()
            .map(|c| unit_name(&snap, c))
            .collect::<Vec<_>>()
            .join(", "),
    };
    Ok(page.into_response())
}

// ---------------------------------------------------------------- unit, tasks, my work

pub struct TaskRow {
    code: String,
    title: String,
    lead: String,
    deadline: String,
    status_code: &'static str,
    status: &'static str,
}

fn task_rows(snap: &Snapshot, tr: Tr, tasks: &[chitieu_domain::Task]) -> Vec<TaskRow> {
    let day = today();
    tasks
        .iter()
        .map(|t| {
            let st = t.status_on(day);
            TaskRow {
                code: t.code.clone(),
                title: t.title.clone(),
                lead: unit_name(snap, &t.lead_unit),
                deadline: tr.date(&t.deadline),
                status_code: st.as_str(),
                status: tr.task_status(st),
            }
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "unit.html")]
struct UnitPage {
    t: Tr,
    user: Option<SessionUser>,
    admin: bool,
    code: String,
    name: String,
    kind: &'static str,
    head: Option<(String, String, String)>,
    past_heads: Vec<(String, String, String)>,
    rows: Vec<(String, String, String, String, &'static str, &'static str)>,
    tasks: Vec<TaskRow>,
}

pub async fn unit(State(s): State<AppState>, v: Viewer, Path(code): Path<String>) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let code = UnitCode::parse(&code).map_err(|_| PageError::NotFound(tr))?;
    let heads = s.store.heads().await.or_500(tr)?;
    let tasks = s.store.tasks().await.or_500(tr)?;
    let snap = snapshot(&s, tr).await?;
    let unit = snap.unit(&code).ok_or(PageError::NotFound(tr))?.clone();
    let day = today();
    let term = |h: &chitieu_domain::Head| {
        format!(
            "{} – {}",
            tr.date(&h.term_start),
            h.term_end.map(|d| tr.date(&d)).unwrap_or_default()
        )
    };
    let mine: Vec<&chitieu_domain::Head> = heads.iter().filter(|h| h.unit == code).collect();
    let current = chitieu_domain::head::head_on(&heads, &code, day);
    let rows = snap
        .assess(Some(code.as_str()), Some(day), Some("unsd2022"))
        .unwrap_or_default();
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    let unit_tasks: Vec<chitieu_domain::Task> = tasks
        .into_iter()
        .filter(|t| t.lead_unit == code || t.coordinating_units.contains(&code))
        .collect();
    let page = UnitPage {
        t: tr,
        admin: is_admin(&v.user),
        user: v.user.clone(),
        code: code.to_string(),
        name: unit.name.clone(),
        kind: if tr.is_en() {
            unit.kind.label_en()
        } else {
            unit.kind.label_vi()
        },
        head: current.map(|h| (h.person.clone(), h.title.clone(), term(h))),
        past_heads: mine
            .iter()
            .filter(|h| Some(**h) != current)
            .map(|h| (h.person.clone(), h.title.clone(), term(h)))
            .collect(),
        rows: rows
            .iter()
            .filter_map(|r| {
                let ind = plan.indicator(&r.indicator)?;
                Some((
                    r.indicator.clone(),
                    if tr.is_en() {
                        ind.name_en.clone()
                    } else {
                        ind.name.clone()
                    },
                    fmt_value(&tr, r.latest_value),
                    target_text(&tr, r, &ind.unit_of_measure),
                    status_class(r.status),
                    tr.status(r.status),
                ))
            })
            .collect(),
        tasks: task_rows(&snap, tr, &unit_tasks),
    };
    Ok(page.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "tasks.html")]
struct TasksPage {
    t: Tr,
    user: Option<SessionUser>,
    admin: bool,
    unit_options: Vec<(String, String)>,
    status_options: Vec<(String, &'static str)>,
    f_unit: String,
    f_year: String,
    f_status: String,
    tasks: Vec<TaskRow>,
}

#[derive(Deserialize)]
pub struct TaskFilter {
    unit: Option<String>,
    year: Option<String>,
    status: Option<String>,
}

pub async fn tasks(
    State(s): State<AppState>,
    v: Viewer,
    Query(f): Query<TaskFilter>,
) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let all = s.store.tasks().await.or_500(tr)?;
    let snap = snapshot(&s, tr).await?;
    let day = today();
    let f_unit = f.unit.unwrap_or_default();
    let f_year = f.year.unwrap_or_default();
    let f_status = f.status.unwrap_or_default();
    let filter = chitieu_domain::task::TaskFilter::parse(&f_unit, &f_year, &f_status)
        .map_err(|e| PageError::Invalid(tr, e))?;
    let list: Vec<chitieu_domain::Task> =
        all.into_iter().filter(|t| filter.matches(t, day)).collect();
    let mut leads: Vec<UnitCode> = Vec::new();
    for u in snap
        .units
        .iter()
        .filter(|u| !u.kind.is_commune_level() || u.code.as_str() == f_unit)
    {
        leads.push(u.code.clone());
    }
    let page = TasksPage {
        t: tr,
        admin: is_admin(&v.user),
        user: v.user.clone(),
        unit_options: snap
            .units
            .iter()
            .filter(|u| leads.contains(&u.code) && u.parent.is_some())
            .map(|u| (u.code.to_string(), u.name.clone()))
            .collect(),
        status_options: TaskStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), tr.task_status(*s)))
            .collect(),
        f_unit,
        f_year,
        f_status,
        tasks: task_rows(&snap, tr, &list),
    };
    Ok(page.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "task.html")]
struct TaskPage {
    t: Tr,
    user: Option<SessionUser>,
    admin: bool,
    code: String,
    title: String,
    status_code: &'static str,
    status: &'static str,
    lead: String,
    coordinating: String,
    deadline: String,
    product: String,
    indicators: String,
    updates: Vec<(String, u8, String, String)>,
    can_update: bool,
    /// The lead unit's head or the standing office: may declare the task completed.
    can_complete: bool,
    /// Bounds of the completion date, `YYYY-MM-DD`.
    start: String,
    today: String,
    csrf: String,
    evidence: Vec<chitieu_store::EvidenceInfo>,
}

pub async fn task(State(s): State<AppState>, v: Viewer, Path(code): Path<String>) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let all = s.store.tasks().await.or_500(tr)?;
    let t = all
        .into_iter()
        .find(|t| t.code == code)
        .ok_or(PageError::NotFound(tr))?;
    let evidence = s.store.evidence_list("task", &t.code).await.or_500(tr)?;
    let snap = snapshot(&s, tr).await?;
    let st = t.status_on(today());
    let me = v.user()?;
    let page = TaskPage {
        can_update: actions::can_report(&snap, me, &t),
        can_complete: actions::can_complete(&snap, me, &t),
        start: t.start.to_string(),
        today: today().to_string(),
        csrf: me.csrf.clone(),
        evidence,
        t: tr,
        admin: is_admin(&v.user),
        user: v.user.clone(),
        code: t.code.clone(),
        title: t.title.clone(),
        status_code: st.as_str(),
        status: tr.task_status(st),
        lead: unit_name(&snap, &t.lead_unit),
        coordinating: t
            .coordinating_units
            .iter()
            .map(|c| unit_name(&snap, c))
            .collect::<Vec<_>>()
            .join(", "),
        deadline: tr.date(&t.deadline),
        product: t.expected_product.clone(),
        indicators: t.indicators.join(", "),
        updates: t
            .updates
            .iter()
            .map(|u| (tr.date(&u.on), u.progress, u.note.clone(), u.author.clone()))
            .collect(),
    };
    Ok(page.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "my.html")]
struct MyPage {
    t: Tr,
    user: Option<SessionUser>,
    admin: bool,
    unit_name: String,
    due: Vec<(String, String, String, String, String, &'static str)>,
    tasks: Vec<TaskRow>,
}

/// What a user's unit must report for the last complete period of each indicator.
fn due_items(snap: &Snapshot, u: &SessionUser) -> Vec<(Indicator, UnitCode, Period)> {
    let Some(plan) = snap.plan.as_ref() else {
        return Vec::new();
    };
    chitieu_domain::reporting::due_for(
        &plan.indicators,
        &snap.units,
        &plan.plan.owner,
        u.role,
        &u.unit,
        today(),
    )
    .into_iter()
    .map(|d| (d.indicator.clone(), d.unit, d.period))
    .collect()
}

pub async fn my_work(State(s): State<AppState>, v: Viewer) -> PageResult {
    let tr = v.tr;
    let u = v.user()?.clone();
    let all = s.store.tasks().await.or_500(tr)?;
    let snap = snapshot(&s, tr).await?;
    let due = due_items(&snap, &u)
        .into_iter()
        .map(|(ind, unit, p)| {
            let done = snap.engine.has_own(&ind.code, &unit, p);
            (
                format!(
                    "{} · {}",
                    ind.code,
                    if tr.is_en() { &ind.name_en } else { &ind.name }
                ),
                unit_name(&snap, &unit),
                unit.to_string(),
                p.to_string(),
                p.to_string(),
                if done { tr.t("met") } else { tr.t("no_data") },
            )
        })
        .collect();
    let mine: Vec<chitieu_domain::Task> = all
        .into_iter()
        .filter(|t| t.lead_unit == u.unit || t.coordinating_units.contains(&u.unit))
        .collect();
    let page = MyPage {
        t: tr,
        admin: is_admin(&v.user),
        unit_name: unit_name(&snap, &u.unit),
        user: v.user.clone(),
        due,
        tasks: task_rows(&snap, tr, &mine),
    };
    Ok(page.into_response())
}

// ---------------------------------------------------------------- data entry

pub struct Field {
    code: String,
    name: String,
    unit_of_measure: String,
    ratio: bool,
    num_label: String,
    den_label: String,
    value: String,
    numerator: String,
    denominator: String,
    comment: String,
    state: Option<&'static str>,
    evidence: Vec<chitieu_store::EvidenceInfo>,
    error: Option<String>,
    /// The stored version the form was opened at (0: none yet); sent back with a save so
    /// that a change made meanwhile by someone else is not silently overwritten.
    version: i64,
    /// The figures as they were when the form was opened, to tell which fields the person
    /// changed.
    orig: [String; 4],
    /// Accepted by the standing office: shown, not editable.
    locked: bool,
    /// Someone else's change met this field's save: what happened, and their figures.
    conflict: Option<(String, String)>,
}

impl Field {
    /// An empty field for an indicator, labelled in the viewer's language.
    fn blank(i: &Indicator, tr: Tr) -> Field {
        Field {
            code: i.code.clone(),
            name: if tr.is_en() {
                i.name_en.clone()
            } else {
                i.name.clone()
            },
            unit_of_measure: i.unit_of_measure.clone(),
            ratio: i.is_ratio(),
            num_label: i
                .numerator_label
                .clone()
                .unwrap_or_else(|| tr.t("numerator").into()),
            den_label: i
                .denominator_label
                .clone()
                .unwrap_or_else(|| tr.t("denominator").into()),
            value: String::new(),
            numerator: String::new(),
            denominator: String::new(),
            comment: String::new(),
            state: None,
            evidence: Vec::new(),
            error: None,
            version: 0,
            orig: Default::default(),
            locked: false,
            conflict: None,
        }
    }

    /// The field as stored: figures, state, version, lock and evidence.
    fn stored(
        i: &Indicator,
        tr: Tr,
        row: Option<&chitieu_store::ValueRow>,
        evidence: Vec<chitieu_store::EvidenceInfo>,
    ) -> Field {
        let dec = |d: &Option<rust_decimal::Decimal>| {
            d.map(|d| chitieu_domain::text::format_decimal(&d))
                .unwrap_or_default()
        };
        let state = row.and_then(|r| r.state.parse::<ValueState>().ok());
        let value = row
            .filter(|_| !i.is_ratio())
            .map(|r| dec(&Some(r.value)))
            .unwrap_or_default();
        let numerator = row.map(|r| dec(&r.numerator)).unwrap_or_default();
        let denominator = row.map(|r| dec(&r.denominator)).unwrap_or_default();
        let comment = row.map(|r| r.comment.clone()).unwrap_or_default();
        Field {
            orig: [
                value.clone(),
                numerator.clone(),
                denominator.clone(),
                comment.clone(),
            ],
            value,
            numerator,
            denominator,
            comment,
            state: state.map(|s| s.label_vi()),
            locked: state == Some(ValueState::Accepted),
            version: row.map_or(0, |r| r.version),
            evidence,
            ..Field::blank(i, tr)
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "entry.html")]
struct EntryPage {
    t: Tr,
    user: Option<SessionUser>,
    admin: bool,
    csrf: String,
    unit_code: String,
    unit_name: String,
    unit_options: Vec<(String, String)>,
    period: String,
    period_label: String,
    saved: bool,
    has_errors: bool,
    has_conflicts: bool,
    /// Some field can still be changed (not all accepted and locked).
    editable: bool,
    fields: Vec<Field>,
}

impl EntryPage {
    fn new(
        snap: &Snapshot,
        v: &Viewer,
        u: &SessionUser,
        unit: &UnitCode,
        period: &Period,
        fields: Vec<Field>,
    ) -> EntryPage {
        EntryPage {
            t: v.tr,
            user: v.user.clone(),
            admin: is_admin(&v.user),
            csrf: u.csrf.clone(),
            unit_name: unit_name(snap, unit),
            unit_options: entry_unit_options(snap, u),
            unit_code: unit.to_string(),
            period: period.to_string(),
            period_label: period.label_vi(),
            saved: false,
            has_errors: false,
            has_conflicts: false,
            editable: fields.iter().any(|f| !f.locked),
            fields,
        }
    }
}

#[derive(Deserialize)]
pub struct EntryQuery {
    unit: Option<String>,
    period: Option<String>,
    saved: Option<String>,
}

/// The indicators `user` may enter for `unit` in `period`; 403 when there are none because
/// the unit lies outside the user's scope.
fn entry_indicators<'a>(
    snap: &'a Snapshot,
    user: &SessionUser,
    unit: &UnitCode,
    period: &Period,
    tr: Tr,
) -> Result<Vec<&'a Indicator>, PageError> {
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    let unit_rec = snap.unit(unit).ok_or(PageError::NotFound(tr))?;
    let allowed: Vec<&Indicator> = plan
        .indicators
        .iter()
        .filter(|i| {
            may_enter(
                &snap.units,
                user.role,
                &user.unit,
                &plan.plan.owner,
                i,
                unit,
            )
        })
        .collect();
    if allowed.is_empty() {
        return Err(PageError::Forbidden(tr));
    }
    Ok(allowed
        .into_iter()
        .filter(|i| {
            i.frequency == period.kind()
                && i.reported_by_kind(unit_rec.kind)
                && i.derived_from.is_none()
        })
        .collect())
}

fn default_period() -> Period {
    Period::last_complete(PeriodKind::Quarter, today())
}

fn entry_unit_options(snap: &Snapshot, user: &SessionUser) -> Vec<(String, String)> {
    let owner = snap.plan.as_ref().map(|p| p.plan.owner.clone());
    snap.units
        .iter()
        .filter(|u| {
            in_scope(&snap.units, &user.unit, &u.code)
                || (Some(&u.code) == owner.as_ref()
                    && snap
                        .plan
                        .as_ref()
                        .is_some_and(|p| p.indicators.iter().any(|i| i.lead_unit == user.unit)))
        })
        .take(500)
        .map(|u| (u.code.to_string(), u.name.clone()))
        .collect()
}

/// The entry form's fields for `unit` and `period` as stored now.
async fn stored_fields(
    s: &AppState,
    tr: Tr,
    u: &SessionUser,
    unit: &UnitCode,
    period: &Period,
) -> Result<Vec<Field>, PageError> {
    let inds: Vec<Indicator> = {
        let snap = snapshot(s, tr).await?;
        entry_indicators(&snap, u, unit, period, tr)?
            .into_iter()
            .cloned()
            .collect()
    };
    let ids = s.store.ids().await.or_500(tr)?;
    let stored = s
        .store
        .values(
            &ValueFilter {
                indicator: None,
                unit: Some(unit.clone()),
            },
            &ids,
        )
        .await
        .or_500(tr)?;
    let mut fields = Vec::with_capacity(inds.len());
    for i in &inds {
        let evidence = s
            .store
            .evidence_list("value", &actions::value_key(&i.code, unit, period))
            .await
            .or_500(tr)?;
        let row = stored
            .iter()
            .find(|r| r.indicator == i.code && r.period == *period);
        fields.push(Field::stored(i, tr, row, evidence));
    }
    Ok(fields)
}

pub async fn entry_form(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<EntryQuery>,
) -> PageResult {
    let tr = v.tr;
    let u = v.user()?.clone();
    if !role_allows(u.role, Action::Enter) {
        return Err(PageError::Forbidden(tr));
    }
    let unit = match q.unit.as_deref().filter(|s| !s.is_empty()) {
        Some(c) => UnitCode::parse(c).map_err(|_| PageError::NotFound(tr))?,
        None => u.unit.clone(),
    };
    let period = match q.period.as_deref().filter(|s| !s.is_empty()) {
        Some(p) => p.parse::<Period>().map_err(|_| PageError::NotFound(tr))?,
        None => default_period(),
    };
    let fields = stored_fields(&s, tr, &u, &unit, &period).await?;
    let snap = snapshot(&s, tr).await?;
    let page = EntryPage::new(&snap, &v, &u, &unit, &period, fields);
    Ok(EntryPage {
        saved: q.saved.is_some(),
        ..page
    }
    .into_response())
}

/// Saves the entry form. Writes only what the person changed (or, on "submit", every
/// filled field), each with the version the form was opened at, and the evidence files,
/// all in one transaction through the one write path. A field someone else changed
/// meanwhile comes back with both figures and a choice; nothing is written until every
/// such choice is made.
pub async fn entry_save(
    State(s): State<AppState>,
    v: Viewer,
    mp: axum::extract::Multipart,
) -> PageResult {
    let tr = v.tr;
    // Who is asking comes first; the body (with its files) is read only for them.
    let signed_in = v.user()?;
    if !role_allows(signed_in.role, Action::Enter) {
        return Err(PageError::Forbidden(tr));
    }
    let MultiForm {
        fields: form,
        files,
    } = read_multipart(mp, tr).await?;
    let u = v.check_csrf(&form)?.clone();
    let unit =
        UnitCode::parse(form.get("unit").map_or("", |s| s)).map_err(|_| PageError::NotFound(tr))?;
    let period: Period = form
        .get("period")
        .map_or("", |s| s)
        .parse()
        .map_err(|_| PageError::NotFound(tr))?;
    let submit = form.get("action").map(String::as_str) == Some("submit");
    let state = if submit {
        ValueState::Submitted
    } else {
        ValueState::Draft
    };
    // The form as the person left it, over the fields as stored now.
    let mut fields = stored_fields(&s, tr, &u, &unit, &period).await?;
    let get = |p: &str, code: &str| {
        form.get(&format!("{p}.{code}"))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let mut has_errors = false;
    let mut evidence = Vec::new();
    for f in fields.iter_mut().filter(|f| !f.locked) {
        f.value = get("v", &f.code);
        f.numerator = get("n", &f.code);
        f.denominator = get("d", &f.code);
        f.comment = get("c", &f.code);
        f.version = get("ver", &f.code).parse().unwrap_or(0);
        f.orig = ["ov", "on", "od", "oc"].map(|k| get(k, &f.code));
        for (field, name, bytes) in &files {
            if field != &format!("e.{}", f.code) {
                continue;
            }
            let name = chitieu_store::safe_file_name(name);
            match chitieu_store::check_file(&name, bytes) {
                Ok(_) => evidence.push(EvidenceItem {
                    indicator: f.code.clone(),
                    unit: unit.clone(),
                    period,
                    file_name: name,
                    bytes: bytes.clone(),
                }),
                Err(e) => {
                    has_errors = true;
                    f.error = Some(format!("{name}: {e}"));
                }
            }
        }
    }
    // Which fields to write, with their versions.
    let mut chosen: Vec<usize> = Vec::new();
    for (k, f) in fields.iter().enumerate() {
        if f.locked || f.error.is_some() {
            continue;
        }
        let filled = !(f.value.is_empty() && f.numerator.is_empty() && f.denominator.is_empty());
        let changed = [&f.value, &f.numerator, &f.denominator, &f.comment]
            != [&f.orig[0], &f.orig[1], &f.orig[2], &f.orig[3]];
        match get("keep", &f.code).as_str() {
            "theirs" => continue,
            "mine" => chosen.push(k),
            _ if filled && (changed || submit) => chosen.push(k),
            _ => {}
        }
    }
    let unit_text = unit.to_string();
    let period_text = period.to_string();
    let items: Vec<ValueItem> = chosen
        .iter()
        .map(|&k| {
            let f = &fields[k];
            ValueItem {
                text: chitieu_domain::value::ValueText {
                    indicator: &f.code,
                    unit: &unit_text,
                    period: &period_text,
                    value: if f.ratio { "" } else { &f.value },
                    numerator: if f.ratio { &f.numerator } else { "" },
                    denominator: if f.ratio { &f.denominator } else { "" },
                    comment: &f.comment,
                },
                version: Some(f.version),
            }
        })
        .collect();
    let outcome = if has_errors {
        None
    } else if items.is_empty() && evidence.is_empty() {
        Some(Ok(0))
    } else {
        Some(
            actions::write_values(
                &s,
                &u,
                &items,
                evidence,
                state,
                &format!("nhập trên web {unit} {period}"),
            )
            .await,
        )
    };
    drop(items);
    let mut has_conflicts = false;
    match outcome {
        Some(Ok(_)) => {
            return Ok(
                Redirect::to(&format!("/entry?unit={unit}&period={period}&saved=1"))
                    .into_response(),
            );
        }
        None => {}
        Some(Err(ActionError::InvalidItems(errors))) => {
            has_errors = true;
            for e in errors {
                let label = match e.field {
                    "numerator" | "denominator" | "value" | "comment" => tr.t(e.field),
                    other => other,
                };
                fields[chosen[e.index]].error = Some(format!("{label}: {}", e.reason));
            }
        }
        Some(Err(ActionError::Conflict(conflicts))) => {
            has_conflicts = true;
            for c in conflicts {
                if let Some(f) = fields.iter_mut().find(|f| f.code == c.indicator) {
                    // The save goes on from what is stored now, if the person keeps theirs.
                    f.version = c.current.version;
                    f.conflict = Some((c.reason.clone(), c.current.figures_vi()));
                    if c.kind == chitieu_store::ConflictKind::Locked {
                        // Nothing to choose: show what was accepted.
                        let dec = |d: &Option<rust_decimal::Decimal>| {
                            d.map(|d| chitieu_domain::text::format_decimal(&d))
                                .unwrap_or_default()
                        };
                        f.locked = true;
                        f.value = if f.ratio {
                            String::new()
                        } else {
                            dec(&Some(c.current.value))
                        };
                        f.numerator = dec(&c.current.numerator);
                        f.denominator = dec(&c.current.denominator);
                        f.comment = c.current.comment.clone();
                    }
                }
            }
        }
        Some(Err(e)) => return Err(PageError::action(tr, e)),
    }
    let snap = snapshot(&s, tr).await?;
    let page = EntryPage {
        has_errors,
        has_conflicts,
        ..EntryPage::new(&snap, &v, &u, &unit, &period, fields)
    };
    let status = if has_conflicts {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, page).into_response())
}

// ---------------------------------------------------------------- evidence, task progress

/// A multipart form: its text fields and its files (field, file name, bytes).
pub struct MultiForm {
    pub fields: HashMap<String, String>,
    pub files: Vec<(String, String, Vec<u8>)>,
}

/// Reads a multipart form. A body over the upload limit is a 413; one that cannot be read
/// is a 422 saying so.
pub async fn read_multipart(
    mut mp: axum::extract::Multipart,
    tr: Tr,
) -> Result<MultiForm, PageError> {
    let refused = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            PageError::TooLarge(tr)
        } else {
            PageError::Invalid(tr, tr.t("bad_form").to_string())
        }
    };
    let mut out = MultiForm {
        fields: HashMap::new(),
        files: Vec::new(),
    };
    while let Some(field) = mp.next_field().await.map_err(refused)? {
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            Some(file) => {
                let bytes = field.bytes().await.map_err(refused)?;
                if !file.is_empty() && !bytes.is_empty() {
                    out.files.push((name, file, bytes.to_vec()));
                }
            }
            None => {
                let text = field.text().await.map_err(refused)?;
                out.fields.insert(name, text);
            }
        }
    }
    Ok(out)
}

/// Downloads an evidence file: tasks' to anyone signed in, values' within the unit's scope.
pub async fn evidence(State(s): State<AppState>, v: Viewer, Path(id): Path<i32>) -> PageResult {
    let tr = v.tr;
    let u = v.user()?.clone();
    let (entity, key, name, content_type, bytes) = s
        .store
        .evidence_file(id)
        .await
        .or_500(tr)?
        .ok_or(PageError::NotFound(tr))?;
    if entity == "value" {
        let snap = snapshot(&s, tr).await?;
        let unit = key
            .split('/')
            .nth(1)
            .and_then(|c| UnitCode::parse(c).ok())
            .ok_or(PageError::NotFound(tr))?;
        let owner = snap.plan.as_ref().map(|p| &p.plan.owner);
        if !chitieu_domain::permission::may_read_value_evidence(&snap.units, &u.unit, owner, &unit)
        {
            return Err(PageError::Forbidden(tr));
        }
    }
    // Always a download, never rendered in our origin.
    let disposition = format!(
        "attachment; filename=\"evidence-{id}\"; filename*=UTF-8''{}",
        percent(&name)
    );
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub async fn task_progress(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
    mp: axum::extract::Multipart,
) -> PageResult {
    let tr = v.tr;
    let signed_in = v.user()?.clone();
    let t = s
        .store
        .tasks()
        .await
        .or_500(tr)?
        .into_iter()
        .find(|t| t.code == code)
        .ok_or(PageError::NotFound(tr))?;
    // Who is asking comes first; the body (with its files) is read only for them.
    if !actions::can_report(&s.live.snapshot(), &signed_in, &t) {
        return Err(PageError::Forbidden(tr));
    }
    let form = read_multipart(mp, tr).await?;
    let u = v.check_csrf(&form.fields)?.clone();
    let field = |k: &str| form.fields.get(k).map_or("", |s| s.trim());
    let completed = field("completed") == "on";
    let progress: u8 = if completed {
        100
    } else {
        field("progress")
            .parse()
            .ok()
            .filter(|p| *p <= 100)
            .ok_or_else(|| {
                PageError::Invalid(
                    tr,
                    format!("tiến độ \"{}\" phải là số từ 0 đến 100", field("progress")),
                )
            })?
    };
    let completed_on = if completed {
        Some(
            crate::api::parse_date(Some(field("completed_on")))
                .map_err(|e| PageError::Invalid(tr, e.0))?
                .unwrap_or_else(today),
        )
    } else {
        None
    };
    // Files first: a refused file leaves the task untouched.
    for (_, name, bytes) in &form.files {
        let name = chitieu_store::safe_file_name(name);
        chitieu_store::check_file(&name, bytes)
            .map_err(|e| PageError::Invalid(tr, format!("{name}: {e}")))?;
    }
    actions::task_progress(&s.app, &u, &t, progress, field("note"), completed_on)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    for (_, name, bytes) in form.files {
        s.store
            .add_evidence("task", &t.code, &name, bytes, &u.login)
            .await
            .map_err(|e| PageError::action(tr, e.into()))?;
    }
    Ok(Redirect::to(&format!("/tasks/{}", t.code)).into_response())
}

// ---------------------------------------------------------------- admin, public

#[derive(Template, WebTemplate)]
#[template(path = "admin.html")]
struct AdminPage {
    t: Tr,
    user: Option<SessionUser>,
    admin: bool,
    csrf: String,
    saved: bool,
    roles: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    indicator_codes: Vec<String>,
    users: Vec<(String, String, String)>,
    indicators: Vec<(String, String, String, String)>,
    heads: Vec<(String, String, String)>,
    /// Administrators (not the secretariat) manage tokens.
    can_tokens: bool,
    /// name, role, unit, created by and on, revoked
    tokens: Vec<(String, String, String, String, bool)>,
    /// A token just created: shown this once.
    new_token: Option<(String, String)>,
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn admin(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    admin_page(&s, &v, q.saved.is_some(), None).await
}

/// The administration page for the signed-in administrator: accounts, heads and tokens
/// within their scope.
async fn admin_page(
    s: &AppState,
    v: &Viewer,
    saved: bool,
    new_token: Option<(String, String)>,
) -> PageResult {
    let tr = v.tr;
    let snap_units = snapshot(s, tr).await?.units.clone();
    let me = v.require(Action::Administer, &snap_units, None)?.clone();
    let users = actions::users(&s.app, &me)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    let heads = s.store.heads().await.or_500(tr)?;
    let can_tokens = role_allows(me.role, Action::IssueTokens);
    let tokens = if can_tokens {
        actions::tokens(&s.app, &me)
            .await
            .map_err(|e| PageError::action(tr, e))?
    } else {
        Vec::new()
    };
    let snap = snapshot(s, tr).await?;
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    let role_label = |r: chitieu_domain::permission::Role| {
        if tr.is_en() {
            r.label_en()
        } else {
            r.label_vi()
        }
    };
    let page = AdminPage {
        t: tr,
        admin: true,
        csrf: me.csrf.clone(),
        saved,
        roles: chitieu_domain::permission::Role::ALL
            .iter()
            .filter(|r| r.rank() <= me.role.rank())
            .map(|r| (r.as_str(), role_label(*r)))
            .collect(),
        kinds: [
            chitieu_domain::UnitKind::Department,
            chitieu_domain::UnitKind::Commune,
            chitieu_domain::UnitKind::Ward,
            chitieu_domain::UnitKind::Enterprise,
            chitieu_domain::UnitKind::Other,
        ]
        .iter()
        .map(|k| (k.as_str(), k.label_vi()))
        .collect(),
        indicator_codes: plan.indicators.iter().map(|i| i.code.clone()).collect(),
        user: v.user.clone(),
        users: users
            .iter()
            .map(|(login, role, unit)| {
                (
                    login.clone(),
                    role_label(*role).to_string(),
                    unit_name(&snap, unit),
                )
            })
            .collect(),
        indicators: plan
            .indicators
            .iter()
            .map(|i| {
                let targets: Vec<String> = plan
                    .targets
                    .iter()
                    .filter(|t| t.indicator == i.code)
                    .map(|t| {
                        format!(
                            "{} {} ({}) — “{}”",
                            t.comparator.sign(),
                            t.value,
                            t.year,
                            t.wording
                        )
                    })
                    .collect();
                (
                    i.code.clone(),
                    i.name.clone(),
                    targets.join("; "),
                    unit_name(&snap, &i.lead_unit),
                )
            })
            .collect(),
        heads: heads
            .iter()
            .filter(|h| in_scope(&snap.units, &me.unit, &h.unit))
            .map(|h| {
                (
                    unit_name(&snap, &h.unit),
                    format!("{}, {}", h.person, h.title),
                    format!(
                        "{} – {}",
                        tr.date(&h.term_start),
                        h.term_end.map(|d| tr.date(&d)).unwrap_or_default()
                    ),
                )
            })
            .collect(),
        can_tokens,
        tokens: tokens
            .iter()
            .map(|t| {
                (
                    t.name.clone(),
                    role_label(t.role).to_string(),
                    unit_name(&snap, &t.unit),
                    format!("{}, {}", t.created_by, tr.date(&t.created_at.date_naive())),
                    t.revoked,
                )
            })
            .collect(),
        new_token,
    };
    Ok(page.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "public.html")]
struct PublicPage {
    t: Tr,
    user: Option<SessionUser>,
    admin: bool,
    plan_name: String,
    as_of: String,
    rows: Vec<(String, String, String, &'static str, &'static str)>,
}

pub async fn public(State(s): State<AppState>, v: Viewer) -> PageResult {
    let tr = v.tr;
    let snap = snapshot(&s, tr).await?;
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    let day = today();
    let rows = snap.assess(None, Some(day), Some("unsd2022")).or_500(tr)?;
    let page = PublicPage {
        t: tr,
        admin: is_admin(&v.user),
        user: v.user.clone(),
        plan_name: plan.plan.name.clone(),
        as_of: tr.date(&day),
        rows: rows
            .iter()
            .filter_map(|r| {
                let ind = plan.indicator(&r.indicator)?;
                Some((
                    if tr.is_en() {
                        ind.name_en.clone()
                    } else {
                        ind.name.clone()
                    },
                    format!("{} {}", fmt_value(&tr, r.latest_value), ind.unit_of_measure),
                    target_text(&tr, r, &ind.unit_of_measure),
                    status_class(r.status),
                    tr.status(r.status),
                ))
            })
            .collect(),
    };
    Ok(page.into_response())
}

/// An administration form: CSRF, the Administer right, then the change through the same
/// action the API uses (which checks the unit against the administrator's scope); a
/// refused change shows why and changes nothing.
pub async fn admin_save(
    State(s): State<AppState>,
    v: Viewer,
    Path(what): Path<String>,
    form: LazyForm,
) -> PageResult {
    let tr = v.tr;
    if !role_allows(v.user()?.role, Action::Administer) {
        return Err(PageError::Forbidden(tr));
    }
    let f = form.read(tr)?;
    let me = v.check_csrf(&f)?.clone();
    let get = |k: &str| f.get(k).map(|s| s.trim()).unwrap_or("");
    let invalid = |m: String| PageError::Invalid(tr, m);
    let unit = |k: &str| UnitCode::parse(get(k)).map_err(invalid);
    let date = |k: &str| crate::api::parse_date(Some(get(k))).map_err(|e| invalid(e.0));
    let refused = |e: ActionError| PageError::action(tr, e);
    match what.as_str() {
        "users" => {
            let role: chitieu_domain::permission::Role = get("role").parse().map_err(invalid)?;
            let unit = unit("unit")?;
            actions::add_user(
                &s,
                &me,
                &chitieu_store::NewUser {
                    login: get("login"),
                    display_name: if get("name").is_empty() {
                        get("login")
                    } else {
                        get("name")
                    },
                    role,
                    unit: &unit,
                    password: f.get("password").map_or("", |p| p),
                },
            )
            .await
            .map_err(refused)?;
        }
        "heads" => {
            let h = chitieu_domain::Head {
                unit: unit("unit")?,
                person: get("person").to_string(),
                title: get("title").to_string(),
                term_start: date("start")?
                    .ok_or_else(|| invalid("cần ngày bắt đầu nhiệm kỳ".into()))?,
                term_end: date("end")?,
            };
            actions::add_head(&s.app, &me, &h).await.map_err(refused)?;
        }
        "targets" => {
            let owner = snapshot(&s, tr)
                .await?
                .plan
                .as_ref()
                .map(|p| p.plan.owner.clone())
                .ok_or(PageError::NotFound(tr))?;
            let t = chitieu_domain::Target {
                indicator: get("indicator").to_string(),
                unit: if get("unit").is_empty() {
                    owner
                } else {
                    unit("unit")?
                },
                year: get("year")
                    .parse()
                    .map_err(|_| invalid(format!("năm \"{}\" không hợp lệ", get("year"))))?,
                comparator: get("comparator").parse().map_err(invalid)?,
                value: chitieu_domain::value::parse_figure("value", get("value"))
                    .map_err(|e| invalid(e.reason))?
                    .ok_or_else(|| invalid("cần giá trị mục tiêu".into()))?,
                wording: get("wording").to_string(),
            };
            actions::set_target(&s.app, &me, &t)
                .await
                .map_err(refused)?;
        }
        "indicators" => {
            actions::update_indicator(
                &s,
                &me,
                get("code"),
                &chitieu_store::IndicatorEdit {
                    name: get("name").to_string(),
                    name_en: get("name_en").to_string(),
                    definition: get("definition").to_string(),
                    data_source: get("data_source").to_string(),
                    lead_unit: unit("lead_unit")?,
                },
            )
            .await
            .map_err(refused)?;
        }
        "units" => {
            let u = chitieu_domain::Unit {
                code: unit("code")?,
                name: get("name").to_string(),
                kind: get("kind").parse().map_err(invalid)?,
                division_type: None,
                parent: Some(unit("parent")?),
                valid_from: date("valid_from")?.unwrap_or_else(today),
                valid_to: date("valid_to")?,
                population: None,
                officials: None,
                successors: if get("successor").is_empty() {
                    vec![]
                } else {
                    vec![unit("successor")?]
                },
            };
            actions::upsert_unit(&s.app, &me, &u)
                .await
                .map_err(refused)?;
        }
        "tokens" => {
            let role: chitieu_domain::permission::Role = get("role").parse().map_err(invalid)?;
            let token = actions::create_token(&s.app, &me, get("name"), role, &unit("unit")?)
                .await
                .map_err(refused)?;
            // Shown once, on this page; never again, nowhere else.
            return admin_page(&s, &v, true, Some((get("name").to_string(), token))).await;
        }
        "revoke-token" => {
            actions::revoke_token(&s.app, &me, get("name"))
                .await
                .map_err(refused)?;
        }
        _ => return Err(PageError::NotFound(tr)),
    }
    Ok(Redirect::to("/admin?saved=1").into_response())
}

// ---------------------------------------------------------------- sign-in, language

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    t: Tr,
    user: Option<SessionUser>,
    admin: bool,
    csrf: String,
    next: String,
    login: String,
    error: Option<&'static str>,
}

fn random_hex() -> String {
    rand::random::<[u8; 16]>()
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only paths on this site: one leading `/`, no `//` or `/\` (another host to a browser),
/// no backslash, whitespace or control character (browsers drop a tab and read
/// `/\t/evil.example` as `//evil.example`; a newline would break the header).
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.len() <= 2048
                && !n
                    .chars()
                    .any(|c| c == '\\' || c.is_whitespace() || c.is_control()) =>
        {
            n.to_string()
        }
        _ => "/".into(),
    }
}

pub async fn login_form(v: Viewer, jar: CookieJar, Query(q): Query<NextQuery>) -> Response {
    let csrf = random_hex();
    let jar = jar.add(v.cookie(
        LOGIN_CSRF_COOKIE,
        csrf.clone(),
        Some(Duration::from_secs(3600)),
    ));
    let page = LoginPage {
        t: v.tr,
        user: None,
        admin: false,
        csrf,
        next: safe_next(q.next.as_deref()),
        login: String::new(),
        error: None,
    };
    (jar, page).into_response()
}

pub async fn login(
    State(s): State<AppState>,
    v: Viewer,
    crate::auth::ClientAddr(addr): crate::auth::ClientAddr,
    jar: CookieJar,
    form: LazyForm,
) -> PageResult {
    let tr = v.tr;
    let form = form.read(tr)?;
    let sent = form.get("_csrf").map(String::as_str).unwrap_or("");
    let expected = v.login_csrf.as_deref().unwrap_or("");
    if expected.is_empty() || !crate::auth::constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
        return Err(PageError::Forbidden(tr));
    }
    let login = form
        .get("login")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let next = safe_next(form.get("next").map(String::as_str));
    let fail = |key: &'static str, status: StatusCode| {
        let csrf = random_hex();
        let jar = jar.clone().add(v.cookie(
            LOGIN_CSRF_COOKIE,
            csrf.clone(),
            Some(Duration::from_secs(3600)),
        ));
        let page = LoginPage {
            t: tr,
            user: None,
            admin: false,
            csrf,
            next: next.clone(),
            login: login.clone(),
            error: Some(tr.t(key)),
        };
        Ok((status, jar, page).into_response())
    };
    let who = || {
        let l: String = login.chars().take(64).collect();
        let a = addr.map_or_else(|| "?".to_string(), |a| a.to_string());
        (l, a)
    };
    let Some(attempt) = s.throttle.begin(&login, addr) else {
        let (l, a) = who();
        tracing::warn!(login = ?l, addr = %a, "đăng nhập bị chặn tạm thời (sign-in throttled)");
        return fail("throttled", StatusCode::TOO_MANY_REQUESTS);
    };
    match s.store.sign_in(&login, &password).await.or_500(tr)? {
        Some(token) => {
            s.throttle.succeeded(attempt);
            let jar = jar.remove(LOGIN_CSRF_COOKIE).add(v.cookie(
                SESSION_COOKIE,
                token,
                Some(Duration::from_secs(
                    chitieu_store::SESSION_HOURS as u64 * 3600,
                )),
            ));
            Ok((jar, Redirect::to(&next)).into_response())
        }
        None => {
            // Login and address for the operator; never the password.
            let (l, a) = who();
            tracing::warn!(login = ?l, addr = %a, "đăng nhập sai (failed sign-in)");
            fail("bad_login", StatusCode::UNAUTHORIZED)
        }
    }
}

pub async fn logout(
    State(s): State<AppState>,
    v: Viewer,
    jar: CookieJar,
    form: LazyForm,
) -> PageResult {
    v.user()?;
    let form = form.read(v.tr)?;
    v.check_csrf(&form)?;
    if let Some(t) = &v.token {
        s.store
            .sign_out(t)
            .await
            .map_err(|e| PageError::internal(v.tr, e))?;
    }
    Ok((jar.remove(SESSION_COOKIE), Redirect::to("/login")).into_response())
}

pub async fn set_lang(
    v: Viewer,
    jar: CookieJar,
    headers: HeaderMap,
    Path(lang): Path<String>,
) -> Response {
    let lang = if lang == "en" { "en" } else { "vi" };
    // Back to the page the switch was on, when it is one of ours.
    let back = headers
        .get("referer")
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()));
    let jar = jar.add(v.cookie(
        LANG_COOKIE,
        lang.to_string(),
        Some(Duration::from_secs(365 * 86400)),
    ));
    (jar, Redirect::to(&safe_next(back.as_deref()))).into_response()
}

/// Any path that is not a route: the 404 page, or for the API its JSON error.
pub async fn not_found(v: Viewer, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::api::not_found_json();
    }
    PageError::NotFound(v.tr).into_response()
}
