//! Regression tests for the review's hardening findings (issue [H]), one or more per
//! finding, over HTTP and the command line against a real server, on SQLite and PostgreSQL.

use crate::cli::serve;
use crate::web::{agent, page_csrf, session, sign_in};
use crate::{chitieu_stdin, fails, ok};
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use serde_json::Value;

db_tests!(
    overflowing_figures_are_refused_and_stored_ones_cannot_stop_the_server,
    administration_forms_stay_within_the_administrators_unit,
    two_writers_at_one_version_one_wins_the_other_is_told,
    the_entry_form_shows_both_figures_and_lets_the_user_choose,
    accepted_values_are_locked,
    sign_in_throttle_holds_under_parallel_attempts,
    task_completion_dates_and_who_may_set_them,
    entry_evidence_is_stored_and_listed,
    control_characters_and_sizes_are_refused_alike,
    api_figures_are_exact,
    sign_in_redirects_stay_on_this_site,
    errors_come_after_authorisation_and_in_the_documented_shape,
    tokens_can_be_revoked,
    a_report_goes_from_the_reporter_to_the_standing_office,
    the_audit_chain_names_what_was_altered_or_removed,
    validation_blocks_explains_and_flags,
    report_forms_are_set_on_the_admin_page,
    the_matrix_shows_each_units_reports_by_period,
    a_values_history_says_who_when_from_where_and_what_changed,
    figures_round_trip_the_vietnamese_way_through_the_entry_form,
    each_role_sees_only_the_links_it_can_use,
);

pub(crate) const PASSWORD: &str = "mat-khau-du-dai-123";

pub(crate) fn add_user(db: &TestDb, login: &str, role: &str, unit: &str) {
    let out = chitieu_stdin(
        db,
        &[
            "user", "add", "--login", login, "--role", role, "--unit", unit,
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub(crate) fn token(db: &TestDb, name: &str, role: &str, unit: &str) -> String {
    ok(
        db,
        &[
            "token", "add", "--name", name, "--role", role, "--unit", unit,
        ],
    )
    .trim()
    .to_string()
}

/// The last complete quarter: open (submitted) in the demo; earlier ones are accepted.
pub(crate) fn open_quarter() -> String {
    chitieu_domain::Period::last_complete(
        chitieu_domain::PeriodKind::Quarter,
        chitieu_domain::Clock::system().today(),
    )
    .to_string()
}

/// A JSON API call: (status, content type, body as JSON or Null).
pub(crate) fn api(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<(&str, &str)>,
) -> (u16, String, Value) {
    let a = agent();
    let mut res = match method {
        "GET" | "DELETE" => {
            let mut r = if method == "GET" {
                a.get(url)
            } else {
                a.delete(url)
            };
            if let Some(t) = token {
                r = r.header("Authorization", &format!("Bearer {t}"));
            }
            r.call()
        }
        _ => {
            let (content_type, b) = body.unwrap_or(("application/json", "{}"));
            let mut r = if method == "PATCH" {
                a.patch(url)
            } else {
                a.post(url)
            }
            .header("Content-Type", content_type);
            if let Some(t) = token {
                r = r.header("Authorization", &format!("Bearer {t}"));
            }
            r.send(b)
        }
    }
    .expect("request");
    let status = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let text = res.body_mut().read_to_string().unwrap_or_default();
    (
        status,
        ct,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

fn post_json(url: &str, token: &str, body: &str) -> (u16, Value) {
    let (s, _, v) = api("POST", url, Some(token), Some(("application/json", body)));
    (s, v)
}

/// Stored values of one indicator at one unit and period, as the API lists them.
fn stored(base: &str, token: &str, indicator: &str, unit: &str, period: &str) -> Option<Value> {
    let (s, _, v) = api(
        "GET",
        &format!("{base}/api/v1/values?unit={unit}&indicator={indicator}&period={period}"),
        Some(token),
        None,
    );
    assert_eq!(s, 200, "{v}");
    v.as_array().unwrap().first().cloned()
}

pub(crate) fn get_status(base: &str, path: &str, cookie: Option<&str>) -> (u16, String) {
    let mut r = agent().get(&format!("{base}{path}"));
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    let mut res = r.call().unwrap();
    (
        res.status().as_u16(),
        res.body_mut().read_to_string().unwrap_or_default(),
    )
}

/// A multipart body: text fields and files (field, file name, bytes).
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----chitieu-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (k, name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub(crate) fn post_multipart(
    url: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> (u16, String, String) {
    let (ct, body) = multipart(fields, files);
    let mut r = agent().post(url).header("content-type", &ct);
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    let mut res = r.send(&body[..]).unwrap();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (
        res.status().as_u16(),
        location,
        res.body_mut().read_to_string().unwrap_or_default(),
    )
}

/// A POST that reads the answer while it is still sending, as browsers and curl do: a server
/// may answer (413, or a redirect to sign in) before the body is all sent. Returns the
/// status, the content type and the body as JSON (or Null).
fn send_early_answer(
    base: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> (u16, String, String, Value) {
    use std::io::{BufRead, Read, Write};
    let addr = base.trim_start_matches("http://").to_string();
    let stream = std::net::TcpStream::connect(&addr).unwrap();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut w = stream.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = w
            .write_all(head.as_bytes())
            .and_then(|_| w.write_all(&body));
    });
    let mut r = std::io::BufReader::new(stream);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    let (mut ct, mut len, mut location) = (String::new(), 0usize, String::new());
    loop {
        line.clear();
        if r.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-type:") {
            ct = v.trim().to_string();
        }
        if let Some(v) = lower.strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
        if lower.starts_with("location:") {
            location = line["location:".len()..].trim().to_string();
        }
    }
    let mut buf = vec![0; len];
    let _ = r.read_exact(&mut buf);
    drop(r);
    writer.join().unwrap();
    (
        status,
        ct,
        location,
        serde_json::from_slice(&buf).unwrap_or(Value::Null),
    )
}

/// As [`send_early_answer`], with a multipart body; returns the status and `Location`.
fn post_early_answer(
    base: &str,
    path: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> (u16, String) {
    let (ct, body) = multipart(fields, files);
    let mut headers = vec![("Content-Type", ct.as_str())];
    if let Some(c) = cookie {
        headers.push(("Cookie", c));
    }
    let (status, _, location, _) = send_early_answer(base, path, &headers, body);
    (status, location)
}

/// Stores a value with SQL-level access, as a hand-edited database or an older version might
/// hold it, past every check of the entry points.
async fn insert_raw(
    db: &TestDb,
    indicator: &str,
    unit: &str,
    period: &str,
    figures: [&str; 3],
    seq: i64,
) {
    use chitieu_store::entities::data_value;
    use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
    let store = db.store().await;
    let ids = store.ids().await.unwrap();
    let unit = chitieu_domain::UnitCode::parse(unit).unwrap();
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    data_value::ActiveModel {
        indicator_id: Set(ids.indicators[indicator]),
        unit_id: Set(ids.units[&unit]),
        period: Set(period.into()),
        value: Set(figures[0].into()),
        numerator: Set(opt(figures[1])),
        denominator: Set(opt(figures[2])),
        comment: Set(String::new()),
        state: Set("submitted".into()),
        entered_by: Set("sql".into()),
        entered_at: Set(chrono::Utc::now()),
        version: Set(1),
        seq: Set(seq),
    }
    .insert(store.connection())
    .await
    .unwrap();
    if seq > 0 {
        store
            .connection()
            .execute_unprepared(&format!(
                "UPDATE counters SET value = {seq} WHERE name = 'values'"
            ))
            .await
            .unwrap();
    }
}

/// Finding 1: a huge number took the province offline for good.
async fn overflowing_figures_are_refused_and_stored_ones_cannot_stop_the_server(db: &TestDb) {
    ok(db, &["demo"]);
    let reporter = token(db, "phuong", "reporter", "5443");
    let admin = token(db, "tinh", "admin", "19");
    let q = open_quarter();
    {
        let (server, base) = serve(db);
        // At the API: refused, naming the field, nothing written.
        let (status, body) = post_json(
            &format!("{base}/api/v1/values"),
            &reporter,
            &format!(
                r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":"0","denominator":"79228162514264337593543950335"}}]}}"#
            ),
        );
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "denominator");
        assert!(
            body["errors"][0]["reason"]
                .as_str()
                .unwrap()
                .contains("10^15")
        );
        for big in ["7.9e28", "79228162514264337593543950335"] {
            let (status, body) = post_json(
                &format!("{base}/api/v1/values"),
                &admin,
                &format!(
                    r#"{{"values":[{{"indicator":"ST-NVKH","unit":"19","period":"{q}","value":{big}}}]}}"#
                ),
            );
            assert_eq!(status, 422, "{big}: {body}");
        }
        drop(server);
    }
    // A database that already holds such values (written past every check) starts, serves
    // every page, and names the values it left out.
    insert_raw(
        db,
        "NL-CBX",
        "5443",
        "2024Q1",
        ["0", "0", "79228162514264337593543950335"],
        0,
    )
    .await;
    insert_raw(
        db,
        "ST-NVKH",
        "19",
        "2020Q1",
        ["79228162514264337593543950335", "", ""],
        0,
    )
    .await;
    insert_raw(
        db,
        "ST-NVKH",
        "19",
        "2020Q2",
        ["79228162514264337593543950335", "", ""],
        0,
    )
    .await;
    insert_raw(db, "HT-5G", "19", "2020Q3", ["không phải số", "", ""], 0).await;
    let (server, base) = serve(db);
    add_user(db, "xem.tinh", "viewer", "19");
    let cookie = session(&base, "xem.tinh", PASSWORD);
    for path in [
        "/",
        "/public",
        "/indicators/NL-CBX",
        "/indicators/ST-NVKH",
        "/indicators/HT-5G",
        "/units/19",
        "/units/5443",
        "/api/v1/assessment",
        "/api/v1/early-warning",
        "/api/v1/figures?indicator=ST-NVKH&unit=19&period=2020",
    ] {
        let (status, _) = get_status(&base, path, Some(&cookie));
        assert_eq!(status, 200, "{path}");
    }
    // The stored values themselves still list, the unreadable one left out.
    let (status, _, rows) = api(
        "GET",
        &format!("{base}/api/v1/values?unit=19&indicator=ST-NVKH"),
        Some(&admin),
        None,
    );
    assert_eq!(status, 200, "{rows}");
    assert!(rows.to_string().contains("79228162514264337593543950335"));
    let (status, _, _) = api(
        "GET",
        &format!("{base}/api/v1/values?unit=19&indicator=HT-5G"),
        Some(&admin),
        None,
    );
    assert_eq!(status, 200);
    // A bad value arriving while it runs (another process wrote it) is skipped too.
    insert_raw(
        db,
        "ST-NVKH",
        "19",
        "2020Q3",
        ["79228162514264337593543950335", "", ""],
        1_000_000,
    )
    .await;
    for path in ["/", "/public", "/api/v1/assessment"] {
        assert_eq!(
            get_status(&base, path, Some(&cookie)).0,
            200,
            "{path} after sync"
        );
    }
    let text = server.log();
    drop(server);
    for needle in [
        "NL-CBX", "5443", "2024Q1", "ST-NVKH", "2020Q1", "2020Q3", "HT-5G", "bỏ qua",
    ] {
        assert!(text.contains(needle), "log names {needle}:\n{text}");
    }
    // The command line too.
    let out = ok(db, &["assess"]);
    assert!(out.contains("ST-NVKH"), "{out}");
}

/// Finding 2, on the pages: admin forms checked only the role.
async fn administration_forms_stay_within_the_administrators_unit(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "qt.phuong", "admin", "5443");
    add_user(db, "tt.phuong", "secretariat", "5443");
    let (server, base) = serve(db);
    for login in ["qt.phuong", "tt.phuong"] {
        let cookie = session(&base, login, PASSWORD);
        let csrf = page_csrf(&base, "/admin", &cookie);
        let post = |what: &str, form: &[(&str, &str)]| {
            let mut f: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
            f.extend_from_slice(form);
            agent()
                .post(&format!("{base}/admin/{what}"))
                .header("cookie", &cookie)
                .send_form(f)
                .unwrap()
                .status()
                .as_u16()
        };
        let user = |name: &str, role: &'static str, unit: &'static str| {
            [
                ("login", name.to_string()),
                ("role", role.to_string()),
                ("unit", unit.to_string()),
                ("password", PASSWORD.to_string()),
            ]
        };
        let as_refs =
            |a: &[(&'static str, String); 4]| -> Vec<(&'static str, String)> { a.to_vec() };
        let send = |what: &str, a: Vec<(&'static str, String)>| {
            let f: Vec<(&str, &str)> = a.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post(what, &f)
        };
        // Outside the ward: refused.
        assert_eq!(
            send(
                "users",
                as_refs(&user(&format!("{login}.a"), "viewer", "19"))
            ),
            403
        );
        assert_eq!(
            post(
                "targets",
                &[
                    ("indicator", "HT-5G"),
                    ("unit", "19"),
                    ("year", "2030"),
                    ("comparator", ">="),
                    ("value", "1"),
                    ("wording", "thử"),
                ]
            ),
            403
        );
        assert_eq!(
            post(
                "heads",
                &[
                    ("unit", "5500"),
                    ("person", "Nguyễn Văn A"),
                    ("title", "Chủ tịch"),
                    ("start", "2031-01-01"),
                ]
            ),
            403
        );
        assert_eq!(
            post(
                "units",
                &[
                    ("code", "P5500.X"),
                    ("name", "Tổ"),
                    ("kind", "other"),
                    ("parent", "5500")
                ]
            ),
            403
        );
        assert_eq!(
            post(
                "indicators",
                &[
                    ("code", "HT-5G"),
                    ("name", "Đổi tên"),
                    ("lead_unit", "5443")
                ]
            ),
            403
        );
        // Inside the ward: allowed, never a role above one's own.
        assert_eq!(
            send(
                "users",
                as_refs(&user(&format!("{login}.b"), "reporter", "5443"))
            ),
            303
        );
        let admin_made = send(
            "users",
            as_refs(&user(&format!("{login}.c"), "admin", "5443")),
        );
        assert_eq!(admin_made, if login == "qt.phuong" { 303 } else { 403 });
        assert_eq!(
            post(
                "units",
                &[
                    ("code", &format!("P5443.{}", &login[..2].to_uppercase())),
                    ("name", "Tổ dân phố"),
                    ("kind", "other"),
                    ("parent", "5443")
                ]
            ),
            303
        );
        // A name of 301 characters is refused with the reason.
        assert_eq!(
            post(
                "units",
                &[
                    ("code", "P5443.DAI"),
                    ("name", &"Đ".repeat(301)),
                    ("kind", "other"),
                    ("parent", "5443")
                ]
            ),
            422
        );
    }
    // The province's 2030 target for HT-5G is unchanged.
    let list = crate::cli::get_json(&format!("{base}/api/v1/indicators"));
    let g5 = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "HT-5G")
        .unwrap();
    assert!(
        g5["targets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["year"] == 2030 && t["value"] == "100")
    );
    drop(server);
}

/// Finding 3: the last writer silently won.
async fn two_writers_at_one_version_one_wins_the_other_is_told(db: &TestDb) {
    ok(db, &["demo"]);
    let a = token(db, "he-thong-a", "reporter", "5443");
    let b = token(db, "he-thong-b", "head", "5443");
    let q = open_quarter();
    let (server, base) = serve(db);
    let url = format!("{base}/api/v1/values");
    for round in 0..5 {
        let current = stored(&base, &a, "NL-CBX", "5443", &q).unwrap();
        let version = current["version"].as_i64().unwrap();
        let barrier = std::sync::Barrier::new(2);
        let statuses: Vec<(u16, Value)> = std::thread::scope(|sc| {
            let hs: Vec<_> = [(&a, 30 + round), (&b, 20 + round)]
                .into_iter()
                .map(|(t, num)| {
                    let (url, barrier) = (&url, &barrier);
                    let q = &q;
                    sc.spawn(move || {
                        let body = format!(
                            r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":{num},"denominator":39,"version":{version}}}]}}"#
                        );
                        barrier.wait();
                        post_json(url, t, &body)
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut codes: Vec<u16> = statuses.iter().map(|(s, _)| *s).collect();
        codes.sort();
        assert_eq!(codes, vec![200, 409], "round {round}: {statuses:?}");
        // The refused writer is told who changed the value and to what.
        let (_, refused) = statuses.iter().find(|(s, _)| *s == 409).unwrap();
        let c = &refused["conflicts"][0];
        assert_eq!(c["kind"], "stale");
        assert_eq!(c["current"]["version"], version + 1);
        assert!(
            c["current"]["entered_by"]
                .as_str()
                .unwrap()
                .starts_with("token:he-thong-")
        );
        assert!(
            c["reason"]
                .as_str()
                .unwrap()
                .contains("đã sửa giá trị thành")
        );
        let now = stored(&base, &a, "NL-CBX", "5443", &q).unwrap();
        assert_eq!(now["version"], version + 1, "exactly one change");
    }
    drop(server);
}

/// Finding 3, on the page: the form shows both figures and lets the user choose.
async fn the_entry_form_shows_both_figures_and_lets_the_user_choose(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "bc.phuong", "reporter", "5443");
    let other = token(db, "dong-nghiep", "reporter", "5443");
    let q = open_quarter();
    let (server, base) = serve(db);
    let cookie = session(&base, "bc.phuong", PASSWORD);
    let form_path = format!("/entry?unit=5443&period={q}");
    let (_, html) = get_status(&base, &form_path, Some(&cookie));
    let hidden = |name: &str| {
        html.split(&format!("name=\"{name}\" value=\""))
            .nth(1)
            .unwrap_or_else(|| panic!("{name} in the form"))
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    let (csrf, ver, on, od) = (
        hidden("_csrf"),
        hidden("ver.NL-CBX"),
        hidden("on.NL-CBX"),
        hidden("od.NL-CBX"),
    );
    // Someone else saves the same value meanwhile.
    let (s, body) = post_json(
        &format!("{base}/api/v1/values"),
        &other,
        &format!(
            r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":31,"denominator":39,"version":{ver}}}]}}"#
        ),
    );
    assert_eq!(s, 200, "{body}");
    let mut fields = vec![
        ("_csrf", csrf.as_str()),
        ("unit", "5443"),
        ("period", q.as_str()),
        ("action", "draft"),
        ("ver.NL-CBX", ver.as_str()),
        ("on.NL-CBX", on.as_str()),
        ("od.NL-CBX", od.as_str()),
        ("ov.NL-CBX", ""),
        ("oc.NL-CBX", ""),
        ("n.NL-CBX", "33"),
        ("d.NL-CBX", "39"),
        ("c.NL-CBX", ""),
    ];
    let (status, _, page) = post_multipart(&format!("{base}/entry"), Some(&cookie), &fields, &[]);
    assert_eq!(status, 409, "{page}");
    // Both figures and the choice; the user's own figures are still in the inputs.
    assert!(
        page.contains("token:dong-nghiep đã sửa giá trị thành 31/39"),
        "{page}"
    );
    assert!(page.contains("keep-mine-NL-CBX") && page.contains("keep-theirs-NL-CBX"));
    assert!(page.contains("value=\"33\""));
    let new_ver = page
        .split("name=\"ver.NL-CBX\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        new_ver.parse::<i64>().unwrap(),
        ver.parse::<i64>().unwrap() + 1
    );
    // Keeping theirs writes nothing.
    fields[4] = ("ver.NL-CBX", new_ver.as_str());
    let mut theirs = fields.clone();
    theirs.push(("keep.NL-CBX", "theirs"));
    let (status, location, _) =
        post_multipart(&format!("{base}/entry"), Some(&cookie), &theirs, &[]);
    assert_eq!((status, location.contains("saved=1")), (303, true));
    assert_eq!(
        stored(&base, &other, "NL-CBX", "5443", &q).unwrap()["numerator"],
        "31"
    );
    // Keeping mine overwrites, knowingly.
    let mut mine = fields.clone();
    mine.push(("keep.NL-CBX", "mine"));
    let (status, _, page) = post_multipart(&format!("{base}/entry"), Some(&cookie), &mine, &[]);
    assert_eq!(status, 303, "{page}");
    let now = stored(&base, &other, "NL-CBX", "5443", &q).unwrap();
    assert_eq!(now["numerator"], "33");
    assert_eq!(now["entered_by"], "bc.phuong");
    // A field the user did not touch is not written, even if it is stale.
    let mut untouched = fields.clone();
    untouched[9] = ("n.NL-CBX", on.as_str());
    untouched[10] = ("d.NL-CBX", od.as_str());
    let (status, _, page) =
        post_multipart(&format!("{base}/entry"), Some(&cookie), &untouched, &[]);
    assert_eq!(status, 303, "{page}");
    assert_eq!(
        stored(&base, &other, "NL-CBX", "5443", &q).unwrap()["numerator"],
        "33"
    );
    drop(server);
}

/// Finding 3: a save over an accepted value reset it to draft.
async fn accepted_values_are_locked(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "bc.phuong", "reporter", "5443");
    let t = token(db, "phuong", "reporter", "5443");
    let (server, base) = serve(db);
    // 2025Q4 is accepted in the demo.
    let before = stored(&base, &t, "NL-CBX", "5443", "2025Q4").unwrap();
    assert_eq!(before["state"], "accepted");
    let (status, body) = post_json(
        &format!("{base}/api/v1/values"),
        &t,
        r#"{"values":[{"indicator":"NL-CBX","unit":"5443","period":"2025Q4","numerator":1,"denominator":39}]}"#,
    );
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["conflicts"][0]["kind"], "locked");
    // Re-sending its own figures is no change (a retried push stays safe) and keeps it.
    let (status, body) = post_json(
        &format!("{base}/api/v1/values"),
        &t,
        &format!(
            r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"2025Q4","numerator":{},"denominator":{}}}]}}"#,
            before["numerator"].as_str().unwrap(),
            before["denominator"].as_str().unwrap()
        ),
    );
    assert_eq!(status, 200, "{body}");
    let after = stored(&base, &t, "NL-CBX", "5443", "2025Q4").unwrap();
    assert_eq!(
        (after["state"].clone(), after["version"].clone()),
        (before["state"].clone(), before["version"].clone())
    );
    // On the page it shows locked, its inputs disabled; a crafted save is refused.
    let cookie = session(&base, "bc.phuong", PASSWORD);
    let (_, html) = get_status(&base, "/entry?unit=5443&period=2025Q4", Some(&cookie));
    assert!(html.contains("Đã tiếp nhận: số liệu đã khóa."), "{html}");
    assert!(
        html.contains("id=\"n-NL-CBX\" inputmode=\"decimal\" value=\"")
            && html.contains(" disabled")
    );
    let csrf = page_csrf(&base, "/entry?unit=5443&period=2025Q4", &cookie);
    let fields = [
        ("_csrf", csrf.as_str()),
        ("unit", "5443"),
        ("period", "2025Q4"),
        ("action", "submit"),
        ("keep.NL-CBX", "mine"),
        ("n.NL-CBX", "2"),
        ("d.NL-CBX", "39"),
    ];
    let (status, _, _) = post_multipart(&format!("{base}/entry"), Some(&cookie), &fields, &[]);
    assert_eq!(status, 303, "a locked field is not even read from the form");
    assert_eq!(
        stored(&base, &t, "NL-CBX", "5443", "2025Q4").unwrap(),
        after
    );
    drop(server);
}

/// Finding 4: 100 parallel wrong passwords, 59 checked.
async fn sign_in_throttle_holds_under_parallel_attempts(db: &TestDb) {
    ok(db, &["init"]);
    add_user(db, "lanh.dao", "viewer", "19");
    let (server, base) = serve(db);
    // Each attempt needs its own sign-in form (token and cookie); fetch them first.
    let forms: Vec<(String, String)> = (0..100).map(|_| crate::web::login_form(&base)).collect();
    let barrier = std::sync::Barrier::new(forms.len());
    let statuses: Vec<u16> = std::thread::scope(|sc| {
        let hs: Vec<_> = forms
            .iter()
            .map(|(token, cookie)| {
                let (base, barrier) = (&base, &barrier);
                sc.spawn(move || {
                    barrier.wait();
                    agent()
                        .post(&format!("{base}/login"))
                        .header("cookie", cookie)
                        .send_form([
                            ("_csrf", token.as_str()),
                            ("login", "lanh.dao"),
                            ("password", "sai-mat-khau-xyz"),
                        ])
                        .unwrap()
                        .status()
                        .as_u16()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, refused), (5, 95), "{statuses:?}");
    assert_eq!(sign_in(&base, "lanh.dao", PASSWORD).status().as_u16(), 429);
    // Each failure is in the log with the login and address; never the password.
    let text = server.log();
    drop(server);
    assert_eq!(text.matches("failed sign-in").count(), 5, "{text}");
    assert!(
        text.contains("lanh.dao") && text.contains("127.0.0.1"),
        "{text}"
    );
    assert!(
        !text.contains("sai-mat-khau") && !text.contains(PASSWORD),
        "{text}"
    );
}

/// Finding 5: completion could be backdated by a reporter, or set to absurd dates.
async fn task_completion_dates_and_who_may_set_them(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "bc.phuong", "reporter", "5443");
    let reporter = token(db, "bc", "reporter", "5443");
    let head = token(db, "ct", "head", "5443");
    let (server, base) = serve(db);
    // NV-10 is led by the ward; it started 90 days ago.
    let url = format!("{base}/api/v1/tasks/NV-10/progress");
    let today = chitieu_domain::Clock::system().today();
    let (status, _) = post_json(
        &url,
        &reporter,
        r#"{"progress":100,"completed_on":"2025-01-01"}"#,
    );
    assert_eq!(status, 403, "a reporter reports progress, not completion");
    let (status, _) = post_json(&url, &reporter, r#"{"progress":80,"note":"tiến độ"}"#);
    assert_eq!(status, 200);
    for bad in ["1900-01-01", "9999-12-31", "2025-01-01"] {
        let (status, body) = post_json(
            &url,
            &head,
            &format!(r#"{{"progress":100,"completed_on":"{bad}"}}"#),
        );
        assert_eq!(status, 422, "{bad}: {body}");
        assert_eq!(body["code"], "invalid");
    }
    let (status, body) = post_json(
        &url,
        &head,
        &format!(r#"{{"progress":100,"completed_on":"{today}"}}"#),
    );
    assert_eq!(status, 200, "{body}");
    let (_, _, task) = api(
        "GET",
        &format!("{base}/api/v1/tasks/NV-10"),
        Some(&head),
        None,
    );
    assert_eq!(task["completed_on"], today.to_string());
    // The change of date is in the audit log.
    let store = db.store().await;
    store.verify_audit_chain().await.unwrap();
    let trail: Vec<String> = {
        use chitieu_store::entities::audit;
        use sea_orm::EntityTrait;
        audit::Entity::find()
            .all(store.connection())
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.detail)
            .collect()
    };
    assert!(
        trail
            .iter()
            .any(|d| d.contains("NV-10") && d.contains("ngày hoàn thành đổi từ")),
        "{trail:#?}"
    );
    // On the page, a reporter has no completion control; and cannot forge one.
    let cookie = session(&base, "bc.phuong", PASSWORD);
    let (_, html) = get_status(&base, "/tasks/NV-10", Some(&cookie));
    assert!(html.contains("id=\"progress-form\"") && !html.contains("name=\"completed\""));
    let csrf = page_csrf(&base, "/tasks/NV-10", &cookie);
    let (status, _, _) = post_multipart(
        &format!("{base}/tasks/NV-10/progress"),
        Some(&cookie),
        &[
            ("_csrf", &csrf),
            ("progress", "100"),
            ("completed", "on"),
            ("completed_on", "2025-01-01"),
        ],
        &[],
    );
    assert_eq!(status, 403);
    drop(server);
}

/// Finding 6: evidence attached on the entry form was silently discarded.
async fn entry_evidence_is_stored_and_listed(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "bc.phuong", "reporter", "5443");
    let q = open_quarter();
    let (server, base) = serve(db);
    let cookie = session(&base, "bc.phuong", PASSWORD);
    let path = format!("/entry?unit=5443&period={q}");
    let csrf = page_csrf(&base, &path, &cookie);
    let pdf: &[u8] = b"%PDF-1.4\n% bien ban\n";
    let (status, location, body) = post_multipart(
        &format!("{base}/entry"),
        Some(&cookie),
        &[
            ("_csrf", &csrf),
            ("unit", "5443"),
            ("period", &q),
            ("action", "draft"),
        ],
        &[("e.NL-CBX", "danh-sach-can-bo.pdf", pdf)],
    );
    assert_eq!(status, 303, "{body}");
    assert!(location.contains("saved=1"));
    let (_, html) = get_status(&base, &path, Some(&cookie));
    let id = html
        .split("href=\"/evidence/")
        .nth(1)
        .expect("the file is listed under the value")
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert!(html.contains("danh-sach-can-bo.pdf"));
    let mut res = agent()
        .get(&format!("{base}/evidence/{id}"))
        .header("cookie", &cookie)
        .call()
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.body_mut().read_to_vec().unwrap(), pdf);
    // Three files of 10 MiB: 413, not 403; and nothing is stored.
    let big = vec![b'%'; 10 * 1024 * 1024];
    let (status, _) = post_early_answer(
        &base,
        "/entry",
        Some(&cookie),
        &[("_csrf", &csrf), ("unit", "5443"), ("period", &q)],
        &[
            ("e.NL-CBX", "a.pdf", &big),
            ("e.NL-CBX", "b.pdf", &big),
            ("e.NL-CBX", "c.pdf", &big),
        ],
    );
    assert_eq!(status, 413);
    let (_, html) = get_status(&base, &path, Some(&cookie));
    assert_eq!(
        html.matches("href=\"/evidence/").count(),
        1,
        "nothing more stored"
    );
    // Anonymous: sent to sign in, before the body is read.
    let (status, location) = post_early_answer(
        &base,
        "/entry",
        None,
        &[("unit", "5443")],
        &[("e.NL-CBX", "a.pdf", &big)],
    );
    assert_eq!((status, location.as_str()), (303, "/login"));
    drop(server);
}

/// Findings 7 and 11: NUL gave a 500 on PostgreSQL and was stored by SQLite; no limits on
/// sizes; a BOM-prefixed units file was refused.
async fn control_characters_and_sizes_are_refused_alike(db: &TestDb) {
    ok(db, &["demo"]);
    let t = token(db, "phuong", "reporter", "5443");
    let admin = token(db, "tinh", "admin", "19");
    let q = open_quarter();
    let (server, base) = serve(db);
    let long = "x".repeat(4001);
    for (comment, word) in [
        ("a\\u0000b", "U+0000"),
        ("chuông\\u0007", "U+0007"),
        (long.as_str(), "tối đa 4000"),
    ] {
        let (status, body) = post_json(
            &format!("{base}/api/v1/values"),
            &t,
            &format!(
                r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":1,"denominator":2,"comment":"{comment}"}}]}}"#
            ),
        );
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "comment");
        assert!(
            body["errors"][0]["reason"].as_str().unwrap().contains(word),
            "{body}"
        );
    }
    // Tab and line breaks are fine in a comment.
    let (status, body) = post_json(
        &format!("{base}/api/v1/values"),
        &t,
        &format!(
            r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":1,"denominator":2,"comment":"dòng 1\n\tdòng 2"}}]}}"#
        ),
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = post_json(
        &format!("{base}/api/v1/tasks/NV-10/progress"),
        &t,
        r#"{"progress":10,"note":"a\u0000b"}"#,
    );
    assert_eq!(status, 422, "{body}");
    let (status, body) = post_json(
        &format!("{base}/api/v1/heads"),
        &admin,
        &format!(
            r#"{{"unit":"TN.STP","person":"{}","title":"Giám đốc","term_start":"2031-01-01"}}"#,
            "A".repeat(301)
        ),
    );
    assert_eq!(status, 422, "{body}");
    assert!(body["message"].as_str().unwrap().contains("tối đa 300"));
    let (status, body) = post_json(
        &format!("{base}/api/v1/users"),
        &admin,
        r#"{"login":"x\u0000y","role":"viewer","unit":"5443","password":"mot-mat-khau-dai"}"#,
    );
    assert_eq!(status, 422, "{body}");
    drop(server);
    // A units file with a BOM is read like one without; a name with NUL is refused with its
    // place in the file.
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("units.json");
    let text = std::fs::read_to_string(crate::national_map()).unwrap();
    std::fs::write(&units, format!("\u{feff}{text}")).unwrap();
    let out = ok(db, &["units", "import", units.to_str().unwrap()]);
    assert!(out.contains("3.321 xã"), "{out}");
    let bad = text.replacen("\"name\": \"", "\"name\": \"\\u0000", 1);
    assert_ne!(bad, text);
    std::fs::write(&units, bad).unwrap();
    let err = fails(db, &["units", "import", units.to_str().unwrap()]);
    assert!(
        err.contains("tỉnh thứ 1") && err.contains("U+0000"),
        "{err}"
    );
}

/// Finding 8: JSON numbers went through f64; more than 28 decimals were rounded silently.
async fn api_figures_are_exact(db: &TestDb) {
    ok(db, &["demo"]);
    let admin = token(db, "tinh", "admin", "19");
    let q = open_quarter();
    let (server, base) = serve(db);
    let put = |value: &str| {
        post_json(
            &format!("{base}/api/v1/values"),
            &admin,
            &format!(
                r#"{{"values":[{{"indicator":"ST-NVKH","unit":"19","period":"{q}","value":{value}}}]}}"#
            ),
        )
    };
    let (status, body) = put("1234567890.123456");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        stored(&base, &admin, "ST-NVKH", "19", &q).unwrap()["value"],
        "1234567890.123456"
    );
    let (status, body) = put("\"98765,5\"");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        stored(&base, &admin, "ST-NVKH", "19", &q).unwrap()["value"],
        "98765.5"
    );
    // More decimals than a figure may have: refused, not rounded.
    let (status, body) = put("1234567890.123456789");
    assert_eq!(status, 422, "{body}");
    assert!(
        body["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("tối đa 6")
    );
    let (status, body) = put("0.1234567890123456789012345678901");
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        stored(&base, &admin, "ST-NVKH", "19", &q).unwrap()["value"],
        "98765.5"
    );
    // Targets go out as exact strings too.
    let (status, body) = post_json(
        &format!("{base}/api/v1/targets"),
        &admin,
        r#"{"indicator":"KT-SME","unit":"19","year":2029,"comparator":">","value":55.125,"wording":"Thử"}"#,
    );
    assert_eq!(status, 200, "{body}");
    let list = crate::cli::get_json(&format!("{base}/api/v1/indicators"));
    assert!(list.to_string().contains(r#""value":"55.125""#));
    drop(server);
}

/// Finding 9: an open redirect, and a 500 on a newline.
async fn sign_in_redirects_stay_on_this_site(db: &TestDb) {
    ok(db, &["init"]);
    add_user(db, "lanh.dao", "viewer", "19");
    let (server, base) = serve(db);
    for next in [
        "/\t/127.0.0.1/index.html",
        "//evil.example/",
        "/\\evil.example",
        "https://evil.example/",
        "/a\r\nSet-Cookie: x=1",
        " /x",
    ] {
        let (token, cookie) = crate::web::login_form(&base);
        let res = agent()
            .post(&format!("{base}/login"))
            .header("cookie", &cookie)
            .send_form([
                ("_csrf", token.as_str()),
                ("login", "lanh.dao"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .unwrap();
        assert_eq!(res.status().as_u16(), 303, "{next:?}");
        assert_eq!(res.headers().get("location").unwrap(), "/", "{next:?}");
    }
    // A local path is kept.
    let (token, cookie) = crate::web::login_form(&base);
    let res = agent()
        .post(&format!("{base}/login"))
        .header("cookie", &cookie)
        .send_form([
            ("_csrf", token.as_str()),
            ("login", "lanh.dao"),
            ("password", PASSWORD),
            ("next", "/indicators/HT-5G?x=1"),
        ])
        .unwrap();
    assert_eq!(
        res.headers().get("location").unwrap(),
        "/indicators/HT-5G?x=1"
    );
    // The form itself never carries a foreign target.
    let (status, html) = get_status(&base, "/login?next=%2F%09%2F127.0.0.1%2Findex.html", None);
    assert_eq!(status, 200);
    assert!(html.contains("name=\"next\" value=\"/\""), "{html}");
    let (status, _) = get_status(&base, "/login?next=%2Fa%0D%0Ab", None);
    assert_eq!(status, 200);
    drop(server);
}

/// Finding 10: parse errors before 401/403, in text/plain; wrong status for uploads.
async fn errors_come_after_authorisation_and_in_the_documented_shape(db: &TestDb) {
    ok(db, &["demo"]);
    let viewer = token(db, "xem", "viewer", "5443");
    let admin = token(db, "tinh", "admin", "19");
    let (server, base) = serve(db);
    let json_error = |status: u16, ct: &str, v: &Value, code: u16, what: &str| {
        assert_eq!(status, code, "{what}: {v}");
        assert!(ct.starts_with("application/problem+json"), "{what}: {ct}");
        assert!(
            v["code"].is_string() && v["message"].is_string() && v["message_en"].is_string(),
            "{what}: {v}"
        );
        // RFC 9457 problem details.
        assert_eq!(v["status"], code, "{what}: {v}");
        assert!(
            v["type"]
                .as_str()
                .unwrap()
                .starts_with("urn:chitieu:problem:")
                && v["title"].is_string()
                && v["detail"] == v["message"],
            "{what}: {v}"
        );
    };
    let garbage = Some(("text/plain", "{not json"));
    for path in [
        "/api/v1/values",
        "/api/v1/targets",
        "/api/v1/heads",
        "/api/v1/users",
        "/api/v1/tokens",
        "/api/v1/tasks/NV-10/progress",
    ] {
        let url = format!("{base}{path}");
        let (s, ct, v) = api("POST", &url, None, garbage);
        json_error(s, &ct, &v, 401, &format!("anonymous {path}"));
        // Whatever the body: empty, cut short, or not even an object.
        for body in ["", "{\"indicator\":", "[1,2", "null"] {
            let (s, ct, v) = api("POST", &url, None, Some(("application/json", body)));
            json_error(s, &ct, &v, 401, &format!("anonymous {path} with {body:?}"));
        }
        let (s, ct, v) = api("POST", &url, Some(&viewer), garbage);
        json_error(s, &ct, &v, 403, &format!("viewer {path}"));
        let (s, ct, v) = api("POST", &url, Some(&admin), garbage);
        json_error(s, &ct, &v, 415, &format!("admin, text/plain {path}"));
        let (s, ct, v) = api(
            "POST",
            &url,
            Some(&admin),
            Some(("application/json", "{not json")),
        );
        json_error(s, &ct, &v, 422, &format!("admin, bad JSON {path}"));
        assert_eq!(v["code"], "invalid_json");
    }
    // The pages' forms too: who is asking comes before what was sent.
    add_user(db, "xem", "viewer", "19");
    let viewer_cookie = session(&base, "xem", PASSWORD);
    for (cookie, expected) in [(None, 303), (Some(viewer_cookie.as_str()), 403)] {
        let mut r = agent()
            .post(&format!("{base}/admin/users"))
            .header("content-type", "text/plain");
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        assert_eq!(r.send("rác").unwrap().status().as_u16(), expected);
    }
    let (s, ct, v) = api(
        "GET",
        &format!("{base}/api/v1/tasks?year=abc"),
        Some(&admin),
        None,
    );
    json_error(s, &ct, &v, 400, "query");
    let (s, ct, v) = api("GET", &format!("{base}/api/v1/tasks?year=abc"), None, None);
    json_error(s, &ct, &v, 401, "anonymous query");
    let (s, ct, v) = api(
        "GET",
        &format!("{base}/api/v1/khong-co"),
        Some(&admin),
        None,
    );
    json_error(s, &ct, &v, 404, "unknown API path");
    let (s, ct, v) = api(
        "DELETE",
        &format!("{base}/api/v1/values"),
        Some(&admin),
        None,
    );
    json_error(s, &ct, &v, 405, "method");
    let big = format!(
        r#"{{"values":[{{"indicator":"HT-5G","unit":"19","period":"2026Q1","comment":"{}"}}]}}"#,
        "x".repeat(3 * 1024 * 1024)
    );
    // The server answers before the body is all sent: read while sending, as curl does.
    let (s, ct, _, v) = send_early_answer(
        &base,
        "/api/v1/values",
        &[
            ("Authorization", &format!("Bearer {admin}")),
            ("Content-Type", "application/json"),
        ],
        big.into_bytes(),
    );
    json_error(s, &ct, &v, 413, "oversize body");
    drop(server);
}

/// Finding 12: no way to revoke a token.
async fn tokens_can_be_revoked(db: &TestDb) {
    ok(db, &["init"]);
    add_user(db, "quan.tri", "admin", "19");
    let t1 = token(db, "cong-dich-vu-cong", "reporter", "19");
    let t2 = token(db, "cuc-thong-ke", "viewer", "19");
    let (server, base) = serve(db);
    let me = |t: &str| api("GET", &format!("{base}/api/v1/me"), Some(t), None).0;
    assert_eq!((me(&t1), me(&t2)), (200, 200));
    // From the command line: it stops working at once.
    ok(db, &["token", "revoke", "cong-dich-vu-cong"]);
    assert_eq!(me(&t1), 401);
    assert!(ok(db, &["token", "list"]).contains("đã thu hồi"));
    // From the administration page.
    let cookie = session(&base, "quan.tri", PASSWORD);
    let (_, html) = get_status(&base, "/admin", Some(&cookie));
    assert!(html.contains("cuc-thong-ke") && html.contains("/admin/revoke-token"));
    let csrf = page_csrf(&base, "/admin", &cookie);
    let res = agent()
        .post(&format!("{base}/admin/revoke-token"))
        .header("cookie", &cookie)
        .send_form([("_csrf", csrf.as_str()), ("name", "cuc-thong-ke")])
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(me(&t2), 401);
    // And a token made on the page is shown once.
    let res = agent()
        .post(&format!("{base}/admin/tokens"))
        .header("cookie", &cookie)
        .send_form([
            ("_csrf", csrf.as_str()),
            ("name", "he-thong-moi"),
            ("role", "viewer"),
            ("unit", "19"),
        ])
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let new = res
        .split("<code>")
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap()
        .to_string();
    assert_eq!(me(&new), 200);
    let (_, again) = get_status(&base, "/admin", Some(&cookie));
    assert!(!again.contains(&new), "shown once");
    // Through the API.
    let admin = token(db, "quan-tri-api", "admin", "19");
    let (s, _, _) = api(
        "DELETE",
        &format!("{base}/api/v1/tokens/he-thong-moi"),
        Some(&admin),
        None,
    );
    assert_eq!(s, 200);
    assert_eq!(me(&new), 401);
    let (s, _, list) = api("GET", &format!("{base}/api/v1/tokens"), Some(&admin), None);
    assert_eq!(s, 200);
    assert!(!list.to_string().contains("ct_"), "never the token itself");
    drop(server);
}

/// The reporting process through the API: the Department of Science and Technology's reporter submits (the province's figures it leads), its head approves, the
/// standing office returns with a reason, the reporter sees it and sends again, the head
/// approves, the standing office accepts. The public figures change only at acceptance.
async fn a_report_goes_from_the_reporter_to_the_standing_office(db: &TestDb) {
    ok(db, &["demo"]);
    let reporter = token(db, "bc", "reporter", "TN.SKHCN");
    let head = token(db, "ct", "head", "TN.SKHCN");
    let office = token(db, "tt", "secretariat", "19");
    let viewer = token(db, "xem", "viewer", "19");
    add_user(db, "lanh.dao", "viewer", "19");
    let (server, base) = serve(db);
    let q = open_quarter();
    // The 5G card of the overview, with every figure or with accepted ones only.
    let card = |data: &str| {
        let cookie = session(&base, "lanh.dao", PASSWORD);
        let (s, html) = get_status(&base, &format!("/{data}"), Some(&cookie));
        assert_eq!(s, 200);
        let at = html.find("data-indicator=\"HT-5G\"").unwrap();
        html[at..at + html[at..].find("</div>").unwrap()].to_string()
    };
    let act = |who: &str, action: &str, body: &str| {
        post_json(
            &format!("{base}/api/v1/reports/BC57-SO-QUY/TN.SKHCN/{q}/{action}"),
            who,
            body,
        )
    };
    let public_cbx = || {
        let (s, _, v) = api("GET", &format!("{base}/api/v1/assessment"), None, None);
        assert_eq!(s, 200, "{v}");
        v.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["indicator"] == "HT-5G" && r["current"] == true)
            .map(|r| (r["latest_period"].clone(), r["latest_value"].clone()))
            .collect::<Vec<_>>()
    };
    let listed = |who: &str| {
        let (s, _, v) = api(
            "GET",
            &format!("{base}/api/v1/reports?unit=TN.SKHCN&form=BC57-SO-QUY&period={q}"),
            Some(who),
            None,
        );
        assert_eq!(s, 200, "{v}");
        v[0].clone()
    };
    let before = public_cbx();
    assert_eq!(listed(&reporter)["state"], "draft");
    // Figures not yet accepted are for signed-in callers only.
    let (s, _, _) = api(
        "GET",
        &format!("{base}/api/v1/assessment?data=provisional"),
        None,
        None,
    );
    assert_eq!(s, 401);
    // Out of turn, out of role, or out of scope: refused with the right status.
    assert_eq!(act(&head, "approve", "{}").0, 409, "nothing sent yet");
    assert_eq!(act(&viewer, "submit", "{}").0, 403);
    assert_eq!(
        act(&office, "submit", "{}").0,
        403,
        "the office does not send for a department"
    );
    let (s, v) = act(&reporter, "submit", "{}");
    assert_eq!((s, v["state"].as_str()), (200, Some("submitted")), "{v}");
    // Sent: its figures are locked until it comes back.
    let (s, v) = post_json(
        &format!("{base}/api/v1/values"),
        &reporter,
        &format!(r#"{{"values":[{{"indicator":"HT-5G","unit":"19","period":"{q}","value":1}}]}}"#),
    );
    assert_eq!(
        (s, v["conflicts"][0]["kind"].as_str()),
        (409, Some("locked")),
        "{v}"
    );
    assert_eq!(
        act(&reporter, "approve", "{}").0,
        403,
        "a reporter does not approve"
    );
    assert_eq!(act(&head, "approve", "{}").0, 200);
    assert_eq!(
        act(&office, "return", "{}").0,
        422,
        "a return needs a reason"
    );
    let (s, v) = act(
        &office,
        "return",
        r#"{"reason":"Số trạm 5G chưa khớp báo cáo của nhà mạng"}"#,
    );
    assert_eq!((s, v["state"].as_str()), (200, Some("returned")), "{v}");
    let seen = listed(&reporter);
    assert_eq!(seen["state"], "returned");
    assert_eq!(seen["reason"], "Số trạm 5G chưa khớp báo cáo của nhà mạng");
    // Corrected, sent again, approved: still not official.
    let (s, v) = post_json(
        &format!("{base}/api/v1/values"),
        &reporter,
        &format!(
            r#"{{"values":[{{"indicator":"HT-5G","unit":"19","period":"{q}","value":81.5}}]}}"#
        ),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(act(&reporter, "submit", "{}").0, 200);
    assert_eq!(act(&head, "approve", "{}").0, 200);
    assert_eq!(public_cbx(), before, "not official before acceptance");
    // Inside, the figure shows at once, marked; the switch shows accepted figures only.
    let all = card("");
    assert!(
        all.contains(">81,5<") && all.contains("số liệu chưa tiếp nhận"),
        "{all}"
    );
    let official = card("?data=official");
    assert!(
        !official.contains("81,5") && !official.contains("chưa tiếp nhận"),
        "{official}"
    );
    let (s, v) = act(&office, "accept", "{}");
    assert_eq!((s, v["state"].as_str()), (200, Some("accepted")), "{v}");
    let after = public_cbx();
    assert_ne!(after, before, "official at acceptance");
    let official = card("?data=official");
    assert!(
        official.contains(">81,5<") && !official.contains("chưa tiếp nhận"),
        "{official}"
    );
    assert!(
        after.iter().any(|(p, _)| p.as_str() == Some(q.as_str())),
        "{after:?}"
    );
    assert_eq!(act(&reporter, "submit", "{}").0, 409, "accepted is locked");
    assert_eq!(act(&head, "reopen", r#"{"reason":"x"}"#).0, 403);
    let accepted = listed(&office);
    assert_eq!(accepted["state"], "accepted");
    assert!(accepted["accepted_at"].is_string());
    // Completeness counts it.
    let (s, _, v) = api(
        "GET",
        &format!("{base}/api/v1/completeness?period={q}"),
        Some(&office),
        None,
    );
    assert_eq!(s, 200);
    let commune = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["form"] == "BC57-SO-QUY")
        .unwrap()
        .clone();
    assert!(commune["received"].as_u64().unwrap() >= 1, "{commune}");
    assert!(crate::figure(&commune["received_pct"]).unwrap() <= 100.0);
    drop(server);
    let out = ok(db, &["audit", "verify"]);
    assert!(out.contains("toàn vẹn"), "{out}");
}

/// `chitieu audit verify` passes on the demo, and names a removed last entry, an altered
/// entry, and the gap where an entry was removed.
async fn the_audit_chain_names_what_was_altered_or_removed(db: &TestDb) {
    ok(db, &["demo"]);
    let out = ok(db, &["audit", "verify"]);
    assert!(out.contains("toàn vẹn"), "{out}");
    let store = db.store().await;
    // The last entry removed: the chain still links, but no longer reaches the last hash.
    store
        .run_sql_baseline("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
        .await
        .unwrap();
    let err = fails(db, &["audit", "verify"]);
    assert!(err.contains("mục cuối của nhật ký đã bị xoá"), "{err}");
    store
        .run_sql_baseline("UPDATE audit_log SET detail = 'sửa tay' WHERE id = 3")
        .await
        .unwrap();
    let err = fails(db, &["audit", "verify"]);
    assert!(err.contains("mục 3") && err.contains("bị sửa"), "{err}");
    // Removing the altered entry leaves a gap, named by its neighbours.
    store
        .run_sql_baseline("DELETE FROM audit_log WHERE id = 3")
        .await
        .unwrap();
    let err = fails(db, &["audit", "verify"]);
    assert!(err.contains("giữa mục 2 và mục 4"), "{err}");
}

/// A rule error blocks submission and names the indicators and the rule; a warning needs an
/// explanation; an outlier is sent but flagged for the head who approves.
async fn validation_blocks_explains_and_flags(db: &TestDb) {
    ok(db, &["demo"]);
    let office = token(db, "vp", "reporter", "TN.VPUB");
    let skhcn = token(db, "kh", "reporter", "TN.SKHCN");
    add_user(db, "gd.kh", "head", "TN.SKHCN");
    let (server, base) = serve(db);
    let q = open_quarter();
    let write = |who: &str, values: &str| {
        let (s, v) = post_json(
            &format!("{base}/api/v1/values"),
            who,
            &format!(r#"{{"values":[{values}]}}"#),
        );
        assert_eq!(s, 200, "{v}");
    };
    let submit = |who: &str, unit: &str, body: &str| {
        post_json(
            &format!("{base}/api/v1/reports/BC57-SO-QUY/{unit}/{q}/submit"),
            who,
            body,
        )
    };
    // More procedures in the business fields than procedures in all: an error.
    write(
        &office,
        &format!(
            r#"{{"indicator":"CQ-PDG","unit":"19","period":"{q}","numerator":300,"denominator":400}},{{"indicator":"CQ-TTR","unit":"19","period":"{q}","numerator":100,"denominator":450}}"#
        ),
    );
    let (s, v) = submit(&office, "TN.VPUB", "{}");
    assert_eq!(s, 422, "{v}");
    let m = v["message"].as_str().unwrap();
    assert!(
        m.contains("CQ-TTR.denominator (450) ≤ CQ-PDG.denominator (400)")
            && m.contains("là một phần của tổng số thủ tục"),
        "{m}"
    );
    // An explanation does not lift an error.
    assert_eq!(
        submit(&office, "TN.VPUB", r#"{"reason":"đúng vậy"}"#).0,
        422
    );
    // 250 provincial science tasks in a quarter: a warning, sent once explained. 9,999
    // science enterprises against about ten before: sent, and flagged for the head.
    write(
        &skhcn,
        &format!(
            r#"{{"indicator":"ST-NVKH","unit":"19","period":"{q}","value":250}},{{"indicator":"ST-DNKHCN","unit":"19","period":"{q}","value":9999}}"#
        ),
    );
    let (s, v) = submit(&skhcn, "TN.SKHCN", "{}");
    assert_eq!(s, 422, "{v}");
    let m = v["message"].as_str().unwrap();
    assert!(
        m.contains("cần giải thích") && m.contains("ST-NVKH (250) ≤ 200"),
        "{m}"
    );
    let (s, v) = submit(
        &skhcn,
        "TN.SKHCN",
        r#"{"reason":"Gồm 230 nhiệm vụ cấp cơ sở được nâng cấp theo Quyết định của UBND tỉnh"}"#,
    );
    assert_eq!((s, v["state"].as_str()), (200, Some("submitted")), "{v}");
    let cookie = session(&base, "gd.kh", PASSWORD);
    let (s, html) = get_status(&base, "/reports", Some(&cookie));
    assert_eq!(s, 200);
    let queue = &html[html.find("id=\"queue\"").unwrap()..];
    let queue = &queue[..queue.find("<h2>").unwrap()];
    assert!(
        queue.contains("⚠ ST-DNKHCN: 9.999 (bất thường so với chính đơn vị: z = "),
        "{queue}"
    );
    // 250 tasks is unusual too; nothing else is.
    assert!(queue.contains("⚠ ST-NVKH: 250"), "{queue}");
    assert_eq!(queue.matches("⚠").count(), 2, "{queue}");
    // The explanation is in the report's history on the entry form.
    let (_, entry) = get_status(&base, &format!("/entry?unit=19&period={q}"), Some(&cookie));
    assert!(entry.contains("Gồm 230 nhiệm vụ cấp cơ sở"), "{entry}");
    drop(server);
}

/// The plan's administrators set report forms on the admin page; a ward's cannot; a form
/// that does not fit the plan is refused with the reason, and nothing changes.
async fn report_forms_are_set_on_the_admin_page(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "tt.tinh", "secretariat", "19");
    add_user(db, "tt.phuong", "secretariat", "5443");
    let viewer = token(db, "xem", "viewer", "19");
    let (server, base) = serve(db);
    let post = |login: &str, form: &[(&str, &str)]| {
        let cookie = session(&base, login, PASSWORD);
        let csrf = page_csrf(&base, "/admin", &cookie);
        let mut f: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        f.extend_from_slice(form);
        let mut res = agent()
            .post(&format!("{base}/admin/forms"))
            .header("cookie", &cookie)
            .send_form(f)
            .unwrap();
        let status = res.status().as_u16();
        (status, res.body_mut().read_to_string().unwrap_or_default())
    };
    let due_of = |code: &str| {
        let (s, _, v) = api("GET", &format!("{base}/api/v1/forms"), Some(&viewer), None);
        assert_eq!(s, 200);
        v.as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code)
            .map(|f| f["due_days"].as_u64().unwrap())
    };
    let form = [
        ("code", "BC57-XA-QUY"),
        ("name", "Báo cáo quý của xã, phường về chuyển đổi số"),
        ("frequency", "quarter"),
        ("due_days", "12"),
        ("by.commune", "1"),
        ("by.ward", "1"),
        ("indicators", "NL-CBX"),
    ];
    assert_eq!(post("tt.phuong", &form).0, 403, "a ward's secretariat");
    assert_eq!(due_of("BC57-XA-QUY"), Some(10));
    assert_eq!(post("tt.tinh", &form).0, 303);
    assert_eq!(due_of("BC57-XA-QUY"), Some(12));
    // A yearly indicator on a quarterly form: refused, named.
    let mut bad = form;
    bad[6] = ("indicators", "NL-CBX, DT-GRDP");
    let (s, html) = post("tt.tinh", &bad);
    assert_eq!(s, 422);
    assert!(html.contains("chỉ tiêu DT-GRDP báo cáo hằng năm"), "{html}");
    assert_eq!(due_of("BC57-XA-QUY"), Some(12));
    drop(server);
    let out = ok(db, &["audit", "verify"]);
    assert!(out.contains("toàn vẹn"), "{out}");
}

/// The unit × period matrix: each ward's reports of the last six quarters, accepted history
/// (loaded as official), the open quarter late, and nothing before a ward existed.
async fn the_matrix_shows_each_units_reports_by_period(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "tt.tinh", "secretariat", "19");
    add_user(db, "bc.phuong", "reporter", "5443");
    let (server, base) = serve(db);
    let cookie = session(&base, "tt.tinh", PASSWORD);
    let (s, html) = get_status(&base, "/reports/matrix?form=BC57-XA-QUY", Some(&cookie));
    assert_eq!(s, 200);
    let q = open_quarter();
    // Periods as people say them: "Quý III/2026".
    let label = q.parse::<chitieu_domain::Period>().unwrap().label_vi();
    assert!(html.contains(&format!("<th>{label}</th>")), "{html}");
    assert_eq!(html.matches("<th>Quý ").count(), 6, "six quarters");
    let row = |html: &str, unit: &str| {
        let at = html.find(&format!("href=\"/units/{unit}\"")).unwrap();
        html[at..at + html[at..].find("</tr>").unwrap()].to_string()
    };
    let ward = row(&html, "5443");
    assert!(ward.ends_with("Bản nháp · Trễ hạn</td>"), "{ward}");
    assert!(ward.contains("Đã tiếp nhận"), "{ward}");
    // Before 1 July 2025 the wards did not exist: not expected.
    assert!(
        ward.contains("<td class=\"muted\">—</td>") == (q.as_str() < "2026Q4"),
        "{ward}"
    );
    // The overview lists late units, the ward among them, and its page its late report.
    let (_, overview) = get_status(&base, "/", Some(&cookie));
    let late = &overview[overview.find("id=\"late-reports\"").expect("late units")..];
    assert!(late.contains("href=\"/units/5443\""), "{late}");
    let (_, unit) = get_status(&base, "/units/5443", Some(&cookie));
    assert!(
        unit.contains("Bản nháp") && unit.contains("Trễ hạn"),
        "{unit}"
    );
    // A ward's reporter sees the ward only.
    let mine = session(&base, "bc.phuong", PASSWORD);
    let (_, html) = get_status(&base, "/reports/matrix", Some(&mine));
    let table = &html[html.find("id=\"matrix\"").unwrap()..];
    assert_eq!(table.matches("href=\"/units/").count(), 1, "{table}");
    drop(server);
}

/// Each change of a value is kept with what it was and what it became, who, when and from
/// which address; the audit log names the address too; the chain still verifies.
async fn a_values_history_says_who_when_from_where_and_what_changed(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "bc.phuong", "reporter", "5443");
    let t = token(db, "phuong", "reporter", "5443");
    let (server, base) = serve(db);
    let q = open_quarter();
    for (n, d) in [(30, 39), (31, 39)] {
        let (s, v) = post_json(
            &format!("{base}/api/v1/values"),
            &t,
            &format!(
                r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":{n},"denominator":{d}}}]}}"#
            ),
        );
        assert_eq!(s, 200, "{v}");
    }
    let cookie = session(&base, "bc.phuong", PASSWORD);
    let (_, html) = get_status(
        &base,
        &format!("/entry?unit=5443&period={q}"),
        Some(&cookie),
    );
    let at = html
        .find("id=\"h-NL-CBX\"")
        .expect("the value's history on its page");
    let history = &html[at..at + html[at..].find("</details>").unwrap()];
    // The demo's figure, then the two changes, each from the client's address.
    assert_eq!(history.matches("<li>").count(), 3, "{history}");
    assert!(history.contains("token:phuong (127.0.0.1)"), "{history}");
    assert!(history.contains("30/39 (76.923"), "{history}");
    assert!(history.contains("→ 31/39 (79.487"), "{history}");
    drop(server);
    let store = db.store().await;
    let from_address = store
        .run_sql_baseline(
            "SELECT id FROM audit_log WHERE action = 'values.upsert' AND detail LIKE '%từ 127.0.0.1'",
        )
        .await
        .unwrap();
    assert_eq!(from_address, 2);
    let out = ok(db, &["audit", "verify"]);
    assert!(out.contains("toàn vẹn"), "{out}");
}

/// #11's first finding: "1.035 / 1.039" typed on the entry form was stored as 1,035 / 1,039.
/// Typed the Vietnamese way it is 1035 / 1039, shown back as typed; the API keeps exact
/// decimals.
async fn figures_round_trip_the_vietnamese_way_through_the_entry_form(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "bc.phuong", "reporter", "5443");
    let t = token(db, "phuong", "reporter", "5443");
    let (server, base) = serve(db);
    let q = open_quarter();
    let cookie = session(&base, "bc.phuong", PASSWORD);
    let page = format!("/entry?unit=5443&period={q}");
    let csrf = page_csrf(&base, &page, &cookie);
    let (_, html) = get_status(&base, &page, Some(&cookie));
    assert!(
        html.contains("1.035 là một nghìn không trăm ba mươi lăm"),
        "the rule is beside the fields"
    );
    let version = {
        let marker = "name=\"ver.NL-CBX\" value=\"";
        let at = html.find(marker).unwrap() + marker.len();
        html[at..at + html[at..].find('"').unwrap()].to_string()
    };
    let fields = [
        ("_csrf", csrf.as_str()),
        ("unit", "5443"),
        ("period", q.as_str()),
        ("action", "draft"),
        ("ver.NL-CBX", version.as_str()),
        ("n.NL-CBX", "1.035"),
        ("d.NL-CBX", "1 039"),
    ];
    let (status, _, body) = post_multipart(&format!("{base}/entry"), Some(&cookie), &fields, &[]);
    assert_eq!(status, 303, "{body}");
    let saved = stored(&base, &t, "NL-CBX", "5443", &q).unwrap();
    assert_eq!(
        (saved["numerator"].as_str(), saved["denominator"].as_str()),
        (Some("1035"), Some("1039"))
    );
    let (_, html) = get_status(&base, &page, Some(&cookie));
    assert!(
        html.contains("id=\"n-NL-CBX\" inputmode=\"decimal\" value=\"1.035\""),
        "{html}"
    );
    assert!(
        html.contains("id=\"d-NL-CBX\" inputmode=\"decimal\" value=\"1.039\""),
        "{html}"
    );
    // A figure that fits no reading is refused on its field, with the rule.
    let csrf = page_csrf(&base, &page, &cookie);
    let fields = [
        ("_csrf", csrf.as_str()),
        ("unit", "5443"),
        ("period", q.as_str()),
        ("action", "draft"),
        ("ver.NL-CBX", version.as_str()),
        ("n.NL-CBX", "1.03.5"),
        ("d.NL-CBX", "1.039"),
    ];
    let (status, _, body) = post_multipart(&format!("{base}/entry"), Some(&cookie), &fields, &[]);
    assert_eq!(status, 422);
    assert!(
        body.contains("&#34;1.03.5&#34; không phải là số (dấu phẩy là dấu thập phân"),
        "{body}"
    );
    // The API reads exact decimals: 1.035 there is one point zero three five.
    let (s, v) = post_json(
        &format!("{base}/api/v1/values"),
        &t,
        &format!(
            r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":"1.035","denominator":"2"}}]}}"#
        ),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        stored(&base, &t, "NL-CBX", "5443", &q).unwrap()["numerator"].as_str(),
        Some("1.035")
    );
    drop(server);
}

/// #11: a leader saw "Nhập số liệu", which answered 403. Each role's navigation holds only
/// links that answer 200 for it; a viewer has no entry form nor My work in it.
async fn each_role_sees_only_the_links_it_can_use(db: &TestDb) {
    ok(db, &["demo"]);
    let people = [
        ("nv.admin", "admin", "19"),
        ("nv.tt", "secretariat", "19"),
        ("nv.ld", "viewer", "19"),
        ("nv.gd", "head", "TN.SKHCN"),
        ("nv.bc", "reporter", "TN.SKHCN"),
        ("nv.ct", "head", "5443"),
        ("nv.bcx", "reporter", "5443"),
    ];
    for (login, role, unit) in people {
        add_user(db, login, role, unit);
    }
    let (server, base) = serve(db);
    for (login, role, _) in people {
        let cookie = session(&base, login, PASSWORD);
        let (_, html) = get_status(&base, "/", Some(&cookie));
        let nav = &html[html.find("<nav>").unwrap()..html.find("</nav>").unwrap()];
        let links: Vec<&str> = nav
            .split("href=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        assert!(links.len() >= 4, "{login}: {links:?}");
        for link in &links {
            let (status, _) = get_status(&base, &link.replace("&amp;", "&"), Some(&cookie));
            assert_eq!(status, 200, "{login} ({role}) follows {link}");
        }
        let enters = role != "viewer";
        assert_eq!(links.contains(&"/entry"), enters, "{login}: {links:?}");
        assert_eq!(links.contains(&"/my"), enters, "{login}: {links:?}");
        assert_eq!(
            links.contains(&"/admin"),
            matches!(role, "admin" | "secretariat"),
            "{login}: {links:?}"
        );
    }
    drop(server);
}

/// The stored value of `indicator` for `unit` in `period`, if there is one.
pub(crate) async fn stored_value(
    store: &chitieu_store::Store,
    indicator: &str,
    unit: &str,
    period: &str,
) -> Option<chitieu_store::ValueRow> {
    store
        .values(&chitieu_store::ValueFilter {
            indicator: Some(indicator.into()),
            unit: Some(chitieu_domain::UnitCode::parse(unit).unwrap()),
        })
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.period.to_string() == period)
}
