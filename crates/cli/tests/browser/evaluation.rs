//! #13 in a real browser: the secretariat opens last year's evaluation from the overview,
//! opens a scorecard, freezes the year, and downloads the table as Excel; the workbook, read
//! back with calamine, holds the score the page shows.

use super::*;
use calamine::{Data, Reader, Xlsx};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretariat_evaluates_freezes_and_downloads_the_year() {
    let Some(driver) = chromedriver() else { return };
    let db = TestDb::sqlite();
    let passwords = demo(&db);
    let (_server, base) = serve(&db);
    let (_driver, c) = browser(&driver).await;
    let year = chrono::Datelike::year(&chitieu_store::testing::test_clock().today()) - 1;

    sign_in(&c, &base, "thuongtruc", &passwords["thuongtruc"]).await;
    click(&c, "#evaluation-link").await;
    c.wait()
        .for_element(Locator::Id("evaluation-filter"))
        .await
        .unwrap();
    // Last year, from the year list.
    c.find(Locator::Css("#evaluation-filter select[name=year]"))
        .await
        .unwrap()
        .select_by_value(&year.to_string())
        .await
        .unwrap();
    click(&c, "#evaluation-filter button").await;
    let row = "#evaluation-table tr[data-unit='TN.SKHCN']";
    c.wait().for_element(Locator::Css(row)).await.unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .contains(&format!("year={year}"))
    );
    let score = c
        .find(Locator::Css(&format!("{row} td:nth-child(6)")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!score.is_empty() && score != "—", "{score}");
    let page = text(&c).await;
    assert!(page.contains("Nghị định 335/2025/NĐ-CP"), "{page}");
    shot(&c, "evaluation.png").await;

    // #32: seventeen communes tie on 100 points for five places: the council decides, and
    // the secretariat records its choice, the date typed day first.
    assert!(
        page.contains("còn 5 suất — chờ Hội đồng thi đua quyết định"),
        "{page}"
    );
    let ties = "#ties .tie[data-group='communes'] form";
    for n in [1, 2] {
        click(
            &c,
            &format!("{ties} li:nth-child({n}) input[type=checkbox]"),
        )
        .await;
    }
    fill(&c, &format!("{ties} input[name=number]"), "07/QĐ-HĐTĐKT").await;
    fill(&c, &format!("{ties} input[name=date]"), "20/01/2026").await;
    click(&c, &format!("{ties} button")).await;
    c.wait().for_element(Locator::Id("done")).await.unwrap();
    let page = text(&c).await;
    assert!(
        page.contains("Hội đồng thi đua đã chọn 2 trong 17 đơn vị đồng điểm"),
        "{page}"
    );
    c.goto(&format!("{base}/evaluation?year={year}#ties"))
        .await
        .unwrap();
    shot(&c, "evaluation-ties.png").await;

    // The department's scorecard: every line links to what it stands on.
    click(&c, &format!("{row} a")).await;
    c.wait()
        .for_element(Locator::Id("scorecard-lines"))
        .await
        .unwrap();
    let card = text(&c).await;
    // In the plan's words, not codes (#32).
    assert!(
        card.contains("Tỷ lệ phủ sóng 5G trên toàn tỉnh, năm 2025: Trên 60 %")
            && card.contains("số liệu mới nhất 87,7 % (quý IV/2025)")
            && card.contains(&score),
        "{card}"
    );
    c.find(Locator::Css(
        "#scorecard-lines a[href='/indicators/HT-5G?unit=19']",
    ))
    .await
    .expect("the 5G line links to the indicator");
    shot(&c, "evaluation-scorecard.png").await;
    c.set_window_size(390, 844).await.unwrap();
    c.refresh().await.unwrap();
    let w: u64 = c
        .execute("return document.documentElement.scrollWidth", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap();
    shot(&c, "evaluation-scorecard-phone.png").await;
    c.set_window_size(1366, 768).await.unwrap();
    assert!(w <= 390, "the scorecard is {w} px wide on a 390 px screen");

    // Freeze the year.
    c.goto(&format!("{base}/evaluation?year={year}"))
        .await
        .unwrap();
    // Irreversible: the form asks for its confirmation first.
    click(&c, "#freeze-evaluation input[name=confirm]").await;
    click(&c, "#freeze-evaluation button").await;
    c.wait()
        .for_element(Locator::Css("#evaluation-state .s-achieved"))
        .await
        .unwrap();
    let state = text_at(&c, "#evaluation-state").await;
    assert!(
        state.contains("Đã chốt ngày") && state.contains("thuongtruc"),
        "{state}"
    );
    assert!(
        c.find(Locator::Id("freeze-evaluation")).await.is_err(),
        "a year is frozen once"
    );

    // Download the table as Excel with the button's address and the page's own session.
    let href = c
        .find(Locator::Id("evaluation-xlsx"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .expect("the download button has an address");
    let bytes = c
        .execute_async(
            "const [href, done] = arguments; \
             fetch(href).then(r => r.arrayBuffer()).then(b => done(Array.from(new Uint8Array(b))))",
            vec![href.into()],
        )
        .await
        .unwrap();
    let bytes: Vec<u8> = bytes
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap() as u8)
        .collect();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("an Excel workbook");
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    let found = sheet
        .rows()
        .find(|r| r.get(1) == Some(&Data::String("TN.SKHCN".into())))
        .expect("the department's row");
    let Some(Data::Float(x)) = found.get(6) else {
        panic!("the score is a number: {found:?}");
    };
    assert_eq!(chitieu_domain::text::format_f64_vi(*x, 2), score);
    assert!(
        wb.sheet_names().len() >= 2,
        "the lines behind the scores too"
    );
    // Every table also offers CSV and Excel of what it shows.
    let buttons = c.find_all(Locator::Css("button.export")).await.unwrap();
    let mut labels = Vec::new();
    for b in buttons {
        labels.push(b.text().await.unwrap());
    }
    assert!(
        labels.iter().any(|l| l == "Tải Excel") && labels.iter().any(|l| l == "Tải về CSV"),
        "{labels:?}"
    );
}
