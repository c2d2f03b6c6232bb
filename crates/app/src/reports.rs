//! The reports a user sees: every report expected of the units in their scope for a
//! period, with its stored state (a report nobody touched is a draft), due day and lateness.

use chitieu_domain::Actor;
use chitieu_domain::clock::vietnam_date;
use chitieu_domain::report::{Form, received};
use chitieu_domain::{Period, UnitCode, ValueState};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

use crate::App;
use crate::actions::ActionError;
use crate::live::Snapshot;

#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Default: each form's last complete period.
    pub period: Option<Period>,
    pub unit: Option<UnitCode>,
    pub form: Option<String>,
    pub state: Option<ValueState>,
}

/// One report as listed.
#[derive(Debug, Clone)]
pub struct Listed {
    pub form: String,
    pub form_name: String,
    /// Empty when the plan gives no English name.
    pub form_name_en: String,
    pub unit: UnitCode,
    pub unit_name: String,
    pub period: Period,
    pub state: ValueState,
    pub due: NaiveDate,
    pub submitted_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub reason: String,
    /// Not received by its due day: sent after it, or still not sent after it.
    pub late: bool,
}

/// The period a form is asked for: the one given when it is of the form's kind, else none;
/// without one, the form's last complete period.
fn period_of(form: &Form, asked: Option<Period>, day: NaiveDate) -> Option<Period> {
    match asked {
        Some(p) => (p.kind() == form.frequency).then_some(p),
        None => Some(Period::last_complete(form.frequency, day)),
    }
}

/// Every report expected of the units in `me`'s scope (see [`Query`]).
pub fn list(snap: &Snapshot, me: &Actor, q: &Query, day: NaiveDate) -> Vec<Listed> {
    list_within(snap, &me.unit, q, day)
}

/// Every report expected of `scope` and the units under it (see [`Query`]), from the
/// snapshot: no database round trip.
/// `day` is today: it picks each form's last complete period and says what is late.
pub fn list_within(snap: &Snapshot, scope: &UnitCode, q: &Query, day: NaiveDate) -> Vec<Listed> {
    let Some(plan) = snap.plan.as_ref() else {
        return Vec::new();
    };
    let stored: HashMap<(&str, &UnitCode, Period), &chitieu_store::ReportRow> = snap
        .reports
        .iter()
        .map(|r| ((r.form.as_str(), &r.unit, r.period), r))
        .collect();
    let mut out = Vec::new();
    for form in plan
        .forms
        .iter()
        .filter(|f| q.form.as_ref().is_none_or(|c| *c == f.code))
    {
        let Some(period) = period_of(form, q.period, day) else {
            continue;
        };
        let due = form.due(&period);
        for unit in form.expected(&plan.indicators, &snap.units, &period) {
            if !snap.within(scope, &unit.code) || q.unit.as_ref().is_some_and(|u| *u != unit.code) {
                continue;
            }
            let row = stored
                .get(&(form.code.as_str(), &unit.code, period))
                .copied();
            let state = match row {
                Some(r) => r.state,
                // Never moved here: accepted when its figures were all loaded as accepted
                // (official data from before the workflow), else a draft.
                None => {
                    let values_unit = Form::values_unit(unit, &plan.plan.owner);
                    let inds = form.indicators_of(&plan.indicators, unit);
                    let accepted = inds
                        .iter()
                        .filter(|i| snap.official.has_own(&i.code, &values_unit, period))
                        .count();
                    chitieu_domain::report::initial_state(inds.len(), accepted)
                }
            };
            if q.state.is_some_and(|s| s != state) {
                continue;
            }
            let submitted_at = row.and_then(|r| r.submitted_at);
            let late = if received(state) {
                submitted_at.is_some_and(|t| vietnam_date(t) > due)
            } else {
                day > due
            };
            out.push(Listed {
                form: form.code.clone(),
                form_name: form.name.clone(),
                form_name_en: form.name_en.clone(),
                unit: unit.code.clone(),
                unit_name: unit.name.clone(),
                period,
                state,
                due,
                submitted_at,
                approved_at: row.and_then(|r| r.approved_at),
                accepted_at: row.and_then(|r| r.accepted_at),
                reason: row.map(|r| r.reason.clone()).unwrap_or_default(),
                late,
            });
        }
    }
    out
}

/// [`list_within`], computed once per snapshot for each scope, query and day and shared by
/// every reader: a nation's list is thousands of reports.
pub fn list_shared(
    snap: &Snapshot,
    scope: &UnitCode,
    q: &Query,
    day: NaiveDate,
) -> std::sync::Arc<Vec<Listed>> {
    let key = (
        scope.clone(),
        q.period,
        q.form.clone(),
        q.state,
        q.unit.clone(),
        day,
    );
    crate::memo::remember(&snap.memo.lists, key, || {
        std::sync::Arc::new(list_within(snap, scope, q, day))
    })
}

/// Received and on-time counts of a list of reports.
pub fn completeness<'a>(
    list: impl IntoIterator<Item = &'a Listed>,
) -> chitieu_domain::report::Completeness {
    let mut c = chitieu_domain::report::Completeness::default();
    for r in list {
        c.add(r.state, r.submitted_at.map(vietnam_date), r.due);
    }
    c
}

/// Sends each report (form × unit) of `period` after its figures were saved: one already
/// sent or accepted is left as it is; the first refusal stops the rest and is returned.
pub async fn submit_each(
    s: &App,
    me: &Actor,
    reports: &[(String, UnitCode)],
    period: &chitieu_domain::Period,
    comment: &str,
) -> Result<(), ActionError> {
    let period = period.to_string();
    for (form, unit) in reports {
        let sent = crate::actions::act_on_report(
            s,
            me,
            &crate::actions::ReportRequest {
                form,
                unit: unit.as_str(),
                period: &period,
                action: chitieu_domain::report::ReportAction::Submit,
                reason: comment,
            },
        )
        .await;
        match sent {
            Ok(_) => {}
            // Already sent or accepted: left as it is.
            Err(ActionError::Refused(chitieu_domain::Refusal::ReportState { .. })) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A change of more than half, up or down, from the period before is flagged for whoever
/// reviews a report.
pub const JUMP: f64 = 0.5;

/// A part of a figure as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Value,
    Numerator,
    Denominator,
}

/// The parts of a figure (value, numerator, denominator) that moved by more than [`JUMP`]
/// from `before` to `now`, with the relative change; nothing from zero or from a part
/// missing on either side. A count that doubles can hide behind a ratio that barely moves.
pub fn jumps(
    now: [Option<chitieu_domain::Decimal>; 3],
    before: [Option<chitieu_domain::Decimal>; 3],
) -> Vec<(Part, f64)> {
    [Part::Value, Part::Numerator, Part::Denominator]
        .into_iter()
        .zip(now.into_iter().zip(before))
        .filter_map(|(part, pair)| {
            let (Some(x), Some(y)) = pair else {
                return None;
            };
            let (x, y) = (
                chitieu_domain::text::decimal_f64(x),
                chitieu_domain::text::decimal_f64(y),
            );
            if y == 0.0 {
                return None;
            }
            let change = x / y - 1.0;
            (change.abs() > JUMP).then_some((part, change))
        })
        .collect()
}

/// A report's figures for reading: the report as listed, its indicators, the stored figures
/// of the unit they are kept under, and what the reader may see and do.
pub struct Figures {
    pub report: Listed,
    pub indicators: Vec<chitieu_domain::Indicator>,
    /// Every stored figure of `values_unit` (all periods: the view finds the one before).
    pub values: Vec<chitieu_store::ValueRow>,
    /// A department's report holds the province's figures of the indicators it leads.
    pub values_unit: UnitCode,
    /// Not sent, and the reader does not enter figures: drafts are not theirs to read.
    pub unsent: bool,
    /// The reader may enter figures of this report (the entry form is theirs).
    pub may_enter: bool,
}

/// `form`'s report of `unit` for `period` with its figures, for anyone whose scope holds
/// the unit (403 outside it, 404 for no such report).
pub async fn figures(
    s: &App,
    me: &Actor,
    form: &str,
    unit: &UnitCode,
    period: Period,
) -> Result<Figures, ActionError> {
    use chitieu_domain::permission::{Action, in_scope, may_enter, role_allows};
    let snap = s.live.snapshot();
    let unknown = || {
        ActionError::NotFound(chitieu_domain::Refusal::unknown(
            chitieu_domain::Thing::Report,
            form,
        ))
    };
    let plan = snap.plan.as_ref().ok_or_else(unknown)?;
    let (Some(f), Some(unit_rec)) = (plan.forms.iter().find(|f| f.code == form), snap.unit(unit))
    else {
        return Err(unknown());
    };
    if !in_scope(&snap.units, &me.unit, unit) {
        return Err(ActionError::Forbidden);
    }
    let q = Query {
        period: Some(period),
        unit: Some(unit.clone()),
        form: Some(f.code.clone()),
        state: None,
    };
    let report = list_within(&snap, &me.unit, &q, s.today())
        .into_iter()
        .find(|r| &r.unit == unit && r.form == f.code)
        .ok_or_else(unknown)?;
    let values_unit = if unit_rec.kind == chitieu_domain::UnitKind::Department {
        plan.plan.owner.clone()
    } else {
        unit.clone()
    };
    let indicators: Vec<chitieu_domain::Indicator> = f
        .indicators_of(&plan.indicators, unit_rec)
        .into_iter()
        .cloned()
        .collect();
    let may_enter = indicators.iter().any(|i| {
        may_enter(
            &snap.units,
            me.role,
            &me.unit,
            &plan.plan.owner,
            i,
            &values_unit,
        )
    });
    let unsent = !role_allows(me.role, Action::Enter) && !received(report.state);
    let values = s
        .values(&chitieu_store::ValueFilter {
            indicator: None,
            unit: Some(values_unit.clone()),
        })
        .await?;
    Ok(Figures {
        report,
        indicators,
        values,
        values_unit,
        unsent,
        may_enter,
    })
}
