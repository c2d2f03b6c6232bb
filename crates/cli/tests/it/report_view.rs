//! #32: a report's figures, read only, for everyone who may read its unit: the leader's link
//! on /reports opens them (it once led to the entry form and a 403); each figure stands beside
//! the period before, and a count that jumps is flagged even when the ratio barely moves.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;

db_tests!(a_reports_figures_are_read_beside_the_period_before);

async fn a_reports_figures_are_read_beside_the_period_before(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "lanh.dao", "viewer", "19");
    add_user(db, "bc.phuong", "reporter", "5443");
    add_user(db, "bc.xa", "reporter", "5518");
    add_user(db, "ct.phuong", "head", "5443");
    let reporter = token(db, "bc", "reporter", "5443");
    let (server, base) = serve(db);
    let q = open_quarter();
    // The ward's reporter doubles both counts: the ratio barely moves (33/39 in the quarter
    // before, 70/80 now).
    let (s, v) = post_json(
        &format!("{base}/api/v1/values"),
        &reporter,
        &format!(
            r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":70,"denominator":80}}]}}"#
        ),
    );
    assert_eq!(s, 200, "{v}");
    let view = format!("/reports/view?form=BC57-XA-QUY&unit=5443&period={q}");

    // The leader's link on /reports goes to the read-only view, and it opens.
    let leader = session(&base, "lanh.dao", PASSWORD);
    let (s, list) = get_status(&base, &format!("/reports?period={q}"), Some(&leader));
    assert_eq!(s, 200);
    assert!(
        list.contains(&view.replace('&', "&#38;")),
        "the link: {list}"
    );
    assert!(
        !list.contains("href=\"/entry?"),
        "no entry links for a leader"
    );
    // The filter reads the period in words as well as its code (#32: "Quý III/2026" got a
    // bare 422), and shows it back in words.
    let (s, words) = get_status(
        &base,
        "/reports?period=Qu%C3%BD%20III%2F2026",
        Some(&leader),
    );
    assert_eq!(s, 200, "{words}");
    assert!(words.contains("value=\"Quý III/2026\""), "{words}");
    assert_eq!(
        get_status(&base, "/reports?period=Qu%C3%BD%20V%2F2026", Some(&leader)).0,
        422
    );
    // The matrix's form names follow the language.
    let (s, matrix) = get_status(
        &base,
        "/reports/matrix",
        Some(&format!("{leader}; chitieu_lang=en")),
    );
    assert_eq!(s, 200);
    assert!(
        matrix.contains("Departments&#39; quarterly report on the Resolution 57 indicators"),
        "{matrix}"
    );
    let (s, page) = get_status(&base, &view, Some(&leader));
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("Phường Phan Đình Phùng"), "{page}");
    // Not sent yet: the draft is not the leader's to read.
    assert!(page.contains("Báo cáo chưa được gửi"), "{page}");
    assert!(!page.contains("70/80"), "{page}");
    assert!(!page.contains("id=\"open-entry\""));

    // Its reporter reads the draft beside the quarter before, with both counts flagged.
    let own = session(&base, "bc.phuong", PASSWORD);
    let (s, page) = get_status(&base, &view, Some(&own));
    assert_eq!(s, 200);
    assert!(page.contains("70/80 (87,5 %)"), "{page}");
    assert!(page.contains("33/39 (84,62 %) (quý II/2026)"), "{page}");
    let flags: Vec<&str> = page.split("⚠ ").skip(1).collect();
    assert_eq!(
        flags.len(),
        2,
        "numerator and denominator, not the ratio: {page}"
    );
    assert!(flags.iter().all(|f| f.contains("tăng")), "{flags:?}");
    assert!(
        page.contains("id=\"open-entry\""),
        "those who enter may go to the form"
    );

    // Sent, it waits for the ward's head, whose queue shows the counts beside the quarter
    // before's and flags both jumps (only the ratio's history was checked before).
    let (s, v) = post_json(
        &format!("{base}/api/v1/reports/BC57-XA-QUY/5443/{q}/submit"),
        &reporter,
        "{}",
    );
    assert_eq!(s, 200, "{v}");
    let head = session(&base, "ct.phuong", PASSWORD);
    let (s, queue) = get_status(&base, "/reports", Some(&head));
    assert_eq!(s, 200);
    let flag = queue
        .split("⚠ ")
        .find(|f| f.starts_with("NL-CBX"))
        .unwrap_or_else(|| panic!("NL-CBX flagged: {queue}"));
    assert!(
        flag.starts_with("NL-CBX: 70/80 (87,5) ← 33/39 (84,62): "),
        "{flag}"
    );
    assert!(flag.contains("tăng 105 % so với quý II/2026"), "{flag}");
    assert!(flag.contains("tăng 112 % so với quý II/2026"), "{flag}");

    // Another commune's reporter may not read it; an unknown form is not found.
    let other = session(&base, "bc.xa", PASSWORD);
    assert_eq!(get_status(&base, &view, Some(&other)).0, 403);
    assert_eq!(
        get_status(
            &base,
            &format!("/reports/view?form=KHONG-CO&unit=5443&period={q}"),
            Some(&leader)
        )
        .0,
        404
    );
    // A part left out is "not found", not a bare 400.
    assert_eq!(
        get_status(
            &base,
            "/reports/view?form=BC57-XA-QUY&unit=5443",
            Some(&leader)
        )
        .0,
        404
    );
    drop(server);
}
