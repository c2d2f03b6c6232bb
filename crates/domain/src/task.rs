//! Tasks in a unit's annual work programme, and their status by the Government Office rule.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::unit::UnitCode;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub code: String,
    pub title: String,
    pub plan: String,
    /// The work-programme year the task is written into.
    pub year: i32,
    pub lead_unit: UnitCode,
    #[serde(default)]
    pub coordinating_units: Vec<UnitCode>,
    pub start: NaiveDate,
    pub deadline: NaiveDate,
    pub expected_product: String,
    #[serde(default)]
    pub indicators: Vec<String>,
    #[serde(default)]
    pub completed_on: Option<NaiveDate>,
    #[serde(default)]
    pub updates: Vec<TaskUpdate>,
    /// The document the task comes from (a conclusion notice, a plan); empty when not given.
    #[serde(default)]
    pub source: SourceDocument,
    /// Withdrawn by whoever assigned it: from that day the task no longer counts.
    #[serde(default)]
    pub cancelled: Option<Cancellation>,
    /// Its product found below requirements by whoever assigned it (completed, but not as
    /// asked): when and why. It costs part of the task's points in the evaluation.
    #[serde(default)]
    pub product_defect: Option<Cancellation>,
    /// Where its money comes from, how much was allocated and how much disbursed.
    #[serde(default)]
    pub funding: Option<Funding>,
    /// Which edit of the task this is, as stored: an edit carries the number it started
    /// from, so that one made on a stale copy is refused instead of undoing another's.
    #[serde(default)]
    pub edition: Edition,
}

/// The fields an official edits in which `a` and `b` differ, in the edit page's words.
pub fn changed_fields(a: &Task, b: &Task) -> Vec<crate::Field> {
    use crate::Field;
    let mut out = Vec::new();
    let mut differ = |same: bool, field: Field| {
        if !same {
            out.push(field);
        }
    };
    differ(a.title == b.title, Field::Title);
    differ(a.year == b.year, Field::Year);
    differ(a.lead_unit == b.lead_unit, Field::LeadUnit);
    differ(
        a.coordinating_units == b.coordinating_units,
        Field::CoordinatingUnits,
    );
    differ(a.start == b.start, Field::Start);
    differ(a.deadline == b.deadline, Field::Deadline);
    differ(
        a.expected_product == b.expected_product,
        Field::ExpectedProduct,
    );
    differ(a.indicators == b.indicators, Field::Indicator);
    differ(a.source == b.source, Field::SourceDocument);
    differ(a.funding == b.funding, Field::Funding);
    differ(a.cancelled == b.cancelled, Field::CancelReason);
    differ(a.product_defect == b.product_defect, Field::ProductDefect);
    differ(a.completed_on == b.completed_on, Field::CompletedOn);
    out
}

/// The number of a task's last edit (1 when created, 0 before it is stored), who made it
/// and when.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edition {
    pub number: i64,
    pub by: String,
    pub at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A task's funding, in million đồng (triệu đồng).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funding {
    pub source: FundingSource,
    pub allocated: rust_decimal::Decimal,
    pub disbursed: rust_decimal::Decimal,
}

/// Where a task's money comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundingSource {
    /// Ngân sách trung ương.
    Central,
    /// Ngân sách tỉnh.
    Province,
    /// Xã hội hóa.
    Private,
}

impl FundingSource {
    pub const ALL: [FundingSource; 3] = [
        FundingSource::Central,
        FundingSource::Province,
        FundingSource::Private,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FundingSource::Central => "central",
            FundingSource::Province => "province",
            FundingSource::Private => "private",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            FundingSource::Central => "Ngân sách trung ương",
            FundingSource::Province => "Ngân sách tỉnh",
            FundingSource::Private => "Xã hội hóa",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            FundingSource::Central => "Central budget",
            FundingSource::Province => "Provincial budget",
            FundingSource::Private => "Private funds",
        }
    }
}

impl std::str::FromStr for FundingSource {
    type Err = crate::Refusal;
    fn from_str(s: &str) -> Result<FundingSource, crate::Refusal> {
        FundingSource::ALL
            .into_iter()
            .find(|f| f.as_str() == s.trim())
            .ok_or_else(|| {
                crate::Refusal::not_one_of(
                    crate::Field::Funding,
                    s.trim(),
                    FundingSource::ALL.iter().map(|x| x.as_str()),
                )
            })
    }
}

/// The document a task comes from: "Thông báo kết luận số 12/TB-BCĐ ngày 21/02/2025 của Ban
/// Chỉ đạo", "Kế hoạch số 45/KH-UBND".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceDocument {
    /// "12/TB-BCĐ", "45/KH-UBND".
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// Who issued it: "Ban Chỉ đạo", "UBND tỉnh".
    #[serde(default)]
    pub issuer: String,
}

impl SourceDocument {
    pub fn is_empty(&self) -> bool {
        self.number.trim().is_empty() && self.issuer.trim().is_empty() && self.date.is_none()
    }

    /// "số 12/TB-BCĐ ngày 21/02/2025 của Ban Chỉ đạo", as a citation reads.
    pub fn cite_vi(&self) -> String {
        let mut out = Vec::new();
        if !self.number.trim().is_empty() {
            out.push(format!("số {}", self.number.trim()));
        }
        if let Some(d) = self.date {
            out.push(format!("ngày {}", d.format("%d/%m/%Y")));
        }
        if !self.issuer.trim().is_empty() {
            out.push(format!("của {}", self.issuer.trim()));
        }
        out.join(" ")
    }
}

/// A dated reason: a task withdrawn, or a product found below requirements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancellation {
    pub on: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskUpdate {
    pub on: NaiveDate,
    /// 0..=100.
    pub progress: u8,
    /// The result so far.
    pub note: String,
    pub author: String,
    /// Difficulties met (khó khăn, vướng mắc).
    #[serde(default)]
    pub difficulties: String,
    /// Proposals (kiến nghị, đề xuất).
    #[serde(default)]
    pub proposals: String,
    /// The stored report's number (0 before it is stored): what marking it handled names.
    #[serde(default)]
    pub id: i32,
    /// How the standing office dealt with the difficulties and proposals, once it has.
    #[serde(default)]
    pub handled: Option<Handled>,
}

/// The standing office's record that a unit's difficulties and proposals were dealt with:
/// when, by whom (name and office), and how ("Kết luận tại Thông báo số 15/TB-BCĐ").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handled {
    pub on: NaiveDate,
    pub by: String,
    pub note: String,
}

/// A progress report as typed: the result, difficulties met, proposals.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportText<'a> {
    pub note: &'a str,
    pub difficulties: &'a str,
    pub proposals: &'a str,
}

/// Status of a task as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    CompletedOnTime,
    CompletedLate,
    InProgress,
    Overdue,
    /// Withdrawn: counts neither as done nor as late.
    Cancelled,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 5] = [
        TaskStatus::CompletedOnTime,
        TaskStatus::CompletedLate,
        TaskStatus::InProgress,
        TaskStatus::Overdue,
        TaskStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::CompletedOnTime => "completed_on_time",
            TaskStatus::CompletedLate => "completed_late",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Overdue => "overdue",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            TaskStatus::CompletedOnTime => "Hoàn thành đúng hạn",
            TaskStatus::CompletedLate => "Hoàn thành quá hạn",
            TaskStatus::InProgress => "Đang thực hiện trong hạn",
            TaskStatus::Overdue => "Quá hạn chưa hoàn thành",
            TaskStatus::Cancelled => "Đã hủy",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            TaskStatus::CompletedOnTime => "Completed on time",
            TaskStatus::CompletedLate => "Completed late",
            TaskStatus::InProgress => "In progress, on time",
            TaskStatus::Overdue => "Overdue, not completed",
            TaskStatus::Cancelled => "Cancelled",
        }
    }
}

impl std::str::FromStr for TaskStatus {
    type Err = crate::Refusal;
    fn from_str(s: &str) -> Result<Self, crate::Refusal> {
        TaskStatus::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                crate::Refusal::not_one_of(
                    crate::Field::TaskStatus,
                    s,
                    TaskStatus::ALL.iter().map(|x| x.as_str()),
                )
            })
    }
}

/// Which tasks a list shows: by a unit that leads or coordinates them, by work-programme
/// year, by status on a date. Empty parts match everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskFilter {
    pub unit: Option<UnitCode>,
    pub year: Option<i32>,
    pub status: Option<TaskStatus>,
}

impl TaskFilter {
    /// A filter from the text of a form or a query; empty text is no condition.
    pub fn parse(unit: &str, year: &str, status: &str) -> Result<TaskFilter, crate::Refusal> {
        let (unit, year, status) = (unit.trim(), year.trim(), status.trim());
        Ok(TaskFilter {
            unit: (!unit.is_empty())
                .then(|| UnitCode::parse(unit))
                .transpose()?,
            year: (!year.is_empty())
                .then(|| {
                    year.parse()
                        .map_err(|_| crate::Refusal::malformed(crate::Field::Year, year))
                })
                .transpose()?,
            status: (!status.is_empty()).then(|| status.parse()).transpose()?,
        })
    }

    pub fn matches(&self, t: &Task, as_of: NaiveDate) -> bool {
        self.unit
            .as_ref()
            .is_none_or(|u| t.lead_unit == *u || t.coordinating_units.contains(u))
            && self.year.is_none_or(|y| t.year == y)
            && self.status.is_none_or(|s| t.status_on(as_of) == s)
    }
}

/// The rule: a task completed on or before its deadline is on time (the deadline day itself
/// counts); completed after it, late. Not completed as of `as_of`: in progress through the
/// deadline day, overdue from the day after. A completion dated after `as_of` is not yet known.
pub fn status_on(
    deadline: NaiveDate,
    completed_on: Option<NaiveDate>,
    as_of: NaiveDate,
) -> TaskStatus {
    match completed_on {
        Some(done) if done <= as_of => {
            if done <= deadline {
                TaskStatus::CompletedOnTime
            } else {
                TaskStatus::CompletedLate
            }
        }
        _ if as_of <= deadline => TaskStatus::InProgress,
        _ => TaskStatus::Overdue,
    }
}

impl Task {
    /// The status by the rule of [`status_on`]; a task cancelled on or before `as_of` is
    /// cancelled, whatever its dates.
    pub fn status_on(&self, as_of: NaiveDate) -> TaskStatus {
        if self.cancelled.as_ref().is_some_and(|c| c.on <= as_of) {
            return TaskStatus::Cancelled;
        }
        status_on(self.deadline, self.completed_on, as_of)
    }

    /// A completion date must lie between the task's start and today: a completion cannot
    /// be declared in advance, nor dated before the work began (which would turn a late
    /// task into one done on time).
    pub fn check_completion(
        &self,
        done: NaiveDate,
        today: NaiveDate,
    ) -> Result<(), crate::Refusal> {
        use crate::{Field, Refusal};
        if done < self.start {
            return Err(Refusal::DateBefore {
                field: Field::CompletedOn,
                date: done,
                other: Field::Start,
                other_date: self.start,
            });
        }
        if done > today {
            return Err(Refusal::DateInFuture {
                field: Field::CompletedOn,
                date: done,
                today,
            });
        }
        Ok(())
    }

    pub fn check(&self) -> Result<(), crate::Refusal> {
        use crate::text::{COMMENT_MAX, NAME_MAX};
        use crate::{Field, Refusal};
        if self.code.trim().is_empty() {
            return Err(Refusal::Required {
                field: Field::TaskCode,
            });
        }
        if self.code.len() > 40
            || !self
                .code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return Err(Refusal::malformed(Field::TaskCode, &self.code));
        }
        Refusal::text(Field::Title, &self.title, NAME_MAX)?;
        if self.expected_product.chars().count() > COMMENT_MAX {
            return Err(Refusal::TooLong {
                field: Field::ExpectedProduct,
                max: COMMENT_MAX,
            });
        }
        if !crate::target::PLAN_YEARS.contains(&self.year) {
            return Err(crate::target::plan_year_refusal(self.year));
        }
        for (field, text) in [
            (Field::SourceNumber, &self.source.number),
            (Field::SourceIssuer, &self.source.issuer),
        ] {
            if text.chars().count() > NAME_MAX {
                return Err(Refusal::TooLong {
                    field,
                    max: NAME_MAX,
                });
            }
        }
        if let Some(f) = &self.funding {
            for (field, x) in [
                (Field::Allocated, f.allocated),
                (Field::Disbursed, f.disbursed),
            ] {
                crate::value::bounded(field, x)?;
                if x.is_sign_negative() && !x.is_zero() {
                    return Err(Refusal::Negative {
                        field,
                        value: x.to_string(),
                    });
                }
            }
            if f.disbursed > f.allocated {
                return Err(Refusal::Exceeds {
                    field: Field::Disbursed,
                    value: f.disbursed.normalize().to_string(),
                    other: Field::Allocated,
                    limit: f.allocated.normalize().to_string(),
                });
            }
        }
        if let Some(c) = &self.cancelled {
            Refusal::text(Field::CancelReason, &c.reason, COMMENT_MAX)?;
        }
        if self.deadline < self.start {
            return Err(Refusal::DateBefore {
                field: Field::Deadline,
                date: self.deadline,
                other: Field::Start,
                other_date: self.start,
            });
        }
        if let Some(u) = self.updates.iter().find(|u| u.progress > 100) {
            return Err(Refusal::OutOfRange {
                field: Field::Progress,
                value: u.progress.to_string(),
                min: "0".into(),
                max: "100".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn status_at_the_boundaries() {
        let deadline = d("2025-06-30");
        // Completed on the deadline day: on time. The day after: late.
        assert_eq!(
            status_on(deadline, Some(d("2025-06-30")), d("2025-12-31")),
            TaskStatus::CompletedOnTime
        );
        assert_eq!(
            status_on(deadline, Some(d("2025-07-01")), d("2025-12-31")),
            TaskStatus::CompletedLate
        );
        assert_eq!(
            status_on(deadline, Some(d("2025-01-01")), d("2025-12-31")),
            TaskStatus::CompletedOnTime
        );
        // Not completed: in progress through the deadline day, overdue from the next day.
        assert_eq!(
            status_on(deadline, None, d("2025-06-30")),
            TaskStatus::InProgress
        );
        assert_eq!(
            status_on(deadline, None, d("2025-07-01")),
            TaskStatus::Overdue
        );
        // A completion after the as-of date is not yet known.
        assert_eq!(
            status_on(deadline, Some(d("2025-07-05")), d("2025-07-02")),
            TaskStatus::Overdue
        );
        assert_eq!(
            status_on(deadline, Some(d("2025-06-20")), d("2025-06-10")),
            TaskStatus::InProgress
        );
        let task = Task {
            edition: Default::default(),
            code: "NV".into(),
            title: "T".into(),
            plan: "P".into(),
            year: 2025,
            lead_unit: crate::UnitCode::commune(5443),
            coordinating_units: vec![],
            start: d("2025-03-01"),
            deadline,
            expected_product: String::new(),
            indicators: vec![],
            completed_on: None,
            updates: vec![],
            source: Default::default(),
            cancelled: None,
            product_defect: None,
            funding: None,
        };
        let today = d("2025-07-10");
        // One filter for the task list and the API: by a leading or coordinating unit, by
        // year, by status.
        let f = TaskFilter::parse("05443", "2025", "overdue").unwrap();
        assert!(f.matches(&task, today));
        assert!(
            !f.matches(&task, d("2025-06-30")),
            "in progress on its deadline"
        );
        assert!(
            !TaskFilter::parse("5500", "", "")
                .unwrap()
                .matches(&task, today)
        );
        assert!(TaskFilter::parse("", "", "").unwrap().matches(&task, today));
        assert!(TaskFilter::parse("", "năm", "").is_err());
        assert!(TaskFilter::parse("", "", "xong").is_err());
        assert!(task.check_completion(d("2025-03-01"), today).is_ok());
        assert!(task.check_completion(today, today).is_ok());
        assert!(task.check_completion(d("2025-01-01"), today).is_err());
        assert!(task.check_completion(d("1900-01-01"), today).is_err());
        assert!(task.check_completion(d("2025-07-11"), today).is_err());
        assert!(task.check_completion(d("9999-12-31"), today).is_err());
        // Completed exactly on the as-of date counts.
        assert_eq!(
            status_on(deadline, Some(d("2025-07-02")), d("2025-07-02")),
            TaskStatus::CompletedLate
        );
    }
}
