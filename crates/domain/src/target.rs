//! A dated target and what a target may hold.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::comparator::Comparator;
use crate::indicator::Direction;
use crate::text::{COMMENT_MAX, TextKind, clean_text};
use crate::unit::UnitCode;
use crate::value::check_bounds;

/// A dated target: indicator × unit × year × comparator × value, with the source wording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub indicator: String,
    pub unit: UnitCode,
    pub year: i32,
    pub comparator: Comparator,
    pub value: Decimal,
    /// As the source document says it, e.g. "Trên 60%".
    pub wording: String,
}

/// Years a target may name: anything else is a typing slip, not a plan.
pub const TARGET_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

impl Target {
    /// The target as it may be stored, whether it comes from a plan file, a form or the API:
    /// the value within the figures' bounds, a plausible year, the wording cleaned and present.
    /// The error names the target and the reason.
    pub fn checked(self) -> Result<Target, String> {
        let at = |m: String| format!("mục tiêu {} năm {}: {m}", self.indicator, self.year);
        if !TARGET_YEARS.contains(&self.year) {
            return Err(at(format!(
                "năm nằm ngoài {}–{}",
                TARGET_YEARS.start(),
                TARGET_YEARS.end()
            )));
        }
        let value = check_bounds("value", self.value).map_err(|e| at(e.to_string()))?;
        let wording = clean_text(
            "nguyên văn mục tiêu",
            &self.wording,
            COMMENT_MAX,
            TextKind::Multiline,
        )
        .map_err(|e| at(e.to_string()))?;
        if wording.is_empty() {
            return Err(at("thiếu nguyên văn mục tiêu".into()));
        }
        Ok(Target {
            value,
            wording,
            ..self
        })
    }

    pub fn is_met(&self, direction: Direction, value: Decimal) -> bool {
        self.comparator.meets(direction, value, self.value)
    }
}
