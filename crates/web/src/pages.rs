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
use chitieu_domain::text::parse_decimal;
use chitieu_domain::value::check_value;
use chitieu_domain::{Indicator, Period, PeriodKind, TaskStatus, UnitCode, ValueInput, ValueState};
use chitieu_store::{NewValue, SessionUser, ValueFilter};
use serde::Deserialize;
use std::collections::HashMap;
use std::time::Duration;

use crate::AppState;
use crate::auth::{LANG_COOKIE, LOGIN_CSRF_COOKIE, SESSION_COOKIE, Viewer};
use crate::i18n::Tr;
use crate::live::{Snapshot, today};

/// A page that could not be shown; rendered in the viewer's language, never with detail.
#[derive(Debug)]
pub enum PageError {
    SignIn,
    /// Input that cannot be used; the message says why.
    Invalid(Tr, String),
    Forbidden(Tr),
    NotFound(Tr),
    Internal(Tr),
}

impl PageError {
    pub fn internal(tr: Tr, e: impl std::fmt::Display) -> PageError {
        tracing::error!(error = %e, "page error");
        PageError::Internal(tr)
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
    match code {
        "achieved" | "target_achieved" | "met" => "achieved",
        "on_track" | "substantial_progress" | "will_meet" => "on_track",
        "fair_progress" | "moderate_progress" => "at_risk",
        "limited_progress" | "deterioration" | "will_miss" | "not_met" => "off_track",
        _ => "none",
    }
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

/// Whether `unit` is expected to report `ind` itself for `period`. The plan owner reports
/// only figures that are not rolled up from its units: before the two-tier map the province
/// sent aggregates, since then a province-level ratio is the sum of its communes.
fn expected_reporter(
    ind: &Indicator,
    unit: &chitieu_domain::Unit,
    owner: &UnitCode,
    period: &Period,
) -> bool {
    ind.reported_by_kind(unit.kind)
        && unit.overlaps(period.start(), period.end())
        && (unit.code != *owner || ind.unit_aggregation == chitieu_domain::UnitAggregation::None)
}

/// Share of expected values received for each indicator's last complete period.
fn completeness(snap: &Snapshot, owner: &UnitCode, indicators: &[Indicator]) -> Option<f64> {
    let day = today();
    let (mut expected, mut got) = (0u32, 0u32);
    for ind in indicators {
        let last = Period::last_complete(ind.frequency, day);
        for u in &snap.units {
            let under = u.code == *owner || u.parent.as_ref() == Some(owner);
            if under && expected_reporter(ind, u, owner, &last) {
                expected += 1;
                if snap.engine.has_own(&ind.code, &u.code, last) {
                    got += 1;
                }
            }
        }
    }
    (expected > 0).then(|| f64::from(got) / f64::from(expected) * 100.0)
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
    let completeness = completeness(&snap, &owner, &plan.indicators)
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
    let list: Vec<chitieu_domain::Task> = all
        .into_iter()
        .filter(|t| {
            (f_unit.is_empty()
                || t.lead_unit.as_str() == f_unit
                || t.coordinating_units.iter().any(|c| c.as_str() == f_unit))
                && (f_year.is_empty() || t.year.to_string() == f_year)
                && (f_status.is_empty() || t.status_on(day).as_str() == f_status)
        })
        .collect();
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
        can_update: may_update_task(&snap, me, &t),
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
    let day = today();
    let mut out = Vec::new();
    for ind in &plan.indicators {
        if ind.derived_from.is_some() {
            continue;
        }
        let period = Period::last_complete(ind.frequency, day);
        for unit in &snap.units {
            if expected_reporter(ind, unit, &plan.plan.owner, &period)
                && (unit.code == u.unit
                    || (unit.code == plan.plan.owner && ind.lead_unit == u.unit))
                && may_enter(
                    &snap.units,
                    u.role,
                    &u.unit,
                    &plan.plan.owner,
                    ind,
                    &unit.code,
                )
            {
                out.push((ind.clone(), unit.code.clone(), period));
            }
        }
    }
    out
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
    let (_, ids) = s.store.catalog().await.or_500(tr)?;
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
    let inds: Vec<Indicator> = {
        let snap = snapshot(&s, tr).await?;
        entry_indicators(&snap, &u, &unit, &period, tr)?
            .into_iter()
            .cloned()
            .collect()
    };
    let dec = |d: &Option<rust_decimal::Decimal>| {
        d.map(|d| chitieu_domain::text::format_decimal(&d))
            .unwrap_or_default()
    };
    let mut evidence = HashMap::new();
    for i in &inds {
        let key = format!("{}/{unit}/{period}", i.code);
        let list = s.store.evidence_list("value", &key).await.or_500(tr)?;
        evidence.insert(i.code.clone(), list);
    }
    let snap = snapshot(&s, tr).await?;
    let fields = inds
        .iter()
        .map(|i| {
            let cur = stored
                .iter()
                .find(|r| r.indicator == i.code && r.period == period);
            Field {
                value: cur
                    .filter(|_| !i.is_ratio())
                    .map(|r| dec(&Some(r.value)))
                    .unwrap_or_default(),
                numerator: cur.map(|r| dec(&r.numerator)).unwrap_or_default(),
                denominator: cur.map(|r| dec(&r.denominator)).unwrap_or_default(),
                comment: cur.map(|r| r.comment.clone()).unwrap_or_default(),
                state: cur
                    .and_then(|r| r.state.parse::<ValueState>().ok())
                    .map(|s| s.label_vi()),
                evidence: evidence.remove(&i.code).unwrap_or_default(),
                ..Field::blank(i, tr)
            }
        })
        .collect();
    let page = EntryPage::new(&snap, &v, &u, &unit, &period, fields);
    Ok(EntryPage {
        saved: q.saved.is_some(),
        ..page
    }
    .into_response())
}

pub async fn entry_save(
    State(s): State<AppState>,
    v: Viewer,
    mp: axum::extract::Multipart,
) -> PageResult {
    let tr = v.tr;
    let MultiForm {
        fields: form,
        files,
    } = read_multipart(mp, tr).await?;
    let u = v.check_csrf(&form)?.clone();
    if !role_allows(u.role, Action::Enter) {
        return Err(PageError::Forbidden(tr));
    }
    let unit =
        UnitCode::parse(form.get("unit").map_or("", |s| s)).map_err(|_| PageError::NotFound(tr))?;
    let period: Period = form
        .get("period")
        .map_or("", |s| s)
        .parse()
        .map_err(|_| PageError::NotFound(tr))?;
    let state = if form.get("action").map(String::as_str) == Some("submit") {
        ValueState::Submitted
    } else {
        ValueState::Draft
    };
    let (_, ids) = s.store.catalog().await.or_500(tr)?;
    let (values, fields, has_errors) = {
        let snap = snapshot(&s, tr).await?;
        let inds = entry_indicators(&snap, &u, &unit, &period, tr)?;
        let unit_rec = snap.unit(&unit).ok_or(PageError::NotFound(tr))?.clone();
        let mut values = Vec::new();
        let mut fields = Vec::new();
        let mut has_errors = false;
        for i in inds {
            let get = |p: &str| {
                form.get(&format!("{p}.{}", i.code))
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default()
            };
            let (vs, ns, ds, cs) = (get("v"), get("n"), get("d"), get("c"));
            let mut error = None;
            for (field, name, bytes) in &files {
                if field == &format!("e.{}", i.code)
                    && let Err(e) =
                        chitieu_store::check_file(&chitieu_store::safe_file_name(name), bytes)
                {
                    has_errors = true;
                    error = Some(format!("{}: {e}", chitieu_store::safe_file_name(name)));
                }
            }
            if !(vs.is_empty() && ns.is_empty() && ds.is_empty()) {
                let num = |s: &str, field: &str| -> Result<Option<rust_decimal::Decimal>, String> {
                    if s.is_empty() {
                        Ok(None)
                    } else {
                        parse_decimal(s)
                            .map(Some)
                            .ok_or_else(|| format!("{field}: \"{s}\" không phải là số"))
                    }
                };
                let parsed = (|| -> Result<NewValue, String> {
                    let input = ValueInput {
                        value: num(&vs, tr.t("value"))?,
                        numerator: num(&ns, tr.t("numerator"))?,
                        denominator: num(&ds, tr.t("denominator"))?,
                    };
                    let (value, numerator, denominator) =
                        check_value(i, &unit_rec, &period, &input).map_err(|e| e.reason)?;
                    Ok(NewValue {
                        indicator_id: *ids.indicators.get(&i.code).ok_or("chỉ tiêu")?,
                        unit_id: *ids.units.get(&unit).ok_or("đơn vị")?,
                        period,
                        value,
                        numerator,
                        denominator,
                        comment: chitieu_domain::text::nfc(&cs),
                    })
                })();
                match parsed {
                    Ok(nv) if error.is_none() => values.push(nv),
                    Ok(_) => {}
                    Err(e) => {
                        has_errors = true;
                        error = Some(e);
                    }
                }
            }
            fields.push(Field {
                value: vs,
                numerator: ns,
                denominator: ds,
                comment: cs,
                error,
                ..Field::blank(i, tr)
            });
        }
        (values, fields, has_errors)
    };
    if has_errors {
        let snap = snapshot(&s, tr).await?;
        let page = EntryPage {
            has_errors: true,
            ..EntryPage::new(&snap, &v, &u, &unit, &period, fields)
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    if !values.is_empty() {
        s.store
            .upsert_values(
                &values,
                state,
                &u.login,
                &format!("nhập trên web {unit} {period}"),
                |_| {},
            )
            .await
            .or_500(tr)?;
        s.live.sync().await.or_500(tr)?;
    }
    Ok(Redirect::to(&format!("/entry?unit={unit}&period={period}&saved=1")).into_response())
}

// ---------------------------------------------------------------- evidence, task progress

/// A multipart form: its text fields and its files (field, file name, bytes).
pub struct MultiForm {
    pub fields: HashMap<String, String>,
    pub files: Vec<(String, String, Vec<u8>)>,
}

pub async fn read_multipart(
    mut mp: axum::extract::Multipart,
    tr: Tr,
) -> Result<MultiForm, PageError> {
    let mut out = MultiForm {
        fields: HashMap::new(),
        files: Vec::new(),
    };
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|_| PageError::Forbidden(tr))?
    {
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            Some(file) => {
                let bytes = field.bytes().await.map_err(|_| PageError::Forbidden(tr))?;
                if !file.is_empty() && !bytes.is_empty() {
                    out.files.push((name, file, bytes.to_vec()));
                }
            }
            None => {
                let text = field.text().await.map_err(|_| PageError::Forbidden(tr))?;
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
        let owner = snap.plan.as_ref().map(|p| p.plan.owner.clone());
        if !in_scope(&snap.units, &u.unit, &unit) && Some(&unit) != owner.as_ref() {
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

/// Whether the user may report progress on a task: an entering role, and the lead or a
/// coordinating unit within the user's scope.
fn may_update_task(snap: &Snapshot, u: &SessionUser, t: &chitieu_domain::Task) -> bool {
    role_allows(u.role, Action::Enter)
        && std::iter::once(&t.lead_unit)
            .chain(&t.coordinating_units)
            .any(|c| in_scope(&snap.units, &u.unit, c))
}

pub async fn task_progress(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
    mp: axum::extract::Multipart,
) -> PageResult {
    let tr = v.tr;
    let form = read_multipart(mp, tr).await?;
    let u = v.check_csrf(&form.fields)?.clone();
    let t = s
        .store
        .tasks()
        .await
        .or_500(tr)?
        .into_iter()
        .find(|t| t.code == code)
        .ok_or(PageError::NotFound(tr))?;
    {
        let snap = snapshot(&s, tr).await?;
        if !may_update_task(&snap, &u, &t) {
            return Err(PageError::Forbidden(tr));
        }
    }
    let progress: u8 = form
        .fields
        .get("progress")
        .and_then(|p| p.trim().parse().ok())
        .filter(|p| *p <= 100)
        .unwrap_or(0);
    let note = chitieu_domain::text::nfc(form.fields.get("note").map_or("", |s| s));
    let day = today();
    let done = form
        .fields
        .get("completed")
        .is_some_and(|c| c == "on")
        .then_some(day);
    // Files first: a refused file leaves the task untouched.
    for (_, name, bytes) in &form.files {
        let name = chitieu_store::safe_file_name(name);
        chitieu_store::check_file(&name, bytes)
            .map_err(|e| PageError::Invalid(tr, format!("{name}: {e}")))?;
    }
    s.store
        .add_task_update(
            &t.code,
            day,
            if done.is_some() { 100 } else { progress },
            &note,
            done,
            &u.login,
        )
        .await
        .or_500(tr)?;
    for (_, name, bytes) in form.files {
        s.store
            .add_evidence("task", &t.code, &name, bytes, &u.login)
            .await
            .or_500(tr)?;
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
    let tr = v.tr;
    let snap_units = snapshot(&s, tr).await?.units.clone();
    v.require(Action::Administer, &snap_units, None)?;
    let users = s.store.users().await.or_500(tr)?;
    let heads = s.store.heads().await.or_500(tr)?;
    let snap = snapshot(&s, tr).await?;
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    let page = AdminPage {
        t: tr,
        admin: true,
        csrf: v.user()?.csrf.clone(),
        saved: q.saved.is_some(),
        roles: chitieu_domain::permission::Role::ALL
            .iter()
            .map(|r| {
                (
                    r.as_str(),
                    if tr.is_en() {
                        r.label_en()
                    } else {
                        r.label_vi()
                    },
                )
            })
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
                    if tr.is_en() {
                        role.label_en()
                    } else {
                        role.label_vi()
                    }
                    .to_string(),
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

/// An administration form: CSRF, the Administer right, then the change; a refused change
/// shows why and changes nothing.
pub async fn admin_save(
    State(s): State<AppState>,
    v: Viewer,
    Path(what): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let tr = v.tr;
    let me = v.check_csrf(&f)?.clone();
    if !role_allows(me.role, Action::Administer) {
        return Err(PageError::Forbidden(tr));
    }
    let get = |k: &str| f.get(k).map(|s| s.trim()).unwrap_or("");
    let invalid = |m: String| PageError::Invalid(tr, m);
    let unit = |k: &str| UnitCode::parse(get(k)).map_err(invalid);
    let date = |k: &str| crate::api::parse_date(Some(get(k))).map_err(|e| invalid(e.0));
    let store_err = |e: chitieu_store::StoreError| match e {
        chitieu_store::StoreError::Invalid(m) | chitieu_store::StoreError::NotFound(m) => {
            PageError::Invalid(tr, m)
        }
        other => PageError::internal(tr, other),
    };
    match what.as_str() {
        "users" => {
            let role: chitieu_domain::permission::Role = get("role").parse().map_err(invalid)?;
            if role == chitieu_domain::permission::Role::Admin
                && me.role != chitieu_domain::permission::Role::Admin
            {
                return Err(PageError::Forbidden(tr));
            }
            let unit = unit("unit")?;
            s.store
                .add_user(
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
                    &me.login,
                )
                .await
                .map_err(store_err)?;
        }
        "heads" => {
            let h = chitieu_domain::Head {
                unit: unit("unit")?,
                person: chitieu_domain::text::nfc(get("person")),
                title: chitieu_domain::text::nfc(get("title")),
                term_start: date("start")?
                    .ok_or_else(|| invalid("cần ngày bắt đầu nhiệm kỳ".into()))?,
                term_end: date("end")?,
            };
            if h.person.is_empty() {
                return Err(invalid("cần họ tên người đứng đầu".into()));
            }
            s.store.add_head(&h, &me.login).await.map_err(store_err)?;
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
                value: parse_decimal(get("value")).ok_or_else(|| {
                    invalid(format!("giá trị \"{}\" không phải là số", get("value")))
                })?,
                wording: chitieu_domain::text::nfc(get("wording")),
            };
            s.store.set_target(&t, &me.login).await.map_err(store_err)?;
        }
        "indicators" => {
            s.store
                .update_indicator(
                    get("code"),
                    &chitieu_store::IndicatorEdit {
                        name: chitieu_domain::text::nfc(get("name")),
                        name_en: chitieu_domain::text::nfc(get("name_en")),
                        definition: chitieu_domain::text::nfc(get("definition")),
                        data_source: chitieu_domain::text::nfc(get("data_source")),
                        lead_unit: unit("lead_unit")?,
                    },
                    &me.login,
                )
                .await
                .map_err(store_err)?;
        }
        "units" => {
            let u = chitieu_domain::Unit {
                code: unit("code")?,
                name: chitieu_domain::text::nfc(get("name")),
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
            if u.name.is_empty() {
                return Err(invalid("cần tên đơn vị".into()));
            }
            s.store
                .upsert_units(&[u], &me.login, "quản trị")
                .await
                .map_err(store_err)?;
        }
        _ => return Err(PageError::NotFound(tr)),
    }
    s.live.sync().await.or_500(tr)?;
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

/// Only local paths: never redirect to another site after signing in.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
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
    jar: CookieJar,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult {
    let tr = v.tr;
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
    if s.throttle.blocked(&login) {
        return fail("throttled", StatusCode::TOO_MANY_REQUESTS);
    }
    match s.store.sign_in(&login, &password).await.or_500(tr)? {
        Some(token) => {
            s.throttle.succeeded(&login);
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
            s.throttle.failed(&login);
            fail("bad_login", StatusCode::UNAUTHORIZED)
        }
    }
}

pub async fn logout(
    State(s): State<AppState>,
    v: Viewer,
    jar: CookieJar,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult {
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

pub async fn not_found(v: Viewer) -> PageError {
    PageError::NotFound(v.tr)
}
