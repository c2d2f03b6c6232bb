//! #34: the pages that list a province's or a nation's rows (reports, the evaluation, a
//! unit's page) are rendered once per snapshot for every reader of a role and unit, and sent
//! with each reader's own CSRF token; they change as soon as what they show changes, on this
//! server and on another sharing the database, records kept beside the snapshot (the
//! evaluation's rubric, a committee's members) included. A nation's units come to a form's
//! datalist from /unit-choices, kept by the browser until they change.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use chitieu_web::testing::TestServer;
use std::time::{Duration, Instant};

db_tests!(
    a_kept_page_carries_each_readers_own_token,
    a_kept_page_follows_records_kept_beside_the_snapshot,
    another_server_follows_a_rubric_change,
    unit_choices_come_after_the_page_within_the_readers_scope,
    the_assessment_answer_is_kept_until_a_figure_changes,
);

/// A rubric for 2025 as the standing office saves it on the evaluation page.
const RUBRIC: &[(&str, &str)] = &[
    ("year", "2025"),
    ("targets", "60"),
    ("tasks", "20"),
    ("reporting", "10"),
    ("quality", "10"),
    ("at_risk_credit", "50"),
    ("late_task_credit", "50"),
    ("defective_task_credit", "50"),
    ("excellent_quota", "20"),
    ("clusters", ""),
    ("titles", ""),
];

/// The rubric's version as the evaluation page states it: "phiên bản 2" (0 for the default).
fn rubric_version(page: &str) -> u32 {
    let at = page.find("id=\"rubric\">").expect("the rubric line");
    let line = &page[at..at + page[at..].find("</p>").unwrap()];
    line.split("phiên bản ")
        .nth(1)
        .and_then(|v| v.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Every form of `page` carries `csrf`, and no other token.
fn forms_carry(page: &str, csrf: &str, path: &str) {
    let forms = page.matches("name=\"_csrf\"").count();
    assert!(forms > 1, "{path}: a page with forms beyond sign-out");
    assert_eq!(
        page.matches(&format!("name=\"_csrf\" value=\"{csrf}\""))
            .count(),
        forms,
        "{path}: every form carries the reader's own token"
    );
    assert!(!page.contains('\u{1}'), "{path}: no placeholder left");
}

async fn a_kept_page_carries_each_readers_own_token(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "tt.mot", "secretariat", "19");
    add_user(db, "tt.hai", "secretariat", "19");
    let (_server, base) = serve(db);
    let one = session(&base, "tt.mot", PASSWORD);
    let two = session(&base, "tt.hai", PASSWORD);
    for path in ["/reports", "/evaluation?year=2025", "/units/TN.BCD"] {
        let (s, first) = get_status(&base, path, Some(&one));
        assert_eq!(s, 200, "{path}");
        let (_, second) = get_status(&base, path, Some(&two));
        let (a, b) = (form_token(&first), form_token(&second));
        assert_ne!(a, b);
        forms_carry(&first, &a, path);
        forms_carry(&second, &b, path);
    }
    // The second reader acts with the token of the page kept for the first: accepted.
    let (_, page) = get_status(&base, "/reports", Some(&two));
    let queued = &page[page.find("<ul class=\"waiting\">").expect("a queue")..];
    let field = |name: &str| {
        let at = queued.find(&format!("name=\"{name}\" value=\"")).unwrap() + name.len() + 15;
        queued[at..at + queued[at..].find('"').unwrap()].to_string()
    };
    let action = {
        let at = queued.find("name=\"action\" value=\"").unwrap() + 21;
        queued[at..at + queued[at..].find('"').unwrap()].to_string()
    };
    let (form, unit, period) = (field("form"), field("unit"), field("period"));
    let res = agent()
        .post(&format!("{base}/reports/act"))
        .header("cookie", &two)
        .send_form([
            ("_csrf", form_token(&page).as_str()),
            ("form", form.as_str()),
            ("unit", unit.as_str()),
            ("period", period.as_str()),
            ("action", action.as_str()),
            ("back", "/reports"),
        ])
        .unwrap();
    assert_eq!(
        res.status().as_u16(),
        303,
        "{form} {unit} {period} {action}"
    );
    // Both readers see the report moved: the kept page was made again.
    let row = format!("id=\"r-{form}-{unit}-{period}\" data-state=\"");
    for who in [&one, &two] {
        let (_, after) = get_status(&base, "/reports", Some(who));
        let at = after.find(&row).expect("listed") + row.len();
        let state = &after[at..at + after[at..].find('"').unwrap()];
        assert_ne!(state, "submitted", "{action} moved it");
    }
}

async fn a_kept_page_follows_records_kept_beside_the_snapshot(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "tt.mot", "secretariat", "19");
    add_user(db, "xem.mot", "viewer", "19");
    let (_server, base) = serve(db);
    let office = session(&base, "tt.mot", PASSWORD);
    let viewer = session(&base, "xem.mot", PASSWORD);
    let (_, before) = get_status(&base, "/evaluation?year=2025", Some(&viewer));
    let version = rubric_version(&before);
    let (_, unit_before) = get_status(&base, "/units/TN.BCD", Some(&viewer));
    assert!(!unit_before.contains("Trần Thị Kiểm Thử"));

    let (s, _, body) = post_page_form(
        &base,
        "/evaluation?year=2025",
        "/evaluation/rubric",
        &office,
        RUBRIC,
    );
    assert_eq!(s, 303, "{body}");
    let (_, after) = get_status(&base, "/evaluation?year=2025", Some(&viewer));
    assert_eq!(
        rubric_version(&after),
        version + 1,
        "the saved rubric, at once"
    );

    let (s, _, body) = post_page_form(
        &base,
        "/units/TN.BCD",
        "/units/TN.BCD/members",
        &office,
        &[
            ("person", "Trần Thị Kiểm Thử"),
            ("position", "member"),
            ("office", "Giám đốc Sở Nội vụ"),
            ("from", "2026-01-05"),
        ],
    );
    assert_eq!(s, 303, "{body}");
    let (_, unit_after) = get_status(&base, "/units/TN.BCD", Some(&viewer));
    assert!(unit_after.contains("Trần Thị Kiểm Thử"), "the new member");

    // Freezing the year: the page says so and no longer offers the freeze.
    let (_, page) = get_status(&base, "/evaluation?year=2025", Some(&office));
    assert!(page.contains("id=\"freeze-evaluation\""));
    let (s, _, body) = post_page_form(
        &base,
        "/evaluation?year=2025",
        "/evaluation/freeze",
        &office,
        &[("year", "2025"), ("confirm", "1")],
    );
    assert_eq!(s, 303, "{body}");
    let (_, page) = get_status(&base, "/evaluation?year=2025", Some(&office));
    assert!(!page.contains("id=\"freeze-evaluation\""));
    assert!(page.contains("Đã chốt ngày"));
}

async fn another_server_follows_a_rubric_change(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "tt.mot", "secretariat", "19");
    let (_a, base_a) = serve(db);
    let b = TestServer::start_at(&db.url, chitieu_store::testing::test_clock());
    let office = session(&base_a, "tt.mot", PASSWORD);
    let (_, page) = get_status(&b.base, "/evaluation?year=2025", Some(&office));
    let version = rubric_version(&page);
    let (s, _, body) = post_page_form(
        &base_a,
        "/evaluation?year=2025",
        "/evaluation/rubric",
        &office,
        RUBRIC,
    );
    assert_eq!(s, 303, "{body}");
    // Not a timing test: the wait is bounded only to fail instead of hang.
    let start = Instant::now();
    loop {
        let (_, page) = get_status(&b.base, "/evaluation?year=2025", Some(&office));
        if rubric_version(&page) == version + 1 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the other server kept its page"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

async fn unit_choices_come_after_the_page_within_the_readers_scope(db: &TestDb) {
    ok(db, &["demo"]);
    no_second_factor(db);
    add_user(db, "qt.tinh", "admin", "19");
    add_user(db, "qt.phuong", "admin", "5443");
    let (_server, base) = serve(db);
    let province = session(&base, "qt.tinh", PASSWORD);
    let ward = session(&base, "qt.phuong", PASSWORD);
    let (_, admin) = get_status(&base, "/admin", Some(&province));
    assert!(admin.contains("<datalist id=\"unit-choices\" data-src=\"/unit-choices\">"));
    assert!(
        !admin.contains("<option value=\"5443\">"),
        "the units are not in the page"
    );
    let choices = |cookie: &str, tag: Option<&str>| {
        let mut req = agent()
            .get(&format!("{base}/unit-choices"))
            .header("cookie", cookie);
        if let Some(tag) = tag {
            req = req.header("if-none-match", tag);
        }
        let mut res = req.call().unwrap();
        let etag = res
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_string());
        let body = res.body_mut().read_to_string().unwrap_or_default();
        (res.status().as_u16(), etag, body)
    };
    let (s, etag, all) = choices(&province, None);
    assert_eq!(s, 200);
    assert!(all.contains("<option value=\"5443\">Phường Phan Đình Phùng</option>"));
    assert!(all.contains("<option value=\"TN.SKHCN\">"));
    let (_, _, mine) = choices(&ward, None);
    assert!(mine.contains("<option value=\"5443\">"));
    assert!(!mine.contains("TN.SKHCN"), "only the ward's own scope");
    // The browser asks again with its tag: nothing to send until something changes.
    let etag = etag.expect("an ETag");
    let (s, _, body) = choices(&province, Some(&etag));
    assert_eq!((s, body.as_str()), (304, ""));
    let (s, _, _) = post_page_form(
        &base,
        "/admin",
        "/admin/units",
        &province,
        &[
            ("code", "TN.TTCDS"),
            ("name", "Trung tâm Chuyển đổi số tỉnh"),
            ("kind", "other"),
            ("parent", "19"),
        ],
    );
    assert_eq!(s, 303);
    let (s, again, all) = choices(&province, Some(&etag));
    assert_eq!(s, 200, "a new unit: the list again");
    assert_ne!(again.as_deref(), Some(etag.as_str()));
    assert!(all.contains("<option value=\"TN.TTCDS\">Trung tâm Chuyển đổi số tỉnh</option>"));
    // Only for people signed in.
    let (s, _) = get_status(&base, "/unit-choices", None);
    assert_ne!(s, 200);
}

/// The assessment API's answer is serialised once per snapshot: the same bytes until a
/// figure changes, then the new figure; a refused question is refused every time, never
/// kept as a fault.
async fn the_assessment_answer_is_kept_until_a_figure_changes(db: &TestDb) {
    ok(db, &["init"]);
    let admin = token(db, "he-thong", "admin", "19");
    let (_server, base) = serve(db);
    let url = format!("{base}/api/v1/assessment?unit=19");
    let latest = |rows: &serde_json::Value| {
        rows.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["indicator"] == "HT-5G")
            .max_by_key(|r| r["target_year"].as_i64())
            .map(|r| r["latest_value"].clone())
            .unwrap()
    };
    let (s, content_type, first) = api("GET", &url, Some(&admin), None);
    assert_eq!((s, content_type.as_str()), (200, "application/json"));
    assert_eq!(latest(&first), serde_json::Value::Null);
    assert_eq!(api("GET", &url, Some(&admin), None).2, first, "kept");
    let (s, body) = post_json(
        &format!("{base}/api/v1/values"),
        &admin,
        r#"{"values":[{"indicator":"HT-5G","unit":"19","period":"2026Q3","value":"55"}]}"#,
    );
    assert_eq!(s, 200, "{body}");
    let (_, _, after) = api("GET", &url, Some(&admin), None);
    assert_eq!(
        latest(&after),
        serde_json::json!("55"),
        "the new figure at once"
    );
    for _ in 0..2 {
        let (s, _, problem) = api("GET", &format!("{url}&method=guess"), Some(&admin), None);
        assert_eq!(s, 400, "{problem}");
    }
}
