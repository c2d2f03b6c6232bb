//! Figures as typed and as stored: bounds on every number, exact figures over the API,
//! Vietnamese number formats through the entry form, and a figure's history.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;

db_tests!(
    overflowing_figures_are_refused_and_stored_ones_cannot_stop_the_server,
    api_figures_are_exact,
    a_values_history_says_who_when_from_where_and_what_changed,
    figures_round_trip_the_vietnamese_way_through_the_entry_form,
);

/// Finding 1: a huge number took the province offline for good.
async fn overflowing_figures_are_refused_and_stored_ones_cannot_stop_the_server(db: &TestDb) {
    ok(db, &["demo"]);
    let reporter = token(db, "phuong", "reporter", "5443");
    let admin = token(db, "tinh", "admin", "19");
    let q = open_quarter();
    {
        let (server, base) = serve(db);
        // At the API: refused, naming the field, nothing written.
        let (status, body) = post_json(
            &format!("{base}/api/v1/values"),
            &reporter,
            &format!(
                r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":"0","denominator":"79228162514264337593543950335"}}]}}"#
            ),
        );
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "denominator");
        assert!(
            body["errors"][0]["reason"]
                .as_str()
                .unwrap()
                .contains("10^15")
        );
        for big in ["7.9e28", "79228162514264337593543950335"] {
            let (status, body) = post_json(
                &format!("{base}/api/v1/values"),
                &admin,
                &format!(
                    r#"{{"values":[{{"indicator":"ST-NVKH","unit":"19","period":"{q}","value":{big}}}]}}"#
                ),
            );
            assert_eq!(status, 422, "{big}: {body}");
        }
        drop(server);
    }
    // A database that already holds such values (written past every check) starts, serves
    // every page, and names the values it left out.
    insert_raw(
        db,
        "NL-CBX",
        "5443",
        "2024Q1",
        ["0", "0", "79228162514264337593543950335"],
        0,
    )
    .await;
    insert_raw(
        db,
        "ST-NVKH",
        "19",
        "2020Q1",
        ["79228162514264337593543950335", "", ""],
        0,
    )
    .await;
    insert_raw(
        db,
        "ST-NVKH",
        "19",
        "2020Q2",
        ["79228162514264337593543950335", "", ""],
        0,
    )
    .await;
    insert_raw(db, "HT-5G", "19", "2020Q3", ["không phải số", "", ""], 0).await;
    let (server, base) = serve(db);
    add_user(db, "xem.tinh", "viewer", "19");
    let cookie = session(&base, "xem.tinh", PASSWORD);
    for path in [
        "/",
        "/public",
        "/indicators/NL-CBX",
        "/indicators/ST-NVKH",
        "/indicators/HT-5G",
        "/units/19",
        "/units/5443",
        "/api/v1/assessment",
        "/api/v1/early-warning",
        "/api/v1/figures?indicator=ST-NVKH&unit=19&period=2020",
    ] {
        let (status, _) = get_status(&base, path, Some(&cookie));
        assert_eq!(status, 200, "{path}");
    }
    // The stored values themselves still list, the unreadable one left out.
    let (status, _, rows) = api(
        "GET",
        &format!("{base}/api/v1/values?unit=19&indicator=ST-NVKH"),
        Some(&admin),
        None,
    );
    assert_eq!(status, 200, "{rows}");
    assert!(rows.to_string().contains("79228162514264337593543950335"));
    let (status, _, _) = api(
        "GET",
        &format!("{base}/api/v1/values?unit=19&indicator=HT-5G"),
        Some(&admin),
        None,
    );
    assert_eq!(status, 200);
    // A bad value arriving while it runs (another process wrote it) is skipped too.
    insert_raw(
        db,
        "ST-NVKH",
        "19",
        "2020Q3",
        ["79228162514264337593543950335", "", ""],
        1_000_000,
    )
    .await;
    for path in ["/", "/public", "/api/v1/assessment"] {
        assert_eq!(
            get_status(&base, path, Some(&cookie)).0,
            200,
            "{path} after sync"
        );
    }
    let text = server.log();
    drop(server);
    for needle in [
        "NL-CBX", "5443", "2024Q1", "ST-NVKH", "2020Q1", "2020Q3", "HT-5G", "bỏ qua",
    ] {
        assert!(text.contains(needle), "log names {needle}:\n{text}");
    }
    // The command line too.
    let out = ok(db, &["assess"]);
    assert!(out.contains("ST-NVKH"), "{out}");
}

/// Finding 8: JSON numbers went through f64; more than 28 decimals were rounded silently.
async fn api_figures_are_exact(db: &TestDb) {
    ok(db, &["demo"]);
    let admin = token(db, "tinh", "admin", "19");
    let q = open_quarter();
    let (server, base) = serve(db);
    let put = |value: &str| {
        post_json(
            &format!("{base}/api/v1/values"),
            &admin,
            &format!(
                r#"{{"values":[{{"indicator":"ST-NVKH","unit":"19","period":"{q}","value":{value}}}]}}"#
            ),
        )
    };
    let (status, body) = put("1234567890.123456");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        stored(&base, &admin, "ST-NVKH", "19", &q).unwrap()["value"],
        "1234567890.123456"
    );
    let (status, body) = put("\"98765,5\"");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        stored(&base, &admin, "ST-NVKH", "19", &q).unwrap()["value"],
        "98765.5"
    );
    // More decimals than a figure may have: refused, not rounded.
    let (status, body) = put("1234567890.123456789");
    assert_eq!(status, 422, "{body}");
    assert!(
        body["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("tối đa 6")
    );
    let (status, body) = put("0.1234567890123456789012345678901");
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        stored(&base, &admin, "ST-NVKH", "19", &q).unwrap()["value"],
        "98765.5"
    );
    // Targets go out as exact strings too.
    let (status, body) = post_json(
        &format!("{base}/api/v1/targets"),
        &admin,
        r#"{"indicator":"KT-SME","unit":"19","year":2029,"comparator":">","value":55.125,"wording":"Thử"}"#,
    );
    assert_eq!(status, 200, "{body}");
    let list = crate::support::get_json(&format!("{base}/api/v1/indicators"));
    assert!(list.to_string().contains(r#""value":"55.125""#));
    drop(server);
}

/// #11's first finding: "1.035 / 1.039" typed on the entry form was stored as 1,035 / 1,039.
/// Typed the Vietnamese way it is 1035 / 1039, shown back as typed; the API keeps exact
/// decimals.
async fn figures_round_trip_the_vietnamese_way_through_the_entry_form(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "bc.phuong", "reporter", "5443");
    let t = token(db, "phuong", "reporter", "5443");
    let (server, base) = serve(db);
    let q = open_quarter();
    let cookie = session(&base, "bc.phuong", PASSWORD);
    let page = format!("/entry?unit=5443&period={q}");
    let csrf = page_csrf(&base, &page, &cookie);
    let (_, html) = get_status(&base, &page, Some(&cookie));
    assert!(
        html.contains("1.035 là một nghìn không trăm ba mươi lăm"),
        "the rule is beside the fields"
    );
    let version = {
        let marker = "name=\"ver.NL-CBX\" value=\"";
        let at = html.find(marker).unwrap() + marker.len();
        html[at..at + html[at..].find('"').unwrap()].to_string()
    };
    let fields = [
        ("_csrf", csrf.as_str()),
        ("unit", "5443"),
        ("period", q.as_str()),
        ("action", "draft"),
        ("ver.NL-CBX", version.as_str()),
        ("n.NL-CBX", "1.035"),
        ("d.NL-CBX", "1 039"),
    ];
    let (status, _, body) = post_multipart(&format!("{base}/entry"), Some(&cookie), &fields, &[]);
    assert_eq!(status, 303, "{body}");
    let saved = stored(&base, &t, "NL-CBX", "5443", &q).unwrap();
    assert_eq!(
        (saved["numerator"].as_str(), saved["denominator"].as_str()),
        (Some("1035"), Some("1039"))
    );
    let (_, html) = get_status(&base, &page, Some(&cookie));
    assert!(
        html.contains("id=\"n-NL-CBX\" inputmode=\"decimal\" value=\"1.035\""),
        "{html}"
    );
    assert!(
        html.contains("id=\"d-NL-CBX\" inputmode=\"decimal\" value=\"1.039\""),
        "{html}"
    );
    // A figure that fits no reading is refused on its field, with the rule.
    let csrf = page_csrf(&base, &page, &cookie);
    let fields = [
        ("_csrf", csrf.as_str()),
        ("unit", "5443"),
        ("period", q.as_str()),
        ("action", "draft"),
        ("ver.NL-CBX", version.as_str()),
        ("n.NL-CBX", "1.03.5"),
        ("d.NL-CBX", "1.039"),
    ];
    let (status, _, body) = post_multipart(&format!("{base}/entry"), Some(&cookie), &fields, &[]);
    assert_eq!(status, 422);
    assert!(
        body.contains("&#34;1.03.5&#34; không phải là số (dấu phẩy là dấu thập phân"),
        "{body}"
    );
    // The API reads exact decimals: 1.035 there is one point zero three five.
    let (s, v) = post_json(
        &format!("{base}/api/v1/values"),
        &t,
        &format!(
            r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":"1.035","denominator":"2"}}]}}"#
        ),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        stored(&base, &t, "NL-CBX", "5443", &q).unwrap()["numerator"].as_str(),
        Some("1.035")
    );
    drop(server);
}

/// Each change of a value is kept with what it was and what it became, who, when and from
/// which address; the audit log names the address too; the chain still verifies.
async fn a_values_history_says_who_when_from_where_and_what_changed(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "bc.phuong", "reporter", "5443");
    let t = token(db, "phuong", "reporter", "5443");
    let (server, base) = serve(db);
    let q = open_quarter();
    for (n, d) in [(30, 39), (31, 39)] {
        let (s, v) = post_json(
            &format!("{base}/api/v1/values"),
            &t,
            &format!(
                r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":{n},"denominator":{d}}}]}}"#
            ),
        );
        assert_eq!(s, 200, "{v}");
    }
    let cookie = session(&base, "bc.phuong", PASSWORD);
    let (_, html) = get_status(
        &base,
        &format!("/entry?unit=5443&period={q}"),
        Some(&cookie),
    );
    let at = html
        .find("id=\"h-NL-CBX\"")
        .expect("the value's history on its page");
    let history = &html[at..at + html[at..].find("</details>").unwrap()];
    // The demo's figure, then the two changes, each from the client's address.
    assert_eq!(history.matches("<li>").count(), 3, "{history}");
    assert!(history.contains("token:phuong (127.0.0.1)"), "{history}");
    // In the reader's notation, to two decimals, the state in words (#32: once
    // "30/39 (76.92307692…)" and "(draft)").
    assert!(
        history.contains("30/39 (76,92) → 31/39 (79,49)"),
        "{history}"
    );
    assert!(history.contains("(bản nháp)"), "{history}");
    assert!(!history.contains("draft"), "{history}");
    drop(server);
    let store = db.store().await;
    let from_address = store
        .run_sql_baseline(
            "SELECT id FROM audit_log WHERE action = 'values.upsert' AND detail LIKE '%từ 127.0.0.1'",
        )
        .await
        .unwrap();
    assert_eq!(from_address, 2);
    let out = ok(db, &["audit", "verify"]);
    assert!(out.contains("toàn vẹn"), "{out}");
}
