//! Verdicts on target years that are over, recurring targets and the one status vocabulary,
//! as the command line, the API and the pages show them.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use serde_json::Value;

db_tests!(
    a_missed_2025_target_is_not_achieved_everywhere,
    a_recurring_target_is_judged_year_by_year,
    a_recurring_target_is_set_in_the_api_and_the_admin_form,
    an_as_of_day_beyond_the_years_is_refused,
);

const PASSWORD: &str = "mat-khau-du-dai-123";

pub(crate) fn import(db: &TestDb, csv: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.csv");
    std::fs::write(
        &path,
        format!("indicator,unit,period,value,numerator,denominator,comment\n{csv}"),
    )
    .unwrap();
    // Official figures, as the statistics office published them.
    ok(
        db,
        &[
            "values",
            "import",
            "--state",
            "accepted",
            path.to_str().unwrap(),
        ],
    );
}

fn user(db: &TestDb, login: &str, role: &str) {
    let out = chitieu_stdin(
        db,
        &[
            "user", "add", "--login", login, "--role", role, "--unit", "19",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn page(base: &str, path: &str, cookie: Option<&str>) -> String {
    let mut r = agent().get(&format!("{base}{path}"));
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    let mut res = r.call().unwrap();
    assert_eq!(res.status().as_u16(), 200, "{path}");
    res.body_mut().read_to_string().unwrap()
}

fn assess(db: &TestDb, method: &str, as_of: &str) -> Vec<Value> {
    let out = ok(
        db,
        &["assess", "--json", "--method", method, "--as-of", as_of],
    );
    serde_json::from_str::<Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn row<'a>(rows: &'a [Value], indicator: &str, year: i64) -> &'a Value {
    rows.iter()
        .find(|r| r["indicator"] == indicator && r["target_year"] == year)
        .unwrap_or_else(|| panic!("no row for {indicator} {year}"))
}

/// The part of a page from a marker to the end of its element's block, to look inside one
/// card or one table row.
fn around<'a>(html: &'a str, marker: &str, len: usize) -> &'a str {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not on the page"));
    &html[at..(at + len).min(html.len())]
}

/// DT-GRDP: 1,85 % in 2025 against "≥ 2 % in 2025". In 2026 that is a final verdict, not
/// progress, whatever the method, on the command line, the API, the overview and the public
/// page.
async fn a_missed_2025_target_is_not_achieved_everywhere(db: &TestDb) {
    ok(db, &["init"]);
    import(
        db,
        "DT-GRDP,19,2024,,2400,160000,\nDT-GRDP,19,2025,,3145,170000,\n",
    );
    for method in ["target", "unsd2022", "opensdg", "projection"] {
        let rows = assess(db, method, "2026-06-01");
        let r = row(&rows, "DT-GRDP", 2025);
        assert_eq!(r["status"], "not_achieved", "{method}: {r}");
        assert_eq!(r["final"], true, "{method}");
        assert_eq!(r["latest_value"], "1.85", "the value that decided it");
        assert_eq!(r["latest_year"], 2025);
        // The 2030 target is ahead: progress, never a verdict.
        let ahead = row(&rows, "DT-GRDP", 2030);
        assert_eq!(ahead["final"], false);
        assert_ne!(ahead["status"], "not_achieved", "{method}");
    }
    // Inside 2025 the same figure is still progress.
    let rows = assess(db, "unsd2022", "2025-12-31");
    assert_ne!(row(&rows, "DT-GRDP", 2025)["status"], "not_achieved");
    // The table on the terminal says it in words.
    let table = ok(db, &["assess", "--as-of", "2026-06-01"]);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("DT-GRDP") && l.contains("(2025)") && l.contains("Không đạt")),
        "{table}"
    );
    user(db, "xem", "viewer");
    let (server, base) = serve(db);
    let api: Value = serde_json::from_str(&page(
        &base,
        "/api/v1/assessment?as_of=2026-06-01&method=opensdg",
        None,
    ))
    .unwrap();
    let r = row(api.as_array().unwrap(), "DT-GRDP", 2025);
    assert_eq!(
        (&r["status"], &r["final"]),
        (&"not_achieved".into(), &true.into())
    );
    let cookie = session(&base, "xem", PASSWORD);
    let overview = page(&base, "/", Some(&cookie));
    let card = around(&overview, "href=\"/indicators/DT-GRDP\"", 1500);
    assert!(
        card.contains(
            // With its own year's figure (#32), not beside a later one.
            "Tối thiểu 2 % GRDP (2025) — 1,85 % GRDP (năm 2025)</span> <span class=\"badge s-missed\">Không đạt</span>"
        ),
        "{card}"
    );
    assert!(!card.contains("Có tiến triển"), "{card}");
    let public = page(&base, "/public", None);
    let line = around(&public, "(2025)", 200);
    assert!(public.contains("1,85 % GRDP (Năm 2025)"), "{public}");
    assert!(
        line.contains("s-missed\">Không đạt")
            || public.contains(
                "Tối thiểu 2 % GRDP (2025)</td><td><span class=\"badge s-missed\">Không đạt"
            ),
        "{public}"
    );
    // The missed target is on the list the counter leads to, and nothing else is.
    let list = page(&base, "/targets?status=not_achieved", Some(&cookie));
    assert!(list.contains("/indicators/DT-GRDP"), "{list}");
    assert_eq!(list.matches("<tr data-status=").count(), 1, "{list}");
    drop(server);
}

/// ST-SPDM: "every year more than 60 products", a sentence of the 2030 vision: judged each
/// year of 2026–2030 (#32: 2025 once got a "Không đạt" the province never set). Its 2025
/// figure stands without a verdict; 2026, over by March 2027, gets one; the API lists a target
/// for each year.
async fn a_recurring_target_is_judged_year_by_year(db: &TestDb) {
    ok(db, &["init"]);
    import(
        db,
        "ST-SPDM,19,2025Q1,12,,,\nST-SPDM,19,2025Q2,14,,,\nST-SPDM,19,2025Q3,15,,,\nST-SPDM,19,2025Q4,11,,,\n\
         ST-SPDM,19,2026Q1,12,,,\nST-SPDM,19,2026Q2,14,,,\nST-SPDM,19,2026Q3,15,,,\n",
    );
    let rows = assess(db, "unsd2022", "2027-05-01");
    let spdm: Vec<&Value> = rows
        .iter()
        .filter(|r| r["indicator"] == "ST-SPDM")
        .collect();
    assert_eq!(spdm.len(), 5, "one row per year 2026–2030");
    assert!(
        spdm.iter().all(|r| r["target_year"] != 2025),
        "no 2025 verdict"
    );
    let y2026 = row(&rows, "ST-SPDM", 2026);
    // 12 + 14 + 15 = 41 when the year is over, not above 60.
    assert_eq!(y2026["status"], "not_achieved", "{y2026}");
    assert_eq!(y2026["latest_value"], "41");
    assert_eq!(y2026["final"], true);
    let y2027 = row(&rows, "ST-SPDM", 2027);
    assert_eq!(y2027["current"], true);
    assert_eq!(y2027["final"], false);
    assert_ne!(y2027["status"], "not_achieved");
    assert_eq!(y2027["every_year"]["from"], 2026);
    user(db, "xem", "viewer");
    let (server, base) = serve(db);
    let cookie = session(&base, "xem", PASSWORD);
    let overview = page(&base, "/", Some(&cookie));
    let card = around(&overview, "href=\"/indicators/ST-SPDM\"", 1500);
    // Today (05/12/2026) the year 2026 is in progress: its line, no verdict, none for 2025.
    let today = assess(db, "unsd2022", "2026-12-05");
    let now = row(&today, "ST-SPDM", 2026);
    let status_2026 = chitieu_domain::Status::from_code(now["status"].as_str().unwrap())
        .unwrap()
        .label_vi();
    assert!(
        card.contains("(2026, mỗi năm 2026–2030)</span> <span class=\"badge"),
        "{card}"
    );
    assert!(card.contains(status_2026), "{card}");
    assert!(!card.contains("(2025"), "no 2025 target: {card}");
    // Later years repeat this year's question: not on the page.
    assert!(!card.contains("(2027"), "{card}");
    drop(server);
}

/// A recurring target set through the API and through the admin form is stored for every
/// year of its span, and a bad span is refused with its reason.
async fn a_recurring_target_is_set_in_the_api_and_the_admin_form(db: &TestDb) {
    ok(db, &["init"]);
    no_second_factor(db);
    let token = ok(
        db,
        &[
            "token", "add", "--name", "ke-hoach", "--role", "admin", "--unit", "19",
        ],
    );
    let token = token.trim().to_string();
    user(db, "quan.tri", "admin");
    let (server, base) = serve(db);
    let post = |body: Value| {
        agent()
            .post(&format!("{base}/api/v1/targets"))
            .header("Authorization", &format!("Bearer {token}"))
            .header("content-type", "application/json")
            .send(body.to_string())
            .unwrap()
    };
    let mut res = post(serde_json::json!({
        "indicator": "ST-NVKH", "unit": "19", "every_year": true, "from": 2026, "to": 2028,
        "comparator": ">", "value": "30", "wording": "Mỗi năm triển khai trên 30 nhiệm vụ"
    }));
    assert_eq!(
        res.status().as_u16(),
        200,
        "{}",
        res.body_mut().read_to_string().unwrap()
    );
    let years = |base: &str| -> Vec<(i64, bool)> {
        let list: Value = serde_json::from_str(&page(base, "/api/v1/indicators", None)).unwrap();
        list.as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == "ST-NVKH")
            .unwrap()["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["year"].as_i64().unwrap(), t["every_year"] == true))
            .collect()
    };
    assert_eq!(
        years(&base),
        [(2025, false), (2026, true), (2027, true), (2028, true)]
    );
    // A span the wrong way round: 422 with the reason, nothing changed.
    let mut res = post(serde_json::json!({
        "indicator": "ST-NVKH", "unit": "19", "every_year": true, "from": 2029, "to": 2027,
        "comparator": ">", "value": "30", "wording": "x"
    }));
    assert_eq!(res.status().as_u16(), 422);
    assert!(
        res.body_mut()
            .read_to_string()
            .unwrap()
            .contains("sau năm cuối")
    );
    // The admin form narrows the span: the years it no longer covers are gone.
    let admin = session(&base, "quan.tri", PASSWORD);
    let csrf = page_csrf(&base, "/admin", &admin);
    let res = agent()
        .post(&format!("{base}/admin/targets"))
        .header("cookie", &admin)
        .send_form([
            ("_csrf", csrf.as_str()),
            ("indicator", "ST-NVKH"),
            ("unit", ""),
            ("year", ""),
            ("every_year", "1"),
            ("from", "2026"),
            ("to", "2027"),
            ("comparator", ">="),
            ("value", "31"),
            ("wording", "Mỗi năm ít nhất 31 nhiệm vụ"),
        ])
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(years(&base), [(2025, false), (2026, true), (2027, true)]);
    let admin_page = page(&base, "/admin", Some(&admin));
    assert!(
        admin_page.contains("≥ 31 (mỗi năm 2026–2027)"),
        "{admin_page}"
    );
    drop(server);
}

/// An as-of day in a year no period can name (9999) is refused with the reason, on the API
/// and the command line; it took the request down (an overflow in the engine's period keys).
async fn an_as_of_day_beyond_the_years_is_refused(db: &TestDb) {
    ok(db, &["demo"]);
    let viewer = ok(
        db,
        &[
            "token", "add", "--name", "xem", "--role", "viewer", "--unit", "19",
        ],
    )
    .trim()
    .to_string();
    let (server, base) = serve(db);
    for path in [
        "/api/v1/assessment?as_of=9999-01-01",
        "/api/v1/assessment?as_of=1066-10-14&method=opensdg",
        "/api/v1/early-warning?as_of=9999-01-01",
    ] {
        let mut res = agent()
            .get(&format!("{base}{path}"))
            .header("Authorization", &format!("Bearer {viewer}"))
            .call()
            .unwrap();
        assert_eq!(res.status().as_u16(), 400, "{path}");
        let body = res.body_mut().read_to_string().unwrap();
        assert!(
            body.contains("as_of") && body.contains("1900–2200"),
            "{body}"
        );
    }
    // The server is still there, and a day in range still answers.
    let ok_day: Value =
        serde_json::from_str(&page(&base, "/api/v1/assessment?as_of=2200-12-31", None)).unwrap();
    assert!(!ok_day.as_array().unwrap().is_empty());
    drop(server);
    let err = fails(db, &["assess", "--as-of", "9999-01-01"]);
    assert!(err.contains("as_of") && err.contains("1900–2200"), "{err}");
}
