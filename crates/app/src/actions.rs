//! The writes that the pages, the API (and the command line) offer, each in one place: who may (always
//! through `chitieu_domain::permission`), what is checked, then the store, then the engine.
//! Handlers parse their own input shape and render the outcome; they decide nothing here.

use chitieu_domain::Actor;
use chitieu_domain::permission::{
    self, Action, Role, may_administer, may_complete_task, may_edit_plan, may_enter, may_grant,
    may_issue_token, may_report_progress, role_allows,
};
use chitieu_domain::value::{ValueText, parse_value, repeats};
use chitieu_domain::{Head, Refusal, Target, Unit, UnitCode, ValueState};
use chitieu_store::{
    ConflictKind, NewEvidence, NewValue, StoreError, StoredValue, TokenInfo, ValueConflict,
    ValueWrite,
};
use serde::Serialize;

use crate::App;
use crate::live::Snapshot;

pub use crate::refused::ActionError;

type Result<T, E = ActionError> = std::result::Result<T, E>;

/// A value that could not be used, by its position in the batch and its field.
#[derive(Debug, Clone, Serialize)]
pub struct ItemError {
    pub index: usize,
    pub field: &'static str,
    pub reason: String,
    /// For the pages in English; the API keeps its documented shape.
    #[serde(skip)]
    pub reason_en: String,
}

/// A refused value as the writer should see it: by codes, with what is stored now.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    /// Position in the batch; `None` for an evidence file.
    pub index: Option<usize>,
    pub indicator: String,
    pub unit: String,
    pub period: String,
    #[serde(flatten)]
    pub kind: ConflictKind,
    pub current: StoredValue,
    pub reason: String,
}

fn conflict_view(c: &ValueConflict) -> Conflict {
    Conflict {
        index: c.index,
        indicator: c.indicator.clone(),
        unit: c.unit.to_string(),
        period: c.period.to_string(),
        kind: c.kind,
        current: c.current.clone(),
        reason: c.reason_vi(),
    }
}

/// One value of a write, as text, with the version it was based on.
#[derive(Debug, Clone, Copy)]
pub struct ValueItem<'a> {
    pub text: ValueText<'a>,
    pub version: Option<i64>,
}

/// Writes values (and their evidence) for `me`, all or nothing: the role may enter; every
/// value's unit is one `me` may enter for; every value passes the domain's checks; no value
/// was changed by someone else since the version sent, nor is locked. `what` names the
/// channel in the audit log.
pub async fn write_values(
    s: &App,
    me: &Actor,
    items: &[ValueItem<'_>],
    evidence: Vec<NewEvidence>,
    state: ValueState,
    what: &str,
) -> Result<u64> {
    write_checked(s, me, items, evidence, state, what, false).await
}

/// [`write_values`]; `official`: as [`crate::exchange::write_official`] writes.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn write_checked(
    s: &App,
    me: &Actor,
    items: &[ValueItem<'_>],
    evidence: Vec<NewEvidence>,
    state: ValueState,
    what: &str,
    official: bool,
) -> Result<u64> {
    if !role_allows(me.role, Action::Enter) {
        return Err(ActionError::Forbidden);
    }
    let rows = {
        let snap = s.live.snapshot();
        let plan = snap
            .plan
            .as_ref()
            .ok_or_else(|| ActionError::Refused(chitieu_domain::Refusal::NoPlan))?;
        let owner = &plan.plan.owner;
        let allowed = |ind: &chitieu_domain::Indicator, unit: &UnitCode| {
            if official {
                may_administer(&snap.units, me.role, &me.unit, unit)
            } else {
                may_enter(&snap.units, me.role, &me.unit, owner, ind, unit)
            }
        };
        // Who may write comes before whether the figures are right: a value for a unit out
        // of reach is refused as such, whatever it holds.
        for it in items {
            let ind = chitieu_domain::value::Lookup::indicator(&*snap, it.text.indicator);
            let unit = UnitCode::parse(it.text.unit).ok();
            if let (Some(ind), Some(unit)) = (ind, unit)
                && snap.unit(&unit).is_some()
                && !allowed(ind, &unit)
            {
                return Err(ActionError::Forbidden);
            }
        }
        let mut errors = Vec::new();
        let mut rows = Vec::with_capacity(items.len());
        // The item each row came from.
        let mut item_of = Vec::with_capacity(items.len());
        for (index, it) in items.iter().enumerate() {
            match parse_value(&*snap, &it.text) {
                Ok(v) => {
                    rows.push(NewValue::new(v, it.version));
                    item_of.push(index);
                }
                Err(e) => errors.push(ItemError {
                    index,
                    field: e.field,
                    reason: e.reason,
                    reason_en: e.reason_en,
                }),
            }
        }
        for (first, repeat) in repeats(rows.iter().map(|r| &r.value).enumerate()) {
            let first = item_of[first];
            errors.push(ItemError {
                index: item_of[repeat],
                field: "period",
                reason: format!("trùng với values[{first}]: cùng chỉ tiêu, đơn vị và kỳ"),
                reason_en: format!("same indicator, unit and period as values[{first}]"),
            });
        }
        errors.sort_by_key(|e| e.index);
        if !errors.is_empty() {
            return Err(ActionError::InvalidItems(errors));
        }
        for e in &evidence {
            let ind = plan.indicator(&e.indicator).ok_or_else(|| {
                ActionError::NotFound(chitieu_domain::Refusal::unknown(
                    chitieu_domain::Thing::Indicator,
                    &e.indicator,
                ))
            })?;
            if !allowed(ind, &e.unit) {
                return Err(ActionError::Forbidden);
            }
        }
        rows
    };
    let result = s
        .store
        .write_values(
            &ValueWrite {
                values: &rows,
                evidence,
                state,
                actor: &me.login,
                what,
                from_official_source: official,
            },
            |_| {},
        )
        .await;
    match result {
        Ok(changed) => {
            s.live.sync().await?;
            Ok(changed)
        }
        Err(StoreError::Conflict(cs)) => Err(ActionError::Conflict(
            cs.iter().map(conflict_view).collect(),
        )),
        Err(e) => Err(e.into()),
    }
}

fn units(s: &App) -> std::sync::Arc<Vec<Unit>> {
    s.live.snapshot().units.clone()
}

/// A target, new or changed, at a unit within the administrator's scope.
pub async fn set_target(s: &App, me: &Actor, t: &Target) -> Result<()> {
    {
        let snap = s.live.snapshot();
        let plan = snap
            .plan
            .as_ref()
            .ok_or_else(|| ActionError::Refused(chitieu_domain::Refusal::NoPlan))?;
        if plan.indicator(&t.indicator).is_none() {
            return Err(Refusal::unknown(chitieu_domain::Thing::Indicator, &t.indicator).into());
        }
        if snap.unit(&t.unit).is_none() {
            return Err(Refusal::unknown(chitieu_domain::Thing::Unit, t.unit.as_str()).into());
        }
        if !may_administer(&snap.units, me.role, &me.unit, &t.unit) {
            return Err(ActionError::Forbidden);
        }
    }
    s.store.set_target(t, &me.login).await?;
    s.live.sync().await?;
    Ok(())
}

/// An administrator who names a unit that does not exist (a typo) is told so, rather than
/// refused as if it lay outside their scope. Others learn nothing.
fn known_unit(s: &App, me: &Actor, unit: &UnitCode) -> Result<()> {
    if role_allows(me.role, Action::Administer) && s.live.snapshot().unit(unit).is_none() {
        return Err(Refusal::unknown(chitieu_domain::Thing::Unit, unit.as_str()).into());
    }
    Ok(())
}

/// A head's term of office at a unit within the administrator's scope.
pub async fn add_head(s: &App, me: &Actor, h: &Head) -> Result<()> {
    known_unit(s, me, &h.unit)?;
    if !may_administer(&units(s), me.role, &me.unit, &h.unit) {
        return Err(ActionError::Forbidden);
    }
    s.store.add_head(h, &me.login).await?;
    // Heads live in the snapshot: the writer sees the new term at once.
    s.live.sync().await?;
    Ok(())
}

/// An account, never with a role above the creator's nor outside the creator's scope.
pub async fn add_user(s: &App, me: &Actor, u: &chitieu_store::NewUser<'_>) -> Result<()> {
    known_unit(s, me, u.unit)?;
    if !may_grant(&units(s), me.role, &me.unit, u.role, u.unit) {
        return Err(ActionError::Forbidden);
    }
    s.store.add_user(u, &me.login).await?;
    s.live.sync().await?;
    Ok(())
}

/// A bearer token for a machine client, within the same limits as an account, by an
/// administrator. Returns the token, shown once.
pub async fn create_token(
    s: &App,
    me: &Actor,
    name: &str,
    role: Role,
    unit: &UnitCode,
) -> Result<String> {
    known_unit(s, me, unit)?;
    if !may_issue_token(&units(s), me.role, &me.unit, role, unit) {
        return Err(ActionError::Forbidden);
    }
    let token = s.store.create_token(name, role, unit, &me.login).await?;
    s.live.sync().await?;
    Ok(token)
}

/// The tokens an administrator may see and revoke: those within their reach.
pub async fn tokens(s: &App, me: &Actor) -> Result<Vec<TokenInfo>> {
    if !role_allows(me.role, Action::Administer) {
        return Err(ActionError::Forbidden);
    }
    let units = units(s);
    Ok(s.store
        .tokens()
        .await?
        .into_iter()
        .filter(|t| may_issue_token(&units, me.role, &me.unit, t.role, &t.unit))
        .collect())
}

/// Revokes a token within the administrator's reach.
pub async fn revoke_token(s: &App, me: &Actor, name: &str) -> Result<()> {
    let t = s
        .store
        .tokens()
        .await?
        .into_iter()
        .find(|t| t.name == name.trim())
        .ok_or_else(|| {
            ActionError::NotFound(chitieu_domain::Refusal::unknown(
                chitieu_domain::Thing::Token,
                name.trim(),
            ))
        })?;
    if !may_issue_token(&units(s), me.role, &me.unit, t.role, &t.unit) {
        return Err(ActionError::Forbidden);
    }
    s.store.revoke_token(&t.name, &me.login).await?;
    s.live.sync().await?;
    Ok(())
}

/// The accounts an administrator may see: those within their scope.
pub async fn users(s: &App, me: &Actor) -> Result<Vec<(String, Role, UnitCode)>> {
    if !role_allows(me.role, Action::Administer) {
        return Err(ActionError::Forbidden);
    }
    let snap = s.live.snapshot();
    Ok(s.store
        .users()
        .await?
        .into_iter()
        .filter(|(_, _, unit)| snap.within(&me.unit, unit))
        .collect())
}

/// An indicator's descriptive fields and lead unit: the plan's owner's administrators only.
pub async fn update_indicator(
    s: &App,
    me: &Actor,
    code: &str,
    edit: &chitieu_store::IndicatorEdit,
) -> Result<()> {
    {
        let snap = s.live.snapshot();
        let owner = snap
            .plan
            .as_ref()
            .map(|p| p.plan.owner.clone())
            .ok_or_else(|| ActionError::Refused(chitieu_domain::Refusal::NoPlan))?;
        if !may_edit_plan(&snap.units, me.role, &me.unit, &owner) {
            return Err(ActionError::Forbidden);
        }
    }
    s.store.update_indicator(code, edit, &me.login).await?;
    s.live.sync().await?;
    Ok(())
}

/// A report form, new or changed: the plan's administrators only (the plan is the owner's).
pub async fn set_form(s: &App, me: &Actor, f: &chitieu_domain::report::Form) -> Result<()> {
    let indicators = {
        let snap = s.live.snapshot();
        let plan = snap
            .plan
            .as_ref()
            .ok_or_else(|| ActionError::Refused(chitieu_domain::Refusal::NoPlan))?;
        if !may_edit_plan(&snap.units, me.role, &me.unit, &plan.plan.owner) {
            return Err(ActionError::Forbidden);
        }
        plan.indicators.clone()
    };
    s.store.set_form(f, &indicators, &me.login).await?;
    s.live.sync().await?;
    Ok(())
}

/// A unit, new or changed: its parent, the unit itself when it exists, and its successors
/// all within the administrator's scope; a move between parents only by an administrator
/// over both (never of their own scope's unit); and the units still a tree afterwards.
pub async fn upsert_unit(s: &App, me: &Actor, u: &Unit) -> Result<()> {
    {
        let snap = s.live.snapshot();
        let parent =
            u.parent
                .as_ref()
                .ok_or(ActionError::Refused(chitieu_domain::Refusal::Required {
                    field: chitieu_domain::Field::Parent,
                }))?;
        if snap.unit(parent).is_none() {
            return Err(chitieu_domain::Refusal::BadTree {
                unit: u.code.to_string(),
                reason: chitieu_domain::refusal::TreeFlaw::NoParent,
            }
            .into());
        }
        let existing = snap.unit(&u.code);
        // The graph as this write would leave it: a cycle is a mistake in the input (422,
        // naming the field) whoever makes it, before any question of rights.
        let mut after: Vec<Unit> = snap.units.to_vec();
        match after.iter_mut().find(|x| x.code == u.code) {
            Some(x) => {
                let mut successors = x.successors.clone();
                for s in &u.successors {
                    if !successors.contains(s) {
                        successors.push(s.clone());
                    }
                }
                *x = Unit {
                    successors,
                    ..u.clone()
                };
            }
            None => after.push(u.clone()),
        }
        if let Some(f) = chitieu_domain::unit_tree::faults(&after)
            .into_iter()
            .find(|f| f.error.units().contains(&&u.code))
        {
            return Err(chitieu_domain::Refusal::Tree(f.error).into());
        }
        let reach = |c: &UnitCode| may_administer(&snap.units, me.role, &me.unit, c);
        let existing_out_of_reach = existing.is_some() && !reach(&u.code);
        if !reach(parent) || existing_out_of_reach || !u.successors.iter().all(reach) {
            return Err(ActionError::Forbidden);
        }
        if let Some(old) = existing
            && old.parent.as_ref() != Some(parent)
            && !chitieu_domain::permission::may_move_unit(
                &snap.units,
                me.role,
                &me.unit,
                &u.code,
                old.parent.as_ref(),
                parent,
            )
        {
            return Err(ActionError::Forbidden);
        }
    }
    s.store
        .upsert_units(std::slice::from_ref(u), &me.login, "quản trị")
        .await?;
    s.live.sync().await?;
    Ok(())
}

/// Progress on a task; a completion date only from those who answer for completion, and
/// only a date between the task's start and today.
pub async fn task_progress(
    s: &App,
    me: &Actor,
    task: &chitieu_domain::Task,
    progress: u8,
    report: &chitieu_domain::task::ReportText<'_>,
    completed_on: Option<chrono::NaiveDate>,
    files: Vec<(String, Vec<u8>)>,
) -> Result<()> {
    {
        let snap = s.live.snapshot();
        if !may_report_progress(&snap.units, me.role, &me.unit, task) {
            return Err(ActionError::Forbidden);
        }
        if completed_on.is_some() && !may_complete_task(&snap.units, me.role, &me.unit, task) {
            return Err(ActionError::Forbidden);
        }
    }
    if task.cancelled.is_some() {
        return Err(chitieu_domain::Refusal::TaskCancelled {
            task: task.code.clone(),
        }
        .into());
    }
    if progress > 100 {
        return Err(chitieu_domain::Refusal::OutOfRange {
            field: chitieu_domain::Field::Progress,
            value: progress.to_string(),
            min: "0".into(),
            max: "100".into(),
        }
        .into());
    }
    if let Some(done) = completed_on {
        task.check_completion(done, s.today())?;
    }
    s.store
        .add_task_update(
            &task.code,
            chitieu_store::TaskUpdate {
                on: s.today(),
                progress,
                report,
                completed_on,
                files,
            },
            &me.login,
        )
        .await?;
    s.live.sync().await?;
    Ok(())
}

/// Whether `me` may declare `task` completed (for showing the control).
pub fn may_complete(snap: &Snapshot, me: &Actor, task: &chitieu_domain::Task) -> bool {
    may_complete_task(&snap.units, me.role, &me.unit, task)
}

/// Whether `me` may report progress on `task` (for showing the form).
pub fn may_report(snap: &Snapshot, me: &Actor, task: &chitieu_domain::Task) -> bool {
    permission::may_report_progress(&snap.units, me.role, &me.unit, task)
}

/// A report transition asked for: the report by codes, the action, the reason (needed to
/// return or reopen; on submission, the explanation of warnings).
#[derive(Debug, Clone, Copy)]
pub struct ReportRequest<'a> {
    pub form: &'a str,
    pub unit: &'a str,
    pub period: &'a str,
    pub action: chitieu_domain::report::ReportAction,
    pub reason: &'a str,
}

/// Moves a report (form × unit × period) for `me`: who may, from which state and with
/// which reason is the domain's state machine, checked by the store against the state in
/// the database; a submission needs every figure of the report. `address` is the request's
/// origin, for the audit log.
pub async fn act_on_report(s: &App, me: &Actor, r: &ReportRequest<'_>) -> Result<ValueState> {
    use chitieu_domain::report::Refusal as Move;
    use chitieu_domain::{Refusal, Thing};
    use chitieu_store::{ReportAct, ReportError};
    let ReportRequest {
        form,
        unit,
        period,
        action,
        reason,
    } = *r;
    let reason = chitieu_domain::text::clean_text(
        chitieu_domain::Field::Reason,
        reason,
        chitieu_domain::text::COMMENT_MAX,
        chitieu_domain::text::TextKind::Multiline,
    )?;
    let snap = s.live.snapshot();
    let plan = snap
        .plan
        .as_ref()
        .ok_or(ActionError::Refused(chitieu_domain::Refusal::NoPlan))?;
    let form = plan
        .forms
        .iter()
        .find(|f| f.code == form)
        .ok_or_else(|| ActionError::NotFound(Refusal::unknown(Thing::Form, form)))?;
    let unit_code = UnitCode::parse(unit)
        .map_err(|_| ActionError::NotFound(Refusal::unknown(Thing::Unit, unit)))?;
    let unit = snap
        .unit(&unit_code)
        .ok_or_else(|| ActionError::NotFound(Refusal::unknown(Thing::Unit, unit_code.as_str())))?;
    let period: chitieu_domain::Period = period
        .parse()
        .map_err(|e: chitieu_domain::PeriodError| ActionError::Refused(e.into()))?;
    if period.kind() != form.frequency {
        return Err(Refusal::WrongPeriod {
            form: form.code.clone(),
            frequency: form.frequency.as_str().to_string(),
            period: period.to_string(),
        }
        .into());
    }
    if period.end() >= s.today() {
        return Err(Refusal::PeriodNotOver {
            period: period.to_string(),
            from: period.end() + chrono::Days::new(1),
        }
        .into());
    }
    let act = ReportAct {
        form,
        unit,
        period,
        action,
        role: me.role,
        user_unit: &me.unit,
        actor: &me.login,
        reason: &reason,
        units: &snap.units,
        indicators: &plan.indicators,
        owner: &plan.plan.owner,
        rules: &plan.rules,
    };
    match s.store.act_on_report(&act).await? {
        Ok(to) => {
            s.live.sync().await?;
            crate::notify::after_transition(s, &form.code, &unit.code, period, to, &reason);
            Ok(to)
        }
        Err(ReportError::Refused(Move::Forbidden { .. })) => Err(ActionError::Forbidden),
        Err(ReportError::Refused(Move::NotNow { action, state })) => {
            Err(Refusal::ReportState { state, action }.into())
        }
        Err(ReportError::Refused(Move::ReasonNeeded { action })) => {
            Err(Refusal::ReasonNeeded { action }.into())
        }
        Err(ReportError::Incomplete(indicators)) => Err(Refusal::Incomplete { indicators }.into()),
        Err(ReportError::Rules(rules)) => Err(Refusal::RulesBroken { rules }.into()),
        Err(ReportError::Explain(rules)) => Err(Refusal::Unexplained { rules }.into()),
    }
}
