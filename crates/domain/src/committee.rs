//! The Steering Committee (Ban Chỉ đạo) at work: its members and their positions, its
//! meetings, and the conclusion notices whose items become tasks citing them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::task::{Task, TaskStatus};
use crate::unit::UnitCode;

/// A member's position in the committee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    /// Trưởng ban.
    Head,
    /// Phó Trưởng ban thường trực.
    StandingDeputy,
    /// Phó Trưởng ban.
    Deputy,
    /// Ủy viên.
    Member,
    /// Cơ quan thường trực: the agency that runs the committee's business.
    StandingBody,
    /// Tổ tư vấn: the advisory group.
    Advisory,
    /// Tổ giúp việc: the support group.
    Support,
}

impl Position {
    pub const ALL: [Position; 7] = [
        Position::Head,
        Position::StandingDeputy,
        Position::Deputy,
        Position::Member,
        Position::StandingBody,
        Position::Advisory,
        Position::Support,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Position::Head => "head",
            Position::StandingDeputy => "standing_deputy",
            Position::Deputy => "deputy",
            Position::Member => "member",
            Position::StandingBody => "standing_body",
            Position::Advisory => "advisory",
            Position::Support => "support",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Position::Head => "Trưởng ban",
            Position::StandingDeputy => "Phó Trưởng ban thường trực",
            Position::Deputy => "Phó Trưởng ban",
            Position::Member => "Ủy viên",
            Position::StandingBody => "Cơ quan thường trực",
            Position::Advisory => "Tổ tư vấn",
            Position::Support => "Tổ giúp việc",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Position::Head => "Head",
            Position::StandingDeputy => "Standing deputy head",
            Position::Deputy => "Deputy head",
            Position::Member => "Member",
            Position::StandingBody => "Standing body",
            Position::Advisory => "Advisory group",
            Position::Support => "Support group",
        }
    }
}

impl std::str::FromStr for Position {
    type Err = crate::Refusal;
    fn from_str(s: &str) -> Result<Position, crate::Refusal> {
        Position::ALL
            .into_iter()
            .find(|p| p.as_str() == s.trim())
            .ok_or_else(|| {
                crate::Refusal::not_one_of(
                    crate::Field::Position,
                    s.trim(),
                    Position::ALL.iter().map(|x| x.as_str()),
                )
            })
    }
}

/// A member of a committee, with their dated membership.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub committee: UnitCode,
    pub person: String,
    pub position: Position,
    /// Their office outside the committee: "Bí thư Tỉnh ủy", "Giám đốc Sở Khoa học và Công nghệ".
    pub office: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

impl Member {
    pub fn serving_on(&self, d: NaiveDate) -> bool {
        self.from <= d && self.to.is_none_or(|t| d <= t)
    }
}

/// A meeting of the committee and the conclusion notice it yields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    pub committee: UnitCode,
    pub held_on: NaiveDate,
    /// "Phiên họp thường kỳ", "Phiên họp chuyên đề".
    pub kind: String,
    pub chair: String,
    #[serde(default)]
    pub agenda: String,
    /// Who attended, as the minutes say.
    #[serde(default)]
    pub attendance: String,
    /// The conclusion notice: "12/TB-BCĐ"; empty while none is issued.
    #[serde(default)]
    pub conclusion_number: String,
    #[serde(default)]
    pub conclusion_date: Option<NaiveDate>,
}

/// Where a conclusion's items stand: its tasks (those citing the notice) by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ConclusionProgress {
    pub items: usize,
    pub done_on_time: usize,
    pub done_late: usize,
    pub in_progress: usize,
    pub overdue: usize,
    pub cancelled: usize,
}

impl ConclusionProgress {
    /// The tasks citing notice `number` (issued by `issuer`, when the task names one), as of
    /// `day`.
    pub fn of(tasks: &[Task], number: &str, day: NaiveDate) -> ConclusionProgress {
        let mut p = ConclusionProgress::default();
        if number.trim().is_empty() {
            return p;
        }
        for t in tasks
            .iter()
            .filter(|t| t.source.number.trim() == number.trim())
        {
            p.items += 1;
            match t.status_on(day) {
                TaskStatus::CompletedOnTime => p.done_on_time += 1,
                TaskStatus::CompletedLate => p.done_late += 1,
                TaskStatus::InProgress => p.in_progress += 1,
                TaskStatus::Overdue => p.overdue += 1,
                TaskStatus::Cancelled => p.cancelled += 1,
            }
        }
        p
    }

    /// Items done, on time or late.
    pub fn done(&self) -> usize {
        self.done_on_time + self.done_late
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_conclusion_counts_the_tasks_citing_it() {
        let task = |code: &str, number: &str, done: Option<&str>| Task {
            edition: Default::default(),
            code: code.into(),
            title: "T".into(),
            plan: "P".into(),
            year: 2026,
            lead_unit: UnitCode::commune(5443),
            coordinating_units: vec![],
            start: d("2026-03-01"),
            deadline: d("2026-06-30"),
            expected_product: String::new(),
            indicators: vec![],
            completed_on: done.map(d),
            updates: vec![],
            source: crate::task::SourceDocument {
                number: number.into(),
                date: None,
                issuer: String::new(),
            },
            cancelled: None,
            product_defect: None,
            funding: None,
        };
        let tasks = [
            task("A", "12/TB-BCĐ", Some("2026-06-01")),
            task("B", "12/TB-BCĐ", None),
            task("C", "13/TB-BCĐ", None),
        ];
        let p = ConclusionProgress::of(&tasks, "12/TB-BCĐ", d("2026-07-15"));
        assert_eq!((p.items, p.done(), p.overdue), (2, 1, 1));
        assert_eq!(ConclusionProgress::of(&tasks, "", d("2026-07-15")).items, 0);
    }
}
