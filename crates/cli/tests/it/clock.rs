//! One "today" for every rule (#31): the same scenario at 23:50 on 31/12 and at 06:30 on 1/1
//! in Vietnam (16:50 and 23:30 UTC on 31/12, when a server kept in UTC still reads 31/12),
//! with the clock injected into the command line and the server; every rule reads one date.

use crate::support::*;
use chitieu_domain::Clock;
use chitieu_store::db_tests;
use chitieu_store::testing::TestDb;
use chitieu_web::testing::TestServer;

db_tests!(every_rule_reads_vietnams_date_at_the_turn_of_the_year);

const EVENING: &str = "2026-12-31T16:50:00Z";
const MORNING: &str = "2026-12-31T23:30:00Z";

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s)
        .expect("an instant")
        .with_timezone(&chrono::Utc)
}

/// What each rule says about the day, asked the way a user or client would.
struct Reading {
    task_status: String,
    programme_year: i64,
    report_period: String,
    report_date: String,
    history: String,
}

fn read(base: &str, secretariat: &str, reporter: &str, cookie: &str, period: &str) -> Reading {
    let get = |path: &str, t: &str| {
        let (s, _, v) = api("GET", &format!("{base}{path}"), Some(t), None);
        assert_eq!(s, 200, "{path}: {v}");
        v
    };
    let task = get("/api/v1/tasks/NV-GIAO-THUA", secretariat);
    let programme = get("/api/v1/programmes?unit=5443", reporter);
    let report = get("/api/v1/report", secretariat);
    // A figure typed now, and the entry page's history of it.
    let (s, _, v) = api(
        "POST",
        &format!("{base}/api/v1/values"),
        Some(reporter),
        Some((
            "application/json",
            &format!(
                r#"{{"values":[{{"indicator":"NL-CBX","unit":"5443","period":"{period}","numerator":{},"denominator":39}}]}}"#,
                if period.ends_with('3') { 30 } else { 31 }
            ),
        )),
    );
    assert_eq!(s, 200, "{v}");
    let (_, html) = get_status(
        base,
        &format!("/entry?unit=5443&period={period}"),
        Some(cookie),
    );
    let from = html.find("id=\"h-NL-CBX\"").expect("the figure's history");
    let history = html[from..from + html[from..].find("</details>").unwrap()].to_string();
    Reading {
        task_status: task["status"].as_str().unwrap_or_default().into(),
        programme_year: programme["year"].as_i64().unwrap_or_default(),
        report_period: report["period"].as_str().unwrap_or_default().into(),
        report_date: report["date"].as_str().unwrap_or_default().into(),
        history,
    }
}

async fn every_rule_reads_vietnams_date_at_the_turn_of_the_year(db: &TestDb) {
    // The command line reads the same clock: the demo's dates are laid out from it.
    let out = chitieu_env(db, &["demo"], &[("CHITIEU_NOW", EVENING)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secretariat = token(db, "tt", "secretariat", "19");
    let reporter = token(db, "phuong", "reporter", "5443");
    add_user(db, "bc.phuong", "reporter", "5443");
    let clock = Clock::starting_at(at(EVENING));
    let server = TestServer::start_at(&db.url, clock.clone());
    let base = server.base.clone();
    let (s, _, v) = api(
        "POST",
        &format!("{base}/api/v1/tasks"),
        Some(&secretariat),
        Some((
            "application/json",
            r#"{"code":"NV-GIAO-THUA","title":"Tổng kết năm","lead_unit":"5443","start":"2026-12-01","deadline":"2026-12-31","expected_product":"Báo cáo tổng kết"}"#,
        )),
    );
    assert_eq!(s, 200, "{v}");
    let cookie = session(&base, "bc.phuong", PASSWORD);

    // 23:50 on 31/12 in Vietnam: still the old year everywhere.
    let evening = read(&base, &secretariat, &reporter, &cookie, "2026Q3");
    assert_eq!(
        evening.task_status, "in_progress",
        "due today is not overdue"
    );
    assert_eq!(evening.programme_year, 2026);
    assert_eq!(evening.report_period, "2026Q3", "Q4 is not over yet");
    assert_eq!(evening.report_date, "2026-12-31");
    assert!(
        evening.history.contains("23:5") && evening.history.contains("31/12/2026"),
        "the figure was typed at 23:5x on 31/12/2026 in Vietnam: {}",
        evening.history
    );

    // 06:30 on 1/1 in Vietnam, 23:30 on 31/12 in UTC: the new year everywhere.
    clock.set(at(MORNING));
    let morning = read(&base, &secretariat, &reporter, &cookie, "2026Q4");
    assert_eq!(morning.task_status, "overdue", "its deadline was yesterday");
    assert_eq!(morning.programme_year, 2027);
    assert_eq!(morning.report_period, "2026Q4", "Q4 ended yesterday");
    assert_eq!(morning.report_date, "2027-01-01");
    assert!(
        morning.history.contains("06:3") && morning.history.contains("01/01/2027"),
        "the figure was typed at 06:3x on 01/01/2027 in Vietnam: {}",
        morning.history
    );
    assert!(!morning.history.contains("31/12/2026 06:3"));
    drop(server);
}
