//! What is typed is what is meant (issue [D]): "0.035" is never 35 and JSON figures are
//! strings, unknown codes and duplicates are refused (not a 500), and two edits of one task
//! at one version lose no field.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;

db_tests!(
    unknown_codes_and_duplicates_are_refused_not_500,
    two_task_edits_at_one_version_one_wins_the_other_is_told_and_no_field_is_lost,
    zero_point_zero_three_five_is_never_thirty_five_and_json_figures_are_strings,
);

/// Every JSON number in `v` with a fraction, by its path.
fn fractional_numbers(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Number(n) if n.is_f64() => out.push(format!("{path} = {n}")),
        serde_json::Value::Array(a) => {
            for (k, x) in a.iter().enumerate() {
                fractional_numbers(x, &format!("{path}[{k}]"), out);
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                fractional_numbers(x, &format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// [D] 6: "0.035" typed in a form became 35; the API's figures were binary doubles.
async fn zero_point_zero_three_five_is_never_thirty_five_and_json_figures_are_strings(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "bc.phuong", "reporter", "5443");
    add_user(db, "qt.tinh", "admin", "19");
    let t = token(db, "phuong", "reporter", "5443");
    let admin = token(db, "tinh", "admin", "19");
    let (server, base) = serve(db);
    let q = crate::support::open_quarter();
    // The entry form.
    let cookie = session(&base, "bc.phuong", PASSWORD);
    let page = format!("/entry?unit=5443&period={q}");
    let csrf = page_csrf(&base, &page, &cookie);
    let html = agent()
        .get(&format!("{base}{page}"))
        .header("cookie", &cookie)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let marker = "name=\"ver.NL-CBX\" value=\"";
    let at = html.find(marker).unwrap() + marker.len();
    let version = html[at..at + html[at..].find('"').unwrap()].to_string();
    let (status, _, body) = crate::support::post_multipart(
        &format!("{base}/entry"),
        Some(&cookie),
        &[
            ("_csrf", csrf.as_str()),
            ("unit", "5443"),
            ("period", q.as_str()),
            ("action", "draft"),
            ("ver.NL-CBX", version.as_str()),
            ("n.NL-CBX", "0.035"),
            ("d.NL-CBX", "1"),
        ],
        &[],
    );
    assert_eq!(status, 303, "{body}");
    let (_, _, rows) = api(
        "GET",
        &format!("{base}/api/v1/values?unit=5443&indicator=NL-CBX&period={q}"),
        Some(&t),
        None,
    );
    assert_eq!(rows[0]["numerator"], "0.035", "{rows}");
    // The administration page's target form.
    let cookie = session(&base, "qt.tinh", PASSWORD);
    let csrf = page_csrf(&base, "/admin", &cookie);
    let res = agent()
        .post(&format!("{base}/admin/targets"))
        .header("cookie", &cookie)
        .send_form([
            ("_csrf", csrf.as_str()),
            ("indicator", "DT-GRDP"),
            ("unit", "19"),
            ("year", "2035"),
            ("comparator", ">="),
            ("value", "0.035"),
            ("wording", "thử"),
        ])
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let list = crate::support::get_json(&format!("{base}/api/v1/indicators"));
    let grdp = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "DT-GRDP")
        .unwrap();
    assert!(
        grdp["targets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["year"] == 2035 && t["value"] == "0.035"),
        "{grdp}"
    );
    // Figures in JSON are decimal strings: the API and the command line.
    for path in [
        "/api/v1/assessment",
        "/api/v1/assessment?method=opensdg",
        "/api/v1/assessment?method=projection",
        "/api/v1/early-warning",
        "/api/v1/evaluation?year=2025",
    ] {
        let (status, _, v) = api("GET", &format!("{base}{path}"), Some(&admin), None);
        assert_eq!(status, 200, "{path}");
        let mut found = Vec::new();
        fractional_numbers(&v, path, &mut found);
        assert!(found.is_empty(), "{:?}", &found[..found.len().min(5)]);
    }
    drop(server);
    for args in [
        &["assess", "--json"][..],
        &["assess", "--json", "--method", "opensdg"],
        &["warnings", "--json"],
        &["evaluate", "--year", "2025", "--json"],
    ] {
        let v: serde_json::Value = serde_json::from_str(&ok(db, args)).unwrap();
        let mut found = Vec::new();
        fractional_numbers(&v, &args.join(" "), &mut found);
        assert!(found.is_empty(), "{:?}", &found[..found.len().min(5)]);
    }
}

/// [D] 5: an unknown code and a duplicate answered 500.
async fn unknown_codes_and_duplicates_are_refused_not_500(db: &TestDb) {
    ok(db, &["demo"]);
    let admin = token(db, "tinh", "admin", "19");
    let (server, base) = serve(db);
    for path in [
        "/api/v1/values?indicator=NOPE",
        "/api/v1/values?unit=NOPE",
        "/api/v1/values?indicator=NOPE&unit=19",
        "/api/v1/tasks/NOPE",
        "/api/v1/units/NOPE",
        "/api/v1/indicators/NOPE",
    ] {
        let (status, _, v) = api("GET", &format!("{base}{path}"), Some(&admin), None);
        assert!(matches!(status, 404 | 422), "{path}: {status} {v}");
    }
    let head = r#"{"unit":"TN.THONGKE","person":"Nguyễn Văn Thử","title":"Trưởng Thống kê tỉnh","term_start":"2031-01-01"}"#;
    let (status, _, v) = api(
        "POST",
        &format!("{base}/api/v1/heads"),
        Some(&admin),
        Some(("application/json", head)),
    );
    assert!(status < 300, "{status} {v}");
    let (status, _, v) = api(
        "POST",
        &format!("{base}/api/v1/heads"),
        Some(&admin),
        Some(("application/json", head)),
    );
    assert!(
        matches!(status, 409 | 422),
        "the same term twice: {status} {v}"
    );
    assert!(v.to_string().contains("trùng"), "{v}");
    drop(server);
}

/// [D] 3: two simultaneous edits of one task changing different fields both answered 200
/// and one change disappeared.
async fn two_task_edits_at_one_version_one_wins_the_other_is_told_and_no_field_is_lost(
    db: &TestDb,
) {
    ok(db, &["demo"]);
    let a = token(db, "van-phong-a", "secretariat", "19");
    let b = token(db, "van-phong-b", "secretariat", "19");
    let (server, base) = serve(db);
    let url = format!("{base}/api/v1/tasks/NV-2025-001");
    let (status, _, t) = api("GET", &url, Some(&a), None);
    assert_eq!(status, 200, "{t}");
    let version = t["version"].as_i64().unwrap();
    assert!(version >= 1, "{t}");
    let product = t["expected_product"].as_str().unwrap().to_string();
    let patch = |token: String, body: String| {
        let url = url.clone();
        std::thread::spawn(move || {
            api(
                "PATCH",
                &url,
                Some(&token),
                Some(("application/json", &body)),
            )
        })
    };
    let ta = patch(
        a.clone(),
        format!(r#"{{"version":{version},"title":"Tên mới của nhiệm vụ"}}"#),
    );
    let tb = patch(
        b.clone(),
        format!(r#"{{"version":{version},"expected_product":"Sản phẩm mới"}}"#),
    );
    let (ra, rb) = (ta.join().unwrap(), tb.join().unwrap());
    let mut statuses = [ra.0, rb.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{ra:?} {rb:?}");
    let (loser, loser_token, loser_body) = if ra.0 == 409 {
        (ra.2, a.clone(), r#""title":"Tên mới của nhiệm vụ""#)
    } else {
        (rb.2, b.clone(), r#""expected_product":"Sản phẩm mới""#)
    };
    let said = loser.to_string();
    assert!(said.contains("van-phong-"), "names who: {said}");
    // What changed is named when the loser's server still held the copy it edited; when the
    // winner's change reached that server first (the two run at once) only the editions are
    // known, and the message names them.
    assert!(
        said.contains("Đã đổi")
            || said.contains(&format!(
                "(lần sửa {}), sau bản bạn đã mở (lần sửa {version})",
                version + 1
            )),
        "names what: {said}"
    );
    // The winner's change is there, the loser's field untouched; the loser, told, retries.
    let (_, _, now) = api("GET", &url, Some(&a), None);
    assert_eq!(now["version"].as_i64().unwrap(), version + 1);
    let title_won = now["title"] == "Tên mới của nhiệm vụ";
    let product_won = now["expected_product"] == "Sản phẩm mới";
    assert!(title_won != product_won, "{now}");
    if title_won {
        assert_eq!(now["expected_product"], product.as_str());
    }
    let (status, _, v) = api(
        "PATCH",
        &url,
        Some(&loser_token),
        Some((
            "application/json",
            &format!(r#"{{"version":{},{loser_body}}}"#, version + 1),
        )),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["title"], "Tên mới của nhiệm vụ");
    assert_eq!(v["expected_product"], "Sản phẩm mới");
    // Without a version, simultaneous edits of different fields never lose one silently:
    // each answered 200 is in the task afterwards.
    for round in 0..5 {
        let ta = patch(a.clone(), format!(r#"{{"title":"Tên vòng {round}"}}"#));
        let tb = patch(
            b.clone(),
            format!(r#"{{"expected_product":"Sản phẩm vòng {round}"}}"#),
        );
        let (ra, rb) = (ta.join().unwrap(), tb.join().unwrap());
        let (_, _, now) = api("GET", &url, Some(&a), None);
        if ra.0 == 200 {
            assert_eq!(now["title"], format!("Tên vòng {round}").as_str(), "{now}");
        }
        if rb.0 == 200 {
            assert_eq!(
                now["expected_product"],
                format!("Sản phẩm vòng {round}").as_str(),
                "{now}"
            );
        }
        assert!(ra.0 == 200 || ra.0 == 409, "{ra:?}");
        assert!(rb.0 == 200 || rb.0 == 409, "{rb:?}");
    }
    drop(server);
}
