//! The public page: the plan's targets and progress, for anyone.

use super::common::*;

#[derive(Template, WebTemplate)]
#[template(path = "public.html")]
struct PublicPage {
    c: Chrome,
    plan_name: String,
    as_of: String,
    rows: Vec<StandingRow>,
}

pub async fn public(State(s): State<AppState>, v: Viewer) -> PageResult {
    let tr = v.tr;
    let snap = snapshot(&s, tr).await?;
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    let day = snap.today();
    // Accepted figures only: a draft or a report under review is not the province's figure.
    let rows = assessed_data(&snap, None, day, chitieu_app::live::Data::Official).or_500(tr)?;
    let page = PublicPage {
        c: Chrome::of(&v),
        plan_name: tr.pick(&plan.plan.name, &plan.plan.name_en).to_string(),
        as_of: tr.date(&day),
        rows: standing_rows(plan, &rows, tr),
    };
    Ok(page.into_response())
}
