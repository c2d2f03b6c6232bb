//! What the periodic report covers and says (#32): a department's report lists the indicators
//! it leads; a later report keeps the verdicts of years that are over and counts the missed
//! ones; figures carry their unit of measure and their period in words; nothing says signed.

use crate::report::{fetch, part, pdf_text};
use crate::support::*;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;

db_tests!(
    a_departments_report_covers_the_indicators_it_leads,
    a_later_report_keeps_the_verdicts_of_the_year_that_is_over,
    a_plan_sets_its_documents_abbreviations_and_signatures,
);

/// #32: "Số: …/BC-<abbreviation>" with the abbreviation configurable per unit, and the
/// signature's title by kind of unit, from the plan file; a misspelt key is refused.
async fn a_plan_sets_its_documents_abbreviations_and_signatures(db: &TestDb) {
    let plan = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../domain/plan/thai-nguyen-nq57.toml"
    ))
    .unwrap();
    let line = "abbreviations = { \"TN.BCD\" = \"BCĐ\", \"TN.VPUB\" = \"VPUBND\" }";
    assert!(plan.contains(line), "the default plan sets them");
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("sai.toml");
    std::fs::write(&bad, plan.replace(line, "abbreviation = {}")).unwrap();
    let err = fails(db, &["init", "--plan", bad.to_str().unwrap()]);
    assert!(err.contains("abbreviation"), "{err}");
    let path = dir.path().join("tn.toml");
    let signed = format!("{line}\nsignatures = {{ department = \"KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC\" }}");
    std::fs::write(&path, plan.replace(line, &signed)).unwrap();
    ok(db, &["init", "--plan", path.to_str().unwrap()]);
    let doc = |unit: &str| {
        let out = dir.path().join(format!("{unit}.docx"));
        ok(
            db,
            &[
                "report",
                "--period",
                "2026Q3",
                "--unit",
                unit,
                "--format",
                "docx",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        part(&std::fs::read(&out).unwrap(), "word/document.xml")
    };
    let skhcn = doc("TN.SKHCN");
    assert!(skhcn.contains("/BC-SKHCN"), "{skhcn}");
    assert!(skhcn.contains("KT. GIÁM ĐỐC"), "{skhcn}");
    assert!(skhcn.contains("PHÓ GIÁM ĐỐC"), "{skhcn}");
    let vpub = doc("TN.VPUB");
    assert!(vpub.contains("/BC-VPUBND"), "{vpub}");
    // A People's Committee keeps its own way of signing.
    let province = doc("19");
    assert!(province.contains("/BC-UBND"), "{province}");
    assert!(province.contains("TM. ỦY BAN NHÂN DÂN"), "{province}");
}

fn report_json(base: &str, token: &str, query: &str) -> serde_json::Value {
    let (status, _, body) = api(
        "GET",
        &format!("{base}/api/v1/report?{query}"),
        Some(token),
        None,
    );
    assert_eq!(status, 200, "{body}");
    body
}

/// Every line of the report's tables: those in progress and those of years over.
fn lines(body: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut out: Vec<serde_json::Value> = body["targets"].as_array().unwrap().clone();
    for e in body["ended"].as_array().unwrap() {
        out.extend(e["targets"].as_array().unwrap().iter().cloned());
    }
    out
}

async fn a_departments_report_covers_the_indicators_it_leads(db: &TestDb) {
    ok(db, &["demo"]);
    let t = token(db, "he-thong-tinh", "viewer", "19");
    let (_server, base) = serve(db);
    let body = report_json(&base, &t, "period=2026Q3&unit=TN.SKHCN");
    let plan = chitieu_domain::default_plan::default_plan();
    let led: Vec<_> = plan
        .indicators
        .iter()
        .filter(|i| i.lead_unit.as_str() == "TN.SKHCN")
        .collect();
    assert!(led.len() >= 5, "the department leads several indicators");
    let lines = lines(&body);
    for i in &led {
        assert!(
            lines.iter().any(|l| l["indicator"] == i.name.as_str()),
            "{} ({}) in the department's report: {body}",
            i.code,
            i.name
        );
    }
    // Its own number and recipients: never itself.
    assert_eq!(body["number"], "Số:       /BC-SKHCN");
    assert_eq!(body["parent"], "UBND tỉnh Thái Nguyên");
    let recipients = body["recipients"].to_string();
    assert!(
        recipients.contains("Ủy ban nhân dân tỉnh Thái Nguyên"),
        "{recipients}"
    );
    assert!(
        !recipients.contains("\"Sở Khoa học và Công nghệ"),
        "{recipients}"
    );
    let summary = body["summary"].to_string();
    assert!(!summary.contains("Trong 0 mục tiêu"), "{summary}");
}

async fn a_later_report_keeps_the_verdicts_of_the_year_that_is_over(db: &TestDb) {
    ok(db, &["demo"]);
    let t = token(db, "he-thong-tinh", "viewer", "19");
    let (_server, base) = serve(db);
    let body = report_json(&base, &t, "period=2026Q3");
    let ended = body["ended"].as_array().unwrap();
    let y2025 = ended
        .iter()
        .find(|e| e["year"] == 2025)
        .unwrap_or_else(|| panic!("the 2025 targets in the 2026Q3 report: {body}"));
    let rows = y2025["targets"].as_array().unwrap();
    let missed = rows.iter().filter(|r| r["status"] == "Không đạt").count();
    let met = rows.iter().filter(|r| r["status"] == "Đạt").count();
    assert!(missed > 0 && met > 0, "{y2025}");
    // The summary counts them.
    let summary = body["summary"].to_string();
    assert!(
        summary.contains(&format!("{met} đạt, {missed} không đạt")),
        "{summary}"
    );
    // A figure with its unit and its period in words; no code, no machine period.
    for r in rows {
        let latest = r["latest"].as_str().unwrap();
        assert!(!latest.contains("2025Q"), "{latest}");
    }
    assert!(
        rows.iter()
            .any(|r| r["latest"].as_str().unwrap().contains("% (quý IV/2025)")),
        "{y2025}"
    );
    // The documents say the same, and nothing says they are signed.
    let (s, _, bytes) = fetch(
        &base,
        "/api/v1/report?period=2026Q3&format=docx",
        Some(("Authorization", &format!("Bearer {t}"))),
    );
    assert_eq!(s, 200);
    let doc = part(&bytes, "word/document.xml");
    assert!(doc.contains("KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU NĂM 2025"));
    assert!(!doc.contains("Đã ký"), "no signature claimed");
    let (s, _, bytes) = fetch(
        &base,
        "/api/v1/report?period=2026Q3&format=pdf",
        Some(("Authorization", &format!("Bearer {t}"))),
    );
    assert_eq!(s, 200);
    if let Some(text) = pdf_text(&bytes) {
        assert!(!text.contains("Đã ký"), "{text}");
        assert!(text.contains("NĂM 2025"), "{text}");
        assert!(text.contains("(quý IV/2025)"), "{text}");
        assert!(text.contains("%"), "{text}");
        assert!(text.contains("Không đạt"), "{text}");
    }
}
