//! My work: what is due from the user's unit, and its tasks.

use super::common::*;
use super::tasks::{TaskRow, task_rows};

/// A report due from the user's unit.
struct DueRow {
    indicator: String,
    unit_name: String,
    unit: String,
    period: String,
    state: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "my.html")]
struct MyPage {
    c: Chrome,
    unit_name: String,
    due: Vec<DueRow>,
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
    let all = s.live.snapshot().tasks.to_vec();
    let snap = snapshot(&s, tr).await?;
    let due = due_items(&snap, &u)
        .into_iter()
        .map(|(ind, unit, p)| {
            let done = snap.engine.has_own(&ind.code, &unit, p);
            DueRow {
                indicator: format!(
                    "{} · {}",
                    ind.code,
                    if tr.is_en() { &ind.name_en } else { &ind.name }
                ),
                unit_name: unit_name(&snap, &unit),
                unit: unit.to_string(),
                period: p.to_string(),
                state: if done { tr.t("met") } else { tr.t("no_data") },
            }
        })
        .collect();
    let mine: Vec<chitieu_domain::Task> = all
        .into_iter()
        .filter(|t| t.lead_unit == u.unit || t.coordinating_units.contains(&u.unit))
        .collect();
    let page = MyPage {
        c: Chrome::of(&v),
        unit_name: unit_name(&snap, &u.unit),
        due,
        tasks: task_rows(&snap, tr, &mine),
    };
    Ok(page.into_response())
}
