//! The worked examples of `ASSESSMENT.md`, and the boundaries of every method.

use super::*;
use crate::period::Period;
use crate::status::Status;

fn series(points: &[(i32, f64)]) -> Series {
    Series::new(
        points
            .iter()
            .map(|(y, v)| (*y, Decimal::from_f64(*v).unwrap()))
            .collect(),
    )
}

fn goal(year: i32, c: Comparator, v: f64) -> Goal {
    Goal {
        year,
        comparator: c,
        value: Decimal::from_f64(v).unwrap(),
    }
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-4, "{a} vs {b}");
}

#[test]
fn worked_example_increase() {
    let s = series(&[(2020, 40.0), (2024, 55.0)]);
    let g = goal(2030, Comparator::Ge, 90.0);
    close(cagr(55.0, 40.0, 2024, 2020).unwrap(), 0.082868);
    close(cagr(90.0, 40.0, 2030, 2020).unwrap(), 0.084472);
    let u = unsd2022(&s, &g, Direction::Increase, 2020);
    assert_eq!(u.status, UnsdStatus::OnTrack);
    close(u.ratio.unwrap(), 0.98102);
    assert_eq!(
        u.years,
        Some(Years {
            base: 2020,
            latest: 2024
        })
    );
    let o = opensdg(&s, Some(&g), Direction::Increase, None, 2020);
    assert_eq!(o.status, OpenSdgStatus::SubstantialProgress);
    close(o.progress.unwrap(), 0.98102);
    close(o.score.unwrap(), 2.7216);
}

#[test]
fn worked_example_decrease() {
    let s = series(&[(2020, 20.0), (2024, 15.0)]);
    let g = goal(2030, Comparator::Le, 5.0);
    let u = unsd2022(&s, &g, Direction::Decrease, 2020);
    assert_eq!(u.status, UnsdStatus::FairProgress);
    close(u.ratio.unwrap(), 0.53608);
    let o = opensdg(&s, Some(&g), Direction::Decrease, None, 2020);
    assert_eq!(o.status, OpenSdgStatus::LimitedProgress);
    close(o.score.unwrap(), -0.2663);
}

#[test]
fn worked_example_without_target() {
    let s = series(&[(2020, 100.0), (2024, 120.0)]);
    let o = opensdg(&s, None, Direction::Increase, None, 2020);
    close(o.progress.unwrap(), 0.046635);
    assert_eq!(o.status, OpenSdgStatus::SubstantialProgress);
    close(o.score.unwrap(), 5.0);
}

#[test]
fn natural_limit_raises_the_bar_near_the_limit() {
    // 90 → 93 over four years: 0.82% a year. Without a limit that is moderate; near a
    // limit of 100 the thresholds shrink and the same pace counts as substantial.
    let s = series(&[(2020, 90.0), (2024, 93.0)]);
    let plain = opensdg(&s, None, Direction::Increase, None, 2020);
    let limited = opensdg(
        &s,
        None,
        Direction::Increase,
        Decimal::from_f64(100.0),
        2020,
    );
    assert_eq!(plain.status, OpenSdgStatus::ModerateProgress);
    assert_eq!(limited.status, OpenSdgStatus::SubstantialProgress);
    assert!(limited.score.unwrap() > plain.score.unwrap());
}

#[test]
fn achieved_targets_and_boundaries() {
    let s = series(&[(2024, 50.0), (2025, 60.0)]);
    let gt = goal(2025, Comparator::Gt, 60.0);
    let ge = goal(2025, Comparator::Ge, 60.0);
    assert!(!check_target(&s, &gt, Direction::Increase).unwrap().met);
    assert!(check_target(&s, &ge, Direction::Increase).unwrap().met);
    assert_eq!(
        unsd2022(&s, &ge, Direction::Increase, 2024).status,
        UnsdStatus::Achieved
    );
    assert_ne!(
        unsd2022(&s, &gt, Direction::Increase, 2024).status,
        UnsdStatus::Achieved
    );
    let c = check_target(&s, &goal(2030, Comparator::Ge, 80.0), Direction::Increase).unwrap();
    close(c.percent_of_target.unwrap(), 75.0);
    assert_eq!(c.gap, Decimal::from(20));
}

#[test]
fn insufficient_data_has_a_reason() {
    let g = goal(2030, Comparator::Ge, 90.0);
    let one = series(&[(2024, 50.0)]);
    let u = unsd2022(&one, &g, Direction::Increase, 2024);
    assert_eq!(u.status, UnsdStatus::InsufficientData);
    assert!(u.reason.unwrap().contains("hai năm"));
    let o = opensdg(&one, Some(&g), Direction::Increase, None, 2024);
    assert_eq!(o.status, OpenSdgStatus::NotAvailable);
    let zero = series(&[(2024, 0.0), (2025, 5.0)]);
    let u = unsd2022(&zero, &g, Direction::Increase, 2024);
    assert_eq!(u.status, UnsdStatus::InsufficientData);
    assert!(u.reason.unwrap().contains("bằng 0"));
    // Open SDG replaces a zero base by 0.001 and carries on.
    assert_ne!(
        opensdg(&zero, Some(&g), Direction::Increase, None, 2024).status,
        OpenSdgStatus::NotAvailable
    );
    let signs = series(&[(2024, -5.0), (2025, 5.0)]);
    assert_eq!(
        opensdg(&signs, Some(&g), Direction::Increase, None, 2024).status,
        OpenSdgStatus::NotAvailable
    );
    assert_eq!(
        unsd2022(&signs, &g, Direction::Increase, 2024).status,
        UnsdStatus::InsufficientData
    );
    let empty = Series::default();
    assert_eq!(
        unsd2022(&empty, &g, Direction::Increase, 2024).status,
        UnsdStatus::InsufficientData
    );
    assert!(
        projection(&one, &g, Direction::Increase, 2024)
            .reason
            .is_some()
    );
}

#[test]
fn deterioration_and_base_year_choice() {
    let s = series(&[(2022, 30.0), (2024, 60.0), (2025, 50.0)]);
    let g = goal(2030, Comparator::Ge, 90.0);
    // Baseline 2024 has data: base 2024, not 2022.
    let u = unsd2022(&s, &g, Direction::Increase, 2024);
    assert_eq!(
        u.years,
        Some(Years {
            base: 2024,
            latest: 2025
        })
    );
    assert_eq!(u.status, UnsdStatus::Deterioration);
    // Baseline 2023 has none: the earliest year after it.
    assert_eq!(s.base(2023).unwrap().0, 2024);
    // Baseline after every year: the earliest year.
    assert_eq!(s.base(2026).unwrap().0, 2022);
}

#[test]
fn projection_finds_the_first_year_met() {
    let s = series(&[(2023, 40.0), (2024, 50.0), (2025, 60.0)]);
    let g = goal(2030, Comparator::Gt, 90.0);
    let p = projection(&s, &g, Direction::Increase, 2023);
    close(p.linear_value.unwrap(), 110.0);
    assert_eq!(p.linear_year_met, Some(2029));
    assert!(p.cagr_year_met.unwrap() <= 2028);
    let slow = projection(
        &series(&[(2023, 40.0), (2025, 41.0)]),
        &g,
        Direction::Increase,
        2023,
    );
    assert_eq!(slow.linear_year_met, None, "not before the target year");
}

fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A yearly indicator's case: its last period in the target year is that year itself.
fn case(s: &Series, g: Goal, direction: Direction, as_of: chrono::NaiveDate) -> Case<'_> {
    Case {
        series: s,
        goal: g,
        direction,
        natural_limit: None,
        baseline_year: s.points().first().map_or(2024, |p| p.0),
        as_of,
        frequency: crate::period::PeriodKind::Year,
        last_period_of_target_year: s
            .points()
            .iter()
            .any(|p| p.0 == g.year)
            .then(|| Period::year(g.year)),
    }
}

/// For a target ahead: whether the method counts the case as met.
fn met_by(m: Method, c: &Case) -> bool {
    matches!(
        assess(m, c).status,
        Status::Achieved | Status::TargetAchieved | Status::Met
    )
}

#[test]
fn every_method_decides_met_with_the_comparator_at_the_boundary() {
    let as_of = day(2026, 6, 30);
    for (points, c, target, direction, met) in [
        // 60 against "> 60" is not met; against "≥ 60" it is.
        (
            &[(2024, 50.0), (2026, 60.0)][..],
            Comparator::Gt,
            60.0,
            Direction::Increase,
            false,
        ),
        (
            &[(2024, 50.0), (2026, 60.0)],
            Comparator::Ge,
            60.0,
            Direction::Increase,
            true,
        ),
        (
            &[(2024, 50.0), (2026, 60.0)],
            Comparator::Eq,
            60.0,
            Direction::Increase,
            true,
        ),
        // A decreasing indicator mirrors it.
        (
            &[(2024, 70.0), (2026, 60.0)],
            Comparator::Lt,
            60.0,
            Direction::Decrease,
            false,
        ),
        (
            &[(2024, 70.0), (2026, 60.0)],
            Comparator::Le,
            60.0,
            Direction::Decrease,
            true,
        ),
        (
            &[(2024, 70.0), (2026, 60.0)],
            Comparator::Eq,
            60.0,
            Direction::Decrease,
            true,
        ),
        // One year of data that meets the target is achieved before any data check.
        (
            &[(2026, 61.0)],
            Comparator::Gt,
            60.0,
            Direction::Increase,
            true,
        ),
        (
            &[(2026, 4.0)],
            Comparator::Lt,
            5.0,
            Direction::Decrease,
            true,
        ),
        (
            &[(2026, 60.0)],
            Comparator::Gt,
            60.0,
            Direction::Increase,
            false,
        ),
    ] {
        let s = series(points);
        let g = goal(2030, c, target);
        for m in Method::ALL {
            let k = case(&s, g, direction, as_of);
            assert_eq!(met_by(m, &k), met, "{m:?} {points:?} {c:?} {target}");
            let a = assess(m, &k);
            assert!(!a.is_final, "a 2030 target is not final in 2026");
            assert_ne!(
                a.status,
                Status::NotAchieved,
                "{m:?}: ahead is never missed"
            );
        }
    }
}

#[test]
fn a_series_that_fell_below_the_target_is_not_on_track() {
    // KT-SME: 65 (2024) → 55 (2026) against "> 60 in 2030".
    let s = series(&[(2024, 65.0), (2026, 55.0)]);
    let g = goal(2030, Comparator::Gt, 60.0);
    let u = unsd2022(&s, &g, Direction::Increase, 2024);
    assert_eq!(u.status, UnsdStatus::Deterioration);
    assert!(u.ratio.unwrap() < 0.0, "{:?}", u.ratio);
    // Decreasing mirror: 4 (2024) → 6 (2026) against "< 5".
    let s = series(&[(2024, 4.0), (2026, 6.0)]);
    let g = goal(2030, Comparator::Lt, 5.0);
    assert_eq!(
        unsd2022(&s, &g, Direction::Decrease, 2024).status,
        UnsdStatus::Deterioration
    );
    // Not met at the base either, but falling: the sign rule alone calls it deterioration.
    let s = series(&[(2024, 58.0), (2026, 50.0)]);
    let u = unsd2022(
        &s,
        &goal(2030, Comparator::Gt, 60.0),
        Direction::Increase,
        2024,
    );
    assert_eq!(u.status, UnsdStatus::Deterioration);
}

#[test]
fn a_past_target_year_with_its_data_gets_a_verdict_whatever_the_method() {
    // DT-GRDP: 1,85 in 2025 against "≥ 2 % in 2025", judged in 2026.
    let s = series(&[(2024, 1.5), (2025, 1.85), (2026, 2.4)]);
    let g = goal(2025, Comparator::Ge, 2.0);
    for m in Method::ALL {
        let a = assess(m, &case(&s, g, Direction::Increase, day(2026, 3, 1)));
        assert_eq!(a.status, Status::NotAchieved, "{m:?}");
        assert!(a.is_final);
        // Judged on the 2025 value, not on 2026's 2,4.
        assert_eq!(a.check.unwrap().latest_year, 2025);
    }
    // 60 against "> 60" is not achieved; against "≥ 60" it is.
    let s = series(&[(2024, 50.0), (2025, 60.0)]);
    for (c, want) in [
        (Comparator::Gt, Status::NotAchieved),
        (Comparator::Ge, Status::Achieved),
    ] {
        for m in Method::ALL {
            let a = assess(
                m,
                &case(
                    &s,
                    goal(2025, c, 60.0),
                    Direction::Increase,
                    day(2026, 1, 5),
                ),
            );
            assert_eq!(a.status, want, "{m:?} {c:?}");
        }
    }
}

#[test]
fn a_past_target_year_without_its_data_awaits_them() {
    let g = goal(2025, Comparator::Ge, 2.0);
    // Only 2024 is known: never judged on an earlier year.
    let s = series(&[(2024, 2.5)]);
    for m in Method::ALL {
        let a = assess(m, &case(&s, g, Direction::Increase, day(2026, 6, 1)));
        assert_eq!(a.status, Status::AwaitingData, "{m:?}");
        assert!(!a.is_final);
        assert!(a.reason.unwrap().contains("2025"));
    }
    // A quarterly indicator with 2025Q3 as its last period: awaiting until the figures are
    // due (90 days after the year), then judged on what arrived.
    let s = series(&[(2024, 1.0), (2025, 2.5)]);
    let quarterly = |as_of| Case {
        frequency: crate::period::PeriodKind::Quarter,
        last_period_of_target_year: Some("2025Q3".parse().unwrap()),
        ..case(&s, g, Direction::Increase, as_of)
    };
    let a = assess(Method::Unsd2022, &quarterly(day(2026, 2, 1)));
    assert_eq!(a.status, Status::AwaitingData);
    let a = assess(Method::Unsd2022, &quarterly(day(2026, 4, 1)));
    assert_eq!((a.status, a.is_final), (Status::Achieved, true));
    // With 2025Q4 reported it is final at once.
    let full = Case {
        last_period_of_target_year: Some("2025Q4".parse().unwrap()),
        ..quarterly(day(2026, 1, 10))
    };
    assert_eq!(assess(Method::Opensdg, &full).status, Status::Achieved);
}

#[test]
fn within_the_target_year_it_is_still_progress() {
    let s = series(&[(2024, 1.5), (2025, 1.85)]);
    let g = goal(2025, Comparator::Ge, 2.0);
    for m in Method::ALL {
        let a = assess(m, &case(&s, g, Direction::Increase, day(2025, 12, 31)));
        assert!(!a.is_final);
        assert_ne!(a.status, Status::NotAchieved, "{m:?}");
    }
}

#[test]
fn methods_are_named() {
    for m in Method::ALL {
        assert_eq!(m.as_str().parse::<Method>(), Ok(m));
    }
    assert!(matches!(
        "sdg".parse::<Method>().unwrap_err(),
        crate::Refusal::NotOneOf { allowed, .. } if allowed.contains("unsd2022")
    ));
}

/// [D] 10: a base exactly at the target gave "not available", a base just above it
/// "deterioration": a base that meets the target is judged alike whatever its margin.
#[test]
fn a_base_equal_to_the_target_is_judged_like_any_base_that_meets_it() {
    let g = goal(2030, Comparator::Ge, 60.0);
    for base in [60.0, 60.01] {
        let s = series(&[(2024, base), (2025, 50.0)]);
        let u = unsd2022(&s, &g, Direction::Increase, 2024);
        assert_eq!(u.status, UnsdStatus::Deterioration, "unsd2022, base {base}");
        let o = opensdg(&s, Some(&g), Direction::Increase, None, 2024);
        assert_eq!(
            o.status,
            OpenSdgStatus::Deterioration,
            "opensdg, base {base}"
        );
    }
    // At the target, then moving towards a strict target ("> 60") from exactly 60.
    let strict = goal(2030, Comparator::Gt, 60.0);
    let s = series(&[(2024, 60.0), (2025, 60.0)]);
    assert_eq!(
        opensdg(&s, Some(&strict), Direction::Increase, None, 2024).status,
        OpenSdgStatus::LimitedProgress
    );
}
