//! #33: accounts over their life. A forgotten password is reset with a one-time code that
//! only lets its holder set a new one; a disabled account's sessions stop at once on every
//! server over the database; a removed account never signs in again while the history keeps
//! its name; one changes one's own password; all from the command line and the pages, each
//! within the administrator's scope.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;

db_tests!(
    a_reset_password_is_set_anew_and_a_disabled_account_stops_everywhere,
    an_account_is_removed_and_its_password_changed_from_the_command_line,
);

/// Where GET `path` leads with `cookie`: the status and the redirect's target.
fn lands(base: &str, path: &str, cookie: &str) -> (u16, String) {
    let res = agent()
        .get(&format!("{base}{path}"))
        .header("cookie", cookie)
        .call()
        .unwrap();
    (res.status().as_u16(), location(&res))
}

/// Posts a form at `path` as `cookie` with the CSRF token of `page`: the status, and where
/// it leads or else the page.
fn post(
    base: &str,
    page: &str,
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let (status, to, body) = post_page_form(base, page, path, cookie, fields);
    (status, if to.is_empty() { body } else { to })
}

async fn a_reset_password_is_set_anew_and_a_disabled_account_stops_everywhere(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "qt.tinh", "admin", "19");
    add_user(db, "qt.phuong", "admin", "5443");
    add_user(db, "bc.phuong", "reporter", "5443");
    // Two server processes over one database, as behind a load balancer.
    let (one, base) = serve(db);
    let (mut two, other) = serve_process(db);
    let reporter = session(&base, "bc.phuong", PASSWORD);
    assert_eq!(lands(&other, "/my", &reporter).0, 200);

    // Reset from the command line: the code is printed once; the old session ends.
    let code = ok(db, &["user", "reset", "--login", "bc.phuong"])
        .trim()
        .to_string();
    assert_eq!(code.len(), 19, "{code}");
    assert_eq!(lands(&other, "/my", &reporter), (303, "/login".into()));
    assert_ne!(sign_in(&base, "bc.phuong", PASSWORD).status().as_u16(), 303);
    // The code lets its holder do one thing: set a new password.
    let coded = session(&base, "bc.phuong", &code);
    assert_eq!(lands(&base, "/my", &coded), (303, "/account".into()));
    assert_eq!(lands(&base, "/api/v1/me", &coded).0, 401, "nor the API");
    let (s, page) = get_status(&base, "/account", Some(&coded));
    assert_eq!(s, 200);
    assert!(page.contains("id=\"must-change\""), "{page}");
    let new = "mot cau rat dai de nho cua phuong";
    let set = |current: &str, new: &str, again: &str| {
        post(
            &base,
            "/account",
            "/account/password",
            &coded,
            &[("current", current), ("new", new), ("again", again)],
        )
    };
    let (s, page) = set("sai-ma-mot-lan-roi", new, new);
    assert_eq!(s, 422);
    assert!(
        page.contains("mật khẩu hiện tại (hoặc mã dùng một lần) không đúng"),
        "{page}"
    );
    assert_eq!(set(&code, new, "khac han mat khau kia").0, 422);
    let (s, page) = set(&code, "1234567890", "1234567890");
    assert_eq!(s, 422, "a common password");
    assert!(page.contains("phổ biến"), "{page}");
    assert_eq!(
        set(&code, new, new),
        (303, "/account?saved=password".into())
    );
    assert_eq!(
        lands(&base, "/my", &coded).0,
        200,
        "the same session goes on"
    );
    let reporter = session(&other, "bc.phuong", new);

    // An administrator disables it on one server: its session stops on the other at once.
    let admin = session(&base, "qt.tinh", PASSWORD);
    let (_, page) = get_status(&base, "/admin", Some(&admin));
    let row = &page[page.find("data-login=\"bc.phuong\"").expect("listed")..];
    assert!(
        row[..row.find("</tr>").unwrap()].contains("Vô hiệu hóa"),
        "{row}"
    );
    assert_eq!(
        post(
            &base,
            "/admin",
            "/admin/user-disable",
            &admin,
            &[("login", "bc.phuong")]
        ),
        (303, "/admin?saved=disabled".into())
    );
    assert_eq!(lands(&other, "/my", &reporter), (303, "/login".into()));
    assert_ne!(sign_in(&other, "bc.phuong", new).status().as_u16(), 303);
    let (_, page) = get_status(&base, "/admin?saved=disabled", Some(&admin));
    assert!(page.contains("Đã vô hiệu hóa tài khoản"), "{page}");
    assert_eq!(
        post(
            &base,
            "/admin",
            "/admin/user-enable",
            &admin,
            &[("login", "bc.phuong")]
        )
        .0,
        303
    );
    session(&other, "bc.phuong", new);

    // A reset from the page shows the code once.
    let (s, page) = post(
        &base,
        "/admin",
        "/admin/user-reset",
        &admin,
        &[("login", "bc.phuong")],
    );
    assert_eq!(s, 200);
    assert!(page.contains("id=\"reset-code\""), "{page}");
    // Scope: a ward's administrator cannot touch the province's administrator, nobody their
    // own account, a reporter nothing.
    let ward = session(&base, "qt.phuong", PASSWORD);
    for (who, login) in [(&ward, "qt.tinh"), (&admin, "qt.tinh")] {
        assert_eq!(
            post(
                &base,
                "/admin",
                "/admin/user-disable",
                who,
                &[("login", login)]
            )
            .0,
            403,
            "{login}"
        );
    }
    let (_, page) = get_status(&base, "/admin", Some(&ward));
    assert!(
        !page.contains("data-login=\"qt.tinh\""),
        "out of the ward's scope"
    );

    // A token made by an account stops while the account is disabled, on every server.
    let (s, page) = post(
        &base,
        "/admin",
        "/admin/tokens",
        &admin,
        &[("name", "dong-bo"), ("role", "viewer"), ("unit", "19")],
    );
    assert_eq!(s, 200, "{page}");
    let shown = &page[page.find("id=\"new-token\"").expect("shown once")..];
    let start = shown.find("<code>").unwrap() + "<code>".len();
    let made = shown[start..start + shown[start..].find("</code>").unwrap()].to_string();
    let me = |base: &str| api("GET", &format!("{base}/api/v1/me"), Some(&made), None).0;
    assert_eq!(me(&other), 200);
    ok(db, &["user", "disable", "--login", "qt.tinh"]);
    assert_eq!((me(&other), me(&base)), (401, 401), "stopped everywhere");
    ok(db, &["user", "enable", "--login", "qt.tinh"]);
    assert_eq!(me(&other), 200, "and works again once enabled");
    let _ = two.kill();
    let _ = two.wait();
    drop(one);
}

async fn an_account_is_removed_and_its_password_changed_from_the_command_line(db: &TestDb) {
    ok(db, &["demo"]);
    let out = chitieu_stdin(
        db,
        &[
            "user",
            "add",
            "--login",
            "bc.phuong",
            "--role",
            "reporter",
            "--unit",
            "5443",
            "--name",
            "Trần Thị Báo",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (server, base) = serve(db);
    // A new password from standard input, as a script gives it.
    let new = "mat khau moi cua bao cao phuong";
    let out = chitieu_stdin(
        db,
        &["user", "passwd", "--login", "bc.phuong"],
        &format!("{new}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(sign_in(&base, "bc.phuong", PASSWORD).status().as_u16(), 303);
    let reporter = session(&base, "bc.phuong", new);
    // The rules hold here too.
    let out = chitieu_stdin(db, &["user", "passwd", "--login", "bc.phuong"], "ngan\n");
    assert!(!out.status.success());

    ok(db, &["user", "disable", "--login", "bc.phuong"]);
    assert_eq!(lands(&base, "/my", &reporter), (303, "/login".into()));
    ok(db, &["user", "enable", "--login", "bc.phuong"]);
    let reporter = session(&base, "bc.phuong", new);

    ok(db, &["user", "remove", "--login", "bc.phuong"]);
    assert_eq!(lands(&base, "/my", &reporter), (303, "/login".into()));
    assert_ne!(sign_in(&base, "bc.phuong", new).status().as_u16(), 303);
    // Its login is not given again, and the history still names it.
    let err = chitieu_stdin(
        db,
        &[
            "user",
            "add",
            "--login",
            "bc.phuong",
            "--role",
            "reporter",
            "--unit",
            "5443",
        ],
        "mot mat khau khac hoan toan\n",
    );
    assert!(!err.status.success());
    let store = db.store().await;
    let names = store
        .display_names(&["bc.phuong".to_string()])
        .await
        .unwrap();
    assert_eq!(
        names.get("bc.phuong").map(String::as_str),
        Some("Trần Thị Báo (tài khoản đã xóa)")
    );
    let err = fails(db, &["user", "enable", "--login", "bc.phuong"]);
    assert!(err.contains("bc.phuong"), "{err}");
    drop(server);
}
