//! The aggregate engine: the value of indicator I for unit U over period P, from memory,
//! updated by every write. No rebuild step: the write path calls [`Engine::set`] after commit.
//!
//! Rules (the naive model in `tests/rollups.rs` states them once more, plainly):
//! - A value is stored at the indicator's own frequency (its "elementary" periods).
//! - At one elementary period, a unit's value is its own reported value when it has one
//!   (a unit's own report stands for its whole subtree); otherwise its children's values
//!   combined by the indicator's aggregation over units: sum; ratio of sums (numerators and
//!   denominators summed apart, never an average of percentages); average; or none.
//! - Values reported under a unit after it ceased (merged or split) count toward its first
//!   successor; values from before stay where they were.
//! - Over a longer period, the elementary values are combined by the aggregation over time:
//!   sum (flows), last (stocks), average (ratio indicators: ratio of the sums).
//! - Missing stays missing: no data is never zero.
//!
//! Memory: each stored value takes a 2-byte period key and one 16-byte decimal (two for
//! ratios: numerator and denominator), so 18 or 34 bytes, plus 80 bytes per
//! indicator × unit series, and the rolled-up series of units that have children.

pub mod assess;
mod engine;
mod query;
mod series;
mod succession;

pub use engine::QueryError;
pub use engine::{Engine, Write};
pub use query::{Contribution, Figure};
pub use series::Cell;

/// What a query was refused for, as the rules say it.
impl From<QueryError> for chitieu_domain::Refusal {
    fn from(e: QueryError) -> Self {
        use chitieu_domain::{Refusal, Thing};
        match e {
            QueryError::UnknownIndicator(code) => Refusal::Unknown {
                what: Thing::Indicator,
                code,
            },
            QueryError::UnknownUnit(code) => Refusal::Unknown {
                what: Thing::Unit,
                code,
            },
            QueryError::TooFine {
                indicator,
                frequency,
            } => Refusal::PeriodTooFine {
                indicator,
                frequency: frequency.as_str().to_string(),
            },
        }
    }
}

/// For logs: the query's fault and its data (people read the refusal's words).
impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for QueryError {}
