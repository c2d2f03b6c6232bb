//! What the entry form says beside the fields so that a reporter need not look elsewhere:
//! the periods to pick from, the unit to start on, a warning on a period not yet over, and
//! per field the previous figure and the target it counts towards.

use super::common::*;
use rust_decimal::prelude::ToPrimitive;

/// How many periods of each kind the list offers, the one to report now first.
fn shown(kind: PeriodKind) -> usize {
    match kind {
        PeriodKind::Month => 12,
        PeriodKind::Quarter => 8,
        PeriodKind::Semester => 4,
        PeriodKind::Year => 4,
    }
}

/// The periods to pick from: for each kind the unit reports in, the last complete period
/// first and earlier ones after it; then the period being shown if it is older.
pub(super) fn period_options(
    kinds: &[PeriodKind],
    day: chrono::NaiveDate,
    selected: &Period,
    tr: Tr,
) -> Vec<(String, String)> {
    let mut out: Vec<Period> = Vec::new();
    for &kind in kinds {
        let mut p = Period::last_complete(kind, day);
        for _ in 0..shown(kind) {
            out.push(p);
            match p.start().pred_opt() {
                Some(d) => p = Period::containing(d, kind),
                None => break,
            }
        }
    }
    if !out.contains(selected) {
        out.push(*selected);
    }
    out.iter().map(|p| (p.to_string(), tr.period(p))).collect()
}

/// The kinds of period the unit reports in, as far as `user` may enter them: quarters
/// before semesters, years and months, the order reporters meet them.
pub(super) fn period_kinds(snap: &Snapshot, user: &Actor, unit: &UnitCode) -> Vec<PeriodKind> {
    let (Some(plan), Some(rec)) = (snap.plan.as_ref(), snap.unit(unit)) else {
        return vec![PeriodKind::Quarter];
    };
    let mut kinds: Vec<PeriodKind> = [
        PeriodKind::Quarter,
        PeriodKind::Semester,
        PeriodKind::Year,
        PeriodKind::Month,
    ]
    .into_iter()
    .filter(|k| {
        plan.indicators.iter().any(|i| {
            i.frequency == *k
                && i.reported_by_kind(rec.kind)
                && i.derived_from.is_none()
                && may_enter(
                    &snap.units,
                    user.role,
                    &user.unit,
                    &plan.plan.owner,
                    i,
                    unit,
                )
        })
    })
    .collect();
    if kinds.is_empty() {
        kinds.push(PeriodKind::Quarter);
    }
    kinds
}

/// Where the form opens without a unit asked for: the user's own unit when it has figures
/// to enter, else the province when the user's unit leads indicators (a department enters
/// province-level figures), else the user's unit.
pub(super) fn default_unit(snap: &Snapshot, user: &Actor) -> UnitCode {
    let own = user.unit.clone();
    let Some(plan) = snap.plan.as_ref() else {
        return own;
    };
    let has_own = snap.unit(&own).is_some_and(|rec| {
        plan.indicators
            .iter()
            .any(|i| i.reported_by_kind(rec.kind) && i.derived_from.is_none())
    });
    let leads = plan.indicators.iter().any(|i| i.lead_unit == own);
    if !has_own && leads {
        plan.plan.owner.clone()
    } else {
        own
    }
}

/// A warning for a period that has not ended: its figures can only be estimates.
pub(super) fn period_warning(period: &Period, day: chrono::NaiveDate, tr: Tr) -> Option<String> {
    if period.start() > day {
        Some(format!("{} {}", tr.period(period), tr.t("period_future")))
    } else if period.end() >= day {
        Some(format!("{} {}", tr.period(period), tr.t("period_running")))
    } else {
        None
    }
}

/// What a field shows under its label: the figure of the period before (same kind) and the
/// target of the indicator for the unit (or the plan's owner) that this figure counts
/// towards.
pub(super) struct Hint {
    pub(super) previous: Option<String>,
    pub(super) target: Option<String>,
}

pub(super) fn hint(
    snap: &Snapshot,
    i: &Indicator,
    unit: &UnitCode,
    period: &Period,
    stored: &[chitieu_app::ValueRow],
    tr: Tr,
) -> Hint {
    let previous = stored
        .iter()
        .filter(|r| {
            r.indicator == i.code
                && r.period.kind() == period.kind()
                && r.period.start() < period.start()
        })
        .max_by_key(|r| r.period.start())
        .map(|r| {
            let x = r.value.to_f64().unwrap_or(f64::NAN);
            format!("{}: {} {}", tr.period(&r.period), tr.num(x, 2), uom(&tr, i))
        });
    let target = snap.plan.as_ref().and_then(|plan| {
        let for_unit = |u: &UnitCode| {
            plan.targets
                .iter()
                .filter(|t| t.indicator == i.code && &t.unit == u && t.year >= period.year_number())
                .min_by_key(|t| t.year)
        };
        let t = for_unit(unit).or_else(|| for_unit(&plan.plan.owner))?;
        let words = tr.label(t.comparator);
        let whose = if &t.unit == unit {
            String::new()
        } else {
            format!(", {}", tr.t("province_target"))
        };
        Some(format!(
            "{words} {} {} ({}{whose})",
            tr.num(t.value.to_f64().unwrap_or(f64::NAN), 2),
            uom(&tr, i),
            t.year
        ))
    });
    Hint { previous, target }
}
