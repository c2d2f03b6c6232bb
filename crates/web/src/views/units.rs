//! One unit: its head in office and past heads, its indicators against their targets, its tasks.

use super::common::*;
use super::tasks::{TaskRow, task_rows};

#[derive(Template, WebTemplate)]
#[template(path = "unit.html")]
struct UnitPage {
    c: Chrome,
    code: String,
    name: String,
    kind: &'static str,
    head: Option<(String, String, String)>,
    past_heads: Vec<(String, String, String)>,
    rows: Vec<StandingRow>,
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
        c: Chrome::of(&v),
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
        rows: standing_rows(plan, &rows, tr, false),
        tasks: task_rows(&snap, tr, &unit_tasks),
    };
    Ok(page.into_response())
}
