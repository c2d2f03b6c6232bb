//! #35's acceptance, as written: two server processes, a province (SQLite, the demo) and the
//! centre (PostgreSQL, `init --plan national`, on a fixed port so that it can be stopped and
//! started again at the same address). A report accepted at the province reaches the centre
//! as the province's official figure; while the centre is down acceptances wait in the
//! outbox, survive a SIGKILL of the province, and arrive once each when the centre is back; a
//! figure the centre refuses is listed with the centre's reason; the centre's page of the
//! provinces lists the 34 provinces with Thái Nguyên's delivered figures.

use crate::support::*;
use chitieu_store::testing::TestDb;
use serde_json::Value;
use std::time::{Duration, Instant};

fn status(db: &TestDb) -> Value {
    serde_json::from_str(&ok(db, &["upstream", "status"])).expect("JSON")
}

/// Waits (bounded only to fail instead of hang) until `done` holds; how long it took.
fn wait_for(what: &str, mut done: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(120), "{what}");
        std::thread::sleep(Duration::from_millis(100));
    }
    let took = start.elapsed();
    println!("{what}: {} ms", took.as_millis());
    took
}

/// The province's approved reports: (form, unit, period).
fn approved(base: &str, office: &str) -> Vec<(String, String, String)> {
    let (s, _, list) = api(
        "GET",
        &format!("{base}/api/v1/reports?state=approved"),
        Some(office),
        None,
    );
    assert_eq!(s, 200, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let f = |k: &str| r[k].as_str().unwrap().to_string();
            (f("form"), f("unit"), f("period"))
        })
        .collect()
}

fn accept(base: &str, office: &str, (form, unit, period): &(String, String, String)) {
    let (s, body) = post_json(
        &format!("{base}/api/v1/reports/{form}/{unit}/{period}/accept"),
        office,
        "{}",
    );
    assert_eq!(s, 200, "{body}");
}

/// The commune figure a report carries, as the centre holds it (the national code).
fn at_centre(centre: &str, token: &str, unit: &str, period: &str) -> Option<Value> {
    stored(centre, token, "NQ57-CBX", unit, period)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_province_delivers_to_the_centre_through_outages_and_crashes() {
    let Some(centre_db) = TestDb::postgres().await else {
        return;
    };
    let province = TestDb::sqlite();
    ok(&province, &["demo"]);
    ok(&centre_db, &["init", "--plan", "national"]);
    let issued = token(&centre_db, "thai-nguyen", "secretariat", "19");
    let port = free_port();
    let (mut centre, centre_base) = serve_process_on(&centre_db, port, &[]);
    let office = token(&province, "van-phong", "secretariat", "19");
    ok(
        &province,
        &["upstream", "set", "--url", &centre_base, "--token", &issued],
    );
    let (mut server, base) = serve_process(&province);
    wait_for("the province's history delivered", || {
        status(&province)["pending"] == 0
    });
    assert_eq!(status(&province)["rejected"], 0);

    // A report accepted at the province is at the centre within seconds, official, once.
    let reports = approved(&base, &office);
    assert!(reports.len() >= 4, "{reports:?}");
    accept(&base, &office, &reports[0]);
    let (_, unit, period) = &reports[0];
    let took = wait_for("an accepted report at the centre", || {
        at_centre(&centre_base, &issued, unit, period).is_some()
    });
    // The sender looks every second; 5 s is the issue's bound, measured and printed above.
    // Asserted loosely so that a loaded machine does not fail the test.
    assert!(took < Duration::from_secs(60), "{took:?}");
    let there = at_centre(&centre_base, &issued, unit, period).unwrap();
    assert_eq!(
        (there["state"].as_str(), there["version"].as_i64()),
        (Some("accepted"), Some(1))
    );

    // The centre stopped: two more acceptances wait in the outbox, visible through the API.
    centre.kill().expect("stop the centre");
    centre.wait().expect("stopped");
    accept(&base, &office, &reports[1]);
    accept(&base, &office, &reports[2]);
    let (s, _, waiting) = api(
        "GET",
        &format!("{base}/api/v1/upstream"),
        Some(&office),
        None,
    );
    assert_eq!(s, 200);
    assert_eq!(waiting["pending"], 2, "{waiting}");
    assert!(waiting["oldest_pending_seconds"].as_i64().is_some());

    // The province killed (SIGKILL) before it could deliver: nothing is lost.
    server.kill().expect("SIGKILL");
    server.wait().expect("gone");
    assert_eq!(status(&province)["pending"], 2);
    let (mut server, base) = serve_process(&province);

    // The centre back at its address: both arrive, each applied once (version 1).
    let (mut centre, _) = serve_process_on(&centre_db, port, &[]);
    wait_for("the waiting figures delivered", || {
        status(&province)["pending"] == 0
    });
    for (_, unit, period) in &reports[1..3] {
        let v = at_centre(&centre_base, &issued, unit, period).expect("delivered");
        assert_eq!(
            (v["state"].as_str(), v["version"].as_i64()),
            (Some("accepted"), Some(1)),
            "{unit} {period}: {v}"
        );
        assert!(
            v["entered_by"]
                .as_str()
                .is_some_and(|b| b.contains("thai-nguyen")),
            "{v}"
        );
    }

    // A correction: the first report reopened, its figure changed, sent, approved and
    // accepted again; the centre holds the new figure as version 2.
    let (form, unit, period) = reports[0].clone();
    let report = format!("{base}/api/v1/reports/{form}/{unit}/{period}");
    let (s, body) = post_json(
        &format!("{report}/reopen"),
        &office,
        r#"{"reason":"sai số cán bộ đã đào tạo"}"#,
    );
    assert_eq!(s, 200, "{body}");
    let reporter = token(&province, "bao-cao-xa", "reporter", &unit);
    let head = token(&province, "chu-tich-xa", "head", &unit);
    let now = stored(&base, &reporter, "NL-CBX", &unit, &period).expect("the figure");
    let (n, d): (i64, i64) = (
        now["numerator"].as_str().unwrap().parse().unwrap(),
        now["denominator"].as_str().unwrap().parse().unwrap(),
    );
    let corrected = if n > 0 { n - 1 } else { n + 1 }.min(d);
    let (s, body) = post_json(
        &format!("{base}/api/v1/values"),
        &reporter,
        &format!(
            r#"{{"values":[{{"indicator":"NL-CBX","unit":"{unit}","period":"{period}","numerator":{corrected},"denominator":{d},"version":{}}}]}}"#,
            now["version"]
        ),
    );
    assert_eq!(s, 200, "{body}");
    for (action, who) in [
        ("submit", &reporter),
        ("approve", &head),
        ("accept", &office),
    ] {
        let (s, body) = post_json(&format!("{report}/{action}"), who, "{}");
        assert_eq!(s, 200, "{action}: {body}");
    }
    let corrected_text = corrected.to_string();
    wait_for("the correction at the centre", || {
        at_centre(&centre_base, &issued, &unit, &period)
            .is_some_and(|v| v["numerator"] == corrected_text.as_str())
    });
    let v = at_centre(&centre_base, &issued, &unit, &period).unwrap();
    assert_eq!(
        (v["state"].as_str(), v["version"].as_i64()),
        (Some("accepted"), Some(2)),
        "{v}"
    );

    // A push the centre refuses: a commune the province maps to a code the centre lacks.
    let (_, odd_unit, odd_period) = reports[3].clone();
    let mut table = ok(&province, &["mapping", "list", "--system", "central"]);
    table.push_str(&format!("unit,{odd_unit},XA-CHUA-CO-O-TRUNG-UONG\n"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("central.csv");
    std::fs::write(&file, table).unwrap();
    ok(
        &province,
        &[
            "mapping",
            "import",
            "--system",
            "central",
            file.to_str().unwrap(),
        ],
    );
    accept(&base, &office, &reports[3]);
    wait_for("the refusal recorded", || {
        status(&province)["rejected"].as_u64() > Some(0)
    });
    let refused = ok(&province, &["upstream", "refused"]);
    let line = refused
        .lines()
        .find(|l| l.contains(&odd_unit))
        .unwrap_or_else(|| panic!("{refused}"));
    assert!(
        line.contains("422") && line.contains("XA-CHUA-CO-O-TRUNG-UONG"),
        "the centre's reason: {line}"
    );
    assert!(at_centre(&centre_base, &issued, &odd_unit, &odd_period).is_none());

    // The centre's page of the provinces: all 34, Thái Nguyên's figures counted.
    add_user(&centre_db, "tt.trunguong", "secretariat", "VN");
    no_second_factor(&centre_db);
    let cookie = session(&centre_base, "tt.trunguong", PASSWORD);
    let (s, page) = get_status(&centre_base, "/provinces", Some(&cookie));
    assert_eq!(s, 200, "{page}");
    assert_eq!(
        page.matches("class=\"tile ").count() - 3,
        34,
        "34 tiles and a legend"
    );
    let tn = page
        .split("<tr data-unit=\"19\">")
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .expect("Thái Nguyên's row of completeness");
    assert!(tn.contains("Thái Nguyên"), "{tn}");
    assert!(
        tn.contains("delivered full") || tn.contains("delivered part"),
        "Thái Nguyên's deliveries counted: {tn}"
    );
    let tile = page
        .split("data-unit=\"19\"")
        .next()
        .and_then(|before| before.rsplit("class=\"tile ").next())
        .expect("Thái Nguyên's tile");
    assert!(!tile.starts_with("none"), "coloured as delivering: {tile}");
    // Its title says what it has delivered and, if anything, which indicators are missing.
    let title = page
        .split("data-unit=\"19\" title=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the tile's title");
    assert!(title.starts_with("Thái Nguyên: "), "{title}");
    assert!(
        tile.starts_with("full") || title.contains("còn thiếu NQ57-"),
        "{tile} {title}"
    );
    let ranked = page
        .split("id=\"rank-NQ57-CBX\"")
        .nth(1)
        .expect("the commune indicator ranked");
    assert!(ranked.contains("data-unit=\"19\""), "Thái Nguyên ranked");

    let _ = server.kill();
    let _ = server.wait();
    let _ = centre.kill();
    let _ = centre.wait();
}
