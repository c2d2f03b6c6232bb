//! The overview: the plan's indicators with their latest figures, targets and status,
//! counts by standing, overdue tasks and reporting completeness.

use super::common::*;
use chitieu_domain::Standing;
use chitieu_domain::default_plan::PlanFile;

struct Card {
    code: String,
    name: String,
    latest: String,
    unit_of_measure: String,
    period: String,
    targets: Vec<String>,
    status_class: &'static str,
    status_label: &'static str,
    /// The yearly figures as JSON, for the sparkline.
    spark: String,
}

struct GroupView {
    name: String,
    cards: Vec<Card>,
}

/// How many indicators stand where.
#[derive(Default)]
struct Counts {
    achieved: usize,
    on_track: usize,
    at_risk: usize,
    off_track: usize,
    unknown: usize,
}

impl Counts {
    fn add(&mut self, s: Standing) {
        match s {
            Standing::Achieved => self.achieved += 1,
            Standing::OnTrack => self.on_track += 1,
            Standing::AtRisk => self.at_risk += 1,
            Standing::OffTrack => self.off_track += 1,
            Standing::Unknown => self.unknown += 1,
        }
    }
}

struct OverdueRow {
    code: String,
    title: String,
    lead: String,
    deadline: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "overview.html")]
struct OverviewPage {
    c: Chrome,
    plan_name: String,
    unit_name: String,
    as_of: String,
    counts: Counts,
    completeness: String,
    groups: Vec<GroupView>,
    overdue: Vec<OverdueRow>,
}

pub async fn overview(State(s): State<AppState>, v: Viewer) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let tasks = s.store.tasks().await.or_500(tr)?;
    let snap = snapshot(&s, tr).await?;
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    let day = today();
    let rows = snap.assess(None, Some(day), Some("unsd2022")).or_500(tr)?;
    Ok(OverviewPage::build(&snap, &v, plan, &rows, &tasks, day).into_response())
}

impl OverviewPage {
    /// The overview's view model: everything the page shows, from the snapshot.
    fn build(
        snap: &Snapshot,
        v: &Viewer,
        plan: &PlanFile,
        rows: &[Row],
        tasks: &[chitieu_domain::Task],
        day: chrono::NaiveDate,
    ) -> OverviewPage {
        let tr = v.tr;
        let owner = &plan.plan.owner;
        let mut counts = Counts::default();
        let groups = plan
            .groups
            .iter()
            .map(|g| GroupView {
                name: if tr.is_en() {
                    g.name_en.clone()
                } else {
                    g.name.clone()
                },
                cards: plan
                    .indicators
                    .iter()
                    .filter(|i| i.group == g.code)
                    .map(|ind| {
                        let status =
                            current_row(rows, &ind.code).map_or("insufficient_data", |r| r.status);
                        counts.add(chitieu_domain::status::standing_of(status));
                        card(snap, tr, ind, rows, owner, day)
                    })
                    .collect(),
            })
            .collect();
        let completeness = chitieu_domain::reporting::completeness(
            &plan.indicators,
            &snap.units,
            owner,
            day,
            |ind, unit, p| snap.engine.has_own(&ind.code, unit, p),
        );
        OverviewPage {
            c: Chrome::of(v),
            plan_name: plan.plan.name.clone(),
            unit_name: unit_name(snap, owner),
            as_of: tr.date(&day),
            counts,
            completeness: completeness
                .map(|p| format!("{}%", tr.num(p, 0)))
                .unwrap_or_else(|| "—".into()),
            groups,
            overdue: tasks
                .iter()
                .filter(|t| t.status_on(day) == TaskStatus::Overdue)
                .map(|t| OverdueRow {
                    code: t.code.clone(),
                    title: t.title.clone(),
                    lead: unit_name(snap, &t.lead_unit),
                    deadline: tr.date(&t.deadline),
                })
                .collect(),
        }
    }
}

/// One indicator's card: latest figure, targets, status, sparkline.
fn card(
    snap: &Snapshot,
    tr: Tr,
    ind: &Indicator,
    rows: &[Row],
    owner: &UnitCode,
    day: chrono::NaiveDate,
) -> Card {
    let row = current_row(rows, &ind.code);
    let status = row.map_or("insufficient_data", |r| r.status);
    let spark: Vec<f64> = snap
        .engine
        .yearly(&ind.code, owner, day)
        .unwrap_or_default()
        .iter()
        .map(|(_, f)| {
            rust_decimal::prelude::ToPrimitive::to_f64(&f.value.round_dp(4)).unwrap_or(f64::NAN)
        })
        .collect();
    Card {
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
    }
}
