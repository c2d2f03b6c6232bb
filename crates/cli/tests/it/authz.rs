//! The authorisation matrix: every API route × every role, plus anonymous and a user of
//! another unit. A route without a row fails the test.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;

db_tests!(every_api_route_checks_role_and_scope);

const WHO: [&str; 9] = [
    "admin",
    "secretariat",
    "head",
    "reporter",
    "viewer",
    "other_unit",
    "admin_5443",
    "secretariat_5443",
    "anonymous",
];

/// (method, route pattern, request path, body, allowed for each of WHO)
type Case = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    [bool; 9],
);

const VALUE: &str = r#"{"state":"draft","values":[{"indicator":"NL-CBX","unit":"5443","period":"QUARTER","numerator":1,"denominator":2}]}"#;

const DATA_VALUE_SET: &str = r#"{"orgUnit":"5443","period":"QUARTER","dataValues":[{"dataElement":"NL-CBX.numerator","value":"1"},{"dataElement":"NL-CBX.denominator","value":"2"}]}"#;

const ALL: [bool; 9] = [true; 9];
const SIGNED_IN: [bool; 9] = [true, true, true, true, true, true, true, true, false];
/// The province's administrators only.
const PROVINCE_ADMINS: [bool; 9] = [true, true, false, false, false, false, false, false, false];
/// Administrators whose scope holds ward 5443: the province's and the ward's own.
const WARD_ADMINS: [bool; 9] = [true, true, false, false, false, false, true, true, false];

const MATRIX: &[Case] = &[
    (
        "GET",
        "/api/v1/openapi.json",
        "/api/v1/openapi.json",
        None,
        ALL,
    ),
    ("GET", "/api/v1/indicators", "/api/v1/indicators", None, ALL),
    (
        "GET",
        "/api/v1/indicators/{code}",
        "/api/v1/indicators/HT-5G",
        None,
        SIGNED_IN,
    ),
    ("GET", "/api/v1/assessment", "/api/v1/assessment", None, ALL),
    (
        "GET",
        "/api/v1/early-warning",
        "/api/v1/early-warning",
        None,
        SIGNED_IN,
    ),
    (
        "GET",
        "/api/v1/figures",
        "/api/v1/figures?indicator=NL-CBX&unit=5443&period=2025",
        None,
        SIGNED_IN,
    ),
    (
        "GET",
        "/api/v1/units",
        "/api/v1/units?parent=19",
        None,
        SIGNED_IN,
    ),
    (
        "GET",
        "/api/v1/units/{code}",
        "/api/v1/units/5443",
        None,
        SIGNED_IN,
    ),
    (
        "GET",
        "/api/v1/values",
        "/api/v1/values?unit=5443",
        None,
        [true, true, true, true, true, false, true, true, false],
    ),
    (
        "POST",
        "/api/v1/values",
        "/api/v1/values",
        Some(VALUE),
        [true, true, true, true, false, false, true, true, false],
    ),
    (
        "POST",
        "/api/v1/dataValueSets",
        "/api/v1/dataValueSets",
        Some(DATA_VALUE_SET),
        [true, true, true, true, false, false, true, true, false],
    ),
    ("GET", "/api/v1/tasks", "/api/v1/tasks", None, SIGNED_IN),
    (
        "GET",
        "/api/v1/tasks/{code}",
        "/api/v1/tasks/NV-01",
        None,
        SIGNED_IN,
    ),
    ("GET", "/api/v1/me", "/api/v1/me", None, SIGNED_IN),
    (
        "GET",
        "/api/v1/committees/{code}",
        "/api/v1/committees/TN.BCD",
        None,
        SIGNED_IN,
    ),
    // A committee's records are kept by the administrators whose scope holds it.
    (
        "POST",
        "/api/v1/committees/{code}/members",
        "/api/v1/committees/TN.BCD/members",
        Some(
            r#"{"person":"Người NAME","position":"member","office":"Ủy viên","from":"2026-01-0DAY"}"#,
        ),
        PROVINCE_ADMINS,
    ),
    (
        "POST",
        "/api/v1/committees/{code}/members",
        "/api/v1/committees/P5443.VP/members",
        Some(
            r#"{"person":"Người NAME","position":"member","office":"Ủy viên","from":"2026-01-0DAY"}"#,
        ),
        WARD_ADMINS,
    ),
    (
        "POST",
        "/api/v1/committees/{code}/meetings",
        "/api/v1/committees/TN.BCD/meetings",
        Some(
            r#"{"held_on":"2026-03-0DAY","kind":"Phiên họp","chair":"Trưởng ban","conclusion_number":"NAME/TB-BCĐ"}"#,
        ),
        PROVINCE_ADMINS,
    ),
    (
        "POST",
        "/api/v1/committees/{code}/meetings",
        "/api/v1/committees/P5443.VP/meetings",
        Some(
            r#"{"held_on":"2026-03-0DAY","kind":"Phiên họp","chair":"Trưởng ban","conclusion_number":"NAME/TB-P"}"#,
        ),
        WARD_ADMINS,
    ),
    (
        "GET",
        "/api/v1/programmes",
        "/api/v1/programmes?unit=5443&year=2026",
        None,
        SIGNED_IN,
    ),
    (
        "GET",
        "/api/v1/evaluation",
        "/api/v1/evaluation?year=2025",
        None,
        SIGNED_IN,
    ),
    // The year's evaluation is frozen by the province's standing office (each caller a year
    // of its own: a year is frozen once).
    (
        "POST",
        "/api/v1/evaluation/{year}/freeze",
        "/api/v1/evaluation/YEAR/freeze",
        None,
        PROVINCE_ADMINS,
    ),
    // The ties at the cut of excellent: read by anyone signed in, the council's decision
    // recorded by the province's standing office (choosing none is a decision too).
    (
        "GET",
        "/api/v1/evaluation/{year}/ties",
        "/api/v1/evaluation/2025/ties",
        None,
        SIGNED_IN,
    ),
    (
        "POST",
        "/api/v1/evaluation/{year}/ties",
        "/api/v1/evaluation/2025/ties",
        Some(r#"{"group":"communes","units":[],"number":"01/QĐ-HĐTĐKT","date":"2026-01-15"}"#),
        PROVINCE_ADMINS,
    ),
    // A programme is signed off by its unit's head, no one else.
    (
        "POST",
        "/api/v1/programmes/{unit}/{year}/sign",
        "/api/v1/programmes/5443/2026/sign",
        None,
        [false, false, true, false, false, false, false, false, false],
    ),
    // Assigning work: the standing office within its scope, a unit's head for its own unit.
    (
        "POST",
        "/api/v1/tasks",
        "/api/v1/tasks",
        Some(
            r#"{"code":"NV-NAME","title":"Nhiệm vụ mới","lead_unit":"5443","deadline":"2027-06-30"}"#,
        ),
        [true, true, true, false, false, false, true, true, false],
    ),
    (
        "POST",
        "/api/v1/tasks",
        "/api/v1/tasks",
        Some(
            r#"{"code":"NV-NAME","title":"Nhiệm vụ mới","lead_unit":"TN.SKHCN","deadline":"2027-06-30"}"#,
        ),
        [true, true, false, false, false, false, false, false, false],
    ),
    (
        "PATCH",
        "/api/v1/tasks/{code}",
        "/api/v1/tasks/NV-10",
        Some(r#"{"expected_product":"Sản phẩm NAME"}"#),
        [true, true, true, false, false, false, true, true, false],
    ),
    (
        "PATCH",
        "/api/v1/tasks/{code}",
        "/api/v1/tasks/NV-05",
        Some(r#"{"expected_product":"Sản phẩm NAME"}"#),
        [true, true, false, false, false, false, false, false, false],
    ),
    (
        "POST",
        "/api/v1/tasks/{code}/progress",
        "/api/v1/tasks/NV-10/progress",
        Some(r#"{"progress":60,"note":"API"}"#),
        [true, true, true, true, false, false, true, true, false],
    ),
    // Targets: the province's only by the province's administrators; a ward's also by the
    // ward's.
    (
        "POST",
        "/api/v1/targets",
        "/api/v1/targets",
        Some(
            r#"{"indicator":"KT-SME","unit":"19","year":2027,"comparator":">","value":50,"wording":"Thử"}"#,
        ),
        PROVINCE_ADMINS,
    ),
    (
        "POST",
        "/api/v1/targets",
        "/api/v1/targets",
        Some(
            r#"{"indicator":"NL-CBX","unit":"5443","year":2027,"comparator":">=","value":"85","wording":"Thử"}"#,
        ),
        WARD_ADMINS,
    ),
    // Heads: a department of the province, and an office inside the ward.
    (
        "POST",
        "/api/v1/heads",
        "/api/v1/heads",
        Some(
            r#"{"unit":"TN.STP","person":"NAME","title":"Giám đốc Sở","term_start":"2030-01-0DAY","term_end":"2030-01-0DAY"}"#,
        ),
        PROVINCE_ADMINS,
    ),
    (
        "POST",
        "/api/v1/heads",
        "/api/v1/heads",
        Some(
            r#"{"unit":"P5443.VP","person":"NAME","title":"Chánh Văn phòng","term_start":"2031-01-0DAY","term_end":"2031-01-0DAY"}"#,
        ),
        WARD_ADMINS,
    ),
    // Accounts: never outside the creator's scope, never a role above the creator's.
    (
        "POST",
        "/api/v1/users",
        "/api/v1/users",
        Some(r#"{"login":"NAME","role":"viewer","unit":"5443","password":"mot-mat-khau-dai"}"#),
        WARD_ADMINS,
    ),
    (
        "POST",
        "/api/v1/users",
        "/api/v1/users",
        Some(r#"{"login":"NAME","role":"admin","unit":"19","password":"mot-mat-khau-dai"}"#),
        [true, false, false, false, false, false, false, false, false],
    ),
    (
        "POST",
        "/api/v1/users",
        "/api/v1/users",
        Some(r#"{"login":"NAME","role":"admin","unit":"5443","password":"mot-mat-khau-dai"}"#),
        [true, false, false, false, false, false, true, false, false],
    ),
    ("GET", "/api/v1/users", "/api/v1/users", None, WARD_ADMINS),
    // Reports: forms, lists and completeness for anyone signed in (scoped to their unit);
    // a transition by the roles of the state machine only (409 from a state that does not
    // allow it still means the role and unit passed).
    ("GET", "/api/v1/forms", "/api/v1/forms", None, SIGNED_IN),
    ("GET", "/api/v1/reports", "/api/v1/reports", None, SIGNED_IN),
    ("GET", "/api/v1/report", "/api/v1/report", None, SIGNED_IN),
    (
        "GET",
        "/api/v1/completeness",
        "/api/v1/completeness",
        None,
        SIGNED_IN,
    ),
    (
        "POST",
        "/api/v1/reports/{form}/{unit}/{period}/{action}",
        "/api/v1/reports/BC57-XA-QUY/5443/QUARTER/submit",
        None,
        [false, false, true, true, false, false, false, false, false],
    ),
    (
        "POST",
        "/api/v1/reports/{form}/{unit}/{period}/{action}",
        "/api/v1/reports/BC57-XA-QUY/5443/QUARTER/reopen",
        Some(r#"{"reason":"kiểm tra quyền"}"#),
        [false, true, false, false, false, false, false, false, false],
    ),
    // Tokens: administrators only, within their scope and role.
    (
        "POST",
        "/api/v1/tokens",
        "/api/v1/tokens",
        Some(r#"{"name":"NAME","role":"viewer","unit":"5443"}"#),
        [true, false, false, false, false, false, true, false, false],
    ),
    (
        "POST",
        "/api/v1/tokens",
        "/api/v1/tokens",
        Some(r#"{"name":"NAME","role":"admin","unit":"19"}"#),
        [true, false, false, false, false, false, false, false, false],
    ),
    (
        "GET",
        "/api/v1/tokens",
        "/api/v1/tokens",
        None,
        [true, false, false, false, false, false, true, false, false],
    ),
    (
        "DELETE",
        "/api/v1/tokens/{name}",
        "/api/v1/tokens/victim5443",
        None,
        [true, false, false, false, false, false, true, false, false],
    ),
    (
        "DELETE",
        "/api/v1/tokens/{name}",
        "/api/v1/tokens/victim19",
        None,
        [true, false, false, false, false, false, false, false, false],
    ),
    (
        "GET",
        "/api/v1/upstream",
        "/api/v1/upstream",
        None,
        PROVINCE_ADMINS,
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
        ("PATCH", b) => {
            let mut r = agent.patch(url).header("Content-Type", "application/json");
            if let Some(t) = token {
                r = r.header("Authorization", &format!("Bearer {t}"));
            }
            r.send(b.unwrap_or("{}"))
        }
        ("DELETE", _) => {
            let mut r = agent.delete(url);
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
        ("admin", "5443"),
        ("secretariat", "5443"),
    ];
    // An office inside the ward, for heads within the ward administrators' scope, and two
    // tokens to revoke.
    {
        let store = db.store().await;
        store
            .upsert_units(
                &[chitieu_domain::Unit {
                    code: chitieu_domain::UnitCode::parse("P5443.VP").unwrap(),
                    name: "Văn phòng phường".into(),
                    kind: chitieu_domain::UnitKind::Other,
                    division_type: None,
                    parent: Some(chitieu_domain::UnitCode::commune(5443)),
                    valid_from: chitieu_domain::unit::two_tier_start(),
                    valid_to: None,
                    population: None,
                    officials: None,
                    successors: vec![],
                }],
                "test",
                "test",
            )
            .await
            .unwrap();
    }
    for (name, unit) in [("victim5443", "5443"), ("victim19", "19")] {
        ok(
            db,
            &[
                "token", "add", "--name", name, "--role", "viewer", "--unit", unit,
            ],
        );
    }
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
    // The latest quarter is still open in the demo; earlier ones are accepted and locked.
    let quarter = chitieu_domain::Period::last_complete(
        chitieu_domain::PeriodKind::Quarter,
        chitieu_store::testing::test_clock().today(),
    )
    .to_string();
    let (server, base) = serve(db);
    let mut failures = Vec::new();
    // Every admin route has a row inside and a row outside the scoped administrators' unit.
    for (m, p, _) in chitieu_web::api::routes() {
        let rows: Vec<&Case> = MATRIX
            .iter()
            .filter(|(mm, pp, ..)| *mm == m.as_str() && *pp == p)
            .collect();
        let admin_route = rows.iter().any(|r| !r.4[2] && r.4[0]);
        // The year's evaluation belongs to the plan's owner: no unit below has one of its own,
        // so its row shows a ward's administrators refused.
        let owner_only = p.starts_with("/api/v1/evaluation/{year}/");
        if admin_route && m != axum::http::Method::GET && !owner_only {
            assert!(
                rows.iter().any(|r| r.4[6]) && rows.iter().any(|r| !r.4[6]),
                "{m} {p}: rows inside and outside the scoped administrator's unit"
            );
        }
    }
    for (k, (method, route, path, body, allowed)) in MATRIX.iter().enumerate() {
        for (w, who) in WHO.iter().enumerate() {
            let token = tokens.get(w).map(String::as_str);
            // Each allowed write must be new: a fresh name, and a term that does not overlap.
            let body = body.map(|b| {
                b.replace("NAME", &format!("new{k}{w}"))
                    .replace("0DAY", &format!("{}", w + 1))
                    .replace("QUARTER", &quarter)
            });
            let path = path
                .replace("QUARTER", &quarter)
                .replace("YEAR", &format!("{}", 2016 + w));
            let status = call(method, &format!("{base}{path}"), token, body.as_deref());
            let ok = (200..300).contains(&status) || (status == 409 && route.contains("{action}"));
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
    drop(server);
    assert!(failures.is_empty(), "{failures:#?}");
}
