//! The entry form: two writers at one version, provisional and official figures side by
//! side, locked accepted figures, evidence, and validation rules.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use serde_json::Value;

db_tests!(
    two_writers_at_one_version_one_wins_the_other_is_told,
    the_entry_form_shows_both_figures_and_lets_the_user_choose,
    accepted_values_are_locked,
    entry_evidence_is_stored_and_listed,
    validation_blocks_explains_and_flags,
);

/// Finding 3: the last writer silently won.
async fn two_writers_at_one_version_one_wins_the_other_is_told(db: &TestDb) {
    ok(db, &["demo"]);
    let a = token(db, "he-thong-a", "reporter", "5443");
    let b = token(db, "he-thong-b", "head", "5443");
    let q = open_quarter();
    let (server, base) = serve(db);
    let url = format!("{base}/api/v1/values");
    for round in 0..5 {
        let current = stored(&base, &a, "NL-CBX", "5443", &q).unwrap();
        let version = current["version"].as_i64().unwrap();
        let barrier = std::sync::Barrier::new(2);
        let statuses: Vec<(u16, Value)> = std::thread::scope(|sc| {
            let hs: Vec<_> = [(&a, 30 + round), (&b, 20 + round)]
                .into_iter()
                .map(|(t, num)| {
                    let (url, barrier) = (&url, &barrier);
                    let q = &q;
                    sc.spawn(move || {
                        let body = format!(
                            r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":{num},"denominator":39,"version":{version}}}]}}"#
                        );
                        barrier.wait();
                        post_json(url, t, &body)
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut codes: Vec<u16> = statuses.iter().map(|(s, _)| *s).collect();
        codes.sort();
        assert_eq!(codes, vec![200, 409], "round {round}: {statuses:?}");
        // The refused writer is told who changed the value and to what.
        let (_, refused) = statuses.iter().find(|(s, _)| *s == 409).unwrap();
        let c = &refused["conflicts"][0];
        assert_eq!(c["kind"], "stale");
        assert_eq!(c["current"]["version"], version + 1);
        assert!(
            c["current"]["entered_by"]
                .as_str()
                .unwrap()
                .starts_with("token:he-thong-")
        );
        assert!(
            c["reason"]
                .as_str()
                .unwrap()
                .contains("đã sửa giá trị thành")
        );
        let now = stored(&base, &a, "NL-CBX", "5443", &q).unwrap();
        assert_eq!(now["version"], version + 1, "exactly one change");
    }
    drop(server);
}

/// Finding 3, on the page: the form shows both figures and lets the user choose.
async fn the_entry_form_shows_both_figures_and_lets_the_user_choose(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "bc.phuong", "reporter", "5443");
    let other = token(db, "dong-nghiep", "reporter", "5443");
    let q = open_quarter();
    let (server, base) = serve(db);
    let cookie = session(&base, "bc.phuong", PASSWORD);
    let form_path = format!("/entry?unit=5443&period={q}");
    let (_, html) = get_status(&base, &form_path, Some(&cookie));
    let hidden = |name: &str| {
        html.split(&format!("name=\"{name}\" value=\""))
            .nth(1)
            .unwrap_or_else(|| panic!("{name} in the form"))
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    let (csrf, ver, on, od) = (
        hidden("_csrf"),
        hidden("ver.NL-CBX"),
        hidden("on.NL-CBX"),
        hidden("od.NL-CBX"),
    );
    // Someone else saves the same value meanwhile.
    let (s, body) = post_json(
        &format!("{base}/api/v1/values"),
        &other,
        &format!(
            r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{q}","numerator":31,"denominator":39,"version":{ver}}}]}}"#
        ),
    );
    assert_eq!(s, 200, "{body}");
    let mut fields = vec![
        ("_csrf", csrf.as_str()),
        ("unit", "5443"),
        ("period", q.as_str()),
        ("action", "draft"),
        ("ver.NL-CBX", ver.as_str()),
        ("on.NL-CBX", on.as_str()),
        ("od.NL-CBX", od.as_str()),
        ("ov.NL-CBX", ""),
        ("oc.NL-CBX", ""),
        ("n.NL-CBX", "33"),
        ("d.NL-CBX", "39"),
        ("c.NL-CBX", ""),
    ];
    let (status, _, page) = post_multipart(&format!("{base}/entry"), Some(&cookie), &fields, &[]);
    assert_eq!(status, 409, "{page}");
    // Both figures and the choice; the user's own figures are still in the inputs.
    assert!(
        page.contains("token:dong-nghiep đã sửa giá trị thành 31/39"),
        "{page}"
    );
    assert!(page.contains("keep-mine-NL-CBX") && page.contains("keep-theirs-NL-CBX"));
    assert!(page.contains("value=\"33\""));
    let new_ver = page
        .split("name=\"ver.NL-CBX\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        new_ver.parse::<i64>().unwrap(),
        ver.parse::<i64>().unwrap() + 1
    );
    // Keeping theirs writes nothing.
    fields[4] = ("ver.NL-CBX", new_ver.as_str());
    let mut theirs = fields.clone();
    theirs.push(("keep.NL-CBX", "theirs"));
    let (status, location, _) =
        post_multipart(&format!("{base}/entry"), Some(&cookie), &theirs, &[]);
    assert_eq!((status, location.contains("saved=1")), (303, true));
    assert_eq!(
        stored(&base, &other, "NL-CBX", "5443", &q).unwrap()["numerator"],
        "31"
    );
    // Keeping mine overwrites, knowingly.
    let mut mine = fields.clone();
    mine.push(("keep.NL-CBX", "mine"));
    let (status, _, page) = post_multipart(&format!("{base}/entry"), Some(&cookie), &mine, &[]);
    assert_eq!(status, 303, "{page}");
    let now = stored(&base, &other, "NL-CBX", "5443", &q).unwrap();
    assert_eq!(now["numerator"], "33");
    assert_eq!(now["entered_by"], "bc.phuong");
    // A field the user did not touch is not written, even if it is stale.
    let mut untouched = fields.clone();
    untouched[9] = ("n.NL-CBX", on.as_str());
    untouched[10] = ("d.NL-CBX", od.as_str());
    let (status, _, page) =
        post_multipart(&format!("{base}/entry"), Some(&cookie), &untouched, &[]);
    assert_eq!(status, 303, "{page}");
    assert_eq!(
        stored(&base, &other, "NL-CBX", "5443", &q).unwrap()["numerator"],
        "33"
    );
    drop(server);
}

/// Finding 3: a save over an accepted value reset it to draft.
async fn accepted_values_are_locked(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "bc.phuong", "reporter", "5443");
    let t = token(db, "phuong", "reporter", "5443");
    let (server, base) = serve(db);
    // 2025Q4 is accepted in the demo.
    let before = stored(&base, &t, "NL-CBX", "5443", "2025Q4").unwrap();
    assert_eq!(before["state"], "accepted");
    let (status, body) = post_json(
        &format!("{base}/api/v1/values"),
        &t,
        r#"{"values":[{"indicator":"NL-CBX","unit":"5443","period":"2025Q4","numerator":1,"denominator":39}]}"#,
    );
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["conflicts"][0]["kind"], "locked");
    // Re-sending its own figures is no change (a retried push stays safe) and keeps it.
    let (status, body) = post_json(
        &format!("{base}/api/v1/values"),
        &t,
        &format!(
            r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"2025Q4","numerator":{},"denominator":{}}}]}}"#,
            before["numerator"].as_str().unwrap(),
            before["denominator"].as_str().unwrap()
        ),
    );
    assert_eq!(status, 200, "{body}");
    let after = stored(&base, &t, "NL-CBX", "5443", "2025Q4").unwrap();
    assert_eq!(
        (after["state"].clone(), after["version"].clone()),
        (before["state"].clone(), before["version"].clone())
    );
    // On the page it shows locked, its inputs disabled; a crafted save is refused.
    let cookie = session(&base, "bc.phuong", PASSWORD);
    let (_, html) = get_status(&base, "/entry?unit=5443&period=2025Q4", Some(&cookie));
    assert!(html.contains("Đã tiếp nhận: số liệu đã khóa."), "{html}");
    assert!(
        html.contains("id=\"n-NL-CBX\" inputmode=\"decimal\" value=\"")
            && html.contains(" disabled")
    );
    let csrf = page_csrf(&base, "/entry?unit=5443&period=2025Q4", &cookie);
    let fields = [
        ("_csrf", csrf.as_str()),
        ("unit", "5443"),
        ("period", "2025Q4"),
        ("action", "submit"),
        ("keep.NL-CBX", "mine"),
        ("n.NL-CBX", "2"),
        ("d.NL-CBX", "39"),
    ];
    let (status, _, _) = post_multipart(&format!("{base}/entry"), Some(&cookie), &fields, &[]);
    assert_eq!(status, 303, "a locked field is not even read from the form");
    assert_eq!(
        stored(&base, &t, "NL-CBX", "5443", "2025Q4").unwrap(),
        after
    );
    drop(server);
}

/// Finding 6: evidence attached on the entry form was silently discarded.
async fn entry_evidence_is_stored_and_listed(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "bc.phuong", "reporter", "5443");
    let q = open_quarter();
    let (server, base) = serve(db);
    let cookie = session(&base, "bc.phuong", PASSWORD);
    let path = format!("/entry?unit=5443&period={q}");
    let csrf = page_csrf(&base, &path, &cookie);
    let pdf: &[u8] = b"%PDF-1.4\n% bien ban\n";
    let (status, location, body) = post_multipart(
        &format!("{base}/entry"),
        Some(&cookie),
        &[
            ("_csrf", &csrf),
            ("unit", "5443"),
            ("period", &q),
            ("action", "draft"),
        ],
        &[("e.NL-CBX", "danh-sach-can-bo.pdf", pdf)],
    );
    assert_eq!(status, 303, "{body}");
    assert!(location.contains("saved=1"));
    let (_, html) = get_status(&base, &path, Some(&cookie));
    let id = html
        .split("href=\"/evidence/")
        .nth(1)
        .expect("the file is listed under the value")
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert!(html.contains("danh-sach-can-bo.pdf"));
    let mut res = agent()
        .get(&format!("{base}/evidence/{id}"))
        .header("cookie", &cookie)
        .call()
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.body_mut().read_to_vec().unwrap(), pdf);
    // Three files of 10 MiB: 413, not 403; and nothing is stored.
    let big = vec![b'%'; 10 * 1024 * 1024];
    let (status, _) = post_early_answer(
        &base,
        "/entry",
        Some(&cookie),
        &[("_csrf", &csrf), ("unit", "5443"), ("period", &q)],
        &[
            ("e.NL-CBX", "a.pdf", &big),
            ("e.NL-CBX", "b.pdf", &big),
            ("e.NL-CBX", "c.pdf", &big),
        ],
    );
    assert_eq!(status, 413);
    let (_, html) = get_status(&base, &path, Some(&cookie));
    assert_eq!(
        html.matches("href=\"/evidence/").count(),
        1,
        "nothing more stored"
    );
    // Anonymous: sent to sign in, before the body is read.
    let (status, location) = post_early_answer(
        &base,
        "/entry",
        None,
        &[("unit", "5443")],
        &[("e.NL-CBX", "a.pdf", &big)],
    );
    assert_eq!((status, location.as_str()), (303, "/login"));
    drop(server);
}

/// A rule error blocks submission and names the indicators and the rule; a warning needs an
/// explanation; an outlier is sent but flagged for the head who approves.
async fn validation_blocks_explains_and_flags(db: &TestDb) {
    ok(db, &["demo"]);
    let office = token(db, "vp", "reporter", "TN.VPUB");
    let skhcn = token(db, "kh", "reporter", "TN.SKHCN");
    add_user(db, "gd.kh", "head", "TN.SKHCN");
    let (server, base) = serve(db);
    let q = open_quarter();
    let write = |who: &str, values: &str| {
        let (s, v) = post_json(
            &format!("{base}/api/v1/values"),
            who,
            &format!(r#"{{"values":[{values}]}}"#),
        );
        assert_eq!(s, 200, "{v}");
    };
    let submit = |who: &str, unit: &str, body: &str| {
        post_json(
            &format!("{base}/api/v1/reports/BC57-SO-QUY/{unit}/{q}/submit"),
            who,
            body,
        )
    };
    // More procedures in the business fields than procedures in all: an error.
    write(
        &office,
        &format!(
            r#"{{"indicator":"CQ-PDG","unit":"19","period":"{q}","numerator":300,"denominator":400}},{{"indicator":"CQ-TTR","unit":"19","period":"{q}","numerator":100,"denominator":450}}"#
        ),
    );
    let (s, v) = submit(&office, "TN.VPUB", "{}");
    assert_eq!(s, 422, "{v}");
    let m = v["message"].as_str().unwrap();
    assert!(
        m.contains("CQ-TTR.denominator (450) ≤ CQ-PDG.denominator (400)")
            && m.contains("là một phần của tổng số thủ tục"),
        "{m}"
    );
    // An explanation does not lift an error.
    assert_eq!(
        submit(&office, "TN.VPUB", r#"{"reason":"đúng vậy"}"#).0,
        422
    );
    // 250 provincial science tasks in a quarter: a warning, sent once explained. 9,999
    // science enterprises against about ten before: sent, and flagged for the head.
    write(
        &skhcn,
        &format!(
            r#"{{"indicator":"ST-NVKH","unit":"19","period":"{q}","value":250}},{{"indicator":"ST-DNKHCN","unit":"19","period":"{q}","value":9999}}"#
        ),
    );
    let (s, v) = submit(&skhcn, "TN.SKHCN", "{}");
    assert_eq!(s, 422, "{v}");
    let m = v["message"].as_str().unwrap();
    assert!(
        m.contains("cần giải thích") && m.contains("ST-NVKH (250) ≤ 200"),
        "{m}"
    );
    let (s, v) = submit(
        &skhcn,
        "TN.SKHCN",
        r#"{"reason":"Gồm 230 nhiệm vụ cấp cơ sở được nâng cấp theo Quyết định của UBND tỉnh"}"#,
    );
    assert_eq!((s, v["state"].as_str()), (200, Some("submitted")), "{v}");
    let cookie = session(&base, "gd.kh", PASSWORD);
    let (s, html) = get_status(&base, "/reports", Some(&cookie));
    assert_eq!(s, 200);
    let queue = &html[html.find("id=\"queue\"").unwrap()..];
    let queue = &queue[..queue.find("<h2>").unwrap()];
    assert!(
        queue.contains("⚠ ST-DNKHCN: 9.999 (bất thường so với chính đơn vị: z = "),
        "{queue}"
    );
    // 250 tasks is unusual too; nothing else is.
    assert!(queue.contains("⚠ ST-NVKH: 250"), "{queue}");
    assert_eq!(queue.matches("⚠").count(), 2, "{queue}");
    // The explanation is in the report's history on the entry form.
    let (_, entry) = get_status(&base, &format!("/entry?unit=19&period={q}"), Some(&cookie));
    assert!(entry.contains("Gồm 230 nhiệm vụ cấp cơ sở"), "{entry}");
    drop(server);
}
