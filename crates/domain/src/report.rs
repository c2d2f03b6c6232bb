//! Report forms (biểu mẫu) and the way one report — a unit's figures for one form and one
//! period — goes from the reporter to the standing office: draft → submitted → approved by
//! the unit's head → accepted by the secretariat above, or returned with a reason.
//!
//! A report's state is also the state of each value in it, so that the engine can tell
//! official (accepted) figures from provisional ones.

use crate::refusal::{Field, Refusal as Why, Thing};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::indicator::{Indicator, UnitAggregation};
use crate::period::{Period, PeriodKind};
use crate::permission::{Role, in_scope};
use crate::unit::{Unit, UnitCode, UnitKind};
use crate::value::ValueState;

/// The most days after a period's end a report may be due.
pub const MAX_DUE_DAYS: u32 = 366;

/// A report form: which indicators it covers, which kinds of unit send it, how often, and
/// how many days after the period ends it is due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    pub frequency: PeriodKind,
    pub due_days: u32,
    /// Departments (sở, ngành) send the province's figures of the indicators they lead;
    /// communes and wards send their own.
    pub reported_by: Vec<UnitKind>,
    pub indicators: Vec<String>,
}

impl Form {
    /// The day a report for `period` is due.
    pub fn due(&self, period: &Period) -> NaiveDate {
        period
            .end()
            .checked_add_days(Days::new(u64::from(self.due_days)))
            .unwrap_or(NaiveDate::MAX)
    }

    /// The indicators of this form that `unit` reports: a department those it leads (the
    /// plan owner's figures); a commune or ward those reported by its kind. Derived
    /// indicators are computed, never reported.
    pub fn indicators_of<'a>(
        &self,
        indicators: &'a [Indicator],
        unit: &Unit,
    ) -> Vec<&'a Indicator> {
        if !self.reported_by.contains(&unit.kind) {
            return Vec::new();
        }
        indicators
            .iter()
            .filter(|i| self.indicators.contains(&i.code) && i.derived_from.is_none())
            .filter(|i| match unit.kind {
                UnitKind::Department => {
                    i.lead_unit == unit.code && i.unit_aggregation == UnitAggregation::None
                }
                kind => i.reported_by_kind(kind),
            })
            .collect()
    }

    /// The unit whose figures a report of `unit` holds: the plan owner's for a department.
    pub fn values_unit(unit: &Unit, owner: &UnitCode) -> UnitCode {
        if unit.kind == UnitKind::Department {
            owner.clone()
        } else {
            unit.code.clone()
        }
    }

    /// The units expected to send this form for `period`: those that exist on the period's
    /// last day (a commune merged midway is reported by its successor, for the whole period)
    /// and have something on it to report.
    pub fn expected<'a>(
        &self,
        indicators: &[Indicator],
        units: &'a [Unit],
        period: &Period,
    ) -> Vec<&'a Unit> {
        let last = period.end();
        units
            .iter()
            .filter(|u| u.valid_from <= last && u.valid_to.is_none_or(|t| t >= last))
            .filter(|u| !self.indicators_of(indicators, u).is_empty())
            .collect()
    }

    /// Checks the form against the plan's indicators; the message names the form.
    pub fn check(&self, indicators: &[Indicator]) -> Result<(), Why> {
        let at = |r: Why| r.of(Thing::Form, &self.code);
        if self.code.trim().is_empty() {
            return Err(at(Why::Required { field: Field::Code }));
        }
        if self.code.len() > 40
            || !self
                .code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return Err(at(Why::malformed(Field::Code, &self.code)));
        }
        Why::text(Field::Name, &self.name, 300).map_err(at)?;
        if self.name_en.chars().count() > 300 {
            return Err(at(Why::TooLong {
                field: Field::NameEn,
                max: 300,
            }));
        }
        if self.due_days > MAX_DUE_DAYS {
            return Err(at(Why::OutOfRange {
                field: Field::DueDays,
                value: self.due_days.to_string(),
                min: "0".into(),
                max: MAX_DUE_DAYS.to_string(),
            }));
        }
        if self.reported_by.is_empty() {
            return Err(at(Why::Required {
                field: Field::ReportedBy,
            }));
        }
        if self.indicators.is_empty() {
            return Err(at(Why::Required {
                field: Field::Indicator,
            }));
        }
        for code in &self.indicators {
            let Some(i) = indicators.iter().find(|i| i.code == *code) else {
                return Err(at(Why::Unknown {
                    what: Thing::Indicator,
                    code: code.clone(),
                }));
            };
            if i.derived_from.is_some() {
                return Err(at(Why::Computed {
                    indicator: code.clone(),
                }));
            }
            if i.frequency != self.frequency {
                return Err(at(Why::FrequencyMismatch {
                    indicator: code.clone(),
                    frequency: i.frequency,
                    form_frequency: self.frequency,
                }));
            }
        }
        Ok(())
    }
}

/// What someone does to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportAction {
    Submit,
    Approve,
    Accept,
    Return,
    Reopen,
}

impl ReportAction {
    pub const ALL: [ReportAction; 5] = [
        ReportAction::Submit,
        ReportAction::Approve,
        ReportAction::Accept,
        ReportAction::Return,
        ReportAction::Reopen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportAction::Submit => "submit",
            ReportAction::Approve => "approve",
            ReportAction::Accept => "accept",
            ReportAction::Return => "return",
            ReportAction::Reopen => "reopen",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            ReportAction::Submit => "Gửi báo cáo",
            ReportAction::Approve => "Duyệt",
            ReportAction::Accept => "Tiếp nhận",
            ReportAction::Return => "Trả lại",
            ReportAction::Reopen => "Mở lại",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ReportAction::Submit => "Submit",
            ReportAction::Approve => "Approve",
            ReportAction::Accept => "Accept",
            ReportAction::Return => "Return",
            ReportAction::Reopen => "Reopen",
        }
    }

    /// Whether the action needs a reason (kept in the history, shown to the reporter).
    pub fn needs_reason(self) -> bool {
        matches!(self, ReportAction::Return | ReportAction::Reopen)
    }

    /// The state the action leads to from `from`, or `None` when it is not allowed there.
    pub fn next(self, from: ValueState) -> Option<ValueState> {
        use ValueState::*;
        match (self, from) {
            (ReportAction::Submit, Draft | Returned) => Some(Submitted),
            (ReportAction::Approve, Submitted) => Some(Approved),
            (ReportAction::Accept, Approved) => Some(Accepted),
            (ReportAction::Return, Submitted | Approved) => Some(Returned),
            (ReportAction::Reopen, Accepted) => Some(Returned),
            _ => None,
        }
    }
}

impl std::str::FromStr for ReportAction {
    type Err = crate::Refusal;
    fn from_str(s: &str) -> Result<Self, crate::Refusal> {
        ReportAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| {
                crate::Refusal::not_one_of(
                    crate::Field::Action,
                    s,
                    ReportAction::ALL.iter().map(|x| x.as_str()),
                )
            })
    }
}

/// Whether a user may take `action` on a report of `report_unit`: the unit's reporter or
/// head submits; its head approves (and may return what was sent to them); the
/// secretariat of a level above accepts, returns and reopens. The administrator runs the
/// system, not the figures, and takes no part.
pub fn may_act(
    units: &[Unit],
    role: Role,
    user_unit: &UnitCode,
    report_unit: &UnitCode,
    action: ReportAction,
) -> bool {
    let own = user_unit == report_unit;
    let above = user_unit != report_unit && in_scope(units, user_unit, report_unit);
    may_act_placed(role, own, above, action)
}

/// [`may_act`] with the places already known: the report is the user's unit's own (`own`),
/// or of a unit under it (`above`). A list of a nation's reports asks this of each, with the
/// places looked up once in an index rather than by scanning the units.
pub fn may_act_placed(role: Role, own: bool, above: bool, action: ReportAction) -> bool {
    match action {
        ReportAction::Submit => own && matches!(role, Role::Reporter | Role::Head),
        ReportAction::Approve => own && role == Role::Head,
        ReportAction::Accept | ReportAction::Reopen => above && role == Role::Secretariat,
        ReportAction::Return => (own && role == Role::Head) || (above && role == Role::Secretariat),
    }
}

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The role or unit may not take this action (403).
    Forbidden {
        role: Role,
        unit: UnitCode,
        action: ReportAction,
    },
    /// Not from the report's current state (409).
    NotNow {
        action: ReportAction,
        state: ValueState,
    },
    /// A return or reopening without a reason (422).
    ReasonNeeded { action: ReportAction },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = |a: &ReportAction| a.label_vi().to_lowercase();
        match self {
            Refusal::Forbidden { role, unit, action } => write!(
                f,
                "{} của {unit} không được {} báo cáo này",
                role.label_vi(),
                name(action)
            ),
            Refusal::NotNow { action, state } => write!(
                f,
                "không thể {} báo cáo đang ở trạng thái \"{}\"",
                name(action),
                state.label_vi()
            ),
            Refusal::ReasonNeeded { action } => write!(f, "cần ghi lý do để {}", name(action)),
        }
    }
}

impl std::error::Error for Refusal {}

/// The one state machine: checks who acts, from which state, with which reason, and gives
/// the state the report moves to.
pub fn transition(
    units: &[Unit],
    role: Role,
    user_unit: &UnitCode,
    report_unit: &UnitCode,
    from: ValueState,
    action: ReportAction,
    reason: &str,
) -> Result<ValueState, Refusal> {
    if !may_act(units, role, user_unit, report_unit, action) {
        return Err(Refusal::Forbidden {
            role,
            unit: user_unit.clone(),
            action,
        });
    }
    let to = action.next(from).ok_or(Refusal::NotNow {
        action,
        state: from,
    })?;
    if action.needs_reason() && reason.trim().is_empty() {
        return Err(Refusal::ReasonNeeded { action });
    }
    Ok(to)
}

/// Received and on-time shares of the expected reports, each within 0–100 %.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Completeness {
    pub expected: u32,
    pub received: u32,
    pub on_time: u32,
}

impl Completeness {
    /// Counts one expected report: in `state`, last sent on `sent`, due on `due`.
    pub fn add(&mut self, state: ValueState, sent: Option<NaiveDate>, due: NaiveDate) {
        self.expected += 1;
        if received(state) {
            self.received += 1;
            if sent.is_some_and(|d| d <= due) {
                self.on_time += 1;
            }
        }
    }

    pub fn received_pct(&self) -> Option<f64> {
        (self.expected > 0)
            .then(|| f64::from(self.received.min(self.expected)) / f64::from(self.expected) * 100.0)
    }

    pub fn on_time_pct(&self) -> Option<f64> {
        (self.expected > 0)
            .then(|| f64::from(self.on_time.min(self.expected)) / f64::from(self.expected) * 100.0)
    }
}

/// Whether a report with this state counts as received: it reached the level above.
pub fn received(state: ValueState) -> bool {
    matches!(
        state,
        ValueState::Submitted | ValueState::Approved | ValueState::Accepted
    )
}

/// Counts the reports of `form` for `period`: expected ones only (a unit that is not
/// expected adds nothing, so neither share passes 100 %). `report` gives a unit's report
/// state and the day it was (last) submitted.
pub fn count(
    form: &Form,
    indicators: &[Indicator],
    units: &[Unit],
    period: &Period,
    report: impl Fn(&UnitCode) -> Option<(ValueState, Option<NaiveDate>)>,
) -> Completeness {
    let due = form.due(period);
    let mut c = Completeness::default();
    for u in form.expected(indicators, units, period) {
        match report(&u.code) {
            Some((state, sent)) => c.add(state, sent, due),
            None => c.add(ValueState::Draft, None, due),
        }
    }
    c
}

/// The period kinds a form may use, for the admin page.
pub const FORM_FREQUENCIES: [PeriodKind; 4] = [
    PeriodKind::Month,
    PeriodKind::Quarter,
    PeriodKind::Semester,
    PeriodKind::Year,
];

/// The state of a report never moved: accepted when it covers at least one indicator and
/// every one of its figures was loaded as accepted (official data from before the workflow),
/// else a draft. `accepted` counts the report's indicators whose figure is accepted.
pub fn initial_state(indicators: usize, accepted: usize) -> ValueState {
    if indicators > 0 && accepted >= indicators {
        ValueState::Accepted
    } else {
        ValueState::Draft
    }
}

#[cfg(test)]
mod tests;
