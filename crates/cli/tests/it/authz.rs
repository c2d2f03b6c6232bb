//! The authorisation matrix: every API route × every role, plus anonymous and a user of
//! another unit. A route without a row fails the test.

use crate::cli::serve;
use crate::ok;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;

db_tests!(every_api_route_checks_role_and_scope);

const WHO: [&str; 7] = [
    "admin",
    "secretariat",
    "head",
    "reporter",
    "viewer",
    "other_unit",
    "anonymous",
];

/// (method, route pattern, request path, body, allowed for each of WHO)
type Case = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    [bool; 7],
);

const VALUE: &str = r#"{"state":"draft","values":[{"indicator":"NL-CBX","unit":"5443","period":"2026Q1","numerator":1,"denominator":2}]}"#;

const MATRIX: &[Case] = &[
    (
        "GET",
        "/api/v1/openapi.json",
        "/api/v1/openapi.json",
        None,
        [true, true, true, true, true, true, true],
    ),
    (
        "GET",
        "/api/v1/indicators",
        "/api/v1/indicators",
        None,
        [true, true, true, true, true, true, true],
    ),
    (
        "GET",
        "/api/v1/indicators/{code}",
        "/api/v1/indicators/HT-5G",
        None,
        [true, true, true, true, true, true, false],
    ),
    (
        "GET",
        "/api/v1/assessment",
        "/api/v1/assessment",
        None,
        [true, true, true, true, true, true, true],
    ),
    (
        "GET",
        "/api/v1/early-warning",
        "/api/v1/early-warning",
        None,
        [true, true, true, true, true, true, false],
    ),
    (
        "GET",
        "/api/v1/figures",
        "/api/v1/figures?indicator=NL-CBX&unit=5443&period=2025",
        None,
        [true, true, true, true, true, true, false],
    ),
    (
        "GET",
        "/api/v1/units",
        "/api/v1/units?parent=19",
        None,
        [true, true, true, true, true, true, false],
    ),
    (
        "GET",
        "/api/v1/units/{code}",
        "/api/v1/units/5443",
        None,
        [true, true, true, true, true, true, false],
    ),
    (
        "GET",
        "/api/v1/values",
        "/api/v1/values?unit=5443",
        None,
        [true, true, true, true, true, false, false],
    ),
    (
        "POST",
        "/api/v1/values",
        "/api/v1/values",
        Some(VALUE),
        [true, true, true, true, false, false, false],
    ),
    (
        "GET",
        "/api/v1/tasks",
        "/api/v1/tasks",
        None,
        [true, true, true, true, true, true, false],
    ),
    (
        "GET",
        "/api/v1/tasks/{code}",
        "/api/v1/tasks/NV-01",
        None,
        [true, true, true, true, true, true, false],
    ),
    (
        "GET",
        "/api/v1/me",
        "/api/v1/me",
        None,
        [true, true, true, true, true, true, false],
    ),
    (
        "POST",
        "/api/v1/tasks/{code}/progress",
        "/api/v1/tasks/NV-10/progress",
        Some(r#"{"progress":60,"note":"API"}"#),
        [true, true, true, true, false, false, false],
    ),
    (
        "POST",
        "/api/v1/targets",
        "/api/v1/targets",
        Some(
            r#"{"indicator":"KT-SME","unit":"19","year":2027,"comparator":">","value":50,"wording":"Thử"}"#,
        ),
        [true, true, false, false, false, false, false],
    ),
    (
        "POST",
        "/api/v1/heads",
        "/api/v1/heads",
        Some(
            r#"{"unit":"TN.STP","person":"NAME","title":"Giám đốc Sở","term_start":"2030-01-0DAY","term_end":"2030-01-0DAY"}"#,
        ),
        [true, true, false, false, false, false, false],
    ),
    (
        "POST",
        "/api/v1/users",
        "/api/v1/users",
        Some(r#"{"login":"NAME","role":"viewer","unit":"5443","password":"mot-mat-khau-dai"}"#),
        [true, true, false, false, false, false, false],
    ),
    (
        "GET",
        "/api/v1/users",
        "/api/v1/users",
        None,
        [true, true, false, false, false, false, false],
    ),
    (
        "POST",
        "/api/v1/tokens",
        "/api/v1/tokens",
        Some(r#"{"name":"NAME","role":"viewer","unit":"5443"}"#),
        [true, false, false, false, false, false, false],
    ),
];

fn call(method: &str, url: &str, token: Option<&str>, body: Option<&str>) -> u16 {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let res = match (method, body) {
        ("GET", _) => {
            let mut r = agent.get(url);
            if let Some(t) = token {
                r = r.header("Authorization", &format!("Bearer {t}"));
            }
            r.call()
        }
        (_, b) => {
            let mut r = agent.post(url).header("Content-Type", "application/json");
            if let Some(t) = token {
                r = r.header("Authorization", &format!("Bearer {t}"));
            }
            r.send(b.unwrap_or("{}"))
        }
    };
    res.expect("request").status().as_u16()
}

async fn every_api_route_checks_role_and_scope(db: &TestDb) {
    ok(db, &["demo"]);
    let roles = [
        ("admin", "19"),
        ("secretariat", "19"),
        ("head", "5443"),
        ("reporter", "5443"),
        ("viewer", "5443"),
        ("reporter", "5500"),
    ];
    let tokens: Vec<String> = roles
        .iter()
        .enumerate()
        .map(|(k, (role, unit))| {
            ok(
                db,
                &[
                    "token",
                    "add",
                    "--name",
                    &format!("t{k}"),
                    "--role",
                    role,
                    "--unit",
                    unit,
                ],
            )
            .trim()
            .to_string()
        })
        .collect();
    // Every route of the router has a row.
    for (m, p, _) in chitieu_web::api::routes() {
        assert!(
            MATRIX
                .iter()
                .any(|(mm, pp, ..)| *mm == m.as_str() && *pp == p),
            "no row in the authorisation matrix for {m} {p}"
        );
    }
    let (mut child, base) = serve(db);
    let mut failures = Vec::new();
    for (k, (method, route, path, body, allowed)) in MATRIX.iter().enumerate() {
        for (w, who) in WHO.iter().enumerate() {
            let token = tokens.get(w).map(String::as_str);
            // Each allowed write must be new: a fresh name, and a term that does not overlap.
            let body = body.map(|b| {
                b.replace("NAME", &format!("new{k}{w}"))
                    .replace("0DAY", &format!("{}", w + 1))
            });
            let status = call(method, &format!("{base}{path}"), token, body.as_deref());
            let ok = (200..300).contains(&status);
            let denied = status == 401 || status == 403;
            if (allowed[w] && !ok) || (!allowed[w] && !denied) {
                failures.push(format!("{method} {route} as {who}: {status}"));
            }
        }
    }
    // A bad token is refused, not treated as anonymous.
    assert_eq!(
        call(
            "GET",
            &format!("{base}/api/v1/indicators"),
            Some("ct_wrong"),
            None
        ),
        401
    );
    child.kill().ok();
    child.wait().ok();
    assert!(failures.is_empty(), "{failures:#?}");
}
