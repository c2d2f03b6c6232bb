//! Values other processes wrote (another server, an import), applied to a snapshot's
//! engines: off the request threads, and in bulk when there are many.

use chitieu_analytics::Engine;
use chitieu_domain::default_plan::PlanFile;
use chitieu_store::StoreError;

use crate::live::bad;

/// A change set this large is applied in bulk (stored, then each indicator rolled up once)
/// instead of value by value (each rolling up its ancestors), and logged with its duration.
pub(crate) const LARGE: usize = 5_000;

/// The engines after changes other processes wrote, and what the changes touched.
pub(crate) struct Applied {
    pub(crate) engine: Engine,
    pub(crate) official: Engine,
    pub(crate) indicators: std::collections::BTreeSet<String>,
    pub(crate) reports: bool,
}

/// Applies stored changes (up to sequence `upto`) to both engines: each value to the
/// provisional one, and to the official one when accepted (otherwise it leaves that one).
pub(crate) fn apply(
    mut engine: Engine,
    mut official: Engine,
    plan: Option<&PlanFile>,
    rows: &[chitieu_store::ChangedValue],
    upto: i64,
) -> Result<Applied, StoreError> {
    let bulk = rows.len() >= LARGE;
    let mut out = Applied {
        engine: Engine::default(),
        official: Engine::default(),
        indicators: Default::default(),
        reports: false,
    };
    for r in rows.iter().filter(|r| r.seq <= upto) {
        let ind = plan.and_then(|p| p.indicators.iter().find(|i| i.code == r.indicator));
        let Some(w) = crate::load::to_write(ind, r) else {
            continue;
        };
        out.indicators.insert(w.indicator.clone());
        let was_official = official.has_own(&w.indicator, &w.unit, w.period);
        if bulk {
            engine.set_unrolled(&w).map_err(bad)?;
        } else {
            engine.set(&w).map_err(bad)?;
        }
        if r.accepted {
            out.reports = true;
            if bulk {
                official.set_unrolled(&w).map_err(bad)?;
            } else {
                official.set(&w).map_err(bad)?;
            }
        } else {
            out.reports |= was_official;
            if bulk {
                if let (Some(i), Some(u)) = (
                    official.indicator_index(&w.indicator),
                    official.unit_index(&w.unit),
                ) {
                    official.remove_indexed_unrolled(i, u, w.period);
                }
            } else {
                official
                    .remove(&w.indicator, &w.unit, w.period)
                    .map_err(bad)?;
            }
        }
    }
    if bulk {
        for code in &out.indicators {
            if let Some(i) = engine.indicator_index(code) {
                engine.roll_up_indicator(i);
            }
            if let Some(i) = official.indicator_index(code) {
                official.roll_up_indicator(i);
            }
        }
    }
    out.engine = engine;
    out.official = official;
    Ok(out)
}
