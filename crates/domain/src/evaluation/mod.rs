//! The annual evaluation of units (đánh giá, xếp loại): a score of 100 points whose every
//! point traces to a target, a task or a report; the four ratings by the bands of Decree
//! 335/2025/NĐ-CP; the quota on "excellent"; and each head's share of the year.
//!
//! Pure rules: the caller gathers what the unit answers for (its targets with their standing,
//! the tasks of its work programme, the reports expected of it) and gets back the lines.

mod awards;
mod heads;
mod rating;
mod score;
mod ties;

pub use awards::*;
pub use heads::*;
pub use rating::*;
pub use score::*;
pub use ties::*;

use crate::refusal::{Field, Place, Refusal, Thing};
use serde::{Deserialize, Serialize};

use crate::unit::UnitCode;

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
    pub fn check(&self) -> Result<(), Refusal> {
        let weights = [
            ("targets", self.targets),
            ("tasks", self.tasks),
            ("reporting", self.reporting),
            ("quality", self.quality),
        ];
        for (name, w) in weights {
            if !(0.0..=100.0).contains(&w) {
                return Err(Refusal::OutOfRange {
                    field: Field::Weight,
                    value: round2(w).to_string(),
                    min: "0".into(),
                    max: "100".into(),
                }
                .of(Thing::Criteria, name));
            }
        }
        let sum: f64 = weights.iter().map(|(_, w)| w).sum();
        if (sum - 100.0).abs() > 1e-9 {
            return Err(Refusal::WeightsNotWhole {
                sum: round2(sum).to_string(),
            });
        }
        for (name, x) in [
            ("at_risk_credit", self.at_risk_credit),
            ("late_task_credit", self.late_task_credit),
            ("defective_task_credit", self.defective_task_credit),
            ("excellent_quota", self.excellent_quota),
        ] {
            if !(0.0..=1.0).contains(&x) {
                return Err(Refusal::OutOfRange {
                    field: Field::Share,
                    value: round2(x).to_string(),
                    min: "0".into(),
                    max: "1".into(),
                }
                .of(Thing::Criteria, name));
            }
        }
        if self.clusters.len() > 500 {
            return Err(Refusal::TooMany {
                what: Thing::Cluster,
                max: 500,
            });
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
                return Err(Refusal::malformed(Field::Cluster, &c.code));
            }
            if !codes.insert(c.code.as_str()) {
                return Err(Refusal::Duplicate {
                    what: Thing::Cluster,
                    code: c.code.clone(),
                });
            }
            let name = c.name.trim();
            Refusal::text(Field::Name, name, 200).map_err(|e| e.of(Thing::Cluster, &c.code))?;
            if let Some(at) = name.chars().position(char::is_control) {
                return Err(Refusal::ControlCharacter {
                    field: Field::Name,
                    code_point: name.chars().nth(at).map_or(0, u32::from),
                    at: at + 1,
                }
                .of(Thing::Cluster, &c.code));
            }
            for u in &c.units {
                if let Some(other) = seen.insert(u.clone(), c.code.as_str()) {
                    return Err(Refusal::InTwoClusters {
                        unit: u.to_string(),
                        first: other.to_string(),
                        second: c.code.clone(),
                    });
                }
            }
        }
        self.check_titles()
    }

    fn check_titles(&self) -> Result<(), Refusal> {
        if self.titles.len() > 50 {
            return Err(Refusal::TooMany {
                what: Thing::Award,
                max: 50,
            });
        }
        for t in &self.titles {
            let code: String = t.title.chars().take(60).collect();
            Refusal::text(Field::Award, &t.title, 200).map_err(|e| e.of(Thing::Award, &code))?;
            if t.basis.chars().count() > 1000 {
                return Err(Refusal::TooLong {
                    field: Field::Basis,
                    max: 1000,
                }
                .of(Thing::Award, code));
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
    pub fn parse_clusters(text: &str) -> Result<Vec<Cluster>, Refusal> {
        let mut out = Vec::new();
        for (k, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let parts: Vec<&str> = line.split('|').map(str::trim).collect();
            let [code, name, units] = parts[..] else {
                return Err(
                    Refusal::LineShape { of: Thing::Cluster }.at(Place::Row(Thing::Cluster, k + 1))
                );
            };
            let units = units
                .split([',', ';'])
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(|u| UnitCode::parse(u).map_err(|e| e.at(Place::Row(Thing::Cluster, k + 1))))
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

#[cfg(test)]
mod tests;
