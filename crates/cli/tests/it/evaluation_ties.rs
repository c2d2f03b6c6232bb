//! #32: units tied at the cut of "excellent" are the emulation council's to decide. The demo's
//! 2025 has seventeen communes and wards on 100 points for five places: none is rated
//! excellent until the council chooses, the API lists them with the places left, and the
//! recorded choice rates exactly the chosen ones excellent, also in the frozen year.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use serde_json::Value;

db_tests!(
    the_council_decides_ties_at_the_cut_and_its_choice_is_frozen_with_the_year,
    the_secretariat_records_the_councils_choice_on_the_page,
    each_groups_decision_is_kept_apart,
);

/// Two secretaries recording the two peer groups' decisions at once once rewrote one list
/// each, read before the other's write: one decision was lost. Each group has its own row.
async fn each_groups_decision_is_kept_apart(db: &TestDb) {
    use chitieu_domain::evaluation::PeerGroup;
    use chitieu_store::evaluation::Setting;
    ok(db, &["init"]);
    let store = db.store().await;
    let (a, b) = tokio::join!(
        store.save_evaluation_setting(
            2025,
            Setting::Ties(PeerGroup::Departments),
            Some("\"d\""),
            "a"
        ),
        store.save_evaluation_setting(2025, Setting::Ties(PeerGroup::Communes), Some("\"c\""), "b"),
    );
    a.unwrap();
    b.unwrap();
    for (group, body) in [
        (PeerGroup::Departments, "\"d\""),
        (PeerGroup::Communes, "\"c\""),
    ] {
        let kept = store
            .evaluation_setting(2025, Setting::Ties(group))
            .await
            .unwrap()
            .expect("kept");
        assert_eq!(kept.body, body);
    }
}

fn rows(base: &str, token: &str, frozen: bool) -> Vec<Value> {
    let q = if frozen { "&frozen=true" } else { "" };
    let (s, _, v) = api(
        "GET",
        &format!("{base}/api/v1/evaluation?year=2025{q}"),
        Some(token),
        None,
    );
    assert_eq!(s, 200, "{v}");
    v.as_array().unwrap().clone()
}

fn excellent(rows: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = rows
        .iter()
        .filter(|u| u["rating"] == "excellent")
        .map(|u| u["unit"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

/// The communes' cut as `GET …/ties` gives it.
fn communes_cut(base: &str, token: &str) -> Value {
    let (s, _, v) = api(
        "GET",
        &format!("{base}/api/v1/evaluation/2025/ties"),
        Some(token),
        None,
    );
    assert_eq!(s, 200, "{v}");
    v.as_array()
        .unwrap()
        .iter()
        .find(|c| c["group"] == "communes")
        .cloned()
        .unwrap_or_else(|| panic!("communes' cut in {v}"))
}

async fn the_council_decides_ties_at_the_cut_and_its_choice_is_frozen_with_the_year(db: &TestDb) {
    ok(db, &["demo"]);
    let office = token(db, "tt", "secretariat", "19");
    let viewer = token(db, "xem", "viewer", "19");
    let (server, base) = serve(db);

    // Undecided: no commune is excellent, the tied ones say so with the places left.
    let before = rows(&base, &viewer, false);
    let tied: Vec<&Value> = before.iter().filter(|u| u["tied_at_cut"] == true).collect();
    assert_eq!(tied.len(), 17, "seventeen on 100 points");
    for u in &tied {
        assert_eq!(u["rating"], "good", "good until the council decides: {u}");
        assert_eq!(u["places_left"], 5, "{u}");
        assert_eq!(figure(&u["score"]), Some(100.0), "{u}");
    }
    assert!(excellent(&before).is_empty(), "{:?}", excellent(&before));
    let untied = before
        .iter()
        .find(|u| u["group"] == "communes" && u["tied_at_cut"] == false && !u["score"].is_null())
        .unwrap();
    assert!(untied["places_left"].is_null(), "{untied}");
    let cut = communes_cut(&base, &viewer);
    assert_eq!(
        (cut["seats"].as_u64(), cut["places_left"].as_u64()),
        (Some(5), Some(5))
    );
    let tied_codes: Vec<String> = cut["tied"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(tied_codes.len(), 17);

    // What the council may decide, and who may record it.
    let decide = |t: &str, group: &str, units: &[&str], number: &str, date: &str| {
        let body =
            serde_json::json!({"group": group, "units": units, "number": number, "date": date});
        post_json(
            &format!("{base}/api/v1/evaluation/2025/ties"),
            t,
            &body.to_string(),
        )
    };
    let five: Vec<&str> = tied_codes.iter().take(5).map(String::as_str).collect();
    let six: Vec<&str> = tied_codes.iter().take(6).map(String::as_str).collect();
    assert_eq!(
        decide(&viewer, "communes", &five, "12/QĐ-HĐTĐKT", "2026-01-15").0,
        403
    );
    let refusals = [
        (
            decide(&office, "communes", &six, "12/QĐ-HĐTĐKT", "2026-01-15"),
            "too_many_chosen",
        ),
        (
            decide(
                &office,
                "communes",
                &[untied["unit"].as_str().unwrap()],
                "12/QĐ-HĐTĐKT",
                "2026-01-15",
            ),
            "not_tied",
        ),
        (
            decide(&office, "departments", &[], "12/QĐ-HĐTĐKT", "2026-01-15"),
            "no_tie_at_cut",
        ),
        (
            decide(&office, "communes", &five, "  ", "2026-01-15"),
            "required",
        ),
        (
            decide(&office, "communes", &five, "12/QĐ-HĐTĐKT", "2027-01-15"),
            "date_in_future",
        ),
        (
            decide(&office, "communes", &five, "12/QĐ-HĐTĐKT", "2024-12-31"),
            "out_of_range",
        ),
        (
            decide(&office, "provinces", &five, "12/QĐ-HĐTĐKT", "2026-01-15"),
            "not_one_of",
        ),
    ];
    for ((status, v), code) in refusals {
        assert_eq!(status, 422, "{code}: {v}");
        assert_eq!(v["code"], code, "{v}");
        assert!(!v["message_en"].as_str().unwrap_or("").is_empty(), "{v}");
    }
    assert!(
        excellent(&rows(&base, &viewer, false)).is_empty(),
        "nothing written"
    );

    // The council gives the five places: exactly those five are excellent, the others stay
    // good, and nobody is tied any more.
    let (s, v) = decide(&office, "communes", &five, "12/QĐ-HĐTĐKT", "2026-01-15");
    assert_eq!(s, 200, "{v}");
    let after = rows(&base, &viewer, false);
    let mut chosen: Vec<String> = five.iter().map(|s| s.to_string()).collect();
    chosen.sort();
    assert_eq!(excellent(&after), chosen);
    assert!(after.iter().all(|u| u["tied_at_cut"] == false));
    let cut = communes_cut(&base, &viewer);
    assert_eq!(cut["places_left"], 0);
    assert_eq!(cut["decision"]["number"], "12/QĐ-HĐTĐKT");
    assert_eq!(cut["decision"]["date"], "2026-01-15");
    assert!(
        cut["decision"]["recorded_by"]
            .as_str()
            .unwrap()
            .contains("tt"),
        "who recorded it: {cut}"
    );

    // Frozen: the choice stays with the year, and can no longer change.
    let (s, v) = post_json(
        &format!("{base}/api/v1/evaluation/2025/freeze"),
        &office,
        "{}",
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(excellent(&rows(&base, &viewer, true)), chosen);
    let (s, v) = decide(&office, "communes", &six[1..], "13/QĐ-HĐTĐKT", "2026-01-20");
    assert_eq!((s, v["code"].as_str()), (409, Some("frozen")), "{v}");
    assert_eq!(excellent(&rows(&base, &viewer, true)), chosen);
    drop(server);
}

async fn the_secretariat_records_the_councils_choice_on_the_page(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "tt.tinh", "secretariat", "19");
    add_user(db, "xem.tinh", "viewer", "19");
    let viewer = token(db, "xem", "viewer", "19");
    let (server, base) = serve(db);
    let cookie = session(&base, "tt.tinh", PASSWORD);
    let (s, page) = get_status(&base, "/evaluation?year=2025", Some(&cookie));
    assert_eq!(s, 200);
    assert!(
        page.contains("17 đơn vị đồng điểm (100 điểm) tại ngưỡng xếp loại xuất sắc, còn 5 suất — chờ Hội đồng thi đua quyết định"),
        "{page}"
    );
    assert!(
        page.contains("Đề nghị khen thưởng"),
        "the proposals' heading"
    );
    assert!(!page.contains("Kiến nghị, đề xuất"));
    let tied = communes_cut(&base, &viewer)["tied"]
        .as_array()
        .unwrap()
        .clone();
    let csrf = page_csrf(&base, "/evaluation?year=2025", &cookie);
    let post = |form: Vec<(String, String)>| {
        let res = agent()
            .post(&format!("{base}/evaluation/ties"))
            .header("cookie", &cookie)
            .send_form(form.iter().map(|(a, b)| (a.as_str(), b.as_str())))
            .unwrap();
        (
            res.status().as_u16(),
            res.headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_string()),
        )
    };
    let mut form: Vec<(String, String)> = [
        ("_csrf", csrf.as_str()),
        ("year", "2025"),
        ("group", "communes"),
        ("number", "07/QĐ-HĐTĐKT"),
        // Typed as in Vietnam, day first.
        ("date", "20/01/2026"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    for code in tied.iter().take(2) {
        form.push((format!("unit_{}", code.as_str().unwrap()), "on".into()));
    }
    let (s, to) = post(form);
    assert_eq!(s, 303);
    assert_eq!(to.as_deref(), Some("/evaluation?year=2025&done=ties#ties"));
    let (_, page) = get_status(&base, "/evaluation?year=2025&done=ties", Some(&cookie));
    assert!(
        page.contains("Đã ghi quyết định của Hội đồng thi đua"),
        "{page}"
    );
    assert!(
        page.contains("Hội đồng thi đua đã chọn 2 trong 17 đơn vị đồng điểm cho 5 suất còn lại (Quyết định số 07/QĐ-HĐTĐKT ngày 20/01/2026"),
        "{page}"
    );
    assert!(
        page.contains("được Hội đồng thi đua chọn"),
        "the chosen units' rating says why"
    );
    assert_eq!(excellent(&rows(&base, &viewer, false)).len(), 2);
    // The viewer reads the decision but has no form.
    let viewer_cookie = session(&base, "xem.tinh", PASSWORD);
    let (_, page) = get_status(&base, "/evaluation?year=2025", Some(&viewer_cookie));
    assert!(page.contains("Quyết định số 07/QĐ-HĐTĐKT"));
    assert!(!page.contains("action=\"/evaluation/ties\""));
    // Freezing asks for confirmation: without it, nothing is frozen.
    let res = agent()
        .post(&format!("{base}/evaluation/freeze"))
        .header("cookie", &cookie)
        .send_form([("_csrf", csrf.as_str()), ("year", "2025")])
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let (s, _, _) = api(
        "GET",
        &format!("{base}/api/v1/evaluation?year=2025&frozen=true"),
        Some(&viewer),
        None,
    );
    assert_eq!(s, 404, "not frozen without the confirmation");
    let res = agent()
        .post(&format!("{base}/evaluation/freeze"))
        .header("cookie", &cookie)
        .send_form([
            ("_csrf", csrf.as_str()),
            ("year", "2025"),
            ("confirm", "on"),
        ])
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let (_, page) = get_status(
        &base,
        "/evaluation?year=2025&frozen=1&done=freeze",
        Some(&cookie),
    );
    assert!(page.contains("Đã chốt kết quả đánh giá"), "{page}");
    assert_eq!(excellent(&rows(&base, &viewer, true)).len(), 2);
    drop(server);
}
