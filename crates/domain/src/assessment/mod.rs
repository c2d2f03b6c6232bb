//! Progress assessment of one indicator for one unit against one target, by the published
//! methods (see ASSESSMENT.md in the design folder): `target`, `unsd2022`, `opensdg` and
//! `projection`. Inputs are yearly values already aggregated over time. Growth rates are
//! floating point by nature; whether a target is met is decided exactly by the comparator.

use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;
use serde::Serialize;

use crate::comparator::Comparator;
use crate::indicator::Direction;

/// Yearly values, one per year.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    points: Vec<(i32, Decimal)>,
}

impl Series {
    pub fn new(mut points: Vec<(i32, Decimal)>) -> Series {
        points.sort_by_key(|p| p.0);
        points.dedup_by_key(|p| p.0);
        Series { points }
    }

    pub fn points(&self) -> &[(i32, Decimal)] {
        &self.points
    }

    pub fn latest(&self) -> Option<(i32, Decimal)> {
        self.points.last().copied()
    }

    /// The plan's baseline year when it has data; else the earliest year with data after it;
    /// else the earliest year with data.
    pub fn base(&self, baseline_year: i32) -> Option<(i32, Decimal)> {
        self.points
            .iter()
            .find(|(y, _)| *y >= baseline_year)
            .or(self.points.first())
            .copied()
    }
}

/// Compound annual growth rate between two observations.
pub fn cagr(x1: f64, x0: f64, t1: i32, t0: i32) -> Option<f64> {
    if t1 == t0 || x0 == 0.0 {
        return None;
    }
    let ratio = x1 / x0;
    if ratio < 0.0 {
        return None;
    }
    let g = ratio.powf(1.0 / f64::from(t1 - t0)) - 1.0;
    g.is_finite().then_some(g)
}

use crate::text::decimal_f64 as f;

/// The target an assessment is made against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goal {
    pub year: i32,
    pub comparator: Comparator,
    pub value: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnsdStatus {
    Achieved,
    OnTrack,
    FairProgress,
    LimitedProgress,
    Deterioration,
    InsufficientData,
}

impl UnsdStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UnsdStatus::Achieved => "achieved",
            UnsdStatus::OnTrack => "on_track",
            UnsdStatus::FairProgress => "fair_progress",
            UnsdStatus::LimitedProgress => "limited_progress",
            UnsdStatus::Deterioration => "deterioration",
            UnsdStatus::InsufficientData => "insufficient_data",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenSdgStatus {
    TargetAchieved,
    SubstantialProgress,
    ModerateProgress,
    LimitedProgress,
    Deterioration,
    NotAvailable,
}

impl OpenSdgStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OpenSdgStatus::TargetAchieved => "target_achieved",
            OpenSdgStatus::SubstantialProgress => "substantial_progress",
            OpenSdgStatus::ModerateProgress => "moderate_progress",
            OpenSdgStatus::LimitedProgress => "limited_progress",
            OpenSdgStatus::Deterioration => "deterioration",
            OpenSdgStatus::NotAvailable => "not_available",
        }
    }
}

/// The years an assessment used, shown next to every status.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Years {
    pub base: i32,
    pub latest: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetCheck {
    pub latest_year: i32,
    pub latest_value: Decimal,
    pub met: bool,
    /// v_t / V × 100 for an increase-desired indicator, V / v_t × 100 for a decrease.
    pub percent_of_target: Option<f64>,
    /// V − v_t.
    pub gap: Decimal,
}

/// `target`: the latest value against the target, exactly.
pub fn check_target(series: &Series, goal: &Goal, direction: Direction) -> Option<TargetCheck> {
    let (t, v) = series.latest()?;
    let pct = match direction {
        Direction::Decrease if !v.is_zero() => Some(f(goal.value) / f(v) * 100.0),
        Direction::Decrease => None,
        _ if !goal.value.is_zero() => Some(f(v) / f(goal.value) * 100.0),
        _ => None,
    };
    Some(TargetCheck {
        latest_year: t,
        latest_value: v,
        met: goal.comparator.meets(direction, v, goal.value),
        percent_of_target: pct,
        gap: goal.value - v,
    })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unsd {
    pub status: UnsdStatus,
    /// CAGR actual / CAGR required.
    pub ratio: Option<f64>,
    pub years: Option<Years>,
    /// Why there is no status, when there is none.
    pub reason: Option<String>,
}

fn insufficient(reason: &str, years: Option<Years>) -> Unsd {
    Unsd {
        status: UnsdStatus::InsufficientData,
        ratio: None,
        years,
        reason: Some(reason.to_string()),
    }
}

/// `unsd2022`: UN SDG Progress Chart, technical note 2022.
pub fn unsd2022(series: &Series, goal: &Goal, direction: Direction, baseline_year: i32) -> Unsd {
    let Some((t, vt)) = series.latest() else {
        return insufficient("chưa có số liệu", None);
    };
    let (b, vb) = series
        .base(baseline_year)
        .expect("a series with a latest year has a base");
    let years = Some(Years { base: b, latest: t });
    if goal.comparator.meets(direction, vt, goal.value) {
        return Unsd {
            status: UnsdStatus::Achieved,
            ratio: None,
            years,
            reason: None,
        };
    }
    if b >= t {
        return insufficient("cần số liệu của ít nhất hai năm", years);
    }
    if goal.year <= b {
        return insufficient("năm mục tiêu không sau năm gốc", years);
    }
    // A base that met the target and a latest value that no longer does: deterioration,
    // whatever the rates (a base exactly at the target has no required rate at all).
    let lost = goal.comparator.meets(direction, vb, goal.value);
    if lost {
        let d = if direction == Direction::Decrease {
            -1.0
        } else {
            1.0
        };
        let ratio = match (
            cagr(f(vt), f(vb), t, b),
            cagr(f(goal.value), f(vb), goal.year, b),
        ) {
            (Some(a), Some(r)) if r != 0.0 => Some(d * a / r.abs()),
            _ => None,
        };
        return Unsd {
            status: UnsdStatus::Deterioration,
            ratio,
            years,
            reason: None,
        };
    }
    if vb.is_zero() {
        return insufficient("giá trị năm gốc bằng 0, không tính được tốc độ tăng", years);
    }
    let (Some(actual), Some(required)) = (
        cagr(f(vt), f(vb), t, b),
        cagr(f(goal.value), f(vb), goal.year, b),
    ) else {
        return insufficient("giá trị trái dấu, không tính được tốc độ tăng", years);
    };
    if required == 0.0 {
        return insufficient(
            "mục tiêu bằng giá trị năm gốc, không có tốc độ cần đạt",
            years,
        );
    }
    // Divided by the required rate's size, not its sign: a series that fell from beyond the
    // target to short of it has both rates negative, and their plain ratio would be positive.
    let d = if direction == Direction::Decrease {
        -1.0
    } else {
        1.0
    };
    let cr = d * actual / required.abs();
    let status = if cr >= 0.95 {
        UnsdStatus::OnTrack
    } else if cr >= 0.5 {
        UnsdStatus::FairProgress
    } else if cr >= -0.1 {
        UnsdStatus::LimitedProgress
    } else {
        UnsdStatus::Deterioration
    };
    Unsd {
        status,
        ratio: Some(cr),
        years,
        reason: None,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenSdg {
    pub status: OpenSdgStatus,
    /// In [−5, 5].
    pub score: Option<f64>,
    pub progress: Option<f64>,
    pub years: Option<Years>,
    pub reason: Option<String>,
}

fn not_available(reason: &str, years: Option<Years>) -> OpenSdg {
    OpenSdg {
        status: OpenSdgStatus::NotAvailable,
        score: None,
        progress: None,
        years,
        reason: Some(reason.to_string()),
    }
}

/// `opensdg`: the sdg-build progress measure, with a target (method 2) or without one
/// (method 1, with the natural-limit correction).
pub fn opensdg(
    series: &Series,
    goal: Option<&Goal>,
    direction: Direction,
    natural_limit: Option<Decimal>,
    baseline_year: i32,
) -> OpenSdg {
    let Some((t, vt)) = series.latest() else {
        return not_available("chưa có số liệu", None);
    };
    let (b, vb) = series.base(baseline_year).expect("non-empty series");
    let years = Some(Years { base: b, latest: t });
    // "Achieved" is decided first, with the target's own comparator, whatever the data.
    if let Some(g) = goal
        && g.comparator.meets(direction, vt, g.value)
    {
        return OpenSdg {
            status: OpenSdgStatus::TargetAchieved,
            score: Some(5.0),
            progress: None,
            years,
            reason: None,
        };
    }
    if series.points().len() < 2 {
        return not_available("cần số liệu của ít nhất hai năm", years);
    }
    if b >= t {
        return not_available("năm gốc không trước năm mới nhất", years);
    }
    let d = if direction == Direction::Decrease {
        -1.0
    } else {
        1.0
    };
    let (vb, vt) = (f(vb), f(vt));
    if vb * vt < 0.0 {
        return not_available("giá trị năm gốc và năm mới nhất trái dấu", years);
    }
    let s = if vb < 0.0 { -1.0 } else { 1.0 };
    let vb = if vb == 0.0 { 0.001 } else { vb };
    let Some(actual) = cagr(vt, vb, t, b) else {
        return not_available("không tính được tốc độ tăng", years);
    };
    let with = |status, score: f64, p: f64| OpenSdg {
        status,
        score: Some(score),
        progress: Some(p),
        years,
        reason: None,
    };
    let classify = |p: f64, high: f64, med: f64, low: f64| {
        if p >= high {
            OpenSdgStatus::SubstantialProgress
        } else if p >= med {
            OpenSdgStatus::ModerateProgress
        } else if p >= low {
            OpenSdgStatus::LimitedProgress
        } else {
            OpenSdgStatus::Deterioration
        }
    };
    match goal {
        Some(g) => {
            let target = f(g.value);
            if g.year <= b {
                return not_available("năm mục tiêu không sau năm gốc", years);
            }
            let target = if target == 0.0 { 0.001 } else { target };
            let Some(required) = cagr(target, vb, g.year, b) else {
                return not_available("không tính được tốc độ cần đạt", years);
            };
            if required == 0.0 {
                // A base at the target: any move is infinitely many times the rate needed
                // (none), so the direction of the move decides, as in the limit.
                let moved = s * d * actual;
                let (status, score) = if moved > 0.0 {
                    (OpenSdgStatus::SubstantialProgress, 5.0)
                } else if moved == 0.0 {
                    (OpenSdgStatus::LimitedProgress, -2.5)
                } else {
                    (OpenSdgStatus::Deterioration, -5.0)
                };
                return OpenSdg {
                    progress: None,
                    ..with(status, score, 0.0)
                };
            }
            let p = s * d * actual / required.abs();
            let score = if p >= 0.6 {
                (7.1429 * p - 4.2857).min(5.0)
            } else {
                (4.1667 * p - 2.5).max(-5.0)
            };
            with(classify(p, 0.95, 0.6, 0.0), score, p)
        }
        None => {
            let p = s * d * actual;
            let c = match natural_limit {
                None => 1.0,
                Some(l) => {
                    let (bb, l) = (vb.abs(), f(l).abs());
                    let a = 4.44;
                    if l == 0.0 || bb >= 2.0 * l {
                        1.0
                    } else if bb <= l {
                        1.0 - (bb / l).powf(a)
                    } else {
                        1.0 - ((2.0 * l - bb) / l).powf(a)
                    }
                }
            };
            let (high, med, low) = (0.015 * c, 0.005 * c, 0.0);
            let score = if p < low {
                (125.0 * p - 2.5).max(-5.0)
            } else if c == 0.0 {
                5.0
            } else if p >= high {
                (500.0 * p / c - 5.0).min(5.0)
            } else if p >= med {
                250.0 * p / c - 1.25
            } else {
                500.0 * p / c - 2.5
            };
            with(classify(p, high, med, low), score, p)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Projection {
    /// Least-squares line through the yearly values, at the target year.
    pub linear_value: Option<f64>,
    /// The base-to-latest growth rate carried on to the target year.
    pub cagr_value: Option<f64>,
    /// First year the target is met on the linear trend, if by the target year.
    pub linear_year_met: Option<i32>,
    pub cagr_year_met: Option<i32>,
    pub years: Option<Years>,
    pub reason: Option<String>,
}

fn meets_f(goal: &Goal, direction: Direction, x: f64) -> bool {
    Decimal::from_f64(x).is_some_and(|v| goal.comparator.meets(direction, v, goal.value))
}

/// `projection`: where the observed trend leads by the target year, linearly and by CAGR.
pub fn projection(
    series: &Series,
    goal: &Goal,
    direction: Direction,
    baseline_year: i32,
) -> Projection {
    let pts: Vec<(f64, f64)> = series
        .points()
        .iter()
        .map(|(y, v)| (f64::from(*y), f(*v)))
        .collect();
    let years = series.latest().map(|(t, _)| Years {
        base: series.base(baseline_year).map_or(t, |b| b.0),
        latest: t,
    });
    let mut out = Projection {
        linear_value: None,
        cagr_value: None,
        linear_year_met: None,
        cagr_year_met: None,
        years,
        reason: None,
    };
    if pts.len() < 2 {
        out.reason = Some("cần số liệu của ít nhất hai năm".into());
        return out;
    }
    let n = pts.len() as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = sxy / sxx;
    let line = |y: i32| my + slope * (f64::from(y) - mx);
    let (t, vt) = series.latest().expect("two points");
    let (b, vb) = series.base(baseline_year).expect("two points");
    out.linear_value = Some(line(goal.year));
    out.linear_year_met = (t + 1..=goal.year).find(|y| meets_f(goal, direction, line(*y)));
    match (b < t).then(|| cagr(f(vt), f(vb), t, b)).flatten() {
        Some(g) => {
            let at = |y: i32| f(vt) * (1.0 + g).powi(y - t);
            out.cagr_value = Some(at(goal.year));
            out.cagr_year_met = (t + 1..=goal.year).find(|y| meets_f(goal, direction, at(*y)));
        }
        None => {
            out.reason = Some(
                "không tính được tốc độ tăng bình quân (giá trị gốc bằng 0 hoặc trái dấu)".into(),
            )
        }
    }
    out
}

mod judge;
pub use judge::{Assessment, Case, Method, YEAR_FIGURES_DUE_DAYS, assess, year_figures_due};

#[cfg(test)]
mod tests;
