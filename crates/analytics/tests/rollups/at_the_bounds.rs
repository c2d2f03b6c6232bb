use super::*;
use chitieu_domain::value::MAX_MAGNITUDE;

fn figure_strategy() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        // Within the bounds, with up to 6 decimals, the extremes included.
        (-1_000_000_000i64..=1_000_000_000, 0u32..=6).prop_map(|(m, s)| Decimal::new(m, s)),
        Just(MAX_MAGNITUDE),
        Just(-MAX_MAGNITUDE),
        Just(Decimal::new(1, 6)),
        Just(Decimal::ZERO),
        // Anything a Decimal holds.
        (
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<bool>(),
            0u32..=28
        )
            .prop_map(|(lo, mid, hi, neg, s)| Decimal::from_parts(lo, mid, hi, neg, s)),
        Just(Decimal::MAX),
        Just(Decimal::MIN),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn no_stored_figure_makes_the_engine_panic(
        values in proptest::collection::vec(
            (0usize..3, 0usize..4, 0u16..24, figure_strategy(), figure_strategy()),
            1..60,
        ),
    ) {
        let inds = vec![
            indicator("R", true, TimeAggregation::Last, UnitAggregation::RatioOfSums, PeriodKind::Quarter),
            indicator("S", false, TimeAggregation::Sum, UnitAggregation::Sum, PeriodKind::Quarter),
            indicator("A", true, TimeAggregation::Average, UnitAggregation::Average, PeriodKind::Quarter),
        ];
        let units = vec![
            unit("1", None, None, None),
            unit("101", Some("1"), Some(d("2025-06-30")), Some("102")),
            unit("102", Some("1"), None, None),
            unit("103", Some("1"), None, None),
        ];
        let codes = ["R", "S", "A"];
        let unit_codes = ["1", "101", "102", "103"];
        let writes: Vec<Write> = values
            .iter()
            .map(|(i, u, q, a, b)| {
                let ratio = *i != 1;
                let p = Period::from_month_key(
                    "2024Q1".parse::<Period>().unwrap().month_key() + q * 3,
                    PeriodKind::Quarter,
                );
                Write {
                    indicator: codes[*i].into(),
                    unit: UnitCode::parse(unit_codes[*u]).unwrap(),
                    period: p,
                    value: *a,
                    numerator: ratio.then_some(*a),
                    denominator: ratio.then_some(*b),
                }
            })
            .collect();
        let query = |e: &Engine| {
            for c in codes {
                for u in unit_codes {
                    let u = UnitCode::parse(u).unwrap();
                    for y in 2024..=2030 {
                        let _ = e.figure(c, &u, Period::year(y));
                        let _ = e.explain(c, &u, Period::year(y));
                    }
                    let _ = e.yearly(c, &u, d("2030-12-31"));
                }
            }
        };
        let mut bulk = Engine::new(&inds, &units);
        bulk.load(writes.clone()).unwrap();
        query(&bulk);
        let mut one_by_one = Engine::new(&inds, &units);
        for w in &writes {
            one_by_one.set(w).unwrap();
        }
        query(&one_by_one);
    }
}
