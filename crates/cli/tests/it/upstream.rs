//! #35, its first part: a province names its central instance, and every figure that becomes
//! official — the history once, then each report accepted and each file of official figures
//! imported — is queued for it in the transaction that makes it official, so that nothing
//! accepted can be lost before it is delivered. How delivery stands is visible to the
//! province's administrators and standing office (`upstream status`, `GET /api/v1/upstream`);
//! the centre's token never shows. Delivery itself is not built yet.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use serde_json::Value;

db_tests!(
    official_figures_are_queued_for_the_centre_as_they_become_official,
    a_bad_centre_is_refused_and_nothing_changes,
);

fn status(db: &TestDb) -> Value {
    serde_json::from_str(&ok(db, &["upstream", "status"])).expect("JSON")
}

fn pending(db: &TestDb) -> u64 {
    status(db)["pending"].as_u64().expect("a count")
}

async fn official_figures_are_queued_for_the_centre_as_they_become_official(db: &TestDb) {
    ok(db, &["demo"]);
    // No centre named: nothing waits, and acceptances queue nothing.
    let before = status(db);
    assert_eq!(before["url"], Value::Null);
    assert_eq!(before["pending"], 0);

    let said = ok(
        db,
        &[
            "upstream",
            "set",
            "--url",
            "https://trungtam.example.vn",
            "--token",
            "ct_bi-mat-cua-tinh",
        ],
    );
    let backlog = pending(db);
    assert!(backlog > 0, "the province's official history goes up once");
    assert!(said.contains(&format!("{backlog} số liệu")), "{said}");
    let now = status(db);
    assert_eq!(now["url"], "https://trungtam.example.vn");
    assert_eq!(
        (now["rejected"].as_u64(), now["last_success"].clone()),
        (Some(0), Value::Null)
    );
    assert!(now["oldest_pending_seconds"].as_i64().is_some());
    // A new token: the queue stays as it is, no second backfill.
    ok(
        db,
        &[
            "upstream",
            "set",
            "--url",
            "https://trungtam.example.vn/",
            "--token",
            "ct_moi",
        ],
    );
    assert_eq!(pending(db), backlog);

    // A report accepted: its figures join the queue with it.
    let office = token(db, "van-phong", "secretariat", "19");
    let (_server, base) = serve(db);
    let (s, _, reports) = api(
        "GET",
        &format!("{base}/api/v1/reports?state=approved"),
        Some(&office),
        None,
    );
    assert_eq!(s, 200, "{reports}");
    let r = reports
        .as_array()
        .and_then(|l| l.first())
        .expect("an approved report in the demo")
        .clone();
    let path = format!(
        "{base}/api/v1/reports/{}/{}/{}/accept",
        r["form"].as_str().unwrap(),
        r["unit"].as_str().unwrap(),
        r["period"].as_str().unwrap()
    );
    let (s, body) = post_json(&path, &office, "{}");
    assert_eq!(s, 200, "{body}");
    let after_accept = pending(db);
    assert!(
        after_accept > backlog,
        "the accepted report's figures wait to go"
    );

    // Official figures imported from a file are queued in the same write.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("chinh-thuc.csv");
    std::fs::write(
        &csv,
        "indicator,unit,period,value,numerator,denominator,comment\nHT-5G,19,2021Q1,1,,,\nHT-5G,19,2021Q2,2,,,\n",
    )
    .unwrap();
    ok(
        db,
        &[
            "values",
            "import",
            csv.to_str().unwrap(),
            "--state",
            "accepted",
        ],
    );
    assert_eq!(pending(db), after_accept + 2);

    // The standing office reads the same through the API; the token shows nowhere.
    let (s, _, api_status) = api(
        "GET",
        &format!("{base}/api/v1/upstream"),
        Some(&office),
        None,
    );
    assert_eq!(s, 200);
    assert_eq!(api_status["pending"].as_u64(), Some(after_accept + 2));
    assert_eq!(api_status["url"], "https://trungtam.example.vn/");
    for shown in [status(db).to_string(), api_status.to_string()] {
        assert!(!shown.contains("ct_moi") && !shown.contains("ct_bi-mat"));
    }
}

async fn a_bad_centre_is_refused_and_nothing_changes(db: &TestDb) {
    ok(db, &["demo"]);
    for (url, token, why) in [
        ("trungtam.example.vn", "ct_x", "địa chỉ máy chủ trung ương"),
        (
            "ftp://trungtam.example.vn",
            "ct_x",
            "địa chỉ máy chủ trung ương",
        ),
        (
            "https://trungtam.example.vn",
            " ",
            "token do trung ương cấp",
        ),
    ] {
        let said = fails(db, &["upstream", "set", "--url", url, "--token", token]);
        assert!(said.contains(why), "{url}: {said}");
    }
    assert_eq!(status(db)["url"], Value::Null);
    assert_eq!(pending(db), 0);
}
