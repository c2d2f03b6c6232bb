//! The overview: the plan's indicators with their latest figures, targets and status,
//! counts by standing, overdue tasks and reporting completeness.

use super::common::*;
use chitieu_app::live::Data;
use chitieu_domain::default_plan::PlanFile;

struct Card {
    code: String,
    name: String,
    latest: String,
    unit_of_measure: String,
    period: String,
    /// The latest figure is not yet accepted.
    provisional: bool,
    /// One line per target: a verdict for a year that is over, progress for one ahead.
    targets: Vec<TargetLine>,
    /// Who answers for it: the lead unit and its head in office.
    lead: String,
    head: String,
    /// The yearly figures as JSON, for the sparkline; the latest figure is its last point.
    spark: String,
}

struct GroupView {
    name: String,
    cards: Vec<Card>,
}

/// A unit whose report is late.
struct LateRow {
    unit: String,
    unit_name: String,
    form_name: String,
    period: String,
    due: String,
    state: &'static str,
}

struct OverdueRow {
    code: String,
    title: String,
    lead: String,
    head: String,
    deadline: String,
    /// "quá hạn 45 ngày"
    late_by: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "overview.html")]
struct OverviewPage {
    c: Chrome,
    /// The page's content, the same for every viewer of a snapshot in a language on a day:
    /// rendered once and kept with the snapshot.
    body: std::sync::Arc<str>,
}

/// What the overview shows, whoever looks.
#[derive(Template)]
#[template(path = "overview_body.html")]
struct OverviewBody {
    t: Tr,
    plan_name: String,
    unit_name: String,
    as_of: String,
    counts: Vec<Counter>,
    total: usize,
    completeness: String,
    late_reports: usize,
    /// The first late reports (all of them on /reports?late=1).
    late: Vec<LateRow>,
    /// Accepted figures only (`?data=official`), or every figure entered.
    official: bool,
    groups: Vec<GroupView>,
    overdue: Vec<OverdueRow>,
}

#[derive(Deserialize)]
pub struct DataQuery {
    data: Option<String>,
}

pub async fn overview(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<DataQuery>,
) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let data = data_of(q.data.as_deref(), tr)?;
    let snap = snapshot(&s, tr).await?;
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    let day = snap.today();
    let key = format!("overview|{}|{day}|{data:?}", tr.lang.code());
    // Assessed and rendered only when this snapshot has not rendered it yet.
    let body = snap
        .remember_text(key, || {
            let rows = assessed_data(&snap, None, day, data).map_err(|e| e.to_string())?;
            OverviewBody::build(&snap, tr, plan, &rows, &snap.tasks, day, data)
                .render()
                .map_err(|e| e.to_string())
        })
        .or_500(tr)?;
    Ok(OverviewPage {
        c: Chrome::of(&v).with_charts(),
        body,
    }
    .into_response())
}

impl OverviewBody {
    /// The overview's view model: everything the page shows, from the snapshot.
    fn build(
        snap: &Snapshot,
        tr: Tr,
        plan: &PlanFile,
        rows: &[Row],
        tasks: &[chitieu_domain::Task],
        day: chrono::NaiveDate,
        data: Data,
    ) -> OverviewBody {
        let owner = &plan.plan.owner;
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
                    .map(|ind| card(snap, tr, ind, rows, owner, day, data))
                    .collect(),
            })
            .collect();
        let completeness = snap.completeness(day);
        OverviewBody {
            t: tr,
            plan_name: tr.pick(&plan.plan.name, &plan.plan.name_en).to_string(),
            unit_name: unit_name(snap, owner),
            as_of: tr.date(&day),
            counts: status_counts(rows, tr),
            total: rows.len(),
            completeness: completeness
                .counts
                .received_pct()
                .map(|p| format!("{}%", tr.num(p, 0)))
                .unwrap_or_else(|| "—".into()),
            late_reports: completeness.late,
            // Kept with the counts: the list is not computed a second time.
            late: completeness
                .first_late
                .iter()
                .map(|r| LateRow {
                    unit: r.unit.to_string(),
                    unit_name: r.unit_name.clone(),
                    form_name: tr.pick(&r.form_name, &r.form_name_en).to_string(),
                    period: tr.period(&r.period),
                    due: tr.date(&r.due),
                    state: tr.label(r.state),
                })
                .collect(),
            official: data == Data::Official,
            groups,
            overdue: {
                // The longest overdue first: what has waited most needs the committee most.
                let mut late: Vec<_> = tasks
                    .iter()
                    .filter(|t| t.status_on(day) == TaskStatus::Overdue)
                    .collect();
                late.sort_by(|a, b| (a.deadline, &a.code).cmp(&(b.deadline, &b.code)));
                late.into_iter()
                    .map(|t| OverdueRow {
                        code: t.code.clone(),
                        title: t.title.clone(),
                        lead: unit_name(snap, &t.lead_unit),
                        head: head_text(snap, &t.lead_unit, day),
                        deadline: tr.date(&t.deadline),
                        late_by: format!(
                            "{} {} {}",
                            tr.t("overdue_by"),
                            (day - t.deadline).num_days(),
                            tr.t("days")
                        ),
                    })
                    .collect()
            },
        }
    }
}

/// One indicator's card: the latest figure and the sparkline from one series, and a line
/// per target.
fn card(
    snap: &Snapshot,
    tr: Tr,
    ind: &Indicator,
    rows: &[Row],
    owner: &UnitCode,
    day: chrono::NaiveDate,
    data: Data,
) -> Card {
    let yearly = snap
        .engine_of(data)
        .yearly(&ind.code, owner, day)
        .unwrap_or_default();
    let spark: Vec<f64> = yearly
        .iter()
        .map(|(_, f)| {
            rust_decimal::prelude::ToPrimitive::to_f64(&f.value.round_dp(4)).unwrap_or(f64::NAN)
        })
        .collect();
    let last = yearly.last();
    Card {
        code: ind.code.clone(),
        name: if tr.is_en() {
            ind.name_en.clone()
        } else {
            ind.name.clone()
        },
        latest: fmt_value(&tr, spark.last().copied()),
        unit_of_measure: uom(&tr, ind).to_string(),
        period: last
            .map(|(y, f)| figure_period(&tr, ind, *y, f))
            .unwrap_or_default(),
        provisional: rows
            .iter()
            .any(|r| r.indicator == ind.code && r.current && r.provisional),
        targets: rows
            .iter()
            .filter(|r| r.indicator == ind.code)
            .map(|r| TargetLine::of(&tr, r, uom(&tr, ind)))
            .collect(),
        spark: serde_json::to_string(&spark).unwrap_or_else(|_| "[]".into()),
        lead: unit_name(snap, &ind.lead_unit),
        head: head_text(snap, &ind.lead_unit, day),
    }
}
