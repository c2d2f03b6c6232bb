//! #33 in a real browser: a reporter whose password was reset signs in with the one-time
//! code, is taken to set a new password, sets it, and signs in with it next time; the
//! administrator disables and enables an account from the administration page.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_is_reset_and_set_anew() {
    let Some(driver) = chromedriver() else { return };
    let db = TestDb::sqlite();
    let passwords = demo(&db);
    let (_server, base) = serve(&db);
    let (_driver, c) = browser(&driver).await;

    // The administrator resets the ward reporter's password from the administration page.
    sign_in(&c, &base, "admin", &passwords["admin"]).await;
    c.goto(&format!("{base}/admin")).await.unwrap();
    click(&c, "#users tr[data-login='baocao.5443'] button.reset").await;
    // Asked first: the current password stops working.
    let asked = c.get_alert_text().await.expect("a confirmation");
    assert!(
        asked.contains("Mật khẩu hiện tại sẽ không dùng được nữa") && asked.contains("baocao.5443"),
        "{asked}"
    );
    c.accept_alert().await.unwrap();
    c.wait()
        .for_element(Locator::Id("reset-code"))
        .await
        .expect("the code is shown once");
    let code = text_at(&c, "#reset-code code").await;
    shot(&c, "admin-reset-code.png").await;
    sign_out(&c).await;

    // The reporter signs in with it and lands on the account page, which asks for a new one.
    sign_in(&c, &base, "baocao.5443", &code).await;
    c.wait()
        .for_element(Locator::Id("must-change"))
        .await
        .expect("taken to set a new password");
    let new = "mot cau dai de nho cua phuong";
    fill(&c, "#password-form input[name=current]", &code).await;
    fill(&c, "#password-form input[name=new]", new).await;
    fill(&c, "#password-form input[name=again]", new).await;
    shot(&c, "account-must-change.png").await;
    click(&c, "#password-form button").await;
    c.wait().for_element(Locator::Id("saved")).await.unwrap();
    assert_eq!(
        text_at(&c, "#saved").await,
        "Đã đổi mật khẩu; các phiên đăng nhập khác của tài khoản đã kết thúc."
    );
    c.goto(&format!("{base}/my")).await.unwrap();
    assert!(text(&c).await.contains("Phường Phan Đình Phùng"));
    sign_out(&c).await;
    sign_in(&c, &base, "baocao.5443", new).await;

    // Changed again from the header's link to the account, with the current one.
    click(&c, "#account-link").await;
    c.wait()
        .for_element(Locator::Id("password-form"))
        .await
        .unwrap();
    let newer = "mot cau khac con dai hon cau truoc";
    fill(&c, "#password-form input[name=current]", new).await;
    fill(&c, "#password-form input[name=new]", newer).await;
    fill(&c, "#password-form input[name=again]", newer).await;
    click(&c, "#password-form button").await;
    c.wait().for_element(Locator::Id("saved")).await.unwrap();
    shot(&c, "account.png").await;
    sign_out(&c).await;
    sign_in(&c, &base, "baocao.5443", newer).await;
    sign_out(&c).await;

    // Disabled by the administrator, then enabled again.
    sign_in(&c, &base, "admin", &passwords["admin"]).await;
    c.goto(&format!("{base}/admin")).await.unwrap();
    // Asked first; declined, nothing happens; then confirmed.
    click(&c, "#users tr[data-login='baocao.5443'] button.disable").await;
    assert!(
        c.get_alert_text()
            .await
            .unwrap()
            .contains("Vô hiệu hóa tài khoản baocao.5443?")
    );
    c.dismiss_alert().await.unwrap();
    assert!(
        text_at(&c, "#users tr[data-login='baocao.5443']")
            .await
            .contains("Đang hoạt động")
    );
    click(&c, "#users tr[data-login='baocao.5443'] button.disable").await;
    c.accept_alert().await.unwrap();
    until_text(&c, "#users tr[data-login='baocao.5443']", "Đã vô hiệu hóa").await;
    // Enabling again takes nothing away: no question asked.
    click(&c, "#users tr[data-login='baocao.5443'] button.enable").await;
    until_text(&c, "#users tr[data-login='baocao.5443']", "Đang hoạt động").await;
    c.close().await.unwrap();
}

/// The code an authenticator app shows for `key` (as the page shows it), `ahead` steps of
/// 30 s from now.
fn app_code(key: &str, ahead: i64) -> String {
    crate::totp::code_at(key, 30 * ahead)
}

/// #33: the standing office, once its role requires two-step sign-in, enrols an
/// authenticator app at its next sign-in and then signs in with the app's code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standing_office_enrols_a_second_factor_and_signs_in_with_it() {
    let Some(driver) = chromedriver() else { return };
    let db = TestDb::sqlite();
    let passwords = demo(&db);
    let out = Command::new(env!("CARGO_BIN_EXE_chitieu"))
        .args([
            "--db",
            &db.url,
            "user",
            "two-factor",
            "--roles",
            "admin,secretariat",
        ])
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(out.status.success());
    let (_server, base) = serve(&db);
    let (_driver, c) = browser(&driver).await;

    sign_in(&c, &base, "thuongtruc", &passwords["thuongtruc"]).await;
    c.goto(&format!("{base}/reports")).await.unwrap();
    c.wait()
        .for_element(Locator::Id("must-enrol"))
        .await
        .expect("taken to enrol first");
    shot(&c, "account-must-enrol.png").await;
    click(&c, "#turn-on").await;
    c.wait().for_element(Locator::Id("qr")).await.unwrap();
    let key = text_at(&c, "#totp-key").await;
    let first = app_code(&key, 0);
    fill(&c, "#code", &first).await;
    shot(&c, "two-factor-enrol.png").await;
    click(&c, "#confirm-enrol").await;
    c.wait()
        .for_element(Locator::Id("recovery-codes"))
        .await
        .expect("recovery codes shown once");
    assert_eq!(
        c.find_all(Locator::Css("#recovery-codes li"))
            .await
            .unwrap()
            .len(),
        10
    );
    shot(&c, "two-factor-recovery-codes.png").await;
    c.goto(&format!("{base}/reports")).await.unwrap();
    assert!(text(&c).await.contains("Báo cáo"), "enrolled: work goes on");
    sign_out(&c).await;

    // The password, then the app's next code.
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(&c, "#login", "thuongtruc").await;
    fill(&c, "#password", &passwords["thuongtruc"]).await;
    click(&c, "#sign-in").await;
    c.wait().for_element(Locator::Id("code")).await.unwrap();
    assert!(text(&c).await.contains("Xác thực hai bước"));
    fill(&c, "#code", &app_code(&key, 1)).await;
    click(&c, "#remember").await;
    shot(&c, "login-code.png").await;
    click(&c, "#confirm-code").await;
    c.wait()
        .for_element(Locator::Css("form[action='/logout']"))
        .await
        .expect("signed in with the code");
    c.goto(&format!("{base}/account")).await.unwrap();
    assert!(
        text_at(&c, "#two-factor-state").await.contains("Đang bật"),
        "the account page says it is on"
    );
    assert!(text_at(&c, "#session-list").await.contains("Phiên này"));
    shot(&c, "account-two-factor.png").await;

    // The standing office administers the plan: it sees the policy and the sign-in log.
    c.goto(&format!("{base}/admin")).await.unwrap();
    c.wait()
        .for_element(Locator::Id("two-factor-policy"))
        .await
        .unwrap();
    assert!(
        text_at(&c, "#users tr[data-login='thuongtruc']")
            .await
            .contains("2 bước")
    );
    click(&c, "#sign-in-log").await;
    c.wait().for_element(Locator::Id("sign-ins")).await.unwrap();
    let log = text_at(&c, "#sign-ins").await;
    assert!(log.contains("Đúng mật khẩu, chờ mã"), "{log}");
    assert!(log.contains("Thành công"), "{log}");
    shot(&c, "admin-sign-ins.png").await;
    c.close().await.unwrap();
}
