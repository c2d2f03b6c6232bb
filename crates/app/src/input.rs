//! What a reader asks for, checked: the day an assessment is made as of, which figures
//! (provisional or official), a period code; and the refusal when it cannot be used.

use chitieu_domain::Period;
use chitieu_domain::refusal::{Field, Place, Refusal};
use std::str::FromStr;

/// The day an assessment is made as of: today by default, and a day whose year periods can
/// name (a year 9999 overflowed the engine's period keys and took the request down).
pub(crate) fn checked_as_of(
    as_of: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
) -> Result<chrono::NaiveDate, BadInput> {
    use chrono::Datelike;
    let day = as_of.unwrap_or(today);
    let years = chitieu_domain::period::PERIOD_YEARS;
    if years.contains(&day.year()) {
        Ok(day)
    } else {
        Err(BadInput(
            Refusal::YearOutOfRange {
                year: day.year(),
                first: *years.start(),
                last: *years.end(),
            }
            .at(Place::Field("as_of")),
        ))
    }
}

/// Input a person or a client got wrong in a question (a 400): the rule that refused it.
#[derive(Debug, Clone, PartialEq)]
pub struct BadInput(pub Refusal);

/// For logs: the refusal's code and data.
impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {:?}", self.0.code(), self.0)
    }
}

impl std::error::Error for BadInput {}

impl From<Refusal> for BadInput {
    fn from(r: Refusal) -> BadInput {
        BadInput(r)
    }
}

/// Which figures a question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Data {
    /// Every figure entered, those not yet accepted included (internal pages).
    #[default]
    Provisional,
    /// Accepted figures only (the public page, official reports).
    Official,
}

impl FromStr for Data {
    type Err = BadInput;
    fn from_str(s: &str) -> Result<Data, BadInput> {
        match s {
            "provisional" => Ok(Data::Provisional),
            "official" => Ok(Data::Official),
            other => Err(BadInput(Refusal::not_one_of(
                Field::Data,
                other,
                ["official", "provisional"],
            ))),
        }
    }
}

/// A period code from a query (`2026Q3`); empty is none.
pub fn optional_period(s: Option<&str>) -> Result<Option<Period>, BadInput> {
    s.map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| Period::read(p).map_err(|e: chitieu_domain::PeriodError| BadInput(e.into())))
        .transpose()
}
