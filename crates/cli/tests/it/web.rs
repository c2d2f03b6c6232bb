//! The web layer seen over plain HTTP: sign-in, throttling, cookies, security headers,
//! error pages.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;

db_tests!(
    the_report_list_is_paged_with_its_filters_kept,
    the_chart_library_loads_only_on_pages_with_charts,
    sign_in_is_throttled_and_cookies_are_safe,
    administrators_change_targets_and_others_cannot,
    requests_carry_ids_and_sigterm_stops_the_server_cleanly,
    a_changed_filter_gets_only_the_list,
);

/// htmx swaps the task list when a filter changes: it gets the list, not the whole page.
async fn a_changed_filter_gets_only_the_list(db: &TestDb) {
    ok(db, &["demo"]);
    let out = chitieu_stdin(
        db,
        &[
            "user", "add", "--login", "xem", "--role", "viewer", "--unit", "19",
        ],
        "mat-khau-du-dai-123\n",
    );
    assert!(out.status.success());
    let (server, base) = serve(db);
    let cookie = session(&base, "xem", "mat-khau-du-dai-123");
    let get = |hx: bool| {
        let mut r = agent()
            .get(&format!("{base}/tasks?status=overdue"))
            .header("cookie", &cookie);
        if hx {
            r = r.header("hx-request", "true");
        }
        let mut res = r.call().unwrap();
        assert_eq!(res.status().as_u16(), 200);
        res.body_mut().read_to_string().unwrap()
    };
    let part = get(true);
    assert!(!part.contains("<html") && part.contains("<table"), "{part}");
    assert!(part.contains("badge s-overdue") && !part.contains("s-completed_on_time"));
    let page = get(false);
    assert!(page.contains("<html") && page.contains("id=\"task-list\""));
    drop(server);
}

/// Service managers stop a service with SIGTERM: the server answers what is in flight, then
/// exits 0. Every response carries a request id (the client's own when it sent one), as the
/// log does.
async fn requests_carry_ids_and_sigterm_stops_the_server_cleanly(db: &TestDb) {
    ok(db, &["init"]);
    let (mut child, base) = crate::support::serve_process(db);
    let res = agent().get(&format!("{base}/healthz")).call().unwrap();
    let id = res
        .headers()
        .get("x-request-id")
        .expect("a request id")
        .to_str()
        .unwrap()
        .to_string();
    assert!(!id.is_empty());
    let res = agent()
        .get(&format!("{base}/healthz"))
        .header("x-request-id", "tu-he-thong-khac-42")
        .call()
        .unwrap();
    assert_eq!(
        res.headers().get("x-request-id").unwrap(),
        "tu-he-thong-khac-42"
    );
    assert_eq!(res.headers().get("x-frame-options").unwrap(), "DENY");
    // The API viewer's script is served (the viewer was blank without it).
    let js = agent()
        .get(&format!("{base}/assets/apidocs.js"))
        .call()
        .unwrap();
    assert_eq!(js.status().as_u16(), 200);
    // A request in flight when SIGTERM arrives: its body is half sent, so the handler is
    // still waiting for it. The server must wait too, answer it, and only then exit.
    use std::io::{Read, Write};
    let host = base.trim_start_matches("http://").to_string();
    let body = "login=ai-do&password=sai-mat-khau-roi&csrf=x";
    let mut conn = std::net::TcpStream::connect(&host).unwrap();
    write!(
        conn,
        "POST /login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        &body[..10]
    )
    .unwrap();
    conn.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the server left before answering a request in flight"
    );
    conn.write_all(&body.as_bytes()[10..]).unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    let status_line = answer.lines().next().unwrap_or_default();
    assert!(
        status_line.starts_with("HTTP/1.1 ") && !status_line.starts_with("HTTP/1.1 5"),
        "the request in flight got: {status_line:?}"
    );
    let exit = child.wait().unwrap();
    assert!(exit.success(), "exit after SIGTERM: {exit:?}");
}

async fn sign_in_is_throttled_and_cookies_are_safe(db: &TestDb) {
    ok(db, &["init"]);
    let out = chitieu_stdin(
        db,
        &[
            "user", "add", "--login", "lanh.dao", "--role", "viewer", "--unit", "19",
        ],
        "mat-khau-du-dai-123\n",
    );
    assert!(out.status.success());
    let (server, base) = serve(db);

    // Signed out: pages send you to sign in; the public page does not.
    let res = agent().get(&format!("{base}/")).call().unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers().get("location").unwrap(), "/login");
    let mut public = agent().get(&format!("{base}/public")).call().unwrap();
    assert_eq!(public.status().as_u16(), 200);
    let csp = public
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("frame-ancestors 'none'")
            && csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(
        public.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
    let html = public.body_mut().read_to_string().unwrap();
    assert!(!html.contains("<script>"), "no inline script");
    // A 404 in Vietnamese, without detail.
    let mut missing = agent()
        .get(&format!("{base}/khong-co-trang-nay"))
        .call()
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    assert!(
        missing
            .body_mut()
            .read_to_string()
            .unwrap()
            .contains("Không tìm thấy trang")
    );

    // A sign-in without the form's token is refused.
    let res = agent()
        .post(&format!("{base}/login"))
        .send_form([("login", "lanh.dao"), ("password", "mat-khau-du-dai-123")])
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);

    // The right password: a session cookie that scripts cannot read.
    let res = sign_in(&base, "lanh.dao", "mat-khau-du-dai-123");
    assert_eq!(res.status().as_u16(), 303);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("chitieu_sid="))
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP here; behind TLS the cookie is Secure"
    );
    let sid = cookie.split(';').next().unwrap().to_string();
    let mut home = agent()
        .get(&format!("{base}/"))
        .header("cookie", &sid)
        .call()
        .unwrap();
    assert_eq!(home.status().as_u16(), 200);
    assert!(
        home.body_mut()
            .read_to_string()
            .unwrap()
            .contains("Tổng quan")
    );
    // An error page keeps the signed-in header: who is signed in, the menu, sign-out.
    let mut missing = agent()
        .get(&format!("{base}/indicators/KHONG-CO"))
        .header("cookie", &sid)
        .call()
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    assert_eq!(
        missing.headers().get("x-frame-options").unwrap(),
        "DENY",
        "the redrawn page keeps the security headers"
    );
    let html = missing.body_mut().read_to_string().unwrap();
    assert!(
        html.contains("Đăng xuất")
            && html.contains("href=\"/reports\"")
            && !html.contains("href=\"/login\""),
        "{html}"
    );
    // Behind a TLS proxy the cookie is Secure.
    let (token, login_cookie) = login_form(&base);
    let tls = agent()
        .post(&format!("{base}/login"))
        .header("cookie", &login_cookie)
        .header("x-forwarded-proto", "https")
        .send_form([
            ("_csrf", token.as_str()),
            ("login", "lanh.dao"),
            ("password", "mat-khau-du-dai-123"),
        ])
        .unwrap();
    assert!(
        tls.headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().contains("Secure"))
    );

    // Five wrong passwords, then even the right one is refused for a while.
    for _ in 0..5 {
        assert_eq!(
            sign_in(&base, "lanh.dao", "sai-mat-khau-roi")
                .status()
                .as_u16(),
            401
        );
    }
    let mut blocked = sign_in(&base, "lanh.dao", "mat-khau-du-dai-123");
    assert_eq!(blocked.status().as_u16(), 429);
    assert!(
        blocked
            .body_mut()
            .read_to_string()
            .unwrap()
            .contains("15 phút")
    );
    drop(server);
}

/// One indicator as `/api/v1/indicators` lists it.
fn listed_indicator(base: &str, code: &str) -> serde_json::Value {
    let mut list = agent()
        .get(&format!("{base}/api/v1/indicators"))
        .call()
        .unwrap();
    let list: serde_json::Value =
        serde_json::from_str(&list.body_mut().read_to_string().unwrap()).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .unwrap()
        .clone()
}

async fn administrators_change_targets_and_others_cannot(db: &TestDb) {
    ok(db, &["init"]);
    no_second_factor(db);
    for (login, role) in [("quan.tri", "admin"), ("nguoi.xem", "viewer")] {
        let out = chitieu_stdin(
            db,
            &[
                "user", "add", "--login", login, "--role", role, "--unit", "19",
            ],
            "mat-khau-du-dai-123\n",
        );
        assert!(out.status.success());
    }
    let (server, base) = serve(db);
    let admin = session(&base, "quan.tri", "mat-khau-du-dai-123");
    let csrf = page_csrf(&base, "/admin", &admin);
    let form = [
        ("_csrf", csrf.as_str()),
        ("indicator", "HT-CD1G"),
        ("unit", ""),
        ("year", "2030"),
        ("comparator", ">="),
        ("value", "95"),
        (
            "wording",
            "Đến năm 2030, ít nhất 95% người dùng truy cập được băng rộng 1 Gbps",
        ),
    ];
    let res = agent()
        .post(&format!("{base}/admin/targets"))
        .header("cookie", &admin)
        .send_form(form)
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let cd1g = listed_indicator(&base, "HT-CD1G");
    assert!(
        cd1g["targets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["year"] == 2030 && t["comparator"] == ">=" && t["value"] == "95")
    );
    // A bad value is refused with the reason, and nothing changes.
    let mut bad = form;
    bad[5] = ("value", "chín lăm");
    let mut res = agent()
        .post(&format!("{base}/admin/targets"))
        .header("cookie", &admin)
        .send_form(bad)
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    assert!(
        res.body_mut()
            .read_to_string()
            .unwrap()
            .contains("không phải là số")
    );
    // Adding a head whose term overlaps is refused.
    let heads = [
        ("_csrf", csrf.as_str()),
        ("unit", "TN.SKHCN"),
        ("person", "Nguyễn Văn A"),
        ("title", "Giám đốc Sở"),
        ("start", "2025-03-01"),
        ("end", ""),
    ];
    assert_eq!(
        agent()
            .post(&format!("{base}/admin/heads"))
            .header("cookie", &admin)
            .send_form(heads)
            .unwrap()
            .status()
            .as_u16(),
        303
    );
    let mut overlap = heads;
    overlap[2] = ("person", "Trần Văn B");
    overlap[4] = ("start", "2026-01-01");
    assert_eq!(
        agent()
            .post(&format!("{base}/admin/heads"))
            .header("cookie", &admin)
            .send_form(overlap)
            .unwrap()
            .status()
            .as_u16(),
        422
    );
    // Indicator metadata.
    let meta = [
        ("_csrf", csrf.as_str()),
        ("code", "KT-KTS"),
        ("name", "Tỷ trọng kinh tế số trong GRDP của tỉnh"),
        ("name_en", "Digital economy share of provincial GRDP"),
        (
            "definition",
            "Giá trị tăng thêm của kinh tế số chia cho GRDP",
        ),
        ("data_source", "Thống kê tỉnh"),
        ("lead_unit", "TN.STC"),
    ];
    assert_eq!(
        agent()
            .post(&format!("{base}/admin/indicators"))
            .header("cookie", &admin)
            .send_form(meta)
            .unwrap()
            .status()
            .as_u16(),
        303
    );
    let kts = listed_indicator(&base, "KT-KTS");
    assert_eq!(kts["name"], "Tỷ trọng kinh tế số trong GRDP của tỉnh");
    assert_eq!(kts["lead_unit"], "TN.STC");
    // A viewer gets 403 on the page and on the form, even with its own valid token.
    let viewer = session(&base, "nguoi.xem", "mat-khau-du-dai-123");
    assert_eq!(
        agent()
            .get(&format!("{base}/admin"))
            .header("cookie", &viewer)
            .call()
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    let mut vform = form;
    let home_csrf = page_csrf(&base, "/", &viewer);
    vform[0] = ("_csrf", home_csrf.as_str());
    assert_eq!(
        agent()
            .post(&format!("{base}/admin/targets"))
            .header("cookie", &viewer)
            .send_form(vform)
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    drop(server);
}

/// #34: the chart library is 1.1 MB (about 360 kB compressed): the sign-in and public pages,
/// which everyone opens first, go without it; the overview and an indicator's page load it.
async fn the_chart_library_loads_only_on_pages_with_charts(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "xem.bieu.do", "viewer", "19");
    let (server, base) = serve(db);
    let cookie = session(&base, "xem.bieu.do", PASSWORD);
    for (path, who, charts) in [
        ("/login", None, false),
        ("/public", None, false),
        ("/account", Some(&cookie), false),
        ("/tasks", Some(&cookie), false),
        ("/", Some(&cookie), true),
        ("/indicators/HT-5G", Some(&cookie), true),
    ] {
        let (status, page) = get_status(&base, path, who.map(String::as_str));
        assert_eq!(status, 200, "{path}");
        assert_eq!(page.contains("echarts"), charts, "{path}");
    }
    drop(server);
}

/// #34: the standing office's list of every report in the province is paged (a hundred rows
/// at a time, the filters kept in the page links) and the queue above it counts all that wait
/// while showing the first.
async fn the_report_list_is_paged_with_its_filters_kept(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "vp.trang", "secretariat", "19");
    let (server, base) = serve(db);
    let cookie = session(&base, "vp.trang", PASSWORD);
    let rows = |page: &str| page.matches("<tr id=\"r-").count();
    let href = |page: &str, id: &str| {
        let at = page.find(&format!("id=\"{id}\"")).map(|i| &page[..i])?;
        let start = at.rfind("href=\"")? + 6;
        Some(
            at[start..start + at[start..].find('"')?]
                .replace("&amp;", "&")
                .replace("&#38;", "&"),
        )
    };
    let (s, first) = get_status(&base, "/reports", Some(&cookie));
    assert_eq!(s, 200);
    assert_eq!(rows(&first), 100, "a page of a hundred");
    assert!(first.contains("1–100 / "), "{first}");
    let next = href(&first, "page-next").expect("a next page");
    assert_eq!(next, "/reports?page=2");
    let (_, second) = get_status(&base, &next, Some(&cookie));
    let total: usize = second
        .split("id=\"page-shown\">")
        .nth(1)
        .and_then(|t| t.split(" / ").nth(1))
        .and_then(|t| t.split('<').next())
        .map(|t| t.replace('.', "").parse().unwrap())
        .unwrap();
    assert!(total > 100, "{total}");
    assert_eq!(rows(&second), (total - 100).min(100));
    assert_eq!(
        href(&second, "page-prev").as_deref(),
        Some("/reports?page=1")
    );
    // Past the end: the last page.
    let (_, past) = get_status(&base, "/reports?page=999", Some(&cookie));
    assert!(past.contains(&format!(" / {total}")) && !past.contains("id=\"page-next\""));
    // A page number typed by hand is a page, never an error.
    let (s, typed) = get_status(&base, "/reports?page=hai", Some(&cookie));
    assert_eq!((s, rows(&typed)), (200, 100));
    let (s, huge) = get_status(&base, "/reports?page=9999999999", Some(&cookie));
    assert!(s == 200 && !huge.contains("id=\"page-next\""));

    // A filter is kept in the links; a short list has none.
    let (_, late) = get_status(&base, "/reports?late=1&state=draft", Some(&cookie));
    if let Some(n) = href(&late, "page-next") {
        assert!(n.contains("state=draft") && n.contains("late=1"), "{n}");
    }
    let (_, one) = get_status(&base, "/reports?state=accepted&form=BC-Q", Some(&cookie));
    assert!(rows(&one) <= 100);

    // The year's evaluation is paged the same way (the demo evaluates 107 units), its year
    // and filters kept.
    let (s, eval) = get_status(&base, "/evaluation?year=2025", Some(&cookie));
    assert_eq!(s, 200);
    assert_eq!(eval.matches("<tr data-unit=").count(), 100);
    let n = href(&eval, "page-next").expect("a second page");
    assert_eq!(n, "/evaluation?year=2025&page=2");
    let (_, two) = get_status(&base, &n, Some(&cookie));
    assert_eq!(two.matches("<tr data-unit=").count(), 7);
    let (_, communes) = get_status(&base, "/evaluation?year=2025&group=communes", Some(&cookie));
    assert!(
        !communes.contains("id=\"page-next\""),
        "one page of communes"
    );

    // And the tasks (the demo has 185): a page of a hundred, the rest on the next.
    let task_rows = |page: &str| page.matches("<tr><td><a href=\"/tasks/").count();
    let (_, tasks) = get_status(&base, "/tasks", Some(&cookie));
    assert_eq!(task_rows(&tasks), 100);
    let n = href(&tasks, "page-next").expect("a second page of tasks");
    let (_, more) = get_status(&base, &n, Some(&cookie));
    assert!((1..=100).contains(&task_rows(&more)));
    let (_, year) = get_status(&base, "/tasks?year=2026", Some(&cookie));
    assert!(task_rows(&year) < 100 && !year.contains("id=\"page-next\""));
    // The province's page lists the first hundred and links to them all.
    let (_, province) = get_status(&base, "/units/19", Some(&cookie));
    assert_eq!(task_rows(&province), 100);
    let all = &province[province.find("id=\"all-tasks\"").expect("a link to all")..];
    assert!(
        all.contains("href=\"/tasks\"") && all.contains("185"),
        "{all}"
    );
    let (_, ward) = get_status(&base, "/units/5443", Some(&cookie));
    assert!(!ward.contains("id=\"all-tasks\""), "a ward's tasks fit");

    // The queue counts every report waiting for the standing office, shows at most fifty.
    let count: usize = first
        .split("id=\"queue\">")
        .nth(1)
        .and_then(|t| t.split('(').nth(1))
        .and_then(|t| t.split(')').next())
        .unwrap()
        .parse()
        .unwrap();
    let shown = first.matches("<li><a href=\"/reports/view").count();
    assert_eq!(shown, count.min(50), "{count}");
    // And what waits comes first in the list too.
    assert!(count > 0);
    let first_row = first
        .split("<tr id=\"r-")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(first_row.contains("class=\"act-accept\""), "{first_row}");
    drop(server);
}
