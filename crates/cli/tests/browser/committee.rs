//! #12 in a real browser: the standing office records a meeting and its conclusion with two
//! items and assigns them; the lead unit's reporter sees them in My work; the head marks one
//! complete; the committee's page shows 1 of 2 done.

use super::*;

async fn set(c: &Client, css: &str, value: &str) {
    let e = c.find(Locator::Css(css)).await.unwrap();
    e.clear().await.unwrap();
    e.send_keys(value).await.unwrap();
}

/// Dates go into `<input type=date>` by script: typing them depends on the browser's locale.
async fn set_date(c: &Client, css: &str, value: &str) {
    c.execute(
        "document.querySelector(arguments[0]).value = arguments[1]",
        vec![css.into(), value.into()],
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_committee_concludes_and_its_items_are_done() {
    let Some(driver) = chromedriver() else { return };
    let db = TestDb::sqlite();
    let passwords = demo(&db);
    let (_server, base) = serve(&db);
    let (_driver, c) = browser(&driver).await;
    let today = chitieu_store::testing::test_clock().today();

    // The standing office records the meeting and its notice.
    sign_in(&c, &base, "thuongtruc", &passwords["thuongtruc"]).await;
    c.goto(&format!("{base}/units/TN.BCD")).await.unwrap();
    // A difficulty raised on a task since the last meeting is recorded as handled, with how.
    let raised = "#raised-table tr[data-task='NV-04'] form.mark-handled";
    set(
        &c,
        &format!("{raised} input[name=note]"),
        "Kết luận tại Thông báo số 25/TB-BCĐ",
    )
    .await;
    click(&c, &format!("{raised} button")).await;
    c.wait()
        .for_element(Locator::Css(
            "#raised-table tr[data-task='NV-04'] td.handled .good",
        ))
        .await
        .expect("marked handled");
    assert_eq!(
        text_at(&c, "#saved").await,
        "Đã ghi nhận việc xử lý khó khăn, kiến nghị."
    );
    c.execute("document.getElementById('raised').scrollIntoView()", vec![])
        .await
        .unwrap();
    shot(&c, "committee-raised.png").await;
    click(&c, "#record-meeting summary").await;
    set_date(&c, "#add-meeting input[name=held_on]", &today.to_string()).await;
    set(&c, "#add-meeting input[name=chair]", "Nguyễn Đức Thành").await;
    set(
        &c,
        "#add-meeting input[name=agenda]",
        "Sơ kết chuyển đổi số",
    )
    .await;
    set(
        &c,
        "#add-meeting input[name=conclusion_number]",
        "25/TB-BCĐ",
    )
    .await;
    set_date(
        &c,
        "#add-meeting input[name=conclusion_date]",
        &today.to_string(),
    )
    .await;
    click(&c, "#add-meeting button").await;
    let row = "tr[data-notice='25/TB-BCĐ']";
    c.wait()
        .for_element(Locator::Css(row))
        .await
        .expect("the meeting is listed");
    assert_eq!(text_at(&c, "#saved").await, "Đã ghi nhận phiên họp.");
    // Two items, assigned from the notice's link: the form comes with the notice filled in.
    let deadline = today + chrono::Days::new(60);
    for (code, title, lead) in [
        ("KL25-1", "Số hóa hồ sơ một cửa của phường", "5443"),
        ("KL25-2", "Hướng dẫn ký số cho cán bộ phường", "5443"),
    ] {
        c.goto(&format!("{base}/units/TN.BCD")).await.unwrap();
        click(&c, &format!("{row} a.assign")).await;
        c.wait()
            .for_element(Locator::Id("task-form"))
            .await
            .unwrap();
        let number = c
            .find(Locator::Css("input[name=source_number]"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap();
        assert_eq!(number.as_deref(), Some("25/TB-BCĐ"));
        set(&c, "input[name=code]", code).await;
        set(&c, "input[name=title]", title).await;
        set(&c, "input[name=lead_unit]", lead).await;
        set_date(&c, "input[name=deadline]", &deadline.to_string()).await;
        click(&c, "#task-form button[type=submit]").await;
        c.wait()
            .for_element(Locator::Id("source"))
            .await
            .expect("the task cites its notice");
    }
    shot(&c, "task-from-conclusion.png").await;
    sign_out(&c).await;

    // The ward's reporter sees both in My work.
    sign_in(&c, &base, "baocao.5443", &passwords["baocao.5443"]).await;
    c.goto(&format!("{base}/my")).await.unwrap();
    let mine = text(&c).await;
    assert!(mine.contains("Số hóa hồ sơ một cửa của phường"), "{mine}");
    assert!(mine.contains("Hướng dẫn ký số cho cán bộ phường"), "{mine}");
    sign_out(&c).await;

    // The ward's head marks one complete.
    sign_in(&c, &base, "chutich.5443", &passwords["chutich.5443"]).await;
    c.goto(&format!("{base}/tasks/KL25-1")).await.unwrap();
    set(&c, "#progress-form input[name=progress]", "100").await;
    click(&c, "#completed").await;
    click(&c, "#progress-form button").await;
    c.wait()
        .for_element(Locator::Css(".badge.s-completed_on_time"))
        .await
        .expect("completed on time");
    sign_out(&c).await;

    // The committee's page: 1 of 2 done.
    sign_in(&c, &base, "lanhdao", &passwords["lanhdao"]).await;
    c.goto(&format!("{base}/units/TN.BCD")).await.unwrap();
    let done = c
        .find(Locator::Css(&format!("{row} b.done")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(done, "1/2");
    // The notice lists its two tasks with their state.
    click(&c, &format!("{row} details.notice-tasks summary")).await;
    let listed = text_at(&c, &format!("{row} details.notice-tasks")).await;
    assert!(
        listed.contains("Số hóa hồ sơ một cửa của phường"),
        "{listed}"
    );
    assert!(listed.contains("Hoàn thành đúng hạn"), "{listed}");
    c.execute(
        "document.getElementById('meetings').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    shot(&c, "committee-meetings.png").await;
    c.close().await.unwrap();
}
