//! Who reports what, and when: which unit is expected to send an indicator for a period,
//! what is due from a user's unit, and how complete the reports of a period are.

use chrono::NaiveDate;

use crate::indicator::{Indicator, UnitAggregation};
use crate::period::Period;
use crate::permission::{Role, may_enter};
use crate::unit::{Unit, UnitCode};

/// Whether `unit` is expected to report `ind` itself for `period`. The plan owner reports
/// only figures that are not rolled up from its units: before the two-tier map the province
/// sent aggregates, since then a province-level ratio is the sum of its communes.
pub fn expected_reporter(ind: &Indicator, unit: &Unit, owner: &UnitCode, period: &Period) -> bool {
    ind.reported_by_kind(unit.kind)
        && unit.overlaps(period.start(), period.end())
        && (unit.code != *owner || ind.unit_aggregation == UnitAggregation::None)
}

/// One report due: an indicator, the unit it is for, and the period.
#[derive(Debug, Clone, PartialEq)]
pub struct Due<'a> {
    pub indicator: &'a Indicator,
    pub unit: UnitCode,
    pub period: Period,
}

/// What a user of `role` at `user_unit` must report for each indicator's last complete
/// period as of `as_of`: their own unit's figures, and the plan owner's figures of the
/// indicators their unit leads. Derived indicators are computed, never reported.
pub fn due_for<'a>(
    indicators: &'a [Indicator],
    units: &[Unit],
    owner: &UnitCode,
    role: Role,
    user_unit: &UnitCode,
    as_of: NaiveDate,
) -> Vec<Due<'a>> {
    let mut out = Vec::new();
    for ind in indicators.iter().filter(|i| i.derived_from.is_none()) {
        let period = Period::last_complete(ind.frequency, as_of);
        for unit in units {
            let theirs =
                unit.code == *user_unit || (unit.code == *owner && ind.lead_unit == *user_unit);
            if theirs
                && expected_reporter(ind, unit, owner, &period)
                && may_enter(units, role, user_unit, owner, ind, &unit.code)
            {
                out.push(Due {
                    indicator: ind,
                    unit: unit.code.clone(),
                    period,
                });
            }
        }
    }
    out
}

/// Share (in %) of the expected reports of each indicator's last complete period as of
/// `as_of` that arrived, over the owner and its direct units; `None` when none is expected.
/// `has_report` says whether a unit sent its own figure for a period.
pub fn completeness(
    indicators: &[Indicator],
    units: &[Unit],
    owner: &UnitCode,
    as_of: NaiveDate,
    has_report: impl Fn(&Indicator, &UnitCode, Period) -> bool,
) -> Option<f64> {
    let (mut expected, mut got) = (0u32, 0u32);
    for ind in indicators {
        let last = Period::last_complete(ind.frequency, as_of);
        for u in units {
            let under = u.code == *owner || u.parent.as_ref() == Some(owner);
            if under && expected_reporter(ind, u, owner, &last) {
                expected += 1;
                if has_report(ind, &u.code, last) {
                    got += 1;
                }
            }
        }
    }
    (expected > 0).then(|| f64::from(got) / f64::from(expected) * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::default_plan::{default_plan, units_with_two_wards};

    #[test]
    fn what_is_due_and_how_complete() {
        let plan = default_plan();
        let units = units_with_two_wards(&plan);
        let owner = UnitCode::province(19);
        let day = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        // A ward reports its own commune-level indicators, not the province's.
        let ward_due = due_for(
            &plan.indicators,
            &units,
            &owner,
            Role::Reporter,
            &UnitCode::commune(5443),
            day,
        );
        assert!(ward_due.iter().any(|d| d.indicator.code == "NL-CBX"
            && d.unit == UnitCode::commune(5443)
            && d.period.to_string() == "2026Q3"));
        assert!(ward_due.iter().all(|d| d.unit == UnitCode::commune(5443)));
        // The department of science enters the province's figures of the indicators it leads.
        let skhcn = UnitCode::parse("TN.SKHCN").unwrap();
        let dept_due = due_for(
            &plan.indicators,
            &units,
            &owner,
            Role::Reporter,
            &skhcn,
            day,
        );
        assert!(
            dept_due
                .iter()
                .any(|d| d.indicator.code == "HT-5G" && d.unit == owner)
        );
        assert!(!dept_due.iter().any(|d| d.indicator.code == "NL-CBX"));
        // A viewer has nothing to report.
        assert!(due_for(&plan.indicators, &units, &owner, Role::Viewer, &skhcn, day).is_empty());
        // Completeness: nothing arrived, everything arrived.
        assert_eq!(
            completeness(&plan.indicators, &units, &owner, day, |_, _, _| false),
            Some(0.0)
        );
        assert_eq!(
            completeness(&plan.indicators, &units, &owner, day, |_, _, _| true),
            Some(100.0)
        );
    }
}
