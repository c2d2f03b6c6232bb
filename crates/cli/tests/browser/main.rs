//! Browser tests in real headless Chromium, driven through chromedriver with fantoccini.
//! Skipped (and saying so) where no chromedriver is installed, except under `CI=true`.

use chitieu_domain::{Task, UnitCode};
use chitieu_store::testing::TestDb;
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

mod accounts;
mod committee;
mod evaluation;
mod officials;
mod pages;
mod report_chain;
#[path = "../common/totp.rs"]
mod totp;

const FLAGS: [&str; 6] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
];

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chromedriver() -> Option<PathBuf> {
    let p = PathBuf::from("/usr/bin/chromedriver");
    if p.exists() {
        return Some(p);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "CI=true but chromedriver is not installed: .ci/run must install chromium and chromium-driver"
        );
    }
    eprintln!(
        "skipped: browser tests need chromium and chromium-driver (apt-get install chromium chromium-driver)"
    );
    None
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `chitieu demo` and returns the printed passwords by login.
fn demo(db: &TestDb) -> std::collections::HashMap<String, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_chitieu"))
        .args(["--db", &db.url, "demo"])
        .env("CHITIEU_NOW", chitieu_store::testing::TEST_NOW)
        .env("RUST_LOG", "error")
        .output()
        .expect("demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let (left, pw) = l.split_once("mật khẩu: ")?;
            Some((
                left.split_whitespace().next()?.to_string(),
                pw.trim().to_string(),
            ))
        })
        .collect()
}

/// The server, in this process.
fn serve(db: &TestDb) -> (chitieu_web::testing::TestServer, String) {
    let server =
        chitieu_web::testing::TestServer::start_at(&db.url, chitieu_store::testing::test_clock());
    let base = server.base.clone();
    (server, base)
}

async fn browser(driver: &PathBuf) -> (Kill, Client) {
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver");
    let guard = Kill(child);
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({"binary": "/usr/bin/chromium", "args": FLAGS.iter().chain(["--window-size=1366,768"].iter()).collect::<Vec<_>>()}),
    );
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        if let Ok(c) = ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            return (guard, c);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(screenshots().join(name), png).unwrap();
}

async fn sign_in(c: &Client, base: &str, login: &str, password: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "#login", login).await;
    fill(c, "#password", password).await;
    click(c, "#sign-in").await;
    c.wait()
        .for_element(Locator::Css("form[action='/logout']"))
        .await
        .expect("signed in");
}

async fn sign_out(c: &Client) {
    click(c, "form[action='/logout'] button").await;
    c.wait().for_element(Locator::Id("login")).await.unwrap();
}

async fn fill(c: &Client, css: &str, keys: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .send_keys(keys)
        .await
        .unwrap();
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn text(c: &Client) -> String {
    text_at(c, "main").await
}

/// The text of the first element `css` finds (it must be there).
async fn text_at(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Waits (bounded, to fail instead of hang) until the first element `css` finds holds
/// `needle`: a page that replaces itself after a form is sent may still be the old one.
async fn until_text(c: &Client, css: &str, needle: &str) {
    let start = std::time::Instant::now();
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && e.text().await.is_ok_and(|t| t.contains(needle))
        {
            return;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "{css} never held {needle}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The last complete quarter, as the demo fills it.
fn last_quarter() -> String {
    use chitieu_domain::{Period, PeriodKind};
    Period::last_complete(
        PeriodKind::Quarter,
        chitieu_store::testing::test_clock().today(),
    )
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_use_the_application_in_a_browser() {
    let Some(driver) = chromedriver() else { return };
    let db = TestDb::sqlite();
    let passwords = demo(&db);
    // A task whose title is markup must show as text everywhere.
    {
        let store = db.store().await;
        let today = chitieu_store::testing::test_clock().today();
        let t = Task {
            edition: Default::default(),
            code: "NV-XSS".into(),
            title: "<script>alert(1)</script> Nhiệm vụ thử".into(),
            plan: "TN-NQ57".into(),
            year: 2026,
            lead_unit: UnitCode::parse("TN.SKHCN").unwrap(),
            coordinating_units: vec![UnitCode::commune(5443)],
            start: today - chrono::Days::new(30),
            deadline: today - chrono::Days::new(1),
            expected_product: "<b>sản phẩm</b>".into(),
            indicators: vec![],
            completed_on: None,
            updates: vec![],
            source: Default::default(),
            cancelled: None,
            product_defect: None,
            funding: None,
        };
        store.upsert_task(&t, "test").await.unwrap();
        // [D] 8: a title that Excel would run as a formula.
        let formula = Task {
            code: "NV-CSV".into(),
            title: "=HYPERLINK(\"http://x\",\"y\")".into(),
            expected_product: "Sản phẩm".into(),
            ..t
        };
        store.upsert_task(&formula, "test").await.unwrap();
        // #32: a task that starts next month still takes progress reports.
        let later = Task {
            code: "NV-SAU".into(),
            title: "Chuẩn bị triển khai nền tảng dữ liệu dùng chung".into(),
            expected_product: "Kế hoạch triển khai".into(),
            start: today + chrono::Days::new(30),
            deadline: today + chrono::Days::new(120),
            year: 2027,
            ..formula
        };
        store.upsert_task(&later, "test").await.unwrap();
    }
    let (_server, base) = serve(&db);
    let (_driver, c) = browser(&driver).await;
    let quarter = last_quarter();

    // A reporter of the Department of Science and Technology enters the province's 5G
    // coverage for the last quarter and saves it.
    sign_in(&c, &base, "baocao.skhcn", &passwords["baocao.skhcn"]).await;
    c.goto(&format!("{base}/entry?unit=19&period={quarter}"))
        .await
        .unwrap();
    shot(&c, "entry-form.png").await;
    // A wrong figure is refused inline and nothing is saved.
    let field = c.find(Locator::Id("v-HT-5G")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys("120").await.unwrap();
    click(&c, "#save-draft").await;
    let msg = c
        .wait()
        .for_element(Locator::Css(".error-msg"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(msg.contains("giới hạn"), "{msg}");
    // The right figure, and the report is sent: its figures are locked until it comes back.
    let field = c.find(Locator::Id("v-HT-5G")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys("88,8").await.unwrap();
    click(&c, "#submit").await;
    c.wait()
        .for_element(Locator::Css(".flash.good"))
        .await
        .expect("saved");
    // #32: the page says the report was sent, not that it was accepted.
    let said = text_at(&c, "#saved").await;
    assert!(said.starts_with("Đã gửi báo cáo"), "{said}");
    assert!(
        !said.contains("Đã tiếp nhận") && !said.contains("Đã lưu số liệu"),
        "{said}"
    );
    let state = c
        .find(Locator::Css("#report-BC57-SO-QUY"))
        .await
        .unwrap()
        .attr("data-state")
        .await
        .unwrap();
    assert_eq!(state.as_deref(), Some("submitted"));
    assert!(
        c.find(Locator::Id("v-HT-5G"))
            .await
            .unwrap()
            .attr("disabled")
            .await
            .unwrap()
            .is_some()
    );
    shot(&c, "entry-submitted.png").await;
    // A POST without the CSRF token is refused, even with a valid session.
    let status = c
        .execute(
            "const f = new FormData(); f.append('unit', '19'); f.append('period', '2026Q1'); f.append('v.HT-5G', '1'); \
             return fetch('/entry', {method: 'POST', body: f}).then(r => r.status)",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(status.as_u64(), Some(403));
    // Progress on a task, with a PDF as evidence; a program disguised as a PDF is refused.
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("bien-ban-nghiem-thu.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n% chitieu test\n").unwrap();
    c.goto(&format!("{base}/tasks/NV-05")).await.unwrap();
    fill(&c, "#progress-form input[name=progress]", "70").await;
    fill(&c, "#progress-form input[name=note]", "Đã thẩm định hồ sơ").await;
    fill(&c, "#progress-form input[type=file]", pdf.to_str().unwrap()).await;
    click(&c, "#progress-form button").await;
    c.wait()
        .for_element(Locator::LinkText("bien-ban-nghiem-thu.pdf"))
        .await
        .expect("evidence listed");
    assert!(text(&c).await.contains("70% — Đã thẩm định hồ sơ"));
    shot(&c, "task.png").await;
    c.goto(&format!("{base}/units/19")).await.unwrap();
    shot(&c, "unit.png").await;
    c.goto(&format!("{base}/tasks/NV-05")).await.unwrap();
    let fake = dir.path().join("virus.pdf");
    std::fs::write(&fake, b"MZ\x90\x00 not a pdf").unwrap();
    fill(&c, "#progress-form input[name=progress]", "80").await;
    fill(
        &c,
        "#progress-form input[type=file]",
        fake.to_str().unwrap(),
    )
    .await;
    click(&c, "#progress-form button").await;
    // Wait for the error page itself: the task page has an h1 too.
    let h1 = c
        .wait()
        .for_element(Locator::Css("section.error h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, "422");
    assert!(text(&c).await.contains("virus.pdf"));
    // The markup title is text on the task list and the task page. (#34: the list is paged;
    // the year picked in the filter keeps it to one page.)
    c.goto(&format!("{base}/tasks?year=2026")).await.unwrap();
    assert!(
        text(&c)
            .await
            .contains("<script>alert(1)</script> Nhiệm vụ thử")
    );
    // The page's CSV download starts the formula-like cell with an apostrophe: Excel shows
    // it and never runs it.
    let csv = c
        .execute(
            "var t = Array.from(document.querySelectorAll('table')).find(function (t) { return t.innerText.indexOf('HYPERLINK') >= 0; }); \
             return t ? window.chitieuCsv(t) : '';",
            vec![],
        )
        .await
        .unwrap();
    let csv = csv.as_str().unwrap_or_default();
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
        "{csv}"
    );
    c.goto(&format!("{base}/tasks/NV-XSS")).await.unwrap();
    assert!(text(&c).await.contains("<b>sản phẩm</b>"));
    c.goto(&format!("{base}/units/TN.SKHCN")).await.unwrap();
    assert!(text(&c).await.contains("<script>alert(1)</script>"));
    c.goto(&format!("{base}/my")).await.unwrap();
    assert!(text(&c).await.contains("<script>alert(1)</script>"));
    sign_out(&c).await;

    report_chain::the_report_goes_up_and_the_overview_follows(&c, &base, &passwords, &quarter)
        .await;
    pages::the_pages_hold_for_every_role(&db, &c, &base, &passwords, &quarter).await;
    c.close().await.unwrap();
}

/// #34: a first visit to the sign-in page, with nothing cached, transfers under 100 KB
/// (page, styles, scripts and fonts, as the browser counts them): no chart library there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_page_is_light_on_a_cold_visit() {
    let Some(driver) = chromedriver() else { return };
    let db = TestDb::sqlite();
    demo(&db);
    let (_server, base) = serve(&db);
    let (_driver, c) = browser(&driver).await;
    c.goto(&format!("{base}/login")).await.unwrap();
    let sizes = c
        .execute(
            "const n = performance.getEntriesByType('navigation')[0];
             const r = performance.getEntriesByType('resource');
             return [n.transferSize].concat(r.map(x => x.transferSize));",
            vec![],
        )
        .await
        .unwrap();
    let sizes: Vec<u64> = serde_json::from_value(sizes).unwrap();
    let total: u64 = sizes.iter().sum();
    assert!(sizes[0] > 500, "the browser counted the page: {sizes:?}");
    eprintln!("the sign-in page, cold: {total} bytes ({sizes:?})");
    assert!(total < 100_000, "{total} bytes: {sizes:?}");
    shot(&c, "sign-in-cold.png").await;
}
