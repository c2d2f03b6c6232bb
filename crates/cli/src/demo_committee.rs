//! The demo's Steering Committee: the offices as they are in Thái Nguyên (the Provincial
//! Party Secretary heads it, the People's Committee chairman is its standing deputy head),
//! fictitious names, and its first session (held on 21/02/2025, as the province reported)
//! with a conclusion notice whose number is illustrative.

use anyhow::Result;
use chitieu_domain::UnitCode;
use chitieu_domain::committee::{Meeting, Member, Position};
use chitieu_domain::task::SourceDocument;
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
        date: Some(d(2025, 2, 22)),
        issuer: "Ban Chỉ đạo tỉnh".into(),
    }
}

pub async fn load(store: &Store) -> Result<()> {
    let committee = UnitCode::parse(COMMITTEE).map_err(anyhow::Error::msg)?;
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
                held_on: d(2025, 2, 21),
                kind: "Phiên họp thứ nhất".into(),
                chair: "Trưởng Ban Chỉ đạo".into(),
                agenda: "Quán triệt Nghị quyết 57-NQ/TW; quy chế làm việc; thành lập tổ tư vấn và tổ giúp việc".into(),
                attendance: "Thành viên Ban Chỉ đạo, tổ tư vấn, tổ giúp việc".into(),
                conclusion_number: FIRST_NOTICE.into(),
                conclusion_date: Some(d(2025, 2, 22)),
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
