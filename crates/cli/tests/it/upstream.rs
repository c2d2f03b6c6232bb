//! #35, its first part: a province names its central instance, and every figure that becomes
//! official — the history once, then each report accepted and each file of official figures
//! imported — is queued for it in the transaction that makes it official, so that nothing
//! accepted can be lost before it is delivered. How delivery stands is visible to the
//! province's administrators and standing office (`upstream status`, `GET /api/v1/upstream`);
//! the centre's token never shows. A sender in `serve` delivers the queue to the centre's
//! `POST /api/v1/dataValueSets`, tries again while the centre is unreachable, and records
//! the centre's reason when it refuses.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use serde_json::Value;

db_tests!(
    official_figures_are_queued_for_the_centre_as_they_become_official,
    a_bad_centre_is_refused_and_nothing_changes,
    official_figures_reach_the_centre_and_wait_while_it_is_down,
    a_province_killed_after_accepting_loses_nothing,
    the_standing_office_names_the_centre_and_sends_refused_figures_again_on_a_page,
    official_pushes_come_from_the_province_standing_office_and_keep_their_origin,
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

    let said = upstream_at(db, "http://trungtam.example.vn", "ct_bi-mat-cua-tinh");
    let backlog = pending(db);
    assert!(backlog > 0, "the province's official history goes up once");
    assert!(said.contains(&format!("{backlog} số liệu")), "{said}");
    let now = status(db);
    assert_eq!(now["url"], "http://trungtam.example.vn");
    assert_eq!(
        (now["rejected"].as_u64(), now["last_success"].clone()),
        (Some(0), Value::Null)
    );
    assert!(now["oldest_pending_seconds"].as_i64().is_some());
    // A new token: the queue stays as it is, no second backfill.
    upstream_at(db, "http://trungtam.example.vn/", "ct_moi");
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
    assert_eq!(api_status["url"], "http://trungtam.example.vn/");
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
        // No TLS built in: said at once, not found out by a queue that never drains.
        ("https://trungtam.example.vn", "ct_x", "http"),
        ("http://trungtam.example.vn", " ", "token do trung ương cấp"),
    ] {
        let said = fails(db, &["upstream", "set", "--url", url, "--token", token]);
        assert!(said.contains(why), "{url}: {said}");
    }
    assert_eq!(status(db)["url"], Value::Null);
    assert_eq!(pending(db), 0);
}

/// The centre: another instance with a database of its own (SQLite), the national plan and
/// map loaded, serving; and the token it issued for the province's standing office.
fn centre() -> (TestDb, String, chitieu_web::testing::TestServer) {
    let db = TestDb::sqlite();
    ok(&db, &["init", "--plan", "national"]);
    let issued = token(&db, "thai-nguyen", "secretariat", "19");
    let server =
        chitieu_web::testing::TestServer::start_at(&db.url, chitieu_store::testing::test_clock());
    (db, issued, server)
}

/// Names the centre at `url` with `token`, from the command line.
fn upstream_at(db: &TestDb, url: &str, token: &str) -> String {
    ok(db, &["upstream", "set", "--url", url, "--token", token])
}

/// Waits (bounded only to fail instead of hang) until `done` holds of the province's status.
fn until(db: &TestDb, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let start = std::time::Instant::now();
    loop {
        let s = status(db);
        if done(&s) {
            println!("{what}: {} ms", start.elapsed().as_millis());
            return s;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(120),
            "{what}: {s}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

async fn official_figures_reach_the_centre_and_wait_while_it_is_down(db: &TestDb) {
    ok(db, &["demo"]);
    let (centre_db, issued, centre) = centre();
    let (_province, base) = serve(db);

    // The centre unreachable: everything waits, with the reason.
    upstream_at(db, "http://127.0.0.1:1", &issued);
    let backlog = pending(db);
    let down = until(db, "a failed attempt recorded", |s| {
        s["last_error"].is_string()
    });
    assert_eq!(
        down["pending"].as_u64(),
        Some(backlog),
        "nothing lost: {down}"
    );
    assert_eq!(down["last_success"], Value::Null);

    // Its address fixed: the history arrives, none refused.
    upstream_at(db, &centre.base, &issued);
    let up = until(db, "the history delivered", |s| s["pending"] == 0);
    assert_eq!(up["rejected"], 0, "{up}");
    assert_eq!(
        up["last_error"],
        Value::Null,
        "the failures are behind it: {up}"
    );
    assert!(up["last_success"].is_string());
    // A figure the province accepted is at the centre, with the same value.
    let office = token(db, "van-phong", "secretariat", "19");
    let (_, _, accepted) = api(
        "GET",
        &format!("{base}/api/v1/values?unit=19&indicator=HT-5G"),
        Some(&office),
        None,
    );
    let one = accepted
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["state"] == "accepted")
        .expect("an official figure of the province")
        .clone();
    // Under the national plan's code, official there too.
    let there = stored(
        &centre.base,
        &issued,
        "NQ57-5G",
        "19",
        one["period"].as_str().unwrap(),
    )
    .expect("delivered to the centre");
    assert_eq!(there["value"], one["value"]);
    assert_eq!(there["state"], "accepted");

    // A report accepted now goes up by itself.
    let (_, _, approved) = api(
        "GET",
        &format!("{base}/api/v1/reports?state=approved"),
        Some(&office),
        None,
    );
    let r = approved.as_array().unwrap()[0].clone();
    let (form, unit, period) = (
        r["form"].as_str().unwrap().to_string(),
        r["unit"].as_str().unwrap().to_string(),
        r["period"].as_str().unwrap().to_string(),
    );
    let (s, body) = post_json(
        &format!("{base}/api/v1/reports/{form}/{unit}/{period}/accept"),
        &office,
        "{}",
    );
    assert_eq!(s, 200, "{body}");
    assert!(pending(db) > 0, "queued with the acceptance");
    until(db, "the accepted report delivered", |s| s["pending"] == 0);
    let (_, _, at_centre) = api(
        "GET",
        &format!("{}/api/v1/values?unit={unit}&period={period}", centre.base),
        Some(&issued),
        None,
    );
    assert!(!at_centre.as_array().unwrap().is_empty(), "{at_centre}");

    // A token the centre issued for another province: the centre refuses, and the province
    // sees why; nothing is retried blindly.
    let elsewhere = token(&centre_db, "lang-son", "secretariat", "20");
    upstream_at(db, &centre.base, &elsewhere);
    let next = approved.as_array().unwrap()[1].clone();
    let (s, body) = post_json(
        &format!(
            "{base}/api/v1/reports/{}/{}/{}/accept",
            next["form"].as_str().unwrap(),
            next["unit"].as_str().unwrap(),
            next["period"].as_str().unwrap()
        ),
        &office,
        "{}",
    );
    assert_eq!(s, 200, "{body}");
    let refused = until(db, "the refusal recorded", |s| {
        s["rejected"].as_u64() > Some(0) && s["pending"] == 0
    });
    assert_eq!(refused["pending"], 0);
    assert!(
        refused["last_error"].as_str().unwrap().starts_with("403"),
        "the centre's answer: {refused}"
    );
    // Which figures, and why, for the standing office; sent again once the token is right.
    let refused_list = ok(db, &["upstream", "refused"]);
    let mut lines = refused_list.lines();
    assert_eq!(
        lines.next(),
        Some("indicator,unit,period,reason,refused_at")
    );
    let first = lines.next().expect("a refused figure");
    assert!(
        first.contains(next["unit"].as_str().unwrap()) && first.contains("403: Không có quyền"),
        "{refused_list}"
    );
    upstream_at(db, &centre.base, &issued);
    let said = ok(db, &["upstream", "resend"]);
    assert!(
        said.starts_with(&format!("{} số liệu", refused["rejected"])),
        "{said}"
    );
    let resent = until(db, "the refused figures delivered", |s| {
        s["pending"] == 0 && s["rejected"] == 0
    });
    assert_eq!(resent["last_error"], Value::Null, "{resent}");
    // The same in the metrics a monitoring system scrapes.
    let (s, metrics) = get_status(&base, "/metrics", None);
    assert_eq!(s, 200);
    assert!(metrics.contains("chitieu_upstream_pending 0"), "{metrics}");
    assert!(metrics.contains("chitieu_upstream_rejected 0"), "{metrics}");
    drop(centre);
}

/// The province's server is killed (SIGKILL) after two acceptances it could not deliver:
/// started again with the centre reachable, it delivers both, each once.
async fn a_province_killed_after_accepting_loses_nothing(db: &TestDb) {
    ok(db, &["demo"]);
    let (_centre_db, issued, centre) = centre();
    let office = token(db, "van-phong", "secretariat", "19");
    // The history first, so that only the two acceptances are in question.
    upstream_at(db, &centre.base, &issued);
    let (mut province, base) = serve_process(db);
    until(db, "the history delivered", |s| s["pending"] == 0);

    upstream_at(db, "http://127.0.0.1:1", &issued);
    // The sender reads the address at each round (every second when idle): the one under
    // way may still hold the old one.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let (_, _, approved) = api(
        "GET",
        &format!("{base}/api/v1/reports?state=approved"),
        Some(&office),
        None,
    );
    let reports: Vec<(String, String, String)> = approved.as_array().unwrap()[..2]
        .iter()
        .map(|r| {
            let f = |k: &str| r[k].as_str().unwrap().to_string();
            (f("form"), f("unit"), f("period"))
        })
        .collect();
    for (form, unit, period) in &reports {
        let (s, body) = post_json(
            &format!("{base}/api/v1/reports/{form}/{unit}/{period}/accept"),
            &office,
            "{}",
        );
        assert_eq!(s, 200, "{body}");
    }
    let waiting = pending(db);
    assert!(waiting >= 2, "both acceptances wait: {waiting}");
    province.kill().expect("SIGKILL");
    province.wait().expect("gone");
    assert_eq!(pending(db), waiting, "nothing lost with the process");

    upstream_at(db, &centre.base, &issued);
    let (mut province, _) = serve_process(db);
    until(db, "delivered after the restart", |s| s["pending"] == 0);
    for (_, unit, period) in &reports {
        let (_, _, there) = api(
            "GET",
            &format!("{}/api/v1/values?unit={unit}&period={period}", centre.base),
            Some(&issued),
            None,
        );
        let rows = there.as_array().unwrap();
        assert!(!rows.is_empty(), "{unit} {period} at the centre");
        assert!(
            rows.iter().all(|v| v["version"] == 1),
            "each applied once: {there}"
        );
    }
    let _ = province.kill();
    let _ = province.wait();
}

async fn the_standing_office_names_the_centre_and_sends_refused_figures_again_on_a_page(
    db: &TestDb,
) {
    ok(db, &["demo"]);
    let (centre_db, issued, centre) = centre();
    let elsewhere = token(&centre_db, "lang-son", "secretariat", "20");
    add_user(db, "tt.tinh", "secretariat", "19");
    add_user(db, "xem.tinh", "viewer", "19");
    let (_server, base) = serve(db);
    let office = session(&base, "tt.tinh", PASSWORD);
    let viewer = session(&base, "xem.tinh", PASSWORD);
    assert_eq!(get_status(&base, "/admin/upstream", Some(&viewer)).0, 403);
    let (s, page) = get_status(&base, "/admin/upstream", Some(&office));
    assert_eq!(s, 200);
    assert!(page.contains("id=\"no-upstream\""), "{page}");
    let set = |url: &str, token: &str| {
        post_page_form(
            &base,
            "/admin/upstream",
            "/admin/upstream",
            &office,
            &[("url", url), ("token", token), ("system", "")],
        )
    };
    let (s, _, body) = set("trungtam", &issued);
    assert_eq!(s, 422, "{body}");
    assert!(body.contains("địa chỉ máy chủ trung ương"), "{body}");
    // A token the centre issued for another province: the history is refused, with the reason.
    let (s, to, _) = set(&centre.base, &elsewhere);
    assert_eq!((s, to.as_str()), (303, "/admin/upstream?done=saved"));
    until(db, "the history refused", |s| {
        s["pending"] == 0 && s["rejected"].as_u64() > Some(0)
    });
    let (_, page) = get_status(&base, "/admin/upstream", Some(&office));
    assert!(page.contains("id=\"refused-table\""), "{page}");
    assert!(page.contains("403: Không có quyền"), "{page}");
    assert!(
        !page.contains(&elsewhere) && !page.contains(&issued),
        "no token shown"
    );
    // The right token, then the refused figures again: all delivered.
    let (s, _, _) = set(&centre.base, &issued);
    assert_eq!(s, 303);
    let (s, to, _) = post_page_form(
        &base,
        "/admin/upstream",
        "/admin/upstream/resend",
        &office,
        &[],
    );
    assert_eq!((s, to.as_str()), (303, "/admin/upstream?done=resent"));
    until(db, "the refused figures delivered", |s| {
        s["pending"] == 0 && s["rejected"] == 0
    });
    let (_, page) = get_status(&base, "/admin/upstream", Some(&office));
    assert!(!page.contains("id=\"refused-table\""), "{page}");
    assert!(page.contains(&centre.base));

    // The centre's codes, shipped with the plan, edited on the same page, all or nothing.
    assert!(
        page.contains("numerator,KT-KTS,NQ57-KTS.numerator"),
        "the plan's central mapping: {page}"
    );
    let map = |rows: &str| {
        post_page_form(
            &base,
            "/admin/upstream",
            "/admin/upstream/mapping",
            &office,
            &[("rows", rows)],
        )
    };
    let (s, _, body) = map("value,KHONG-CO,NQ57-5G");
    assert_eq!(s, 422, "{body}");
    let (_, page) = get_status(&base, "/admin/upstream", Some(&office));
    assert!(
        page.contains("numerator,KT-KTS,NQ57-KTS.numerator"),
        "unchanged"
    );
    let (s, to, _) = map("value,HT-5G,NQ57-5G");
    assert_eq!((s, to.as_str()), (303, "/admin/upstream?done=mapping"));
    assert_eq!(
        ok(db, &["mapping", "list", "--system", "central"]).trim(),
        "part,code,external\nvalue,HT-5G,NQ57-5G"
    );
    // Only mapped indicators go up now: a ward's report accepted queues nothing.
    let before = pending(db);
    let admin_token = token(db, "van-phong-2", "secretariat", "19");
    let (_, _, approved) = api(
        "GET",
        &format!("{base}/api/v1/reports?state=approved"),
        Some(&admin_token),
        None,
    );
    let r = approved.as_array().unwrap()[0].clone();
    let (s, body) = post_json(
        &format!(
            "{base}/api/v1/reports/{}/{}/{}/accept",
            r["form"].as_str().unwrap(),
            r["unit"].as_str().unwrap(),
            r["period"].as_str().unwrap()
        ),
        &admin_token,
        "{}",
    );
    assert_eq!(s, 200, "{body}");
    assert_eq!(pending(db), before, "NL-CBX is no longer mapped");
    // Someone who may not administer the plan cannot change the codes.
    assert_eq!(
        post_page_form(
            &base,
            "/admin/upstream",
            "/admin/upstream/mapping",
            &viewer,
            &[("rows", "")],
        )
        .0,
        403
    );
}

/// At the centre: figures pushed as official land as the province's official figures, with
/// where they came from; only the province's standing office (or an administrator) may push
/// them, for its own province; a correction replaces the figure, a draft never does.
async fn official_pushes_come_from_the_province_standing_office_and_keep_their_origin(db: &TestDb) {
    ok(db, &["init", "--plan", "national"]);
    let tn = token(db, "thai-nguyen", "secretariat", "19");
    let reporter = token(db, "bao-cao", "reporter", "19");
    add_user(db, "tt.trunguong", "secretariat", "VN");
    no_second_factor(db);
    let (_server, base) = serve(db);
    // "báo cáo BC57-SO-QUY, chấp nhận" as a province's sender writes it in the query.
    let origin = "b%C3%A1o%20c%C3%A1o%20BC57-SO-QUY%2C%20ch%E1%BA%A5p%20nh%E1%BA%ADn";
    let push = |token: &str, unit: &str, value: &str, query: &str| {
        post_json(
            &format!("{base}/api/v1/dataValueSets?{query}"),
            token,
            &format!(
                r#"{{"dataValues":[{{"dataElement":"NQ57-5G","period":"2026Q2","orgUnit":"{unit}","value":"{value}"}}]}}"#
            ),
        )
    };
    let official = format!("state=accepted&origin={origin}");
    assert_eq!(push(&reporter, "19", "80", &official).0, 403, "a reporter");
    assert_eq!(push(&tn, "20", "80", &official).0, 403, "another province");
    let (s, _, _) = api(
        "GET",
        &format!("{base}/api/v1/values?unit=20"),
        Some(&tn),
        None,
    );
    assert_eq!(s, 403, "nor read another province's figures");
    let (s, body) = push(&tn, "19", "80", "state=final");
    assert_eq!(s, 422, "{body}");
    // Where it came from is bounded and plain: too long, or hiding a line break, refused.
    for bad in ["a".repeat(301), "b%C3%A1o%0Ac%C3%A1o".to_string()] {
        let (s, body) = push(&tn, "19", "80", &format!("state=accepted&origin={bad}"));
        assert_eq!(s, 422, "{body}");
    }
    assert!(
        stored(&base, &tn, "NQ57-5G", "19", "2026Q2").is_none(),
        "nothing written"
    );
    let (s, body) = push(&tn, "19", "80", &official);
    assert_eq!(s, 200, "{body}");
    let v = stored(&base, &tn, "NQ57-5G", "19", "2026Q2").expect("stored");
    assert_eq!(
        (
            v["state"].as_str(),
            v["version"].as_i64(),
            v["value"].as_str()
        ),
        (Some("accepted"), Some(1), Some("80"))
    );
    // Sent again (a lost answer): nothing changes.
    assert_eq!(push(&tn, "19", "80", &official).0, 200);
    assert_eq!(
        stored(&base, &tn, "NQ57-5G", "19", "2026Q2").unwrap()["version"],
        1
    );
    // A draft cannot overwrite the official figure; the province's correction does.
    assert_eq!(push(&tn, "19", "70", "").0, 409);
    assert_eq!(push(&tn, "19", "85", &official).0, 200);
    let v = stored(&base, &tn, "NQ57-5G", "19", "2026Q2").unwrap();
    assert_eq!(
        (v["version"].as_i64(), v["value"].as_str()),
        (Some(2), Some("85"))
    );
    // Where it came from, in the figure's history at the centre.
    let cookie = session(&base, "tt.trunguong", PASSWORD);
    let (s, entry) = get_status(&base, "/entry?unit=19&period=2026Q2", Some(&cookie));
    assert_eq!(s, 200);
    assert!(
        entry.contains(
            "số liệu chính thức do token:thai-nguyen gửi; tại nguồn: báo cáo BC57-SO-QUY, chấp nhận"
        ),
        "{entry}"
    );
}
