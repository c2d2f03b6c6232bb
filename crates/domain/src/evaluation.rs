//! The annual evaluation of units (đánh giá, xếp loại): a score of 100 points whose every
//! point traces to a target, a task or a report; the four ratings by the bands of Decree
//! 335/2025/NĐ-CP; the quota on "excellent"; and each head's share of the year.
//!
//! Pure rules: the caller gathers what the unit answers for (its targets with their standing,
//! the tasks of its work programme, the reports expected of it) and gets back the lines.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::head::{Head, Office};
use crate::status::Standing;
use crate::task::TaskStatus;
use crate::unit::{UnitCode, UnitKind};

/// How a year is scored, set by the secretariat. Defaults and why:
/// - 50 points for the targets: the resolution is judged by its dated results first;
/// - 30 for the tasks of the work programme: the work that produces those results;
/// - 10 for reporting (half for each report received, half for it arriving by its due day):
///   the province cannot steer on figures that do not come;
/// - 10 for data quality (each received report not returned for correction).
///
/// A section with nothing in it for a unit (a ward with no task due this year) is left out
/// and the other sections scaled up to 100, so that no unit gains or loses points for what
/// was never asked of it; each line's maximum shows the scaled weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rubric {
    pub targets: f64,
    pub tasks: f64,
    pub reporting: f64,
    pub quality: f64,
    /// Share of a target's points for one at risk (fair progress): on track earns them all.
    pub at_risk_credit: f64,
    /// Share of a task's points kept when its product came late: a late product costs part
    /// of the task's points, as Decree 335/2025 does for officials' products.
    pub late_task_credit: f64,
    /// Share kept when its product was found below requirements (on top of lateness).
    pub defective_task_credit: f64,
    /// "Excellent" goes to at most this share of the units rated "good" or above in a peer
    /// group, highest scores first.
    pub excellent_quota: f64,
    /// Emulation clusters and blocs (cụm, khối thi đua); a unit in none is ranked in its
    /// peer group's own cluster.
    pub clusters: Vec<Cluster>,
    /// The titles proposed from the ratings (see [`default_titles`]).
    pub titles: Vec<TitleRule>,
}

/// A title of emulation or commendation proposed for units that meet its rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TitleRule {
    pub title: String,
    /// The legal basis, as the proposal cites it.
    pub basis: String,
    /// Only the first of each cluster (rank 1; units tied at 1 all qualify).
    pub top_of_cluster: bool,
    /// The lowest rating that qualifies.
    pub at_least: Rating,
}

/// The default titles, under the Law on Emulation and Commendation 06/2022/QH15 (in force
/// from 01/01/2024, chapter II: titles and their standards) and Decree 98/2023/NĐ-CP: the
/// province's emulation flag for the collective that leads its cluster or bloc, having
/// completed its tasks excellently; "Tập thể lao động xuất sắc" for every collective that
/// completed its tasks excellently. A province's own emulation regulation may add others.
pub fn default_titles() -> Vec<TitleRule> {
    vec![
        TitleRule {
            title: "Cờ thi đua của Ủy ban nhân dân tỉnh".into(),
            basis: "Luật Thi đua, khen thưởng 2022; Nghị định 98/2023/NĐ-CP: tập thể dẫn đầu cụm, khối thi đua".into(),
            top_of_cluster: true,
            at_least: Rating::Excellent,
        },
        TitleRule {
            title: "Tập thể lao động xuất sắc".into(),
            basis: "Luật Thi đua, khen thưởng 2022: tập thể hoàn thành xuất sắc nhiệm vụ".into(),
            top_of_cluster: false,
            at_least: Rating::Excellent,
        },
    ]
}

impl Rating {
    /// A rating by its code or its official wording.
    pub fn parse(s: &str) -> Option<Rating> {
        let s = s.trim();
        Rating::ALL
            .into_iter()
            .find(|r| r.as_str() == s || r.label_vi().eq_ignore_ascii_case(s))
    }
}

/// Titles as the page writes them: one per line, "title | cụm or tất cả | lowest rating |
/// legal basis".
pub fn titles_text(titles: &[TitleRule]) -> String {
    titles
        .iter()
        .map(|t| {
            format!(
                "{} | {} | {} | {}",
                t.title,
                if t.top_of_cluster {
                    "cụm"
                } else {
                    "tất cả"
                },
                t.at_least.as_str(),
                t.basis
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Titles from the page's text (see [`titles_text`]); an error names the line.
pub fn parse_titles(text: &str) -> Result<Vec<TitleRule>, String> {
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let n = k + 1;
        let parts: Vec<&str> = line.splitn(4, '|').map(str::trim).collect();
        let [title, scope, rating, basis] = parts[..] else {
            return Err(format!(
                "danh hiệu, dòng {n}: cần \"danh hiệu | cụm hoặc tất cả | xếp loại thấp nhất | căn cứ\""
            ));
        };
        let top_of_cluster = match scope.to_lowercase().as_str() {
            "cụm" | "cum" => true,
            "tất cả" | "tat ca" => false,
            other => {
                return Err(format!(
                    "danh hiệu, dòng {n}: \"{other}\" phải là \"cụm\" (chỉ đơn vị dẫn đầu cụm) hoặc \"tất cả\""
                ));
            }
        };
        let at_least = Rating::parse(rating).ok_or_else(|| {
            format!(
                "danh hiệu, dòng {n}: xếp loại \"{rating}\" không có (excellent, good, complete, not_complete)"
            )
        })?;
        out.push(TitleRule {
            title: title.to_string(),
            basis: basis.to_string(),
            top_of_cluster,
            at_least,
        });
    }
    Ok(out)
}

/// A proposal for commendation: a unit, a title, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub unit: UnitCode,
    pub title: String,
    pub reason: String,
}

/// The titles a unit qualifies for by the rules.
pub fn propose(
    titles: &[TitleRule],
    unit: &UnitCode,
    rating: Option<Rating>,
    cluster_rank: Option<usize>,
    cluster_name: &str,
) -> Vec<Proposal> {
    let Some(rating) = rating else {
        return Vec::new();
    };
    titles
        .iter()
        .filter(|t| rating <= t.at_least && (!t.top_of_cluster || cluster_rank == Some(1)))
        .map(|t| Proposal {
            unit: unit.clone(),
            title: t.title.clone(),
            reason: if t.top_of_cluster {
                format!("{}; dẫn đầu {cluster_name}. {}", rating.label_vi(), t.basis)
            } else {
                format!("{}. {}", rating.label_vi(), t.basis)
            },
        })
        .collect()
}

/// Proposals as the page writes them: one per line, "unit | title | reason".
pub fn proposals_text(list: &[Proposal]) -> String {
    list.iter()
        .map(|p| format!("{} | {} | {}", p.unit, p.title, p.reason))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Proposals from the page's text; an error names the line. At most 5,000; a title of at
/// most 200 characters, a reason of at most 1,000, each on one line.
pub fn parse_proposals(text: &str) -> Result<Vec<Proposal>, String> {
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let n = k + 1;
        let mut parts = line.splitn(3, '|').map(str::trim);
        let (Some(unit), Some(title)) = (parts.next(), parts.next()) else {
            return Err(format!(
                "đề nghị khen thưởng, dòng {n}: cần \"mã đơn vị | danh hiệu | lý do\""
            ));
        };
        let reason = parts.next().unwrap_or("");
        let unit = UnitCode::parse(unit)
            .map_err(|e| format!("đề nghị khen thưởng, dòng {n}: đơn vị \"{unit}\": {e}"))?;
        if title.is_empty() || title.chars().count() > 200 {
            return Err(format!(
                "đề nghị khen thưởng, dòng {n}: danh hiệu cần 1–200 ký tự"
            ));
        }
        if reason.chars().count() > 1000 {
            return Err(format!(
                "đề nghị khen thưởng, dòng {n}: lý do quá 1.000 ký tự"
            ));
        }
        if line.chars().any(|c| c.is_control()) {
            return Err(format!(
                "đề nghị khen thưởng, dòng {n}: có ký tự điều khiển"
            ));
        }
        out.push(Proposal {
            unit,
            title: title.to_string(),
            reason: reason.to_string(),
        });
        if out.len() > 5000 {
            return Err("quá 5.000 đề nghị khen thưởng".into());
        }
    }
    Ok(out)
}

/// An emulation cluster or bloc: units ranked together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    pub code: String,
    pub name: String,
    pub units: Vec<UnitCode>,
}

impl Default for Rubric {
    fn default() -> Self {
        Rubric {
            targets: 50.0,
            tasks: 30.0,
            reporting: 10.0,
            quality: 10.0,
            at_risk_credit: 0.5,
            late_task_credit: 0.5,
            defective_task_credit: 0.5,
            excellent_quota: 0.2,
            clusters: Vec::new(),
            titles: default_titles(),
        }
    }
}

impl Rubric {
    /// Each number within its bounds, the weights adding up to 100.
    pub fn check(&self) -> Result<(), String> {
        let weights = [
            ("targets", self.targets),
            ("tasks", self.tasks),
            ("reporting", self.reporting),
            ("quality", self.quality),
        ];
        for (name, w) in weights {
            if !(0.0..=100.0).contains(&w) {
                return Err(format!("trọng số \"{name}\" phải trong khoảng 0–100"));
            }
        }
        let sum: f64 = weights.iter().map(|(_, w)| w).sum();
        if (sum - 100.0).abs() > 1e-9 {
            return Err(format!(
                "tổng các trọng số phải bằng 100 (đang là {})",
                round2(sum)
            ));
        }
        for (name, x) in [
            ("at_risk_credit", self.at_risk_credit),
            ("late_task_credit", self.late_task_credit),
            ("defective_task_credit", self.defective_task_credit),
            ("excellent_quota", self.excellent_quota),
        ] {
            if !(0.0..=1.0).contains(&x) {
                return Err(format!("\"{name}\" phải trong khoảng 0–1"));
            }
        }
        if self.clusters.len() > 500 {
            return Err("quá 500 cụm, khối thi đua".into());
        }
        let mut seen = std::collections::HashMap::new();
        let mut codes = std::collections::HashSet::new();
        for c in &self.clusters {
            let ok_code = !c.code.is_empty()
                && c.code.len() <= 40
                && c.code
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "._-".contains(ch));
            if !ok_code {
                return Err(format!(
                    "mã cụm \"{}\" không hợp lệ (1–40 ký tự: chữ không dấu, số, . _ -)",
                    c.code.chars().take(60).collect::<String>()
                ));
            }
            if !codes.insert(c.code.as_str()) {
                return Err(format!("mã cụm \"{}\" trùng", c.code));
            }
            let name = c.name.trim();
            if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
                return Err(format!(
                    "tên cụm \"{}\" cần 1–200 ký tự trên một dòng",
                    c.code
                ));
            }
            for u in &c.units {
                if let Some(other) = seen.insert(u.clone(), c.code.as_str()) {
                    return Err(format!(
                        "đơn vị {u} thuộc cả cụm \"{other}\" và cụm \"{}\"",
                        c.code
                    ));
                }
            }
        }
        self.check_titles()
    }

    fn check_titles(&self) -> Result<(), String> {
        if self.titles.len() > 50 {
            return Err("quá 50 danh hiệu".into());
        }
        for t in &self.titles {
            let n = t.title.trim().chars().count();
            if n == 0 || n > 200 || t.basis.chars().count() > 1000 {
                return Err(format!(
                    "danh hiệu \"{}\": tên cần 1–200 ký tự, căn cứ tối đa 1.000",
                    t.title.chars().take(60).collect::<String>()
                ));
            }
        }
        Ok(())
    }

    /// Clusters as the page writes them: one per line, "code | name | unit, unit, …".
    pub fn clusters_text(&self) -> String {
        self.clusters
            .iter()
            .map(|c| {
                let units: Vec<String> = c.units.iter().map(|u| u.to_string()).collect();
                format!("{} | {} | {}", c.code, c.name, units.join(", "))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Clusters from the page's text (see [`Rubric::clusters_text`]); an error names the line.
    pub fn parse_clusters(text: &str) -> Result<Vec<Cluster>, String> {
        let mut out = Vec::new();
        for (k, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let parts: Vec<&str> = line.split('|').map(str::trim).collect();
            let [code, name, units] = parts[..] else {
                return Err(format!(
                    "cụm thi đua, dòng {}: cần \"mã | tên | đơn vị, đơn vị, …\"",
                    k + 1
                ));
            };
            let units = units
                .split([',', ';'])
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(|u| {
                    UnitCode::parse(u)
                        .map_err(|e| format!("cụm thi đua, dòng {}: đơn vị \"{u}\": {e}", k + 1))
                })
                .collect::<Result<Vec<_>, _>>()?;
            out.push(Cluster {
                code: code.to_string(),
                name: name.to_string(),
                units,
            });
        }
        Ok(out)
    }

    /// The cluster `unit` is ranked in, if the rubric names one.
    pub fn cluster_of(&self, unit: &UnitCode) -> Option<&Cluster> {
        self.clusters.iter().find(|c| c.units.contains(unit))
    }
}

/// The four ratings of Decree 335/2025/NĐ-CP (in force from 01/01/2026).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Excellent,
    Good,
    Complete,
    NotComplete,
}

impl Rating {
    pub const ALL: [Rating; 4] = [
        Rating::Excellent,
        Rating::Good,
        Rating::Complete,
        Rating::NotComplete,
    ];

    /// The band of a score: ≥ 90, 70 to < 90, 50 to < 70, < 50. The score is taken to two
    /// decimals first, as shown, so that 89.995 shown as "90,00" is not rated below 90.
    pub fn band(score: f64) -> Rating {
        let s = round2(score);
        if s >= 90.0 {
            Rating::Excellent
        } else if s >= 70.0 {
            Rating::Good
        } else if s >= 50.0 {
            Rating::Complete
        } else {
            Rating::NotComplete
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Excellent => "excellent",
            Rating::Good => "good",
            Rating::Complete => "complete",
            Rating::NotComplete => "not_complete",
        }
    }

    /// The official wording.
    pub fn label_vi(self) -> &'static str {
        match self {
            Rating::Excellent => "Hoàn thành xuất sắc nhiệm vụ",
            Rating::Good => "Hoàn thành tốt nhiệm vụ",
            Rating::Complete => "Hoàn thành nhiệm vụ",
            Rating::NotComplete => "Không hoàn thành nhiệm vụ",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Rating::Excellent => "Excellent",
            Rating::Good => "Good",
            Rating::Complete => "Complete",
            Rating::NotComplete => "Not complete",
        }
    }
}

/// Which units are ranked together: departments with departments, communes and wards with
/// communes and wards. Other kinds are not rated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeerGroup {
    Departments,
    Communes,
}

impl PeerGroup {
    pub fn of(kind: UnitKind) -> Option<PeerGroup> {
        match kind {
            UnitKind::Department => Some(PeerGroup::Departments),
            UnitKind::Commune | UnitKind::Ward => Some(PeerGroup::Communes),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PeerGroup::Departments => "departments",
            PeerGroup::Communes => "communes",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            PeerGroup::Departments => "Sở, ban, ngành",
            PeerGroup::Communes => "Xã, phường",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            PeerGroup::Departments => "Departments",
            PeerGroup::Communes => "Communes and wards",
        }
    }
}

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
    /// "BC57-XA-QUY 2025Q2"
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
                format!("{}: {}", t.label, t.status)
            } else {
                format!("{}: {}; không tính", t.label, t.status)
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

/// One unit's place among its peers, for [`rate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: f64,
    /// Points from targets: results come before process when scores tie.
    pub target_points: f64,
}

/// The ratings of one peer group, in input order: each score's band, then "excellent" held
/// to `quota` × the number banded "good" or above (rounded down: the quota is a ceiling),
/// highest scores first. Ties are broken by points from targets; units still tied at the
/// cut are all rated "good", so the quota is never exceeded. Also each unit's rank (1 =
/// best; equal scores share a rank).
pub fn rate(scored: &[Scored], quota: f64) -> Vec<(Rating, usize)> {
    let mut out: Vec<(Rating, usize)> = scored
        .iter()
        .map(|s| (Rating::band(s.score), rank_of(scored, s.score)))
        .collect();
    let good_or_above = out
        .iter()
        .filter(|(r, _)| matches!(r, Rating::Excellent | Rating::Good))
        .count();
    let seats = (quota * good_or_above as f64 + 1e-9).floor() as usize;
    let key = |k: usize| (round2(scored[k].score), round2(scored[k].target_points));
    let mut banded: Vec<usize> = (0..scored.len())
        .filter(|&k| out[k].0 == Rating::Excellent)
        .collect();
    banded.sort_by(|&a, &b| {
        key(b)
            .partial_cmp(&key(a))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    for (place, &k) in banded.iter().enumerate() {
        let within = place < seats;
        // The last seat's holder shares its key with the first one left out: neither gets it.
        let tied_at_cut = banded.get(seats).is_some_and(|&next| key(next) == key(k));
        if !within || tied_at_cut {
            out[k].0 = Rating::Good;
        }
    }
    out
}

fn rank_of(scored: &[Scored], score: f64) -> usize {
    1 + scored
        .iter()
        .filter(|s| round2(s.score) > round2(score))
        .count()
}

/// A head's part of a unit's year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    pub person: String,
    pub title: String,
    pub office: Office,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: i64,
    /// Days in office in the span over the span's days.
    pub share: f64,
}

/// Each head of `unit` in office at some time between `first` and `last` (the evaluated
/// year, or the part of it gone by), with their days in office then, both ends counted: the
/// unit's results are theirs pro rata. Every office answers in full: a commune's Party
/// secretary and its chairman each carry the whole span between the heads of their own office.
pub fn attribute(
    heads: &[Head],
    unit: &UnitCode,
    first: NaiveDate,
    last: NaiveDate,
) -> Vec<Attribution> {
    if last < first {
        return Vec::new();
    }
    let span_days = (last - first).num_days() + 1;
    let mut out: Vec<Attribution> = heads
        .iter()
        .filter(|h| &h.unit == unit)
        .filter_map(|h| {
            let from = h.term_start.max(first);
            let to = h.term_end.unwrap_or(last).min(last);
            (from <= to).then(|| {
                let days = (to - from).num_days() + 1;
                Attribution {
                    person: h.person.clone(),
                    title: h.title.clone(),
                    office: h.office,
                    from,
                    to,
                    days,
                    share: days as f64 / span_days as f64,
                }
            })
        })
        .collect();
    out.sort_by_key(|a| (a.office.as_str(), a.from));
    out
}

/// The first and last day of a year's evaluation as of `today`: the year so far.
pub fn year_span(year: i32, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1)?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31)?;
    (today.year() >= year).then_some((first, last.min(today)))
}

#[cfg(test)]
mod tests;
