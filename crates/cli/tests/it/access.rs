//! Who gets in and what they may touch: sign-in throttling and redirects, administrators
//! kept to their unit, tokens, refusals in the documented shape and order, text bounds,
//! and the links each role sees.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use serde_json::Value;

db_tests!(
    administration_forms_stay_within_the_administrators_unit,
    sign_in_throttle_holds_under_parallel_attempts,
    control_characters_and_sizes_are_refused_alike,
    sign_in_redirects_stay_on_this_site,
    errors_come_after_authorisation_and_in_the_documented_shape,
    tokens_can_be_revoked,
    each_role_sees_only_the_links_it_can_use,
);

/// Finding 2, on the pages: admin forms checked only the role.
async fn administration_forms_stay_within_the_administrators_unit(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "qt.phuong", "admin", "5443");
    add_user(db, "tt.phuong", "secretariat", "5443");
    let (server, base) = serve(db);
    for login in ["qt.phuong", "tt.phuong"] {
        let cookie = session(&base, login, PASSWORD);
        let csrf = page_csrf(&base, "/admin", &cookie);
        let post = |what: &str, form: &[(&str, &str)]| {
            let mut f: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
            f.extend_from_slice(form);
            agent()
                .post(&format!("{base}/admin/{what}"))
                .header("cookie", &cookie)
                .send_form(f)
                .unwrap()
                .status()
                .as_u16()
        };
        let user = |name: &str, role: &'static str, unit: &'static str| {
            [
                ("login", name.to_string()),
                ("role", role.to_string()),
                ("unit", unit.to_string()),
                ("password", PASSWORD.to_string()),
            ]
        };
        let as_refs =
            |a: &[(&'static str, String); 4]| -> Vec<(&'static str, String)> { a.to_vec() };
        let send = |what: &str, a: Vec<(&'static str, String)>| {
            let f: Vec<(&str, &str)> = a.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post(what, &f)
        };
        // Outside the ward: refused.
        assert_eq!(
            send(
                "users",
                as_refs(&user(&format!("{login}.a"), "viewer", "19"))
            ),
            403
        );
        assert_eq!(
            post(
                "targets",
                &[
                    ("indicator", "HT-5G"),
                    ("unit", "19"),
                    ("year", "2030"),
                    ("comparator", ">="),
                    ("value", "1"),
                    ("wording", "thử"),
                ]
            ),
            403
        );
        assert_eq!(
            post(
                "heads",
                &[
                    ("unit", "5500"),
                    ("person", "Nguyễn Văn A"),
                    ("title", "Chủ tịch"),
                    ("start", "2031-01-01"),
                ]
            ),
            403
        );
        assert_eq!(
            post(
                "units",
                &[
                    ("code", "P5500.X"),
                    ("name", "Tổ"),
                    ("kind", "other"),
                    ("parent", "5500")
                ]
            ),
            403
        );
        assert_eq!(
            post(
                "indicators",
                &[
                    ("code", "HT-5G"),
                    ("name", "Đổi tên"),
                    ("lead_unit", "5443")
                ]
            ),
            403
        );
        // Inside the ward: allowed, never a role above one's own.
        assert_eq!(
            send(
                "users",
                as_refs(&user(&format!("{login}.b"), "reporter", "5443"))
            ),
            303
        );
        let admin_made = send(
            "users",
            as_refs(&user(&format!("{login}.c"), "admin", "5443")),
        );
        assert_eq!(admin_made, if login == "qt.phuong" { 303 } else { 403 });
        assert_eq!(
            post(
                "units",
                &[
                    ("code", &format!("P5443.{}", &login[..2].to_uppercase())),
                    ("name", "Tổ dân phố"),
                    ("kind", "other"),
                    ("parent", "5443")
                ]
            ),
            303
        );
        // A name of 301 characters is refused with the reason.
        assert_eq!(
            post(
                "units",
                &[
                    ("code", "P5443.DAI"),
                    ("name", &"Đ".repeat(301)),
                    ("kind", "other"),
                    ("parent", "5443")
                ]
            ),
            422
        );
    }
    // The province's 2030 target for HT-5G is unchanged.
    let list = crate::support::get_json(&format!("{base}/api/v1/indicators"));
    let g5 = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "HT-5G")
        .unwrap();
    assert!(
        g5["targets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["year"] == 2030 && t["value"] == "100")
    );
    drop(server);
}

/// Finding 4: 100 parallel wrong passwords, 59 checked.
async fn sign_in_throttle_holds_under_parallel_attempts(db: &TestDb) {
    ok(db, &["init"]);
    add_user(db, "lanh.dao", "viewer", "19");
    let (server, base) = serve(db);
    // Each attempt needs its own sign-in form (token and cookie); fetch them first.
    let forms: Vec<(String, String)> = (0..100)
        .map(|_| crate::support::login_form(&base))
        .collect();
    let barrier = std::sync::Barrier::new(forms.len());
    let statuses: Vec<u16> = std::thread::scope(|sc| {
        let hs: Vec<_> = forms
            .iter()
            .map(|(token, cookie)| {
                let (base, barrier) = (&base, &barrier);
                sc.spawn(move || {
                    barrier.wait();
                    agent()
                        .post(&format!("{base}/login"))
                        .header("cookie", cookie)
                        .send_form([
                            ("_csrf", token.as_str()),
                            ("login", "lanh.dao"),
                            ("password", "sai-mat-khau-xyz"),
                        ])
                        .unwrap()
                        .status()
                        .as_u16()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, refused), (5, 95), "{statuses:?}");
    assert_eq!(sign_in(&base, "lanh.dao", PASSWORD).status().as_u16(), 429);
    // Each failure is in the log with the login and address; never the password.
    let text = server.log();
    drop(server);
    assert_eq!(text.matches("failed sign-in").count(), 5, "{text}");
    assert!(
        text.contains("lanh.dao") && text.contains("127.0.0.1"),
        "{text}"
    );
    assert!(
        !text.contains("sai-mat-khau") && !text.contains(PASSWORD),
        "{text}"
    );
}

/// Finding 9: an open redirect, and a 500 on a newline.
async fn sign_in_redirects_stay_on_this_site(db: &TestDb) {
    ok(db, &["init"]);
    add_user(db, "lanh.dao", "viewer", "19");
    let (server, base) = serve(db);
    for next in [
        "/\t/127.0.0.1/index.html",
        "//evil.example/",
        "/\\evil.example",
        "https://evil.example/",
        "/a\r\nSet-Cookie: x=1",
        " /x",
    ] {
        let (token, cookie) = crate::support::login_form(&base);
        let res = agent()
            .post(&format!("{base}/login"))
            .header("cookie", &cookie)
            .send_form([
                ("_csrf", token.as_str()),
                ("login", "lanh.dao"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .unwrap();
        assert_eq!(res.status().as_u16(), 303, "{next:?}");
        assert_eq!(res.headers().get("location").unwrap(), "/", "{next:?}");
    }
    // A local path is kept.
    let (token, cookie) = crate::support::login_form(&base);
    let res = agent()
        .post(&format!("{base}/login"))
        .header("cookie", &cookie)
        .send_form([
            ("_csrf", token.as_str()),
            ("login", "lanh.dao"),
            ("password", PASSWORD),
            ("next", "/indicators/HT-5G?x=1"),
        ])
        .unwrap();
    assert_eq!(
        res.headers().get("location").unwrap(),
        "/indicators/HT-5G?x=1"
    );
    // The form itself never carries a foreign target.
    let (status, html) = get_status(&base, "/login?next=%2F%09%2F127.0.0.1%2Findex.html", None);
    assert_eq!(status, 200);
    assert!(html.contains("name=\"next\" value=\"/\""), "{html}");
    let (status, _) = get_status(&base, "/login?next=%2Fa%0D%0Ab", None);
    assert_eq!(status, 200);
    drop(server);
}

/// Finding 10: parse errors before 401/403, in text/plain; wrong status for uploads.
async fn errors_come_after_authorisation_and_in_the_documented_shape(db: &TestDb) {
    ok(db, &["demo"]);
    let viewer = token(db, "xem", "viewer", "5443");
    let admin = token(db, "tinh", "admin", "19");
    let (server, base) = serve(db);
    let json_error = |status: u16, ct: &str, v: &Value, code: u16, what: &str| {
        assert_eq!(status, code, "{what}: {v}");
        assert!(ct.starts_with("application/problem+json"), "{what}: {ct}");
        assert!(
            v["code"].is_string() && v["message"].is_string() && v["message_en"].is_string(),
            "{what}: {v}"
        );
        // RFC 9457 problem details.
        assert_eq!(v["status"], code, "{what}: {v}");
        assert!(
            v["type"]
                .as_str()
                .unwrap()
                .starts_with("urn:chitieu:problem:")
                && v["title"].is_string()
                && v["detail"] == v["message"],
            "{what}: {v}"
        );
    };
    let garbage = Some(("text/plain", "{not json"));
    for path in [
        "/api/v1/values",
        "/api/v1/targets",
        "/api/v1/heads",
        "/api/v1/users",
        "/api/v1/tokens",
        "/api/v1/tasks/NV-10/progress",
    ] {
        let url = format!("{base}{path}");
        let (s, ct, v) = api("POST", &url, None, garbage);
        json_error(s, &ct, &v, 401, &format!("anonymous {path}"));
        // Whatever the body: empty, cut short, or not even an object.
        for body in ["", "{\"indicator\":", "[1,2", "null"] {
            let (s, ct, v) = api("POST", &url, None, Some(("application/json", body)));
            json_error(s, &ct, &v, 401, &format!("anonymous {path} with {body:?}"));
        }
        let (s, ct, v) = api("POST", &url, Some(&viewer), garbage);
        json_error(s, &ct, &v, 403, &format!("viewer {path}"));
        let (s, ct, v) = api("POST", &url, Some(&admin), garbage);
        json_error(s, &ct, &v, 415, &format!("admin, text/plain {path}"));
        let (s, ct, v) = api(
            "POST",
            &url,
            Some(&admin),
            Some(("application/json", "{not json")),
        );
        json_error(s, &ct, &v, 422, &format!("admin, bad JSON {path}"));
        assert_eq!(v["code"], "invalid_json");
    }
    // The pages' forms too: who is asking comes before what was sent.
    add_user(db, "xem", "viewer", "19");
    let viewer_cookie = session(&base, "xem", PASSWORD);
    for (cookie, expected) in [(None, 303), (Some(viewer_cookie.as_str()), 403)] {
        let mut r = agent()
            .post(&format!("{base}/admin/users"))
            .header("content-type", "text/plain");
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        assert_eq!(r.send("rác").unwrap().status().as_u16(), expected);
    }
    let (s, ct, v) = api(
        "GET",
        &format!("{base}/api/v1/tasks?year=abc"),
        Some(&admin),
        None,
    );
    json_error(s, &ct, &v, 400, "query");
    let (s, ct, v) = api("GET", &format!("{base}/api/v1/tasks?year=abc"), None, None);
    json_error(s, &ct, &v, 401, "anonymous query");
    let (s, ct, v) = api(
        "GET",
        &format!("{base}/api/v1/khong-co"),
        Some(&admin),
        None,
    );
    json_error(s, &ct, &v, 404, "unknown API path");
    let (s, ct, v) = api(
        "DELETE",
        &format!("{base}/api/v1/values"),
        Some(&admin),
        None,
    );
    json_error(s, &ct, &v, 405, "method");
    let big = format!(
        r#"{{"values":[{{"indicator":"HT-5G","unit":"19","period":"2026Q1","comment":"{}"}}]}}"#,
        "x".repeat(3 * 1024 * 1024)
    );
    // The server answers before the body is all sent: read while sending, as curl does.
    let (s, ct, _, v) = send_early_answer(
        &base,
        "/api/v1/values",
        &[
            ("Authorization", &format!("Bearer {admin}")),
            ("Content-Type", "application/json"),
        ],
        big.into_bytes(),
    );
    json_error(s, &ct, &v, 413, "oversize body");
    drop(server);
}

/// Finding 12: no way to revoke a token.
async fn tokens_can_be_revoked(db: &TestDb) {
    ok(db, &["init"]);
    no_second_factor(db);
    add_user(db, "quan.tri", "admin", "19");
    let t1 = token(db, "cong-dich-vu-cong", "reporter", "19");
    let t2 = token(db, "cuc-thong-ke", "viewer", "19");
    let (server, base) = serve(db);
    let me = |t: &str| api("GET", &format!("{base}/api/v1/me"), Some(t), None).0;
    assert_eq!((me(&t1), me(&t2)), (200, 200));
    // From the command line: it stops working at once.
    ok(db, &["token", "revoke", "cong-dich-vu-cong"]);
    assert_eq!(me(&t1), 401);
    assert!(ok(db, &["token", "list"]).contains("đã thu hồi"));
    // From the administration page.
    let cookie = session(&base, "quan.tri", PASSWORD);
    let (_, html) = get_status(&base, "/admin", Some(&cookie));
    assert!(html.contains("cuc-thong-ke") && html.contains("/admin/revoke-token"));
    let csrf = page_csrf(&base, "/admin", &cookie);
    let res = agent()
        .post(&format!("{base}/admin/revoke-token"))
        .header("cookie", &cookie)
        .send_form([("_csrf", csrf.as_str()), ("name", "cuc-thong-ke")])
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(me(&t2), 401);
    // And a token made on the page is shown once.
    let res = agent()
        .post(&format!("{base}/admin/tokens"))
        .header("cookie", &cookie)
        .send_form([
            ("_csrf", csrf.as_str()),
            ("name", "he-thong-moi"),
            ("role", "viewer"),
            ("unit", "19"),
        ])
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let new = res
        .split("<code>")
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap()
        .to_string();
    assert_eq!(me(&new), 200);
    let (_, again) = get_status(&base, "/admin", Some(&cookie));
    assert!(!again.contains(&new), "shown once");
    // Through the API.
    let admin = token(db, "quan-tri-api", "admin", "19");
    let (s, _, _) = api(
        "DELETE",
        &format!("{base}/api/v1/tokens/he-thong-moi"),
        Some(&admin),
        None,
    );
    assert_eq!(s, 200);
    assert_eq!(me(&new), 401);
    let (s, _, list) = api("GET", &format!("{base}/api/v1/tokens"), Some(&admin), None);
    assert_eq!(s, 200);
    assert!(!list.to_string().contains("ct_"), "never the token itself");
    drop(server);
}

/// Findings 7 and 11: NUL gave a 500 on PostgreSQL and was stored by SQLite; no limits on
/// sizes; a BOM-prefixed units file was refused.
async fn control_characters_and_sizes_are_refused_alike(db: &TestDb) {
    ok(db, &["demo"]);
    let t = token(db, "phuong", "reporter", "5443");
    let admin = token(db, "tinh", "admin", "19");
    let q = open_quarter();
    let (server, base) = serve(db);
    let long = "x".repeat(4001);
    for (comment, word) in [
        ("a\\u0000b", "U+0000"),
        ("chuông\\u0007", "U+0007"),
        (long.as_str(), "tối đa 4000"),
    ] {
        let (status, body) = post_json(
            &format!("{base}/api/v1/values"),
            &t,
            &format!(
                r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":1,"denominator":2,"comment":"{comment}"}}]}}"#
            ),
        );
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "comment");
        assert!(
            body["errors"][0]["reason"].as_str().unwrap().contains(word),
            "{body}"
        );
    }
    // Tab and line breaks are fine in a comment.
    let (status, body) = post_json(
        &format!("{base}/api/v1/values"),
        &t,
        &format!(
            r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":1,"denominator":2,"comment":"dòng 1\n\tdòng 2"}}]}}"#
        ),
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = post_json(
        &format!("{base}/api/v1/tasks/NV-10/progress"),
        &t,
        r#"{"progress":10,"note":"a\u0000b"}"#,
    );
    assert_eq!(status, 422, "{body}");
    let (status, body) = post_json(
        &format!("{base}/api/v1/heads"),
        &admin,
        &format!(
            r#"{{"unit":"TN.STP","person":"{}","title":"Giám đốc","term_start":"2031-01-01"}}"#,
            "A".repeat(301)
        ),
    );
    assert_eq!(status, 422, "{body}");
    assert!(body["message"].as_str().unwrap().contains("tối đa 300"));
    let (status, body) = post_json(
        &format!("{base}/api/v1/users"),
        &admin,
        r#"{"login":"x\u0000y","role":"viewer","unit":"5443","password":"mot-mat-khau-dai"}"#,
    );
    assert_eq!(status, 422, "{body}");
    drop(server);
    // A units file with a BOM is read like one without; a name with NUL is refused with its
    // place in the file.
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("units.json");
    let text = std::fs::read_to_string(national_map()).unwrap();
    std::fs::write(&units, format!("\u{feff}{text}")).unwrap();
    let out = ok(db, &["units", "import", units.to_str().unwrap()]);
    assert!(out.contains("3.321 xã"), "{out}");
    let bad = text.replacen("\"name\": \"", "\"name\": \"\\u0000", 1);
    assert_ne!(bad, text);
    std::fs::write(&units, bad).unwrap();
    let err = fails(db, &["units", "import", units.to_str().unwrap()]);
    assert!(
        err.contains("tỉnh thứ 1") && err.contains("U+0000"),
        "{err}"
    );
}

/// #11: a leader saw "Nhập số liệu", which answered 403. Each role's navigation holds only
/// links that answer 200 for it; a viewer has no entry form nor My work in it.
async fn each_role_sees_only_the_links_it_can_use(db: &TestDb) {
    ok(db, &["demo"]);
    let people = [
        ("nv.admin", "admin", "19"),
        ("nv.tt", "secretariat", "19"),
        ("nv.ld", "viewer", "19"),
        ("nv.gd", "head", "TN.SKHCN"),
        ("nv.bc", "reporter", "TN.SKHCN"),
        ("nv.ct", "head", "5443"),
        ("nv.bcx", "reporter", "5443"),
    ];
    for (login, role, unit) in people {
        add_user(db, login, role, unit);
    }
    let (server, base) = serve(db);
    for (login, role, _) in people {
        let cookie = session(&base, login, PASSWORD);
        let (_, html) = get_status(&base, "/", Some(&cookie));
        let nav = &html[html.find("<nav>").unwrap()..html.find("</nav>").unwrap()];
        let links: Vec<&str> = nav
            .split("href=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        assert!(links.len() >= 4, "{login}: {links:?}");
        for link in &links {
            let (status, _) = get_status(&base, &link.replace("&amp;", "&"), Some(&cookie));
            assert_eq!(status, 200, "{login} ({role}) follows {link}");
        }
        let enters = role != "viewer";
        assert_eq!(links.contains(&"/entry"), enters, "{login}: {links:?}");
        assert_eq!(links.contains(&"/my"), enters, "{login}: {links:?}");
        assert_eq!(
            links.contains(&"/admin"),
            matches!(role, "admin" | "secretariat"),
            "{login}: {links:?}"
        );
    }
    drop(server);
}
