use crate::{fails, national_map, ok};
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use std::fmt::Write as _;
use std::time::Instant;

db_tests!(
    one_bad_line_rejects_the_whole_file,
    import_export_round_trip_and_versions,
);

const HEADER: &str = "indicator,unit,period,value,numerator,denominator,comment\n";

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
    ];
    for (bad, field, word) in cases {
        let lines: Vec<&str> = good.lines().collect();
        let body = format!("{}\n{bad}{}\n{}\n", lines[0], lines[1], lines[2]);
        let file = write_csv(&dir, "bad.csv", &body);
        let err = fails(db, &["values", "import", &file]);
        assert!(err.contains("bad.csv, dòng 3"), "{bad}: {err}");
        assert!(err.contains(&format!("cột \"{field}\"")), "{bad}: {err}");
        assert!(err.contains(word), "{bad}: {err}");
        let export = ok(db, &["values", "export"]);
        assert_eq!(export, HEADER, "nothing was written for {bad}");
    }
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
    let exported = dir.path().join("all.csv");
    ok(db, &["values", "export", "-o", exported.to_str().unwrap()]);
    let text = std::fs::read_to_string(&exported).unwrap();
    // Importing an export changes nothing but the state.
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
    assert_eq!(again, text);
    let store = db.store().await;
    let (_, ids) = store.catalog().await.unwrap();
    let version = |rows: &[chitieu_store::ValueRow]| {
        rows.iter()
            .find(|r| r.indicator == "HT-5G" && r.period.to_string() == "2024Q4")
            .map(|r| (r.version, r.value.to_string()))
            .unwrap()
    };
    let before = version(&store.values(&Default::default(), &ids).await.unwrap());
    assert_eq!(before.0, 1, "re-sending the same figures keeps the version");
    let one = write_csv(&dir, "one.csv", "HT-5G,19,2024Q4,42.25,,,sửa số liệu\n");
    let out = ok(db, &["values", "import", &one]);
    assert!(out.contains("1 giá trị mới hoặc thay đổi"), "{out}");
    let after = version(&store.values(&Default::default(), &ids).await.unwrap());
    assert_eq!(after, (2, "42.25".into()));
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
    assert_eq!(
        chitieu_store::count_rows(store.connection(), "data_values")
            .await
            .unwrap(),
        1_000_000
    );
}
