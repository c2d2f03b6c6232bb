//! Values in Excel (#14, first part): a template exported for a unit, form and period, filled
//! as a reporter would, imported back; one bad cell stores nothing and is named.

use crate::support::*;
use calamine::{Data, Reader, Xlsx};
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;

db_tests!(
    any_table_a_page_shows_downloads_as_excel,
    an_excel_template_is_filled_offline_and_imported_back,
    a_reporter_downloads_the_template_and_uploads_it_on_the_entry_page,
    a_csv_saved_by_excel_in_the_vietnamese_locale_imports,
);

/// #33: Excel in the Vietnamese locale saves CSV with semicolons between fields and decimal
/// commas; such a file was refused with no hint. It imports, its figures read that way.
async fn a_csv_saved_by_excel_in_the_vietnamese_locale_imports(db: &TestDb) {
    ok(db, &["init"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("excel-vi.csv");
    std::fs::write(
        &path,
        "\u{feff}indicator;unit;period;value;numerator;denominator;comment\r\n\
         HT-5G;19;2026Q2;87,5;;;\"Theo Sở; Viettel\"\r\n\
         NL-CBX;5443;2026Q2;;35;39;\r\n",
    )
    .unwrap();
    let out = ok(db, &["values", "import", path.to_str().unwrap()]);
    assert!(out.contains("Đã nhập 2 dòng"), "{out}");
    let store = db.store().await;
    let rows = store.values(&Default::default()).await.unwrap();
    let g5 = rows.iter().find(|r| r.indicator == "HT-5G").unwrap();
    assert_eq!(g5.value.to_string(), "87.5");
    assert_eq!(g5.comment, "Theo Sở; Viettel");
    let cbx = rows.iter().find(|r| r.indicator == "NL-CBX").unwrap();
    assert_eq!(
        (
            cbx.numerator.map(|d| d.to_string()),
            cbx.denominator.map(|d| d.to_string())
        ),
        (Some("35".into()), Some("39".into()))
    );
}

/// The template's cells, as text, by (row, column) from A1.
fn cells(path: &std::path::Path) -> (Vec<String>, Vec<Vec<Data>>) {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let names = wb.sheet_names().to_vec();
    let range = wb.worksheet_range("Số liệu").unwrap();
    assert_eq!(range.start(), Some((0, 0)));
    (names, range.rows().map(|r| r.to_vec()).collect())
}

/// A copy of the template with `fill` (row, column, cell) typed in, as a reporter would.
fn filled(rows: &[Vec<Data>], fill: &[(u32, u16, Data)], path: &std::path::Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Số liệu").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if let Data::String(s) = cell {
                ws.write_string(r as u32, c as u16, s).unwrap();
            }
        }
    }
    for (r, c, cell) in fill {
        match cell {
            Data::Float(x) => ws.write_number(*r, *c, *x).unwrap(),
            Data::String(s) => ws.write_string(*r, *c, s).unwrap(),
            _ => unreachable!(),
        };
    }
    wb.save(path).unwrap();
}

async fn an_excel_template_is_filled_offline_and_imported_back(db: &TestDb) {
    ok(db, &["demo"]);
    let dir = tempfile::tempdir().unwrap();
    let q = open_quarter();
    let template = dir.path().join("bieu.xlsx");
    ok(
        db,
        &[
            "values",
            "template",
            "--unit",
            "TN.SKHCN",
            "--form",
            "BC57-SO-QUY",
            "--period",
            &q,
            "-o",
            template.to_str().unwrap(),
        ],
    );
    let (sheets, rows) = cells(&template);
    assert_eq!(sheets, ["Số liệu", "Hướng dẫn"]);
    let text = |r: usize, c: usize| match rows.get(r).and_then(|row| row.get(c)) {
        Some(Data::String(s)) => s.clone(),
        _ => String::new(),
    };
    // The department sends the province's figures: the unit cell holds the province.
    assert_eq!((text(2, 1), text(3, 1)), ("19".to_string(), q.clone()));
    assert_eq!(text(6, 3), "Giá trị");
    let row_of = |code: &str| -> u32 {
        (7..rows.len())
            .find(|&r| text(r, 0) == code)
            .unwrap_or_else(|| panic!("{code} in the template")) as u32
    };
    let (g5, nvkh, dn) = (row_of("HT-5G"), row_of("ST-NVKH"), row_of("ST-DNKHCN"));
    assert!(
        text(g5 as usize, 7).contains("5G"),
        "the definition beside it"
    );
    // Numbers as Excel stores them, and a number typed as Vietnamese text.
    let good = dir.path().join("da-nhap.xlsx");
    filled(
        &rows,
        &[
            (g5, 3, Data::Float(96.5)),
            (nvkh, 3, Data::Float(7.0)),
            (dn, 3, Data::String("1 035".into())),
            (dn, 6, Data::String("Theo Sở Khoa học và Công nghệ".into())),
        ],
        &good,
    );
    let out = ok(db, &["values", "import", good.to_str().unwrap()]);
    assert!(out.contains("Đã nhập 3 dòng"), "{out}");
    let store = db.store().await;
    let all = || async {
        store
            .values(&chitieu_store::ValueFilter {
                indicator: None,
                unit: Some(chitieu_domain::UnitCode::parse("19").unwrap()),
            })
            .await
            .unwrap()
    };
    let stored = |rows: &[chitieu_store::ValueRow], code: &str| {
        rows.iter()
            .find(|v| v.indicator == code && v.period.to_string() == q)
            .cloned()
            .unwrap_or_else(|| panic!("{code} {q} stored"))
    };
    let now = all().await;
    assert_eq!(stored(&now, "HT-5G").value.to_string(), "96.5");
    assert_eq!(stored(&now, "ST-NVKH").value.to_string(), "7");
    assert_eq!(stored(&now, "ST-DNKHCN").value.to_string(), "1035");
    assert_eq!(
        stored(&now, "ST-DNKHCN").comment,
        "Theo Sở Khoa học và Công nghệ"
    );
    // [D] 6: text "0.035" is 0,035, never 35; text "1.500" reads two ways and is refused,
    // naming both.
    let small = dir.path().join("nho.xlsx");
    filled(&rows, &[(g5, 3, Data::String("0.035".into()))], &small);
    ok(db, &["values", "import", small.to_str().unwrap()]);
    assert_eq!(stored(&all().await, "HT-5G").value.to_string(), "0.035");
    let two = dir.path().join("hai-cach.xlsx");
    filled(&rows, &[(nvkh, 3, Data::String("1.500".into()))], &two);
    let err = fails(db, &["values", "import", two.to_str().unwrap()]);
    assert!(
        err.contains("hai cách") && err.contains("1500") && err.contains("1,5"),
        "{err}"
    );
    filled(&rows, &[(g5, 3, Data::Float(96.5))], &small);
    ok(db, &["values", "import", small.to_str().unwrap()]);
    // One bad cell: the whole file is refused, naming the sheet and the cell; nothing changes.
    let bad = dir.path().join("sai.xlsx");
    filled(
        &rows,
        &[
            (g5, 3, Data::Float(12.0)),
            (nvkh, 3, Data::String("bảy".into())),
        ],
        &bad,
    );
    let err = fails(db, &["values", "import", bad.to_str().unwrap()]);
    assert!(
        err.contains("sai.xlsx") && err.contains(&format!("trang \"Số liệu\", ô D{}", nvkh + 1)),
        "{err}"
    );
    assert_eq!(
        stored(&all().await, "HT-5G").value.to_string(),
        "96.5",
        "nothing written"
    );
    // A share above its limit is named by its cell too; a file that is no workbook is refused.
    let over = dir.path().join("vuot.xlsx");
    filled(&rows, &[(g5, 3, Data::Float(250.0))], &over);
    let err = fails(db, &["values", "import", over.to_str().unwrap()]);
    assert!(err.contains(&format!("ô D{}", g5 + 1)), "{err}");
    let junk = dir.path().join("rac.xlsx");
    std::fs::write(&junk, b"PK\x03\x04 not a workbook").unwrap();
    let err = fails(db, &["values", "import", junk.to_str().unwrap()]);
    assert!(err.contains("rac.xlsx") && err.contains("Excel"), "{err}");
    // A ratio is entered as its numerator and denominator: a ward's trained officials.
    let ward = dir.path().join("phuong.xlsx");
    ok(
        db,
        &[
            "values",
            "template",
            "--unit",
            "5443",
            "--form",
            "BC57-XA-QUY",
            "--period",
            &q,
            "-o",
            ward.to_str().unwrap(),
        ],
    );
    let (_, rows) = cells(&ward);
    let cbx = (7..rows.len())
        .find(|&r| matches!(rows[r].first(), Some(Data::String(s)) if s == "NL-CBX"))
        .expect("NL-CBX in the ward's template") as u32;
    let ward_filled = dir.path().join("phuong-da-nhap.xlsx");
    filled(
        &rows,
        &[(cbx, 4, Data::Float(41.0)), (cbx, 5, Data::Float(50.0))],
        &ward_filled,
    );
    ok(db, &["values", "import", ward_filled.to_str().unwrap()]);
    let v = store
        .values(&chitieu_store::ValueFilter {
            indicator: Some("NL-CBX".into()),
            unit: Some(chitieu_domain::UnitCode::parse("5443").unwrap()),
        })
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.period.to_string() == q)
        .expect("stored");
    assert_eq!(
        (
            v.numerator.map(|d| d.to_string()),
            v.denominator.map(|d| d.to_string()),
            v.value.to_string()
        ),
        (Some("41".into()), Some("50".into()), "82".into())
    );
}

async fn a_reporter_downloads_the_template_and_uploads_it_on_the_entry_page(db: &TestDb) {
    ok(db, &["demo"]);
    add_user(db, "bc.xa", "reporter", "5443");
    let (server, base) = serve(db);
    let cookie = session(&base, "bc.xa", PASSWORD);
    let q = open_quarter();
    let dir = tempfile::tempdir().unwrap();
    // The entry page offers the template of the unit and period it shows.
    let (s, page) = get_status(
        &base,
        &format!("/entry?unit=5443&period={q}"),
        Some(&cookie),
    );
    assert_eq!(s, 200);
    let link = format!("/entry/template?unit=5443&amp;period={q}");
    assert!(
        page.contains(&link) && page.contains("id=\"upload-form\""),
        "{page}"
    );
    let mut res = agent()
        .get(&format!("{base}/entry/template?unit=5443&period={q}"))
        .header("cookie", &cookie)
        .call()
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let template = dir.path().join("bieu.xlsx");
    std::fs::write(&template, res.body_mut().read_to_vec().unwrap()).unwrap();
    let (_, rows) = cells(&template);
    let cbx = (7..rows.len())
        .find(|&r| matches!(rows[r].first(), Some(Data::String(s)) if s == "NL-CBX"))
        .expect("NL-CBX in the template") as u32;
    let good = dir.path().join("da-nhap.xlsx");
    filled(
        &rows,
        &[(cbx, 4, Data::Float(45.0)), (cbx, 5, Data::Float(50.0))],
        &good,
    );
    let csrf = page_csrf(&base, "/entry", &cookie);
    let upload = |name: &str, bytes: &[u8]| {
        post_multipart(
            &format!("{base}/entry/upload"),
            Some(&cookie),
            &[("_csrf", &csrf)],
            &[("file", name, bytes)],
        )
    };
    let (s, location, _) = upload("da-nhap.xlsx", &std::fs::read(&good).unwrap());
    assert_eq!(s, 303);
    assert_eq!(location, format!("/entry?unit=5443&period={q}&uploaded=1"));
    let (_, page) = get_status(&base, &location, Some(&cookie));
    assert!(page.contains("id=\"uploaded\""), "{page}");
    let store = db.store().await;
    let numerator = || async {
        crate::support::stored_value(&store, "NL-CBX", "5443", &q)
            .await
            .and_then(|v| v.numerator)
            .map(|d| d.to_string())
    };
    assert_eq!(numerator().await.as_deref(), Some("45"));
    // The same upload takes the CSV format.
    let csv = format!(
        "indicator,unit,period,value,numerator,denominator,comment\nNL-CBX,5443,{q},,46,50,\n"
    );
    let (s, _, body) = upload("so-lieu.csv", csv.as_bytes());
    assert_eq!(s, 303, "{body}");
    assert_eq!(numerator().await.as_deref(), Some("46"));
    // One bad cell: refused, naming the file, the sheet and the cell; nothing written.
    let bad = dir.path().join("sai.xlsx");
    filled(
        &rows,
        &[
            (cbx, 4, Data::String("bốn mươi".into())),
            (cbx, 5, Data::Float(50.0)),
        ],
        &bad,
    );
    let (s, _, body) = upload("sai.xlsx", &std::fs::read(&bad).unwrap());
    assert_eq!(s, 422);
    assert!(
        body.contains("sai.xlsx") && body.contains(&format!("ô E{}", cbx + 1)),
        "{body}"
    );
    assert_eq!(numerator().await.as_deref(), Some("46"));
    // Another ward's figures are out of reach, as on the form; other files are refused.
    let (s, _) = get_status(
        &base,
        &format!("/entry/template?unit=5500&period={q}"),
        Some(&cookie),
    );
    assert_eq!(s, 403);
    let other = csv.replace(",5443,", ",5500,");
    assert_eq!(upload("khac.csv", other.as_bytes()).0, 403);
    let (s, _, body) = upload("ghi-chu.txt", b"hello");
    assert_eq!(s, 422);
    assert!(body.contains(".xlsx"), "{body}");
    // Without a session, the upload is not even read.
    let (s, _, _) = post_multipart(
        &format!("{base}/entry/upload"),
        None,
        &[],
        &[("file", "x.csv", csv.as_bytes())],
    );
    assert!(s == 303 || s == 401, "{s}");
    drop(server);
}

/// The "Tải Excel" button under a table posts what the page shows; the workbook has the
/// figures as numbers. Signed in and with the page's token only.
async fn any_table_a_page_shows_downloads_as_excel(db: &TestDb) {
    ok(db, &["init"]);
    add_user(db, "xem.bang", "viewer", "19");
    let (server, base) = serve(db);
    let cookie = session(&base, "xem.bang", PASSWORD);
    let csrf = page_csrf(&base, "/tasks", &cookie);
    let table = r#"{"title":"Nhiệm vụ","rows":[["Mã","Đơn vị","Tiến độ"],["05443","Phường Phan Đình Phùng","1.234,5"]]}"#;
    let post = |cookie: Option<&str>, fields: &[(&str, &str)]| {
        let mut r = agent().post(&format!("{base}/export/xlsx"));
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        let mut res = r.send_form(fields.iter().copied()).unwrap();
        (
            res.status().as_u16(),
            res.body_mut().read_to_vec().unwrap_or_default(),
        )
    };
    let (s, bytes) = post(Some(&cookie), &[("_csrf", &csrf), ("table", table)]);
    assert_eq!(s, 200);
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    let last = rows.last().unwrap();
    assert_eq!(last[0], Data::String("05443".into()), "a code stays text");
    assert_eq!(last[2], Data::Float(1234.5), "a figure is a number");
    assert_eq!(post(Some(&cookie), &[("table", table)]).0, 403, "the token");
    let (s, _) = post(Some(&cookie), &[("_csrf", &csrf), ("table", "{")]);
    assert_eq!(s, 422);
    let (s, _) = post(None, &[("table", table)]);
    assert!(s == 303 || s == 401, "{s}");
    drop(server);
}
