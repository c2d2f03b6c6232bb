//! The periodic report as a Word document (#14): the Decree 30/2020 layout, every indicator
//! named with its Vietnamese letters, official figures only.

use crate::cli::serve;
use crate::hardening::{PASSWORD, add_user, get_status};
use crate::ok;
use crate::web::{agent, session};
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use std::io::Read;

db_tests!(
    the_periodic_report_is_a_word_document_in_the_decree_30_layout,
    the_report_downloads_from_the_overview_and_unit_pages,
);

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut f = zip
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the document"));
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

async fn the_periodic_report_is_a_word_document_in_the_decree_30_layout(db: &TestDb) {
    ok(db, &["demo"]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bao-cao-2025.docx");
    ok(
        db,
        &[
            "report",
            "--period",
            "2025",
            "--format",
            "docx",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&out).unwrap();
    let doc = part(&bytes, "word/document.xml");
    for must in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN",
        "/BC-UBND",
        "BÁO CÁO",
        "Nơi nhận:",
        "(Đã ký)",
        "./.",
    ] {
        assert!(doc.contains(must), "{must} in the document");
    }
    assert!(doc.contains("Thái Nguyên, ngày "), "place and date");
    // Every indicator by its name, composed (NFC) as the plan writes it.
    let plan = chitieu_domain::default_plan::default_plan();
    for i in &plan.indicators {
        let name = chitieu_domain::text::nfc(&i.name);
        assert!(doc.contains(&name), "{} ({name}) in the document", i.code);
    }
    // A4, margins top and bottom 20 mm, left 30 mm, right 15 mm; a first page without the
    // page number, the number centred at the top of the others.
    assert!(
        doc.contains(r#"w:w="11906""#) && doc.contains(r#"w:h="16838""#),
        "A4"
    );
    for m in [
        r#"w:top="1134""#,
        r#"w:bottom="1134""#,
        r#"w:left="1701""#,
        r#"w:right="850""#,
    ] {
        assert!(doc.contains(m), "{m}");
    }
    assert!(doc.contains("<w:titlePg"), "a different first page");
    let fonts = part(&bytes, "word/styles.xml");
    assert!(fonts.contains("Times New Roman"), "{fonts}");
    let headers: Vec<String> = (1..=3)
        .filter_map(|k| {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
            let mut s = String::new();
            zip.by_name(&format!("word/header{k}.xml"))
                .ok()
                .map(|mut f| f.read_to_string(&mut s).map(|_| s))
                .and_then(Result::ok)
        })
        .collect();
    assert!(
        headers
            .iter()
            .any(|h| h.contains("PAGE") && h.contains(r#"w:val="center""#)),
        "{headers:?}"
    );
    // Where LibreOffice is installed, the document converts to PDF.
    let soffice = ["soffice", "libreoffice"].into_iter().find(|b| {
        std::process::Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    match soffice {
        Some(bin) => {
            let status = std::process::Command::new(bin)
                .args(["--headless", "--convert-to", "pdf", "--outdir"])
                .arg(dir.path())
                .arg(&out)
                .status()
                .unwrap();
            assert!(status.success());
            assert!(dir.path().join("bao-cao-2025.pdf").exists());
        }
        None => eprintln!("LibreOffice is not installed: the PDF conversion check is skipped"),
    }
    // A bad period is refused with the reason.
    let err = crate::fails(
        db,
        &[
            "report",
            "--period",
            "2025Q5",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(err.contains("2025Q5"), "{err}");
}

async fn the_report_downloads_from_the_overview_and_unit_pages(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "xem.bc", "viewer", "19");
    let (server, base) = serve(db);
    let cookie = session(&base, "xem.bc", PASSWORD);
    let (_, overview) = get_status(&base, "/", Some(&cookie));
    assert!(
        overview.contains("href=\"/report.docx\""),
        "the overview's button"
    );
    let (_, unit) = get_status(&base, "/units/5443", Some(&cookie));
    assert!(
        unit.contains("href=\"/report.docx?unit=5443\""),
        "the unit page's button"
    );
    let get = |path: &str, cookie: Option<&str>| {
        let mut r = agent().get(&format!("{base}{path}"));
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        let mut res = r.call().unwrap();
        let ct = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        (
            res.status().as_u16(),
            ct,
            res.body_mut().read_to_vec().unwrap_or_default(),
        )
    };
    let (s, ct, bytes) = get("/report.docx", Some(&cookie));
    assert_eq!(s, 200);
    assert!(ct.contains("wordprocessingml"), "{ct}");
    assert!(part(&bytes, "word/document.xml").contains("Độc lập - Tự do - Hạnh phúc"));
    let (s, _, bytes) = get("/report.docx?unit=5443&period=2025Q3", Some(&cookie));
    assert_eq!(s, 200);
    assert!(
        part(&bytes, "word/document.xml").contains("ỦY BAN NHÂN DÂN PHƯỜNG PHAN ĐÌNH PHÙNG"),
        "the ward's own report"
    );
    assert_eq!(get("/report.docx?period=2025Q5", Some(&cookie)).0, 422);
    assert_eq!(get("/report.docx?unit=99999", Some(&cookie)).0, 404);
    let (s, _, _) = get("/report.docx", None);
    assert!(s == 303 || s == 401, "{s}");
    drop(server);
}
