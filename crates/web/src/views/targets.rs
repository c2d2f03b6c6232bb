//! The plan's targets as a list, filtered by status: where each counter of the overview
//! leads.

use super::common::*;

#[derive(Deserialize)]
pub struct TargetQuery {
    status: Option<String>,
    data: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "targets.html")]
struct TargetsPage {
    c: Chrome,
    plan_name: String,
    as_of: String,
    counts: Vec<Counter>,
    total: usize,
    /// The status the list is filtered by, as words; empty for every target.
    showing: &'static str,
    active: String,
    /// Accepted figures only.
    official: bool,
    rows: Vec<StandingRow>,
    /// Per row: the unit that answers for the indicator (code, name) and its heads in office.
    responsible: Vec<(String, String, String)>,
}

pub async fn targets(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<TargetQuery>,
) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let snap = snapshot(&s, tr).await?;
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    let day = snap.today();
    let data = data_of(q.data.as_deref(), tr)?;
    let rows = assessed_data(&snap, None, day, data).or_500(tr)?;
    let wanted = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(code) => Some(Status::from_code(code).ok_or_else(|| {
            PageError::invalid(tr, format!("{}: \"{code}\"", tr.t("unknown_status")))
        })?),
    };
    let shown: Vec<Row> = rows
        .iter()
        .filter(|r| wanted.is_none_or(|s| r.status == s))
        .cloned()
        .collect();
    let page = TargetsPage {
        c: Chrome::of(&v),
        plan_name: tr.pick(&plan.plan.name, &plan.plan.name_en).to_string(),
        // Who answers for each target: the early-warning list names them.
        responsible: shown
            .iter()
            .map(|r| {
                plan.indicator(&r.indicator)
                    .map_or_else(Default::default, |i| {
                        (
                            i.lead_unit.to_string(),
                            unit_name(&snap, &i.lead_unit),
                            head_text(&snap, &i.lead_unit, day),
                        )
                    })
            })
            .collect(),
        as_of: tr.date(&day),
        counts: status_counts(&rows, tr),
        total: rows.len(),
        showing: wanted.map_or("", |s| tr.status(s)),
        active: wanted.map_or("", |s| s.as_str()).to_string(),
        official: data == chitieu_app::live::Data::Official,
        rows: standing_rows(plan, &shown, tr),
    };
    Ok(page.into_response())
}
