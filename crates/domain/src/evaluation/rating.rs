//! The four ratings, the peer groups ranked together, and the quota on "excellent".

use serde::{Deserialize, Serialize};

use super::round2;
use crate::unit::UnitKind;

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
    pub const ALL: [PeerGroup; 2] = [PeerGroup::Departments, PeerGroup::Communes];

    /// The group of its code (`departments`, `communes`).
    pub fn from_code(s: &str) -> Option<PeerGroup> {
        PeerGroup::ALL.into_iter().find(|g| g.as_str() == s)
    }

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

/// One unit's place among its peers, for [`rate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: f64,
    /// Points from targets: results come before process when scores tie.
    pub target_points: f64,
}

/// Where "excellent" is cut in one peer group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cut {
    /// Places under the quota.
    pub seats: usize,
    /// Places left once every unit clear of the cut holds one: the emulation council's to
    /// fill from `tied` (0 when nobody is tied at the cut).
    pub places_left: usize,
    /// Units (input indices) tied at the cut: as many or more of them than places left, on
    /// the same score and the same points from targets.
    pub tied: Vec<usize>,
}

/// A peer group's ratings and ranks, in input order, and where "excellent" was cut.
#[derive(Debug, Clone, PartialEq)]
pub struct Rated {
    pub units: Vec<(Rating, usize)>,
    pub cut: Cut,
}

/// The ratings of one peer group, in input order: each score's band, then "excellent" held
/// to `quota` × the number banded "good" or above (rounded down: the quota is a ceiling),
/// highest scores first. Ties are broken by points from targets. Units still tied at the cut
/// are not the system's to choose between: the emulation council decides (`chosen`, input
/// indices among `cut.tied`, at most `cut.places_left`); until it does they are rated
/// "good", so the quota is never exceeded. Also each unit's rank (1 = best; equal scores
/// share a rank).
pub fn rate(scored: &[Scored], quota: f64, chosen: Option<&[usize]>) -> Rated {
    let mut units: Vec<(Rating, usize)> = scored
        .iter()
        .map(|s| (Rating::band(s.score), rank_of(scored, s.score)))
        .collect();
    let good_or_above = units
        .iter()
        .filter(|(r, _)| matches!(r, Rating::Excellent | Rating::Good))
        .count();
    let seats = (quota * good_or_above as f64 + 1e-9).floor() as usize;
    let key = |k: usize| (round2(scored[k].score), round2(scored[k].target_points));
    let mut banded: Vec<usize> = (0..scored.len())
        .filter(|&k| units[k].0 == Rating::Excellent)
        .collect();
    banded.sort_by(|&a, &b| {
        key(b)
            .partial_cmp(&key(a))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    // The last seat's holder shares its key with the first one left out: the tie straddles
    // the cut, and every unit with that key is the council's to decide.
    let straddles =
        seats > 0 && banded.len() > seats && key(banded[seats - 1]) == key(banded[seats]);
    let mut cut = Cut {
        seats,
        ..Cut::default()
    };
    if straddles {
        let at = key(banded[seats]);
        cut.tied = banded.iter().copied().filter(|&k| key(k) == at).collect();
        cut.tied.sort_unstable();
        let clear = banded[..seats].iter().filter(|&&k| key(k) != at).count();
        cut.places_left = seats - clear;
    }
    for (place, &k) in banded.iter().enumerate() {
        let decided = chosen.is_some_and(|c| c.contains(&k));
        let excellent = if cut.tied.contains(&k) {
            decided
        } else {
            place < seats
        };
        if !excellent {
            units[k].0 = Rating::Good;
        }
    }
    Rated { units, cut }
}

fn rank_of(scored: &[Scored], score: f64) -> usize {
    1 + scored
        .iter()
        .filter(|s| round2(s.score) > round2(score))
        .count()
}
