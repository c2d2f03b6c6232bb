//! #34: the year's evaluation is computed once per snapshot and shared: the same answer for
//! every reader until figures, reports, tasks or the year's settings change, and one
//! computation for readers that ask at once.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use std::sync::Arc;

db_tests!(the_years_evaluation_is_computed_once_per_snapshot,);

async fn the_years_evaluation_is_computed_once_per_snapshot(db: &TestDb) {
    ok(db, &["demo"]);
    let store = chitieu_store::Store::open(&db.url)
        .await
        .unwrap()
        .with_clock(chitieu_store::testing::test_clock());
    let app = chitieu_app::App::load(store).await.unwrap();
    let evaluate = || chitieu_app::evaluation::evaluate(&app, 2026);

    let first = evaluate().await.unwrap();
    assert!(!first.units.is_empty());
    assert!(Arc::ptr_eq(&first, &evaluate().await.unwrap()), "kept");
    assert_eq!(app.evaluations.len(), 1);

    // A figure changes: the next reader gets a fresh answer, and the old one is dropped.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("v.csv");
    std::fs::write(
        &csv,
        format!(
            "indicator,unit,period,value,numerator,denominator,comment\nNL-CBX,5443,{},,7,9,\n",
            open_quarter()
        ),
    )
    .unwrap();
    ok(db, &["values", "import", csv.to_str().unwrap()]);
    app.live.sync().await.unwrap();
    // Readers asking at once share one computation.
    let mut readers = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let app = app.clone();
        readers.spawn(async move { chitieu_app::evaluation::evaluate(&app, 2026).await.unwrap() });
    }
    let answers = readers.join_all().await;
    let after = evaluate().await.unwrap();
    assert!(
        answers.iter().all(|e| Arc::ptr_eq(e, &after)),
        "one computation"
    );
    assert!(!Arc::ptr_eq(&after, &first), "recomputed after a change");
    assert_eq!(
        app.evaluations.len(),
        1,
        "the older snapshot's answer is gone"
    );
    // Another year is its own answer.
    let last_year = chitieu_app::evaluation::evaluate(&app, 2025).await.unwrap();
    assert_ne!(last_year.year, after.year);
    assert_eq!(app.evaluations.len(), 2);
}
