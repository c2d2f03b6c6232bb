//! Trust under attack and at the edges (issue [D]): clients that hang up, a unit graph that
//! a scoped administrator tries to bend into a circle, connection floods, shutdown with
//! keep-alive clients.

use crate::cli::{serve, serve_process};
use crate::hardening::{PASSWORD, add_user, api, token};
use crate::ok;
use crate::web::{agent, page_csrf, session};
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

db_tests!(
    a_large_correction_by_another_process_never_stalls_the_server,
    stored_rows_that_break_the_rules_are_left_out_and_named,
    unknown_codes_and_duplicates_are_refused_not_500,
    two_task_edits_at_one_version_one_wins_the_other_is_told_and_no_field_is_lost,
    zero_point_zero_three_five_is_never_thirty_five_and_json_figures_are_strings,
    a_ward_administrator_cannot_bend_units_into_a_circle,
    a_stored_circle_of_units_is_named_and_the_server_serves,
);

const ECHARTS: &str = "/assets/vendor/echarts-6.1.0.min.js";

fn addr(base: &str) -> String {
    base.trim_start_matches("http://").to_string()
}

/// One request on a fresh connection, read to its end: (status, head, body).
fn raw(base: &str, request: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr(base)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    read_response(&mut s).expect("an answer")
}

/// Reads one HTTP/1.1 response with a content length (what this server sends uncompressed).
fn read_response(s: &mut TcpStream) -> Option<(u16, String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_lowercase();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    Some((status, head, body))
}

fn healthz_within(base: &str, limit: Duration) -> Duration {
    let t = Instant::now();
    let (status, _, _) = raw(
        base,
        "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    );
    let took = t.elapsed();
    assert_eq!(status, 200);
    assert!(took < limit, "/healthz took {took:?}");
    took
}

/// [D] 0: a client hanging up mid-answer killed the server with SIGPIPE (exit 141).
#[test]
fn clients_hanging_up_mid_answer_never_stop_the_server() {
    let db = TestDb::sqlite();
    ok(&db, &["demo"]);
    let (mut child, base) = serve_process(&db);
    let (status, _, body) = raw(
        &base,
        &format!("GET {ECHARTS} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status, 200);
    assert!(body.len() > 1_000_000);
    for round in 0..8 {
        let clients: Vec<_> = (0..64)
            .map(|k| {
                let base = base.clone();
                std::thread::spawn(move || {
                    let Ok(mut s) = TcpStream::connect(addr(&base)) else {
                        return;
                    };
                    // Many answers asked at once, so that the server is still writing when
                    // the client goes: far more than the sockets' buffers hold.
                    let path = if k % 2 == 0 { ECHARTS } else { "/public" };
                    let req = format!("GET {path} HTTP/1.1\r\nHost: t\r\n\r\n").repeat(12);
                    let _ = s.write_all(req.as_bytes());
                    let mut some = [0u8; 65536];
                    let _ = s.read(&mut some);
                    // Half the clients leave with their buffer read to the end (the kernel
                    // sends FIN, and the server's next writes meet a closed socket: SIGPIPE
                    // under the signal's default action), half with data unread (a reset).
                    if k % 4 < 2 && s.set_nonblocking(true).is_ok() {
                        while matches!(s.read(&mut some), Ok(n) if n > 0) {}
                    }
                })
            })
            .collect();
        for c in clients {
            c.join().unwrap();
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the server died in round {round}"
        );
        healthz_within(&base, Duration::from_secs(5));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// [D] 1: a ward administrator made a unit its own successor (stack overflow at every
/// start after) or the ward its own parent (writes hung, the province lost the ward).
async fn a_ward_administrator_cannot_bend_units_into_a_circle(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "qt.phuong", "admin", "5443");
    add_user(db, "qt.tinh", "admin", "19");
    let (server, base) = serve(db);
    let cookie = session(&base, "qt.phuong", PASSWORD);
    let csrf = page_csrf(&base, "/admin", &cookie);
    let post = |form: &[(&str, &str)]| -> (u16, String) {
        let mut f: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        f.extend_from_slice(form);
        let mut res = agent()
            .post(&format!("{base}/admin/units"))
            .header("cookie", &cookie)
            .send_form(f)
            .unwrap();
        (
            res.status().as_u16(),
            res.body_mut().read_to_string().unwrap_or_default(),
        )
    };
    let unit = |code: &'static str, parent: &'static str, successor: &'static str| {
        vec![
            ("code", code),
            ("name", "Tổ dân phố"),
            ("kind", "other"),
            ("parent", parent),
            ("successor", successor),
        ]
    };
    assert_eq!(post(&unit("P5443.A", "5443", "")).0, 303);
    assert_eq!(post(&unit("P5443.B", "P5443.A", "")).0, 303);
    // Its own successor.
    let (status, body) = post(&unit("P5443.A", "5443", "P5443.A"));
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("đơn vị kế thừa"), "names the field: {body}");
    // Two units succeeding each other.
    assert_eq!(post(&unit("P5443.A", "5443", "P5443.B")).0, 303);
    let (status, body) = post(&unit("P5443.B", "P5443.A", "P5443.A"));
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("kế thừa nhau thành vòng"), "{body}");
    // Two units each other's parent.
    let (status, body) = post(&unit("P5443.A", "P5443.B", ""));
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("đơn vị cấp trên"), "names the field: {body}");
    // The ward its own parent.
    let ward = [
        ("code", "5443"),
        ("name", "Phường Phan Đình Phùng"),
        ("kind", "ward"),
        ("parent", "5443"),
    ];
    let (status, body) = post(&ward);
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("cấp trên của chính nó"), "{body}");
    // The ward under a unit of its own (a circle through it), or lifted out of the province.
    let (status, _) = post(&[
        ("code", "5443"),
        ("name", "Phường Phan Đình Phùng"),
        ("kind", "ward"),
        ("parent", "P5443.B"),
    ]);
    assert_eq!(status, 422);
    let (status, _) = post(&[
        ("code", "5443"),
        ("name", "Phường Phan Đình Phùng"),
        ("kind", "ward"),
        ("parent", "5500"),
    ]);
    // Refused as a ward under a commune, and as the administrator's own scope moved.
    assert!(matches!(status, 403 | 422), "{status}");
    // A move within the scope is allowed; one to a parent of the wrong kind is not.
    let (status, body) = post(&unit("P5443.B", "5443", ""));
    assert_eq!(status, 303, "{body}");
    // The province still sees the ward, and a write for the ward returns at once.
    let admin = token(db, "tinh", "admin", "19");
    let (status, _, v) = api(
        "GET",
        &format!("{base}/api/v1/units/5443"),
        Some(&admin),
        None,
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["parent"], "19", "{v}");
    let reporter = token(db, "phuong", "reporter", "5443");
    let q = crate::hardening::open_quarter();
    let t = Instant::now();
    let (status, _, v) = api(
        "POST",
        &format!("{base}/api/v1/values"),
        Some(&reporter),
        Some((
            "application/json",
            &format!(
                r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":"7","denominator":"9"}}]}}"#
            ),
        )),
    );
    assert!(status < 300, "{status} {v}");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    // The province's administrator gets the same refusals.
    let cookie = session(&base, "qt.tinh", PASSWORD);
    let csrf = page_csrf(&base, "/admin", &cookie);
    let res = agent()
        .post(&format!("{base}/admin/units"))
        .header("cookie", &cookie)
        .send_form([
            ("_csrf", csrf.as_str()),
            ("code", "5500"),
            ("name", "Xã"),
            ("kind", "commune"),
            ("parent", "TN.SKHCN"),
        ])
        .unwrap();
    assert_eq!(res.status().as_u16(), 422, "a commune under a department");
    // Saving an existing unit through the form keeps what the form does not carry: its
    // population and officials, the official wording of its kind, its start.
    let before = db
        .store()
        .await
        .unit(&chitieu_domain::UnitCode::commune(5443))
        .await
        .unwrap()
        .unwrap();
    let csrf = page_csrf(&base, "/admin", &cookie);
    let res = agent()
        .post(&format!("{base}/admin/units"))
        .header("cookie", &cookie)
        .send_form([
            ("_csrf", csrf.as_str()),
            ("code", "5443"),
            ("name", "Phường Phan Đình Phùng"),
            ("kind", "ward"),
            ("parent", "19"),
        ])
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let after = db
        .store()
        .await
        .unit(&chitieu_domain::UnitCode::commune(5443))
        .await
        .unwrap()
        .unwrap();
    assert!(before.population.is_some());
    assert_eq!(
        (
            after.population,
            after.officials,
            &after.division_type,
            after.valid_from
        ),
        (
            before.population,
            before.officials,
            &before.division_type,
            before.valid_from
        )
    );
    drop(server);
}

/// [D] 1: a circle written into the database by hand stopped every start for good.
async fn a_stored_circle_of_units_is_named_and_the_server_serves(db: &TestDb) {
    use sea_orm::ConnectionTrait;
    ok(db, &["demo"]);
    let admin = token(db, "tinh", "admin", "19");
    {
        let store = db.store().await;
        let c = store.connection();
        let ids = store.ids().await.unwrap();
        let id = |code: &str| ids.units[&chitieu_domain::UnitCode::parse(code).unwrap()];
        let ward = id("5443");
        let commune = id("5500");
        let dept = id("TN.SKHCN");
        let office = id("TN.SNV");
        for sql in [
            format!("UPDATE units SET parent_id = {ward} WHERE id = {ward}"),
            format!("UPDATE units SET parent_id = {office} WHERE id = {dept}"),
            format!("UPDATE units SET parent_id = {dept} WHERE id = {office}"),
            format!(
                "INSERT INTO unit_successors (predecessor_id, successor_id, on_date) VALUES ({commune}, {commune}, '2026-01-01')"
            ),
        ] {
            c.execute_unprepared(&sql).await.unwrap();
        }
    }
    let (server, base) = serve(db);
    for path in ["/healthz", "/public"] {
        let (status, _, _) = raw(
            &base,
            &format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"),
        );
        assert_eq!(status, 200, "{path}");
    }
    let (status, _, v) = api(
        "GET",
        &format!("{base}/api/v1/assessment"),
        Some(&admin),
        None,
    );
    assert_eq!(status, 200, "{v}");
    let log = server.log();
    for needle in ["5443", "TN.SKHCN", "TN.SNV", "5500", "kế thừa"] {
        assert!(log.contains(needle), "the log names {needle}:\n{log}");
    }
    // Writes return at once, for the ward and for any other unit.
    let q = crate::hardening::open_quarter();
    for unit in ["5443", "5500", "19"] {
        let t = Instant::now();
        let (status, _, v) = api(
            "POST",
            &format!("{base}/api/v1/values"),
            Some(&admin),
            Some((
                "application/json",
                &format!(
                    r#"{{"values":[{{"indicator":"ST-NVKH","unit":"{unit}","period":"{q}","value":"3"}}]}}"#
                ),
            )),
        );
        assert!(status < 500, "{unit}: {status} {v}");
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "{unit}: {:?}",
            t.elapsed()
        );
    }
    drop(server);
    // The command line starts too.
    ok(db, &["assess"]);
}

/// [D] 2: ~20,000 idle connections exhausted the server's file descriptors.
#[test]
fn idle_and_half_sent_connections_do_not_crowd_out_healthz() {
    let db = TestDb::sqlite();
    ok(&db, &["demo"]);
    let server = chitieu_web::testing::TestServer::start(&db.url);
    let base = server.base.clone();
    let mut idle = Vec::new();
    for _ in 0..2000 {
        if let Ok(s) = TcpStream::connect(addr(&base)) {
            idle.push(s);
        }
    }
    let mut half = TcpStream::connect(addr(&base)).unwrap();
    half.write_all(b"GET /public HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        .unwrap();
    // Let the server take them all in.
    std::thread::sleep(Duration::from_millis(500));
    let took = healthz_within(&base, Duration::from_secs(1));
    let t = Instant::now();
    let (status, _, body) = raw(
        &base,
        "GET /public HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("Thái Nguyên"));
    assert!(
        t.elapsed() < Duration::from_secs(1),
        "/public took {:?}",
        t.elapsed()
    );
    eprintln!(
        "2,000 idle connections: /healthz in {took:?}, /public in {:?}",
        t.elapsed()
    );
    drop(idle);
    drop(half);
    drop(server);
}

/// [D] 2: headers that never finish are cut off; so are keep-alive connections left idle;
/// when every connection is busy a newcomer is told so.
#[test]
fn slow_headers_and_idle_keep_alive_are_closed() {
    let db = TestDb::sqlite();
    ok(&db, &["demo"]);
    let limits = chitieu_web::listen::Limits {
        header_timeout: Duration::from_secs(1),
        ..Default::default()
    };
    let server = chitieu_web::testing::TestServer::start_with(&db.url, limits);
    let base = server.base.clone();
    let mut half = TcpStream::connect(addr(&base)).unwrap();
    half.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    half.write_all(b"GET /public HTTP/1.1\r\nHost: t\r\n")
        .unwrap();
    let t = Instant::now();
    let mut rest = Vec::new();
    let _ = half.read_to_end(&mut rest);
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "closed after {:?}",
        t.elapsed()
    );
    // Keep-alive: one answer, then silence: closed by the server.
    let mut s = TcpStream::connect(addr(&base)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut s).unwrap().0, 200);
    let t = Instant::now();
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest);
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "idle closed after {:?}",
        t.elapsed()
    );
    drop(server);
}

/// [D] 2: on SIGTERM, keep-alive clients in the middle of their work get every answer they
/// asked for (the last one says the connection closes).
#[test]
fn sigterm_answers_every_request_on_keep_alive_connections() {
    let db = TestDb::sqlite();
    ok(&db, &["demo"]);
    let (mut child, base) = serve_process(&db);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let base = base.clone();
            let stop = stop.clone();
            std::thread::spawn(move || -> (u32, Vec<String>) {
                let mut answered = 0;
                let mut lost = Vec::new();
                'conn: while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let Ok(mut s) = TcpStream::connect(addr(&base)) else {
                        break;
                    };
                    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                    let mut here = 0;
                    loop {
                        if s.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
                            .is_err()
                        {
                            continue 'conn;
                        }
                        match read_response(&mut s) {
                            Some((_, head, _)) => {
                                answered += 1;
                                here += 1;
                                if head.contains("connection: close") {
                                    continue 'conn;
                                }
                            }
                            // A connection still in the kernel's queue when the listener
                            // closed was never accepted; one that was served before is.
                            None if here == 0 => continue 'conn,
                            None => {
                                lost.push(format!(
                                    "request {} on a connection unanswered",
                                    here + 1
                                ));
                                continue 'conn;
                            }
                        }
                    }
                }
                (answered, lost)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: sending a signal to our own child process.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let status = child.wait().unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut total = 0;
    for c in clients {
        let (answered, lost) = c.join().unwrap();
        total += answered;
        assert!(lost.is_empty(), "{lost:?}");
    }
    assert!(total > 8, "the clients were served ({total})");
    assert!(status.success(), "a clean stop: {status:?}");
}

/// Every JSON number in `v` with a fraction, by its path.
fn fractional_numbers(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Number(n) if n.is_f64() => out.push(format!("{path} = {n}")),
        serde_json::Value::Array(a) => {
            for (k, x) in a.iter().enumerate() {
                fractional_numbers(x, &format!("{path}[{k}]"), out);
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                fractional_numbers(x, &format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// [D] 6: "0.035" typed in a form became 35; the API's figures were binary doubles.
async fn zero_point_zero_three_five_is_never_thirty_five_and_json_figures_are_strings(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "bc.phuong", "reporter", "5443");
    add_user(db, "qt.tinh", "admin", "19");
    let t = token(db, "phuong", "reporter", "5443");
    let admin = token(db, "tinh", "admin", "19");
    let (server, base) = serve(db);
    let q = crate::hardening::open_quarter();
    // The entry form.
    let cookie = session(&base, "bc.phuong", PASSWORD);
    let page = format!("/entry?unit=5443&period={q}");
    let csrf = page_csrf(&base, &page, &cookie);
    let html = agent()
        .get(&format!("{base}{page}"))
        .header("cookie", &cookie)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let marker = "name=\"ver.NL-CBX\" value=\"";
    let at = html.find(marker).unwrap() + marker.len();
    let version = html[at..at + html[at..].find('"').unwrap()].to_string();
    let (status, _, body) = crate::hardening::post_multipart(
        &format!("{base}/entry"),
        Some(&cookie),
        &[
            ("_csrf", csrf.as_str()),
            ("unit", "5443"),
            ("period", q.as_str()),
            ("action", "draft"),
            ("ver.NL-CBX", version.as_str()),
            ("n.NL-CBX", "0.035"),
            ("d.NL-CBX", "1"),
        ],
        &[],
    );
    assert_eq!(status, 303, "{body}");
    let (_, _, rows) = api(
        "GET",
        &format!("{base}/api/v1/values?unit=5443&indicator=NL-CBX&period={q}"),
        Some(&t),
        None,
    );
    assert_eq!(rows[0]["numerator"], "0.035", "{rows}");
    // The administration page's target form.
    let cookie = session(&base, "qt.tinh", PASSWORD);
    let csrf = page_csrf(&base, "/admin", &cookie);
    let res = agent()
        .post(&format!("{base}/admin/targets"))
        .header("cookie", &cookie)
        .send_form([
            ("_csrf", csrf.as_str()),
            ("indicator", "DT-GRDP"),
            ("unit", "19"),
            ("year", "2035"),
            ("comparator", ">="),
            ("value", "0.035"),
            ("wording", "thử"),
        ])
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let list = crate::cli::get_json(&format!("{base}/api/v1/indicators"));
    let grdp = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "DT-GRDP")
        .unwrap();
    assert!(
        grdp["targets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["year"] == 2035 && t["value"] == "0.035"),
        "{grdp}"
    );
    // Figures in JSON are decimal strings: the API and the command line.
    for path in [
        "/api/v1/assessment",
        "/api/v1/assessment?method=opensdg",
        "/api/v1/assessment?method=projection",
        "/api/v1/early-warning",
        "/api/v1/evaluation?year=2025",
    ] {
        let (status, _, v) = api("GET", &format!("{base}{path}"), Some(&admin), None);
        assert_eq!(status, 200, "{path}");
        let mut found = Vec::new();
        fractional_numbers(&v, path, &mut found);
        assert!(found.is_empty(), "{:?}", &found[..found.len().min(5)]);
    }
    drop(server);
    for args in [
        &["assess", "--json"][..],
        &["assess", "--json", "--method", "opensdg"],
        &["warnings", "--json"],
        &["evaluate", "--year", "2025", "--json"],
    ] {
        let v: serde_json::Value = serde_json::from_str(&ok(db, args)).unwrap();
        let mut found = Vec::new();
        fractional_numbers(&v, &args.join(" "), &mut found);
        assert!(found.is_empty(), "{:?}", &found[..found.len().min(5)]);
    }
}

/// [D] 3: two simultaneous edits of one task changing different fields both answered 200
/// and one change disappeared.
async fn two_task_edits_at_one_version_one_wins_the_other_is_told_and_no_field_is_lost(
    db: &TestDb,
) {
    ok(db, &["demo"]);
    let a = token(db, "van-phong-a", "secretariat", "19");
    let b = token(db, "van-phong-b", "secretariat", "19");
    let (server, base) = serve(db);
    let url = format!("{base}/api/v1/tasks/NV-2025-001");
    let (status, _, t) = api("GET", &url, Some(&a), None);
    assert_eq!(status, 200, "{t}");
    let version = t["version"].as_i64().unwrap();
    assert!(version >= 1, "{t}");
    let product = t["expected_product"].as_str().unwrap().to_string();
    let patch = |token: String, body: String| {
        let url = url.clone();
        std::thread::spawn(move || {
            api(
                "PATCH",
                &url,
                Some(&token),
                Some(("application/json", &body)),
            )
        })
    };
    let ta = patch(
        a.clone(),
        format!(r#"{{"version":{version},"title":"Tên mới của nhiệm vụ"}}"#),
    );
    let tb = patch(
        b.clone(),
        format!(r#"{{"version":{version},"expected_product":"Sản phẩm mới"}}"#),
    );
    let (ra, rb) = (ta.join().unwrap(), tb.join().unwrap());
    let mut statuses = [ra.0, rb.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{ra:?} {rb:?}");
    let (loser, loser_token, loser_body) = if ra.0 == 409 {
        (ra.2, a.clone(), r#""title":"Tên mới của nhiệm vụ""#)
    } else {
        (rb.2, b.clone(), r#""expected_product":"Sản phẩm mới""#)
    };
    let said = loser.to_string();
    assert!(said.contains("van-phong-"), "names who: {said}");
    assert!(said.contains("Đã đổi"), "names what: {said}");
    // The winner's change is there, the loser's field untouched; the loser, told, retries.
    let (_, _, now) = api("GET", &url, Some(&a), None);
    assert_eq!(now["version"].as_i64().unwrap(), version + 1);
    let title_won = now["title"] == "Tên mới của nhiệm vụ";
    let product_won = now["expected_product"] == "Sản phẩm mới";
    assert!(title_won != product_won, "{now}");
    if title_won {
        assert_eq!(now["expected_product"], product.as_str());
    }
    let (status, _, v) = api(
        "PATCH",
        &url,
        Some(&loser_token),
        Some((
            "application/json",
            &format!(r#"{{"version":{},{loser_body}}}"#, version + 1),
        )),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["title"], "Tên mới của nhiệm vụ");
    assert_eq!(v["expected_product"], "Sản phẩm mới");
    // Without a version, simultaneous edits of different fields never lose one silently:
    // each answered 200 is in the task afterwards.
    for round in 0..5 {
        let ta = patch(a.clone(), format!(r#"{{"title":"Tên vòng {round}"}}"#));
        let tb = patch(
            b.clone(),
            format!(r#"{{"expected_product":"Sản phẩm vòng {round}"}}"#),
        );
        let (ra, rb) = (ta.join().unwrap(), tb.join().unwrap());
        let (_, _, now) = api("GET", &url, Some(&a), None);
        if ra.0 == 200 {
            assert_eq!(now["title"], format!("Tên vòng {round}").as_str(), "{now}");
        }
        if rb.0 == 200 {
            assert_eq!(
                now["expected_product"],
                format!("Sản phẩm vòng {round}").as_str(),
                "{now}"
            );
        }
        assert!(ra.0 == 200 || ra.0 == 409, "{ra:?}");
        assert!(rb.0 == 200 || rb.0 == 409, "{rb:?}");
    }
    drop(server);
}

/// [D] 5: an unknown code and a duplicate answered 500.
async fn unknown_codes_and_duplicates_are_refused_not_500(db: &TestDb) {
    ok(db, &["demo"]);
    let admin = token(db, "tinh", "admin", "19");
    let (server, base) = serve(db);
    for path in [
        "/api/v1/values?indicator=NOPE",
        "/api/v1/values?unit=NOPE",
        "/api/v1/values?indicator=NOPE&unit=19",
        "/api/v1/tasks/NOPE",
        "/api/v1/units/NOPE",
        "/api/v1/indicators/NOPE",
    ] {
        let (status, _, v) = api("GET", &format!("{base}{path}"), Some(&admin), None);
        assert!(matches!(status, 404 | 422), "{path}: {status} {v}");
    }
    let head = r#"{"unit":"TN.THONGKE","person":"Nguyễn Văn Thử","title":"Trưởng Thống kê tỉnh","term_start":"2031-01-01"}"#;
    let (status, _, v) = api(
        "POST",
        &format!("{base}/api/v1/heads"),
        Some(&admin),
        Some(("application/json", head)),
    );
    assert!(status < 300, "{status} {v}");
    let (status, _, v) = api(
        "POST",
        &format!("{base}/api/v1/heads"),
        Some(&admin),
        Some(("application/json", head)),
    );
    assert!(
        matches!(status, 409 | 422),
        "the same term twice: {status} {v}"
    );
    assert!(v.to_string().contains("trùng"), "{v}");
    drop(server);
}

/// [D] 5: rows edited outside the rules were counted silently at load.
async fn stored_rows_that_break_the_rules_are_left_out_and_named(db: &TestDb) {
    use sea_orm::ConnectionTrait;
    ok(db, &["demo"]);
    let admin = token(db, "tinh", "admin", "19");
    {
        let store = db.store().await;
        let ids = store.ids().await.unwrap();
        let unit = |c: &str| ids.units[&chitieu_domain::UnitCode::parse(c).unwrap()];
        let share = ids.indicators["NL-CBX"];
        let count = ids.indicators["ST-NVKH"];
        let c = store.connection();
        for (ind, u, period, value, num, den, state) in [
            (share, unit("5443"), "2020Q1", "250", "5", "2", "submitted"),
            (share, unit("5500"), "2020Q1", "-50", "-1", "2", "submitted"),
            (count, unit("19"), "2020Q1", "7", "", "", "bogus"),
            (count, unit("19"), "2020Q2", "-7", "", "", "accepted"),
        ] {
            let opt = |s: &str| {
                if s.is_empty() {
                    "NULL".to_string()
                } else {
                    format!("'{s}'")
                }
            };
            c.execute_unprepared(&format!(
                "INSERT INTO data_values (indicator_id, unit_id, period, value, numerator, denominator, comment, state, entered_by, entered_at, version, seq) \
                 VALUES ({ind}, {u}, '{period}', '{value}', {}, {}, '', '{state}', 'sql', CURRENT_TIMESTAMP, 1, 0)",
                opt(num),
                opt(den)
            ))
            .await
            .unwrap();
        }
    }
    if db.backend == "postgres" {
        // PostgreSQL's values keep no foreign key (m0027): a value of a unit that is not.
        sql(db, "INSERT INTO data_values (indicator_id, unit_id, period, value, comment, state, entered_by, entered_at, version, seq) \
                 SELECT id, 999999, '2020Q1', '1', '', 'submitted', 'sql', CURRENT_TIMESTAMP, 1, 0 FROM indicators WHERE code = 'NL-CBX'").await;
    }
    if db.backend == "sqlite" {
        // SQLite keeps a time as text: one edited into something unreadable.
        sql(
            db,
            "UPDATE data_values SET entered_at = 'khong phai ngay' WHERE period = '2020Q1' \
                 AND unit_id = (SELECT id FROM units WHERE code = '19')",
        )
        .await;
    }
    add_user(db, "qt.tinh", "admin", "19");
    let (server, base) = serve(db);
    let cookie = session(&base, "qt.tinh", PASSWORD);
    for path in ["/entry?unit=19", "/entry", "/reports", "/units/19", "/"] {
        let status = agent()
            .get(&format!("{base}{path}"))
            .header("cookie", &cookie)
            .call()
            .unwrap()
            .status()
            .as_u16();
        assert_eq!(status, 200, "{path}");
    }
    for path in [
        "/api/v1/figures?indicator=NL-CBX&unit=19&period=2020Q1",
        "/api/v1/figures?indicator=ST-NVKH&unit=19&period=2020",
        "/api/v1/values?unit=19&indicator=ST-NVKH",
        "/api/v1/assessment",
    ] {
        let (status, _, v) = api("GET", &format!("{base}{path}"), Some(&admin), None);
        assert_eq!(status, 200, "{path}: {v}");
        let text = v.to_string();
        assert!(
            !text.contains("\"250\""),
            "{path}: the 250 % share counted: {text}"
        );
    }
    let log = server.log();
    let mut needles = vec!["100%", "tử số không được âm", "trạng thái", "âm", "2020Q2"];
    if db.backend == "sqlite" {
        needles.push("khong phai ngay");
    } else {
        needles.push("999999");
    }
    for needle in needles {
        assert!(log.contains(needle), "the log names {needle}:\n{log}");
    }
    drop(server);
}

/// [D] 4: after a command-line import correcting 1.5 million values on PostgreSQL, every
/// request (/healthz too) waited ~40 s: the server applied the changes value by value on
/// the runtime worker that drives the sockets.
async fn a_large_correction_by_another_process_never_stalls_the_server(db: &TestDb) {
    let out = ok(db, &["bench", "--fill", "--values", "250000"]);
    assert!(out.contains("250000"), "{out}");
    // Drafts, so that an import may correct them (accepted figures are locked).
    sql(db, "UPDATE data_values SET state = 'draft'").await;
    let dir = tempfile::tempdir().unwrap();
    let exported = dir.path().join("all.csv");
    ok(db, &["values", "export", "-o", exported.to_str().unwrap()]);
    // Every value corrected: one more, or a numerator moved by one within its denominator.
    let mut rdr = csv::Reader::from_path(&exported).unwrap();
    let corrected = dir.path().join("corrected.csv");
    let mut wtr = csv::Writer::from_path(&corrected).unwrap();
    wtr.write_record(chitieu_exchange::values_csv::HEADER)
        .unwrap();
    let mut first: Option<(String, String, String, String)> = None;
    let mut n = 0;
    for rec in rdr.records() {
        let r = rec.unwrap();
        let (value, num) = if r[3].is_empty() {
            let (num, den): (i64, i64) = (r[4].parse().unwrap(), r[5].parse().unwrap());
            (
                String::new(),
                if num < den { num + 1 } else { num - 1 }.to_string(),
            )
        } else {
            let v: chitieu_domain::Decimal = r[3].parse().unwrap();
            (
                (v + chitieu_domain::Decimal::ONE).to_string(),
                String::new(),
            )
        };
        if first.is_none() && !value.is_empty() {
            first = Some((r[0].into(), r[1].into(), r[2].into(), value.clone()));
        }
        wtr.write_record([&r[0], &r[1], &r[2], &value, &num, &r[5], &r[6]])
            .unwrap();
        n += 1;
    }
    wtr.flush().unwrap();
    assert!(n >= 200_000, "{n} values corrected");
    let (indicator, unit, period, value) = first.unwrap();
    let admin = token(db, "tinh", "admin", "VN");
    let (mut child, base) = serve_process(db);
    // A reader polls /healthz and a page for as long as the correction takes.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (base, stop) = (base.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut worst = Duration::ZERO;
            let mut reads = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for path in ["/healthz", "/public"] {
                    let t = Instant::now();
                    // No answer within 10 s counts as a read of 10 s.
                    let answered = TcpStream::connect(addr(&base)).ok().and_then(|mut c| {
                        c.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
                        let req =
                            format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                        c.write_all(req.as_bytes()).ok()?;
                        read_response(&mut c)
                    });
                    if let Some((status, _, _)) = answered {
                        assert_eq!(status, 200, "{path}");
                    }
                    worst = worst.max(t.elapsed());
                    reads += 1;
                }
                // Idle between reads, as a server mostly is: the stall came when the change
                // arrived at an idle server.
                std::thread::sleep(Duration::from_millis(250));
            }
            (worst, reads)
        })
    };
    let t = Instant::now();
    let out = ok(db, &["values", "import", corrected.to_str().unwrap()]);
    assert!(out.contains("Đã nhập"), "{out}");
    let imported = t.elapsed();
    // The server takes the correction into its figures: the first corrected value shows.
    let url = format!("{base}/api/v1/figures?indicator={indicator}&unit={unit}&period={period}");
    let mut seen = false;
    for _ in 0..1200 {
        let (status, _, v) = api("GET", &url, Some(&admin), None);
        assert_eq!(status, 200, "{v}");
        if v["figure"]["value"] == value.as_str() {
            seen = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let applied = t.elapsed();
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (worst, reads) = reader.join().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(seen, "the server shows the corrected value {value}");
    eprintln!(
        "{}: {n} values corrected by another process in {imported:?}, in the server's figures \
         after {applied:?}; {reads} reads meanwhile, the longest {worst:?}",
        db.backend
    );
    // The stall was ~40 s; a read waits for no import now (locally the longest read was
    // ~20 ms). The bound leaves room for a machine busy with other tests.
    assert!(worst < Duration::from_secs(3), "a read took {worst:?}");
}

/// [D] 2: under a service manager's limit on open files the server lowers its cap to fit:
/// with 300 files it holds at most 172 connections, and 400 idle ones still leave room for
/// /healthz.
#[test]
fn a_low_open_file_limit_lowers_the_cap_instead_of_failing_to_accept() {
    let db = TestDb::sqlite();
    ok(&db, &["demo"]);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let mut child = std::process::Command::new("sh")
        .args([
            "-c",
            &format!(
                "ulimit -n 300 && exec {} --db {} serve --bind 127.0.0.1:{port}",
                env!("CARGO_BIN_EXE_chitieu"),
                db.url
            ),
        ])
        .env_remove("CHITIEU_DB")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..300 {
        if TcpStream::connect(addr(&base)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(up, "the server started");
    std::thread::sleep(Duration::from_millis(300));
    let idle: Vec<TcpStream> = (0..400)
        .filter_map(|_| TcpStream::connect(addr(&base)).ok())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let took = healthz_within(&base, Duration::from_secs(2));
    drop(idle);
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("nhận tối đa 172 kết nối"), "{log}");
    // The cap counts connections held open; one being closed to make room still holds its
    // file for a moment, so under a flood an accept can meet the limit: it is logged and
    // retried 50 ms later, and /healthz was answered above all the same.
    eprintln!("400 idle connections under a 300-file limit: /healthz in {took:?}");
}

/// Runs SQL on the test's database behind the application's back: what an operator's
/// hand-edit or another tool leaves there.
async fn sql(db: &TestDb, statement: &str) {
    use sea_orm::ConnectionTrait;
    db.store()
        .await
        .connection()
        .execute_unprepared(statement)
        .await
        .unwrap();
}
