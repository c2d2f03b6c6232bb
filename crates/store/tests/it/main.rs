//! Store tests, each on a fresh SQLite file and (with CHITIEU_TEST_PG) a fresh PostgreSQL schema.

use chitieu_domain::default_plan::default_plan;
use chitieu_domain::{
    Decimal, Head, Period, Task, TaskStatus, Unit, UnitCode, UnitKind, ValueState,
};
use chitieu_store::testing::TestDb;
use chitieu_store::{NewValue, Store, db_tests};
use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

db_tests!(
    audit_chain_detects_tampering,
    a_failed_batch_writes_nothing,
    head_terms_do_not_overlap,
    tasks_round_trip_with_status,
    a_merged_unit_keeps_its_history_and_names_its_successor,
    a_unit_or_indicator_with_values_is_never_deleted,
    values_stored_before_they_were_keyed_by_what_they_are_survive_the_upgrade,
    a_write_finds_the_stored_value_of_every_kind_of_period,
);

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The default plan with its province, one ward and the plan's own units.
async fn seeded(db: &TestDb) -> Store {
    seed(db.store().await).await
}

async fn seed(store: Store) -> Store {
    let mut plan = default_plan();
    // Seeds databases of older schemas too, which have no column for the documents' settings.
    plan.documents = Default::default();
    let mut units = vec![plan.province_unit()];
    units.push(Unit {
        code: UnitCode::commune(5443),
        name: "Phường Phan Đình Phùng".into(),
        kind: UnitKind::Ward,
        division_type: Some("phường".into()),
        parent: Some(UnitCode::province(19)),
        valid_from: d("2025-07-01"),
        valid_to: None,
        population: None,
        officials: None,
        successors: vec![],
    });
    units.extend(plan.units.iter().cloned());
    store.upsert_units(&units, "test", "seed").await.unwrap();
    assert!(store.load_plan_if_absent(&plan, "test").await.unwrap());
    assert!(
        !store.load_plan_if_absent(&plan, "test").await.unwrap(),
        "loaded once only"
    );
    store
}

/// [`seeded`], with one draft value of the province (HT-5G, 2025Q1).
async fn with_one_value(db: &TestDb) -> Store {
    one_value(seeded(db).await).await
}

async fn one_value(store: Store) -> Store {
    draft(
        &store,
        &[value("HT-5G", &UnitCode::province(19), "2025Q1", 50)],
    )
    .await;
    store
}

/// Writes `values` as drafts; how many were added or changed.
async fn draft(store: &Store, values: &[NewValue]) -> u64 {
    store
        .upsert_values(values, ValueState::Draft, "test", "t", |_| {})
        .await
        .unwrap()
}

fn value(ind: &str, unit: &UnitCode, period: &str, v: i64) -> NewValue {
    NewValue::new(
        chitieu_domain::value::CheckedValue {
            indicator: ind.into(),
            unit: unit.clone(),
            period: period.parse::<Period>().unwrap(),
            value: Decimal::from(v),
            numerator: None,
            denominator: None,
            comment: String::new(),
        },
        None,
    )
}

async fn audit_chain_detects_tampering(db: &TestDb) {
    let store = with_one_value(db).await;
    let n = store.verify_audit_chain().await.unwrap();
    assert!(n >= 3, "units, plan and values each left an entry");
    store
        .connection()
        .execute_unprepared("UPDATE audit_log SET actor = 'someone-else' WHERE id = 2")
        .await
        .unwrap();
    let err = store.verify_audit_chain().await.unwrap_err();
    assert!(err.to_string().contains("mục 2"), "{err}");
}

async fn a_failed_batch_writes_nothing(db: &TestDb) {
    let store = seeded(db).await;
    let p = UnitCode::province(19);
    // A unit the store still knows by code but the table no longer holds (removed behind
    // its back): the database itself refuses the last row, after three batches went in.
    let gone = Unit {
        code: UnitCode::parse("TN.TAM").unwrap(),
        name: "Đơn vị tạm".into(),
        kind: UnitKind::Other,
        division_type: None,
        parent: Some(p.clone()),
        valid_from: d("2025-01-01"),
        valid_to: None,
        population: None,
        officials: None,
        successors: vec![],
    };
    store.upsert_units(&[gone], "test", "t").await.unwrap();
    store.values(&Default::default()).await.unwrap();
    store
        .connection()
        .execute_unprepared("DELETE FROM units WHERE code = 'TN.TAM'")
        .await
        .unwrap();
    let audit_before = store.count_rows("audit_log").await.unwrap();
    // 2,500 good rows across three INSERT batches, then one that breaks a foreign key.
    let mut rows: Vec<NewValue> = (0..2500)
        .map(|i| {
            let ind = ["HT-5G", "HT-CD1G", "ST-DNKHCN", "ST-NVKH"][i % 4];
            let k = i / 4;
            let period = format!("{}Q{}", 2026 + k / 4, k % 4 + 1);
            value(ind, &p, &period, 50)
        })
        .collect();
    rows.push(value(
        "HT-5G",
        &UnitCode::parse("TN.TAM").unwrap(),
        "2025Q1",
        50,
    ));
    assert!(
        store
            .upsert_values(&rows, ValueState::Draft, "test", "t", |_| {})
            .await
            .is_err()
    );
    assert_eq!(store.count_rows("data_values").await.unwrap(), 0);
    assert_eq!(store.count_rows("audit_log").await.unwrap(), audit_before);
    rows.pop();
    let n = store
        .upsert_values(&rows, ValueState::Draft, "test", "t", |_| {})
        .await
        .unwrap();
    assert_eq!(n, 2500);
}

async fn head_terms_do_not_overlap(db: &TestDb) {
    let store = seeded(db).await;
    let u = UnitCode::parse("TN.SKHCN").unwrap();
    let h = |person: &str, from: &str, to: Option<&str>| Head {
        unit: u.clone(),
        person: person.into(),
        title: "Giám đốc Sở".into(),
        term_start: d(from),
        term_end: to.map(d),
        office: Default::default(),
    };
    store
        .add_head(&h("A", "2025-03-01", Some("2026-03-31")), "test")
        .await
        .unwrap();
    store
        .add_head(&h("B", "2026-04-01", None), "test")
        .await
        .unwrap();
    let err = store
        .add_head(&h("C", "2026-01-01", None), "test")
        .await
        .unwrap_err();
    assert!(
        format!("{err:?}").contains("TermOverlap"),
        "terms of one unit do not overlap: {err:?}"
    );
    let heads = store.heads().await.unwrap();
    assert_eq!(heads.len(), 2);
    let on = |s: &str| chitieu_domain::head::head_on(&heads, &u, d(s)).map(|h| h.person.clone());
    assert_eq!(on("2026-03-31").as_deref(), Some("A"));
    assert_eq!(on("2026-04-01").as_deref(), Some("B"));
}

async fn tasks_round_trip_with_status(db: &TestDb) {
    let store = seeded(db).await;
    let task = Task {
        edition: Default::default(),
        code: "NV-X".into(),
        title: "<script>alert(1)</script> Số hóa hồ sơ".into(),
        plan: "TN-NQ57".into(),
        year: 2025,
        lead_unit: UnitCode::parse("TN.SKHCN").unwrap(),
        coordinating_units: vec![UnitCode::commune(5443)],
        start: d("2025-01-01"),
        deadline: d("2025-06-30"),
        expected_product: "Hồ sơ điện tử".into(),
        indicators: vec!["CQ-TTR".into()],
        completed_on: Some(d("2025-06-30")),
        updates: vec![],
        source: Default::default(),
        cancelled: None,
        product_defect: None,
        funding: None,
    };
    store.upsert_task(&task, "test").await.unwrap();
    let mut back = store.tasks().await.unwrap();
    // Stored as its first edition, by whoever wrote it.
    assert_eq!(
        (back[0].edition.number, back[0].edition.by.as_str()),
        (1, "test")
    );
    assert!(back[0].edition.at.is_some());
    back[0].edition = Default::default();
    assert_eq!(back, vec![task.clone()]);
    assert_eq!(
        back[0].status_on(d("2025-12-31")),
        TaskStatus::CompletedOnTime
    );
    let mut late = task.clone();
    late.completed_on = Some(d("2025-07-01"));
    store.upsert_task(&late, "test").await.unwrap();
    let back = store.tasks().await.unwrap();
    assert_eq!(back.len(), 1, "same code replaces the task");
    assert_eq!(
        back[0].status_on(d("2025-12-31")),
        TaskStatus::CompletedLate
    );
    let mut bad = task.clone();
    bad.deadline = d("2024-12-31");
    assert!(store.upsert_task(&bad, "test").await.is_err());
}

async fn a_merged_unit_keeps_its_history_and_names_its_successor(db: &TestDb) {
    let store = seeded(db).await;
    let ward = |code: u32, name: &str| Unit {
        code: UnitCode::commune(code),
        name: name.into(),
        kind: UnitKind::Ward,
        division_type: Some("phường".into()),
        parent: Some(UnitCode::province(19)),
        valid_from: d("2025-07-01"),
        valid_to: None,
        population: Some(25_000),
        officials: Some(40),
        successors: vec![],
    };
    let mut old = ward(5500, "Phường Cũ");
    old.valid_to = Some(d("2026-06-30"));
    old.successors = vec![UnitCode::commune(5443)];
    // The successor already exists; a second run must not duplicate the link.
    for _ in 0..2 {
        store
            .upsert_units(std::slice::from_ref(&old), "test", "merge")
            .await
            .unwrap();
    }
    let back = store.unit(&UnitCode::commune(5500)).await.unwrap().unwrap();
    assert_eq!(back, old);
    let before = store
        .list_units(Some(&UnitCode::province(19)), d("2026-06-30"))
        .await
        .unwrap();
    let after = store
        .list_units(Some(&UnitCode::province(19)), d("2026-07-01"))
        .await
        .unwrap();
    assert!(before.iter().any(|u| u.code.as_str() == "5500"));
    assert!(!after.iter().any(|u| u.code.as_str() == "5500"));
    assert_eq!(store.count_rows("unit_successors").await.unwrap(), 1);
}

/// Values keep their unit and indicator: SQLite by its foreign keys, PostgreSQL (which
/// has none on values, for import speed) by triggers on the referenced tables. A unit
/// without values can still go.
async fn a_unit_or_indicator_with_values_is_never_deleted(db: &TestDb) {
    let store = with_one_value(db).await;
    let c = store.connection();
    for sql in [
        "DELETE FROM units WHERE code = '19'",
        "DELETE FROM indicators WHERE code = 'HT-5G'",
        "UPDATE units SET id = id + 100000 WHERE code = '19'",
        "UPDATE indicators SET id = id + 100000 WHERE code = 'HT-5G'",
    ] {
        let err = c.execute_unprepared(sql).await.unwrap_err().to_string();
        // PostgreSQL's trigger runs before any other key's check, and names the values.
        let why = if db.backend == "postgres" {
            "còn số liệu"
        } else {
            "FOREIGN KEY"
        };
        assert!(err.contains(why), "{sql}: {err}");
    }
    assert_eq!(store.count_rows("data_values").await.unwrap(), 1);
    // Renaming keeps the id, and a ward with no values can be removed.
    c.execute_unprepared("UPDATE units SET name = name || ' ' WHERE code = '19'")
        .await
        .unwrap();
    c.execute_unprepared("DELETE FROM units WHERE code = '5443'")
        .await
        .unwrap();
}

/// A test that panics still drops its PostgreSQL schema (the review found the schemas of
/// failed tests left behind).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_test_drops_its_schema() {
    use sea_orm::{ConnectionTrait, Database};
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let schema = db.schema().unwrap().to_string();
    db.store().await;
    let outcome = tokio::spawn(async move {
        let _db = db;
        panic!("a failing test");
    })
    .await;
    assert!(outcome.is_err(), "the test panicked");
    let base = std::env::var("CHITIEU_TEST_PG").unwrap();
    let admin = Database::connect(&base).await.unwrap();
    let left = admin
        .query_one_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT 1 FROM pg_namespace WHERE nspname = '{schema}'"),
        ))
        .await
        .unwrap();
    assert!(left.is_none(), "schema {schema} left behind");
}

/// Migration m0028 keys PostgreSQL's values by indicator, unit and period alone (no row id)
/// and compares periods byte by byte: a province's database from before keeps every value,
/// and the next write finds and versions it rather than adding a second one.
async fn values_stored_before_they_were_keyed_by_what_they_are_survive_the_upgrade(db: &TestDb) {
    let before = one_value(seed(Store::open_as_of(&db.url, 27).await.unwrap()).await).await;
    let p = UnitCode::province(19);
    draft(
        &before,
        &[
            value("HT-5G", &p, "2025M02", 7),
            value("HT-5G", &p, "2025", 9),
        ],
    )
    .await;
    drop(before);

    let store = db.store().await;
    let everything = chitieu_store::ValueFilter::default();
    let all = || store.values(&everything);
    let figures = |rows: Vec<chitieu_store::ValueRow>| {
        rows.iter()
            .map(|r| (r.period.to_string(), r.value.to_string(), r.version))
            .collect::<Vec<_>>()
    };
    let kept = vec![
        ("2025Q1".to_string(), "50".to_string(), 1),
        ("2025M02".to_string(), "7".to_string(), 1),
        ("2025".to_string(), "9".to_string(), 1),
    ];
    let mut sorted = kept.clone();
    sorted.sort_by_key(|(p, _, _)| p.parse::<Period>().unwrap());
    assert_eq!(figures(all().await.unwrap()), sorted);

    assert_eq!(draft(&store, &[value("HT-5G", &p, "2025Q1", 60)]).await, 1);
    let after = figures(all().await.unwrap());
    assert_eq!(after.len(), 3, "{after:?}");
    assert!(
        after.contains(&("2025Q1".into(), "60".into(), 2)),
        "{after:?}"
    );
}

/// A write meets the values stored under its keys whatever the period's form (PostgreSQL
/// looks them up as arrays joined on the table's key): re-sending one based on an old
/// version is refused, each of them named, and nothing changes.
async fn a_write_finds_the_stored_value_of_every_kind_of_period(db: &TestDb) {
    use chitieu_store::{ConflictKind, StoreError};
    let store = seeded(db).await;
    let p = UnitCode::province(19);
    let periods = ["2025", "2025S1", "2025Q1", "2025M02"];
    let at = |v: i64, version: Option<i64>| -> Vec<NewValue> {
        periods
            .iter()
            .map(|s| {
                let mut n = value("HT-5G", &p, s, v);
                n.expected_version = version;
                n
            })
            .collect()
    };
    assert_eq!(draft(&store, &at(10, None)).await, 4);
    assert_eq!(
        draft(&store, &at(10, None)).await,
        0,
        "same figures: no change"
    );
    assert_eq!(draft(&store, &at(11, Some(1))).await, 4, "now at version 2");
    let stale = store
        .upsert_values(&at(12, Some(1)), ValueState::Draft, "test", "t", |_| {})
        .await;
    let Err(StoreError::Conflict(conflicts)) = stale else {
        panic!("a write based on version 1 must be refused: {stale:?}");
    };
    let named: Vec<String> = conflicts.iter().map(|c| c.period.to_string()).collect();
    assert_eq!(named, periods);
    for c in &conflicts {
        assert_eq!(c.kind, ConflictKind::Stale { expected: 1 });
        assert_eq!(c.current.version, 2);
        assert_eq!(c.current.value, Decimal::from(11));
    }
}

/// SQLite's page cache is on the heap and each connection keeps its pages for the life of
/// the process: the web server's is small, a batch command's large (an import is one
/// transaction). With 256 MiB for every connection, a server on 10 million values held
/// 170 MB of the file's pages besides its figures (46 bytes a value instead of 33).
#[tokio::test]
async fn a_server_keeps_a_small_sqlite_page_cache() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cache.db").display());
    let cache_mib = |store: Store| async move {
        let row = store
            .connection()
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "PRAGMA cache_size",
            ))
            .await
            .unwrap()
            .unwrap();
        // Negative: KiB.
        -row.try_get_by_index::<i64>(0).unwrap() / 1024
    };
    let server = cache_mib(Store::open_for_server(&url).await.unwrap()).await;
    let batch = cache_mib(Store::open(&url).await.unwrap()).await;
    assert!(
        (1..=16).contains(&server),
        "server: {server} MiB a connection"
    );
    assert!(batch >= 256, "batch: {batch} MiB a connection");
}
