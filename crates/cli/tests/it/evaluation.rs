//! The annual evaluation (#13): scores whose lines add up, ratings by the official bands, the
//! same answer on the API, the command line and the pages, and a frozen year that later data
//! do not change while the live view shows the difference.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::evaluation::Setting;
use chitieu_store::testing::TestDb;
use serde_json::Value;

db_tests!(
    a_product_below_requirements_costs_part_of_its_task,
    every_unit_is_scored_line_by_line_the_same_everywhere,
    a_frozen_year_stays_as_frozen_and_the_live_view_shows_what_differs,
    the_standing_office_sets_the_rubric_and_edits_the_proposals,
);

fn get(base: &str, path: &str, token: &str) -> (u16, Value) {
    let (s, _, v) = api("GET", &format!("{base}{path}"), Some(token), None);
    (s, v)
}

fn unit<'a>(list: &'a Value, code: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == code)
        .unwrap_or_else(|| panic!("{code} in {list}"))
}

async fn every_unit_is_scored_line_by_line_the_same_everywhere(db: &TestDb) {
    ok(db, &["demo"]);
    let viewer = token(db, "xem", "viewer", "19");
    let (server, base) = serve(db);
    let (s, list) = get(&base, "/api/v1/evaluation?year=2025", &viewer);
    assert_eq!(s, 200, "{list}");
    let units = list.as_array().unwrap();
    assert!(units.len() > 80, "departments, communes and wards");
    let labels = [
        ("excellent", "Hoàn thành xuất sắc nhiệm vụ"),
        ("good", "Hoàn thành tốt nhiệm vụ"),
        ("complete", "Hoàn thành nhiệm vụ"),
        ("not_complete", "Không hoàn thành nhiệm vụ"),
    ];
    for u in units {
        assert!(["department", "commune", "ward"].contains(&u["kind"].as_str().unwrap()));
        let Some(score) = figure(&u["score"]) else {
            assert!(u["rating"].is_null() && u["rank"].is_null(), "{u}");
            continue;
        };
        let lines = u["lines"].as_array().unwrap();
        let points: f64 = lines.iter().map(|l| figure(&l["points"]).unwrap()).sum();
        let max: f64 = lines
            .iter()
            .map(|l| figure(&l["max_points"]).unwrap())
            .sum();
        assert!((points - score).abs() < 0.006, "{u}");
        assert!((max - 100.0).abs() < 1e-6, "{u}");
        for l in lines {
            assert!(l["source"].as_str().unwrap().starts_with('/'), "{l}");
            assert!(!l["reason"].as_str().unwrap().is_empty(), "{l}");
        }
        let rating = u["rating"].as_str().unwrap();
        let label = labels.iter().find(|(r, _)| *r == rating).unwrap().1;
        assert_eq!(u["rating_label"], label, "{u}");
        // The band caps the rating; the quota may only lower "excellent" to "good".
        let band = if score >= 90.0 {
            "excellent"
        } else if score >= 70.0 {
            "good"
        } else if score >= 50.0 {
            "complete"
        } else {
            "not_complete"
        };
        assert!(
            rating == band || (band == "excellent" && rating == "good"),
            "{u}"
        );
        assert!(u["rank"].as_u64().unwrap() >= 1);
    }
    // The department of science answers for the province's 5G target, met in 2025.
    let skhcn = unit(&list, "TN.SKHCN");
    assert_eq!(skhcn["group"], "departments");
    let g5 = skhcn["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["source"] == "/indicators/HT-5G?unit=19")
        .expect("the 5G target is on the department's scorecard");
    // In the plan's words (#32): the name, the target as worded, the verdict, the figure
    // with its unit and its period in words.
    assert_eq!(
        g5["reason"],
        "Tỷ lệ phủ sóng 5G trên toàn tỉnh, năm 2025: Trên 60 % — Đạt; số liệu mới nhất 87,7 % (quý IV/2025)"
    );
    assert!(figure(&g5["points"]).unwrap() > 0.0, "{g5}");
    assert_eq!(g5["points"], g5["max_points"]);
    assert_eq!(g5["source"], "/indicators/HT-5G?unit=19");
    // Its director is attributed the year from the day he took office.
    let heads = skhcn["heads"].as_array().unwrap();
    assert!(!heads.is_empty(), "{skhcn}");
    assert!(figure(&heads[0]["share"]).unwrap() > 0.0);
    // A ward answers through both its chairman and its Party secretary: both carry its year,
    // from the day the ward was formed (1 July 2025).
    let ward = unit(&list, "5443");
    let offices: Vec<&str> = ward["heads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["office"].as_str().unwrap())
        .collect();
    assert!(
        offices.contains(&"authority") && offices.contains(&"party"),
        "{ward}"
    );
    for h in ward["heads"].as_array().unwrap() {
        assert_eq!(h["from"], "2025-07-01", "{h}");
        assert_eq!(h["days"], 184, "{h}");
    }
    // The department changed director on 1 April 2026: its 2026 result is carried 90 days by
    // the one and the rest of the year so far by the other.
    let (_, y2026) = get(&base, "/api/v1/evaluation?year=2026", &viewer);
    let heads26 = unit(&y2026, "TN.SKHCN")["heads"]
        .as_array()
        .unwrap()
        .clone();
    let end = chitieu_store::testing::test_clock()
        .today()
        .min(chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
    let april = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    let days = |p: &str| {
        heads26
            .iter()
            .find(|h| h["person"] == p)
            .unwrap_or_else(|| panic!("{p} in {heads26:?}"))["days"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(days("Lê Quang Huy"), 90);
    assert_eq!(days("Phạm Thu Trang"), (end - april).num_days() + 1);
    let shares: f64 = heads26.iter().map(|h| figure(&h["share"]).unwrap()).sum();
    assert!((shares - 1.0).abs() < 1e-9, "{heads26:?}");
    // The command line gives the same.
    let cli: Value =
        serde_json::from_str(&ok(db, &["evaluate", "--year", "2025", "--json"])).unwrap();
    assert_eq!(
        unit(&cli, "TN.SKHCN")["score"],
        skhcn["score"],
        "the API and the command line agree"
    );
    let one = ok(db, &["evaluate", "--year", "2025", "--unit", "TN.SKHCN"]);
    assert!(
        one.contains("Tỷ lệ phủ sóng 5G") && one.contains("Sở Khoa học"),
        "{one}"
    );
    // A year not begun, and a unit not evaluated, are refused with the reason.
    let err = fails(db, &["evaluate", "--year", "2999"]);
    assert!(err.contains("2999"), "{err}");
    let (s, v) = get(&base, "/api/v1/evaluation?year=2999", &viewer);
    assert_eq!(s, 422, "{v}");
    let (s, _) = get(&base, "/api/v1/evaluation?year=abc", &viewer);
    assert_eq!(s, 400);
    // The pages: the table, the scorecard with its lines, the head's scorecard.
    add_user(db, "xem.dg", "viewer", "19");
    let cookie = session(&base, "xem.dg", PASSWORD);
    let (s, html) = get_status(&base, "/evaluation?year=2025", Some(&cookie));
    assert_eq!(s, 200);
    assert!(
        html.contains("Sở Khoa học và Công nghệ") && html.contains("Nghị định 335/2025/NĐ-CP"),
        "{html}"
    );
    assert!(
        !html.contains("id=\"freeze-evaluation\""),
        "a viewer does not freeze"
    );
    let (s, html) = get_status(
        &base,
        "/evaluation?year=2025&group=departments",
        Some(&cookie),
    );
    assert_eq!(s, 200);
    assert!(
        !html.contains("data-unit=\"5443\""),
        "filtered by peer group"
    );
    let (s, card) = get_status(&base, "/evaluation/TN.SKHCN?year=2025", Some(&cookie));
    assert_eq!(s, 200);
    assert!(
        card.contains("href=\"/indicators/HT-5G?unit=19\"") && card.contains("Phiếu điểm"),
        "{card}"
    );
    let person = heads[0]["person"].as_str().unwrap();
    let (s, head) = get_status(
        &base,
        &format!("/evaluation/heads?person={}", person.replace(' ', "%20")),
        Some(&cookie),
    );
    assert_eq!(s, 200, "{person}");
    assert!(head.contains("data-unit=\"TN.SKHCN\""), "{head}");
    let (s, _) = get_status(&base, "/evaluation/NOPE?year=2025", Some(&cookie));
    assert_eq!(s, 404);
    drop(server);
}

async fn a_frozen_year_stays_as_frozen_and_the_live_view_shows_what_differs(db: &TestDb) {
    ok(db, &["demo"]);
    let office = token(db, "tt", "secretariat", "19");
    let viewer = token(db, "xem", "viewer", "19");
    let (server, base) = serve(db);
    let post = |path: &str, t: &str, body: Option<&str>| {
        let (s, _, v) = api(
            "POST",
            &format!("{base}{path}"),
            Some(t),
            body.map(|b| ("application/json", b)),
        );
        (s, v)
    };
    let (s, _) = get(&base, "/api/v1/evaluation?year=2025&frozen=true", &viewer);
    assert_eq!(s, 404, "not frozen yet");
    assert_eq!(post("/api/v1/evaluation/2025/freeze", &viewer, None).0, 403);
    let (s, v) = post("/api/v1/evaluation/2025/freeze", &office, None);
    assert_eq!(s, 200, "{v}");
    let (s, v) = post("/api/v1/evaluation/2025/freeze", &office, None);
    assert_eq!(s, 409, "frozen once: {v}");
    assert_eq!(v["code"], "frozen");
    // The store itself refuses a rubric or proposals for a frozen year, inside the write's
    // transaction (the check once ran before it, so a freeze could slip in between).
    let store = db.store().await;
    for refused in [
        store.save_rubric(2025, "{}", "x").await.err(),
        store
            .save_evaluation_setting(2025, Setting::Proposals, Some("[]"), "x")
            .await
            .err(),
        store
            .save_evaluation_setting(
                2025,
                Setting::Ties(chitieu_domain::evaluation::PeerGroup::Communes),
                Some("{}"),
                "x",
            )
            .await
            .err(),
    ] {
        let e = refused.expect("refused once frozen");
        assert!(
            matches!(
                e,
                chitieu_store::StoreError::Refused(chitieu_domain::Refusal::Frozen { year: 2025 })
            ),
            "{e:?}"
        );
    }
    let (_, before) = get(&base, "/api/v1/evaluation?year=2025", &viewer);
    let (_, frozen) = get(&base, "/api/v1/evaluation?year=2025&frozen=true", &viewer);
    assert_eq!(frozen, before, "frozen as it stood");
    // New work arrives for 2025: a task of the department of industry and trade, overdue.
    let sct = figure(&unit(&before, "TN.SCT")["score"]).unwrap();
    let (s, v) = post(
        "/api/v1/tasks",
        &office,
        Some(
            r#"{"code":"NV-2025-X","title":"Số hóa hồ sơ cụm công nghiệp","lead_unit":"TN.SCT","year":2025,"start":"2025-02-01","deadline":"2025-10-31"}"#,
        ),
    );
    assert_eq!(s, 200, "{v}");
    let (_, live) = get(&base, "/api/v1/evaluation?year=2025", &viewer);
    let now = figure(&unit(&live, "TN.SCT")["score"]).unwrap();
    assert!(now < sct, "the overdue task costs points: {sct} → {now}");
    assert!(
        unit(&live, "TN.SCT")["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["source"] == "/tasks/NV-2025-X" && l["points"] == "0")
    );
    let (_, still) = get(&base, "/api/v1/evaluation?year=2025&frozen=true", &viewer);
    assert_eq!(still, frozen, "later data do not change a frozen year");
    // The page shows both, and what differs.
    add_user(db, "xem.dg", "viewer", "19");
    let cookie = session(&base, "xem.dg", PASSWORD);
    let (s, html) = get_status(&base, "/evaluation?year=2025", Some(&cookie));
    assert_eq!(s, 200);
    let diff = &html[html.find("id=\"differences\"").expect("differences")..];
    assert!(diff.contains("data-unit=\"TN.SCT\""), "{diff}");
    assert!(html.contains("Đã chốt ngày"), "{html}");
    drop(server);
}

/// Posts a page form as `cookie`; the status and the page.
fn form(base: &str, path: &str, cookie: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let csrf = page_csrf(base, "/evaluation?year=2025", cookie);
    let mut all: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let mut res = agent()
        .post(&format!("{base}{path}"))
        .header("cookie", cookie)
        .send_form(all)
        .unwrap();
    let status = res.status().as_u16();
    (status, res.body_mut().read_to_string().unwrap_or_default())
}

async fn the_standing_office_sets_the_rubric_and_edits_the_proposals(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "tt.dg", "secretariat", "19");
    add_user(db, "xem.dg", "viewer", "19");
    let viewer_token = token(db, "xem", "viewer", "19");
    let (server, base) = serve(db);
    let office = session(&base, "tt.dg", PASSWORD);
    let viewer = session(&base, "xem.dg", PASSWORD);
    let rubric = |targets: &'static str, clusters: &'static str| {
        vec![
            ("year", "2025"),
            ("targets", targets),
            ("tasks", "30"),
            ("reporting", "10"),
            ("quality", "10"),
            ("at_risk_credit", "50"),
            ("late_task_credit", "50"),
            ("defective_task_credit", "50"),
            ("excellent_quota", "20"),
            ("clusters", clusters),
            (
                "titles",
                "Giấy khen của Chủ tịch UBND tỉnh | tất cả | good | Quy chế thi đua của tỉnh",
            ),
        ]
    };
    let clusters = "KT | Khối các sở kinh tế | TN.SCT, TN.STC, TN.SKHCN";
    // A viewer may not; weights that do not add up to 100 are refused with the reason; a
    // cluster naming a unit that does not exist is refused, naming it.
    assert_eq!(
        form(
            &base,
            "/evaluation/rubric",
            &viewer,
            &rubric("50", clusters)
        )
        .0,
        403
    );
    let (s, page) = form(
        &base,
        "/evaluation/rubric",
        &office,
        &rubric("40", clusters),
    );
    assert_eq!(s, 422);
    assert!(page.contains("tổng các trọng số phải bằng 100"), "{page}");
    let (s, page) = form(
        &base,
        "/evaluation/rubric",
        &office,
        &rubric("50", "X | Cụm lạ | TN.KHONGCO"),
    );
    assert_eq!(s, 422);
    assert!(page.contains("TN.KHONGCO"), "{page}");
    let (s, _) = form(
        &base,
        "/evaluation/rubric",
        &office,
        &rubric("50", clusters),
    );
    assert_eq!(s, 303);
    // The cluster ranks its three departments among themselves.
    let (_, list) = get(&base, "/api/v1/evaluation?year=2025", &viewer_token);
    for code in ["TN.SCT", "TN.STC", "TN.SKHCN"] {
        assert_eq!(unit(&list, code)["cluster"], "KT", "{code}");
        assert!(unit(&list, code)["cluster_rank"].as_u64().unwrap() <= 3);
    }
    assert_eq!(unit(&list, "TN.SNV")["cluster"], "departments");
    // The year's own title rule: every unit rated good or above is proposed for it.
    let good = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| matches!(u["rating"].as_str(), Some("good" | "excellent")))
        .count();
    assert!(good > 0);
    let (_, html) = get_status(&base, "/evaluation?year=2025", Some(&office));
    let table = &html[html.find("id=\"proposals-table\"").expect("proposals")..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(
        table.matches("Giấy khen của Chủ tịch UBND tỉnh").count(),
        good
    );
    let (_, html) = get_status(&base, "/evaluation?year=2025", Some(&office));
    assert!(
        html.contains("phiên bản") && html.contains("Khối các sở kinh tế"),
        "{html}"
    );
    let (_, html) = get_status(&base, "/evaluation?year=2025&cluster=KT", Some(&office));
    assert!(
        html.contains("data-unit=\"TN.SCT\"") && !html.contains("data-unit=\"TN.SNV\""),
        "filtered by cluster"
    );

    // Proposals: the office writes its own list; an unknown unit is refused by line; an empty
    // list goes back to the computed one.
    let (s, page) = form(
        &base,
        "/evaluation/proposals",
        &office,
        &[
            ("year", "2025"),
            (
                "proposals",
                "TN.SCT | Bằng khen của Chủ tịch UBND tỉnh | dẫn đầu khối\nsai dòng",
            ),
        ],
    );
    assert_eq!(s, 422);
    assert!(page.contains("dòng 2"), "{page}");
    let (s, page) = form(
        &base,
        "/evaluation/proposals",
        &office,
        &[("year", "2025"), ("proposals", "99999 | Giấy khen | x")],
    );
    assert_eq!(s, 422, "{page}");
    assert_eq!(
        form(
            &base,
            "/evaluation/proposals",
            &viewer,
            &[("year", "2025"), ("proposals", "TN.SCT | Giấy khen | x")],
        )
        .0,
        403
    );
    let (s, _) = form(
        &base,
        "/evaluation/proposals",
        &office,
        &[
            ("year", "2025"),
            (
                "proposals",
                "TN.SCT | Bằng khen của Chủ tịch UBND tỉnh | dẫn đầu khối kinh tế",
            ),
        ],
    );
    assert_eq!(s, 303);
    let (_, html) = get_status(&base, "/evaluation?year=2025", Some(&viewer));
    let table = &html[html.find("id=\"proposals-table\"").expect("proposals")..];
    assert!(
        table.contains("Bằng khen của Chủ tịch UBND tỉnh"),
        "{table}"
    );
    assert!(html.contains("Đã sửa (tt.dg)"), "{html}");
    let (s, _) = form(
        &base,
        "/evaluation/proposals",
        &office,
        &[("year", "2025"), ("proposals", "")],
    );
    assert_eq!(s, 303);
    let (_, html) = get_status(&base, "/evaluation?year=2025", Some(&viewer));
    assert!(
        !html.contains("Bằng khen của Chủ tịch UBND tỉnh") && html.contains("tính theo tiêu chí")
    );
    // Frozen: neither the rubric nor the proposals change any more.
    let office_token = token(db, "tt", "secretariat", "19");
    let (s, _, _) = api(
        "POST",
        &format!("{base}/api/v1/evaluation/2025/freeze"),
        Some(&office_token),
        None,
    );
    assert_eq!(s, 200);
    let (s, page) = form(&base, "/evaluation/rubric", &office, &rubric("50", ""));
    assert_eq!(s, 422, "{page}");
    assert!(page.contains("đã chốt"), "{page}");
    let (s, _) = form(
        &base,
        "/evaluation/proposals",
        &office,
        &[("year", "2025"), ("proposals", "TN.SCT | Giấy khen | x")],
    );
    assert_eq!(s, 422);
    drop(server);
}

/// The office finds a completed task's product below requirements: recorded once, with its
/// reason, on a completed task only, by whoever may assign it; it keeps half the task's points.
async fn a_product_below_requirements_costs_part_of_its_task(db: &TestDb) {
    ok(db, &["demo"]);
    let office = token(db, "tt", "secretariat", "19");
    let reporter = token(db, "bc", "reporter", "TN.SCT");
    let viewer = token(db, "xem", "viewer", "19");
    let (server, base) = serve(db);
    let patch = |code: &str, t: &str, body: &str| {
        let (s, _, v) = api(
            "PATCH",
            &format!("{base}/api/v1/tasks/{code}"),
            Some(t),
            Some(("application/json", body)),
        );
        (s, v)
    };
    // Last year's programme, as the demo writes it whatever year it is loaded in.
    let y = chrono::Datelike::year(&chitieu_store::testing::test_clock().today()) - 1;
    let (_, before) = get(&base, &format!("/api/v1/evaluation?year={y}"), &viewer);
    let line = |list: &Value, code: &str| -> Value {
        list.as_array()
            .unwrap()
            .iter()
            .flat_map(|u| u["lines"].as_array().unwrap().iter())
            .find(|l| l["source"] == format!("/tasks/{code}"))
            .cloned()
            .unwrap_or_else(|| panic!("a line for {code}"))
    };
    // Last year's first task (a department's) was done on time.
    let done = format!("NV-{y}-001");
    let done = done.as_str();
    let was = line(&before, done);
    assert_eq!(was["points"], was["max_points"], "{was}");
    let body = r#"{"product_defect":"Báo cáo thiếu số liệu của 12 xã"}"#;
    assert_eq!(patch(done, &reporter, body).0, 403);
    let (s, v) = patch(done, &office, r#"{"product_defect":"  "}"#);
    assert_eq!(s, 422, "{v}");
    let (s, v) = patch(done, &office, body);
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["product_defect"], "Báo cáo thiếu số liệu của 12 xã");
    assert_eq!(v["status"], "completed_on_time", "still completed");
    let (s, v) = patch(done, &office, body);
    assert_eq!(s, 409, "once: {v}");
    // Never-done task of last year (the ninth): no product to judge.
    let (s, v) = patch(&format!("NV-{y}-009"), &office, body);
    assert_eq!(s, 409, "{v}");
    let (_, after) = get(&base, &format!("/api/v1/evaluation?year={y}"), &viewer);
    let now = line(&after, done);
    assert_eq!(
        figure(&now["points"]).unwrap() * 2.0,
        figure(&now["max_points"]).unwrap(),
        "{now}"
    );
    assert!(
        now["reason"]
            .as_str()
            .unwrap()
            .contains("sản phẩm không đạt yêu cầu: Báo cáo thiếu số liệu của 12 xã"),
        "{now}"
    );
    // The task's page says so.
    add_user(db, "xem.dg", "viewer", "19");
    let cookie = session(&base, "xem.dg", PASSWORD);
    let (_, html) = get_status(&base, &format!("/tasks/{done}"), Some(&cookie));
    assert!(html.contains("id=\"product-defect\""), "{html}");
    drop(server);
}
