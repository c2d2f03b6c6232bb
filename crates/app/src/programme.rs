//! A unit's annual work programme (chương trình công tác năm): the tasks written into it for
//! the year, the targets assigned to it for the year, where they stand, and its head's
//! sign-off.

use chitieu_analytics::assess::Row;
use chitieu_domain::Actor;
use chitieu_domain::task::TaskStatus;
use chitieu_domain::{Task, UnitCode};

use crate::App;
use crate::actions::ActionError;

/// A unit's programme for a year, as of today.
pub struct Programme {
    pub unit: UnitCode,
    pub year: i32,
    pub tasks: Vec<Task>,
    /// The unit's own targets for the year (assigned to it, not inherited), assessed; for a
    /// unit that leads indicators (a department), also the plan owner's targets of the year
    /// for those indicators: what it answers for.
    pub targets: Vec<Row>,
    /// Who signed it off and when.
    pub signed: Option<(String, chrono::NaiveDate)>,
    /// Tasks by status, in [`TaskStatus::ALL`]'s order.
    pub counts: Vec<(TaskStatus, usize)>,
}

impl Programme {
    /// Tasks done (on time or late) of those not cancelled.
    pub fn done_of(&self) -> (usize, usize) {
        let n = |s: TaskStatus| {
            self.counts
                .iter()
                .find(|(k, _)| *k == s)
                .map_or(0, |(_, n)| *n)
        };
        let live = self.tasks.len() - n(TaskStatus::Cancelled);
        (
            n(TaskStatus::CompletedOnTime) + n(TaskStatus::CompletedLate),
            live,
        )
    }
}

pub async fn programme(s: &App, unit: &UnitCode, year: i32) -> Result<Programme, ActionError> {
    if !chitieu_domain::target::PLAN_YEARS.contains(&year) {
        return Err(ActionError::Refused(
            chitieu_domain::target::plan_year_refusal(year),
        ));
    }
    let day = s.today();
    let (tasks, targets) = {
        let snap = s.live.snapshot();
        if snap.unit(unit).is_none() {
            return Err(ActionError::NotFound(chitieu_domain::Refusal::unknown(
                chitieu_domain::Thing::Unit,
                unit.as_str(),
            )));
        }
        let tasks: Vec<Task> = snap
            .tasks
            .iter()
            .filter(|t| &t.lead_unit == unit && t.year == year)
            .cloned()
            .collect();
        let mut targets: Vec<Row> = snap
            .assess(Some(unit.as_str()), Some(day), None)
            .map(|rows| {
                rows.into_iter()
                    .filter(|r| r.target_year == year && !r.inherited)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(plan) = snap.plan.as_ref()
            && &plan.plan.owner != unit
        {
            let led = |code: &str| plan.indicator(code).is_some_and(|i| &i.lead_unit == unit);
            if let Ok(rows) = snap.assess(None, Some(day), None) {
                targets.extend(
                    rows.into_iter()
                        .filter(|r| r.target_year == year && led(&r.indicator)),
                );
            }
        }
        (tasks, targets)
    };
    let counts = TaskStatus::ALL
        .iter()
        .map(|s| (*s, tasks.iter().filter(|t| t.status_on(day) == *s).count()))
        .collect();
    let signed = s.store.programme_signoff(unit, year).await?;
    Ok(Programme {
        unit: unit.clone(),
        year,
        tasks,
        targets,
        signed,
        counts,
    })
}

/// Whether `me` signs off `unit`'s programme: its head, and no one else.
pub fn may_sign(me: &Actor, unit: &UnitCode) -> bool {
    chitieu_domain::permission::may_sign_programme(me.role, &me.unit, unit)
}

/// The head signs the programme off, today; once a year.
pub async fn sign(s: &App, me: &Actor, unit: &UnitCode, year: i32) -> Result<(), ActionError> {
    if !may_sign(me, unit) {
        return Err(ActionError::Forbidden);
    }
    if !chitieu_domain::target::PLAN_YEARS.contains(&year) {
        return Err(ActionError::Refused(
            chitieu_domain::target::plan_year_refusal(year),
        ));
    }
    s.store
        .sign_programme(unit, year, s.today(), &s.person(me))
        .await?;
    Ok(())
}
