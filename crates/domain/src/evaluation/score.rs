//! A unit's score, line by line, from what it answers for.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Rubric;
use crate::status::Standing;
use crate::task::TaskStatus;

/// The part of the rubric a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Targets,
    Tasks,
    Reporting,
    Quality,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Targets,
        Section::Tasks,
        Section::Reporting,
        Section::Quality,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::Targets => "targets",
            Section::Tasks => "tasks",
            Section::Reporting => "reporting",
            Section::Quality => "quality",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Section::Targets => "Chỉ tiêu",
            Section::Tasks => "Nhiệm vụ",
            Section::Reporting => "Báo cáo đầy đủ, đúng hạn",
            Section::Quality => "Chất lượng số liệu",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Section::Targets => "Targets",
            Section::Tasks => "Tasks",
            Section::Reporting => "Complete, timely reporting",
            Section::Quality => "Data quality",
        }
    }

    fn weight(self, r: &Rubric) -> f64 {
        match self {
            Section::Targets => r.targets,
            Section::Tasks => r.tasks,
            Section::Reporting => r.reporting,
            Section::Quality => r.quality,
        }
    }
}

/// A target the unit answers for, with where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetItem {
    /// "HT-5G 2025: > 60"
    pub label: String,
    pub standing: Standing,
    /// The status in words, as the pages show it.
    pub status: String,
    pub source: String,
}

/// A task of the unit's work programme for the year.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskItem {
    pub code: String,
    pub title: String,
    pub deadline: NaiveDate,
    pub status: TaskStatus,
    /// Why its product was found below requirements, if it was.
    pub defect: Option<String>,
    pub source: String,
}

/// A report expected of the unit.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportItem {
    /// "quý II/2025 (BC57-XA-QUY)"
    pub label: String,
    pub received: bool,
    pub on_time: bool,
    /// Times the report was returned for correction.
    pub returned: u32,
    pub source: String,
}

/// Everything a unit is scored on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    pub targets: Vec<TargetItem>,
    pub tasks: Vec<TaskItem>,
    pub reports: Vec<ReportItem>,
}

/// One line of the explanation: its points of at most `max_points`, why, and where to look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub section: Section,
    pub points: f64,
    pub max_points: f64,
    pub reason: String,
    /// A path on this site: the indicator, the task or the report behind the line.
    pub source: String,
}

/// A unit's score: the lines add up to it, their maxima to 100. `None` when there was
/// nothing to score the unit on.
pub fn score(rubric: &Rubric, ev: &Evidence) -> (Option<f64>, Vec<Line>) {
    let counted_tasks = ev
        .tasks
        .iter()
        .filter(|t| task_credit(rubric, t.status).is_some())
        .count();
    let counted_targets = ev
        .targets
        .iter()
        .filter(|t| target_credit(rubric, t.standing).is_some())
        .count();
    let received = ev.reports.iter().filter(|r| r.received).count();
    let sizes = [
        (Section::Targets, counted_targets),
        (Section::Tasks, counted_tasks),
        (Section::Reporting, ev.reports.len()),
        (Section::Quality, received),
    ];
    let present: f64 = sizes
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, _)| s.weight(rubric))
        .sum();
    let per_item = |s: Section| {
        let n = sizes.iter().find(|(k, _)| *k == s).map_or(0, |(_, n)| *n);
        if n == 0 || present <= 0.0 {
            0.0
        } else {
            s.weight(rubric) * 100.0 / present / n as f64
        }
    };
    let mut lines = Vec::new();
    let each = per_item(Section::Targets);
    for t in &ev.targets {
        let credit = target_credit(rubric, t.standing);
        lines.push(Line {
            section: Section::Targets,
            points: each * credit.unwrap_or(0.0),
            max_points: if credit.is_some() { each } else { 0.0 },
            reason: if credit.is_some() {
                format!("{} — {}", t.label, t.status)
            } else {
                format!("{} — {}; không tính", t.label, t.status)
            },
            source: t.source.clone(),
        });
    }
    let each = per_item(Section::Tasks);
    for t in &ev.tasks {
        let credit = task_credit(rubric, t.status).map(|c| match t.defect {
            Some(_) => c * rubric.defective_task_credit,
            None => c,
        });
        let mut why = match t.status {
            TaskStatus::InProgress => "chưa đến hạn, không tính".to_string(),
            TaskStatus::Cancelled => "đã hủy, không tính".to_string(),
            s => s.label_vi().to_string(),
        };
        if let Some(d) = &t.defect {
            why.push_str(&format!("; sản phẩm không đạt yêu cầu: {d}"));
        }
        lines.push(Line {
            section: Section::Tasks,
            points: each * credit.unwrap_or(0.0),
            max_points: if credit.is_some() { each } else { 0.0 },
            reason: format!(
                "{} {} (hạn {}): {why}",
                t.code,
                t.title,
                t.deadline.format("%d/%m/%Y")
            ),
            source: t.source.clone(),
        });
    }
    let each = per_item(Section::Reporting);
    for r in &ev.reports {
        let credit = match (r.received, r.on_time) {
            (true, true) => 1.0,
            (true, false) => 0.5,
            _ => 0.0,
        };
        let why = match (r.received, r.on_time) {
            (true, true) => "đã gửi đúng hạn",
            (true, false) => "đã gửi, quá hạn",
            _ => "chưa gửi",
        };
        lines.push(Line {
            section: Section::Reporting,
            points: each * credit,
            max_points: each,
            reason: format!("Báo cáo {}: {why}", r.label),
            source: r.source.clone(),
        });
    }
    let each = per_item(Section::Quality);
    for r in ev.reports.iter().filter(|r| r.received) {
        let clean = r.returned == 0;
        lines.push(Line {
            section: Section::Quality,
            points: if clean { each } else { 0.0 },
            max_points: each,
            reason: if clean {
                format!("Báo cáo {}: không bị trả lại", r.label)
            } else {
                format!("Báo cáo {}: bị trả lại {} lần", r.label, r.returned)
            },
            source: r.source.clone(),
        });
    }
    let total = (present > 0.0).then(|| round2(lines.iter().map(|l| l.points).sum()));
    (total, lines)
}

/// A target's share of its points; `None` when it cannot be judged yet (too few figures,
/// the year's figures not in): not counted, since a report that never came already costs
/// its points under reporting.
fn target_credit(rubric: &Rubric, s: Standing) -> Option<f64> {
    match s {
        Standing::Achieved | Standing::OnTrack => Some(1.0),
        Standing::AtRisk => Some(rubric.at_risk_credit),
        Standing::OffTrack | Standing::Missed => Some(0.0),
        Standing::Unknown => None,
    }
}

/// A task's share of its points; `None` when it does not count this year (not yet due, or
/// cancelled).
fn task_credit(rubric: &Rubric, s: TaskStatus) -> Option<f64> {
    match s {
        TaskStatus::CompletedOnTime => Some(1.0),
        TaskStatus::CompletedLate => Some(rubric.late_task_credit),
        TaskStatus::Overdue => Some(0.0),
        TaskStatus::InProgress | TaskStatus::Cancelled => None,
    }
}

pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
