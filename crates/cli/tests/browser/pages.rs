//! The pages as each role meets them in a browser: the language switch, a phone-width
//! screen, the public page, another ward's form refused, two writers on one figure, locked
//! quarters, task completion by its head, the administrator's page, the task list's
//! filters and the API viewer.

use super::*;
use std::collections::HashMap;

pub(super) async fn the_pages_hold_for_every_role(
    db: &TestDb,
    c: &Client,
    base: &str,
    passwords: &HashMap<String, String>,
    quarter: &str,
) {
    let base = base.to_string();
    // The language switch.
    c.goto(&format!("{base}/")).await.unwrap();
    click(c, "#lang-switch").await;
    c.wait()
        .for_element(Locator::Css("html[lang='en']"))
        .await
        .unwrap();
    assert!(text(c).await.contains("Achieved") || text(c).await.contains("On track"));
    assert_eq!(text_at(c, "[data-indicator='HT-5G']").await, "89.1");
    click(c, "#lang-switch").await;
    c.wait()
        .for_element(Locator::Css("html[lang='vi']"))
        .await
        .unwrap();
    // Phone width.
    c.set_window_size(390, 844).await.unwrap();
    shot(c, "overview-phone.png").await;
    c.goto(&format!("{base}/targets?status=not_achieved"))
        .await
        .unwrap();
    shot(c, "targets-missed-phone.png").await;
    c.goto(&format!("{base}/reports")).await.unwrap();
    shot(c, "reports-phone.png").await;
    c.goto(&format!("{base}/my")).await.unwrap();
    shot(c, "my-phone.png").await;
    c.set_window_size(1366, 768).await.unwrap();
    // Anyone sees the province's verdicts on the public page.
    c.goto(&format!("{base}/public")).await.unwrap();
    assert!(text(c).await.contains("Không đạt"));
    shot(c, "public.png").await;
    sign_out(c).await;

    // A reporter of one ward who opens another ward's entry form gets the 403 page.
    sign_in(c, &base, "baocao.5443", &passwords["baocao.5443"]).await;
    c.goto(&format!("{base}/entry?unit=5500&period={quarter}"))
        .await
        .unwrap();
    let h1 = text_at(c, "h1").await;
    assert_eq!(h1, "403");
    assert!(text(c).await.contains("không có quyền"));
    c.goto(&format!("{base}/entry?unit=5443&period={quarter}"))
        .await
        .unwrap();
    assert!(
        c.find(Locator::Id("n-NL-CBX")).await.is_ok(),
        "its own ward's form has numerator and denominator"
    );
    // While the form is open, a colleague saves the same value. The save shows both
    // figures and asks which to keep; nothing is overwritten silently.
    let field = c.find(Locator::Id("n-NL-CBX")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys("36").await.unwrap();
    {
        use chitieu_domain::Decimal;
        let store = db.store().await;
        store
            .upsert_values(
                &[chitieu_store::NewValue::new(
                    chitieu_domain::value::CheckedValue {
                        indicator: "NL-CBX".into(),
                        unit: UnitCode::commune(5443),
                        period: quarter.parse().unwrap(),
                        value: Decimal::from(34) / Decimal::from(39) * Decimal::ONE_HUNDRED,
                        numerator: Some(Decimal::from(34)),
                        denominator: Some(Decimal::from(39)),
                        comment: String::new(),
                    },
                    None,
                )],
                chitieu_domain::ValueState::Draft,
                "dong.nghiep",
                "test",
                |_| {},
            )
            .await
            .unwrap();
    }
    click(c, "#save-draft").await;
    let notice = c
        .wait()
        .for_element(Locator::Css("#f-NL-CBX .conflict"))
        .await
        .expect("the conflict is shown on the field")
        .text()
        .await
        .unwrap();
    assert!(
        notice.contains("dong.nghiep đã sửa giá trị thành 34/39"),
        "{notice}"
    );
    assert!(
        text(c)
            .await
            .contains("Chưa lưu: có số liệu vừa được người khác thay đổi")
    );
    shot(c, "entry-conflict.png").await;
    c.set_window_size(390, 844).await.unwrap();
    shot(c, "entry-conflict-phone.png").await;
    c.set_window_size(1366, 768).await.unwrap();
    click(c, "#keep-mine-NL-CBX").await;
    click(c, "#save-draft").await;
    c.wait()
        .for_element(Locator::Css(".flash.good"))
        .await
        .expect("saved after choosing");
    let kept = c
        .find(Locator::Id("n-NL-CBX"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("36"));
    // An accepted quarter shows locked, its figures read-only.
    c.goto(&format!("{base}/entry?unit=5443&period=2025Q4"))
        .await
        .unwrap();
    assert!(text(c).await.contains("Đã tiếp nhận: số liệu đã khóa."));
    assert_eq!(
        c.find(Locator::Id("n-NL-CBX"))
            .await
            .unwrap()
            .attr("disabled")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    shot(c, "entry-locked.png").await;
    // A ward's reporter reports progress but cannot declare a task completed.
    c.goto(&format!("{base}/tasks/NV-10")).await.unwrap();
    assert!(c.find(Locator::Id("progress-form")).await.is_ok());
    assert!(c.find(Locator::Id("completed")).await.is_err());
    sign_out(c).await;

    // The head of the lead unit declares NV-05 completed, dated today.
    sign_in(c, &base, "giamdoc.skhcn", &passwords["giamdoc.skhcn"]).await;
    c.goto(&format!("{base}/tasks/NV-05")).await.unwrap();
    shot(c, "task-head.png").await;
    fill(c, "#progress-form input[name=progress]", "100").await;
    click(c, "#completed").await;
    click(c, "#progress-form button").await;
    c.wait()
        .for_element(Locator::Css(".badge.s-completed_on_time"))
        .await
        .expect("completed on time");
    // #32: progress on a task that starts next month is saved (the hidden completion date
    // once had a minimum after its maximum, and the browser refused the form).
    c.goto(&format!("{base}/tasks/NV-SAU")).await.unwrap();
    fill(c, "#progress-form input[name=progress]", "10").await;
    fill(
        c,
        "#progress-form input[name=note]",
        "Đã xây dựng dự thảo kế hoạch",
    )
    .await;
    click(c, "#progress-form button").await;
    c.wait()
        .for_element(Locator::Css("ul.updates li"))
        .await
        .expect("progress saved");
    let said = text_at(c, "#saved").await;
    assert_eq!(said, "Đã ghi nhận báo cáo tiến độ nhiệm vụ.");
    let page = text(c).await;
    assert!(page.contains("Đã xây dựng dự thảo kế hoạch"), "{page}");
    assert!(
        c.find(Locator::Id("completed")).await.is_err(),
        "not begun: nothing to complete"
    );
    sign_out(c).await;

    // The administrator's page: accounts, heads, targets, units and tokens.
    sign_in(c, &base, "admin", &passwords["admin"]).await;
    c.goto(&format!("{base}/admin")).await.unwrap();
    assert!(c.find(Locator::Id("add-token")).await.is_ok());
    // The units to pick from come after the page, from their own address.
    let mut offered = 0;
    for _ in 0..100 {
        offered = c
            .execute(
                "return document.querySelectorAll('#unit-choices option[value=\"5443\"]').length",
                vec![],
            )
            .await
            .unwrap()
            .as_u64()
            .unwrap_or(0);
        if offered > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(offered, 1, "the ward is offered in the unit list");
    shot(c, "admin.png").await;
    c.execute("document.getElementById('forms').scrollIntoView()", vec![])
        .await
        .unwrap();
    shot(c, "admin-forms.png").await;
    // Delivery to the centre, from the administration page.
    click(c, "#upstream-link").await;
    assert!(c.find(Locator::Id("set-upstream")).await.is_ok());
    shot(c, "admin-upstream.png").await;
    // Filtering the task list swaps the list in place (htmx), and the address follows.
    c.goto(&format!("{base}/tasks")).await.unwrap();
    c.find(Locator::Css("select[name=status]"))
        .await
        .unwrap()
        .select_by_value("overdue")
        .await
        .unwrap();
    let mut followed = false;
    for _ in 0..50 {
        if c.current_url()
            .await
            .unwrap()
            .as_str()
            .contains("status=overdue")
        {
            followed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(followed, "the address follows the filter");
    let badges = c.find_all(Locator::Css("#task-list .badge")).await.unwrap();
    assert!(!badges.is_empty());
    for b in badges {
        assert_eq!(
            b.attr("class").await.unwrap().as_deref(),
            Some("badge s-overdue")
        );
    }
    assert!(
        c.find(Locator::Css("main h1")).await.is_ok(),
        "the page is still whole"
    );
    // The API's viewer renders the document, offline.
    c.goto(&format!("{base}/api/docs")).await.unwrap();
    c.wait()
        .for_element(Locator::Css("#ops section.card"))
        .await
        .expect("the viewer lists the routes");
    let cards = c.find_all(Locator::Css("#ops section.card")).await.unwrap();
    assert!(cards.len() >= 20, "{} routes shown", cards.len());
    assert!(text(c).await.contains("POST /api/v1/values"));
    shot(c, "api-docs.png").await;
}
