//! The officials' experience (#11): the units directory, accountability on unit pages, and
//! an entry form that helps instead of failing — over HTTP against a real server, on SQLite
//! and PostgreSQL.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;

db_tests!(
    the_units_directory_finds_units_without_their_marks,
    a_department_page_lists_what_it_leads_and_helps_with,
    the_entry_form_helps_instead_of_failing,
    a_refused_admin_form_comes_back_filled_with_the_reason,
    tasks_say_their_year_progress_and_who_reported_it,
    two_heads_in_office_at_once_are_both_shown,
    the_demos_communes_add_up_to_the_province,
);

/// The rows of the directory's tables: each unit's name as linked.
fn listed(html: &str) -> Vec<String> {
    html.split("<tr><td><a href=\"/units/")
        .skip(1)
        .map(|s| {
            let name = &s[s.find('>').unwrap() + 1..];
            name[..name.find('<').unwrap()].to_string()
        })
        .collect()
}

async fn the_units_directory_finds_units_without_their_marks(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "nv.ld", "viewer", "19");
    let (server, base) = serve(db);
    let cookie = session(&base, "nv.ld", PASSWORD);
    let (status, html) = get_status(&base, "/units", Some(&cookie));
    assert_eq!(status, 200);
    let all = listed(&html);
    assert!(
        all.len() > 100,
        "the province, departments, communes: {}",
        all.len()
    );
    assert!(all.contains(&"Sở Khoa học và Công nghệ".to_string()));
    // Heads in office are named beside their units.
    assert!(html.contains("Phạm Thu Trang"), "the director in office");
    assert!(!html.contains("Lê Quang Huy"), "not the past director");
    for q in [
        "tich%20luong",
        "TÍCH%20LƯƠNG",
        "tich++luong",
        "T%C3%ADch%20L%C6%B0%C6%A1ng",
    ] {
        let (status, html) = get_status(&base, &format!("/units?q={q}"), Some(&cookie));
        assert_eq!(status, 200);
        assert_eq!(listed(&html), vec!["Phường Tích Lương".to_string()], "{q}");
        assert!(html.contains("1 đơn vị khớp"), "{q}");
    }
    let (_, html) = get_status(&base, "/units?q=khoa%20hoc", Some(&cookie));
    assert!(listed(&html).contains(&"Sở Khoa học và Công nghệ".to_string()));
    let (_, html) = get_status(&base, "/units?q=khong%20co%20dau%20nao", Some(&cookie));
    assert!(listed(&html).is_empty());
    assert!(html.contains("Không có đơn vị nào khớp"));
    // A search as long as a page is cut to a name's length, not an error.
    let long = "a".repeat(20_000);
    let (status, _) = get_status(&base, &format!("/units?q={long}"), Some(&cookie));
    assert_eq!(status, 200);
    // Only signed-in people see the directory.
    let (status, _) = get_status(&base, "/units", None);
    assert_ne!(status, 200);
    drop(server);
}

/// The review: the page of the Department of Science and Technology said "Chỉ tiêu: Không
/// có" although it leads most indicators.
async fn a_department_page_lists_what_it_leads_and_helps_with(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "nv.ld", "viewer", "19");
    let (server, base) = serve(db);
    let cookie = session(&base, "nv.ld", PASSWORD);
    let (status, html) = get_status(&base, "/units/TN.SKHCN", Some(&cookie));
    assert_eq!(status, 200);
    let led = &html[html.find("id=\"led\"").expect("a led section")..];
    let led = &led[..led
        .find("id=\"coordinated\"")
        .expect("a coordinated section")];
    assert!(led.contains("/indicators/HT-5G"), "it leads 5G coverage");
    assert!(
        !led.contains("/indicators/DT-GRDP"),
        "spending is led by Finance"
    );
    let coordinated = &html[html.find("id=\"coordinated\"").unwrap()..];
    assert!(coordinated.contains("/indicators/DT-GRDP"));
    // The target in the plan's words, the period as people say it.
    assert!(led.contains("Trên 60 % (2025)"), "{led}");
    assert!(led.contains("(Quý IV/2025)"), "{led}");
    assert!(html.contains("<b>Phạm Thu Trang</b>, Giám đốc Sở"));
    assert!(html.contains("href=\"/units\""), "back to the directory");
    // The list of targets missed or at risk names who answers for each.
    let (_, missed) = get_status(&base, "/targets?status=not_achieved", Some(&cookie));
    let row = &missed[missed
        .find("href=\"/indicators/HT-CD1G\"")
        .expect("1 Gbps missed")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("Sở Khoa học và Công nghệ"), "{row}");
    assert!(row.contains("Phạm Thu Trang (Giám đốc Sở)"), "{row}");
    drop(server);
}

async fn the_entry_form_helps_instead_of_failing(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "nv.bc", "reporter", "TN.SKHCN");
    add_user(db, "nv.bcx", "reporter", "5443");
    let (server, base) = serve(db);
    let q = open_quarter();
    // A department reporter opens the form on the province's figures it enters.
    let cookie = session(&base, "nv.bc", PASSWORD);
    let (status, html) = get_status(&base, "/entry", Some(&cookie));
    assert_eq!(status, 200);
    assert!(
        html.contains("id=\"v-HT-5G\""),
        "the province's 5G coverage"
    );
    // Periods are picked from a list of labels, the one to report now first.
    let list = &html[html.find("<select name=\"period\"").unwrap()..];
    let list = &list[..list.find("</select>").unwrap()];
    let first = &list[list.find("<option value=\"").unwrap() + 15..];
    assert!(first.starts_with(&format!("{q}\"")), "{list}");
    assert!(list.contains(">Năm 2025</option>"), "{list}");
    // The previous figure and the target beside the field.
    assert!(html.contains("Kỳ trước ("), "{html}");
    assert!(html.contains("Mục tiêu: đạt 100 % (2030)"), "{html}");
    // A mistyped period: a message on the form, not a 404.
    for bad in ["Q3-2026", "2026Q5", "%3Cscript%3E"] {
        let (status, html) = get_status(&base, &format!("/entry?period={bad}"), Some(&cookie));
        assert_eq!(status, 200, "{bad}");
        let notice = &html[html.find("id=\"entry-notice\"").expect("a notice")..];
        assert!(notice.contains("Không hiểu kỳ"), "{bad}: {notice}");
        assert!(html.contains("id=\"v-HT-5G\""), "the form is still there");
        assert!(!html.contains("<script>"), "quoted as text");
    }
    let (status, html) = get_status(&base, "/entry?unit=KHONG-CO", Some(&cookie));
    assert_eq!(status, 200);
    assert!(
        html.contains("Không có đơn vị &#34;KHONG-CO&#34;"),
        "{html}"
    );
    // A period not yet over is flagged.
    let now = chitieu_domain::Period::containing(
        chitieu_store::testing::test_clock().today(),
        chitieu_domain::PeriodKind::Quarter,
    );
    let (_, html) = get_status(
        &base,
        &format!("/entry?unit=19&period={now}"),
        Some(&cookie),
    );
    assert!(
        html.contains("id=\"period-warning\"") && html.contains("chưa kết thúc"),
        "{now}"
    );
    let (_, html) = get_status(
        &base,
        &format!("/entry?unit=19&period={}", now.next()),
        Some(&cookie),
    );
    assert!(html.contains("chưa bắt đầu"));
    // A ward's reporter: an error names the field as the form labels it.
    let cookie = session(&base, "nv.bcx", PASSWORD);
    let page = format!("/entry?unit=5443&period={q}");
    let csrf = page_csrf(&base, &page, &cookie);
    let (_, html) = get_status(&base, &page, Some(&cookie));
    assert!(html.contains("id=\"p-NL-CBX\""), "the computed share");
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
        ("n.NL-CBX", "-3"),
        ("d.NL-CBX", "40"),
    ];
    let (status, _, body) = post_multipart(&format!("{base}/entry"), Some(&cookie), &fields, &[]);
    assert_eq!(status, 422);
    assert!(
        body.contains("Số cán bộ, công chức đã được đào tạo: "),
        "the field's own label: {body}"
    );
    assert!(body.contains("value=\"-3\""), "nothing typed is lost");
    // In English, the label and the reason are English.
    let english = format!("{cookie}; chitieu_lang=en");
    let csrf = page_csrf(&base, &page, &cookie);
    let fields = [
        ("_csrf", csrf.as_str()),
        ("unit", "5443"),
        ("period", q.as_str()),
        ("action", "draft"),
        ("ver.NL-CBX", version.as_str()),
        ("n.NL-CBX", "50"),
        ("d.NL-CBX", "40"),
    ];
    let (status, _, body) = post_multipart(&format!("{base}/entry"), Some(&english), &fields, &[]);
    assert_eq!(status, 422);
    assert!(
        body.contains("Officials trained: numerator 50 is larger than denominator 40"),
        "{body}"
    );
    drop(server);
}

/// The review: an error on an administration form showed a bare 422 page and lost what
/// was typed (the password included).
async fn a_refused_admin_form_comes_back_filled_with_the_reason(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "nv.tt", "secretariat", "19");
    let (server, base) = serve(db);
    let cookie = session(&base, "nv.tt", PASSWORD);
    let (_, page) = get_status(&base, "/admin", Some(&cookie));
    // The indicator edit form starts from the indicator's current wording; units are
    // offered from a list.
    let form = &page[page.find("id=\"edit-indicator\"").unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(
        form.contains("name=\"name\" required value=\"Tỷ lệ phủ sóng 5G trên toàn tỉnh\""),
        "{form}"
    );
    assert!(form.contains("value=\"TN.SKHCN\""), "{form}");
    assert!(page.contains("<datalist id=\"unit-choices\" data-src=\"/unit-choices\">"));
    let (_, choices) = get_status(&base, "/unit-choices", Some(&cookie));
    assert!(choices.contains("<option value=\"5443\">Phường Phan Đình Phùng</option>"));
    let csrf = page_csrf(&base, "/admin", &cookie);
    let mut res = agent()
        .post(&format!("{base}/admin/users"))
        .header("cookie", &cookie)
        .send_form([
            ("_csrf", csrf.as_str()),
            ("login", "can.bo.moi"),
            ("name", "Nguyễn Thị Mới"),
            ("role", "reporter"),
            ("unit", "KHONG-CO-DON-VI"),
            ("password", "mot-mat-khau-rat-dai-42"),
            ("email", "moi@thainguyen.gov.vn"),
        ])
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let html = res.body_mut().read_to_string().unwrap();
    let form = &html[html.find("id=\"add-user\"").expect("the same page")..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(form.contains("class=\"flash bad form-error\""), "{form}");
    assert!(
        form.contains("KHONG-CO-DON-VI"),
        "the reason names the unit: {form}"
    );
    assert!(form.contains("value=\"can.bo.moi\""), "{form}");
    assert!(form.contains("value=\"Nguyễn Thị Mới\""), "{form}");
    assert!(form.contains("value=\"moi@thainguyen.gov.vn\""), "{form}");
    assert!(
        form.contains("<option value=\"reporter\" selected>"),
        "{form}"
    );
    assert!(
        !html.contains("mot-mat-khau-rat-dai-42"),
        "never the password"
    );
    // Another form's error stays on that form.
    let mut res = agent()
        .post(&format!("{base}/admin/targets"))
        .header("cookie", &cookie)
        .send_form([
            ("_csrf", csrf.as_str()),
            ("indicator", "HT-5G"),
            ("unit", "19"),
            ("year", "2027"),
            ("comparator", ">="),
            ("value", "nhiều"),
            ("wording", "Phủ sóng rộng"),
        ])
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let html = res.body_mut().read_to_string().unwrap();
    let target = &html[html.find("id=\"set-target\"").unwrap()..];
    let target = &target[..target.find("</form>").unwrap()];
    assert!(target.contains("form-error"), "{target}");
    assert!(target.contains("value=\"nhiều\""), "{target}");
    assert!(
        target.contains("<option value=\"&#62;=\" selected>"),
        "{target}"
    );
    let users = &html[html.find("id=\"add-user\"").unwrap()..];
    assert!(!users[..users.find("</form>").unwrap()].contains("form-error"));
    drop(server);
}

/// The review: tasks had no year, no percentage, no "last update"; progress was attributed
/// to a login; the province's page said "Nhiệm vụ: Không có".
async fn tasks_say_their_year_progress_and_who_reported_it(db: &TestDb) {
    ok(db, &["demo"]);
    let out = chitieu_stdin(
        db,
        &[
            "user",
            "add",
            "--login",
            "nv.bc",
            "--role",
            "reporter",
            "--unit",
            "TN.SKHCN",
            "--name",
            "Đỗ Minh Châu",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(out.status.success());
    let (server, base) = serve(db);
    let cookie = session(&base, "nv.bc", PASSWORD);
    let page = "/tasks/NV-05";
    let csrf = page_csrf(&base, page, &cookie);
    let (status, _, body) = post_multipart(
        &format!("{base}{page}/progress"),
        Some(&cookie),
        &[
            ("_csrf", csrf.as_str()),
            ("progress", "65"),
            ("note", "Đã thẩm định"),
        ],
        &[],
    );
    assert_eq!(status, 303, "{body}");
    let (_, html) = get_status(&base, page, Some(&cookie));
    assert!(
        html.contains("65% — Đã thẩm định (Đỗ Minh Châu (nv.bc))"),
        "{html}"
    );
    assert!(html.contains("<dt>Năm</dt><dd>20"), "the year");
    assert!(
        html.contains("href=\"/indicators/ST-DNKHCN\""),
        "its indicator, linked"
    );
    let (_, list) = get_status(&base, "/tasks", Some(&cookie));
    let row = &list[list.find("href=\"/tasks/NV-05\"").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains(">65%<br><span class=\"muted\">hôm nay</span>"),
        "{row}"
    );
    // The province's page lists the tasks of the units under it.
    let (_, province) = get_status(&base, "/units/19", Some(&cookie));
    assert!(province.contains("href=\"/tasks/NV-05\""));
    drop(server);
}

/// #12: a commune answers through its Party committee secretary and its People's Committee
/// chairman at once; the province through the Provincial Party Secretary and the chairman,
/// and the Party Secretary heads the Steering Committee.
async fn two_heads_in_office_at_once_are_both_shown(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "nv.tt", "secretariat", "19");
    let (server, base) = serve(db);
    let cookie = session(&base, "nv.tt", PASSWORD);
    let (_, ward) = get_status(&base, "/units/5443", Some(&cookie));
    let heads = &ward[ward
        .find("<ul class=\"heads\"")
        .expect("the heads in office")..];
    let heads = &heads[..heads.find("</ul>").unwrap()];
    assert!(
        heads.contains("Đặng Văn Tùng</b>, Chủ tịch UBND phường"),
        "{heads}"
    );
    assert!(
        heads.contains("Lương Thị Hoa</b>, Bí thư Đảng ủy phường"),
        "{heads}"
    );
    let (_, committee) = get_status(&base, "/units/TN.BCD", Some(&cookie));
    assert!(committee.contains("Nguyễn Đức Thành</b>, Trưởng Ban Chỉ đạo, Bí thư Tỉnh ủy"));
    // The committee's page: its standing body and working groups beside its members.
    for says in [
        "Trưởng ban</td>",
        "Phó Trưởng ban thường trực</td>",
        "Cơ quan thường trực</td>",
        "Tổ tư vấn</td>",
        "Tổ giúp việc</td>",
    ] {
        assert!(committee.contains(says), "{says}");
    }
    // A second Party secretary whose term overlaps is refused; a new chairman's term that
    // overlaps the chairman's too, though it may overlap the secretary's.
    let csrf = page_csrf(&base, "/admin", &cookie);
    let head = |person: &str, office: &str| {
        let mut res = agent()
            .post(&format!("{base}/admin/heads"))
            .header("cookie", &cookie)
            .send_form([
                ("_csrf", csrf.as_str()),
                ("unit", "5443"),
                ("office", office),
                ("person", person),
                ("title", "Phó Bí thư"),
                ("start", "2026-01-01"),
                ("end", ""),
            ])
            .unwrap();
        (
            res.status().as_u16(),
            res.body_mut().read_to_string().unwrap_or_default(),
        )
    };
    let (status, body) = head("Người Thứ Ba", "party");
    assert_eq!(status, 422);
    assert!(
        body.contains("trùng với nhiệm kỳ của Lương Thị Hoa"),
        "{body}"
    );
    let (status, _) = head("Người Thứ Tư", "chairman");
    assert_eq!(status, 422, "no such office");
    // A head added is on the unit's page at once (heads live in the snapshot; the write
    // brings it up to date before answering).
    let res = agent()
        .post(&format!("{base}/admin/heads"))
        .header("cookie", &cookie)
        .send_form([
            ("_csrf", csrf.as_str()),
            ("unit", "TN.STP"),
            ("office", "party"),
            ("person", "Người Mới Nhậm"),
            ("title", "Bí thư Đảng ủy Sở"),
            ("start", "2026-01-01"),
            ("end", ""),
        ])
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let (_, page) = get_status(&base, "/units/TN.STP", Some(&cookie));
    assert!(
        page.contains("Người Mới Nhậm</b>, Bí thư Đảng ủy Sở"),
        "{page}"
    );
    // Both heads are named where the ward answers for a task.
    let (_, task) = get_status(&base, "/tasks/NV-10", Some(&cookie));
    assert!(
        task.contains(
            "Đặng Văn Tùng (Chủ tịch UBND phường) · Lương Thị Hoa (Bí thư Đảng ủy phường)"
        ),
        "{task}"
    );
    drop(server);
}

/// #12: the review found the demo's commune adult populations adding up to 2.19 million,
/// more than the merged province's people (about 1.68 million, published in June 2025).
async fn the_demos_communes_add_up_to_the_province(db: &TestDb) {
    ok(db, &["demo"]);
    let store = db.store().await;
    let today = chitieu_store::testing::test_clock().today();
    let province = chitieu_domain::UnitCode::province(19);
    let communes: Vec<_> = store
        .list_units(Some(&province), today)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.kind.is_commune_level())
        .collect();
    let people: i64 = communes.iter().map(|u| u.population.unwrap_or(0)).sum();
    let published = 1_680_000f64;
    assert!(
        ((people as f64) - published).abs() <= 0.05 * published,
        "communes add up to {people}"
    );
    // Adults, the denominators of essential digital services, are fewer than the people.
    let rows = store
        .values(&chitieu_store::ValueFilter {
            indicator: Some("XH-DVS".into()),
            unit: None,
        })
        .await
        .unwrap();
    let last = rows
        .iter()
        .map(|r| r.period)
        .filter(|p| p.year_number() >= 2026)
        .max_by_key(|p| p.start());
    let adults: chitieu_domain::Decimal = rows
        .iter()
        .filter(|r| Some(r.period) == last && r.unit.as_str() != "19")
        .filter_map(|r| r.denominator)
        .sum();
    let adults: i64 = adults.try_into().unwrap();
    assert!(
        adults > 0 && adults < people,
        "{adults} adults of {people} people"
    );
}
