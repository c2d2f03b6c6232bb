//! The worked examples of `ASSESSMENT.md`, and the boundaries of every method.

use super::*;

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
