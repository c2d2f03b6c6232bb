//! The officials' experience (#11) in a real browser: the units directory, a mistyped
//! period, every page at phone width without sideways scrolling, and English without
//! Vietnamese outside content the plan gives only in Vietnamese.

use super::*;

/// Pages a signed-in official opens, by name for the screenshots.
const PAGES: [(&str, &str); 13] = [
    ("overview", "/"),
    ("indicator", "/indicators/HT-5G"),
    ("indicator-communes", "/indicators/NL-CBX"),
    ("unit", "/units/TN.SKHCN"),
    ("province", "/units/19"),
    ("committee", "/units/TN.BCD"),
    ("programme", "/programmes?unit=TN.SKHCN"),
    ("units", "/units"),
    ("tasks", "/tasks"),
    ("task", "/tasks/NV-05"),
    ("reports", "/reports"),
    ("targets", "/targets"),
    ("public", "/public"),
];

/// A page at 1366 and at 390 px, screenshot at both; on the phone it must not scroll
/// sideways.
async fn both_widths(c: &Client, base: &str, name: &str, path: &str) {
    c.set_window_size(1366, 768).await.unwrap();
    c.goto(&format!("{base}{path}")).await.unwrap();
    shot(c, &format!("{name}.png")).await;
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&format!("{base}{path}")).await.unwrap();
    let w = page_width(c).await;
    shot(c, &format!("{name}-phone.png")).await;
    c.set_window_size(1366, 768).await.unwrap();
    assert!(w <= 390, "{path} is {w} px wide on a 390 px screen");
}

/// How wide the page is, as the browser lays it out.
async fn page_width(c: &Client) -> u64 {
    c.execute("return document.documentElement.scrollWidth", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap()
}

/// The page's visible text outside elements marked `lang="vi"` (names of units and people,
/// task titles: content that has no English wording).
async fn text_outside_vi(c: &Client) -> String {
    c.execute(
        "const b = document.body.cloneNode(true); \
         b.querySelectorAll('[lang=vi], script, style').forEach(e => e.remove()); \
         return b.innerText",
        vec![],
    )
    .await
    .unwrap()
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// Letters only Vietnamese uses: any of them in an English page is a leak.
fn vietnamese_letters(s: &str) -> Vec<char> {
    const VI: &str = "àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ";
    s.chars()
        .filter(|c| c.to_lowercase().any(|l| VI.contains(l)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officials_find_their_way_on_a_phone_and_in_english() {
    let Some(driver) = chromedriver() else { return };
    let db = TestDb::sqlite();
    let passwords = demo(&db);
    let (_server, base) = serve(&db);
    let (_driver, c) = browser(&driver).await;

    // Each demo account's navigation holds only what it may open, and each link opens.
    for (login, role) in [
        ("admin", "admin"),
        ("thuongtruc", "secretariat"),
        ("lanhdao", "viewer"),
        ("giamdoc.skhcn", "head"),
        ("baocao.skhcn", "reporter"),
        ("chutich.5443", "head"),
        ("baocao.5443", "reporter"),
    ] {
        sign_in(&c, &base, login, &passwords[login]).await;
        let mut links = Vec::new();
        for a in c.find_all(Locator::Css("header nav a")).await.unwrap() {
            links.push(a.attr("href").await.unwrap().unwrap_or_default());
        }
        assert_eq!(
            links.contains(&"/entry".to_string()),
            role != "viewer",
            "{login}: {links:?}"
        );
        assert_eq!(
            links.contains(&"/admin".to_string()),
            matches!(role, "admin" | "secretariat"),
            "{login}: {links:?}"
        );
        for link in &links {
            c.goto(&format!("{base}{link}")).await.unwrap();
            let h1 = text_at(&c, "main h1").await;
            assert!(
                !["403", "404", "422", "500"].contains(&h1.as_str()),
                "{login} ({role}) follows {link}: {h1}"
            );
            assert!(
                c.find(Locator::Css("form[action='/logout']")).await.is_ok(),
                "{login} stays signed in on {link}"
            );
        }
        sign_out(&c).await;
    }

    // A leader looks for a ward by part of its name typed without marks.
    sign_in(&c, &base, "lanhdao", &passwords["lanhdao"]).await;
    c.goto(&format!("{base}/units")).await.unwrap();
    fill(&c, "#unit-q", "tich luong").await;
    click(&c, "form[role=search] button").await;
    c.wait().for_element(Locator::Id("found")).await.unwrap();
    let found = c
        .find_all(Locator::Css("table.directory tbody a"))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].text().await.unwrap(), "Phường Tích Lương");
    shot(&c, "units-search.png").await;
    found[0].click().await.unwrap();
    c.wait()
        .for_element(Locator::XPath("//h1[text()='Phường Tích Lương']"))
        .await
        .expect("the ward's page");

    // Columns sort from the keyboard, and say which way.
    c.goto(&format!("{base}/tasks")).await.unwrap();
    let first_title = |c: Client| async move { text_at(&c, "#task-list tbody tr td a").await };
    let deadline = c
        .find(Locator::XPath("//div[@id='task-list']//th[text()='Hạn']"))
        .await
        .expect("a deadline column");
    deadline.send_keys("\u{E007}").await.unwrap();
    assert_eq!(
        deadline.attr("aria-sort").await.unwrap().as_deref(),
        Some("ascending")
    );
    let earliest = first_title(c.clone()).await;
    deadline.send_keys("\u{E007}").await.unwrap();
    assert_eq!(
        deadline.attr("aria-sort").await.unwrap().as_deref(),
        Some("descending")
    );
    assert_ne!(first_title(c.clone()).await, earliest, "the order turned");
    // A table comes with its download.
    assert!(c.find(Locator::Css("button.export")).await.is_ok());

    // Every page at both widths; none scrolls sideways on a phone.
    for (name, path) in PAGES {
        both_widths(&c, &base, name, path).await;
    }

    // The communes' bars: every name readable, highest first.
    c.set_window_size(1366, 768).await.unwrap();
    c.goto(&format!("{base}/indicators/NL-CBX")).await.unwrap();
    c.execute(
        "document.querySelector('.chart.bars').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    shot(&c, "indicator-bars.png").await;

    // On paper (A4 portrait): no navigation, and the overview's cards not split.
    c.set_window_size(1366, 768).await.unwrap();
    for (name, path) in [("overview", "/"), ("indicator", "/indicators/HT-5G")] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        let pdf = c
            .print(fantoccini::wd::PrintConfiguration::default())
            .await
            .expect("print");
        assert!(pdf.starts_with(b"%PDF"), "{name}");
        std::fs::write(screenshots().join(format!("{name}-print.pdf")), &pdf).unwrap();
    }
    let hidden = c
        .execute(
            "const s = [...document.styleSheets].flatMap(x => [...x.cssRules])              .filter(r => r.media && r.media.mediaText === 'print')              .map(r => r.cssText).join(' '); return s",
            vec![],
        )
        .await
        .unwrap();
    let rules = hidden.as_str().unwrap_or_default();
    assert!(
        rules.contains("header.top nav") && rules.contains("break-inside: avoid"),
        "the print rules hide the navigation and keep cards whole: {rules}"
    );

    // English: the product's own words all English; Vietnamese only in marked content.
    c.set_window_size(1366, 768).await.unwrap();
    c.goto(&format!("{base}/")).await.unwrap();
    click(&c, "#lang-switch").await;
    c.wait()
        .for_element(Locator::Css("html[lang='en']"))
        .await
        .unwrap();
    let english = text_outside_vi(&c).await;
    assert!(english.contains("Overdue tasks"), "{english}");
    let leaks = vietnamese_letters(&english);
    assert!(
        leaks.is_empty(),
        "Vietnamese letters {leaks:?} in: {english}"
    );
    shot(&c, "overview-en.png").await;
    // An indicator's page too: definition, formula labels, units of measure, periods.
    c.goto(&format!("{base}/indicators/NL-CBX")).await.unwrap();
    let english = text_outside_vi(&c).await;
    assert!(
        english.contains("Officials trained / All commune officials"),
        "{english}"
    );
    let leaks = vietnamese_letters(&english);
    assert!(
        leaks.is_empty(),
        "Vietnamese letters {leaks:?} in: {english}"
    );
    shot(&c, "indicator-en.png").await;
    click(&c, "#lang-switch").await;
    c.wait()
        .for_element(Locator::Css("html[lang='vi']"))
        .await
        .unwrap();
    sign_out(&c).await;

    // A reporter who mistypes the period in the address gets the form and a message.
    sign_in(&c, &base, "baocao.skhcn", &passwords["baocao.skhcn"]).await;
    c.goto(&format!("{base}/entry?period=Q3-2026"))
        .await
        .unwrap();
    let notice = c
        .wait()
        .for_element(Locator::Id("entry-notice"))
        .await
        .expect("a message on the form")
        .text()
        .await
        .unwrap();
    assert!(notice.contains("Không hiểu kỳ \"Q3-2026\""), "{notice}");
    assert!(c.find(Locator::Id("v-HT-5G")).await.is_ok(), "the form");
    // The period list, and the share computed as it is typed.
    let picked = text_at(&c, "#period option[selected]").await;
    assert!(picked.starts_with("Quý "), "{picked}");
    shot(&c, "entry.png").await;
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&format!("{base}/entry")).await.unwrap();
    let w = page_width(&c).await;
    shot(&c, "entry-phone.png").await;
    assert!(w <= 390, "/entry is {w} px wide on a 390 px screen");
    c.set_window_size(1366, 768).await.unwrap();
    for (name, path) in [
        ("my", "/my"),
        ("notices", "/notices"),
        ("units-directory", "/units"),
    ] {
        both_widths(&c, &base, name, path).await;
    }
    sign_out(&c).await;
    sign_in(&c, &base, "thuongtruc", &passwords["thuongtruc"]).await;
    for (name, path) in [
        ("admin", "/admin"),
        ("matrix", "/reports/matrix"),
        ("reports-secretariat", "/reports"),
        ("task-new", "/tasks/new"),
        ("task-edit", "/tasks/NV-05/edit"),
    ] {
        both_widths(&c, &base, name, path).await;
    }
    sign_out(&c).await;
    sign_in(&c, &base, "baocao.5443", &passwords["baocao.5443"]).await;
    c.goto(&format!("{base}/entry?unit=5443&period={}", last_quarter()))
        .await
        .unwrap();
    let n = c.find(Locator::Id("n-NL-CBX")).await.unwrap();
    n.clear().await.unwrap();
    n.send_keys("1.035").await.unwrap();
    let d = c.find(Locator::Id("d-NL-CBX")).await.unwrap();
    d.clear().await.unwrap();
    d.send_keys("1.380").await.unwrap();
    let share = text_at(&c, "#p-NL-CBX").await;
    assert_eq!(share, "75", "1035 of 1380");
    d.clear().await.unwrap();
    d.send_keys("1.234,5").await.unwrap();
    let share = text_at(&c, "#p-NL-CBX").await;
    assert_eq!(share, "83,84", "1035 of 1234.5");
    // Saved and shown back the same way.
    click(&c, "#save-draft").await;
    c.wait()
        .for_element(Locator::Css(".flash.good"))
        .await
        .expect("saved");
    let shown = |id: &'static str| {
        let c = c.clone();
        async move {
            c.find(Locator::Id(id))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap()
                .unwrap_or_default()
        }
    };
    assert_eq!(shown("n-NL-CBX").await, "1.035");
    assert_eq!(shown("d-NL-CBX").await, "1.234,5");
    c.close().await.unwrap();
}
