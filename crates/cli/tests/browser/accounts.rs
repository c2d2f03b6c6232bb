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
    click(&c, "#users tr[data-login='baocao.5443'] button.disable").await;
    c.wait().for_element(Locator::Id("saved")).await.unwrap();
    assert!(
        text_at(&c, "#users tr[data-login='baocao.5443']")
            .await
            .contains("Đã vô hiệu hóa")
    );
    click(&c, "#users tr[data-login='baocao.5443'] button.enable").await;
    c.wait().for_element(Locator::Id("saved")).await.unwrap();
    assert!(
        text_at(&c, "#users tr[data-login='baocao.5443']")
            .await
            .contains("Đang hoạt động")
    );
    c.close().await.unwrap();
}
