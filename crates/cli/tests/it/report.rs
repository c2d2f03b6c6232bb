//! The periodic report (#14) as Word, PDF and Excel: the Decree 30/2020 layout, every
//! indicator named with its Vietnamese letters, a chart in the PDF, official figures only; from
//! the command line, the pages and the API.

use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use std::io::Read;

db_tests!(
    the_periodic_report_is_a_word_document_in_the_decree_30_layout,
    the_periodic_report_is_a_pdf_with_a_chart_and_an_excel_workbook,
    the_report_downloads_from_the_overview_and_unit_pages,
    the_report_comes_from_the_api_as_json_or_a_document,
);

/// `chitieu report` of the province for `period` in `format`, written in `dir`.
pub(crate) fn report_file(
    db: &TestDb,
    dir: &std::path::Path,
    period: &str,
    format: &str,
) -> std::path::PathBuf {
    let out = dir.join(format!("bao-cao-{period}.{format}"));
    let args = [
        "report",
        "--period",
        period,
        "--format",
        format,
        "--out",
        out.to_str().unwrap(),
    ];
    ok(db, &args);
    out
}

/// GET `path` with an optional header; status, content type and body.
pub(crate) fn fetch(
    base: &str,
    path: &str,
    header: Option<(&str, &str)>,
) -> (u16, String, Vec<u8>) {
    let mut r = agent().get(&format!("{base}{path}"));
    if let Some((k, v)) = header {
        r = r.header(k, v);
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
}

/// The PDF's text as `pdftotext -raw` reads it (content order: a table cell's lines stay
/// together), whitespace folded to single spaces; None where pdftotext is not installed (a
/// failure under CI, where .ci/run installs it).
pub(crate) fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, bytes).unwrap();
    match std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(o) => {
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let text = String::from_utf8(o.stdout).unwrap();
            Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
        }
        Err(_) => {
            assert!(
                !std::env::var("CI").is_ok_and(|v| v == "true"),
                "pdftotext (poppler-utils) must be installed under CI"
            );
            eprintln!("pdftotext is not installed: the PDF's text check is skipped");
            None
        }
    }
}

/// The PDF's content streams, inflated: what is drawn, as PDF operators.
fn pdf_drawing(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut rest = bytes;
    while let Some(i) = find(rest, b"stream") {
        let mut start = i + b"stream".len();
        if rest.get(start) == Some(&b'\r') {
            start += 1;
        }
        if rest.get(start) == Some(&b'\n') {
            start += 1;
        }
        let Some(len) = find(&rest[start..], b"endstream") else {
            break;
        };
        let mut text = String::new();
        if flate2::read::ZlibDecoder::new(&rest[start..start + len])
            .read_to_string(&mut text)
            .is_ok()
        {
            out.push_str(&text);
            out.push('\n');
        }
        rest = &rest[start + len + b"endstream".len()..];
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// What every form of the report must say, NFC, one space between words.
fn report_words() -> Vec<String> {
    let plan = chitieu_domain::default_plan::default_plan();
    [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        "TỈNH THÁI NGUYÊN",
        "/BC-UBND",
        "BÁO CÁO",
        "Nơi nhận:",
        "./.",
        "Thái Nguyên, ngày ",
        // The title keeps its capitals in the closing sentence.
        "Trên đây là báo cáo kết quả thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị",
    ]
    .into_iter()
    .map(String::from)
    .chain(plan.indicators.iter().map(|i| {
        chitieu_domain::text::nfc(&i.name)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }))
    .collect()
}

/// A part of a Word or Excel file; non-breaking spaces (which keep a place's name on one line
/// of the header) read as spaces.
pub(crate) fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut f = zip
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the document"));
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s.replace('\u{a0}', " ")
}

async fn the_periodic_report_is_a_word_document_in_the_decree_30_layout(db: &TestDb) {
    ok(db, &["demo"]);
    let dir = tempfile::tempdir().unwrap();
    let out = report_file(db, dir.path(), "2025", "docx");
    let bytes = std::fs::read(&out).unwrap();
    let doc = part(&bytes, "word/document.xml");
    // Every indicator by its name, composed (NFC) as the plan writes it.
    for w in report_words() {
        assert!(doc.contains(&w), "{w} in the document");
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
    let err = fails(
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

async fn the_periodic_report_is_a_pdf_with_a_chart_and_an_excel_workbook(db: &TestDb) {
    ok(db, &["demo"]);
    let dir = tempfile::tempdir().unwrap();
    let pdf = report_file(db, dir.path(), "2025", "pdf");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    // The font travels with the document: Liberation Serif, embedded (a font file stream).
    assert!(find(&bytes, b"LiberationSerif").is_some(), "the font named");
    assert!(find(&bytes, b"/FontFile2").is_some(), "the font embedded");
    // The chart: one bar per status, each a closed path filled (`h f`) in a colour (three
    // components before `scn`); the rules and the table's borders are black.
    let drawing = pdf_drawing(&bytes);
    let bars = drawing
        .split("\nQ")
        .filter(|seg| {
            let Some(i) = seg.rfind(" cs ") else {
                return false;
            };
            let after = &seg[i + 4..];
            let Some(j) = after.find(" scn") else {
                return false;
            };
            let colour: Vec<&str> = after[..j].split_whitespace().collect();
            colour.len() == 3 && colour.iter().any(|c| *c != "0") && seg.ends_with("h\nf")
        })
        .count();
    assert!(bars >= 5, "{bars} coloured bars drawn as vector paths");
    if let Some(text) = pdf_text(&bytes) {
        for w in report_words() {
            assert!(text.contains(&w), "{w:?} in the PDF's text: {text}");
        }
        assert!(
            text.contains("Số mục tiêu theo tình trạng"),
            "the chart's caption"
        );
    }
    // The same report as a workbook: the targets sheet lists every indicator.
    let xlsx = report_file(db, dir.path(), "2025", "xlsx");
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    // The targets in progress, a sheet for each year over, then the lists.
    let names = wb.sheet_names();
    assert_eq!(names[..2], ["Báo cáo", "Chỉ tiêu"]);
    assert_eq!(
        names[names.len() - 3..],
        [
            "Nguy cơ không đạt",
            "Nhiệm vụ quá hạn",
            "Đơn vị chậm báo cáo"
        ]
    );
    let mut cells: Vec<String> = Vec::new();
    for name in &names[1..names.len() - 3] {
        let sheet = wb.worksheet_range(name).unwrap();
        cells.extend(sheet.cells().map(|(_, _, c)| c.to_string()));
    }
    let plan = chitieu_domain::default_plan::default_plan();
    for i in &plan.indicators {
        let name = chitieu_domain::text::nfc(&i.name);
        assert!(
            cells.iter().any(|c| c.contains(&name)),
            "{} in the workbook",
            i.code
        );
    }
    let cover = wb.worksheet_range("Báo cáo").unwrap();
    assert!(
        cover
            .cells()
            .any(|(_, _, c)| *c == "Số mục tiêu theo tình trạng"),
        "the count by status"
    );
    let err = fails(
        db,
        &[
            "report",
            "--period",
            "2025",
            "--format",
            "odt",
            "--out",
            xlsx.to_str().unwrap(),
        ],
    );
    assert!(err.contains("odt"), "{err}");
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
    let get = |path: &str, cookie: Option<&str>| fetch(&base, path, cookie.map(|c| ("cookie", c)));
    for f in ["docx", "pdf", "xlsx"] {
        assert!(
            overview.contains(&format!("href=\"/report.{f}\"")),
            "{f} on the overview"
        );
        assert!(
            unit.contains(&format!("href=\"/report.{f}?unit=5443\"")),
            "{f} on the unit page"
        );
    }
    let (s, ct, bytes) = get("/report.pdf?unit=5443&period=2025Q3", Some(&cookie));
    assert_eq!(s, 200);
    assert_eq!(ct, "application/pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    if let Some(text) = pdf_text(&bytes) {
        assert!(
            text.contains("ỦY BAN NHÂN DÂN PHƯỜNG PHAN ĐÌNH PHÙNG"),
            "{text}"
        );
        // The period keeps its numeral ("quý iv/2025" once); a ward reports to its province
        // and its People's Committee signs collectively.
        assert!(text.contains("quý III/2025"), "{text}");
        assert!(!text.contains("quý iii"), "{text}");
        assert!(
            text.contains("Ủy ban nhân dân tỉnh Thái Nguyên (b/c)"),
            "{text}"
        );
        assert!(text.contains("TM. ỦY BAN NHÂN DÂN"), "{text}");
    }
    let (s, ct, bytes) = get("/report.xlsx", Some(&cookie));
    assert_eq!(s, 200);
    assert!(ct.contains("spreadsheetml"), "{ct}");
    assert!(part(&bytes, "xl/workbook.xml").contains("Chỉ tiêu"));
    assert_eq!(get("/report.pdf?period=2025Q5", Some(&cookie)).0, 422);
    // Many at once queue for the typesetter; every one is answered whole.
    let answers: Vec<(u16, Vec<u8>)> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..6)
            .map(|_| {
                sc.spawn(|| {
                    let (s, _, b) = fetch(&base, "/report.pdf", Some(("cookie", cookie.as_str())));
                    (s, b)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(
        answers.iter().all(|(s, b)| *s == 200
            && b.starts_with(b"%PDF-")
            && b.trim_ascii_end().ends_with(b"%%EOF")),
        "{:?}",
        answers
            .iter()
            .map(|(s, b)| (*s, b.len()))
            .collect::<Vec<_>>()
    );
    let (s, ct, bytes) = get("/report.docx", Some(&cookie));
    assert_eq!(s, 200);
    assert!(ct.contains("wordprocessingml"), "{ct}");
    assert!(part(&bytes, "word/document.xml").contains("Độc lập - Tự do - Hạnh phúc"));
    let (s, _, bytes) = get("/report.docx?unit=5443&period=2025Q3", Some(&cookie));
    assert_eq!(s, 200);
    assert!(
        part(&bytes, "word/document.xml").contains("PHƯỜNG PHAN ĐÌNH PHÙNG"),
        "the ward's own report"
    );
    assert_eq!(get("/report.docx?period=2025Q5", Some(&cookie)).0, 422);
    assert_eq!(get("/report.docx?unit=99999", Some(&cookie)).0, 404);
    let (s, _, _) = get("/report.docx", None);
    assert!(s == 303 || s == 401, "{s}");
    drop(server);
}

async fn the_report_comes_from_the_api_as_json_or_a_document(db: &TestDb) {
    ok(db, &["demo"]);
    // The national map beside the plan's province: another province reports as itself.
    ok(db, &["units", "import", national_map().to_str().unwrap()]);
    let t = crate::support::token(db, "he-thong-tinh", "viewer", "19");
    let (server, base) = serve(db);
    let (status, _, body) = crate::support::api(
        "GET",
        &format!("{base}/api/v1/report?period=2025"),
        Some(&t),
        None,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["issuer"], "Ủy ban nhân dân tỉnh Thái Nguyên");
    assert_eq!(body["period"], "2025");
    assert_eq!(body["standing"].as_array().unwrap().len(), 5);
    let plan = chitieu_domain::default_plan::default_plan();
    // Every indicator by its name (no codes), in progress or in a year that is over.
    let mut targets = body["targets"].as_array().unwrap().clone();
    for e in body["ended"].as_array().unwrap() {
        targets.extend(e["targets"].as_array().unwrap().iter().cloned());
    }
    for i in &plan.indicators {
        assert!(
            targets.iter().any(|r| r["indicator"] == i.name.as_str()),
            "{} in the JSON",
            i.code
        );
    }
    // Another province on the national map reports as itself, not as the plan's owner.
    let (status, _, body) = crate::support::api(
        "GET",
        &format!("{base}/api/v1/report?unit=01"),
        Some(&t),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let issuer = body["issuer"].as_str().unwrap();
    assert!(
        issuer.contains("Hà Nội") && !issuer.contains("Thái Nguyên"),
        "{issuer}"
    );
    assert_eq!(body["place"], "Hà Nội");
    let bearer = format!("Bearer {t}");
    let auth = Some(("Authorization", bearer.as_str()));
    let (s, ct, bytes) = fetch(&base, "/api/v1/report?period=2025&format=pdf", auth);
    assert_eq!((s, ct.as_str()), (200, "application/pdf"));
    assert!(bytes.starts_with(b"%PDF-"));
    let (s, ct, bytes) = fetch(&base, "/api/v1/report?unit=5443&format=docx", auth);
    assert_eq!(s, 200);
    assert!(ct.contains("wordprocessingml"), "{ct}");
    assert!(part(&bytes, "word/document.xml").contains("PHƯỜNG PHAN ĐÌNH PHÙNG"));
    let (s, ct, _) = fetch(&base, "/api/v1/report?format=xlsx", auth);
    assert_eq!(s, 200);
    assert!(ct.contains("spreadsheetml"), "{ct}");
    for (q, want) in [
        ("format=odt", 422),
        ("period=2025Q5", 422),
        ("unit=99999", 404),
    ] {
        let (s, _, body) =
            crate::support::api("GET", &format!("{base}/api/v1/report?{q}"), Some(&t), None);
        assert_eq!(s, want, "{q}: {body}");
    }
    let (s, _, _) = crate::support::api("GET", &format!("{base}/api/v1/report"), None, None);
    assert_eq!(s, 401);
    drop(server);
}
