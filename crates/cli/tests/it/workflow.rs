//! A report's way up the chain: submitted by the reporter, approved, accepted by the
//! standing office; the forms set on the admin page, the matrix of reports by period, the
//! audit chain, and who may date a task's completion.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;

db_tests!(
    task_completion_dates_and_who_may_set_them,
    a_report_goes_from_the_reporter_to_the_standing_office,
    the_audit_chain_names_what_was_altered_or_removed,
    report_forms_are_set_on_the_admin_page,
    the_matrix_shows_each_units_reports_by_period,
);

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
    assert!(figure(&commune["received_pct"]).unwrap() <= 100.0);
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

/// Finding 5: completion could be backdated by a reporter, or set to absurd dates.
async fn task_completion_dates_and_who_may_set_them(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "bc.phuong", "reporter", "5443");
    let reporter = token(db, "bc", "reporter", "5443");
    let head = token(db, "ct", "head", "5443");
    let (server, base) = serve(db);
    // NV-10 is led by the ward; it started 90 days ago.
    let url = format!("{base}/api/v1/tasks/NV-10/progress");
    let today = chitieu_store::testing::test_clock().today();
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
        let code = body["code"].as_str().unwrap_or_default();
        assert!(
            ["date_before", "date_in_future"].contains(&code),
            "{bad}: the rule is named: {body}"
        );
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
