//! Browser tests in real headless Chromium, driven through chromedriver with fantoccini.
//! Skipped (and saying so) where no chromedriver is installed, except under `CI=true`.

use chitieu_domain::{Task, UnitCode};
use chitieu_store::testing::TestDb;
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

mod committee;
mod evaluation;
mod officials;

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
    let server = chitieu_web::testing::TestServer::start(&db.url);
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
    c.find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The last complete quarter, as the demo fills it.
fn last_quarter() -> String {
    use chitieu_domain::{Period, PeriodKind};
    Period::last_complete(PeriodKind::Quarter, chitieu_domain::Clock::system().today()).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_use_the_application_in_a_browser() {
    let Some(driver) = chromedriver() else { return };
    let db = TestDb::sqlite();
    let passwords = demo(&db);
    // A task whose title is markup must show as text everywhere.
    {
        let store = db.store().await;
        let today = chitieu_domain::Clock::system().today();
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
    // The markup title is text on the task list and the task page.
    c.goto(&format!("{base}/tasks")).await.unwrap();
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
    sign_in(&c, &base, "giamdoc.skhcn", &passwords["giamdoc.skhcn"]).await;
    // The bell tells the director a report waits for approval.
    let mut told = String::new();
    for _ in 0..20 {
        c.goto(&format!("{base}/notices")).await.unwrap();
        told = text(&c).await;
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
    shot(&c, "notices.png").await;
    c.goto(&format!("{base}/reports")).await.unwrap();
    assert!(text(&c).await.contains("Báo cáo quý của sở, ngành"));
    shot(&c, "reports-head.png").await;
    click(&c, &format!("{row} button.act-approve")).await;
    c.wait()
        .for_element(Locator::Css(".flash.good"))
        .await
        .unwrap();
    sign_out(&c).await;
    sign_in(&c, &base, "thuongtruc", &passwords["thuongtruc"]).await;
    c.goto(&format!("{base}/reports")).await.unwrap();
    fill(
        &c,
        &format!("{row} input[name=reason]"),
        "Số liệu 5G chưa khớp báo cáo của nhà mạng",
    )
    .await;
    click(&c, &format!("{row} button.act-return")).await;
    c.wait()
        .for_element(Locator::Css(".flash.good"))
        .await
        .unwrap();
    sign_out(&c).await;
    sign_in(&c, &base, "baocao.skhcn", &passwords["baocao.skhcn"]).await;
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
    shot(&c, "my-returned.png").await;
    c.goto(&format!("{base}/entry?unit=19&period={quarter}"))
        .await
        .unwrap();
    let reason = c
        .find(Locator::Css(".returned-reason"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        reason.contains("chưa khớp báo cáo của nhà mạng"),
        "{reason}"
    );
    shot(&c, "entry-returned.png").await;
    let field = c.find(Locator::Id("v-HT-5G")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys("89,1").await.unwrap();
    click(&c, "#submit").await;
    c.wait()
        .for_element(Locator::Css(".flash.good"))
        .await
        .unwrap();
    sign_out(&c).await;
    sign_in(&c, &base, "giamdoc.skhcn", &passwords["giamdoc.skhcn"]).await;
    c.goto(&format!("{base}/reports")).await.unwrap();
    click(&c, &format!("{row} button.act-approve")).await;
    c.wait()
        .for_element(Locator::Css(".flash.good"))
        .await
        .unwrap();
    sign_out(&c).await;
    assert!(
        !public_5g(c.clone()).await.contains("89,1"),
        "approved is not yet official"
    );
    sign_in(&c, &base, "thuongtruc", &passwords["thuongtruc"]).await;
    c.goto(&format!("{base}/reports")).await.unwrap();
    shot(&c, "reports-secretariat.png").await;
    click(&c, "#matrix-link").await;
    c.wait().for_element(Locator::Css("#matrix")).await.unwrap();
    shot(&c, "matrix.png").await;
    c.goto(&format!("{base}/reports")).await.unwrap();
    click(&c, &format!("{row} button.act-accept")).await;
    c.wait()
        .for_element(Locator::Css(".flash.good"))
        .await
        .unwrap();
    sign_out(&c).await;
    let public_after = public_5g(c.clone()).await;
    assert!(public_after.contains("89,1"), "{public_after}");

    // A viewer sees the new value on the overview and on the indicator page.
    sign_in(&c, &base, "lanhdao", &passwords["lanhdao"]).await;
    c.goto(&format!("{base}/")).await.unwrap();
    let card = c
        .find(Locator::Css("[data-indicator='HT-5G']"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(card, "89,1");
    assert!(
        text(&c).await.contains("<script>alert(1)</script>"),
        "overdue tasks list shows the title as text"
    );
    shot(&c, "overview.png").await;
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
    let label = c
        .find(Locator::Css(".counts a[data-status='not_achieved']"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(label.ends_with("Không đạt"), "{label}");
    click(&c, ".counts a[data-status='not_achieved']").await;
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
    shot(&c, "targets-missed.png").await;
    c.goto(&format!("{base}/indicators/HT-5G")).await.unwrap();
    assert!(text(&c).await.contains("89,1"));
    shot(&c, "indicator.png").await;
    // The language switch.
    c.goto(&format!("{base}/")).await.unwrap();
    click(&c, "#lang-switch").await;
    c.wait()
        .for_element(Locator::Css("html[lang='en']"))
        .await
        .unwrap();
    assert!(text(&c).await.contains("Achieved") || text(&c).await.contains("On track"));
    assert_eq!(
        c.find(Locator::Css("[data-indicator='HT-5G']"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "89.1"
    );
    click(&c, "#lang-switch").await;
    c.wait()
        .for_element(Locator::Css("html[lang='vi']"))
        .await
        .unwrap();
    // Phone width.
    c.set_window_size(390, 844).await.unwrap();
    shot(&c, "overview-phone.png").await;
    c.goto(&format!("{base}/targets?status=not_achieved"))
        .await
        .unwrap();
    shot(&c, "targets-missed-phone.png").await;
    c.goto(&format!("{base}/reports")).await.unwrap();
    shot(&c, "reports-phone.png").await;
    c.goto(&format!("{base}/my")).await.unwrap();
    shot(&c, "my-phone.png").await;
    c.set_window_size(1366, 768).await.unwrap();
    // Anyone sees the province's verdicts on the public page.
    c.goto(&format!("{base}/public")).await.unwrap();
    assert!(text(&c).await.contains("Không đạt"));
    shot(&c, "public.png").await;
    sign_out(&c).await;

    // A reporter of one ward who opens another ward's entry form gets the 403 page.
    sign_in(&c, &base, "baocao.5443", &passwords["baocao.5443"]).await;
    c.goto(&format!("{base}/entry?unit=5500&period={quarter}"))
        .await
        .unwrap();
    let h1 = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, "403");
    assert!(text(&c).await.contains("không có quyền"));
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
    click(&c, "#save-draft").await;
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
        text(&c)
            .await
            .contains("Chưa lưu: có số liệu vừa được người khác thay đổi")
    );
    shot(&c, "entry-conflict.png").await;
    c.set_window_size(390, 844).await.unwrap();
    shot(&c, "entry-conflict-phone.png").await;
    c.set_window_size(1366, 768).await.unwrap();
    click(&c, "#keep-mine-NL-CBX").await;
    click(&c, "#save-draft").await;
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
    assert!(text(&c).await.contains("Đã tiếp nhận: số liệu đã khóa."));
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
    shot(&c, "entry-locked.png").await;
    // A ward's reporter reports progress but cannot declare a task completed.
    c.goto(&format!("{base}/tasks/NV-10")).await.unwrap();
    assert!(c.find(Locator::Id("progress-form")).await.is_ok());
    assert!(c.find(Locator::Id("completed")).await.is_err());
    sign_out(&c).await;

    // The head of the lead unit declares NV-05 completed, dated today.
    sign_in(&c, &base, "giamdoc.skhcn", &passwords["giamdoc.skhcn"]).await;
    c.goto(&format!("{base}/tasks/NV-05")).await.unwrap();
    shot(&c, "task-head.png").await;
    fill(&c, "#progress-form input[name=progress]", "100").await;
    click(&c, "#completed").await;
    click(&c, "#progress-form button").await;
    c.wait()
        .for_element(Locator::Css(".badge.s-completed_on_time"))
        .await
        .expect("completed on time");
    sign_out(&c).await;

    // The administrator's page: accounts, heads, targets, units and tokens.
    sign_in(&c, &base, "admin", &passwords["admin"]).await;
    c.goto(&format!("{base}/admin")).await.unwrap();
    assert!(c.find(Locator::Id("add-token")).await.is_ok());
    shot(&c, "admin.png").await;
    c.execute("document.getElementById('forms').scrollIntoView()", vec![])
        .await
        .unwrap();
    shot(&c, "admin-forms.png").await;
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
    assert!(text(&c).await.contains("POST /api/v1/values"));
    shot(&c, "api-docs.png").await;
    c.close().await.unwrap();
}
