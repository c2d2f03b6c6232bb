use super::*;
use crate::default_plan::{default_plan, units_with_two_wards};
use ValueState::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Where the user stands relative to the report's unit.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Place {
    /// The report's own unit.
    Own,
    /// Another unit at the same level.
    Beside,
    /// The province, above the unit.
    Above,
}

/// The specification, written as a table rather than as the code's logic: for each action,
/// the states it leaves from, the state it reaches, and who (role, place) may take it.
fn spec(action: ReportAction) -> (&'static [ValueState], ValueState, &'static [(Role, Place)]) {
    match action {
        ReportAction::Submit => (
            &[Draft, Returned],
            Submitted,
            &[(Role::Reporter, Place::Own), (Role::Head, Place::Own)],
        ),
        ReportAction::Approve => (&[Submitted], Approved, &[(Role::Head, Place::Own)]),
        ReportAction::Accept => (&[Approved], Accepted, &[(Role::Secretariat, Place::Above)]),
        ReportAction::Return => (
            &[Submitted, Approved],
            Returned,
            &[(Role::Head, Place::Own), (Role::Secretariat, Place::Above)],
        ),
        ReportAction::Reopen => (&[Accepted], Returned, &[(Role::Secretariat, Place::Above)]),
    }
}

#[test]
fn every_transition_for_every_role_inside_and_outside_the_unit() {
    let units = units_with_two_wards(&default_plan());
    let report_unit = UnitCode::commune(5443);
    let places = [
        (Place::Own, UnitCode::commune(5443)),
        (Place::Beside, UnitCode::commune(5500)),
        (Place::Above, UnitCode::province(19)),
    ];
    let states = [Draft, Submitted, Approved, Accepted, Returned];
    let mut checked = 0;
    for action in ReportAction::ALL {
        let (froms, to, who) = spec(action);
        for role in Role::ALL {
            for (place, user_unit) in &places {
                for from in states {
                    let got = transition(
                        &units,
                        role,
                        user_unit,
                        &report_unit,
                        from,
                        action,
                        "Số liệu chưa khớp với biểu tổng hợp",
                    );
                    let case = format!("{action:?} by {role:?} at {place:?} from {from:?}");
                    if !who.contains(&(role, *place)) {
                        assert!(
                            matches!(got, Err(Refusal::Forbidden { .. })),
                            "{case}: {got:?}"
                        );
                    } else if !froms.contains(&from) {
                        assert_eq!(
                            got,
                            Err(Refusal::NotNow {
                                action,
                                state: from
                            }),
                            "{case}"
                        );
                    } else {
                        assert_eq!(got, Ok(to), "{case}");
                    }
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 5 * 5 * 3 * 5);
}

#[test]
fn a_return_or_reopening_needs_a_reason() {
    let units = units_with_two_wards(&default_plan());
    let a = UnitCode::commune(5443);
    let p = UnitCode::province(19);
    for (role, user, from, action) in [
        (Role::Head, &a, Submitted, ReportAction::Return),
        (Role::Secretariat, &p, Approved, ReportAction::Return),
        (Role::Secretariat, &p, Accepted, ReportAction::Reopen),
    ] {
        assert_eq!(
            transition(&units, role, user, &a, from, action, "  "),
            Err(Refusal::ReasonNeeded { action })
        );
    }
    // Other actions need none.
    assert_eq!(
        transition(
            &units,
            Role::Reporter,
            &a,
            &a,
            Draft,
            ReportAction::Submit,
            ""
        ),
        Ok(Submitted)
    );
    let e = transition(
        &units,
        Role::Reporter,
        &a,
        &a,
        Accepted,
        ReportAction::Submit,
        "",
    );
    assert_eq!(
        e.unwrap_err().to_string(),
        "không thể gửi báo cáo báo cáo đang ở trạng thái \"Đã tiếp nhận\""
    );
}

#[test]
fn the_default_plan_has_forms_for_every_reported_indicator() {
    let plan = default_plan();
    assert_eq!(plan.forms.len(), 4);
    for ind in plan.indicators.iter().filter(|i| i.derived_from.is_none()) {
        assert!(
            plan.forms.iter().any(|f| f.indicators.contains(&ind.code)),
            "{} is on no form",
            ind.code
        );
    }
    let units = units_with_two_wards(&plan);
    let q = "2026Q3".parse::<Period>().unwrap();
    let quarterly = plan.forms.iter().find(|f| f.code == "BC57-SO-QUY").unwrap();
    assert_eq!(quarterly.due(&q), day(2026, 10, 15));
    // The departments that lead a quarterly province figure send it; a ward does not.
    let who: Vec<String> = quarterly
        .expected(&plan.indicators, &units, &q)
        .iter()
        .map(|u| u.code.to_string())
        .collect();
    assert_eq!(who, ["TN.VPUB", "TN.SKHCN"]);
    let skhcn = units
        .iter()
        .find(|u| u.code.as_str() == "TN.SKHCN")
        .unwrap();
    let theirs: Vec<&str> = quarterly
        .indicators_of(&plan.indicators, skhcn)
        .iter()
        .map(|i| i.code.as_str())
        .collect();
    assert_eq!(
        theirs,
        ["HT-5G", "HT-CD1G", "ST-DNKHCN", "ST-NVKH", "ST-SPDM"]
    );
    assert_eq!(Form::values_unit(skhcn, &plan.plan.owner), plan.plan.owner);
    let commune = plan.forms.iter().find(|f| f.code == "BC57-XA-QUY").unwrap();
    assert_eq!(commune.expected(&plan.indicators, &units, &q).len(), 2);
}

#[test]
fn a_form_is_checked_against_the_plan() {
    let plan = default_plan();
    let mut f = plan.forms[0].clone();
    f.indicators = vec!["KHONG-CO".into()];
    use crate::refusal::{Field, Refusal as Why, Thing};
    let of = |r: Why| r.of(Thing::Form, &f.code);
    let code = f.code.clone();
    let refused = |f: &Form| f.check(&plan.indicators).unwrap_err();
    assert_eq!(
        refused(&f),
        of(Why::Unknown {
            what: Thing::Indicator,
            code: "KHONG-CO".into()
        })
    );
    f.indicators = vec!["DT-GRDP".into()];
    assert_eq!(
        refused(&f),
        of(Why::FrequencyMismatch {
            indicator: "DT-GRDP".into(),
            frequency: PeriodKind::Year,
            form_frequency: PeriodKind::Quarter
        })
    );
    f.indicators = vec!["ST-UDKQ".into()];
    f.frequency = PeriodKind::Year;
    assert_eq!(
        refused(&f),
        of(Why::Computed {
            indicator: "ST-UDKQ".into()
        })
    );
    f.indicators = vec!["NL-CBX".into()];
    f.frequency = PeriodKind::Quarter;
    f.due_days = 400;
    assert_eq!(
        refused(&f),
        Why::OutOfRange {
            field: Field::DueDays,
            value: "400".into(),
            min: "0".into(),
            max: "366".into()
        }
        .of(Thing::Form, code)
    );
}

/// Communes 5443 and 5500 merge into 9001 on 15 August 2025, midway through the third quarter.
fn merged_units() -> Vec<Unit> {
    let plan = default_plan();
    let mut units = units_with_two_wards(&plan);
    let merge = day(2025, 8, 15);
    for u in units.iter_mut() {
        if u.code == UnitCode::commune(5443) || u.code == UnitCode::commune(5500) {
            u.valid_to = Some(merge.pred_opt().unwrap());
            u.successors = vec![UnitCode::commune(9001)];
        }
    }
    let mut c = units[1].clone();
    c.code = UnitCode::commune(9001);
    c.valid_from = merge;
    c.valid_to = None;
    c.successors = vec![];
    units.push(c);
    units
}

#[test]
fn the_reports_expected_follow_the_units_that_exist_at_the_period_end() {
    let plan = default_plan();
    let units = merged_units();
    let form = plan.forms.iter().find(|f| f.code == "BC57-XA-QUY").unwrap();
    let codes = |p: &str| -> Vec<String> {
        form.expected(&plan.indicators, &units, &p.parse::<Period>().unwrap())
            .iter()
            .map(|u| u.code.to_string())
            .collect()
    };
    assert_eq!(codes("2025Q3"), ["9001"]);
    assert_eq!(codes("2025Q4"), ["9001"]);
    // Before the merge (and since the two-tier map of 1 July 2025, which the wards began on):
    // nobody in the second quarter, the two wards did not exist yet.
    assert!(codes("2025Q2").is_empty());
    // The ward that ceased sent something for the quarter anyway: it is not counted, so the
    // share never passes 100 %; the successor's report sent on time is.
    let q3 = "2025Q3".parse::<Period>().unwrap();
    let due = form.due(&q3);
    assert_eq!(due, day(2025, 10, 10));
    let c = count(form, &plan.indicators, &units, &q3, |u| {
        (u == &UnitCode::commune(9001) || u == &UnitCode::commune(5443))
            .then_some((Submitted, Some(day(2025, 10, 9))))
    });
    assert_eq!((c.expected, c.received, c.on_time), (1, 1, 1));
    assert_eq!(c.received_pct(), Some(100.0));
    // Sent late: received, not on time; returned: neither.
    let late = count(form, &plan.indicators, &units, &q3, |_| {
        Some((Accepted, Some(day(2025, 10, 11))))
    });
    assert_eq!((late.received, late.on_time), (1, 0));
    let back = count(form, &plan.indicators, &units, &q3, |_| {
        Some((Returned, Some(day(2025, 10, 1))))
    });
    assert_eq!((back.received, back.on_time), (0, 0));
}

#[test]
fn a_report_never_moved_starts_accepted_only_when_all_its_figures_are() {
    for (indicators, accepted, state) in [
        (0, 0, ValueState::Draft),
        (1, 0, ValueState::Draft),
        (3, 2, ValueState::Draft),
        (3, 3, ValueState::Accepted),
        (1, 1, ValueState::Accepted),
    ] {
        assert_eq!(
            initial_state(indicators, accepted),
            state,
            "{indicators} indicators, {accepted} accepted"
        );
    }
}
