//! My work: my unit's reports (state, due day, the reason of a return), what waits for me
//! to approve or accept, and my unit's tasks.

use super::common::*;
use super::reports::{ReportLine, line};
use super::tasks::{TaskRow, task_rows};

#[derive(Template, WebTemplate)]
#[template(path = "my.html")]
struct MyPage {
    c: Chrome,
    unit_name: String,
    /// My unit's reports of each form's last complete period.
    report_rows: Vec<ReportLine>,
    /// Other units' reports I can move forward (approve, accept).
    waiting: Vec<ReportLine>,
    tasks: Vec<TaskRow>,
}

pub async fn my_work(State(s): State<AppState>, v: Viewer) -> PageResult {
    let tr = v.tr;
    let u = v.user()?.clone();
    let snap = snapshot(&s, tr).await?;
    let list = chitieu_app::reports::list(&snap, &u, &Default::default(), snap.today());
    let (mine, others): (Vec<_>, Vec<_>) = list
        .iter()
        .map(|r| line(&snap, &u, r, tr))
        .partition(|l| l.unit == u.unit.as_str());
    let waiting = others
        .into_iter()
        .filter(|l| l.actions.iter().any(|a| !a.needs_reason))
        .collect();
    let tasks: Vec<chitieu_domain::Task> = snap
        .tasks
        .iter()
        .filter(|t| t.lead_unit == u.unit || t.coordinating_units.contains(&u.unit))
        .cloned()
        .collect();
    let page = MyPage {
        c: Chrome::of(&v),
        unit_name: unit_name(&snap, &u.unit),
        report_rows: mine,
        waiting,
        tasks: task_rows(&snap, tr, &tasks),
    };
    Ok(page.into_response())
}
