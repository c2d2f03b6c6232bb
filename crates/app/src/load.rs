//! Building a snapshot from the store: the plan, units, tasks and reports, then every
//! stored value into the provisional engine and, sharing what is accepted, the official one.
//! A stored value the engine cannot use is left out and logged, never fatal.

use chitieu_analytics::{Engine, Write};
use chitieu_domain::{Decimal, Period};
use chitieu_store::{ChangedValue, Store, StoreError};
use std::str::FromStr;
use std::sync::Arc;

use crate::live::{Snapshot, bad};
use crate::memo::Memo;

/// Figures read back from storage, or why the engine cannot use them. Entry points bound
/// every figure; a database edited by hand or by an older version may hold anything, and
/// one such value must not keep the province's figures (or the server) from coming up. The
/// indicator's own rules apply as at entry (a share above 100 %, a negative part) when it is
/// known.
fn stored_figures(
    ind: Option<&chitieu_domain::Indicator>,
    period: &str,
    value: &str,
    num: Option<&str>,
    den: Option<&str>,
) -> Result<(Period, Decimal, Option<Decimal>, Option<Decimal>), String> {
    let dec = |s: &str| Decimal::from_str(s).map_err(|e| format!("số \"{s}\" hỏng: {e}"));
    let period = Period::from_str(period).map_err(|e| format!("{e:?}"))?;
    let value = dec(value)?;
    let num = num.filter(|s| !s.is_empty()).map(dec).transpose()?;
    let den = den.filter(|s| !s.is_empty()).map(dec).transpose()?;
    chitieu_domain::value::check_stored(value, num, den)?;
    if let Some(ind) = ind {
        use chitieu_domain::value::{check_ratio_parts, check_value_limits};
        if ind.is_ratio() {
            let (Some(n), Some(d)) = (num, den) else {
                return Err(format!(
                    "chỉ tiêu {} là tỷ lệ: thiếu tử số hoặc mẫu số",
                    ind.code
                ));
            };
            check_ratio_parts(ind, n, d).map_err(|e| e.to_string())?;
        }
        check_value_limits(ind, value).map_err(|e| e.to_string())?;
    }
    Ok((period, value, num, den))
}

/// The first letters of the states a value can be in, as the bulk read packs them.
const STATES: [&str; 5] = ["dr", "su", "ap", "ac", "re"];

/// Says which stored value the engine leaves out, and why: in the log, for the operator.
fn skipped(indicator: &str, unit: &str, period: &str, reason: &str) {
    tracing::warn!(
        indicator,
        unit,
        period,
        reason,
        "giá trị bị bỏ qua khi nạp: không dùng được để tính (skipped a stored value)"
    );
}

pub(crate) fn to_write(ind: Option<&chitieu_domain::Indicator>, r: &ChangedValue) -> Option<Write> {
    let (indicator, unit, period) = (&r.indicator, &r.unit, &r.period);
    match stored_figures(
        ind,
        period,
        &r.value,
        r.numerator.as_deref(),
        r.denominator.as_deref(),
    ) {
        Ok((period, value, numerator, denominator)) => Some(Write {
            indicator: indicator.clone(),
            unit: unit.clone(),
            period,
            value,
            numerator,
            denominator,
        }),
        Err(reason) => {
            skipped(indicator, unit.as_str(), period, &reason);
            None
        }
    }
}

/// Where each unit is in `units`, by code.
pub(crate) fn positions(
    units: &[chitieu_domain::Unit],
) -> std::collections::HashMap<chitieu_domain::UnitCode, usize> {
    units
        .iter()
        .enumerate()
        .map(|(k, u)| (u.code.clone(), k))
        .collect()
}

/// Indicators read at once while loading. Two: the database's reading then uses both cores
/// of a small server besides the parsing here (cold start at 10 million values, SQLite:
/// one at a time 9.3 s).
const AHEAD: usize = 2;

pub(crate) async fn build(store: &Store) -> Result<Snapshot, StoreError> {
    // Read the sequence numbers first: anything written meanwhile is pulled by the next sync.
    let seqs = store.seqs().await?;
    let plan = store.plan_file().await?;
    let units = store.all_units().await?;
    let tasks = store.tasks().await?;
    let heads = store.heads().await?;
    let reports = store.reports(&Default::default()).await?;
    let indicators = plan
        .as_ref()
        .map(|p| p.indicators.clone())
        .unwrap_or_default();
    let unit_pos = positions(&units);
    let mut snap = Snapshot {
        engine: Engine::new(&indicators, &units),
        official: Engine::default(),
        plan: plan.map(Arc::new),
        units: Arc::new(units),
        tasks: Arc::new(tasks),
        heads: Arc::new(heads),
        reports: Arc::new(reports),
        seqs,
        unit_pos: Arc::new(unit_pos),
        memo: Memo::default(),
        clock: store.clock().clone(),
    };
    // While one indicator's rows are parsed here, the next ones' are read by the database,
    // [`AHEAD`] at a time on connections of their own: reading is the larger part.
    let order: Vec<(String, usize)> = indicators
        .iter()
        .filter_map(|ind| Some((ind.code.clone(), snap.engine.indicator_index(&ind.code)?)))
        .collect();
    let separate = store.separate_bulk_reader().await?;
    let reader = separate.clone().unwrap_or_else(|| store.clone());
    let fetch = |code: String| {
        let store = reader.clone();
        tokio::spawn(async move { store.packed_values(&code).await })
    };
    let mut pending: Vec<Vec<(u32, Period)>> = vec![Vec::new(); indicators.len()];
    let mut ahead: std::collections::VecDeque<_> = order
        .iter()
        .take(AHEAD)
        .map(|(code, _)| fetch(code.clone()))
        .collect();
    for (k, &(_, i)) in order.iter().enumerate() {
        let rows = ahead
            .pop_front()
            .expect("a fetch per indicator")
            .await
            .map_err(bad)??;
        if let Some((code, _)) = order.get(k + AHEAD) {
            ahead.push_back(fetch(code.clone()));
        }
        let code = snap.engine_indicator_code(i);
        let ind = indicators.iter().find(|x| x.code == code);
        let pending = &mut pending[i];
        for (unit_code, packed) in rows {
            let Some(u) = snap.engine.unit_index(&unit_code) else {
                skipped(
                    &code,
                    unit_code.as_str(),
                    "",
                    "đơn vị không có trong cây đơn vị",
                );
                continue;
            };
            let unit = unit_code.as_str();
            snap.engine.reserve(i, u, packed.split(';').count());
            for item in packed.split(';') {
                let mut f = item.split(' ');
                let (Some(period), Some(value), Some(num), Some(den), Some(state)) =
                    (f.next(), f.next(), f.next(), f.next(), f.next())
                else {
                    skipped(&code, unit, item, "giá trị nén hỏng");
                    continue;
                };
                if !STATES.contains(&state) {
                    skipped(
                        &code,
                        unit,
                        period,
                        &format!("trạng thái \"{state}…\" không có"),
                    );
                    continue;
                }
                match stored_figures(ind, period, value, Some(num), Some(den)) {
                    Ok((period, value, num, den)) => {
                        snap.engine.put_indexed(i, u, period, value, num, den);
                        if state != "ac" {
                            pending.push((u, period));
                        }
                    }
                    Err(reason) => skipped(&code, unit, period, &reason),
                }
            }
        }
    }
    if let Some(separate) = separate {
        separate.close().await?;
    }
    snap.engine.roll_up();
    // The official engine is the same but for the figures not yet accepted: only the
    // indicators that have some are copied and rolled up again.
    snap.official = snap.engine.clone();
    for (i, pending) in pending.iter().enumerate() {
        if pending.is_empty() {
            continue;
        }
        for &(u, period) in pending {
            snap.official.remove_indexed_unrolled(i, u, period);
        }
        snap.official.roll_up_indicator(i);
    }
    Ok(snap)
}
