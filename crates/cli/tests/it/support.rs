//! The one harness of the end-to-end tests: the binary run with a database, a server in
//! the test's process or as its own, sign-in as any account, API calls, page reads and forms
//! with their CSRF token, and SQL behind the application's back.

pub(crate) use crate::tcp::*;
use chitieu_store::testing::TestDb;
use chitieu_web::testing::TestServer;
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

pub(crate) fn national_map() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/vn-admin-units-2025.json")
}

/// A figure in JSON: a decimal string, as the API and `--json` promise ([D] 6); a JSON number
/// with a fraction is not one (None).
pub(crate) fn figure(v: &serde_json::Value) -> Option<f64> {
    v.as_str().and_then(|s| s.parse().ok())
}

/// Runs `chitieu ARGS --db URL` and returns its output.
pub(crate) fn chitieu(db: &TestDb, args: &[&str]) -> Output {
    chitieu_stdin(db, args, "")
}

pub(crate) fn chitieu_stdin(db: &TestDb, args: &[&str], stdin: &str) -> Output {
    run(db, args, stdin, &[])
}

/// [`chitieu`] with these environment variables.
pub(crate) fn chitieu_env(db: &TestDb, args: &[&str], env: &[(&str, &str)]) -> Output {
    run(db, args, "", env)
}

fn run(db: &TestDb, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chitieu"))
        .args(args)
        .args(["--db", &db.url])
        .env_remove("CHITIEU_DB")
        .env("RUST_LOG", "error")
        .env("CHITIEU_NOW", chitieu_store::testing::TEST_NOW)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run chitieu");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("chitieu output")
}

/// Runs a command that must succeed; returns its standard output.
pub(crate) fn ok(db: &TestDb, args: &[&str]) -> String {
    let out = chitieu(db, args);
    assert!(
        out.status.success(),
        "chitieu {args:?} failed on {}:\n{}",
        db.backend,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Runs a command that must fail; returns its error output.
pub(crate) fn fails(db: &TestDb, args: &[&str]) -> String {
    let out = chitieu(db, args);
    assert!(
        !out.status.success(),
        "chitieu {args:?} should have failed on {}",
        db.backend
    );
    String::from_utf8(out.stderr).expect("utf-8 output")
}

pub(crate) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

/// The login form's token and its cookie.
pub(crate) fn login_form(base: &str) -> (String, String) {
    let mut res = agent().get(&format!("{base}/login")).call().unwrap();
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("chitieu_login_csrf="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let body = res.body_mut().read_to_string().unwrap();
    (form_token(&body), cookie)
}

/// The CSRF token of the first form of a page.
pub(crate) fn form_token(body: &str) -> String {
    body.split("name=\"_csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

pub(crate) fn sign_in(base: &str, login: &str, password: &str) -> ureq::http::Response<ureq::Body> {
    let (token, cookie) = login_form(base);
    agent()
        .post(&format!("{base}/login"))
        .header("cookie", &cookie)
        .send_form([
            ("_csrf", token.as_str()),
            ("login", login),
            ("password", password),
            ("next", "/"),
        ])
        .unwrap()
}

pub(crate) fn session(base: &str, login: &str, password: &str) -> String {
    let res = sign_in(base, login, password);
    assert_eq!(res.status().as_u16(), 303, "sign-in of {login}");
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("chitieu_sid="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

pub(crate) fn page_csrf(base: &str, path: &str, sid: &str) -> String {
    let mut res = agent()
        .get(&format!("{base}{path}"))
        .header("cookie", sid)
        .call()
        .unwrap();
    form_token(&res.body_mut().read_to_string().unwrap())
}

/// Starts a server over the test's database, in this process; returns it (dropping it
/// stops it) and its base URL.
pub(crate) fn serve(db: &TestDb) -> (TestServer, String) {
    let server = TestServer::start_at(&db.url, chitieu_store::testing::test_clock());
    let base = server.base.clone();
    (server, base)
}

/// `chitieu serve` as its own process, on a free port, for what only a process shows
/// (signals, exit codes). Returns when it answers.
pub(crate) fn serve_process(db: &TestDb) -> (std::process::Child, String) {
    serve_process_with(db, &[])
}

/// [`serve_process`] with these environment variables.
pub(crate) fn serve_process_with(
    db: &TestDb,
    env: &[(&str, &str)],
) -> (std::process::Child, String) {
    serve_process_on(db, free_port(), env)
}

/// A port nothing listens on now.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// [`serve_process_with`] on a given port: a server stopped and started again at the same
/// address.
pub(crate) fn serve_process_on(
    db: &TestDb,
    port: u16,
    env: &[(&str, &str)],
) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chitieu"))
        .args([
            "--db",
            &db.url,
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .env_remove("CHITIEU_DB")
        .env("RUST_LOG", "error")
        .env("CHITIEU_NOW", chitieu_store::testing::TEST_NOW)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start server");
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..300 {
        if ureq::get(&format!("{base}/healthz")).call().is_ok() {
            return (child, base);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("chitieu serve did not answer on {base}");
}

pub(crate) fn get_json(url: &str) -> Value {
    let body = ureq::get(url)
        .call()
        .expect("GET")
        .body_mut()
        .read_to_string()
        .expect("body");
    serde_json::from_str(&body).expect("JSON")
}

/// A database set up with `init` requires administrators and the standing office to enrol a
/// second factor; tests about something else turn that off (`two_factor.rs` tests it).
pub(crate) fn no_second_factor(db: &TestDb) {
    ok(db, &["user", "two-factor", "--roles", "none"]);
}

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
        chitieu_store::testing::test_clock().today(),
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

pub(crate) fn post_json(url: &str, token: &str, body: &str) -> (u16, Value) {
    let (s, _, v) = api("POST", url, Some(token), Some(("application/json", body)));
    (s, v)
}

/// Stored values of one indicator at one unit and period, as the API lists them.
pub(crate) fn stored(
    base: &str,
    token: &str,
    indicator: &str,
    unit: &str,
    period: &str,
) -> Option<Value> {
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

/// Where a response leads (its `Location`), empty without a redirect.
pub(crate) fn location<B>(res: &ureq::http::Response<B>) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// Posts a form at `path` as `cookie` with the CSRF token of the page `page`: the status,
/// where it leads (empty without a redirect) and the body.
pub(crate) fn post_page_form(
    base: &str,
    page: &str,
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
) -> (u16, String, String) {
    let csrf = page_csrf(base, page, cookie);
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let mut res = agent()
        .post(&format!("{base}{path}"))
        .header("cookie", cookie)
        .send_form(all)
        .unwrap();
    let to = location(&res);
    (
        res.status().as_u16(),
        to,
        res.body_mut().read_to_string().unwrap_or_default(),
    )
}

/// A multipart body: text fields and files (field, file name, bytes).
pub(crate) fn multipart(
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> (String, Vec<u8>) {
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
    let location = location(&res);
    (
        res.status().as_u16(),
        location,
        res.body_mut().read_to_string().unwrap_or_default(),
    )
}

/// Stores a value with SQL-level access, as a hand-edited database or an older version might
/// hold it, past every check of the entry points.
pub(crate) async fn insert_raw(
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

/// Runs SQL on the test's database behind the application's back: what an operator's
/// hand-edit or another tool leaves there.
pub(crate) async fn sql(db: &TestDb, statement: &str) {
    use sea_orm::ConnectionTrait;
    db.store()
        .await
        .connection()
        .execute_unprepared(statement)
        .await
        .unwrap();
}

pub(crate) fn post_api(base: &str, path: &str, token: &str, body: &str) -> (u16, Value) {
    let (s, _, v) = api(
        "POST",
        &format!("{base}{path}"),
        Some(token),
        Some(("application/json", body)),
    );
    (s, v)
}

pub(crate) fn patch_api(base: &str, path: &str, token: &str, body: &str) -> (u16, Value) {
    let (s, _, v) = api(
        "PATCH",
        &format!("{base}{path}"),
        Some(token),
        Some(("application/json", body)),
    );
    (s, v)
}
