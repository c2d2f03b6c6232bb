//! #34: the year's evaluation and the periodic report (its content and each file) are
//! computed once per snapshot and shared: the same answer for every reader until figures,
//! reports, tasks or the year's settings change, and one computation for readers that ask at
//! once. The evaluation's API answers by group, cluster or unit, a page at a time, rather
//! than a nation's tens of megabytes at once.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use std::sync::Arc;

db_tests!(
    the_years_evaluation_is_computed_once_per_snapshot,
    the_evaluation_api_answers_filtered_and_in_pages,
    the_periodic_report_and_its_files_are_made_once_per_snapshot,
);

/// The service over the test database, on the tests' clock, as the server opens it.
async fn app_on(db: &TestDb) -> chitieu_app::App {
    let store = chitieu_store::Store::open(&db.url)
        .await
        .unwrap()
        .with_clock(chitieu_store::testing::test_clock());
    chitieu_app::App::load(store).await.unwrap()
}

/// Imports `rows` (values CSV without its header) from the command line, with `args`.
fn import(db: &TestDb, rows: &str, args: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("v.csv");
    std::fs::write(
        &csv,
        format!("indicator,unit,period,value,numerator,denominator,comment\n{rows}"),
    )
    .unwrap();
    let mut all = vec!["values", "import", csv.to_str().unwrap()];
    all.extend_from_slice(args);
    ok(db, &all);
}

async fn the_years_evaluation_is_computed_once_per_snapshot(db: &TestDb) {
    ok(db, &["demo"]);
    let app = app_on(db).await;
    let evaluate = || chitieu_app::evaluation::evaluate(&app, 2026);

    let first = evaluate().await.unwrap();
    assert!(!first.units.is_empty());
    assert!(Arc::ptr_eq(&first, &evaluate().await.unwrap()), "kept");
    assert_eq!(app.evaluations.len(), 1);

    // A figure changes: the next reader gets a fresh answer, and the old one is dropped.
    import(db, &format!("NL-CBX,5443,{},,7,9,\n", open_quarter()), &[]);
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

async fn the_evaluation_api_answers_filtered_and_in_pages(db: &TestDb) {
    ok(db, &["demo"]);
    let t = token(db, "danh-gia", "viewer", "19");
    let (server, base) = serve(db);
    let get = |q: &str| {
        let mut res = agent()
            .get(&format!("{base}/api/v1/evaluation?year=2025{q}"))
            .header("Authorization", &format!("Bearer {t}"))
            .call()
            .unwrap();
        let total = res
            .headers()
            .get("x-total-count")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let body: serde_json::Value =
            serde_json::from_str(&res.body_mut().read_to_string().unwrap()).unwrap();
        (res.status().as_u16(), total, body)
    };
    let (s, total, all) = get("");
    assert_eq!(s, 200);
    let n = all.as_array().unwrap().len();
    assert_eq!(
        total,
        Some(n),
        "everything of the demo fits the default page"
    );
    let (_, _, page) = get("&limit=10&offset=100");
    let codes = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|u| u["unit"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        codes(&page),
        codes(&all)[100..n.min(110)].to_vec(),
        "in rank order"
    );
    let (_, total, communes) = get("&group=communes");
    assert!(
        communes
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["group"] == "communes")
    );
    assert_eq!(total, Some(communes.as_array().unwrap().len()));
    assert!(total.unwrap() < n);
    let (_, total, one) = get("&unit=5443");
    assert_eq!((total, codes(&one)), (Some(1), vec!["5443".to_string()]));
    let cluster = all[0]["cluster"].as_str().unwrap().to_string();
    let (_, _, same) = get(&format!("&cluster={cluster}"));
    assert!(
        same.as_array()
            .unwrap()
            .iter()
            .all(|u| u["cluster"] == cluster.as_str())
    );
    for bad in ["&limit=0", "&limit=1001", "&group=tinh"] {
        let (s, _, body) = get(bad);
        assert_eq!(s, 422, "{bad}: {body}");
    }
    drop(server);
}

async fn the_periodic_report_and_its_files_are_made_once_per_snapshot(db: &TestDb) {
    use chitieu_app::report::{report_file, shared_report};
    use chitieu_exchange::report::Format;
    ok(db, &["demo"]);
    let app = app_on(db).await;
    let ward = chitieu_domain::UnitCode::parse("5443").unwrap();
    let quarter: chitieu_domain::Period = open_quarter().parse().unwrap();
    let pdf = || report_file(&app, quarter, &ward, Format::Pdf);

    // Six downloads at once: one typesetting, the same bytes for all.
    let mut readers = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let app = app.clone();
        let ward = ward.clone();
        readers.spawn(async move {
            report_file(&app, quarter, &ward, Format::Pdf)
                .await
                .unwrap()
        });
    }
    let first = pdf().await.unwrap();
    assert!(first.starts_with(b"%PDF-"));
    for other in readers.join_all().await {
        assert!(Arc::ptr_eq(&other, &first), "one typesetting");
    }
    let docx = report_file(&app, quarter, &ward, Format::Docx)
        .await
        .unwrap();
    assert!(!Arc::ptr_eq(&docx, &first), "each format its own file");
    let before = shared_report(&app, quarter, &ward).await.unwrap();

    // An official figure of the ward's changes: the next download is made anew and says so.
    import(db, "XH-DVS,5443,2026S1,,1,3,\n", &["--state", "accepted"]);
    app.live.sync().await.unwrap();
    let after = shared_report(&app, quarter, &ward).await.unwrap();
    assert!(!Arc::ptr_eq(&after, &before), "made anew after a change");
    let said = |r: &chitieu_exchange::report::Report| format!("{:?}", r.targets);
    assert_ne!(said(&before), said(&after), "the new figure is in it");
    assert!(said(&after).contains("33,3"), "{}", said(&after));
    assert!(!Arc::ptr_eq(&pdf().await.unwrap(), &first), "the PDF too");
}
