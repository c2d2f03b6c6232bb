//! One target of one unit, judged as of a day by one method: a final verdict once the
//! target's year is over and its data are in, the method's progress status before that.
//! Every page, the API and the command line take their status from here.

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use std::str::FromStr;

use super::{
    Goal, Projection, Series, TargetCheck, Years, check_target, opensdg, projection, unsd2022,
};
use crate::indicator::Direction;
use crate::period::{Period, PeriodKind};
use crate::status::Status;

/// The published methods (ASSESSMENT.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Target,
    Unsd2022,
    Opensdg,
    Projection,
}

impl Method {
    pub const ALL: [Method; 4] = [
        Method::Target,
        Method::Unsd2022,
        Method::Opensdg,
        Method::Projection,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Target => "target",
            Method::Unsd2022 => "unsd2022",
            Method::Opensdg => "opensdg",
            Method::Projection => "projection",
        }
    }
}

impl FromStr for Method {
    type Err = crate::Refusal;
    fn from_str(s: &str) -> Result<Self, crate::Refusal> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                crate::Refusal::not_one_of(
                    crate::Field::Method,
                    s,
                    Method::ALL.iter().map(|x| x.as_str()),
                )
            })
    }
}

/// Days after a year ends by which its figures are due. Official yearly figures (GRDP,
/// spending, surveys) are published in the first quarter of the next year; after this a
/// target year is judged on what has been reported.
pub const YEAR_FIGURES_DUE_DAYS: u64 = 90;

/// The day after which a year's figures are taken as complete even if a period is missing.
pub fn year_figures_due(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)?.checked_add_days(Days::new(YEAR_FIGURES_DUE_DAYS))
}

/// Everything a judgement needs about one target of one unit.
#[derive(Debug, Clone)]
pub struct Case<'a> {
    /// Yearly values known on `as_of`, any years.
    pub series: &'a Series,
    pub goal: Goal,
    pub direction: Direction,
    pub natural_limit: Option<Decimal>,
    pub baseline_year: i32,
    pub as_of: NaiveDate,
    /// How often the indicator is reported.
    pub frequency: PeriodKind,
    /// The latest period with data inside the target year, if any.
    pub last_period_of_target_year: Option<Period>,
}

impl Case<'_> {
    /// The target's year is over on the as-of day.
    pub fn year_ended(&self) -> bool {
        self.as_of.year() > self.goal.year
    }

    /// The target year's data are in: its last period is reported, or the figures were due
    /// and what arrived is what there is.
    pub fn year_complete(&self) -> bool {
        let last = NaiveDate::from_ymd_opt(self.goal.year, 12, 31)
            .map(|d| Period::containing(d, self.frequency));
        let reported =
            self.last_period_of_target_year.is_some() && self.last_period_of_target_year == last;
        let overdue = year_figures_due(self.goal.year).is_some_and(|d| self.as_of > d);
        reported || overdue
    }
}

/// A target judged: its status, whether it is final, and the figures behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub status: Status,
    /// A verdict on a target year that is over: it will not change unless the data do.
    pub is_final: bool,
    /// The latest value up to the target year against the target.
    pub check: Option<TargetCheck>,
    pub projection: Projection,
    pub score: Option<f64>,
    pub years: Option<Years>,
    pub reason: Option<String>,
}

/// Judges one case by one method. A target year that is over gets a verdict whatever the
/// method: achieved or not achieved on that year's value, or awaiting data. A target ahead
/// gets the method's progress status, which is never "not achieved".
pub fn assess(method: Method, case: &Case) -> Assessment {
    let goal = &case.goal;
    // A target is judged on the data of the years up to its own.
    let series = Series::new(
        case.series
            .points()
            .iter()
            .copied()
            .filter(|(y, _)| *y <= goal.year)
            .collect(),
    );
    let check = check_target(&series, goal, case.direction);
    let proj = projection(&series, goal, case.direction, case.baseline_year);
    let mut out = Assessment {
        status: Status::InsufficientData,
        is_final: false,
        check,
        projection: proj,
        score: None,
        years: None,
        reason: None,
    };
    if case.year_ended() {
        let of_year = series.latest().filter(|(y, _)| *y == goal.year);
        match of_year {
            Some((_, v)) if case.year_complete() => {
                out.is_final = true;
                out.status = if goal.comparator.meets(case.direction, v, goal.value) {
                    Status::Achieved
                } else {
                    Status::NotAchieved
                };
                out.years = series.base(case.baseline_year).map(|(b, _)| Years {
                    base: b,
                    latest: goal.year,
                });
            }
            Some(_) => {
                out.status = Status::AwaitingData;
                out.reason = Some(format!(
                    "số liệu năm {} chưa đủ các kỳ và chưa hết hạn báo cáo",
                    goal.year
                ));
            }
            None => {
                out.status = Status::AwaitingData;
                out.reason = Some(format!("chưa có số liệu năm {}", goal.year));
            }
        }
        return out;
    }
    match method {
        Method::Target => {
            out.status = match &out.check {
                None => Status::NoData,
                Some(c) if c.met => Status::Met,
                Some(_) => Status::NotMet,
            };
            out.years = out.check.as_ref().map(|c| Years {
                base: c.latest_year,
                latest: c.latest_year,
            });
        }
        Method::Unsd2022 => {
            let u = unsd2022(&series, goal, case.direction, case.baseline_year);
            out.status = u.status.into();
            out.years = u.years;
            out.reason = u.reason;
        }
        Method::Opensdg => {
            let o = opensdg(
                &series,
                Some(goal),
                case.direction,
                case.natural_limit,
                case.baseline_year,
            );
            out.status = o.status.into();
            out.score = o.score;
            out.years = o.years;
            out.reason = o.reason;
        }
        Method::Projection => {
            out.status = match (&out.check, out.projection.linear_value) {
                (Some(c), _) if c.met => Status::Met,
                (_, None) => Status::InsufficientData,
                _ if out.projection.linear_year_met.is_some() => Status::WillMeet,
                _ => Status::WillMiss,
            };
            out.years = out.projection.years;
            out.reason = out.projection.reason.clone();
        }
    }
    out
}
