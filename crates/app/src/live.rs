//! The engine kept in step with the database. Before a read, [`Live::sync`] pulls the values
//! changed since it last looked (one small query when nothing changed), so a write from this
//! process, another app instance or a `chitieu values import` shows in the very next read.

use chitieu_analytics::{Engine, Write};
use chitieu_domain::default_plan::PlanFile;
use chitieu_domain::{Decimal, Period, Unit, UnitCode};
use chitieu_store::{ChangedValue, Store, StoreError};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{RwLock, RwLockReadGuard};
use tokio::sync::Mutex;

/// What reads see: the engine and the plan and units it was built from.
pub struct Snapshot {
    pub engine: Engine,
    pub plan: Option<PlanFile>,
    pub units: Vec<Unit>,
    value_seq: i64,
    structure_seq: i64,
    /// Position of each unit in `units`, so that a lookup by code does not scan the list.
    unit_pos: HashMap<UnitCode, usize>,
}

impl Snapshot {
    pub fn unit(&self, code: &UnitCode) -> Option<&Unit> {
        self.unit_pos.get(code).map(|&k| &self.units[k])
    }

    fn engine_indicator_code(&self, i: usize) -> String {
        self.engine
            .indicator_codes()
            .nth(i)
            .unwrap_or("?")
            .to_string()
    }
}

impl chitieu_domain::value::Lookup for Snapshot {
    fn indicator(&self, code: &str) -> Option<&chitieu_domain::Indicator> {
        let plan = self.plan.as_ref()?;
        let c = code.trim();
        plan.indicator(c)
            .or_else(|| plan.indicator(&c.to_ascii_uppercase()))
    }

    fn unit(&self, code: &UnitCode) -> Option<&Unit> {
        Snapshot::unit(self, code)
    }
}

pub struct Live {
    store: Store,
    snap: RwLock<Snapshot>,
    /// One sync at a time; readers keep reading the previous snapshot meanwhile.
    syncing: Mutex<()>,
}

fn bad(e: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(e.to_string())
}

/// Figures read back from storage, or why the engine cannot use them. Entry points bound
/// every figure; a database edited by hand or by an older version may hold anything, and
/// one such value must not keep the province's figures (or the server) from coming up.
fn stored_figures(
    period: &str,
    value: &str,
    num: Option<&str>,
    den: Option<&str>,
) -> Result<(Period, Decimal, Option<Decimal>, Option<Decimal>), String> {
    let dec = |s: &str| Decimal::from_str(s).map_err(|e| format!("số \"{s}\" hỏng: {e}"));
    let period = Period::from_str(period).map_err(|e| e.to_string())?;
    let value = dec(value)?;
    let num = num.filter(|s| !s.is_empty()).map(dec).transpose()?;
    let den = den.filter(|s| !s.is_empty()).map(dec).transpose()?;
    chitieu_domain::value::check_stored(value, num, den)?;
    Ok((period, value, num, den))
}

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

fn to_write(r: &ChangedValue) -> Option<Write> {
    let (indicator, unit, period) = (&r.indicator, &r.unit, &r.period);
    match stored_figures(
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

async fn build(store: &Store) -> Result<Snapshot, StoreError> {
    // Read the sequence numbers first: anything written meanwhile is pulled by the next sync.
    let structure_seq = store.structure_seq().await?;
    let value_seq = store.value_seq().await?;
    let plan = store.plan_file().await?;
    let units = store.all_units().await?;
    let indicators = plan
        .as_ref()
        .map(|p| p.indicators.clone())
        .unwrap_or_default();
    let mut snap = Snapshot {
        engine: Engine::new(&indicators, &units),
        plan,
        units,
        value_seq,
        structure_seq,
        unit_pos: HashMap::new(),
    };
    snap.unit_pos = snap
        .units
        .iter()
        .enumerate()
        .map(|(k, u)| (u.code.clone(), k))
        .collect();
    // While one indicator's rows are parsed here, the next one's are read by the database
    // on its own thread.
    let order: Vec<(String, usize)> = indicators
        .iter()
        .filter_map(|ind| Some((ind.code.clone(), snap.engine.indicator_index(&ind.code)?)))
        .collect();
    let fetch = |code: String| {
        let store = store.clone();
        tokio::spawn(async move { store.packed_values(&code).await })
    };
    let mut next = order.first().map(|(code, _)| fetch(code.clone()));
    for (k, &(_, i)) in order.iter().enumerate() {
        let rows = next
            .take()
            .expect("a fetch per indicator")
            .await
            .map_err(bad)??;
        next = order.get(k + 1).map(|(code, _)| fetch(code.clone()));
        let code = snap.engine_indicator_code(i);
        for (unit_code, packed) in rows {
            let Some(u) = snap.engine.unit_index(&unit_code) else {
                continue;
            };
            let unit = unit_code.as_str();
            snap.engine.reserve(i, u, packed.split(';').count());
            for item in packed.split(';') {
                let mut f = item.split(' ');
                let (Some(period), Some(value), Some(num), Some(den)) =
                    (f.next(), f.next(), f.next(), f.next())
                else {
                    skipped(&code, unit, item, "giá trị nén hỏng");
                    continue;
                };
                match stored_figures(period, value, Some(num), Some(den)) {
                    Ok((period, value, num, den)) => {
                        snap.engine.put_indexed(i, u, period, value, num, den)
                    }
                    Err(reason) => skipped(&code, unit, period, &reason),
                }
            }
        }
    }
    snap.engine.roll_up();
    Ok(snap)
}

impl Live {
    /// Loads the engine from the store.
    pub async fn load(store: Store) -> Result<Live, StoreError> {
        let snap = build(&store).await?;
        Ok(Live {
            store,
            snap: RwLock::new(snap),
            syncing: Mutex::new(()),
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Brings the engine up to date with the database.
    pub async fn sync(&self) -> Result<(), StoreError> {
        let _one = self.syncing.lock().await;
        let (value_seq, structure_seq) = {
            let s = self.snap.read().unwrap_or_else(|e| e.into_inner());
            (s.value_seq, s.structure_seq)
        };
        if self.store.structure_seq().await? != structure_seq {
            let fresh = build(&self.store).await?;
            *self.snap.write().unwrap_or_else(|e| e.into_inner()) = fresh;
            return Ok(());
        }
        let now = self.store.value_seq().await?;
        if now == value_seq {
            return Ok(());
        }
        let rows = self.store.values_since(value_seq).await?;
        let mut snap = self.snap.write().unwrap_or_else(|e| e.into_inner());
        for r in rows.iter().filter(|r| r.seq <= now) {
            if let Some(w) = to_write(r) {
                snap.engine.set(&w).map_err(bad)?;
            }
        }
        snap.value_seq = now;
        Ok(())
    }

    /// The snapshot as last synced, without asking the database.
    pub fn snapshot(&self) -> RwLockReadGuard<'_, Snapshot> {
        self.snap.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The current snapshot, after a sync.
    pub async fn read(&self) -> Result<RwLockReadGuard<'_, Snapshot>, StoreError> {
        self.sync().await?;
        Ok(self.snap.read().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Input a person or a client got wrong; the message says what and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

impl Snapshot {
    fn context(&self) -> Result<chitieu_analytics::assess::Context<'_>, BadInput> {
        let plan = self
            .plan
            .as_ref()
            .ok_or_else(|| BadInput("chưa có kế hoạch: chạy `chitieu init`".into()))?;
        Ok(chitieu_analytics::assess::Context {
            engine: &self.engine,
            indicators: &plan.indicators,
            targets: &plan.targets,
            owner: &plan.plan.owner,
            baseline_year: plan.plan.baseline_year,
        })
    }

    /// The unit named by `code`, or the plan's owner (the province) when none is given.
    pub fn unit_or_owner(&self, code: Option<&str>) -> Result<&Unit, BadInput> {
        let code = match code.filter(|c| !c.trim().is_empty()) {
            Some(c) => UnitCode::parse(c).map_err(BadInput)?,
            None => self
                .plan
                .as_ref()
                .map(|p| p.plan.owner.clone())
                .ok_or_else(|| BadInput("chưa có kế hoạch: chạy `chitieu init`".into()))?,
        };
        self.unit(&code)
            .ok_or_else(|| BadInput(format!("không có đơn vị \"{code}\"")))
    }

    /// Assessment rows for a unit (default: the province), as of a date (default: today),
    /// by a method (default: `unsd2022`).
    pub fn assess(
        &self,
        unit: Option<&str>,
        as_of: Option<chrono::NaiveDate>,
        method: Option<&str>,
    ) -> Result<Vec<chitieu_analytics::assess::Row>, BadInput> {
        let unit = self.unit_or_owner(unit)?;
        let method = method
            .filter(|m| !m.is_empty())
            .unwrap_or("unsd2022")
            .parse()
            .map_err(BadInput)?;
        let as_of = as_of.unwrap_or_else(today);
        self.context()?
            .assess(unit, as_of, method)
            .map_err(|e| BadInput(e.to_string()))
    }

    /// The early-warning list for a unit and everything under it.
    pub fn early_warning(
        &self,
        unit: Option<&str>,
        as_of: Option<chrono::NaiveDate>,
    ) -> Result<Vec<chitieu_analytics::assess::Warning>, BadInput> {
        let unit = self.unit_or_owner(unit)?;
        let as_of = as_of.unwrap_or_else(today);
        let mut scope = vec![unit];
        let mut i = 0;
        while i < scope.len() {
            let code = scope[i].code.clone();
            scope.extend(
                self.units
                    .iter()
                    .filter(|u| u.parent.as_ref() == Some(&code) && u.is_valid_on(as_of)),
            );
            i += 1;
        }
        self.context()?
            .early_warning(&scope, as_of)
            .map_err(|e| BadInput(e.to_string()))
    }
}

pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}
