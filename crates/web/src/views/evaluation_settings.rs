//! The standing office's forms on the evaluation page: the year's rubric and the proposals.

use super::common::*;
use super::evaluation::{section_label, year_of};
use chitieu_app::evaluation;
use chitieu_domain::evaluation::Section;

/// A form of the standing office on the evaluation page: who sends it (403 for anyone else,
/// before the body is read), its fields past the CSRF check, and the year it is for.
pub(super) fn office_form(
    s: &AppState,
    v: &Viewer,
    form: LazyForm,
) -> Result<(Actor, HashMap<String, String>, i32), PageError> {
    let tr = v.tr;
    if !evaluation::may_evaluate(&s.live.snapshot(), v.user()?) {
        return Err(PageError::Forbidden(tr));
    }
    let fields = form.read(tr)?;
    let me = v.check_csrf(&fields)?.clone();
    let year = year_of(tr, fields.get("year").map(String::as_str), s.today())?;
    Ok((me, fields, year))
}

/// The standing office saves a new version of the year's rubric.
pub async fn evaluation_rubric(State(s): State<AppState>, v: Viewer, form: LazyForm) -> PageResult {
    let tr = v.tr;
    let (me, fields, year) = office_form(&s, &v, form)?;
    let labels = rubric_fields(tr, &chitieu_domain::evaluation::Rubric::default());
    let number = |name: &str| -> Result<f64, PageError> {
        let label = labels
            .iter()
            .find(|(f, _, _)| *f == name)
            .map_or(name.to_string(), |(_, l, _)| l.clone());
        let text = fields.get(name).map_or("", |s| s.trim());
        chitieu_domain::text::parse_decimal_vi(text)
            .and_then(|d| rust_decimal::prelude::ToPrimitive::to_f64(&d))
            .ok_or_else(|| PageError::invalid(tr, format!("{label}: \"{text}\" không phải là số")))
    };
    let rubric = chitieu_domain::evaluation::Rubric {
        titles: chitieu_domain::evaluation::parse_titles(
            fields.get("titles").map_or("", String::as_str),
        )
        .map_err(|e| PageError::invalid(tr, e))?,
        targets: number("targets")?,
        tasks: number("tasks")?,
        reporting: number("reporting")?,
        quality: number("quality")?,
        at_risk_credit: number("at_risk_credit")? / 100.0,
        late_task_credit: number("late_task_credit")? / 100.0,
        defective_task_credit: number("defective_task_credit")? / 100.0,
        excellent_quota: number("excellent_quota")? / 100.0,
        clusters: chitieu_domain::evaluation::Rubric::parse_clusters(
            fields.get("clusters").map_or("", String::as_str),
        )
        .map_err(|e| PageError::invalid(tr, e))?,
    };
    evaluation::save_rubric(&s.app, &me, year, &rubric)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    Ok(Redirect::to(&format!("/evaluation?year={year}#rubric")).into_response())
}

/// The standing office replaces the year's proposals (empty: back to those computed).
pub async fn evaluation_proposals(
    State(s): State<AppState>,
    v: Viewer,
    form: LazyForm,
) -> PageResult {
    let tr = v.tr;
    let (me, fields, year) = office_form(&s, &v, form)?;
    let list = chitieu_domain::evaluation::parse_proposals(
        fields.get("proposals").map_or("", String::as_str),
    )
    .map_err(|e| PageError::invalid(tr, e))?;
    evaluation::save_proposals(&s.app, &me, year, &list)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    Ok(Redirect::to(&format!("/evaluation?year={year}#proposals")).into_response())
}

/// The rubric's numbers as the form shows them: weights in points, shares in per cent.
pub(super) fn rubric_fields(
    tr: Tr,
    r: &chitieu_domain::evaluation::Rubric,
) -> Vec<(&'static str, String, String)> {
    let pct = |x: f64| {
        tr.num(x * 100.0, 2)
            .trim_end_matches("00")
            .trim_end_matches(',')
            .to_string()
    };
    let pts = |x: f64| {
        tr.num(x, 2)
            .trim_end_matches("00")
            .trim_end_matches(',')
            .to_string()
    };
    vec![
        (
            "targets",
            section_label(tr, Section::Targets).to_string(),
            pts(r.targets),
        ),
        (
            "tasks",
            section_label(tr, Section::Tasks).to_string(),
            pts(r.tasks),
        ),
        (
            "reporting",
            section_label(tr, Section::Reporting).to_string(),
            pts(r.reporting),
        ),
        (
            "quality",
            section_label(tr, Section::Quality).to_string(),
            pts(r.quality),
        ),
        (
            "at_risk_credit",
            format!("{} (%)", tr.t("at_risk_credit")),
            pct(r.at_risk_credit),
        ),
        (
            "late_task_credit",
            format!("{} (%)", tr.t("late_task_credit")),
            pct(r.late_task_credit),
        ),
        (
            "defective_task_credit",
            format!("{} (%)", tr.t("defective_task_credit")),
            pct(r.defective_task_credit),
        ),
        (
            "excellent_quota",
            format!("{} (%)", tr.t("excellent_quota")),
            pct(r.excellent_quota),
        ),
    ]
}
