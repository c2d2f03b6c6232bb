//! The server at scale, as people and other systems see it: reads never wait for writes,
//! a writer sees its own write at once, other instances follow, structure changes never
//! show a half-built state, and what is sent is compressed and cacheable.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use chitieu_web::testing::TestServer;
use serde_json::Value;
use std::time::{Duration, Instant};

db_tests!(
    a_writer_sees_its_write_at_once_and_another_server_follows,
    reads_during_structure_changes_never_fail,
    other_processes_changes_are_announced,
    pages_and_scripts_are_compressed_and_assets_cached,
    concurrent_writers_wait_their_turn,
    answers_kept_across_changes_match_a_fresh_server,
    completeness_kept_across_writes_matches_a_fresh_server,
    the_nations_report_matrix_is_paged,
);

fn token(db: &TestDb, name: &str, role: &str) -> String {
    ok(
        db,
        &[
            "token", "add", "--name", name, "--role", role, "--unit", "19",
        ],
    )
    .trim()
    .to_string()
}

fn get(url: &str, token: &str) -> (u16, String) {
    match agent()
        .get(url)
        .header("Authorization", &format!("Bearer {token}"))
        .call()
    {
        Ok(mut r) => (
            r.status().as_u16(),
            r.body_mut().read_to_string().unwrap_or_default(),
        ),
        Err(e) => (0, e.to_string()),
    }
}

fn figure(base: &str, token: &str) -> Value {
    let (s, body) = get(
        &format!("{base}/api/v1/figures?indicator=ST-NVKH&unit=19&period=2026Q1"),
        token,
    );
    assert_eq!(s, 200, "{body}");
    serde_json::from_str::<Value>(&body).unwrap()["figure"]["value"].clone()
}

async fn a_writer_sees_its_write_at_once_and_another_server_follows(db: &TestDb) {
    ok(db, &["init"]);
    let admin = token(db, "he-thong", "admin");
    let (a, base_a) = serve(db);
    let b = TestServer::start_at(&db.url, chitieu_store::testing::test_clock());
    for n in 1..=3 {
        let body = format!(
            r#"{{"values":[{{"indicator":"ST-NVKH","unit":"19","period":"2026Q1","value":"{}"}}]}}"#,
            30 + n
        );
        let res = agent()
            .post(&format!("{base_a}/api/v1/values"))
            .header("Authorization", &format!("Bearer {admin}"))
            .header("content-type", "application/json")
            .send(body)
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        // The writer's own server answers with it at once: no waiting, no retry.
        assert_eq!(figure(&base_a, &admin), format!("{}", 30 + n));
        // The other server hears of it (a notification on PostgreSQL, a look every 100 ms
        // on SQLite). Not a timing test: the wait is bounded only to fail instead of hang.
        let start = Instant::now();
        while figure(&b.base, &admin) != format!("{}", 30 + n) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the second server never saw the write"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        println!(
            "{}: seen by the other server after {} ms",
            db.backend,
            start.elapsed().as_millis()
        );
    }
    drop(b);
    drop(a);
}

/// Readers hammer the API while targets change (a plan reload) and the whole national map
/// is imported by another process (a new engine): every read succeeds and sees a whole
/// snapshot, the old one or the new one.
async fn reads_during_structure_changes_never_fail(db: &TestDb) {
    ok(db, &["demo"]);
    let viewer = token(db, "doc", "viewer");
    let admin = token(db, "ke-hoach", "admin");
    let (server, base) = serve(db);
    let (_, before) = get(&format!("{base}/api/v1/assessment"), &viewer);
    let rows_before = serde_json::from_str::<Value>(&before)
        .unwrap()
        .as_array()
        .unwrap()
        .len();
    let stop = std::sync::atomic::AtomicBool::new(false);
    let reads = std::thread::scope(|sc| {
        let readers: Vec<_> = (0..3)
            .map(|k| {
                let (base, viewer, stop) = (&base, &viewer, &stop);
                sc.spawn(move || {
                    let mut n = 0;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let path = [
                            "/api/v1/assessment",
                            "/api/v1/indicators",
                            "/api/v1/units/19",
                        ][(n + k) % 3];
                        let (s, body) = get(&format!("{base}{path}"), viewer);
                        assert_eq!(s, 200, "{path}: {body}");
                        let v: Value = serde_json::from_str(&body).expect("whole JSON");
                        if path == "/api/v1/assessment" {
                            let len = v.as_array().unwrap().len();
                            assert!(
                                len == rows_before || len == rows_before + 1,
                                "a half-built snapshot: {len} rows"
                            );
                        }
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        for k in 0..5 {
            let body = format!(
                r#"{{"indicator":"KT-SME","unit":"19","year":2028,"comparator":">","value":"{}","wording":"Thử {k}"}}"#,
                50 + k
            );
            let res = agent()
                .post(&format!("{base}/api/v1/targets"))
                .header("Authorization", &format!("Bearer {admin}"))
                .header("content-type", "application/json")
                .send(body)
                .unwrap();
            assert_eq!(res.status().as_u16(), 200);
        }
        ok(db, &["units", "import", national_map().to_str().unwrap()]);
        // Until the new engine (with every province) is published, reads keep the old one.
        let start = Instant::now();
        loop {
            let (s, _) = get(&format!("{base}/api/v1/units/01"), &viewer);
            if s == 200 {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(60), "never rebuilt");
            std::thread::sleep(Duration::from_millis(50));
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        readers
            .into_iter()
            .map(|h| h.join().unwrap())
            .sum::<usize>()
    });
    assert!(reads > 10, "{reads} reads");
    let (_, after) = get(&format!("{base}/api/v1/assessment"), &viewer);
    let after: Value = serde_json::from_str(&after).unwrap();
    assert_eq!(
        after.as_array().unwrap().len(),
        rows_before + 1,
        "the 2028 target"
    );
    // The running server kept its stored series and computed the rest again for the new
    // map: it answers as a server that loaded everything from the database afresh.
    let (fresh, fresh_base) = serve(db);
    for path in [
        "/api/v1/assessment",
        "/api/v1/assessment?unit=5443",
        "/api/v1/units/19",
    ] {
        assert_eq!(
            get(&format!("{base}{path}"), &viewer),
            get(&format!("{fresh_base}{path}"), &viewer),
            "{path}"
        );
    }
    drop(fresh);
    drop(server);
}

/// On PostgreSQL every committed change is announced to the other instances; SQLite has no
/// such channel (the server looks at the counters instead).
async fn other_processes_changes_are_announced(db: &TestDb) {
    ok(db, &["init"]);
    let store = db.store().await;
    let listener = store.change_listener().await.unwrap();
    if db.backend == "sqlite" {
        assert!(listener.is_none());
        return;
    }
    let mut listener = listener.expect("a listener on PostgreSQL");
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("v.csv");
    std::fs::write(
        &csv,
        "indicator,unit,period,value,numerator,denominator,comment\nST-NVKH,19,2026Q1,40,,,\n",
    )
    .unwrap();
    ok(db, &["values", "import", csv.to_str().unwrap()]);
    tokio::time::timeout(Duration::from_secs(30), listener.next())
        .await
        .expect("a notice of the import")
        .unwrap();
}

async fn pages_and_scripts_are_compressed_and_assets_cached(db: &TestDb) {
    ok(db, &["init"]);
    let (server, base) = serve(db);
    let fetch = |path: &str, enc: &str| {
        let mut r = agent()
            .get(&format!("{base}{path}"))
            .header("accept-encoding", enc)
            .call()
            .unwrap();
        let h = |n: &str| {
            r.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        let (encoding, cache) = (h("content-encoding"), h("cache-control"));
        let body = r
            .body_mut()
            .with_config()
            .limit(10_000_000)
            .read_to_vec()
            .unwrap();
        (encoding, cache, body)
    };
    let echarts = "/assets/vendor/echarts-6.1.0.min.js";
    let (plain_enc, _, plain) = fetch(echarts, "identity");
    let (enc, cache, br) = fetch(echarts, "br");
    assert_eq!((plain_enc.as_str(), enc.as_str()), ("", "br"));
    assert!(br.len() * 2 < plain.len(), "{} → {}", plain.len(), br.len());
    assert!(cache.contains("immutable"), "{cache}");
    let (enc, _, _) = fetch("/login", "gzip");
    assert_eq!(enc, "gzip", "pages too");
    let (enc, _, _) = fetch("/api/v1/indicators", "gzip");
    assert_eq!(enc, "gzip", "and JSON");
    // The page names its stylesheet with the build's digest; that URL may be kept for a year.
    let (_, _, login) = fetch("/login", "identity");
    let login = String::from_utf8(login).unwrap();
    let css = login
        .split("href=\"/assets/app.css")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert!(css.starts_with("?v="), "{css}");
    let (_, cache, _) = fetch(&format!("/assets/app.css{css}"), "identity");
    assert!(cache.contains("immutable"), "{cache}");
    let (_, cache, _) = fetch("/assets/app.css", "identity");
    assert!(
        !cache.contains("immutable"),
        "an unversioned URL is not kept for long"
    );
    // Fonts are compressed already.
    let (enc, _, _) = fetch("/assets/fonts/noto-sans-vietnamese-400-normal.woff2", "br");
    assert_eq!(enc, "");
    drop(server);
}

/// Writers at the same moment take turns: none gets "database is locked" (SQLite refused a
/// transaction that read first and then wrote while another had committed: a 500). They
/// write through two server processes, and the audit chain they append to stays one chain
/// (on PostgreSQL two processes would otherwise link to the same last entry).
async fn concurrent_writers_wait_their_turn(db: &TestDb) {
    ok(db, &["init"]);
    let admin = token(db, "ke-hoach", "admin");
    let (server, base) = serve(db);
    let (server2, base2) = serve(db);
    let statuses: Vec<u16> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..6)
            .map(|k| {
                let base = if k % 2 == 0 { &base } else { &base2 };
                let admin = &admin;
                sc.spawn(move || {
                    (0..5)
                        .map(|n| {
                            let body = format!(
                                r#"{{"indicator":"KT-SME","unit":"19","year":{},"comparator":">","value":"{}","wording":"Thử"}}"#,
                                2026 + k,
                                50 + n
                            );
                            match agent()
                                .post(&format!("{base}/api/v1/targets"))
                                .header("Authorization", &format!("Bearer {admin}"))
                                .header("content-type", "application/json")
                                .send(body)
                            {
                                Ok(r) => r.status().as_u16(),
                                Err(ureq::Error::StatusCode(c)) => c,
                                Err(_) => 0,
                            }
                        })
                        .collect::<Vec<u16>>()
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");
    drop(server);
    drop(server2);
    let out = ok(db, &["audit", "verify"]);
    assert!(out.contains("toàn vẹn"), "{out}");
}

/// After a value write or a target edit, the running server keeps the assessment rows the
/// change cannot touch and computes only the others again: it answers exactly as a server
/// that loaded everything afresh, whether the answers were asked between the changes or not
/// (then the rows out of date add up).
async fn answers_kept_across_changes_match_a_fresh_server(db: &TestDb) {
    ok(db, &["demo"]);
    let viewer = token(db, "doc", "viewer");
    let admin = token(db, "ke-hoach", "admin");
    let (server, base) = serve(db);
    let paths = [
        "/api/v1/assessment",
        "/api/v1/assessment?unit=5443",
        "/api/v1/assessment?data=official",
        "/api/v1/assessment?unit=5443&method=projection",
    ];
    let read_all = |b: &str| -> Vec<(u16, String)> {
        paths
            .iter()
            .map(|p| get(&format!("{b}{p}"), &viewer))
            .collect()
    };
    let post = |path: &str, body: &str| {
        let res = agent()
            .post(&format!("{base}{path}"))
            .header("Authorization", &format!("Bearer {admin}"))
            .header("content-type", "application/json")
            .send(body)
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "{path} {body}");
    };
    let matches_fresh = |answers: &[(u16, String)], step: &str| {
        let (fresh, fresh_base) = serve(db);
        let expected = read_all(&fresh_base);
        for ((path, got), want) in paths.iter().zip(answers).zip(&expected) {
            assert_eq!(got.0, 200, "{step} {path}: {}", got.1);
            assert_eq!(got, want, "{step}: {path} differs from a fresh server");
        }
        drop(fresh);
    };
    let before = read_all(&base);
    // A commune's ratio: its own rows change, the province's figure too.
    post(
        "/api/v1/values",
        r#"{"values":[{"indicator":"XH-DVS","unit":"5443","period":"2026S1","numerator":"7","denominator":"9"}]}"#,
    );
    let after_value = read_all(&base);
    assert_ne!(
        before[1], after_value[1],
        "the commune's row did not change"
    );
    matches_fresh(&after_value, "after a value");
    // The province's percentage target, which the commune inherits.
    post(
        "/api/v1/targets",
        r#"{"indicator":"XH-DVS","unit":"19","year":2030,"comparator":">=","value":"97","wording":"Thử"}"#,
    );
    let after_target = read_all(&base);
    assert_ne!(
        after_value[1], after_target[1],
        "the inherited target did not change"
    );
    matches_fresh(&after_target, "after a target");
    // A commune's own target of an indicator it had no row of: a row more.
    post(
        "/api/v1/targets",
        r#"{"indicator":"KT-SME","unit":"5443","year":2030,"comparator":">","value":"3","wording":"Thử"}"#,
    );
    let own_target = read_all(&base);
    assert!(
        own_target[1].1.contains(r#""indicator":"KT-SME""#),
        "{}",
        own_target[1].1
    );
    matches_fresh(&own_target, "after a commune's own target");
    // Two changes with nothing asked between them.
    post(
        "/api/v1/values",
        r#"{"values":[{"indicator":"ST-NVKH","unit":"19","period":"2026Q3","value":"4321"}]}"#,
    );
    post(
        "/api/v1/targets",
        r#"{"indicator":"KT-SME","unit":"19","year":2030,"comparator":">","value":"77","wording":"Thử"}"#,
    );
    let last = read_all(&base);
    assert_ne!(own_target[0], last[0]);
    matches_fresh(&last, "after two changes");
    drop(server);
}

/// Reporting completeness on the overview is kept for the next snapshot when only figures not
/// yet accepted change, and computed again when figures are accepted (here loaded by the
/// operator from another process): either way the running server shows what a server started
/// afresh shows.
async fn completeness_kept_across_writes_matches_a_fresh_server(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "lanh.dao", "viewer", "19");
    let admin = token(db, "ke-hoach", "admin");
    let (server, base) = serve(db);
    let shown = |b: &str| -> String {
        let cookie = crate::support::session(b, "lanh.dao", PASSWORD);
        let (s, html) = get_status(b, "/", Some(&cookie));
        assert_eq!(s, 200);
        let mark = "data-count=\"completeness\"><b>";
        let at = html.find(mark).expect("the completeness figure") + mark.len();
        html[at..at + html[at..].find("</b>").unwrap()].to_string()
    };
    let fresh = || {
        let (f, fresh_base) = serve(db);
        let v = shown(&fresh_base);
        drop(f);
        v
    };
    let before = shown(&base);
    // The communes whose half-year figure is still a draft: their reports are not received.
    let (s, body) = get(&format!("{base}/api/v1/units?parent=19"), &admin);
    assert_eq!(s, 200, "{body}");
    let units: Value = serde_json::from_str(&body).unwrap();
    let drafts: Vec<String> = units
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["kind"] == "commune" || u["kind"] == "ward")
        .map(|u| u["code"].as_str().unwrap().to_string())
        .filter(|c| {
            let (_, body) = get(
                &format!("{base}/api/v1/values?unit={c}&indicator=XH-DVS&period=2026S1"),
                &admin,
            );
            serde_json::from_str::<Value>(&body).unwrap()[0]["state"] == "draft"
        })
        .collect();
    assert!(drafts.len() > 5, "{drafts:?}");
    // A draft changed: nothing received changes.
    let res = agent()
        .post(&format!("{base}/api/v1/values"))
        .header("Authorization", &format!("Bearer {admin}"))
        .header("content-type", "application/json")
        .send(format!(
            r#"{{"values":[{{"indicator":"XH-DVS","unit":"{}","period":"2026S1","numerator":"5","denominator":"9"}}]}}"#,
            drafts[0]
        ))
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(shown(&base), before);
    assert_eq!(fresh(), before);
    // The operator loads those figures as accepted: the reports count as received.
    let lines: String = drafts
        .iter()
        .map(|c| format!("XH-DVS,{c},2026S1,,7,9,\n"))
        .collect();
    crate::verdicts::import(db, &lines);
    let start = Instant::now();
    while shown(&base) == before {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the running server never counted the accepted reports"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(shown(&base), fresh());
    drop(server);
}

/// #34: a nation's matrix of reports (3,321 communes and wards) is shown two hundred units a
/// page, the form kept in the page links; the totals still count every unit.
async fn the_nations_report_matrix_is_paged(db: &TestDb) {
    ok(db, &["bench", "--fill", "--values", "2000"]);
    add_user(db, "xem.toanquoc", "viewer", "VN");
    let (server, base) = serve(db);
    let cookie = session(&base, "xem.toanquoc", PASSWORD);
    let rows = |page: &str| page.matches("<tr><td><a href=\"/units/").count();
    let (s, first) = get_status(&base, "/reports/matrix", Some(&cookie));
    assert_eq!(s, 200);
    assert_eq!(rows(&first), 200, "a page of two hundred");
    assert!(first.contains("1–200 / 3.321"), "every commune counted");
    assert!(
        first.contains("href=\"/reports/matrix?form=BENCH-XA-THANG&amp;page=2\"")
            || first.contains("href=\"/reports/matrix?form=BENCH-XA-THANG&#38;page=2\""),
        "the form kept in the next page's link"
    );
    let (_, last) = get_status(
        &base,
        "/reports/matrix?form=BENCH-XA-THANG&page=17",
        Some(&cookie),
    );
    assert_eq!(rows(&last), 121, "the last page");
    assert!(last.contains("3.201–3.321 / 3.321"));
    assert!(!last.contains("id=\"page-next\""));
    drop(server);
}
