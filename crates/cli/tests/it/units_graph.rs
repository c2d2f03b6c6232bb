//! The unit graph stays a tree (issue [D]): a scoped administrator cannot bend units into a
//! circle of parents or successors, a circle already stored is named and the server still
//! serves, and stored rows that break the rules are left out and named.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use std::time::{Duration, Instant};

db_tests!(
    stored_rows_that_break_the_rules_are_left_out_and_named,
    a_ward_administrator_cannot_bend_units_into_a_circle,
    a_stored_circle_of_units_is_named_and_the_server_serves,
);

/// [D] 1: a ward administrator made a unit its own successor (stack overflow at every
/// start after) or the ward its own parent (writes hung, the province lost the ward).
async fn a_ward_administrator_cannot_bend_units_into_a_circle(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "qt.phuong", "admin", "5443");
    add_user(db, "qt.tinh", "admin", "19");
    let (server, base) = serve(db);
    let cookie = session(&base, "qt.phuong", PASSWORD);
    let csrf = page_csrf(&base, "/admin", &cookie);
    let post = |form: &[(&str, &str)]| -> (u16, String) {
        let mut f: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        f.extend_from_slice(form);
        let mut res = agent()
            .post(&format!("{base}/admin/units"))
            .header("cookie", &cookie)
            .send_form(f)
            .unwrap();
        (
            res.status().as_u16(),
            res.body_mut().read_to_string().unwrap_or_default(),
        )
    };
    let unit = |code: &'static str, parent: &'static str, successor: &'static str| {
        vec![
            ("code", code),
            ("name", "Tổ dân phố"),
            ("kind", "other"),
            ("parent", parent),
            ("successor", successor),
        ]
    };
    assert_eq!(post(&unit("P5443.A", "5443", "")).0, 303);
    assert_eq!(post(&unit("P5443.B", "P5443.A", "")).0, 303);
    // Its own successor.
    let (status, body) = post(&unit("P5443.A", "5443", "P5443.A"));
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("đơn vị kế thừa"), "names the field: {body}");
    // Two units succeeding each other.
    assert_eq!(post(&unit("P5443.A", "5443", "P5443.B")).0, 303);
    let (status, body) = post(&unit("P5443.B", "P5443.A", "P5443.A"));
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("kế thừa nhau thành vòng"), "{body}");
    // Two units each other's parent.
    let (status, body) = post(&unit("P5443.A", "P5443.B", ""));
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("đơn vị cấp trên"), "names the field: {body}");
    // The ward its own parent.
    let ward = [
        ("code", "5443"),
        ("name", "Phường Phan Đình Phùng"),
        ("kind", "ward"),
        ("parent", "5443"),
    ];
    let (status, body) = post(&ward);
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("cấp trên của chính nó"), "{body}");
    // The ward under a unit of its own (a circle through it), or lifted out of the province.
    let (status, _) = post(&[
        ("code", "5443"),
        ("name", "Phường Phan Đình Phùng"),
        ("kind", "ward"),
        ("parent", "P5443.B"),
    ]);
    assert_eq!(status, 422);
    let (status, _) = post(&[
        ("code", "5443"),
        ("name", "Phường Phan Đình Phùng"),
        ("kind", "ward"),
        ("parent", "5500"),
    ]);
    // Refused as a ward under a commune, and as the administrator's own scope moved.
    assert!(matches!(status, 403 | 422), "{status}");
    // A move within the scope is allowed; one to a parent of the wrong kind is not.
    let (status, body) = post(&unit("P5443.B", "5443", ""));
    assert_eq!(status, 303, "{body}");
    // The province still sees the ward, and a write for the ward returns at once.
    let admin = token(db, "tinh", "admin", "19");
    let (status, _, v) = api(
        "GET",
        &format!("{base}/api/v1/units/5443"),
        Some(&admin),
        None,
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["parent"], "19", "{v}");
    let reporter = token(db, "phuong", "reporter", "5443");
    let q = crate::support::open_quarter();
    let t = Instant::now();
    let (status, _, v) = api(
        "POST",
        &format!("{base}/api/v1/values"),
        Some(&reporter),
        Some((
            "application/json",
            &format!(
                r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":"7","denominator":"9"}}]}}"#
            ),
        )),
    );
    assert!(status < 300, "{status} {v}");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    // The province's administrator gets the same refusals.
    let cookie = session(&base, "qt.tinh", PASSWORD);
    let csrf = page_csrf(&base, "/admin", &cookie);
    let res = agent()
        .post(&format!("{base}/admin/units"))
        .header("cookie", &cookie)
        .send_form([
            ("_csrf", csrf.as_str()),
            ("code", "5500"),
            ("name", "Xã"),
            ("kind", "commune"),
            ("parent", "TN.SKHCN"),
        ])
        .unwrap();
    assert_eq!(res.status().as_u16(), 422, "a commune under a department");
    // Saving an existing unit through the form keeps what the form does not carry: its
    // population and officials, the official wording of its kind, its start.
    let before = db
        .store()
        .await
        .unit(&chitieu_domain::UnitCode::commune(5443))
        .await
        .unwrap()
        .unwrap();
    let csrf = page_csrf(&base, "/admin", &cookie);
    let res = agent()
        .post(&format!("{base}/admin/units"))
        .header("cookie", &cookie)
        .send_form([
            ("_csrf", csrf.as_str()),
            ("code", "5443"),
            ("name", "Phường Phan Đình Phùng"),
            ("kind", "ward"),
            ("parent", "19"),
        ])
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let after = db
        .store()
        .await
        .unit(&chitieu_domain::UnitCode::commune(5443))
        .await
        .unwrap()
        .unwrap();
    assert!(before.population.is_some());
    assert_eq!(
        (
            after.population,
            after.officials,
            &after.division_type,
            after.valid_from
        ),
        (
            before.population,
            before.officials,
            &before.division_type,
            before.valid_from
        )
    );
    drop(server);
}

/// [D] 1: a circle written into the database by hand stopped every start for good.
async fn a_stored_circle_of_units_is_named_and_the_server_serves(db: &TestDb) {
    use sea_orm::ConnectionTrait;
    ok(db, &["demo"]);
    let admin = token(db, "tinh", "admin", "19");
    {
        let store = db.store().await;
        let c = store.connection();
        let ids = store.ids().await.unwrap();
        let id = |code: &str| ids.units[&chitieu_domain::UnitCode::parse(code).unwrap()];
        let ward = id("5443");
        let commune = id("5500");
        let dept = id("TN.SKHCN");
        let office = id("TN.SNV");
        for sql in [
            format!("UPDATE units SET parent_id = {ward} WHERE id = {ward}"),
            format!("UPDATE units SET parent_id = {office} WHERE id = {dept}"),
            format!("UPDATE units SET parent_id = {dept} WHERE id = {office}"),
            format!(
                "INSERT INTO unit_successors (predecessor_id, successor_id, on_date) VALUES ({commune}, {commune}, '2026-01-01')"
            ),
        ] {
            c.execute_unprepared(&sql).await.unwrap();
        }
    }
    let (server, base) = serve(db);
    for path in ["/healthz", "/public"] {
        let (status, _, _) = raw(
            &base,
            &format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"),
        );
        assert_eq!(status, 200, "{path}");
    }
    let (status, _, v) = api(
        "GET",
        &format!("{base}/api/v1/assessment"),
        Some(&admin),
        None,
    );
    assert_eq!(status, 200, "{v}");
    let log = server.log();
    for needle in ["5443", "TN.SKHCN", "TN.SNV", "5500", "kế thừa"] {
        assert!(log.contains(needle), "the log names {needle}:\n{log}");
    }
    // Writes return at once, for the ward and for any other unit.
    let q = crate::support::open_quarter();
    for unit in ["5443", "5500", "19"] {
        let t = Instant::now();
        let (status, _, v) = api(
            "POST",
            &format!("{base}/api/v1/values"),
            Some(&admin),
            Some((
                "application/json",
                &format!(
                    r#"{{"values":[{{"indicator":"ST-NVKH","unit":"{unit}","period":"{q}","value":"3"}}]}}"#
                ),
            )),
        );
        assert!(status < 500, "{unit}: {status} {v}");
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "{unit}: {:?}",
            t.elapsed()
        );
    }
    drop(server);
    // The command line starts too.
    ok(db, &["assess"]);
}

/// [D] 5: rows edited outside the rules were counted silently at load.
async fn stored_rows_that_break_the_rules_are_left_out_and_named(db: &TestDb) {
    use sea_orm::ConnectionTrait;
    ok(db, &["demo"]);
    let admin = token(db, "tinh", "admin", "19");
    {
        let store = db.store().await;
        let ids = store.ids().await.unwrap();
        let unit = |c: &str| ids.units[&chitieu_domain::UnitCode::parse(c).unwrap()];
        let share = ids.indicators["NL-CBX"];
        let count = ids.indicators["ST-NVKH"];
        let c = store.connection();
        for (ind, u, period, value, num, den, state) in [
            (share, unit("5443"), "2020Q1", "250", "5", "2", "submitted"),
            (share, unit("5500"), "2020Q1", "-50", "-1", "2", "submitted"),
            (count, unit("19"), "2020Q1", "7", "", "", "bogus"),
            (count, unit("19"), "2020Q2", "-7", "", "", "accepted"),
        ] {
            let opt = |s: &str| {
                if s.is_empty() {
                    "NULL".to_string()
                } else {
                    format!("'{s}'")
                }
            };
            c.execute_unprepared(&format!(
                "INSERT INTO data_values (indicator_id, unit_id, period, value, numerator, denominator, comment, state, entered_by, entered_at, version, seq) \
                 VALUES ({ind}, {u}, '{period}', '{value}', {}, {}, '', '{state}', 'sql', CURRENT_TIMESTAMP, 1, 0)",
                opt(num),
                opt(den)
            ))
            .await
            .unwrap();
        }
    }
    if db.backend == "postgres" {
        // PostgreSQL's values keep no foreign key (m0027): a value of a unit that is not.
        sql(db, "INSERT INTO data_values (indicator_id, unit_id, period, value, comment, state, entered_by, entered_at, version, seq) \
                 SELECT id, 999999, '2020Q1', '1', '', 'submitted', 'sql', CURRENT_TIMESTAMP, 1, 0 FROM indicators WHERE code = 'NL-CBX'").await;
    }
    if db.backend == "sqlite" {
        // SQLite keeps a time as text: one edited into something unreadable.
        sql(
            db,
            "UPDATE data_values SET entered_at = 'khong phai ngay' WHERE period = '2020Q1' \
                 AND unit_id = (SELECT id FROM units WHERE code = '19')",
        )
        .await;
    }
    add_user(db, "qt.tinh", "admin", "19");
    let (server, base) = serve(db);
    let cookie = session(&base, "qt.tinh", PASSWORD);
    for path in ["/entry?unit=19", "/entry", "/reports", "/units/19", "/"] {
        let status = agent()
            .get(&format!("{base}{path}"))
            .header("cookie", &cookie)
            .call()
            .unwrap()
            .status()
            .as_u16();
        assert_eq!(status, 200, "{path}");
    }
    for path in [
        "/api/v1/figures?indicator=NL-CBX&unit=19&period=2020Q1",
        "/api/v1/figures?indicator=ST-NVKH&unit=19&period=2020",
        "/api/v1/values?unit=19&indicator=ST-NVKH",
        "/api/v1/assessment",
    ] {
        let (status, _, v) = api("GET", &format!("{base}{path}"), Some(&admin), None);
        assert_eq!(status, 200, "{path}: {v}");
        let text = v.to_string();
        assert!(
            !text.contains("\"250\""),
            "{path}: the 250 % share counted: {text}"
        );
    }
    let log = server.log();
    let mut needles = vec!["100%", "tử số không được âm", "trạng thái", "âm", "2020Q2"];
    if db.backend == "sqlite" {
        needles.push("khong phai ngay");
    } else {
        needles.push("999999");
    }
    for needle in needles {
        assert!(log.contains(needle), "the log names {needle}:\n{log}");
    }
    drop(server);
}
