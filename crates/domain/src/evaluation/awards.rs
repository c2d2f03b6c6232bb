//! Titles of emulation and commendation and the proposals they make from the ratings.

use crate::refusal::{Field, Place, Refusal, Thing};
use serde::{Deserialize, Serialize};

use super::Rating;
use crate::unit::UnitCode;

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
pub fn parse_titles(text: &str) -> Result<Vec<TitleRule>, Refusal> {
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let n = k + 1;
        let parts: Vec<&str> = line.splitn(4, '|').map(str::trim).collect();
        let [title, scope, rating, basis] = parts[..] else {
            return Err(Refusal::LineShape { of: Thing::Award }.at(Place::Row(Thing::Award, n)));
        };
        let top_of_cluster = match scope.to_lowercase().as_str() {
            "cụm" | "cum" => true,
            "tất cả" | "tat ca" => false,
            other => {
                return Err(Refusal::not_one_of(Field::Scope, other, ["cụm", "tất cả"])
                    .at(Place::Row(Thing::Award, n)));
            }
        };
        let at_least = Rating::parse(rating).ok_or_else(|| {
            Refusal::not_one_of(
                Field::Rating,
                rating,
                ["excellent", "good", "complete", "not_complete"],
            )
            .at(Place::Row(Thing::Award, n))
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
pub fn parse_proposals(text: &str) -> Result<Vec<Proposal>, Refusal> {
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let row = Place::Row(Thing::Proposal, k + 1);
        let mut parts = line.splitn(3, '|').map(str::trim);
        let (Some(unit), Some(title)) = (parts.next(), parts.next()) else {
            return Err(Refusal::LineShape {
                of: Thing::Proposal,
            }
            .at(row));
        };
        let reason = parts.next().unwrap_or("");
        let unit = UnitCode::parse(unit).map_err(|e| e.at(row.clone()))?;
        Refusal::text(Field::Award, title, 200).map_err(|e| e.at(row.clone()))?;
        if reason.chars().count() > 1000 {
            return Err(Refusal::TooLong {
                field: Field::Reason,
                max: 1000,
            }
            .at(row));
        }
        if let Some(at) = line.chars().position(char::is_control) {
            return Err(Refusal::ControlCharacter {
                field: Field::Proposal,
                code_point: line.chars().nth(at).map_or(0, u32::from),
                at: at + 1,
            }
            .at(row));
        }
        out.push(Proposal {
            unit,
            title: title.to_string(),
            reason: reason.to_string(),
        });
        if out.len() > 5000 {
            return Err(Refusal::TooMany {
                what: Thing::Proposal,
                max: 5000,
            });
        }
    }
    Ok(out)
}
