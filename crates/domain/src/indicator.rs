//! The plan: groups of indicators, how each is measured and aggregated, and its targets.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::period::PeriodKind;
use crate::unit::{UnitCode, UnitKind};

/// A plan owned by a steering committee, e.g. Thái Nguyên's plan for Resolution 57.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub code: String,
    pub name: String,
    /// The title in English, for the pages in English; empty: none given.
    #[serde(default)]
    pub name_en: String,
    /// The unit whose steering committee owns the plan (the province).
    pub owner: UnitCode,
    /// Baseline year for progress assessment.
    pub baseline_year: i32,
    pub start_year: i32,
    pub end_year: i32,
    #[serde(default)]
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub code: String,
    pub name: String,
    pub name_en: String,
}

/// How a value is formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// A number typed or pushed as is (a coverage %, a count).
    Number,
    /// numerator / denominator × factor (factor 100 for a percentage).
    Ratio,
}

/// Aggregation over time within a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeAggregation {
    /// A flow: the sum over the period.
    Sum,
    /// A stock: the latest value in the period.
    Last,
    Average,
}

/// Aggregation over units (from descendants to an ancestor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitAggregation {
    Sum,
    /// Sum the numerators and the denominators, then divide; never average percentages.
    RatioOfSums,
    Average,
    /// Reported at one level only.
    None,
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Increase,
    Decrease,
    Neutral,
}

macro_rules! str_names {
    ($t:ty, $field:ident { $($v:ident => $s:literal),+ $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),+ }
            }
        }
        impl std::str::FromStr for $t {
            type Err = crate::Refusal;
            fn from_str(s: &str) -> Result<Self, crate::Refusal> {
                match s {
                    $($s => Ok(Self::$v),)+
                    _ => Err(crate::Refusal::not_one_of(crate::Field::$field, s, [$($s),+])),
                }
            }
        }
    };
}

str_names!(Measure, Measure { Number => "number", Ratio => "ratio" });
str_names!(TimeAggregation, TimeAggregation { Sum => "sum", Last => "last", Average => "average" });
str_names!(UnitAggregation, UnitAggregation { Sum => "sum", RatioOfSums => "ratio_of_sums", Average => "average", None => "none" });
str_names!(Direction, Direction { Increase => "increase", Decrease => "decrease", Neutral => "neutral" });

/// An indicator of the plan. A key a plan file misspells is refused, never ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub code: String,
    pub group: String,
    pub name: String,
    pub name_en: String,
    #[serde(default)]
    pub definition: String,
    /// "%", "doanh nghiệp", "sản phẩm"...
    pub unit_of_measure: String,
    /// The unit of measure in English ("enterprises"); empty: the same in both languages.
    #[serde(default)]
    pub unit_of_measure_en: String,
    pub measure: Measure,
    /// For ratios: value = numerator / denominator × factor.
    #[serde(default)]
    pub factor: Option<Decimal>,
    #[serde(default)]
    pub numerator_label: Option<String>,
    /// English wording of the definition and of the two labels; empty: none given.
    #[serde(default)]
    pub definition_en: String,
    #[serde(default)]
    pub numerator_label_en: String,
    #[serde(default)]
    pub denominator_label_en: String,
    #[serde(default)]
    pub denominator_label: Option<String>,
    pub time_aggregation: TimeAggregation,
    pub unit_aggregation: UnitAggregation,
    pub direction: Direction,
    /// A bound no value can pass, e.g. 100 for a coverage percentage.
    #[serde(default)]
    pub natural_limit: Option<Decimal>,
    pub frequency: PeriodKind,
    /// Kinds of unit that report values of this indicator.
    pub reported_by: Vec<UnitKind>,
    pub lead_unit: UnitCode,
    #[serde(default)]
    pub coordinating_units: Vec<UnitCode>,
    #[serde(default)]
    pub data_source: String,
    /// Set when the value is derived from records rather than typed (e.g. research results).
    #[serde(default)]
    pub derived_from: Option<String>,
}

impl Indicator {
    pub fn is_ratio(&self) -> bool {
        self.measure == Measure::Ratio
    }

    pub fn ratio_factor(&self) -> Decimal {
        self.factor.unwrap_or(Decimal::ONE)
    }

    /// A percentage of a part of a whole: the numerator can never exceed the denominator.
    pub fn is_share(&self) -> bool {
        self.is_ratio() && self.ratio_factor() == Decimal::ONE_HUNDRED
    }

    pub fn reported_by_kind(&self, kind: UnitKind) -> bool {
        self.reported_by.contains(&kind)
    }
}
