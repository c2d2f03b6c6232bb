use super::*;
use crate::default_plan::default_plan;
use crate::text::parse_decimal;

fn dec(s: &str) -> Option<Decimal> {
    parse_decimal(s)
}

fn ward_5443() -> Unit {
    Unit {
        code: UnitCode::commune(5443),
        name: "Phường Phan Đình Phùng".into(),
        kind: crate::unit::UnitKind::Ward,
        division_type: None,
        parent: Some(UnitCode::province(19)),
        valid_from: crate::unit::two_tier_start(),
        valid_to: None,
        population: None,
        officials: None,
        successors: vec![],
    }
}

fn catalog() -> crate::Catalog {
    let plan = default_plan();
    let mut units: Vec<Unit> = plan.units.clone();
    units.push(plan.province_unit());
    units.push(ward_5443());
    crate::Catalog::new(&plan.indicators, units)
}

/// The review's values that overflowed the province's ratio of sums, and the one that
/// made the check itself panic, are refused with a reason naming the field.
#[test]
fn huge_figures_are_refused_not_overflowed() {
    let c = catalog();
    let text = |num: &'static str, den: &'static str, value: &'static str| ValueText {
        notation: Notation::Exact,
        indicator: "NL-CBX",
        unit: "5443",
        period: "2026Q3",
        value,
        numerator: num,
        denominator: den,
        comment: "",
    };
    let e = parse_value(&c, &text("0", "79228162514264337593543950335", "")).unwrap_err();
    assert_eq!(e.field, "denominator");
    assert!(e.reason.contains("10^15"), "{e}");
    let e = parse_value(&c, &text("1", "1", "-79228162514264337593543950335")).unwrap_err();
    assert_eq!(e.field, "value");
    let e = parse_value(&c, &text("1", "3", "0.1234567")).unwrap_err();
    assert!(e.reason.contains("tối đa 6"), "{e}");
    // At the bounds: accepted.
    let ok = parse_value(&c, &text("999999999999999", "1000000000000000", "")).unwrap();
    assert_eq!(ok.denominator, dec("1000000000000000"));
    let ok = parse_value(&c, &text("0.000001", "0.000001", "")).unwrap();
    assert_eq!(ok.value, dec("100").unwrap());
    // A comment with NUL is refused here, before any database sees it.
    let e = parse_value(
        &c,
        &ValueText {
            notation: Notation::Exact,
            comment: "a\0b",
            ..text("1", "2", "")
        },
    )
    .unwrap_err();
    assert_eq!(e.field, "comment");
}

proptest::proptest! {
    /// Any decimal at all, in any field: an error or a bounded value, never a panic.
    #[test]
    fn no_figure_makes_the_check_panic(
        parts in proptest::collection::vec((proptest::prelude::any::<u32>(), proptest::prelude::any::<u32>(), proptest::prelude::any::<u32>(), proptest::prelude::any::<bool>(), 0u32..=28), 3),
        which in 0usize..13,
        use_value in proptest::prelude::any::<bool>(),
    ) {
        let plan = default_plan();
        let ind = &plan.indicators[which % plan.indicators.len()];
        let d: Vec<Decimal> = parts
            .iter()
            .map(|(lo, mid, hi, neg, scale)| Decimal::from_parts(*lo, *mid, *hi, *neg, *scale))
            .collect();
        let province = plan.province_unit();
        let unit = if ind.reported_by_kind(province.kind) { province } else { ward_5443() };
        let period = Period::last_complete(ind.frequency, chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        let input = ValueInput {
            value: use_value.then_some(d[0]),
            numerator: ind.is_ratio().then_some(d[1]),
            denominator: ind.is_ratio().then_some(d[2]),
        };
        if let Ok((v, n, den)) = check_value(ind, &unit, &period, &input) {
            for x in [Some(v), n, den].into_iter().flatten() {
                proptest::prop_assert!(x.abs() <= MAX_MAGNITUDE);
            }
            proptest::prop_assert!(check_stored(v, n, den).is_ok());
        }
    }
}

#[test]
fn checks_ratio_and_number_values() {
    let plan = default_plan();
    let cbx = plan.indicator("NL-CBX").unwrap();
    let g5 = plan.indicator("HT-5G").unwrap();
    let commune = plan.units.iter().find(|u| u.kind.is_commune_level());
    let province = plan.province_unit();
    // The plan itself ships departments only; make a commune to test with.
    let commune = commune.cloned().unwrap_or_else(|| Unit {
        code: UnitCode::commune(5443),
        name: "Phường Phan Đình Phùng".into(),
        kind: crate::unit::UnitKind::Ward,
        division_type: None,
        parent: Some(province.code.clone()),
        valid_from: crate::unit::two_tier_start(),
        valid_to: None,
        population: None,
        officials: None,
        successors: vec![],
    });
    let q: Period = "2025Q3".parse().unwrap();
    let ok = check_value(
        cbx,
        &commune,
        &q,
        &ValueInput {
            value: None,
            numerator: dec("45"),
            denominator: dec("50"),
        },
    )
    .unwrap();
    assert_eq!(ok.0, dec("90").unwrap());
    let bad = check_value(
        cbx,
        &commune,
        &q,
        &ValueInput {
            value: None,
            numerator: dec("51"),
            denominator: dec("50"),
        },
    )
    .unwrap_err();
    assert_eq!(bad.field, "numerator");
    let wrong_unit = check_value(
        g5,
        &commune,
        &q,
        &ValueInput {
            value: dec("50"),
            ..Default::default()
        },
    );
    assert_eq!(wrong_unit.unwrap_err().field, "unit");
    let over = check_value(
        g5,
        &province,
        &q,
        &ValueInput {
            value: dec("100.5"),
            ..Default::default()
        },
    );
    assert_eq!(over.unwrap_err().field, "value");
    let wrong_freq = check_value(
        g5,
        &province,
        &"2025M07".parse().unwrap(),
        &ValueInput {
            value: dec("50"),
            ..Default::default()
        },
    );
    assert_eq!(wrong_freq.unwrap_err().field, "period");
    // Before the two-tier map, the ward did not exist.
    let early = check_value(
        cbx,
        &commune,
        &"2025Q1".parse().unwrap(),
        &ValueInput {
            value: None,
            numerator: dec("1"),
            denominator: dec("2"),
        },
    );
    assert_eq!(early.unwrap_err().field, "unit");
}

#[test]
fn a_repeated_key_is_paired_with_its_first_value_in_the_order_of_the_repeats() {
    let v = |ind: &str, unit: u32, period: &str| CheckedValue {
        indicator: ind.into(),
        unit: UnitCode::commune(unit),
        period: period.parse().unwrap(),
        value: Decimal::ONE,
        numerator: None,
        denominator: None,
        comment: String::new(),
    };
    let values = [
        v("HT-5G", 5443, "2025Q1"),
        v("HT-5G", 5443, "2025Q2"),
        v("HT-5G", 1840, "2025Q1"),
        v("HT-5G", 5443, "2025Q1"),
        v("DV-01", 5443, "2025Q1"),
        v("HT-5G", 5443, "2025Q2"),
        v("HT-5G", 5443, "2025Q1"),
    ];
    assert_eq!(repeats(values.iter().enumerate()), [(0, 3), (1, 5), (0, 6)]);
    assert!(repeats(values[..3].iter().enumerate()).is_empty());
}
