//! A report's way up in a browser: the director approves, the standing office returns it
//! with a reason, the reporter corrects and sends again, and the public page changes only
//! at acceptance; then the overview's counters and the indicator page read the new figure.

use super::*;
use std::collections::HashMap;

pub(super) async fn the_report_goes_up_and_the_overview_follows(
    c: &Client,
    base: &str,
    passwords: &HashMap<String, String>,
    quarter: &str,
) {
    let base = base.to_string();
    // The report goes up: the director approves, the standing office returns it with a
    // reason, the reporter sees it, corrects and sends again, the director approves, the
    // standing office accepts. The public page changes only then.
    let row = format!("[id='r-BC57-SO-QUY-TN.SKHCN-{quarter}']");
    let public_5g = |c: Client| {
        let base = base.clone();
        async move {
            c.goto(&format!("{base}/public")).await.unwrap();
            text(&c).await
        }
    };
    let public_before = public_5g(c.clone()).await;
    assert!(
        !public_before.contains("88,8"),
        "a sent report is not official"
    );
    sign_in(c, &base, "giamdoc.skhcn", &passwords["giamdoc.skhcn"]).await;
    // The bell tells the director a report waits for approval.
    let mut told = String::new();
    for _ in 0..20 {
        c.goto(&format!("{base}/notices")).await.unwrap();
        told = text(c).await;
        if told.contains("chờ thủ trưởng duyệt") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(told.contains("chờ thủ trưởng duyệt"), "{told}");
    let bell = c
        .find(Locator::Css("#bell"))
        .await
        .unwrap()
        .attr("class")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(bell.contains("unread"), "{bell}");
    shot(c, "notices.png").await;
    // #32: in English the notices are English, but for names (units, quoted task titles).
    c.goto(&format!("{base}/lang/en")).await.unwrap();
    c.goto(&format!("{base}/notices")).await.unwrap();
    let english = text_at(c, "ul.notices").await;
    assert!(english.contains("awaits the head's approval"), "{english}");
    let mut words = english.replace("Sở Khoa học và Công nghệ", "");
    while let Some(a) = words.find('"') {
        let Some(b) = words[a + 1..].find('"') else {
            break;
        };
        words.replace_range(a..a + b + 2, "");
    }
    assert!(
        words.chars().all(|ch| !ch.is_alphabetic() || ch.is_ascii()),
        "Vietnamese outside names: {english}"
    );
    shot(c, "notices-en.png").await;
    c.goto(&format!("{base}/lang/vi")).await.unwrap();
    c.goto(&format!("{base}/reports")).await.unwrap();
    assert!(text(c).await.contains("Báo cáo quý của sở, ngành"));
    shot(c, "reports-head.png").await;
    click(c, &format!("{row} button.act-approve")).await;
    c.wait()
        .for_element(Locator::Css(".flash.good"))
        .await
        .unwrap();
    // #32: each move in its own words.
    let said = text_at(c, "#done").await;
    assert!(said.starts_with("Đã duyệt báo cáo"), "{said}");
    sign_out(c).await;
    sign_in(c, &base, "thuongtruc", &passwords["thuongtruc"]).await;
    c.goto(&format!("{base}/reports")).await.unwrap();
    fill(
        c,
        &format!("{row} input[name=reason]"),
        "Số liệu 5G chưa khớp báo cáo của nhà mạng",
    )
    .await;
    click(c, &format!("{row} button.act-return")).await;
    c.wait()
        .for_element(Locator::Css(".flash.good"))
        .await
        .unwrap();
    sign_out(c).await;
    sign_in(c, &base, "baocao.skhcn", &passwords["baocao.skhcn"]).await;
    // My work says it came back, and why.
    c.goto(&format!("{base}/my")).await.unwrap();
    let mine = c
        .find(Locator::Css(".report-table tr[data-state='returned']"))
        .await
        .expect("the returned report on My work")
        .text()
        .await
        .unwrap();
    assert!(mine.contains("chưa khớp báo cáo của nhà mạng"), "{mine}");
    shot(c, "my-returned.png").await;
    c.goto(&format!("{base}/entry?unit=19&period={quarter}"))
        .await
        .unwrap();
    let reason = text_at(c, ".returned-reason").await;
    assert!(
        reason.contains("chưa khớp báo cáo của nhà mạng"),
        "{reason}"
    );
    shot(c, "entry-returned.png").await;
    let field = c.find(Locator::Id("v-HT-5G")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys("89,1").await.unwrap();
    click(c, "#submit").await;
    c.wait()
        .for_element(Locator::Css(".flash.good"))
        .await
        .unwrap();
    sign_out(c).await;
    sign_in(c, &base, "giamdoc.skhcn", &passwords["giamdoc.skhcn"]).await;
    c.goto(&format!("{base}/reports")).await.unwrap();
    click(c, &format!("{row} button.act-approve")).await;
    c.wait()
        .for_element(Locator::Css(".flash.good"))
        .await
        .unwrap();
    // #32: each move in its own words.
    let said = text_at(c, "#done").await;
    assert!(said.starts_with("Đã duyệt báo cáo"), "{said}");
    sign_out(c).await;
    assert!(
        !public_5g(c.clone()).await.contains("89,1"),
        "approved is not yet official"
    );
    sign_in(c, &base, "thuongtruc", &passwords["thuongtruc"]).await;
    c.goto(&format!("{base}/reports")).await.unwrap();
    shot(c, "reports-secretariat.png").await;
    click(c, "#matrix-link").await;
    c.wait().for_element(Locator::Css("#matrix")).await.unwrap();
    shot(c, "matrix.png").await;
    c.goto(&format!("{base}/reports")).await.unwrap();
    click(c, &format!("{row} button.act-accept")).await;
    c.wait()
        .for_element(Locator::Css(".flash.good"))
        .await
        .unwrap();
    let said = text_at(c, "#done").await;
    assert!(said.starts_with("Đã tiếp nhận báo cáo"), "{said}");
    sign_out(c).await;
    let public_after = public_5g(c.clone()).await;
    assert!(public_after.contains("89,1"), "{public_after}");

    // A viewer sees the new value on the overview and on the indicator page.
    sign_in(c, &base, "lanhdao", &passwords["lanhdao"]).await;
    // #32: the leader opens the report's figures from /reports: read only, never a 403.
    // (#34: the list is paged; the departments' quarterly form is picked in the filter.)
    c.goto(&format!("{base}/reports?form=BC57-SO-QUY"))
        .await
        .unwrap();
    click(c, &format!("{row} td:nth-child(2) a")).await;
    c.wait()
        .for_element(Locator::Id("report-figures"))
        .await
        .expect("the report's figures, read only");
    let figures = text(c).await;
    assert!(
        figures.contains("Tỷ lệ phủ sóng 5G trên toàn tỉnh") && figures.contains("89,1 %"),
        "{figures}"
    );
    assert!(
        c.find(Locator::Id("open-entry")).await.is_err(),
        "a leader enters nothing"
    );
    assert!(c.find(Locator::Css("form[action='/entry']")).await.is_err());
    shot(c, "report-view-leader.png").await;
    c.goto(&format!("{base}/")).await.unwrap();
    let card = text_at(c, "[data-indicator='HT-5G']").await;
    assert_eq!(card, "89,1");
    assert!(
        text(c).await.contains("<script>alert(1)</script>"),
        "overdue tasks list shows the title as text"
    );
    shot(c, "overview.png").await;
    // #32: a missed 2025 target stands with its own year's figure, not beside the latest one,
    // and the card names who answers for it.
    let fiber = text_at(c, "article.card:has([data-indicator='HT-CD1G'])").await;
    assert!(
        fiber.contains("Trên 60 % (2025) — 44,3 % (quý IV/2025)") && fiber.contains("Không đạt"),
        "{fiber}"
    );
    assert!(
        fiber.contains("Sở Khoa học và Công nghệ"),
        "the lead unit: {fiber}"
    );
    // The counters count targets: they add up to the total, which is the number of target
    // lines on the cards, and each counter opens the list of its targets.
    let count_of = |css: &'static str| {
        let c = c.clone();
        async move {
            let mut out = Vec::new();
            for e in c.find_all(Locator::Css(css)).await.unwrap() {
                let n = e
                    .find(Locator::Css("b"))
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                let code = e.attr("data-status").await.unwrap().unwrap_or_default();
                out.push((code, n.parse::<usize>().unwrap()));
            }
            out
        }
    };
    let counters = count_of(".counts a[data-status]").await;
    let total = count_of(".counts a[data-count='total']").await[0].1;
    let lines = c
        .find_all(Locator::Css(".card .targets li"))
        .await
        .unwrap()
        .len();
    assert_eq!(counters.iter().map(|k| k.1).sum::<usize>(), total);
    assert_eq!(total, lines, "one line per target on the cards");
    assert!(
        counters.iter().any(|k| k.0 == "not_achieved"),
        "the demo misses 2025 targets: {counters:?}"
    );
    let (code, n) = counters
        .iter()
        .find(|k| k.0 == "not_achieved")
        .cloned()
        .unwrap();
    let label = text_at(c, ".counts a[data-status='not_achieved']").await;
    assert!(label.ends_with("Không đạt"), "{label}");
    click(c, ".counts a[data-status='not_achieved']").await;
    c.wait()
        .for_element(Locator::Css("#target-list"))
        .await
        .unwrap();
    let listed = c
        .find_all(Locator::Css("#target-list tbody tr"))
        .await
        .unwrap();
    assert_eq!(listed.len(), n, "the list holds the counted targets");
    for tr in listed {
        assert_eq!(tr.attr("data-status").await.unwrap().unwrap(), code);
        assert!(tr.text().await.unwrap().contains("Không đạt"));
    }
    shot(c, "targets-missed.png").await;
    c.goto(&format!("{base}/indicators/HT-5G")).await.unwrap();
    assert!(text(c).await.contains("89,1"));
    shot(c, "indicator.png").await;
}
