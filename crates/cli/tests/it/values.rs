use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use std::fmt::Write as _;
use std::time::Instant;

db_tests!(
    one_bad_line_rejects_the_whole_file,
    import_export_round_trip_and_versions,
    a_large_import_keeps_versions_and_leaves_nothing_staged,
    a_write_naming_one_value_twice_is_refused_whole,
);

const HEADER: &str = "indicator,unit,period,value,numerator,denominator,comment\n";
/// Exports carry each value's version, so that an edited export cannot silently overwrite a
/// value changed since.
const EXPORT_HEADER: &str = "indicator,unit,period,value,numerator,denominator,comment,version\n";

/// The last complete quarter, the one the demo leaves open (submitted, not yet accepted).
/// An export without its version column.
fn without_versions(export: &str) -> String {
    export
        .lines()
        .map(|l| l.rsplit_once(',').map_or(l, |(rest, _)| rest))
        .collect::<Vec<_>>()
        .join("\n")
}
fn write_csv(dir: &tempfile::TempDir, name: &str, body: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, format!("{HEADER}{body}")).unwrap();
    path.to_str().unwrap().to_string()
}

async fn one_bad_line_rejects_the_whole_file(db: &TestDb) {
    ok(db, &["init"]);
    let dir = tempfile::tempdir().unwrap();
    let good =
        "HT-5G,19,2025Q1,55.5,,,\nNL-CBX,05443,2025Q3,,40,50,ghi chú\nST-DNKHCN,19,2025Q2,9,,,\n";
    // Each bad line sits on line 3 of the file (line 1 is the header).
    let cases = [
        ("HT-XX,19,2025Q2,50,,,\n", "indicator", "HT-XX"),
        ("HT-5G,99999,2025Q2,50,,,\n", "unit", "99999"),
        ("HT-5G,19,2025Q5,50,,,\n", "period", "2025Q5"),
        ("HT-5G,19,2025M13,50,,,\n", "period", "2025M13"),
        ("HT-5G,19,2025Q2,năm mươi,,,\n", "value", "năm mươi"),
        (
            "NL-CBX,5443,2025Q4,,51,50,\n",
            "numerator",
            "lớn hơn mẫu số",
        ),
        ("HT-5G,5443,2025Q2,50,,,\n", "unit", "không báo cáo"),
        ("HT-5G,19,2025Q1,56,,,\n", "period", "trùng với dòng 2"),
        // The review's overflow values: refused, never a panic.
        (
            "NL-CBX,5443,2025Q4,,0,79228162514264337593543950335,\n",
            "denominator",
            "10^15",
        ),
        (
            "NL-CBX,5443,2025Q4,-79228162514264337593543950335,1,1,\n",
            "value",
            "10^15",
        ),
        ("HT-5G,19,2025Q2,50.1234567,,,\n", "value", "tối đa 6"),
        // A NUL in a comment: the same clear error on both backends, before the database.
        ("HT-5G,19,2025Q2,50,,,a\u{0}b\n", "comment", "U+0000"),
        (
            &format!("HT-5G,19,2025Q2,50,,,{}\n", "x".repeat(4001)),
            "comment",
            "tối đa 4000",
        ),
    ];
    for (bad, field, word) in cases.iter().map(|(b, f, w)| (*b, *f, *w)) {
        let lines: Vec<&str> = good.lines().collect();
        let body = format!("{}\n{bad}{}\n{}\n", lines[0], lines[1], lines[2]);
        let file = write_csv(&dir, "bad.csv", &body);
        let err = fails(db, &["values", "import", &file]);
        assert!(err.contains("bad.csv, dòng 3"), "{bad}: {err}");
        assert!(err.contains(&format!("cột \"{field}\"")), "{bad}: {err}");
        assert!(err.contains(word), "{bad}: {err}");
        let export = ok(db, &["values", "export"]);
        assert_eq!(export, EXPORT_HEADER, "nothing was written for {bad}");
    }
    // A quote left open at the end of the file is an error, not the rest of the file read
    // as one comment.
    let file = write_csv(
        &dir,
        "quote.csv",
        "HT-5G,19,2025Q1,55.5,,,\nHT-5G,19,2025Q2,56,,,\"không đóng\nST-DNKHCN,19,2025Q2,9,,,\n",
    );
    let err = fails(db, &["values", "import", &file]);
    assert!(
        err.contains("quote.csv, dòng 3") && err.contains("ngoặc kép"),
        "{err}"
    );
    assert_eq!(ok(db, &["values", "export"]), EXPORT_HEADER);
    // A repeat is found once the whole file is read, yet told in the file's order.
    let file = write_csv(
        &dir,
        "two.csv",
        "HT-5G,19,2025Q1,55.5,,,\nHT-5G,19,2025Q1,56,,,\nHT-5G,99999,2025Q2,50,,,\n",
    );
    let err = fails(db, &["values", "import", &file]);
    let repeat = err.find("two.csv, dòng 3, cột \"period\": trùng với dòng 2");
    let bad_unit = err.find("two.csv, dòng 4, cột \"unit\"");
    assert!(
        repeat.is_some() && bad_unit.is_some() && repeat < bad_unit,
        "{err}"
    );
    // A file of one line repeated: the first 50 repeats, as with any other error.
    let file = write_csv(&dir, "same.csv", &"HT-5G,19,2025Q1,55.5,,,\n".repeat(201));
    let err = fails(db, &["values", "import", &file]);
    assert!(
        err.contains("same.csv, dòng 3,") && err.contains("same.csv, dòng 52,"),
        "{err}"
    );
    assert!(!err.contains("same.csv, dòng 53,"), "{err}");
    let file = write_csv(&dir, "good.csv", good);
    let out = ok(db, &["values", "import", &file]);
    assert!(out.contains("3 dòng") && out.contains("dòng/giây"), "{out}");
    let export = ok(db, &["values", "export"]);
    assert_eq!(export.lines().count(), 4);
    assert!(
        export.contains("NL-CBX,5443,2025Q3,,40,50,ghi chú"),
        "{export}"
    );
    let header_err = {
        let path = dir.path().join("header.csv");
        std::fs::write(&path, "chi_tieu,don_vi\nHT-5G,19\n").unwrap();
        fails(db, &["values", "import", path.to_str().unwrap()])
    };
    assert!(
        header_err.contains("dòng 1") && header_err.contains("tiêu đề"),
        "{header_err}"
    );
}

async fn import_export_round_trip_and_versions(db: &TestDb) {
    ok(db, &["demo"]);
    let dir = tempfile::tempdir().unwrap();
    let store = db.store().await;
    let find = |rows: &[chitieu_store::ValueRow], period: &str| {
        rows.iter()
            .find(|r| r.indicator == "HT-5G" && r.period.to_string() == period)
            .map(|r| (r.version, r.value.to_string()))
            .unwrap()
    };
    // A value still open (the latest quarter, submitted) changes when the file carries the
    // version it was exported at, and its version goes up.
    let q = open_quarter();
    let v0 = find(&store.values(&Default::default()).await.unwrap(), &q).0;
    let one = dir.path().join("one.csv").to_str().unwrap().to_string();
    std::fs::write(
        &one,
        format!("{EXPORT_HEADER}HT-5G,19,{q},42.25,,,sửa số liệu,{v0}\n"),
    )
    .unwrap();
    let out = ok(db, &["values", "import", "--state", "draft", &one]);
    assert!(out.contains("1 giá trị mới hoặc thay đổi"), "{out}");
    let after = find(&store.values(&Default::default()).await.unwrap(), &q);
    assert_eq!(after, (v0 + 1, "42.25".into()));
    // The same file with another figure is now stale (its version is behind): refused,
    // naming the line, who changed the value and to what.
    std::fs::write(&one, format!("{EXPORT_HEADER}HT-5G,19,{q},43,,,,{v0}\n")).unwrap();
    let err = fails(db, &["values", "import", "--state", "draft", &one]);
    assert!(
        err.contains("one.csv, dòng 2") && err.contains("cli đã sửa") && err.contains("42,25"),
        "{err}"
    );
    assert_eq!(
        find(&store.values(&Default::default()).await.unwrap(), &q),
        after
    );

    // Importing an export changes nothing but the state (and so the version of the values
    // whose state changed).
    let exported = dir.path().join("all.csv");
    ok(db, &["values", "export", "-o", exported.to_str().unwrap()]);
    let text = std::fs::read_to_string(&exported).unwrap();
    ok(
        db,
        &[
            "values",
            "import",
            exported.to_str().unwrap(),
            "--state",
            "accepted",
        ],
    );
    let again = ok(db, &["values", "export"]);
    assert_eq!(without_versions(&again), without_versions(&text));
    let before = find(&store.values(&Default::default()).await.unwrap(), "2024Q4");
    assert_eq!(before.0, 1, "re-sending the same figures keeps the version");
    // An accepted value is locked: a changed figure is refused, naming the line; nothing of
    // the file is written, not even its good lines.
    let locked = write_csv(
        &dir,
        "locked.csv",
        "HT-CD1G,19,2024Q4,50.5,,,\nHT-5G,19,2024Q4,42.25,,,sửa số liệu\n",
    );
    let err = fails(db, &["values", "import", &locked]);
    assert!(
        err.contains("locked.csv, dòng 2")
            && err.contains("locked.csv, dòng 3")
            && err.contains("khóa"),
        "{err}"
    );
    assert_eq!(
        find(&store.values(&Default::default()).await.unwrap(), "2024Q4"),
        before
    );
    // Re-sending a locked value's own figures is no change, and not refused.
    let comment = store
        .values(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.indicator == "HT-5G" && r.period.to_string() == "2024Q4")
        .unwrap()
        .comment;
    let same = write_csv(
        &dir,
        "same.csv",
        &format!("HT-5G,19,2024Q4,{},,,{comment}\n", before.1),
    );
    ok(db, &["values", "import", &same]);
    store.verify_audit_chain().await.unwrap();
}

/// A million good rows: the import must finish and print its rate. The time is printed,
/// not asserted (see `chitieu` README for measured figures).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_rows_import_and_print_the_rate() {
    let db = TestDb::sqlite();
    ok(&db, &["init"]);
    ok(&db, &["units", "import", national_map().to_str().unwrap()]);
    let store = db.store().await;
    let communes: Vec<String> = store
        .all_units()
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.kind.is_commune_level())
        .map(|u| u.code.to_string())
        .collect();
    let mut body = String::with_capacity(40_000_000);
    body.push_str(HEADER);
    let mut n = 0;
    'outer: for year in 2026..2200 {
        for q in 1..=4 {
            for c in &communes {
                let officials = 30 + n % 40;
                let trained = n % (officials + 1);
                writeln!(body, "NL-CBX,{c},{year}Q{q},,{trained},{officials},").unwrap();
                n += 1;
                if n == 1_000_000 {
                    break 'outer;
                }
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("million.csv");
    std::fs::write(&path, body).unwrap();
    let started = Instant::now();
    let out = ok(&db, &["values", "import", path.to_str().unwrap()]);
    eprintln!(
        "1.000.000 rows on SQLite (debug build): {:.1} s; {out}",
        started.elapsed().as_secs_f64()
    );
    assert!(out.contains("1.000.000 dòng"), "{out}");
    assert!(out.contains("dòng/giây"), "{out}");
    assert_eq!(store.count_rows("data_values").await.unwrap(), 1_000_000);
}

/// A write large enough for PostgreSQL's bulk path (COPY into staging, one merge): the same
/// rules as a small one. Every row lands; re-sending the same figures changes no version;
/// changed figures get version 2; an accepted (locked) value refuses the whole write; and
/// nothing is left in staging, whatever happened.
async fn a_large_import_keeps_versions_and_leaves_nothing_staged(db: &TestDb) {
    ok(db, &["init"]);
    let store = db.store().await;
    let communes: Vec<String> = store
        .all_units()
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.kind.is_commune_level())
        .map(|u| u.code.to_string())
        .collect();
    let rows_up_to = |bump: usize, count: usize| {
        let mut body = String::new();
        let mut n = 0;
        for year in 2030..2100 {
            for q in 1..=4 {
                for c in &communes {
                    let extra = usize::from(n < bump);
                    writeln!(body, "NL-CBX,{c},{year}Q{q},,{},40,ghi chú {n}", 10 + extra).unwrap();
                    n += 1;
                    if n == count {
                        return body;
                    }
                }
            }
        }
        body
    };
    let rows = |bump: usize| rows_up_to(bump, 5000);
    let dir = tempfile::tempdir().unwrap();
    let first = write_csv(&dir, "a.csv", &rows(0));
    ok(db, &["values", "import", &first]);
    let versions = || async {
        store
            .values(&chitieu_store::ValueFilter {
                indicator: Some("NL-CBX".into()),
                unit: None,
            })
            .await
            .unwrap()
            .into_iter()
            .map(|v| v.version)
            .collect::<Vec<i64>>()
    };
    let v1 = versions().await;
    assert_eq!(v1.len(), 5000);
    assert!(v1.iter().all(|&v| v == 1));
    // The same figures again: nothing changes.
    ok(db, &["values", "import", &first]);
    assert_eq!(versions().await, v1);
    // Ten rows changed: those ten, and only those, get version 2.
    let changed = write_csv(&dir, "b.csv", &rows(10));
    ok(db, &["values", "import", &changed]);
    let v2 = versions().await;
    assert_eq!(v2.iter().filter(|&&v| v == 2).count(), 10, "{v2:?}");
    // Stored rows and new ones in one write: the 5,000 stay as they are, 300 more land.
    let more = write_csv(&dir, "more.csv", &rows_up_to(10, 5300));
    ok(db, &["values", "import", &more]);
    let v3 = versions().await;
    assert_eq!(v3.len(), 5300);
    assert_eq!(v3.iter().filter(|&&v| v == 2).count(), 10, "{v3:?}");
    assert_eq!(v3.iter().filter(|&&v| v == 1).count(), 5290);
    // An accepted value in the batch refuses all of it.
    let c0 = &communes[0];
    store
        .upsert_values(
            &[chitieu_store::NewValue::new(
                chitieu_domain::value::CheckedValue {
                    indicator: "NL-CBX".into(),
                    unit: chitieu_domain::UnitCode::parse(c0).unwrap(),
                    period: "2030Q1".parse().unwrap(),
                    value: 25.into(),
                    numerator: Some(10.into()),
                    denominator: Some(40.into()),
                    comment: "đã duyệt".into(),
                },
                None,
            )],
            chitieu_domain::ValueState::Accepted,
            "test",
            "test",
            |_| {},
        )
        .await
        .unwrap();
    let before = versions().await;
    let err = fails(
        db,
        &["values", "import", &write_csv(&dir, "c.csv", &rows(20))],
    );
    assert!(err.contains("dòng 2") && err.contains("khóa"), "{err}");
    assert_eq!(versions().await, before, "all or nothing");
    if db.backend == "postgres" {
        assert_eq!(store.count_rows("data_values_staging").await.unwrap(), 0);
        // What a write that died between its copy and its merge left behind is neither
        // merged by the next bulk write (it reads its own batch only) nor kept after it.
        use sea_orm::ConnectionTrait;
        store
            .connection()
            .execute_unprepared(&format!(
                "INSERT INTO data_values_staging VALUES \
                 ('died-new', (SELECT id FROM indicators WHERE code = 'NL-CBX'), \
                  (SELECT id FROM units WHERE code = '{c0}'), '2099Q4', '99', '99', '100', 'sót'), \
                 ('died-new', (SELECT id FROM indicators WHERE code = 'NL-CBX'), \
                  (SELECT id FROM units WHERE code = '{c0}'), '2031Q1', '99', '99', '100', 'sót')"
            ))
            .await
            .unwrap();
        // Every row but the accepted one, with another denominator.
        let changed: String = rows_up_to(0, 5300)
            .lines()
            .skip(1)
            .map(|l| format!("{}\n", l.replace(",40,", ",41,")))
            .collect();
        let fourth = write_csv(&dir, "d.csv", &changed);
        ok(db, &["values", "import", &fourth]);
        let after = versions().await;
        assert_eq!(after.len(), 5300, "the leftover key 2099Q4 was not merged");
        assert_eq!(store.count_rows("data_values_staging").await.unwrap(), 0);
        let left = store
            .connection()
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                "SELECT count(*) FROM data_values WHERE comment = 'sót'",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap();
        assert_eq!(left, 0, "a leftover's figures never reach the table");
    }
    store.verify_audit_chain().await.unwrap();
}

/// A write that names one value twice is refused whole, naming both: which of the two was
/// meant is not for the store to guess. Through the API it was a 500 on PostgreSQL (one
/// upsert cannot touch a row twice) and kept the last one on SQLite.
async fn a_write_naming_one_value_twice_is_refused_whole(db: &TestDb) {
    ok(db, &["demo"]);
    let t = token(db, "nhap-lieu", "reporter", "5443");
    let (server, base) = crate::support::serve(db);
    let q = open_quarter();
    let store = db.store().await;
    let before = stored_value(&store, "NL-CBX", "5443", &q).await;
    let item = |n: u32| {
        format!(
            r#"{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":{n},"denominator":50}}"#
        )
    };
    // The middle one is another period's, and fine.
    let earlier = {
        use chitieu_domain::{Period, PeriodKind};
        let day = chitieu_store::testing::test_clock().today() - chrono::Days::new(100);
        Period::last_complete(PeriodKind::Quarter, day).to_string()
    };
    let body = format!(
        r#"{{"state":"draft","values":[{},{},{}]}}"#,
        item(40),
        item(41).replace(&q, &earlier),
        item(42)
    );
    let mut res = crate::support::agent()
        .post(&format!("{base}/api/v1/values"))
        .header("Authorization", &format!("Bearer {t}"))
        .header("content-type", "application/json")
        .send(body.as_bytes())
        .unwrap();
    let status = res.status().as_u16();
    let text = res.body_mut().read_to_string().unwrap();
    assert_eq!(status, 422, "{text}");
    assert!(
        text.contains("values[0]") && text.contains("\"index\":2"),
        "{text}"
    );
    assert_eq!(
        stored_value(&store, "NL-CBX", "5443", &q).await,
        before,
        "nothing written"
    );
    drop(server);
    // Any other path into the store meets the same refusal, naming the values by position.
    let twice = |n: i64| {
        chitieu_store::NewValue::new(
            chitieu_domain::value::CheckedValue {
                indicator: "HT-5G".into(),
                unit: chitieu_domain::UnitCode::parse("19").unwrap(),
                period: "2031Q1".parse().unwrap(),
                value: n.into(),
                numerator: None,
                denominator: None,
                comment: String::new(),
            },
            None,
        )
    };
    let rows_before = store.count_rows("data_values").await.unwrap();
    let err = store
        .upsert_values(
            &[twice(1), twice(2)],
            chitieu_domain::ValueState::Draft,
            "test",
            "test",
            |_| {},
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            chitieu_store::StoreError::Refused(chitieu_domain::Refusal::Repeated {
                first: 0,
                second: 1
            })
        ),
        "{err:?}"
    );
    assert_eq!(store.count_rows("data_values").await.unwrap(), rows_before);
}
