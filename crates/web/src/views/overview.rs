//! The overview: the plan's indicators with their latest figures, targets and status, counts by standing, overdue tasks and reporting completeness.

use super::*;

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
    c: Chrome,
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
            let spark: Vec<f64> = yearly
                .iter()
                .map(|(_, f)| {
                    rust_decimal::prelude::ToPrimitive::to_f64(&f.value.round_dp(4))
                        .unwrap_or(f64::NAN)
                })
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
                spark: serde_json::to_string(&spark).unwrap_or_else(|_| "[]".into()),
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
        c: Chrome::of(&v),
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
