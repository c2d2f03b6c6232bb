//! The demo's Steering Committee: the offices as they are in Thái Nguyên (the Provincial
//! Party Secretary heads it, the People's Committee chairman is its standing deputy head),
//! fictitious names, and the first session of the merged province's committee (15/07/2025,
//! after its members took office on 01/07/2025; the date and the notice's number are
//! illustrative).

use anyhow::Result;
use chitieu_domain::UnitCode;
use chitieu_domain::committee::{Meeting, Member, Position};
use chitieu_domain::task::{SourceDocument, Task, TaskUpdate};
use chitieu_store::Store;
use chrono::NaiveDate;

use crate::ACTOR;

const COMMITTEE: &str = "TN.BCD";
/// Illustrative: the real notice's number is not public in our sources.
const FIRST_NOTICE: &str = "01/TB-BCĐ";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a calendar date")
}

/// The source document of the tasks that come from the first session.
pub fn first_notice() -> SourceDocument {
    SourceDocument {
        number: FIRST_NOTICE.into(),
        date: Some(d(2025, 7, 16)),
        issuer: "Ban Chỉ đạo tỉnh".into(),
    }
}

pub async fn load(store: &Store) -> Result<()> {
    let committee = UnitCode::parse(COMMITTEE)?;
    let members = [
        ("Nguyễn Đức Thành", Position::Head, "Bí thư Tỉnh ủy"),
        (
            "Trần Thị Hồng Hạnh",
            Position::StandingDeputy,
            "Chủ tịch UBND tỉnh",
        ),
        (
            "Phạm Thu Trang",
            Position::Deputy,
            "Giám đốc Sở Khoa học và Công nghệ",
        ),
        ("Vũ Đức Thắng", Position::Member, "Giám đốc Sở Tài chính"),
        ("Hoàng Thị Lan", Position::Member, "Giám đốc Sở Nội vụ"),
        ("Ngô Thị Bích", Position::Member, "Giám đốc Sở Công Thương"),
        (
            "Sở Khoa học và Công nghệ",
            Position::StandingBody,
            "Cơ quan thường trực Ban Chỉ đạo",
        ),
        (
            "Lê Minh Đức",
            Position::Advisory,
            "Giảng viên, Đại học Thái Nguyên",
        ),
        (
            "Trịnh Thu Hà",
            Position::Advisory,
            "Chuyên gia chuyển đổi số, VNPT Thái Nguyên",
        ),
        (
            "Bùi Văn Nam",
            Position::Support,
            "Phó Chánh Văn phòng UBND tỉnh",
        ),
        (
            "Đinh Thị Mai",
            Position::Support,
            "Trưởng phòng, Sở Khoa học và Công nghệ",
        ),
    ];
    for (person, position, office) in members {
        store
            .add_member(
                &Member {
                    committee: committee.clone(),
                    person: person.into(),
                    position,
                    office: office.into(),
                    from: d(2025, 7, 1),
                    to: None,
                },
                ACTOR,
            )
            .await?;
    }
    store
        .add_meeting(
            &Meeting {
                committee,
                held_on: d(2025, 7, 15),
                kind: "Phiên họp thứ nhất".into(),
                chair: "Trưởng Ban Chỉ đạo".into(),
                agenda: "Quán triệt Nghị quyết 57-NQ/TW; quy chế làm việc; thành lập tổ tư vấn và tổ giúp việc".into(),
                attendance: "Thành viên Ban Chỉ đạo, tổ tư vấn, tổ giúp việc".into(),
                conclusion_number: FIRST_NOTICE.into(),
                conclusion_date: Some(d(2025, 7, 16)),
            },
            ACTOR,
        )
        .await?;
    Ok(())
}

/// The merged province's population, as published (about 1.68 million in June 2025).
pub const PROVINCE_POPULATION: i64 = 1_680_000;

/// Illustrative populations of `n` communes, uneven (6,000 to 36,000 before scaling) and
/// adding up to [`PROVINCE_POPULATION`].
pub fn commune_populations(n: usize) -> Vec<i64> {
    let weights: Vec<i64> = (0..n)
        .map(|k| 6_000 + ((k as i64 * 977) % 30_000))
        .collect();
    let total: i64 = weights.iter().sum::<i64>().max(1);
    let mut out: Vec<i64> = weights
        .iter()
        .map(|w| w * PROVINCE_POPULATION / total)
        .collect();
    // The rounding remainder to the first commune, so the sum is exact.
    if let Some(first) = out.first_mut() {
        *first += PROVINCE_POPULATION
            - weights
                .iter()
                .map(|w| w * PROVINCE_POPULATION / total)
                .sum::<i64>();
    }
    out
}

/// Departments that lead the generated tasks, and what each works on.
const DEPARTMENT_WORK: [(&str, &str); 8] = [
    ("TN.SKHCN", "Triển khai nhiệm vụ khoa học và công nghệ"),
    ("TN.SNV", "Đào tạo kỹ năng số cho cán bộ, công chức"),
    (
        "TN.STC",
        "Bố trí kinh phí khoa học, công nghệ và chuyển đổi số",
    ),
    ("TN.SCT", "Hỗ trợ doanh nghiệp chuyển đổi số"),
    ("TN.SYT", "Số hóa hồ sơ sức khỏe điện tử"),
    ("TN.SGDDT", "Chuyển đổi số trong giáo dục"),
    ("TN.VPUB", "Nâng cấp cổng dịch vụ công và hệ thống một cửa"),
    ("TN.SNNMT", "Xây dựng cơ sở dữ liệu đất đai, môi trường"),
];

/// On the order of the province's real task list (about ninety): four tasks for each of
/// eight departments and one for every other commune, leaving out the two with demo accounts
/// (their tasks are the hand-written ones), due at different times so that every status occurs;
/// every tenth comes from the first conclusion notice. Illustrative.
pub fn more_tasks(plan: &str, communes: &[chitieu_domain::Unit], today: NaiveDate) -> Vec<Task> {
    let mut out = Vec::new();
    let mut k = 0i64;
    let mut add = |lead: UnitCode, title: String| {
        k += 1;
        let start = today - chrono::Duration::days(300 - (k * 37) % 200);
        let deadline = today + chrono::Duration::days((k * 53) % 360 - 150);
        // Done for about half of those past their deadline, some late.
        let completed_on = (deadline < today && k % 2 == 0)
            .then(|| deadline + chrono::Duration::days(if k % 4 == 0 { 12 } else { -5 }))
            .filter(|d| *d <= today && *d >= start);
        let progress = if completed_on.is_some() {
            100
        } else {
            (20 + (k * 17) % 70) as u8
        };
        let on = (start + chrono::Duration::days(40)).min(today);
        out.push(Task {
            edition: Default::default(),
            code: format!("NV-{:03}", 100 + k),
            title,
            plan: plan.to_string(),
            year: chrono::Datelike::year(&deadline),
            lead_unit: lead,
            coordinating_units: vec![],
            start,
            deadline: deadline.max(start),
            expected_product: "Báo cáo kết quả".into(),
            indicators: vec![],
            completed_on,
            updates: vec![TaskUpdate {
                on: completed_on.unwrap_or(on),
                progress,
                note: "Cập nhật từ dữ liệu mẫu".into(),
                author: "demo".into(),
                difficulties: String::new(),
                proposals: String::new(),
                id: 0,
                handled: None,
            }],
            source: if k % 10 == 0 {
                first_notice()
            } else {
                SourceDocument::default()
            },
            cancelled: None,
            product_defect: None,
            funding: None,
        });
    };
    for (lead, work) in DEPARTMENT_WORK {
        let Ok(lead) = UnitCode::parse(lead) else {
            continue;
        };
        for phase in ["giai đoạn 1", "giai đoạn 2", "mở rộng", "đánh giá"] {
            add(lead.clone(), format!("{work}: {phase}"));
        }
    }
    for c in communes
        .iter()
        .filter(|c| !["5443", "5500"].contains(&c.code.as_str()))
        .step_by(2)
    {
        add(
            c.code.clone(),
            format!("Chuyển đổi số cấp xã tại {}", c.name),
        );
    }
    out
}

/// Last year's programme: one task for each department and commune (the wards whose tasks
/// the tests write by hand aside), due in the second half of the year, most done on time, some
/// late, some never done, so that last year's evaluation has something to tell apart.
pub fn last_year_tasks(
    plan: &str,
    communes: &[chitieu_domain::Unit],
    today: NaiveDate,
) -> Vec<Task> {
    let year = chrono::Datelike::year(&today) - 1;
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).expect("a valid demo day");
    let leads: Vec<(UnitCode, String)> = DEPARTMENT_WORK
        .iter()
        .filter_map(|(lead, work)| {
            UnitCode::parse(lead)
                .ok()
                .map(|u| (u, format!("{work}: kế hoạch năm {year}")))
        })
        .chain(
            communes
                .iter()
                .filter(|c| !["5443", "5500"].contains(&c.code.as_str()))
                .map(|c| {
                    (
                        c.code.clone(),
                        format!("Kế hoạch chuyển đổi số năm {year} của {}", c.name),
                    )
                }),
        )
        .collect();
    leads
        .into_iter()
        .enumerate()
        .map(|(k, (lead, title))| {
            let deadline = day(8 + (k % 5) as u32, 28);
            // Seven in ten on time, two late, one never done.
            let completed_on = match k % 10 {
                6 | 7 => Some(deadline + chrono::Duration::days(20)),
                8 => None,
                _ => Some(deadline - chrono::Duration::days(10)),
            }
            .filter(|d| *d <= today);
            Task {
                edition: Default::default(),
                code: format!("NV-{year}-{:03}", k + 1),
                title,
                plan: plan.to_string(),
                year,
                lead_unit: lead,
                coordinating_units: vec![],
                start: day(7, 15),
                deadline,
                expected_product: "Báo cáo kết quả thực hiện".into(),
                indicators: vec![],
                completed_on,
                updates: vec![TaskUpdate {
                    on: completed_on.unwrap_or(day(9, 1)),
                    progress: if completed_on.is_some() { 100 } else { 60 },
                    note: "Cập nhật từ dữ liệu mẫu".into(),
                    author: "demo".into(),
                    difficulties: String::new(),
                    proposals: String::new(),
                    id: 0,
                    handled: None,
                }],
                source: SourceDocument::default(),
                cancelled: None,
                product_defect: None,
                funding: None,
            }
        })
        .collect()
}

/// Last year's rubric as a province would set it: the default weights, and emulation blocs and
/// clusters (khối, cụm thi đua) as provinces commonly group them: economic departments, the
/// other departments, the communes and wards of the former Bắc Kạn province (codes below 3000)
/// and those of Thái Nguyên before the merger. Illustrative groupings.
pub async fn last_year_rubric(
    store: &chitieu_store::Store,
    communes: &[chitieu_domain::Unit],
    today: NaiveDate,
) -> anyhow::Result<()> {
    use chitieu_domain::evaluation::{Cluster, Rubric};
    let year = chrono::Datelike::year(&today) - 1;
    let codes = |list: &[&str]| -> Vec<UnitCode> {
        list.iter()
            .filter_map(|c| UnitCode::parse(c).ok())
            .collect()
    };
    let economic = [
        "TN.SCT",
        "TN.STC",
        "TN.SKHCN",
        "TN.SNNMT",
        "TN.SXD",
        "TN.BQLKCN",
    ];
    let others: Vec<&str> = DEPARTMENT_WORK
        .iter()
        .map(|(c, _)| *c)
        .chain([
            "TN.VPUB",
            "TN.SNV",
            "TN.SGDDT",
            "TN.SYT",
            "TN.SVHTTDL",
            "TN.STP",
            "TN.TTR",
            "TN.CA",
            "TN.SDTTG",
        ])
        .filter(|c| !economic.contains(c))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let north = |c: &&chitieu_domain::Unit| c.code.as_str().parse::<u32>().is_ok_and(|n| n < 3000);
    let rubric = Rubric {
        clusters: vec![
            Cluster {
                code: "KHOI-KT".into(),
                name: "Khối các sở, ngành kinh tế".into(),
                units: codes(&economic),
            },
            Cluster {
                code: "KHOI-VX".into(),
                name: "Khối các sở, ngành văn hóa - xã hội, nội chính".into(),
                units: codes(&others),
            },
            Cluster {
                code: "CUM-BAC".into(),
                name: "Cụm các xã, phường phía Bắc".into(),
                units: communes
                    .iter()
                    .filter(north)
                    .map(|c| c.code.clone())
                    .collect(),
            },
            Cluster {
                code: "CUM-NAM".into(),
                name: "Cụm các xã, phường phía Nam".into(),
                units: communes
                    .iter()
                    .filter(|c| !north(c))
                    .map(|c| c.code.clone())
                    .collect(),
            },
        ],
        ..Rubric::default()
    };
    rubric.check()?;
    store
        .save_rubric(year, &serde_json::to_string(&rubric)?, "demo")
        .await?;
    Ok(())
}
