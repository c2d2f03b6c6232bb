//! One unit: its head in office and past heads, its indicators against their targets, its
//! tasks.

use super::common::*;
use super::tasks::{TaskRow, task_rows};

/// A head's term, as the page shows it.
struct HeadRow {
    person: String,
    title: String,
    term: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "unit.html")]
struct UnitPage {
    c: Chrome,
    name: String,
    /// The page's content: the same for every reader of a role and unit, kept per snapshot.
    body: Part,
}

#[derive(Template)]
#[template(path = "unit_body.html")]
struct UnitBody {
    /// Words only.
    c: Chrome,
    code: String,
    name: String,
    kind: &'static str,
    /// The unit above it (code, name), linked.
    parent: Option<(String, String)>,
    /// Everyone accountable now, one per office.
    heads: Vec<HeadRow>,
    past_heads: Vec<HeadRow>,
    rows: Vec<StandingRow>,
    /// Indicators the unit leads, and those it helps with, as they stand for the province.
    led: Vec<StandingRow>,
    coordinated: Vec<StandingRow>,
    /// The unit's own reports, then the late ones of the units under it (at most 50).
    report_rows: Vec<super::reports::ReportLine>,
    /// Late reports of the unit and the units under it.
    late_under: usize,
    /// The first [`TASKS_SHOWN`] tasks; the rest are on `/tasks?unit=`.
    tasks: Vec<TaskRow>,
    tasks_total: usize,
    /// The task list that holds them all: the whole list for the plan's owner.
    tasks_link: String,
    /// For a steering committee: members, meetings, conclusions.
    committee: Option<super::committee::CommitteeBox>,
    /// Units under this one whose own assigned targets are behind: (code, name, rows).
    behind: Vec<(String, String, Vec<StandingRow>)>,
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// Tasks a unit's page lists; a province's hundreds are on the task list.
const TASKS_SHOWN: usize = 100;

pub async fn unit(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let tr = v.tr;
    let me = v.user()?.clone();
    let code = UnitCode::parse(&code).map_err(|_| PageError::NotFound(tr))?;
    let snap = snapshot(&s, tr).await?;
    let unit = snap.unit(&code).ok_or(PageError::NotFound(tr))?;
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    // What was just saved, said at the committee's records: one of a few words.
    let saved = q.saved.as_deref().map(|w| match w {
        "members" | "meetings" | "handled" | "file" => w,
        _ => "saved",
    });
    let key = part_key(&snap, tr, &me, &format!("unit|{code}|{saved:?}"));
    let body = match kept_part(&snap, &me, &key) {
        Some(body) => body,
        None => {
            let mut body = UnitBody::build(&snap, tr, &me, unit, plan)?;
            body.committee = super::committee::committee_box(&s, &v, &snap, unit, saved).await?;
            keep_part(&snap, tr, &me, key, body.render().or_500(tr)?)?
        }
    };
    Ok(UnitPage {
        c: Chrome::of(&v),
        name: unit.name.clone(),
        body,
    }
    .into_response())
}

/// Targets assigned down (giao chỉ tiêu): the units under `code` behind on their share, each
/// as (code, name, rows).
fn behind(
    snap: &Snapshot,
    plan: &chitieu_domain::default_plan::PlanFile,
    code: &UnitCode,
    tr: Tr,
) -> Result<Vec<(String, String, Vec<StandingRow>)>, PageError> {
    let day = snap.today();
    let mut out = Vec::new();
    let mut assigned: Vec<&UnitCode> = plan
        .targets
        .iter()
        .map(|t| &t.unit)
        .filter(|u| *u != code && snap.within(code, u))
        .collect();
    assigned.sort();
    assigned.dedup();
    for u in assigned {
        let behind: Vec<Row> = assessed(snap, Some(u.as_str()), day, tr)?
            .into_iter()
            .filter(|r| {
                !r.inherited
                    && matches!(
                        r.status.standing(),
                        chitieu_domain::status::Standing::AtRisk
                            | chitieu_domain::status::Standing::OffTrack
                            | chitieu_domain::status::Standing::Missed
                    )
            })
            .collect();
        if !behind.is_empty() {
            out.push((
                u.to_string(),
                unit_name(snap, u),
                standing_rows(plan, &behind, tr),
            ));
        }
    }
    Ok(out)
}

impl UnitBody {
    /// What the page shows of `unit` to `me`, but the committee's records.
    fn build(
        snap: &Snapshot,
        tr: Tr,
        me: &Actor,
        unit: &chitieu_domain::Unit,
        plan: &chitieu_domain::default_plan::PlanFile,
    ) -> Result<UnitBody, PageError> {
        let code = &unit.code;
        let day = snap.today();
        let heads = &snap.heads;
        let rows = assessed(snap, Some(code.as_str()), day, tr)?;
        let province = if plan.plan.owner == *code {
            Vec::new()
        } else {
            assessed(snap, None, day, tr)?
        };
        let of = |pick: &dyn Fn(&chitieu_domain::Indicator) -> bool| {
            let mine: Vec<Row> = province
                .iter()
                .filter(|r| plan.indicator(&r.indicator).is_some_and(pick))
                .cloned()
                .collect();
            standing_rows(plan, &mine, tr)
        };
        let row = |h: &chitieu_domain::Head| HeadRow {
            person: h.person.clone(),
            title: h.title.clone(),
            term: format!(
                "{} – {}",
                tr.date(&h.term_start),
                h.term_end.map(|d| tr.date(&d)).unwrap_or_default()
            ),
        };
        let current = chitieu_domain::head::heads_on(heads, code, day);
        let reports = chitieu_app::reports::list_shared(snap, code, &Default::default(), day);
        let late_under = reports.iter().filter(|r| r.late).count();
        let report_rows = reports
            .iter()
            .filter(|r| r.unit == *code)
            .chain(
                reports
                    .iter()
                    .filter(|r| r.unit != *code && r.late)
                    .take(50),
            )
            .map(|r| super::reports::line(snap, me, r, tr))
            .collect();
        // Tasks led by the unit or a unit under it (the province's page lists them all), and
        // those it helps with: the first few here, all of them on the task list.
        let unit_tasks: Vec<&chitieu_domain::Task> = snap
            .tasks
            .iter()
            .filter(|t| snap.within(code, &t.lead_unit) || t.coordinating_units.contains(code))
            .collect();
        let shown: Vec<chitieu_domain::Task> = unit_tasks
            .iter()
            .take(TASKS_SHOWN)
            .map(|t| (*t).clone())
            .collect();
        Ok(UnitBody {
            c: Chrome::new(tr, None),
            code: code.to_string(),
            name: unit.name.clone(),
            kind: tr.label(unit.kind),
            parent: unit
                .parent
                .as_ref()
                .and_then(|p| snap.unit(p))
                .map(|p| (p.code.to_string(), p.name.clone())),
            heads: current.iter().map(|h| row(h)).collect(),
            past_heads: heads
                .iter()
                .filter(|h| h.unit == *code && !current.contains(h))
                .map(row)
                .collect(),
            rows: standing_rows(plan, &rows, tr),
            led: of(&|i| i.lead_unit == *code),
            coordinated: of(&|i| i.coordinating_units.contains(code)),
            report_rows,
            late_under,
            tasks: task_rows(snap, tr, &shown),
            tasks_total: unit_tasks.len(),
            tasks_link: if plan.plan.owner == *code {
                "/tasks".into()
            } else {
                format!("/tasks?unit={code}")
            },
            committee: None,
            behind: behind(snap, plan, code, tr)?,
        })
    }
}
