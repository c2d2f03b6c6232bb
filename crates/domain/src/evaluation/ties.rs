//! The emulation council's choice between units tied at the cut of "excellent": the system
//! never picks among them, it puts the places left to the council and records its decision.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::PeerGroup;
use crate::refusal::{Field, Refusal};
use crate::unit::UnitCode;

/// The longest decision number kept ("125/QĐ-HĐTĐKT").
pub const MAX_DECISION_NUMBER: usize = 60;

/// The council's decision for one peer group of a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TieDecision {
    pub group: PeerGroup,
    /// The units given the places left (none is a decision too).
    pub chosen: Vec<UnitCode>,
    /// The units tied at the cut when the council decided, and the places left then: the
    /// decision holds while the tie is the same, and is put back to the council otherwise.
    pub tied: Vec<UnitCode>,
    pub places_left: usize,
    /// The decision's number and date ("12/QĐ-HĐTĐKT", 15/01/2026).
    pub number: String,
    pub date: NaiveDate,
    /// Who recorded it (the person's name and office, else the login).
    #[serde(default)]
    pub recorded_by: String,
}

impl TieDecision {
    /// Whether the decision answers this cut: the same units tied, the same places left.
    pub fn answers(&self, tied: &[UnitCode], places_left: usize) -> bool {
        let mut a: Vec<&UnitCode> = self.tied.iter().collect();
        let mut b: Vec<&UnitCode> = tied.iter().collect();
        a.sort();
        b.sort();
        a == b && self.places_left == places_left
    }
}

/// The checks on a decision against the cut it answers (`tied` by code, `places_left`): a tie to decide,
/// only tied units chosen, each once, no more than the places left; a number and a date
/// not before the year it decides nor after today. Gives the number as kept.
pub fn check_decision(
    places_left: usize,
    tied: &[UnitCode],
    chosen: &[UnitCode],
    number: &str,
    date: NaiveDate,
    year: i32,
    today: NaiveDate,
) -> Result<String, Refusal> {
    if tied.is_empty() || places_left == 0 {
        return Err(Refusal::NoTieAtCut);
    }
    for (k, u) in chosen.iter().enumerate() {
        if !tied.contains(u) {
            return Err(Refusal::NotTied {
                unit: u.to_string(),
            });
        }
        if chosen[..k].contains(u) {
            return Err(Refusal::Duplicate {
                what: crate::refusal::Thing::Unit,
                code: u.to_string(),
            });
        }
    }
    if chosen.len() > places_left {
        return Err(Refusal::TooManyChosen {
            chosen: chosen.len(),
            places: places_left,
        });
    }
    let number = crate::text::clean_text(
        Field::Number,
        number,
        MAX_DECISION_NUMBER,
        crate::text::TextKind::Line,
    )?;
    Refusal::text(Field::Number, &number, MAX_DECISION_NUMBER)?;
    if date > today {
        return Err(Refusal::DateInFuture {
            field: Field::Date,
            date,
            today,
        });
    }
    if let Some(first) = NaiveDate::from_ymd_opt(year, 1, 1)
        && date < first
    {
        return Err(Refusal::OutOfRange {
            field: Field::Date,
            value: date.format("%d/%m/%Y").to_string(),
            min: first.format("%d/%m/%Y").to_string(),
            max: today.format("%d/%m/%Y").to_string(),
        });
    }
    Ok(number)
}
