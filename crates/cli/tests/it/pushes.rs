//! Other systems (#14): a batch pushed with an `Idempotency-Key` is applied once, a retry gets
//! the first answer, the same key with another body is refused, each value records the system
//! that sent it; DHIS2 dataValueSets and ADX in and out through a code-mapping table, as files
//! and pushed to the API.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use serde_json::Value;

db_tests!(
    the_province_admin_edits_the_code_mapping_on_the_page,
    adx_round_trips_and_refuses_what_it_cannot_read,
    a_retried_batch_is_applied_once_and_answered_alike,
    dhis2_data_value_sets_round_trip_through_the_code_mapping,
    another_system_pushes_dhis2_json_or_adx_to_the_api_once,
);

async fn a_retried_batch_is_applied_once_and_answered_alike(db: &TestDb) {
    ok(db, &["demo"]);
    let system = token(db, "dhis2-dongbo", "reporter", "5443");
    let (server, base) = serve(db);
    let q = open_quarter();
    let push = |key: Option<&str>, body: &str| {
        let mut r = agent()
            .post(&format!("{base}/api/v1/values"))
            .header("Authorization", &format!("Bearer {system}"))
            .header("content-type", "application/json");
        if let Some(k) = key {
            r = r.header("Idempotency-Key", k);
        }
        let mut res = r.send(body.as_bytes()).unwrap();
        let replayed = res.headers().get("idempotent-replayed").is_some();
        let text = res.body_mut().read_to_string().unwrap_or_default();
        (res.status().as_u16(), text, replayed)
    };
    let batch = |n: u32| {
        format!(
            r#"{{"state":"draft","values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":{n},"denominator":50}}]}}"#
        )
    };
    let store = db.store().await;
    let stored = || async { stored_value(&store, "NL-CBX", "5443", &q).await.unwrap() };
    let key = "3f1c9a2e-7b44-4d0e-9a55-0c2b1d6e8f10";
    let (s, first, replayed) = push(Some(key), &batch(44));
    assert_eq!(s, 200, "{first}");
    assert!(!replayed);
    let after = stored().await;
    assert_eq!(after.numerator.map(|d| d.to_string()), Some("44".into()));
    assert_eq!(
        after.entered_by, "token:dhis2-dongbo",
        "the value names its source system"
    );
    // The retry: the first answer again, nothing written a second time.
    let (s, again, replayed) = push(Some(key), &batch(44));
    assert_eq!((s, again.as_str(), replayed), (200, first.as_str(), true));
    assert_eq!(stored().await.version, after.version);
    // The same key with another body is refused, and changes nothing.
    let (s, body, _) = push(Some(key), &batch(45));
    assert_eq!(s, 422, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["code"], "idempotency_key_reused", "{v}");
    assert_eq!(stored().await.version, after.version);
    // A refused batch's answer is kept too: its retry is refused alike.
    let bad = batch(44).replace("\"denominator\":50", "\"denominator\":0");
    let (s, refused, _) = push(Some("lo-2"), &bad);
    assert_eq!(s, 422, "{refused}");
    let (s, again, replayed) = push(Some("lo-2"), &bad);
    assert_eq!((s, again.as_str(), replayed), (422, refused.as_str(), true));
    // A key that is no key is refused, naming the header.
    let (s, body, _) = push(Some("khóa có dấu"), &batch(44));
    assert_eq!(s, 422);
    assert!(body.contains("Idempotency-Key"), "{body}");
    // Keys belong to their caller: another system's same key is its own.
    let other = token(db, "he-thong-khac", "reporter", "5443");
    let mut res = agent()
        .post(&format!("{base}/api/v1/values"))
        .header("Authorization", &format!("Bearer {other}"))
        .header("content-type", "application/json")
        .header("Idempotency-Key", key)
        .send(batch(46).as_bytes())
        .unwrap();
    assert_eq!(
        res.status().as_u16(),
        200,
        "{}",
        res.body_mut().read_to_string().unwrap()
    );
    assert_eq!(
        stored().await.numerator.map(|d| d.to_string()),
        Some("46".into())
    );
    drop(server);
}

async fn dhis2_data_value_sets_round_trip_through_the_code_mapping(db: &TestDb) {
    ok(db, &["demo"]);
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let q = open_quarter();
    // Without a mapping, our own codes; a ratio is two data elements.
    let out = path("ra.json");
    ok(
        db,
        &[
            "values", "export", "--format", "dhis2", "--unit", "5443", "-o", &out,
        ],
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let values = doc["dataValues"].as_array().unwrap();
    assert!(values.iter().any(|v| v["dataElement"] == "NL-CBX.numerator"
        && v["orgUnit"] == "5443"
        && v["period"] == q));
    // The admin's mapping table: the ward and the indicator's two parts by DHIS2 ids.
    let map = path("ma.csv");
    std::fs::write(
        &map,
        "part,code,external\nunit,5443,DiszpKrYNg8\nnumerator,NL-CBX,cbxTrained01\ndenominator,NL-CBX,cbxOfficials\n",
    )
    .unwrap();
    ok(db, &["mapping", "import", "--system", "dhis2", &map]);
    let listed = ok(db, &["mapping", "list", "--system", "dhis2"]);
    assert!(listed.contains("unit,5443,DiszpKrYNg8"), "{listed}");
    ok(
        db,
        &[
            "values", "export", "--format", "dhis2", "--unit", "5443", "-o", &out,
        ],
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("\"cbxTrained01\"") && text.contains("\"DiszpKrYNg8\""),
        "{text}"
    );
    // A DHIS2 file in their codes goes in; orgUnit and period may be given once for all.
    let file = path("dhis2.json");
    std::fs::write(
        &file,
        format!(
            r#"{{"dataSet":"pBOMPrpg1QX","period":"{q}","orgUnit":"DiszpKrYNg8","dataValues":[
              {{"dataElement":"cbxTrained01","value":"47"}},
              {{"dataElement":"cbxOfficials","value":50,"comment":"Từ DHIS2"}}]}}"#
        ),
    )
    .unwrap();
    ok(db, &["values", "import", &file]);
    let store = db.store().await;
    let stored = || async { stored_value(&store, "NL-CBX", "5443", &q).await.unwrap() };
    let v = stored().await;
    assert_eq!(
        (v.numerator.map(|d| d.to_string()), v.comment.as_str()),
        (Some("47".into()), "Từ DHIS2")
    );
    // Malformed JSON, an unknown data element, a bad period: named, nothing stored.
    for (body, says) in [
        (r#"{"dataValues":[{"dataElement":"cbxTrained01","#.to_string(), "dòng"),
        (
            format!(r#"{{"dataValues":[{{"dataElement":"khongCo","period":"{q}","orgUnit":"DiszpKrYNg8","value":"1"}}]}}"#),
            "dataValues[0], cột \"dataElement\"",
        ),
        (
            r#"{"dataValues":[{"dataElement":"cbxTrained01","period":"2025W3","orgUnit":"DiszpKrYNg8","value":"1"},{"dataElement":"cbxOfficials","period":"2025W3","orgUnit":"DiszpKrYNg8","value":"2"}]}"#.to_string(),
            "cột \"period\"",
        ),
    ] {
        std::fs::write(&file, &body).unwrap();
        let err = fails(db, &["values", "import", &file]);
        assert!(err.contains("dhis2.json") && err.contains(says), "{says}: {err}");
    }
    assert_eq!(stored().await.version, v.version, "nothing written");
    // A mapping naming a unit that does not exist, or one code twice, is refused whole.
    std::fs::write(&map, "part,code,external\nunit,99999,X\n").unwrap();
    let err = fails(db, &["mapping", "import", "--system", "dhis2", &map]);
    assert!(err.contains("99999"), "{err}");
    std::fs::write(
        &map,
        "part,code,external\nunit,5443,A\nvalue,HT-5G,B\nnumerator,NL-CBX,B\n",
    )
    .unwrap();
    let err = fails(db, &["mapping", "import", "--system", "dhis2", &map]);
    assert!(err.contains("\"B\""), "{err}");
    assert!(ok(db, &["mapping", "list", "--system", "dhis2"]).contains("DiszpKrYNg8"));
}

async fn adx_round_trips_and_refuses_what_it_cannot_read(db: &TestDb) {
    ok(db, &["demo"]);
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let q = open_quarter();
    let out = path("ra.xml");
    ok(
        db,
        &[
            "values", "export", "--format", "adx", "--unit", "5443", "-o", &out,
        ],
    );
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.contains("xmlns=\"urn:ihe:qrph:adx:2015\""), "{xml}");
    assert!(xml.contains("dataSet=\"BC57-XA-QUY\""), "{xml}");
    assert!(xml.contains("dataElement=\"NL-CBX.numerator\""), "{xml}");
    // The export imports back unchanged.
    ok(db, &["values", "import", &out]);
    // A DHIS2-style ADX file: a group per org unit and period, the period as start/duration,
    // a comment as the annotation (with an entity in it).
    let p: chitieu_domain::Period = q.parse().unwrap();
    let start = p.start().format("%Y-%m-%d");
    let file = path("dhis2.xml");
    std::fs::write(
        &file,
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<adx xmlns="urn:ihe:qrph:adx:2015" exported="2026-01-05T08:00:00Z">
  <group orgUnit="5443" period="{start}/P3M" dataSet="BC57-XA-QUY">
    <dataValue dataElement="NL-CBX.numerator" value="48"><annotation>Số liệu &amp; ghi chú từ ADX</annotation></dataValue>
    <dataValue dataElement="NL-CBX.denominator" value="50"/>
  </group>
</adx>"#
        ),
    )
    .unwrap();
    ok(db, &["values", "import", &file]);
    let store = db.store().await;
    let stored = || async { stored_value(&store, "NL-CBX", "5443", &q).await.unwrap() };
    let v = stored().await;
    assert_eq!(
        (v.numerator.map(|d| d.to_string()), v.comment.as_str()),
        (Some("48".into()), "Số liệu & ghi chú từ ADX")
    );
    // Malformed XML, an unknown code, a bad period: named, nothing stored.
    for (body, says) in [
        (
            "<adx xmlns=\"urn:ihe:qrph:adx:2015\"><group orgUnit=\"5443\"".to_string(),
            "XML",
        ),
        (
            format!(
                r#"<adx><group orgUnit="5443" period="{start}/P3M"><dataValue dataElement="khongCo" value="1"/></group></adx>"#
            ),
            "group 1, dataValue 1, cột \"dataElement\"",
        ),
        (
            r#"<adx><group orgUnit="5443" period="2025-02-01/P3M"><dataValue dataElement="NL-CBX.numerator" value="1"/></group></adx>"#.to_string(),
            "group 1, cột \"period\"",
        ),
        ("<khong-phai-adx/>".to_string(), "<adx>"),
    ] {
        std::fs::write(&file, &body).unwrap();
        let err = fails(db, &["values", "import", &file]);
        assert!(err.contains("dhis2.xml") && err.contains(says), "{says}: {err}");
    }
    assert_eq!(stored().await.version, v.version, "nothing written");
}

async fn the_province_admin_edits_the_code_mapping_on_the_page(db: &TestDb) {
    ok(db, &["init"]);
    no_second_factor(db);
    add_user(db, "qt.tinh", "admin", "19");
    add_user(db, "qt.phuong", "admin", "5443");
    let (server, base) = serve(db);
    let admin = session(&base, "qt.tinh", PASSWORD);
    let post = |cookie: &str, rows: &str| {
        let csrf = page_csrf(&base, "/admin", cookie);
        let mut res = agent()
            .post(&format!("{base}/admin/mappings"))
            .header("cookie", cookie)
            .send_form([("_csrf", csrf.as_str()), ("rows", rows)])
            .unwrap();
        (
            res.status().as_u16(),
            res.body_mut().read_to_string().unwrap_or_default(),
        )
    };
    let (s, _) = post(
        &admin,
        "unit,5443,DiszpKrYNg8\nnumerator,NL-CBX,cbxTrained01\ndenominator,NL-CBX,cbxOfficials",
    );
    assert_eq!(s, 303);
    let listed = ok(db, &["mapping", "list", "--system", "dhis2"]);
    assert!(listed.contains("numerator,NL-CBX,cbxTrained01"), "{listed}");
    let (_, page) = get_status(&base, "/admin", Some(&admin));
    assert!(
        page.contains("unit,5443,DiszpKrYNg8"),
        "the table shown to edit"
    );
    // An unknown unit: the form comes back with the reason and the rows typed; nothing saved.
    let (s, page) = post(&admin, "unit,99999,X");
    assert_eq!(s, 422);
    assert!(
        page.contains("99999") && page.contains("id=\"edit-mapping\""),
        "{page}"
    );
    assert!(ok(db, &["mapping", "list", "--system", "dhis2"]).contains("DiszpKrYNg8"));
    // A ward's administrator neither sees nor changes the province's exchange codes.
    let ward = session(&base, "qt.phuong", PASSWORD);
    let (_, page) = get_status(&base, "/admin", Some(&ward));
    assert!(!page.contains("id=\"edit-mapping\""));
    assert_eq!(post(&ward, "unit,5443,Y").0, 403);
    drop(server);
}

async fn another_system_pushes_dhis2_json_or_adx_to_the_api_once(db: &TestDb) {
    ok(db, &["demo"]);
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("ma.csv");
    std::fs::write(
        &map,
        "part,code,external\nunit,5443,DiszpKrYNg8\nnumerator,NL-CBX,cbxTrained01\ndenominator,NL-CBX,cbxOfficials\n",
    )
    .unwrap();
    ok(
        db,
        &[
            "mapping",
            "import",
            "--system",
            "dhis2",
            map.to_str().unwrap(),
        ],
    );
    let system = token(db, "dhis2-phuong", "reporter", "5443");
    let (server, base) = serve(db);
    let q = open_quarter();
    let push = |content_type: &str, key: Option<&str>, body: &str| {
        let mut r = agent()
            .post(&format!("{base}/api/v1/dataValueSets"))
            .header("Authorization", &format!("Bearer {system}"))
            .header("content-type", content_type);
        if let Some(k) = key {
            r = r.header("Idempotency-Key", k);
        }
        let mut res = r.send(body.as_bytes()).unwrap();
        let replayed = res.headers().get("idempotent-replayed").is_some();
        let text = res.body_mut().read_to_string().unwrap_or_default();
        (res.status().as_u16(), text, replayed)
    };
    let store = db.store().await;
    let stored = || async { stored_value(&store, "NL-CBX", "5443", &q).await.unwrap() };
    // DHIS2 JSON in DHIS2's ids, pushed twice with one key: stored once, answered alike.
    let json = |n: u32| {
        format!(
            r#"{{"dataSet":"pBOMPrpg1QX","period":"{q}","orgUnit":"DiszpKrYNg8","dataValues":[
              {{"dataElement":"cbxTrained01","value":"{n}"}},
              {{"dataElement":"cbxOfficials","value":50,"comment":"Đẩy từ DHIS2"}}]}}"#
        )
    };
    let key = "a1d7c0de-0000-4000-8000-00000000dhis";
    let (s, first, replayed) = push("application/json", Some(key), &json(46));
    assert_eq!((s, replayed), (200, false), "{first}");
    let v = stored().await;
    assert_eq!(
        (v.numerator.map(|d| d.to_string()), v.comment.as_str()),
        (Some("46".into()), "Đẩy từ DHIS2")
    );
    assert_eq!(
        v.entered_by, "token:dhis2-phuong",
        "the value names its system"
    );
    let (s, again, replayed) = push("application/json", Some(key), &json(46));
    assert_eq!((s, again.as_str(), replayed), (200, first.as_str(), true));
    assert_eq!(stored().await.version, v.version, "applied once");
    let (s, body, _) = push("application/json", Some(key), &json(45));
    assert_eq!(s, 422, "the same key with another body: {body}");
    assert!(body.contains("idempotency_key_reused"), "{body}");
    // ADX with our own codes (system `chitieu` has no table).
    let p: chitieu_domain::Period = q.parse().unwrap();
    let start = p.start().format("%Y-%m-%d");
    let adx = format!(
        r#"<adx xmlns="urn:ihe:qrph:adx:2015"><group orgUnit="5443" period="{start}/P3M" dataSet="BC57-XA-QUY">
<dataValue dataElement="NL-CBX.numerator" value="44"/><dataValue dataElement="NL-CBX.denominator" value="50"/></group></adx>"#
    );
    let (s, body, _) = {
        let mut res = agent()
            .post(&format!("{base}/api/v1/dataValueSets?system=chitieu"))
            .header("Authorization", &format!("Bearer {system}"))
            .header("content-type", "application/adx+xml")
            .send(adx.as_bytes())
            .unwrap();
        let text = res.body_mut().read_to_string().unwrap_or_default();
        (res.status().as_u16(), text, ())
    };
    assert_eq!(s, 200, "{body}");
    let v = stored().await;
    assert_eq!(v.numerator.map(|d| d.to_string()), Some("44".into()));
    // Refused whole, each for its reason, nothing written: malformed XML, an unknown code,
    // another ward's figures, another media type.
    let (s, body, _) = push("application/adx+xml", None, "<adx><group orgUnit=\"5443\"");
    assert_eq!(s, 422, "{body}");
    assert!(body.contains("XML"), "{body}");
    let (s, body, _) = push(
        "application/json",
        None,
        &format!(
            r#"{{"period":"{q}","orgUnit":"DiszpKrYNg8","dataValues":[{{"dataElement":"khongCo","value":"1"}}]}}"#
        ),
    );
    assert_eq!(s, 422, "{body}");
    assert!(body.contains("dataValues[0]"), "{body}");
    let (s, body, _) = push(
        "application/json",
        None,
        &format!(
            r#"{{"period":"{q}","orgUnit":"5500","dataValues":[{{"dataElement":"cbxTrained01","value":"1"}},{{"dataElement":"cbxOfficials","value":"2"}}]}}"#
        ),
    );
    assert_eq!(s, 403, "another ward's figures: {body}");
    let (s, body, _) = push(
        "application/json",
        None,
        &format!(
            r#"{{"period":"{q}","orgUnit":"5444","dataValues":[{{"dataElement":"cbxTrained01","value":"1"}}]}}"#
        ),
    );
    assert_eq!(s, 422, "a unit that does not exist: {body}");
    assert!(body.contains("không có đơn vị mã \\\"5444\\\""), "{body}");
    let (s, _, _) = push("text/csv", None, "a,b");
    assert_eq!(s, 415);
    // More values than a request may carry: refused as too many (it once answered about a
    // report's state instead).
    let (_, _, units) = api(
        "GET",
        &format!("{base}/api/v1/units?parent=19"),
        Some(&system),
        None,
    );
    let units: Vec<String> = units
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| matches!(u["kind"].as_str(), Some("commune" | "ward")))
        .map(|u| u["code"].as_str().unwrap().to_string())
        .collect();
    let quarters = (2026..=2100).flat_map(|y| (1..=4).map(move |k| format!("{y}Q{k}")));
    // A numerator and a denominator for each of 10,001 units and quarters.
    let many: Vec<String> = quarters
        .flat_map(|p| units.iter().map(move |u| (u.clone(), p.clone())))
        .take(10_001)
        .flat_map(|(u, p)| {
            ["cbxTrained01", "cbxOfficials"].map(|e| {
                format!(r#"{{"dataElement":"{e}","orgUnit":"{u}","period":"{p}","value":"1"}}"#)
            })
        })
        .collect();
    assert_eq!(many.len(), 20_002);
    let (s, body, _) = push(
        "application/json",
        None,
        &format!(r#"{{"dataValues":[{}]}}"#, many.join(",")),
    );
    assert_eq!(s, 422, "{body}");
    assert!(body.contains("\"too_many\""), "{body}");
    assert!(!body.contains("not_one_of"), "{body}");
    assert_eq!(stored().await.version, v.version, "nothing written");
    // A viewer's token may not push.
    let viewer = token(db, "xem-thu", "viewer", "5443");
    let res = agent()
        .post(&format!("{base}/api/v1/dataValueSets"))
        .header("Authorization", &format!("Bearer {viewer}"))
        .header("content-type", "application/json")
        .send(json(40).as_bytes())
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    drop(server);
}
