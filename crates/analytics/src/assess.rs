//! Progress rows for indicator × unit × target, and the early-warning list, from the engine.

pub use chitieu_domain::assessment::Method;
use chitieu_domain::assessment::{Case, Goal, Series, assess};
use chitieu_domain::{Decimal, Indicator, Status, Target, TimeAggregation, Unit, UnitCode};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::{Engine, QueryError};

/// One row: an indicator, a unit and one of its targets, assessed by one method.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub indicator: String,
    pub unit: String,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::exact_opt")]
    pub latest_value: Option<f64>,
    pub latest_period: Option<String>,
    pub target_year: i32,
    pub comparator: chitieu_domain::Comparator,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::exact")]
    pub target_value: f64,
    pub met: Option<bool>,
    pub status: Status,
    /// A verdict on a target year that is over (achieved or not achieved), not progress.
    #[serde(rename = "final")]
    pub is_final: bool,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::measure_opt")]
    pub score: Option<f64>,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::measure_opt")]
    pub projected_value: Option<f64>,
    pub projected_year_met: Option<i32>,
    /// The same projections by the compound annual growth rate instead of a straight line.
    #[serde(serialize_with = "chitieu_domain::text::figure_json::measure_opt")]
    pub projected_value_cagr: Option<f64>,
    pub projected_year_met_cagr: Option<i32>,
    /// Latest value as a percentage of the target (`target` method's figures, on every row).
    #[serde(serialize_with = "chitieu_domain::text::figure_json::measure_opt")]
    pub percent_of_target: Option<f64>,
    /// Target minus latest value.
    #[serde(serialize_with = "chitieu_domain::text::figure_json::exact_opt")]
    pub gap: Option<f64>,
    /// The nearest target year not before the as-of year.
    pub current: bool,
    /// The target is the plan owner's, applied to this unit.
    pub inherited: bool,
    /// The target holds every year of this span; this row is its instance for `target_year`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every_year: Option<chitieu_domain::EveryYear>,
    pub base_year: Option<i32>,
    pub latest_year: Option<i32>,
    /// Why there is no status, when there is none.
    pub reason: Option<String>,
    pub method: Method,
    /// The latest figure is not yet accepted by the standing office (set by the caller,
    /// who holds both the provisional and the official figures).
    pub provisional: bool,
}

/// For JSON and growth maths; comparisons stay on exact decimals.
fn f(d: Decimal) -> f64 {
    d.to_string().parse().unwrap_or(f64::NAN)
}

/// Targets that apply to `unit`: its own, or else, for ratio indicators the unit reports,
/// the plan owner's (a commune is held to the province's percentage).
pub fn targets_for<'a>(
    indicators: &'a [Indicator],
    targets: &'a [Target],
    owner: &UnitCode,
    unit: &Unit,
) -> Vec<(&'a Indicator, &'a Target, bool)> {
    let mut out = Vec::new();
    for ind in indicators {
        let own: Vec<&Target> = targets
            .iter()
            .filter(|t| t.indicator == ind.code && t.unit == unit.code)
            .collect();
        if !own.is_empty() {
            out.extend(own.into_iter().map(|t| (ind, t, false)));
        } else if &unit.code != owner && ind.is_ratio() && ind.reported_by_kind(unit.kind) {
            out.extend(
                targets
                    .iter()
                    .filter(|t| t.indicator == ind.code && &t.unit == owner)
                    .map(|t| (ind, t, true)),
            );
        }
    }
    out
}

/// The rows a reader needs to see: every dated target, and of a target that recurs every
/// year its years up to the current one (later years repeat the current one's question).
pub fn in_sight(rows: Vec<Row>, as_of: NaiveDate) -> Vec<Row> {
    rows.into_iter()
        .filter(|r| {
            r.every_year
                .is_none_or(|span| r.target_year <= as_of.year().max(span.from))
        })
        .collect()
}

/// A target as it applies to one unit.
struct Applies<'a> {
    ind: &'a Indicator,
    target: &'a Target,
    inherited: bool,
    current: bool,
}

pub struct Context<'a> {
    pub engine: &'a Engine,
    pub indicators: &'a [Indicator],
    pub targets: &'a [Target],
    pub owner: &'a UnitCode,
    pub baseline_year: i32,
}

impl Context<'_> {
    /// Every target of `unit`, assessed as of `as_of`.
    pub fn assess(
        &self,
        unit: &Unit,
        as_of: NaiveDate,
        method: Method,
    ) -> Result<Vec<Row>, QueryError> {
        self.assess_again(unit, as_of, method, &[], |_| true)
    }

    /// [`Context::assess`] computing only the rows of the indicators `changed` names; the
    /// others are taken from `before`, the same question's answer over figures and targets
    /// that differ from these only in those indicators. A row `before` lacks is computed.
    pub fn assess_again(
        &self,
        unit: &Unit,
        as_of: NaiveDate,
        method: Method,
        before: &[Row],
        changed: impl Fn(&str) -> bool,
    ) -> Result<Vec<Row>, QueryError> {
        let applicable = targets_for(self.indicators, self.targets, self.owner, unit);
        let mut kept: std::collections::HashMap<&str, std::collections::VecDeque<&Row>> =
            std::collections::HashMap::new();
        for r in before {
            kept.entry(r.indicator.as_str()).or_default().push_back(r);
        }
        let mut rows = Vec::with_capacity(applicable.len());
        for (ind, t, inherited) in &applicable {
            let current_year = applicable
                .iter()
                .filter(|(i, x, _)| i.code == ind.code && x.year >= as_of.year())
                .map(|(_, x, _)| x.year)
                .min();
            let applies = Applies {
                ind,
                target: t,
                inherited: *inherited,
                current: Some(t.year) == current_year,
            };
            let old = kept
                .get_mut(ind.code.as_str())
                .and_then(|q| q.pop_front())
                .filter(|r| !changed(&ind.code) && r.target_year == t.year);
            rows.push(match old {
                Some(r) => r.clone(),
                None => self.row(&applies, unit, as_of, method)?,
            });
        }
        Ok(rows)
    }

    fn row(
        &self,
        a: &Applies,
        unit: &Unit,
        as_of: NaiveDate,
        method: Method,
    ) -> Result<Row, QueryError> {
        let (ind, t, current, inherited) = (a.ind, a.target, a.current, a.inherited);
        let yearly = self.engine.yearly(&ind.code, &unit.code, as_of)?;
        let series = Series::new(yearly.iter().map(|(y, fig)| (*y, fig.value)).collect());
        let case = Case {
            series: &series,
            goal: Goal {
                year: t.year,
                comparator: t.comparator,
                value: t.value,
            },
            direction: ind.direction,
            natural_limit: ind.natural_limit,
            baseline_year: self.baseline_year,
            as_of,
            frequency: ind.frequency,
            last_period_of_target_year: yearly
                .iter()
                .find(|(y, _)| *y == t.year)
                .map(|(_, fig)| fig.last_period),
        };
        let judged = assess(method, &case);
        // What is shown beside the status is what it was judged on: data up to the target year.
        let latest = yearly.iter().rfind(|(y, _)| *y <= t.year);
        let check = judged.check.as_ref();
        let proj = &judged.projection;
        // A trend cannot carry a coverage past 100%.
        let cap = |v: f64| match ind.natural_limit {
            Some(l) if ind.direction != chitieu_domain::Direction::Decrease => v.min(f(l)),
            _ => v,
        };
        Ok(Row {
            indicator: ind.code.clone(),
            unit: unit.code.to_string(),
            latest_value: latest.map(|(_, fig)| f(fig.value)),
            latest_period: latest.map(|(y, fig)| {
                if ind.time_aggregation == TimeAggregation::Last {
                    fig.last_period.to_string()
                } else {
                    y.to_string()
                }
            }),
            target_year: t.year,
            comparator: t.comparator,
            target_value: f(t.value),
            met: check.map(|c| c.met),
            status: judged.status,
            is_final: judged.is_final,
            score: judged.score,
            projected_value: proj.linear_value.map(cap),
            projected_year_met: proj.linear_year_met,
            projected_value_cagr: proj.cagr_value.map(cap),
            projected_year_met_cagr: proj.cagr_year_met,
            percent_of_target: check.and_then(|c| c.percent_of_target),
            gap: check.map(|c| f(c.gap)),
            current,
            inherited,
            every_year: t.every_year,
            base_year: judged.years.map(|y| y.base),
            latest_year: latest.map(|(y, _)| *y),
            reason: judged.reason,
            method,
            provisional: false,
        })
    }

    /// Triples that will miss their target at the current pace, most at risk first: targets
    /// not yet due, not met, whose linear projection falls short by the target year.
    pub fn early_warning(
        &self,
        units: &[&Unit],
        as_of: NaiveDate,
    ) -> Result<Vec<Warning>, QueryError> {
        let mut out = Vec::new();
        for unit in units {
            for row in self.assess(unit, as_of, Method::Projection)? {
                if row.target_year < as_of.year() || row.status != Status::WillMiss {
                    continue;
                }
                let Some(projected) = row.projected_value else {
                    continue;
                };
                let ind = self.indicators.iter().find(|i| i.code == row.indicator);
                let sign = match ind.map(|i| i.direction) {
                    Some(chitieu_domain::Direction::Decrease) => -1.0,
                    _ => 1.0,
                };
                let shortfall = sign * (row.target_value - projected);
                let relative = if row.target_value != 0.0 {
                    shortfall / row.target_value.abs()
                } else {
                    shortfall
                };
                out.push(Warning {
                    shortfall,
                    relative_shortfall: relative,
                    row,
                });
            }
        }
        out.sort_by(|a, b| b.relative_shortfall.total_cmp(&a.relative_shortfall));
        Ok(out)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    #[serde(flatten)]
    pub row: Row,
    /// Target minus projected value, in the indicator's unit (positive: short of it).
    #[serde(serialize_with = "chitieu_domain::text::figure_json::measure")]
    pub shortfall: f64,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::measure")]
    pub relative_shortfall: f64,
}
