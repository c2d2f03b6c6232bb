//! Assigning work (#12): tasks created, changed and cancelled through the API by those who
//! may assign them, read back everywhere a task shows, refused with the field named.

use crate::cli::serve;
use crate::hardening::{PASSWORD, add_user, api, get_status, token};
use crate::web::{agent, page_csrf, session};
use crate::{fails, ok};
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use serde_json::Value;

db_tests!(
    a_task_created_through_the_api_shows_wherever_its_unit_looks,
    a_task_changes_and_is_cancelled_with_a_reason,
    a_refused_task_names_the_field,
    heads_assign_and_cancel_tasks_on_the_pages,
    a_task_list_is_imported_all_or_nothing,
    a_conclusions_items_become_tasks_and_its_progress_follows_them,
    a_units_programme_holds_its_tasks_and_targets_and_its_head_signs_it,
    tasks_near_their_deadline_or_overdue_are_escalated,
    a_tasks_funding_is_allocated_and_disbursed,
    the_committee_is_read_and_kept_through_the_api,
    two_writers_at_once_neither_overwrite_a_task_nor_lose_a_report,
);

fn post(base: &str, path: &str, token: &str, body: &str) -> (u16, Value) {
    let (s, _, v) = api(
        "POST",
        &format!("{base}{path}"),
        Some(token),
        Some(("application/json", body)),
    );
    (s, v)
}

fn patch(base: &str, path: &str, token: &str, body: &str) -> (u16, Value) {
    let (s, _, v) = api(
        "PATCH",
        &format!("{base}{path}"),
        Some(token),
        Some(("application/json", body)),
    );
    (s, v)
}

const NEW: &str = r#"{"code":"NV-KL-01","title":"Rà soát hạ tầng số tại các phường","lead_unit":"5443",
  "coordinating_units":["TN.SKHCN"],"start":"2026-03-01","deadline":"2026-12-31",
  "expected_product":"Báo cáo rà soát","indicators":["HT-5G"],
  "source_number":"12/TB-BCĐ","source_date":"2026-02-21","source_issuer":"Ban Chỉ đạo tỉnh"}"#;

async fn a_task_created_through_the_api_shows_wherever_its_unit_looks(db: &TestDb) {
    ok(db, &["demo"]);
    let secretariat = token(db, "tt", "secretariat", "19");
    add_user(db, "bc.phuong", "reporter", "5443");
    let (server, base) = serve(db);
    let (s, t) = post(&base, "/api/v1/tasks", &secretariat, NEW);
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["status"], "in_progress");
    assert_eq!(t["year"], 2026, "the deadline's year by default");
    assert_eq!(t["source_number"], "12/TB-BCĐ");
    let (s, _, listed) = api(
        "GET",
        &format!("{base}/api/v1/tasks?unit=5443&year=2026"),
        Some(&secretariat),
        None,
    );
    assert_eq!(s, 200);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["code"] == "NV-KL-01")
    );
    // The ward's reporter sees it on My work and on the ward's page; the task's page cites
    // its source document.
    let cookie = session(&base, "bc.phuong", PASSWORD);
    for page in ["/my", "/units/5443", "/tasks?unit=5443"] {
        let (_, html) = get_status(&base, page, Some(&cookie));
        assert!(html.contains("href=\"/tasks/NV-KL-01\""), "{page}");
    }
    let (_, html) = get_status(&base, "/tasks/NV-KL-01", Some(&cookie));
    assert!(
        html.contains("số 12/TB-BCĐ ngày 21/02/2026 của Ban Chỉ đạo tỉnh"),
        "{html}"
    );
    // A progress report carries the result, the difficulties and the proposals.
    let (s, v) = post(
        &base,
        "/api/v1/tasks/NV-KL-01/progress",
        &secretariat,
        r#"{"progress":30,"note":"Đã khảo sát 5 phường","difficulties":"Thiếu thiết bị đo","proposals":"Đề nghị nhà mạng hỗ trợ"}"#,
    );
    assert_eq!(s, 200, "{v}");
    let (_, _, t) = api(
        "GET",
        &format!("{base}/api/v1/tasks/NV-KL-01"),
        Some(&secretariat),
        None,
    );
    assert_eq!(t["updates"][0]["difficulties"], "Thiếu thiết bị đo", "{t}");
    assert_eq!(t["updates"][0]["proposals"], "Đề nghị nhà mạng hỗ trợ");
    let (_, html) = get_status(&base, "/tasks/NV-KL-01", Some(&cookie));
    assert!(
        html.contains("Khó khăn, vướng mắc:</span> <span lang=\"vi\">Thiếu thiết bị đo"),
        "{html}"
    );
    // The same code twice is refused.
    let (s, v) = post(&base, "/api/v1/tasks", &secretariat, NEW);
    assert_eq!(s, 422, "{v}");
    assert!(
        v["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("đã có nhiệm vụ mã"),
        "{v}"
    );
    drop(server);
}

async fn a_task_changes_and_is_cancelled_with_a_reason(db: &TestDb) {
    ok(db, &["demo"]);
    let secretariat = token(db, "tt", "secretariat", "19");
    let head = token(db, "ct", "head", "5443");
    let (server, base) = serve(db);
    let (s, _) = post(&base, "/api/v1/tasks", &secretariat, NEW);
    assert_eq!(s, 200);
    // The ward's head moves the deadline of its own task.
    let (s, t) = patch(
        &base,
        "/api/v1/tasks/NV-KL-01",
        &head,
        r#"{"deadline":"2027-03-31"}"#,
    );
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["deadline"], "2027-03-31");
    assert_eq!(
        t["title"], "Rà soát hạ tầng số tại các phường",
        "the rest kept"
    );
    // But may not hand it to a department.
    let (s, _) = patch(
        &base,
        "/api/v1/tasks/NV-KL-01",
        &head,
        r#"{"lead_unit":"TN.SKHCN"}"#,
    );
    assert_eq!(s, 403);
    // A cancellation needs a reason; then the task is cancelled, and cannot be again.
    let (s, v) = patch(
        &base,
        "/api/v1/tasks/NV-KL-01",
        &head,
        r#"{"cancel_reason":"  "}"#,
    );
    assert_eq!(s, 422, "{v}");
    let (s, t) = patch(
        &base,
        "/api/v1/tasks/NV-KL-01",
        &head,
        r#"{"cancel_reason":"Gộp vào nhiệm vụ NV-10"}"#,
    );
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["status"], "cancelled");
    assert_eq!(t["cancel_reason"], "Gộp vào nhiệm vụ NV-10");
    let (s, _) = patch(
        &base,
        "/api/v1/tasks/NV-KL-01",
        &head,
        r#"{"cancel_reason":"lần nữa"}"#,
    );
    assert_eq!(s, 409);
    // Nor does a cancelled task take progress.
    let (s, v) = post(
        &base,
        "/api/v1/tasks/NV-KL-01/progress",
        &head,
        r#"{"progress":50}"#,
    );
    assert_eq!(s, 409, "{v}");
    let (_, _, cancelled) = api(
        "GET",
        &format!("{base}/api/v1/tasks?status=cancelled"),
        Some(&secretariat),
        None,
    );
    assert_eq!(cancelled.as_array().unwrap().len(), 1);
    drop(server);
}

async fn a_refused_task_names_the_field(db: &TestDb) {
    ok(db, &["demo"]);
    let secretariat = token(db, "tt", "secretariat", "19");
    let (server, base) = serve(db);
    let with = |field: &str, value: &str| {
        let mut v: Value = serde_json::from_str(NEW).unwrap();
        v[field] = serde_json::from_str(value).unwrap();
        v.to_string()
    };
    for (field, value, says) in [
        ("lead_unit", r#""KHONG-CO""#, "lead_unit: không có đơn vị"),
        (
            "indicators",
            r#"["XX-1"]"#,
            "indicators: không có chỉ tiêu \"XX-1\"",
        ),
        ("deadline", r#""2026-01-01""#, "trước ngày bắt đầu"),
        ("code", r#""NV 01!""#, "mã nhiệm vụ"),
        ("title", r#""Tên\u0000ẩn""#, "title"),
        ("title", r#""""#, "title: cần tên nhiệm vụ"),
    ] {
        let (s, v) = post(&base, "/api/v1/tasks", &secretariat, &with(field, value));
        assert_eq!(s, 422, "{field} {value}: {v}");
        let detail = v["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(says), "{field} {value}: {detail}");
    }
    let (_, _, all) = api(
        "GET",
        &format!("{base}/api/v1/tasks"),
        Some(&secretariat),
        None,
    );
    assert!(
        !all.as_array()
            .unwrap()
            .iter()
            .any(|t| t["code"] == "NV-KL-01"),
        "nothing stored"
    );
    drop(server);
}

/// The pages: a unit's head assigns a task to its unit, a refused form comes back filled,
/// the task is changed and cancelled; a reporter cannot reach the forms, nor post them.
async fn heads_assign_and_cancel_tasks_on_the_pages(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "ct.phuong", "head", "5443");
    add_user(db, "bc.phuong", "reporter", "5443");
    let (server, base) = serve(db);
    let reporter = session(&base, "bc.phuong", PASSWORD);
    assert_eq!(get_status(&base, "/tasks/new", Some(&reporter)).0, 403);
    assert_eq!(
        get_status(&base, "/tasks/NV-10/edit", Some(&reporter)).0,
        403
    );
    let (_, list) = get_status(&base, "/tasks", Some(&reporter));
    assert!(!list.contains("id=\"new-task\""), "no link for a reporter");
    let csrf = page_csrf(&base, "/tasks", &reporter);
    let res = agent()
        .post(&format!("{base}/tasks/new"))
        .header("cookie", &reporter)
        .send_form([
            ("_csrf", csrf.as_str()),
            ("code", "NV-X"),
            ("title", "x"),
            ("lead_unit", "5443"),
            ("deadline", "2027-01-01"),
        ])
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);

    let head = session(&base, "ct.phuong", PASSWORD);
    let (_, list) = get_status(&base, "/tasks", Some(&head));
    assert!(list.contains("id=\"new-task\""));
    let (status, form) = get_status(&base, "/tasks/new", Some(&head));
    assert_eq!(status, 200);
    assert!(
        form.contains("name=\"lead_unit\" required list=\"lead-choices\" value=\"5443\""),
        "{form}"
    );
    let csrf = page_csrf(&base, "/tasks/new", &head);
    let fields = |deadline: &'static str| {
        [
            ("_csrf", csrf.clone()),
            ("code", "NV-P-01".to_string()),
            ("title", "Số hóa hồ sơ một cửa".to_string()),
            ("lead_unit", "5443".to_string()),
            ("coordinating_units", "TN.SKHCN".to_string()),
            ("start", "2026-03-01".to_string()),
            ("deadline", deadline.to_string()),
            ("indicators", "cq-pdg".to_string()),
            ("source_number", "07/KH-UBND".to_string()),
            ("source_date", "".to_string()),
            ("source_issuer", "UBND phường".to_string()),
        ]
    };
    // A deadline before the start: the same form, filled, the reason on top.
    let mut res = agent()
        .post(&format!("{base}/tasks/new"))
        .header("cookie", &head)
        .send_form(fields("2026-01-01"))
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let html = res.body_mut().read_to_string().unwrap();
    assert!(html.contains("id=\"task-error\""), "{html}");
    assert!(html.contains("value=\"Số hóa hồ sơ một cửa\""), "{html}");
    assert!(html.contains("value=\"07/KH-UBND\""), "{html}");
    let res = agent()
        .post(&format!("{base}/tasks/new"))
        .header("cookie", &head)
        .send_form(fields("2026-12-31"))
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let (_, page) = get_status(&base, "/tasks/NV-P-01?saved=1", Some(&head));
    assert!(page.contains("số 07/KH-UBND của UBND phường"), "{page}");
    assert!(page.contains("href=\"/indicators/CQ-PDG\""), "{page}");
    assert!(page.contains("id=\"edit-task\""));
    // Cancelled with a reason: the page says so, and the task no longer takes progress.
    let csrf = page_csrf(&base, "/tasks/NV-P-01/edit", &head);
    let res = agent()
        .post(&format!("{base}/tasks/NV-P-01/edit"))
        .header("cookie", &head)
        .send_form([
            ("_csrf", csrf.as_str()),
            ("cancel_reason", "Trùng với NV-10"),
        ])
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let (_, page) = get_status(&base, "/tasks/NV-P-01", Some(&head));
    assert!(page.contains("id=\"cancelled\""), "{page}");
    assert!(page.contains("Trùng với NV-10"));
    assert!(page.contains("badge s-cancelled"));
    assert!(
        !page.contains("id=\"progress-form\""),
        "no progress on a cancelled task"
    );
    drop(server);
}

/// `chitieu task import`: a list in CSV, all or nothing, errors naming file, line and column;
/// a second import keeps the progress reported meanwhile.
async fn a_task_list_is_imported_all_or_nothing(db: &TestDb) {
    ok(db, &["demo"]);
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("nhiem-vu.csv");
    std::fs::write(
        &good,
        "code,title,lead_unit,coordinating_units,deadline,indicators,source_number,source_date,source_issuer\n\
         KL-01,Rà soát hạ tầng số,TN.SKHCN,5443;5500,2026-12-31,HT-5G,12/TB-BCĐ,2026-02-21,Ban Chỉ đạo tỉnh\n\
         KL-02,\"Đào tạo kỹ năng số, đợt 2\",5443,,2027-06-30,NL-CBX,12/TB-BCĐ,2026-02-21,Ban Chỉ đạo tỉnh\n",
    )
    .unwrap();
    let out = ok(db, &["task", "import", good.to_str().unwrap()]);
    assert!(out.contains("Đã ghi 2 nhiệm vụ (2 mới"), "{out}");
    let bad = dir.path().join("sai.csv");
    std::fs::write(
        &bad,
        "code,title,lead_unit,deadline\n\
         KL-03,Một nhiệm vụ,5443,2027-01-01\n\
         KL-04,Nhiệm vụ khác,KHONG-CO,2027-01-01\n\
         KL-05,Thêm nữa,5443,31/12/2027\n",
    )
    .unwrap();
    let err = fails(db, &["task", "import", bad.to_str().unwrap()]);
    assert!(
        err.contains("sai.csv: dòng 3, cột \"lead_unit\": không có đơn vị"),
        "{err}"
    );
    assert!(err.contains("sai.csv: dòng 4, cột \"deadline\""), "{err}");
    let unknown = dir.path().join("cot-la.csv");
    std::fs::write(
        &unknown,
        "code,title,lead_unit,deadline,han_chot\nKL-06,x,5443,2027-01-01,\n",
    )
    .unwrap();
    let err = fails(db, &["task", "import", unknown.to_str().unwrap()]);
    assert!(err.contains("cột \"han_chot\": không có cột này"), "{err}");
    // Progress reported on KL-01, then the list imported again: the progress stays.
    let (server, base) = serve(db);
    let secretariat = token(db, "tt", "secretariat", "19");
    let (s, v) = post(
        &base,
        "/api/v1/tasks/KL-01/progress",
        &secretariat,
        r#"{"progress":40,"note":"đã khảo sát"}"#,
    );
    assert_eq!(s, 200, "{v}");
    drop(server);
    let out = ok(db, &["task", "import", good.to_str().unwrap()]);
    assert!(out.contains("0 mới, 2 cập nhật"), "{out}");
    let (server, base) = serve(db);
    let (_, _, t) = api(
        "GET",
        &format!("{base}/api/v1/tasks/KL-01"),
        Some(&secretariat),
        None,
    );
    assert_eq!(t["updates"].as_array().unwrap().len(), 1, "{t}");
    assert_eq!(t["coordinating_units"], serde_json::json!(["5443", "5500"]));
    let (_, _, all) = api(
        "GET",
        &format!("{base}/api/v1/tasks"),
        Some(&secretariat),
        None,
    );
    assert!(
        !all.as_array().unwrap().iter().any(|t| t["code"] == "KL-03"),
        "the bad file wrote nothing"
    );
    drop(server);
    // One task from the command line.
    let out = ok(
        db,
        &[
            "task",
            "add",
            "--code",
            "KL-09",
            "--title",
            "Báo cáo sơ kết",
            "--lead",
            "TN.SKHCN",
            "--deadline",
            "2026-12-15",
            "--coord",
            "5443",
            "--source-number",
            "45/KH-UBND",
        ],
    );
    assert!(out.contains("1 mới"), "{out}");
}

/// #12: the standing office records the committee's members and a meeting with its
/// conclusion notice; the notice's items become tasks citing it; the committee's page counts
/// them done as they complete.
async fn a_conclusions_items_become_tasks_and_its_progress_follows_them(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "tt.tinh", "secretariat", "19");
    add_user(db, "bc.phuong", "reporter", "5443");
    let secretariat = token(db, "tt", "secretariat", "19");
    let head = token(db, "ct", "head", "5443");
    let (server, base) = serve(db);
    let cookie = session(&base, "tt.tinh", PASSWORD);
    let csrf = page_csrf(&base, "/units/TN.BCD", &cookie);
    let send = |cookie: &str, path: &str, form: &[(&str, &str)]| {
        agent()
            .post(&format!("{base}{path}"))
            .header("cookie", cookie)
            .send_form(form.iter().copied())
            .unwrap()
            .status()
            .as_u16()
    };
    let member = [
        ("_csrf", csrf.as_str()),
        ("person", "Nguyễn Đức Thành"),
        ("position", "head"),
        ("office", "Bí thư Tỉnh ủy"),
        ("from", "2025-07-01"),
    ];
    assert_eq!(send(&cookie, "/units/TN.BCD/members", &member), 303);
    let meeting = [
        ("_csrf", csrf.as_str()),
        ("held_on", "2026-02-20"),
        ("kind", "Phiên họp thường kỳ"),
        ("chair", "Nguyễn Đức Thành"),
        ("agenda", "Sơ kết quý I"),
        ("conclusion_number", "12/TB-BCĐ"),
        ("conclusion_date", "2026-02-21"),
    ];
    assert_eq!(send(&cookie, "/units/TN.BCD/meetings", &meeting), 303);
    // The same notice number twice is refused.
    assert_eq!(send(&cookie, "/units/TN.BCD/meetings", &meeting), 422);
    // A reporter keeps no records.
    let reporter = session(&base, "bc.phuong", PASSWORD);
    let rcsrf = page_csrf(&base, "/units/TN.BCD", &reporter);
    let mut as_reporter = member;
    as_reporter[0] = ("_csrf", rcsrf.as_str());
    assert_eq!(send(&reporter, "/units/TN.BCD/members", &as_reporter), 403);
    let (_, page) = get_status(&base, "/units/TN.BCD", Some(&cookie));
    assert!(
        page.contains("Trưởng ban</td><td lang=\"vi\">Bí thư Tỉnh ủy"),
        "{page}"
    );
    let row = |page: &str| {
        let at = page.find("data-notice=\"12/TB-BCĐ\"").expect("the meeting");
        page[at..at + page[at..].find("</tr>").unwrap()].to_string()
    };
    assert!(
        row(&page).contains("<b class=\"done\">0/0</b>"),
        "{}",
        row(&page)
    );
    // The demo's first session: its notice's items are the demo tasks citing it (three
    // written by hand, seven among the generated ones).
    let first = &page[page
        .find("data-notice=\"01/TB-BCĐ\"")
        .expect("the first session")..];
    assert!(
        first[..first.find("</tr>").unwrap()].contains("/10</b>"),
        "{first}"
    );
    // Its link to assign the items fills the notice in.
    let link = row(&page);
    let at = link.find("href=\"/tasks/new?").unwrap() + 6;
    let url = link[at..at + link[at..].find('"').unwrap()].replace("&amp;", "&");
    let (_, form) = get_status(&base, &url, Some(&cookie));
    assert!(
        form.contains("name=\"source_number\" value=\"12/TB-BCĐ\""),
        "{form}"
    );
    // Two items, each a task citing the notice.
    for (code, lead) in [("KL12-1", "5443"), ("KL12-2", "TN.SKHCN")] {
        let body = format!(
            r#"{{"code":"{code}","title":"Mục {code}","lead_unit":"{lead}","start":"2026-02-21","deadline":"2026-12-31","source_number":"12/TB-BCĐ","source_date":"2026-02-21","source_issuer":"Ban Chỉ đạo"}}"#
        );
        let (s, v) = post(&base, "/api/v1/tasks", &secretariat, &body);
        assert_eq!(s, 200, "{v}");
    }
    let (_, page) = get_status(&base, "/units/TN.BCD", Some(&cookie));
    assert!(
        row(&page).contains("<b class=\"done\">0/2</b>"),
        "{}",
        row(&page)
    );
    // The ward's head completes its item: 1 of 2 done.
    let today = chitieu_domain::Clock::system().today();
    let (s, v) = post(
        &base,
        "/api/v1/tasks/KL12-1/progress",
        &head,
        &format!(r#"{{"progress":100,"completed_on":"{today}"}}"#),
    );
    assert_eq!(s, 200, "{v}");
    let (_, page) = get_status(&base, "/units/TN.BCD", Some(&cookie));
    assert!(
        row(&page).contains("<b class=\"done\">1/2</b>"),
        "{}",
        row(&page)
    );
    drop(server);
}

/// #12: a task created through the API appears in its lead unit's programme for its year; a
/// target assigned to the unit appears there (and on the unit's page) with its own status;
/// the unit's head signs the programme off, once, and no one else may.
async fn a_units_programme_holds_its_tasks_and_targets_and_its_head_signs_it(db: &TestDb) {
    ok(db, &["demo"]);
    let secretariat = token(db, "tt", "secretariat", "19");
    let head = token(db, "ct", "head", "5443");
    let other_head = token(db, "ct2", "head", "5500");
    add_user(db, "ct.phuong", "head", "5443");
    let (server, base) = serve(db);
    let (s, v) = post(&base, "/api/v1/tasks", &secretariat, NEW);
    assert_eq!(s, 200, "{v}");
    // The province assigns the ward its share of trained officials for 2026.
    let (s, v) = post(
        &base,
        "/api/v1/targets",
        &secretariat,
        r#"{"indicator":"NL-CBX","unit":"5443","year":2026,"comparator":">=","value":"85","wording":"Phường đạt tối thiểu 85%"}"#,
    );
    assert_eq!(s, 200, "{v}");
    let (s, _, p) = api(
        "GET",
        &format!("{base}/api/v1/programmes?unit=5443&year=2026"),
        Some(&head),
        None,
    );
    assert_eq!(s, 200, "{p}");
    assert!(
        p["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["code"] == "NV-KL-01"),
        "{p}"
    );
    let target = p["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["indicator"] == "NL-CBX")
        .unwrap_or_else(|| panic!("{p}"));
    assert_eq!(target["value"], "85");
    assert!(target["status"].is_string());
    assert!(p["signed_by"].is_null());
    // On the ward's page too, with its own status.
    let cookie = session(&base, "ct.phuong", PASSWORD);
    let (_, page) = get_status(&base, "/units/5443", Some(&cookie));
    assert!(page.contains("Tối thiểu 85 % (2026)"), "{page}");
    // Another unit's head may not sign it; its own head does, once.
    let sign = |t: &str| post(&base, "/api/v1/programmes/5443/2026/sign", t, "{}").0;
    assert_eq!(sign(&other_head), 403);
    assert_eq!(sign(&secretariat), 403);
    assert_eq!(sign(&head), 200);
    assert_eq!(sign(&head), 422);
    let (_, _, p) = api(
        "GET",
        &format!("{base}/api/v1/programmes?unit=5443&year=2026"),
        Some(&head),
        None,
    );
    assert_eq!(p["signed_by"], "token:ct");
    let (_, page) = get_status(&base, "/programmes?unit=5443&year=2026", Some(&cookie));
    assert!(page.contains("Đã ký duyệt ngày"), "{page}");
    assert!(page.contains("href=\"/tasks/NV-KL-01\""));
    assert!(!page.contains("id=\"sign-programme\""), "signed once");
    // A department's programme holds the province's targets of the year for the indicators
    // it leads: what it answers for.
    let (_, _, p) = api(
        "GET",
        &format!("{base}/api/v1/programmes?unit=TN.SKHCN&year=2025"),
        Some(&secretariat),
        None,
    );
    let led: Vec<&str> = p["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["indicator"].as_str())
        .collect();
    assert!(
        led.contains(&"HT-5G") && !led.contains(&"DT-GRDP"),
        "{led:?}"
    );
    // A share the ward missed: the province's page lists the ward among those behind.
    let (s, v) = post(
        &base,
        "/api/v1/targets",
        &secretariat,
        r#"{"indicator":"XH-DVS","unit":"5443","year":2025,"comparator":">=","value":"95","wording":"Phường đạt 95%"}"#,
    );
    assert_eq!(s, 200, "{v}");
    let (_, province) = get_status(&base, "/units/19", Some(&cookie));
    let behind = &province[province.find("id=\"behind\"").expect("units behind")..];
    let behind = &behind[..behind.find("</section>").unwrap()];
    assert!(behind.contains("Phường Phan Đình Phùng"), "{behind}");
    assert!(behind.contains("Tối thiểu 95 % (2025)"), "{behind}");
    drop(server);
}

/// #12: a task near its deadline reminds its lead unit; an overdue one tells the unit's head
/// and the standing office above it. Once each.
async fn tasks_near_their_deadline_or_overdue_are_escalated(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "bc.phuong", "reporter", "5443");
    add_user(db, "ct.phuong", "head", "5443");
    add_user(db, "tt.tinh", "secretariat", "19");
    let today = chitieu_domain::Clock::system().today();
    let date = |days: i64| (today + chrono::Duration::days(days)).to_string();
    for (code, start, deadline) in [
        ("ESC-1", date(-10), date(3)),
        ("ESC-2", date(-30), date(-2)),
    ] {
        ok(
            db,
            &[
                "task",
                "add",
                "--code",
                code,
                "--title",
                "Việc cần nhắc",
                "--lead",
                "5443",
                "--start",
                &start,
                "--deadline",
                &deadline,
            ],
        );
    }
    let (server, base) = serve(db);
    let notices = |login: &str| {
        let cookie = session(&base, login, PASSWORD);
        let mut page = String::new();
        for _ in 0..40 {
            page = get_status(&base, "/notices", Some(&cookie)).1;
            if page.contains("ESC-") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        page
    };
    let reporter = notices("bc.phuong");
    assert!(reporter.contains("Nhiệm vụ ESC-1"), "{reporter}");
    assert!(reporter.contains("sắp đến hạn"));
    assert!(
        !reporter.contains("Nhiệm vụ ESC-2"),
        "a reporter is not told of overdue"
    );
    let head = notices("ct.phuong");
    assert!(
        head.contains("Nhiệm vụ ESC-1") && head.contains("Nhiệm vụ ESC-2"),
        "{head}"
    );
    assert!(head.contains("quá hạn chưa hoàn thành"));
    let office = notices("tt.tinh");
    assert!(office.contains("Nhiệm vụ ESC-2"), "{office}");
    assert!(
        !office.contains("Nhiệm vụ ESC-1"),
        "the office hears of overdue tasks only"
    );
    assert!(office.contains("href=\"/tasks/ESC-2\""), "{office}");
    drop(server);
}

/// #12: a task's funding (source, allocated, disbursed, million đồng), exact in the API and
/// written the Vietnamese way on the pages; a disbursement above the allocation is refused.
async fn a_tasks_funding_is_allocated_and_disbursed(db: &TestDb) {
    ok(db, &["demo"]);
    let secretariat = token(db, "tt", "secretariat", "19");
    add_user(db, "tt.tinh", "secretariat", "19");
    let (server, base) = serve(db);
    let with = |extra: &str| NEW.replacen('{', &format!("{{{extra},"), 1);
    for (extra, says) in [
        (
            r#""funding_source":"province","funding_allocated":"100","funding_disbursed":"250""#,
            "lớn hơn kinh phí giao",
        ),
        (
            r#""funding_source":"ngan-sach","funding_allocated":"100""#,
            "funding_source",
        ),
        (
            r#""funding_source":"central""#,
            "funding_allocated: cần kinh phí được giao",
        ),
        (
            r#""funding_source":"central","funding_allocated":"-5""#,
            "không được âm",
        ),
    ] {
        let (s, v) = post(&base, "/api/v1/tasks", &secretariat, &with(extra));
        assert_eq!(s, 422, "{extra}: {v}");
        assert!(
            v["detail"].as_str().unwrap_or_default().contains(says),
            "{extra}: {v}"
        );
    }
    let (s, t) = post(
        &base,
        "/api/v1/tasks",
        &secretariat,
        &with(
            r#""funding_source":"province","funding_allocated":1200.5,"funding_disbursed":"450""#,
        ),
    );
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["funding_allocated"], "1200.5");
    assert_eq!(t["funding_disbursed"], "450");
    let cookie = session(&base, "tt.tinh", PASSWORD);
    let (_, page) = get_status(&base, "/tasks/NV-KL-01", Some(&cookie));
    assert!(
        page.contains("Ngân sách tỉnh: giao 1.200,5, đã giải ngân 450 (37,5%) triệu đồng"),
        "{page}"
    );
    let (_, form) = get_status(&base, "/tasks/NV-KL-01/edit", Some(&cookie));
    assert!(
        form.contains("name=\"funding_allocated\" inputmode=\"decimal\" value=\"1.200,5\""),
        "{form}"
    );
    // The page's form reads "1.300" as one thousand three hundred.
    let csrf = page_csrf(&base, "/tasks/NV-KL-01/edit", &cookie);
    let mut res = agent()
        .post(&format!("{base}/tasks/NV-KL-01/edit"))
        .header("cookie", &cookie)
        .send_form([
            ("_csrf", csrf.as_str()),
            ("title", "Rà soát hạ tầng số tại các phường"),
            ("lead_unit", "5443"),
            ("start", "2026-03-01"),
            ("deadline", "2026-12-31"),
            ("funding_source", "province"),
            ("funding_allocated", "1.300"),
            ("funding_disbursed", "450"),
        ])
        .unwrap();
    let status = res.status().as_u16();
    let body = res.body_mut().read_to_string().unwrap_or_default();
    assert_eq!(status, 303, "{body}");
    let (_, _, t) = api(
        "GET",
        &format!("{base}/api/v1/tasks/NV-KL-01"),
        Some(&secretariat),
        None,
    );
    assert_eq!(t["funding_allocated"], "1300", "{t}");
    drop(server);
}

/// #12: the committee through the API: members and meetings with each notice's progress;
/// a meeting recorded by the standing office, refused for a bad position or a reused notice.
async fn the_committee_is_read_and_kept_through_the_api(db: &TestDb) {
    ok(db, &["demo"]);
    let secretariat = token(db, "tt", "secretariat", "19");
    let reporter = token(db, "bc", "reporter", "5443");
    let (server, base) = serve(db);
    let (s, _, c) = api(
        "GET",
        &format!("{base}/api/v1/committees/TN.BCD"),
        Some(&reporter),
        None,
    );
    assert_eq!(s, 200, "{c}");
    let head = c["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["position"] == "head")
        .unwrap_or_else(|| panic!("{c}"));
    assert_eq!(head["office"], "Bí thư Tỉnh ủy");
    assert_eq!(c["meetings"][0]["conclusion_number"], "01/TB-BCĐ");
    assert_eq!(c["meetings"][0]["items"], 10);
    let meeting = r#"{"held_on":"2026-05-10","kind":"Phiên họp chuyên đề","chair":"Trưởng ban","conclusion_number":"30/TB-BCĐ","conclusion_date":"2026-05-12"}"#;
    assert_eq!(
        post(
            &base,
            "/api/v1/committees/TN.BCD/meetings",
            &reporter,
            meeting
        )
        .0,
        403
    );
    let (s, v) = post(
        &base,
        "/api/v1/committees/TN.BCD/meetings",
        &secretariat,
        meeting,
    );
    assert_eq!(s, 200, "{v}");
    let (s, v) = post(
        &base,
        "/api/v1/committees/TN.BCD/meetings",
        &secretariat,
        meeting,
    );
    assert_eq!(s, 422, "the notice number is used once: {v}");
    let (s, v) = post(
        &base,
        "/api/v1/committees/TN.BCD/members",
        &secretariat,
        r#"{"person":"Ai Đó","position":"chairman","from":"2026-01-01"}"#,
    );
    assert_eq!(s, 422, "{v}");
    assert!(
        v["detail"].as_str().unwrap_or_default().contains("vị trí"),
        "{v}"
    );
    let (s, _, c) = api(
        "GET",
        &format!("{base}/api/v1/committees/TN.BCD"),
        Some(&reporter),
        None,
    );
    assert_eq!(s, 200);
    assert_eq!(
        c["meetings"][0]["conclusion_number"], "30/TB-BCĐ",
        "latest first"
    );
    assert_eq!(c["meetings"][0]["items"], 0);
    drop(server);
}

/// Review of #12: eight requests creating one code at once all answered 200, each replacing
/// the last (the code was checked on the snapshot, then upserted); and a change to a task
/// rewrote its progress reports from the snapshot, losing one written meanwhile by another
/// process. Both are now decided in the write transaction.
async fn two_writers_at_once_neither_overwrite_a_task_nor_lose_a_report(db: &TestDb) {
    ok(db, &["demo"]);
    let secretariat = token(db, "tt", "secretariat", "19");
    let (server, base) = serve(db);
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let (base, secretariat) = (&base, &secretariat);
                scope.spawn(move || {
                    let body = format!(
                        r#"{{"code":"RACE-1","title":"Bản {i}","lead_unit":"5443","deadline":"2027-01-01"}}"#
                    );
                    post(base, "/api/v1/tasks", secretariat, &body).0
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 422),
        "{statuses:?}"
    );
    // Another process reports progress; the change that follows keeps it, whatever the
    // server's snapshot held when it read the task.
    {
        let store = db.store().await;
        store
            .add_task_update(
                "RACE-1",
                chitieu_domain::Clock::system().today(),
                40,
                &chitieu_domain::task::ReportText {
                    note: "báo cáo từ tiến trình khác",
                    ..Default::default()
                },
                None,
                "khac",
            )
            .await
            .unwrap();
    }
    let (s, t) = patch(
        &base,
        "/api/v1/tasks/RACE-1",
        &secretariat,
        r#"{"title":"Đổi tên"}"#,
    );
    assert_eq!(s, 200, "{t}");
    let (_, _, t) = api(
        "GET",
        &format!("{base}/api/v1/tasks/RACE-1"),
        Some(&secretariat),
        None,
    );
    assert_eq!(t["title"], "Đổi tên");
    let notes: Vec<&str> = t["updates"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["note"].as_str())
        .collect();
    assert_eq!(notes, ["báo cáo từ tiến trình khác"], "{t}");
    drop(server);
}
