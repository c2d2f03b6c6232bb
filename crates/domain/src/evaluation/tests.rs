use super::*;
use crate::head::{Head, Office};
use crate::refusal::{Field, Place, Refusal, Thing};
use crate::status::Standing;
use crate::task::TaskStatus;
use chrono::NaiveDate;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn target(label: &str, standing: Standing) -> TargetItem {
    TargetItem {
        label: label.into(),
        standing,
        status: format!("{standing:?}"),
        source: format!("/indicators/{label}"),
    }
}

fn task(code: &str, status: TaskStatus) -> TaskItem {
    TaskItem {
        code: code.into(),
        title: "Nhiệm vụ".into(),
        deadline: day(2025, 9, 30),
        status,
        defect: None,
        source: format!("/tasks/{code}"),
    }
}

fn report(label: &str, received: bool, on_time: bool, returned: u32) -> ReportItem {
    ReportItem {
        label: label.into(),
        received,
        on_time,
        returned,
        source: "/reports".into(),
    }
}

/// The worked example of the README: 4 targets (2 achieved, 1 at risk, 1 missed), 4 tasks
/// (2 on time, 1 late, 1 overdue) and one not yet due, 4 reports (2 on time, 1 late, 1 never
/// sent; one returned once).
#[test]
fn a_worked_example_scores_line_by_line() {
    let ev = Evidence {
        targets: vec![
            target("A", Standing::Achieved),
            target("B", Standing::OnTrack),
            target("C", Standing::AtRisk),
            target("D", Standing::Missed),
        ],
        tasks: vec![
            task("T1", TaskStatus::CompletedOnTime),
            task("T2", TaskStatus::CompletedOnTime),
            task("T3", TaskStatus::CompletedLate),
            task("T4", TaskStatus::Overdue),
            task("T5", TaskStatus::InProgress),
        ],
        reports: vec![
            report("Q1", true, true, 0),
            report("Q2", true, true, 1),
            report("Q3", true, false, 0),
            report("Q4", false, false, 0),
        ],
    };
    let (score, lines) = score(&Rubric::default(), &ev);
    // Targets: 12.5 each: 12.5 + 12.5 + 6.25 + 0 = 31.25.
    // Tasks: 7.5 each over 4 counted: 7.5 + 7.5 + 3.75 + 0 = 18.75; T5 counts 0 of 0.
    // Reporting: 2.5 each: 2.5 + 2.5 + 1.25 + 0 = 6.25.
    // Quality: 3 received, 10/3 each, one returned: 6.67.
    assert_eq!(score, Some(62.92));
    let sum = |s: Section| -> f64 {
        lines
            .iter()
            .filter(|l| l.section == s)
            .map(|l| l.points)
            .sum()
    };
    assert_eq!(sum(Section::Targets), 31.25);
    assert_eq!(sum(Section::Tasks), 18.75);
    assert_eq!(sum(Section::Reporting), 6.25);
    assert_eq!(round2(sum(Section::Quality)), 6.67);
    let max: f64 = lines.iter().map(|l| l.max_points).sum();
    assert!((max - 100.0).abs() < 1e-9, "{max}");
    let t5 = lines.iter().find(|l| l.source == "/tasks/T5").unwrap();
    assert_eq!((t5.points, t5.max_points), (0.0, 0.0));
    assert!(t5.reason.contains("chưa đến hạn"), "{}", t5.reason);
    let t3 = lines.iter().find(|l| l.source == "/tasks/T3").unwrap();
    assert_eq!((t3.points, t3.max_points), (3.75, 7.5));
    assert!(t3.reason.contains("Hoàn thành quá hạn"), "{}", t3.reason);
    assert_eq!(Rating::band(score.unwrap()), Rating::Complete);
}

#[test]
fn an_empty_section_is_left_out_and_the_others_scaled() {
    // Only targets, both achieved: 100 points, not 50. One that cannot be judged yet (a new
    // commune with one half-year of figures) is listed and not counted.
    let ev = Evidence {
        targets: vec![
            target("A", Standing::Achieved),
            target("B", Standing::Achieved),
            target("C", Standing::Unknown),
        ],
        ..Evidence::default()
    };
    let (s, lines) = score(&Rubric::default(), &ev);
    assert_eq!(s, Some(100.0));
    assert_eq!(lines[0].max_points, 50.0);
    assert_eq!((lines[2].points, lines[2].max_points), (0.0, 0.0));
    assert!(
        lines[2].reason.ends_with("không tính"),
        "{}",
        lines[2].reason
    );
    // Nothing at all: no score, not zero.
    assert_eq!(score(&Rubric::default(), &Evidence::default()).0, None);
}

#[test]
fn bands_at_their_boundaries() {
    assert_eq!(Rating::band(100.0), Rating::Excellent);
    assert_eq!(Rating::band(90.0), Rating::Excellent);
    assert_eq!(Rating::band(89.99), Rating::Good);
    assert_eq!(Rating::band(70.0), Rating::Good);
    assert_eq!(Rating::band(69.99), Rating::Complete);
    assert_eq!(Rating::band(50.0), Rating::Complete);
    assert_eq!(Rating::band(49.99), Rating::NotComplete);
    assert_eq!(Rating::band(0.0), Rating::NotComplete);
    // Shown as 90,00: rated as 90.
    assert_eq!(Rating::band(89.995), Rating::Excellent);
    assert_eq!(Rating::Excellent.label_vi(), "Hoàn thành xuất sắc nhiệm vụ");
    assert_eq!(Rating::NotComplete.as_str(), "not_complete");
}

fn scored(scores: &[(f64, f64)]) -> Vec<Scored> {
    scores
        .iter()
        .map(|&(score, target_points)| Scored {
            score,
            target_points,
        })
        .collect()
}

fn ratings(r: &[(Rating, usize)]) -> Vec<&'static str> {
    r.iter().map(|(x, _)| x.as_str()).collect()
}

#[test]
fn the_quota_holds_excellent_to_a_fifth_of_good_or_above() {
    // Ten good or above: two seats. The two highest of the four banded excellent get them.
    let s = scored(&[
        (95.0, 40.0),
        (91.0, 40.0),
        (97.0, 40.0),
        (90.0, 40.0),
        (80.0, 40.0),
        (80.0, 40.0),
        (75.0, 40.0),
        (72.0, 40.0),
        (71.0, 40.0),
        (70.0, 40.0),
        (69.99, 40.0),
        (40.0, 10.0),
    ]);
    let r = rate(&s, 0.2, None).units;
    assert_eq!(
        ratings(&r),
        [
            "excellent",
            "good",
            "excellent",
            "good",
            "good",
            "good",
            "good",
            "good",
            "good",
            "good",
            "complete",
            "not_complete"
        ]
    );
    // Ranks: equal scores share a rank.
    assert_eq!(r[2].1, 1);
    assert_eq!(r[4].1, 5);
    assert_eq!(r[5].1, 5);
    assert_eq!(r[6].1, 7);
    // Nine good or above: 1.8 seats, one.
    let r = rate(
        &s[..11].iter().skip(1).cloned().collect::<Vec<_>>(),
        0.2,
        None,
    )
    .units;
    assert_eq!(r.iter().filter(|(x, _)| *x == Rating::Excellent).count(), 1);
    // Four good or above: 0.8 seats, none.
    let r = rate(
        &scored(&[(99.0, 50.0), (80.0, 40.0), (80.0, 40.0), (75.0, 40.0)]),
        0.2,
        None,
    )
    .units;
    assert_eq!(ratings(&r), ["good", "good", "good", "good"]);
    // No quota at all: every band stands.
    let r = rate(&scored(&[(99.0, 50.0), (95.0, 40.0)]), 1.0, None).units;
    assert_eq!(ratings(&r), ["excellent", "excellent"]);
}

#[test]
fn ties_at_the_quota_cut() {
    // Ten good or above, two seats; three tied at 95.
    let mut base = vec![(80.0, 40.0); 7];
    // Broken by target points: the one with more gets the second seat.
    base.extend([(95.0, 45.0), (95.0, 40.0), (95.0, 50.0)]);
    let r = rate(&scored(&base), 0.2, None);
    assert_eq!(ratings(&r.units[7..]), ["excellent", "good", "excellent"]);
    assert_eq!((r.cut.places_left, r.cut.tied.len()), (0, 0));
    // Still tied at the cut: the council's to decide, one place left between the two; until
    // it does neither gets the seat, so the quota is never exceeded.
    let mut base = vec![(80.0, 40.0); 7];
    base.extend([(96.0, 40.0), (95.0, 45.0), (95.0, 45.0)]);
    let r = rate(&scored(&base), 0.2, None);
    assert_eq!(ratings(&r.units[7..]), ["excellent", "good", "good"]);
    assert_eq!(
        r.cut,
        Cut {
            seats: 2,
            places_left: 1,
            tied: vec![8, 9]
        }
    );
    // The council chose the last: it is excellent, the other stays good.
    let r = rate(&scored(&base), 0.2, Some(&[9]));
    assert_eq!(ratings(&r.units[7..]), ["excellent", "good", "excellent"]);
    // Everyone tied at 100 with no seat clear of the cut: every seat is the council's.
    let r = rate(&scored(&[(100.0, 50.0); 10]), 0.2, None);
    assert_eq!(r.cut.places_left, 2);
    assert_eq!(r.cut.tied.len(), 10);
    assert!(r.units.iter().all(|(x, _)| *x == Rating::Good));
    let r = rate(&scored(&[(100.0, 50.0); 10]), 0.2, Some(&[3, 7]));
    assert_eq!(
        r.units
            .iter()
            .filter(|(x, _)| *x == Rating::Excellent)
            .count(),
        2
    );
    // Tied within the seats: both keep them.
    let mut base = vec![(80.0, 40.0); 7];
    base.extend([(95.0, 45.0), (95.0, 45.0), (91.0, 45.0)]);
    let r = rate(&scored(&base), 0.2, None);
    assert_eq!(ratings(&r.units[7..]), ["excellent", "excellent", "good"]);
    assert!(r.cut.tied.is_empty());
}

fn head(person: &str, office: Office, from: NaiveDate, to: Option<NaiveDate>) -> Head {
    Head {
        unit: UnitCode::parse("05443").unwrap(),
        person: person.into(),
        title: "Chủ tịch UBND xã".into(),
        term_start: from,
        term_end: to,
        office,
    }
}

#[test]
fn a_head_who_changed_mid_year_carries_the_year_pro_rata() {
    let unit = UnitCode::parse("05443").unwrap();
    let heads = vec![
        head(
            "A",
            Office::Authority,
            day(2021, 7, 1),
            Some(day(2025, 6, 30)),
        ),
        head("B", Office::Authority, day(2025, 7, 1), None),
        head("C", Office::Party, day(2020, 1, 1), None),
        // Gone before the year: not attributed.
        head(
            "Z",
            Office::Authority,
            day(2015, 1, 1),
            Some(day(2021, 6, 30)),
        ),
    ];
    let a = attribute(&heads, &unit, day(2025, 1, 1), day(2025, 12, 31));
    let by = |p: &str| a.iter().find(|x| x.person == p).unwrap();
    assert_eq!(a.len(), 3);
    assert_eq!(by("A").days, 181);
    assert_eq!(by("B").days, 184);
    assert_eq!(by("C").days, 365);
    assert!((by("A").share + by("B").share - 1.0).abs() < 1e-12);
    assert_eq!(by("C").share, 1.0);
    assert_eq!(by("A").to, day(2025, 6, 30));
    // A leap year counts 366 days.
    let a = attribute(&heads, &unit, day(2024, 1, 1), day(2024, 12, 31));
    assert_eq!(a.iter().find(|x| x.person == "A").unwrap().days, 366);
    // A year in progress: shares of the days gone by.
    let a = attribute(&heads, &unit, day(2025, 1, 1), day(2025, 9, 30));
    let by = |p: &str| a.iter().find(|x| x.person == p).unwrap();
    assert_eq!((by("A").days, by("B").days), (181, 92));
    assert!((by("A").share + by("B").share - 1.0).abs() < 1e-12);
}

#[test]
fn a_rubric_within_bounds() {
    assert!(Rubric::default().check().is_ok());
    let r = Rubric {
        targets: 60.0,
        ..Rubric::default()
    };
    assert_eq!(
        r.check().unwrap_err(),
        Refusal::WeightsNotWhole { sum: "110".into() }
    );
    let r = Rubric {
        excellent_quota: 1.5,
        ..Rubric::default()
    };
    assert!(format!("{:?}", r.check().unwrap_err()).contains("excellent_quota"));
    let r = Rubric {
        targets: f64::NAN,
        ..Rubric::default()
    };
    assert!(r.check().is_err());
}

#[test]
fn clusters_read_from_the_page_and_written_back() {
    let c =
        Rubric::parse_clusters("\n KT | Khối kinh tế | TN.SCT, TN.STC\nBK|Cụm Bắc Kạn|1843;1849\n")
            .unwrap();
    assert_eq!(c.len(), 2);
    assert_eq!(c[1].units.len(), 2);
    let r = Rubric {
        clusters: c,
        ..Rubric::default()
    };
    assert!(r.check().is_ok());
    assert_eq!(
        Rubric::parse_clusters(&r.clusters_text()).unwrap(),
        r.clusters
    );
    assert_eq!(
        r.cluster_of(&UnitCode::parse("1849").unwrap())
            .unwrap()
            .code,
        "BK"
    );
    let e = Rubric::parse_clusters("KT | Khối kinh tế").unwrap_err();
    assert_eq!(
        e,
        Refusal::LineShape { of: Thing::Cluster }.at(Place::Row(Thing::Cluster, 1))
    );
    // A unit in two clusters is refused, naming both.
    let r = Rubric {
        clusters: Rubric::parse_clusters("A | Cụm A | 1843\nB | Cụm B | 1843").unwrap(),
        ..Rubric::default()
    };
    assert_eq!(
        r.check().unwrap_err(),
        Refusal::InTwoClusters {
            unit: "1843".into(),
            first: "A".into(),
            second: "B".into()
        }
    );
}

#[test]
fn proposals_follow_the_titles_rules_and_read_back_from_the_page() {
    let t = default_titles();
    let u = UnitCode::parse("TN.SCT").unwrap();
    // First of its cluster and excellent: the flag and the collective title.
    let p = propose(&t, &u, Some(Rating::Excellent), Some(1), "Khối kinh tế");
    assert_eq!(p.len(), 2);
    assert!(p[0].title.starts_with("Cờ thi đua") && p[0].reason.contains("dẫn đầu Khối kinh tế"));
    // Excellent but second: the collective title only.
    let p = propose(&t, &u, Some(Rating::Excellent), Some(2), "Khối kinh tế");
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].title, "Tập thể lao động xuất sắc");
    // First of its cluster but only good: nothing.
    assert!(propose(&t, &u, Some(Rating::Good), Some(1), "K").is_empty());
    assert!(propose(&t, &u, None, None, "K").is_empty());
    // The page's text round-trips; a bad line is named.
    let all = propose(&t, &u, Some(Rating::Excellent), Some(1), "K");
    assert_eq!(parse_proposals(&proposals_text(&all)).unwrap(), all);
    let e = parse_proposals("TN.SCT | Giấy khen | lý do\nkhông có dấu gạch").unwrap_err();
    assert_eq!(
        e,
        Refusal::LineShape {
            of: Thing::Proposal
        }
        .at(Place::Row(Thing::Proposal, 2))
    );
    let e = parse_proposals(&format!("TN.SCT | {} | x", "D".repeat(201))).unwrap_err();
    assert_eq!(
        e,
        Refusal::TooLong {
            field: Field::Award,
            max: 200
        }
        .at(Place::Row(Thing::Proposal, 1))
    );
}

#[test]
fn titles_read_from_the_page_and_written_back() {
    let t = default_titles();
    assert_eq!(parse_titles(&titles_text(&t)).unwrap(), t);
    let t =
        parse_titles("Giấy khen của Chủ tịch UBND tỉnh | tất cả | good | Quy chế thi đua của tỉnh")
            .unwrap();
    assert_eq!(t[0].at_least, Rating::Good);
    assert!(!t[0].top_of_cluster);
    let e = format!(
        "{:?}",
        parse_titles("A | khối | excellent | x").unwrap_err()
    );
    assert!(e.contains("Row(Award, 1)") && e.contains("khối"), "{e}");
    let e = format!(
        "{:?}",
        parse_titles("\nA | cụm | tuyệt vời | x").unwrap_err()
    );
    assert!(
        e.contains("Row(Award, 2)") && e.contains("tuyệt vời"),
        "{e}"
    );
}

/// A product below requirements keeps half the task's points by default; late and below
/// requirements keeps a quarter.
#[test]
fn a_defective_product_costs_a_share_of_its_task() {
    let mut late = task("T2", TaskStatus::CompletedLate);
    late.defect = Some("thiếu phụ lục số liệu".into());
    let mut on_time = task("T1", TaskStatus::CompletedOnTime);
    on_time.defect = Some("chưa đúng mẫu".into());
    let ev = Evidence {
        tasks: vec![on_time, late],
        ..Evidence::default()
    };
    let (s, lines) = score(&Rubric::default(), &ev);
    assert_eq!((lines[0].points, lines[0].max_points), (25.0, 50.0));
    assert_eq!((lines[1].points, lines[1].max_points), (12.5, 50.0));
    assert!(
        lines[1]
            .reason
            .contains("không đạt yêu cầu: thiếu phụ lục số liệu")
    );
    assert_eq!(s, Some(37.5));
}
