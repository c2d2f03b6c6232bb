//! A unit's annual work programme on a page: its tasks and targets for the year, how far they
//! have got, and its head's sign-off.

use super::common::*;
use super::tasks::{TaskRow, task_rows};

#[derive(Template, WebTemplate)]
#[template(path = "programme.html")]
struct ProgrammePage {
    c: Chrome,
    csrf: String,
    unit_code: String,
    unit_name: String,
    year: i32,
    years: Vec<i32>,
    tasks: Vec<TaskRow>,
    targets: Vec<StandingRow>,
    done: usize,
    total: usize,
    /// "Ký duyệt ngày 05/01/2026 (giamdoc.skhcn)".
    signed: Option<String>,
    /// The viewer is the unit's head and it is not signed yet.
    can_sign: bool,
}

#[derive(Deserialize)]
pub struct ProgrammeQuery {
    unit: Option<String>,
    year: Option<String>,
}

pub async fn programme(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<ProgrammeQuery>,
) -> PageResult {
    let tr = v.tr;
    let me = v.user()?.clone();
    let unit = match q.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => UnitCode::parse(u).map_err(|_| PageError::NotFound(tr))?,
        None => me.unit.clone(),
    };
    let this_year = chrono::Datelike::year(&s.today());
    let year = match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => y
            .parse()
            .map_err(|_| PageError::invalid(tr, format!("năm \"{y}\" không hợp lệ")))?,
        None => this_year,
    };
    let p = chitieu_app::programme::programme(&s.app, &unit, year)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    let snap = s.live.snapshot();
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    let (done, total) = p.done_of();
    Ok(ProgrammePage {
        c: Chrome::of(&v),
        csrf: me.csrf.clone(),
        unit_code: unit.to_string(),
        unit_name: unit_name(&snap, &unit),
        year,
        years: (plan.plan.start_year.min(this_year)..=plan.plan.end_year.max(this_year)).collect(),
        tasks: task_rows(&snap, tr, &p.tasks),
        targets: standing_rows(plan, &p.targets, tr),
        done,
        total,
        can_sign: p.signed.is_none() && chitieu_app::programme::may_sign(&me, &unit),
        signed: p
            .signed
            .map(|(who, on)| format!("{} {} ({who})", tr.t("signed_on"), tr.date(&on))),
    }
    .into_response())
}

pub async fn programme_sign(State(s): State<AppState>, v: Viewer, form: LazyForm) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let fields = form.read(tr)?;
    let me = v.check_csrf(&fields)?.clone();
    let unit = UnitCode::parse(fields.get("unit").map_or("", |s| s.trim()))
        .map_err(|_| PageError::NotFound(tr))?;
    let year: i32 = fields
        .get("year")
        .and_then(|y| y.trim().parse().ok())
        .ok_or_else(|| PageError::invalid(tr, "năm không hợp lệ"))?;
    confirmed(tr, &fields)?;
    chitieu_app::programme::sign(&s.app, &me, &unit, year)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    Ok(Redirect::to(&format!("/programmes?unit={unit}&year={year}")).into_response())
}
