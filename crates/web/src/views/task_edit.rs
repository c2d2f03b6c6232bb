//! Assigning work on the pages: a new task, a change, a cancellation — by the standing office
//! for units in its scope, by a unit's head for its own unit. A refused form comes back
//! filled, the reason on top.

use super::common::*;
use chitieu_app::tasks::{
    TaskInput, TaskPatch, create_task, may_assign, may_assign_any, update_task,
};

#[derive(Template, WebTemplate)]
#[template(path = "task_form.html")]
struct TaskForm {
    c: Chrome,
    csrf: String,
    /// `None`: a new task; `Some(code)`: a change to that task.
    editing: Option<String>,
    f: TaskInput,
    /// The coordinating units and indicators as typed: codes separated by commas.
    coordinating: String,
    indicators: String,
    error: Option<String>,
    /// Units the person may assign work to, and the plan's indicators, to pick from (the
    /// plan's every unit comes after the page, from /unit-choices).
    lead_choices: Vec<(String, String)>,
    indicator_choices: Vec<(String, String)>,
    funding_sources: Vec<(&'static str, &'static str)>,
    cancelled: bool,
    /// Completed and its product not yet found below requirements: the form for it shows.
    reviewable: bool,
    /// The edition of the task shown, sent back with the change: a change made on a copy
    /// that someone else changed meanwhile is refused, naming who and what.
    version: i64,
}

impl TaskForm {
    fn new(
        snap: &Snapshot,
        v: &Viewer,
        me: &Actor,
        editing: Option<String>,
        mut f: TaskInput,
    ) -> TaskForm {
        let tr = v.tr;
        // Dates shown day first, whatever the browser's language (its date picker was not).
        for d in [&mut f.start, &mut f.deadline, &mut f.source_date] {
            if let Ok(Some(day)) = chitieu_domain::text::parse_date(d) {
                *d = day.format("%d/%m/%Y").to_string();
            }
        }
        let current = |u: &&chitieu_domain::Unit| u.valid_to.is_none();
        TaskForm {
            c: Chrome::of(v),
            csrf: me.csrf.clone(),
            cancelled: editing
                .as_deref()
                .and_then(|c| snap.task(c))
                .is_some_and(|t| t.cancelled.is_some()),
            reviewable: editing
                .as_deref()
                .and_then(|c| snap.task(c))
                .is_some_and(|t| t.completed_on.is_some() && t.product_defect.is_none()),
            version: editing
                .as_deref()
                .and_then(|c| snap.task(c))
                .map_or(0, |t| t.edition.number),
            editing,
            coordinating: f.coordinating_units.join(", "),
            indicators: f.indicators.join(", "),
            f,
            error: None,
            funding_sources: chitieu_domain::task::FundingSource::ALL
                .iter()
                .map(|s| (s.as_str(), tr.label(s)))
                .collect(),
            lead_choices: snap
                .units
                .iter()
                .filter(current)
                .filter(|u| may_assign(snap, me, &u.code))
                .take(5000)
                .map(|u| (u.code.to_string(), u.name.clone()))
                .collect(),
            indicator_choices: snap
                .plan
                .as_ref()
                .map(|p| {
                    p.indicators
                        .iter()
                        .map(|i| (i.code.clone(), tr.pick(&i.name, &i.name_en).to_string()))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// Codes typed with commas or spaces between them.
fn codes(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

fn input_of(f: &HashMap<String, String>) -> TaskInput {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    TaskInput {
        code: get("code"),
        title: get("title"),
        year: get("year"),
        lead_unit: get("lead_unit"),
        coordinating_units: codes(&get("coordinating_units")),
        start: get("start"),
        deadline: get("deadline"),
        expected_product: get("expected_product"),
        indicators: codes(&get("indicators")),
        source_number: get("source_number"),
        source_date: get("source_date"),
        source_issuer: get("source_issuer"),
        funding_source: get("funding_source"),
        funding_allocated: get("funding_allocated"),
        funding_disbursed: get("funding_disbursed"),
        // People type amounts the Vietnamese way: 1.234,5.
        notation: chitieu_domain::value::Notation::Vietnamese,
    }
}

/// Only those who assign work reach these forms.
fn assigner(v: &Viewer) -> Result<Actor, PageError> {
    let me = v.user()?;
    if !may_assign_any(me) {
        return Err(PageError::Forbidden(v.tr));
    }
    Ok(me.clone())
}

/// A refusal the person can fix: the same form, filled, the reason on top.
fn refused(mut form: TaskForm, e: ActionError) -> PageResult {
    let tr = form.c.t;
    form.error = Some(match e {
        ActionError::Refused(r) | ActionError::NotFound(r) => tr.refusal(&r),
        ActionError::Invalid(m) => m,
        other => return Err(PageError::action(tr, other)),
    });
    Ok((StatusCode::UNPROCESSABLE_ENTITY, form).into_response())
}

/// What a link may fill in a new task's form: the source document (from a conclusion
/// notice on the committee's page).
#[derive(Deserialize, Default)]
pub struct Prefill {
    #[serde(default)]
    source_number: String,
    #[serde(default)]
    source_date: String,
    #[serde(default)]
    source_issuer: String,
}

pub async fn task_new_form(
    State(s): State<AppState>,
    v: Viewer,
    Query(p): Query<Prefill>,
) -> PageResult {
    let me = assigner(&v)?;
    let snap = s.live.snapshot();
    let clip = |s: String| s.chars().take(300).collect::<String>();
    let f = TaskInput {
        lead_unit: if may_assign(&snap, &me, &me.unit) {
            me.unit.to_string()
        } else {
            String::new()
        },
        source_number: clip(p.source_number),
        source_date: clip(p.source_date),
        source_issuer: clip(p.source_issuer),
        ..Default::default()
    };
    Ok(TaskForm::new(&snap, &v, &me, None, f).into_response())
}

pub async fn task_new(State(s): State<AppState>, v: Viewer, form: LazyForm) -> PageResult {
    let tr = v.tr;
    assigner(&v)?;
    let fields = form.read(tr)?;
    let me = v.check_csrf(&fields)?.clone();
    let input = input_of(&fields);
    match create_task(&s.app, &me, &input).await {
        Ok(t) => Ok(Redirect::to(&format!("/tasks/{}?saved=1", t.code)).into_response()),
        Err(e) => refused(TaskForm::new(&s.live.snapshot(), &v, &me, None, input), e),
    }
}

pub async fn task_edit_form(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
) -> PageResult {
    let me = assigner(&v)?;
    let snap = s.live.snapshot();
    let t = snap.task(&code).ok_or(PageError::NotFound(v.tr))?;
    if !may_assign(&snap, &me, &t.lead_unit) {
        return Err(PageError::Forbidden(v.tr));
    }
    let mut f = TaskInput::of(t);
    // The form reads amounts the Vietnamese way; show them so ("1.234" would be 1234).
    if let Some(fu) = &t.funding {
        f.funding_allocated = chitieu_domain::text::format_decimal_vi(&fu.allocated);
        f.funding_disbursed = chitieu_domain::text::format_decimal_vi(&fu.disbursed);
    }
    Ok(TaskForm::new(&snap, &v, &me, Some(code), f).into_response())
}

/// A change (every field of the form) or, with `cancel_reason`, a cancellation.
pub async fn task_edit(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
    form: LazyForm,
) -> PageResult {
    let tr = v.tr;
    assigner(&v)?;
    let fields = form.read(tr)?;
    let me = v.check_csrf(&fields)?.clone();
    let old = s
        .live
        .snapshot()
        .task(&code)
        .cloned()
        .ok_or(PageError::NotFound(tr))?;
    let (patch, shown) = if fields.contains_key("cancel_reason") {
        let patch = TaskPatch {
            cancel_reason: fields.get("cancel_reason").cloned(),
            notation: chitieu_domain::value::Notation::Vietnamese,
            ..Default::default()
        };
        (patch, TaskInput::of(&old))
    } else if fields.contains_key("product_defect") {
        let patch = TaskPatch {
            product_defect: fields.get("product_defect").cloned(),
            notation: chitieu_domain::value::Notation::Vietnamese,
            ..Default::default()
        };
        (patch, TaskInput::of(&old))
    } else {
        let i = input_of(&fields);
        let version = fields.get("version").and_then(|v| v.trim().parse().ok());
        let patch = TaskPatch::whole(&i, version);
        (
            patch,
            TaskInput {
                code: code.clone(),
                ..i
            },
        )
    };
    match update_task(&s.app, &me, &code, &patch).await {
        Ok(t) => Ok(Redirect::to(&format!("/tasks/{}?saved=1", t.code)).into_response()),
        Err(e) => refused(
            TaskForm::new(&s.live.snapshot(), &v, &me, Some(code), shown),
            e,
        ),
    }
}
