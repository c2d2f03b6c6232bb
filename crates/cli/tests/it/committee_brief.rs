//! #32: the Steering Committee's records hold what it decided and what it meets on: a
//! notice's tasks with their state, the signed notice's file, the difficulties units raised
//! marked handled or not, and the brief for the next meeting (Word, PDF, Excel) from the
//! periodic report's code.

use crate::report::{fetch, pdf_text};
use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use std::io::Read;

db_tests!(
    the_brief_lists_what_the_committee_meets_on,
    raised_difficulties_are_marked_handled_and_notices_keep_their_file,
);

/// Posts a form of the committee's page as `cookie`: the status and where it leads.
fn send(base: &str, cookie: &str, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let (status, to, _) = post_page_form(base, "/units/TN.BCD", path, cookie, fields);
    (status, to)
}

/// The text of the Word document's body.
fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

async fn the_brief_lists_what_the_committee_meets_on(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "tt.bcd", "secretariat", "19");
    let (server, base) = serve(db);
    let office = session(&base, "tt.bcd", PASSWORD);
    let (s, page) = get_status(&base, "/units/TN.BCD", Some(&office));
    assert_eq!(s, 200);
    assert!(
        page.contains("href=\"/brief.pdf?committee=TN.BCD\""),
        "{page}"
    );
    // The notice's tasks are listed with their lead unit and state.
    let at = page.find("data-notice=\"01/TB-BCĐ\"").expect("the meeting");
    let row = &page[at..at + page[at..].find("</tr>").unwrap()];
    assert!(row.contains("Nhiệm vụ giao theo thông báo (10)"), "{row}");
    assert!(row.contains("data-task=\"NV-03\""), "{row}");
    assert!(row.contains("Đang thực hiện trong hạn"), "{row}");

    let (s, ct, pdf) = fetch(&base, "/brief.pdf", Some(("cookie", &office)));
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(ct, "application/pdf");
    if let Some(text) = pdf_text(&pdf) {
        for says in [
            "BÁO CÁO",
            "phục vụ phiên họp của Ban Chỉ đạo phát triển khoa học",
            "từ phiên họp ngày 15/07/2025",
            "II. CÁC MỤC TIÊU CHẬM TIẾN ĐỘ, CÓ NGUY CƠ KHÔNG ĐẠT",
            "III. CÁC MỤC TIÊU KHÔNG ĐẠT NĂM 2025",
            "44,3 % (quý IV/2025)",
            "IV. NHIỆM VỤ QUÁ HẠN VÀ NGƯỜI ĐỨNG ĐẦU CHỊU TRÁCH NHIỆM",
            "người đứng đầu: Vũ Đức Thắng",
            "V. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT CỦA CÁC ĐƠN VỊ",
            "Thiếu kinh phí đối ứng",
            "Chưa xử lý.",
            "VI. TIẾN ĐỘ THỰC HIỆN CÁC KẾT LUẬN CỦA BAN CHỈ ĐẠO",
            "Thông báo kết luận số 01/TB-BCĐ",
            "Số: /BC-SKHCN",
            "Phạm Thu Trang",
        ] {
            assert!(text.contains(says), "{says} in {text}");
        }
        // A missed target only: the brief is not the periodic report.
        assert!(!text.contains("Đúng lộ trình"), "{text}");
        assert!(!text.contains("(Đã ký)"));
    }
    let (s, _, docx) = fetch(&base, "/brief.docx", Some(("cookie", &office)));
    assert_eq!(s, 200);
    let xml = docx_text(&docx);
    assert!(xml.contains("KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT"), "{xml}");
    assert!(xml.contains("01/TB-BCĐ"));
    let (s, _, _) = fetch(&base, "/brief.xlsx", Some(("cookie", &office)));
    assert_eq!(s, 200);
    // Signed in only; an unknown committee is not found.
    assert_eq!(fetch(&base, "/brief.pdf", None).0, 303);
    assert_eq!(
        fetch(
            &base,
            "/brief.pdf?committee=KHONG.CO",
            Some(("cookie", &office))
        )
        .0,
        404
    );
    drop(server);

    // The command line writes the same brief.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("hop.docx");
    ok(db, &["brief", "--out", out.to_str().unwrap()]);
    assert!(docx_text(&std::fs::read(&out).unwrap()).contains("01/TB-BCĐ"));
}

async fn raised_difficulties_are_marked_handled_and_notices_keep_their_file(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "tt.bcd", "secretariat", "19");
    add_user(db, "bc.phuong", "reporter", "5443");
    add_user(db, "qt.phuong", "admin", "5443");
    let (server, base) = serve(db);
    let office = session(&base, "tt.bcd", PASSWORD);
    let reporter = session(&base, "bc.phuong", PASSWORD);
    let (_, page) = get_status(&base, "/units/TN.BCD", Some(&office));
    let at = page
        .find("<tr data-task=\"NV-04\" data-update=\"")
        .expect("NV-04 raised");
    let rest = &page[at + "<tr data-task=\"NV-04\" data-update=\"".len()..];
    let update = rest[..rest.find('"').unwrap()].to_string();
    let row = &page[at..at + page[at..].find("</tr>").unwrap()];
    assert!(row.contains("Chưa xử lý"), "{row}");
    assert!(row.contains("class=\"mark-handled\""), "{row}");

    // How it was handled is required; a reporter keeps no records; an unknown report is
    // refused with its reason (a page answers 422 saying what is unknown).
    let handled = |note: &'static str, update: &str| {
        vec![("task", "NV-04"), ("update", update), ("note", note)]
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect::<Vec<_>>()
    };
    let post = |cookie: &str, fields: &[(&str, String)]| {
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        send(&base, cookie, "/units/TN.BCD/handled", &f)
    };
    assert_eq!(post(&office, &handled("  ", &update)).0, 422);
    // A ward's administrator keeps its own page, not a department's difficulties.
    let ward = session(&base, "qt.phuong", PASSWORD);
    let (csrf, fields) = (
        page_csrf(&base, "/units/5443", &ward),
        handled("x", &update),
    );
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
    let res = agent()
        .post(&format!("{base}/units/5443/handled"))
        .header("cookie", &ward)
        .send_form(all)
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(post(&reporter, &handled("x", &update)).0, 403);
    assert_eq!(post(&office, &handled("x", "999999")).0, 422);
    let note = "Kết luận tại Thông báo số 02/TB-BCĐ: Sở Tài chính bố trí kinh phí";
    let (s, to) = post(&office, &handled(note, &update));
    assert_eq!(s, 303);
    let (_, page) = get_status(&base, &to, Some(&office));
    assert!(
        page.contains("Đã ghi nhận việc xử lý khó khăn, kiến nghị."),
        "{page}"
    );
    let at = page
        .find("<tr data-task=\"NV-04\"")
        .expect("NV-04 still listed");
    let row = &page[at..at + page[at..].find("</tr>").unwrap()];
    assert!(row.contains("Đã xử lý ngày 05/12/2026"), "{row}");
    assert!(row.contains(note), "{row}");
    assert!(row.contains("Văn phòng") || row.contains("tt.bcd"), "{row}");
    let (_, _, pdf) = fetch(&base, "/brief.pdf", Some(("cookie", &office)));
    if let Some(text) = pdf_text(&pdf) {
        assert!(
            text.contains("Đã xử lý ngày 05/12/2026: Kết luận tại Thông báo số 02/TB-BCĐ"),
            "{text}"
        );
    }

    // The signed notice's file is attached to its meeting and read by anyone signed in.
    let csrf = page_csrf(&base, "/units/TN.BCD", &office);
    let file = b"%PDF-1.4\n% thong bao ket luan\n";
    let attach = |cookie: &str, csrf: &str, number: &str, name: &str, bytes: &[u8]| {
        post_multipart(
            &format!("{base}/units/TN.BCD/notice-file"),
            Some(cookie),
            &[("_csrf", csrf), ("number", number)],
            &[("file", name, bytes)],
        )
    };
    let (s, to, body) = attach(&office, &csrf, "01/TB-BCĐ", "tb-01.pdf", file);
    assert_eq!(s, 303, "{body}");
    let (_, page) = get_status(&base, &to, Some(&office));
    assert!(
        page.contains("Đã đính kèm tệp thông báo kết luận."),
        "{page}"
    );
    let at = page.find("class=\"notice-file\"").expect("the file's link");
    let link = &page[page[..at].rfind("href=\"").unwrap() + 6..at];
    let link = &link[..link.find('"').unwrap()];
    let (s, _, got) = fetch(&base, link, Some(("cookie", &reporter)));
    assert_eq!((s, got.as_slice()), (200, &file[..]));
    // Not a notice of this committee, not a document, not a keeper.
    assert_eq!(attach(&office, &csrf, "99/TB-BCĐ", "tb.pdf", file).0, 422);
    assert_eq!(
        attach(&office, &csrf, "01/TB-BCĐ", "tb.exe", b"MZ\x90\x00").0,
        422
    );
    let rcsrf = page_csrf(&base, "/units/TN.BCD", &reporter);
    assert_eq!(
        attach(&reporter, &rcsrf, "01/TB-BCĐ", "tb.pdf", file).0,
        403
    );
    drop(server);
}
