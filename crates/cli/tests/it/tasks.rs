//! Assigning work (#12): tasks created, changed and cancelled through the API by those who
//! may assign them, read back everywhere a task shows, refused with the field named.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use serde_json::Value;

db_tests!(
    a_task_created_through_the_api_shows_wherever_its_unit_looks,
    a_task_changes_and_is_cancelled_with_a_reason,
    a_refused_task_names_the_field,
    heads_assign_and_cancel_tasks_on_the_pages,
    a_task_list_is_imported_all_or_nothing,
);

pub(crate) const NEW: &str = r#"{"code":"NV-KL-01","title":"Rà soát hạ tầng số tại các phường","lead_unit":"5443",
  "coordinating_units":["TN.SKHCN"],"start":"2026-03-01","deadline":"2026-12-31",
  "expected_product":"Báo cáo rà soát","indicators":["HT-5G"],
  "source_number":"12/TB-BCĐ","source_date":"2026-02-21","source_issuer":"Ban Chỉ đạo tỉnh"}"#;

async fn a_task_created_through_the_api_shows_wherever_its_unit_looks(db: &TestDb) {
    ok(db, &["demo"]);
    let secretariat = token(db, "tt", "secretariat", "19");
    add_user(db, "bc.phuong", "reporter", "5443");
    let (server, base) = serve(db);
    let (s, t) = post_api(&base, "/api/v1/tasks", &secretariat, NEW);
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
    let (s, v) = post_api(
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
    let (s, v) = post_api(&base, "/api/v1/tasks", &secretariat, NEW);
    assert_eq!(s, 422, "{v}");
    assert!(
        v["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("code: đã có nhiệm vụ \"NV-KL-01\""),
        "{v}"
    );
    drop(server);
}

async fn a_task_changes_and_is_cancelled_with_a_reason(db: &TestDb) {
    ok(db, &["demo"]);
    let secretariat = token(db, "tt", "secretariat", "19");
    let head = token(db, "ct", "head", "5443");
    let (server, base) = serve(db);
    let (s, _) = post_api(&base, "/api/v1/tasks", &secretariat, NEW);
    assert_eq!(s, 200);
    // The ward's head moves the deadline of its own task.
    let (s, t) = patch_api(
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
    let (s, _) = patch_api(
        &base,
        "/api/v1/tasks/NV-KL-01",
        &head,
        r#"{"lead_unit":"TN.SKHCN"}"#,
    );
    assert_eq!(s, 403);
    // A cancellation needs a reason; then the task is cancelled, and cannot be again.
    let (s, v) = patch_api(
        &base,
        "/api/v1/tasks/NV-KL-01",
        &head,
        r#"{"cancel_reason":"  "}"#,
    );
    assert_eq!(s, 422, "{v}");
    let (s, t) = patch_api(
        &base,
        "/api/v1/tasks/NV-KL-01",
        &head,
        r#"{"cancel_reason":"Gộp vào nhiệm vụ NV-10"}"#,
    );
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["status"], "cancelled");
    assert_eq!(t["cancel_reason"], "Gộp vào nhiệm vụ NV-10");
    let (s, _) = patch_api(
        &base,
        "/api/v1/tasks/NV-KL-01",
        &head,
        r#"{"cancel_reason":"lần nữa"}"#,
    );
    assert_eq!(s, 409);
    // Nor does a cancelled task take progress.
    let (s, v) = post_api(
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
        let (s, v) = post_api(&base, "/api/v1/tasks", &secretariat, &with(field, value));
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
        // Typed day first, as in Vietnam (#32: a date picker showed mm/dd/yyyy).
        .send_form(fields("31/12/2026"))
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let (_, edit) = get_status(&base, "/tasks/NV-P-01/edit", Some(&head));
    assert!(
        edit.contains("name=\"deadline\" placeholder=\"dd/mm/yyyy\""),
        "{edit}"
    );
    assert!(
        edit.contains("value=\"31/12/2026\""),
        "shown day first: {edit}"
    );
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
         KL-05,Thêm nữa,5443,31/02/2027\n",
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
    let (s, v) = post_api(
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
