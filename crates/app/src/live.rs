//! The engine kept in step with the database, published as immutable snapshots.
//!
//! A read takes the current snapshot: no lock, no database round trip, and it keeps that
//! snapshot for as long as it works, however many writes happen meanwhile. A write by this
//! process is applied to the next snapshot before its response returns ([`Live::sync`]), so
//! people see their own writes at once. Changes by other processes (another app instance, a
//! `chitieu values import`) arrive through [`Live::watch`]: on PostgreSQL a notification per
//! committed change, with the change counters as the catch-up check every second; on SQLite
//! a look at the counters every 100 ms.

use arc_swap::ArcSwap;
use chitieu_analytics::Engine;
use chitieu_domain::default_plan::PlanFile;
use chitieu_domain::{Unit, UnitCode};
use chitieu_store::{Store, StoreError};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use tokio::sync::Mutex;

use crate::input::checked_as_of;
pub use crate::input::{BadInput, Data, optional_period};
use crate::memo::{Changed, Memo, YearlyFigures, remember};

/// What reads see: the engine and the plan and units it was built from. Cloning one is
/// cheap (shared parts), so the next snapshot starts as a copy of the current one.
#[derive(Clone)]
pub struct Snapshot {
    /// Every figure entered, provisional ones included: what internal pages show.
    pub engine: Engine,
    /// Accepted figures only: the public page, official reports, `?data=official`. It shares
    /// each indicator's series with `engine` while that indicator has nothing pending.
    pub official: Engine,
    pub plan: Option<Arc<PlanFile>>,
    pub units: Arc<Vec<Unit>>,
    /// The tasks of every unit's programme, with their progress.
    pub tasks: Arc<Vec<chitieu_domain::Task>>,
    /// Every head's term of office (the `tasks` counter covers them: who answers for what).
    pub heads: Arc<Vec<chitieu_domain::Head>>,
    /// Every report moved at least once (one never moved is a draft).
    pub reports: Arc<Vec<chitieu_store::ReportRow>>,
    pub(crate) seqs: chitieu_store::Seqs,
    /// Position of each unit in `units`, so that a lookup by code does not scan the list.
    pub(crate) unit_pos: Arc<HashMap<UnitCode, usize>>,
    pub(crate) memo: Memo,
    /// The clock "today" is read from (the store's: injectable, Vietnam's date).
    pub clock: chitieu_domain::Clock,
}

/// Reports of the last complete periods: counts, how many are late, and the first
/// [`LATE_KEPT`] of those.
#[derive(Debug, Clone, Default)]
pub struct ReportCounts {
    pub counts: chitieu_domain::report::Completeness,
    pub late: usize,
    pub first_late: Arc<[crate::reports::Listed]>,
}

/// Late reports kept with the counts: what the overview lists (the rest are on the reports
/// page).
pub const LATE_KEPT: usize = 15;

/// When a new snapshot's first answers are computed: before readers see it, or after.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Warm {
    First,
    After,
}

/// How long a new snapshot must stay current before it is warmed.
const WARM_AFTER: Duration = Duration::from_millis(20);

impl Snapshot {
    pub fn unit(&self, code: &UnitCode) -> Option<&Unit> {
        self.unit_pos.get(code).map(|&k| &self.units[k])
    }

    /// A unit's name, or its code where no unit has it.
    pub fn unit_name(&self, code: &UnitCode) -> String {
        self.unit(code)
            .map_or_else(|| code.to_string(), |u| u.name.clone())
    }

    /// Whether `unit` is `scope` or lies under it: `permission::in_scope`, with the parents
    /// looked up by position instead of by scanning every unit (a national list of reports
    /// asks it once per unit).
    pub fn within(&self, scope: &UnitCode, unit: &UnitCode) -> bool {
        let mut cur = self.unit(unit);
        for _ in 0..64 {
            match cur {
                Some(u) if u.code == *scope => return true,
                Some(u) => cur = u.parent.as_ref().and_then(|p| self.unit(p)),
                None => return false,
            }
        }
        false
    }

    /// The head in office at `unit` on `day`: "Phạm Thu Trang, Giám đốc Sở".
    pub fn head_on(
        &self,
        unit: &UnitCode,
        day: chrono::NaiveDate,
    ) -> Option<&chitieu_domain::Head> {
        chitieu_domain::head::head_on(&self.heads, unit, day)
    }

    /// Everyone accountable for `unit` on `day`, one per office (the authority's head first).
    pub fn heads_on(&self, unit: &UnitCode, day: chrono::NaiveDate) -> Vec<&chitieu_domain::Head> {
        chitieu_domain::head::heads_on(&self.heads, unit, day)
    }

    /// The task with this code, if there is one.
    pub fn task(&self, code: &str) -> Option<&chitieu_domain::Task> {
        self.tasks.iter().find(|t| t.code == code)
    }

    pub(crate) fn engine_indicator_code(&self, i: usize) -> String {
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
    snap: Arc<ArcSwap<Snapshot>>,
    /// One sync at a time; readers keep reading the current snapshot meanwhile.
    syncing: Mutex<()>,
    /// When the current snapshot was published, in ms since the epoch (system time).
    published_ms: AtomicI64,
    /// When the last sync that succeeded began: every change committed before is in.
    synced_ms: AtomicI64,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub(crate) fn bad(e: impl std::fmt::Display) -> StoreError {
    StoreError::Broken(e.to_string())
}

impl Live {
    /// Today in Vietnam, by the store's clock: the one "today" every rule reads.
    pub fn today(&self) -> chrono::NaiveDate {
        self.store.clock().today()
    }

    /// Loads the engine from the store.
    pub async fn load(store: Store) -> Result<Live, StoreError> {
        let started = now_ms();
        let snap = crate::load::build(&store).await?;
        Ok(Live {
            store,
            snap: Arc::new(ArcSwap::from_pointee(snap)),
            syncing: Mutex::new(()),
            published_ms: AtomicI64::new(now_ms()),
            synced_ms: AtomicI64::new(started),
        })
    }

    /// Seconds since the current snapshot was published.
    pub fn snapshot_age_seconds(&self) -> f64 {
        (now_ms() - self.published_ms.load(Ordering::Relaxed)) as f64 / 1e3
    }

    /// Seconds the snapshot may lag behind the database: since the last sync that
    /// succeeded began (it grows while the database cannot be read).
    pub fn sync_lag_seconds(&self) -> f64 {
        (now_ms() - self.synced_ms.load(Ordering::Relaxed)) as f64 / 1e3
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Brings the snapshot up to date with the database and publishes the new one: values
    /// changed since the last look are applied to a copy (only the indicators they touch are
    /// copied); a plan or task change reloads that part and keeps the engine; a change of
    /// units or of indicators' rules keeps every stored series and computes the rolled-up
    /// ones again (a new indicator reloads everything). Readers keep the old snapshot until
    /// the new one is complete.
    pub async fn sync(&self) -> Result<(), StoreError> {
        let began = now_ms();
        let r = self.sync_now().await;
        if r.is_ok() {
            self.synced_ms.fetch_max(began, Ordering::Relaxed);
        }
        r
    }

    async fn sync_now(&self) -> Result<(), StoreError> {
        let _one = self.syncing.lock().await;
        let started = std::time::Instant::now();
        let cur = self.snap.load_full();
        let now = self.store.seqs().await?;
        if now == cur.seqs {
            return Ok(());
        }
        let mut next = (*cur).clone();
        // What answers of the current snapshot the next one may keep.
        let mut changed = Changed::none();
        if now.structure != cur.seqs.structure {
            changed = Changed::All;
            let plan = self.store.plan_file().await?.map(Arc::new);
            let units = self.store.all_units().await?;
            let indicators = plan
                .as_ref()
                .map(|p| p.indicators.clone())
                .unwrap_or_default();
            // Computing the rolled-up figures again takes a while at national scale: on a
            // blocking thread, while readers keep the current snapshot.
            let old = Arc::clone(&cur);
            let (engines, units) = tokio::task::spawn_blocking(move || {
                let engine = old.engine.restructure(&indicators, &units);
                let official = old.official.restructure(&indicators, &units);
                (engine.zip(official), units)
            })
            .await
            .map_err(bad)?;
            let Some((engine, official)) = engines else {
                // A new indicator, or one whose values are now kept another way: its values
                // come from the database, so the whole snapshot does.
                let fresh = crate::load::build(&self.store).await?;
                self.publish(fresh, Warm::First).await;
                return Ok(());
            };
            next.engine = engine;
            next.official = official;
            next.plan = plan;
            next.unit_pos = Arc::new(crate::load::positions(&units));
            next.units = Arc::new(units);
        } else if now.plan != cur.seqs.plan {
            next.plan = self.store.plan_file().await?.map(Arc::new);
            changed.plans(cur.plan.as_deref(), next.plan.as_deref());
        }
        if now.tasks != cur.seqs.tasks {
            next.tasks = Arc::new(self.store.tasks().await?);
            next.heads = Arc::new(self.store.heads().await?);
        }
        if now.reports != cur.seqs.reports {
            changed.reports();
            next.reports = Arc::new(self.store.reports(&Default::default()).await?);
        }
        if now.values != cur.seqs.values {
            let t = std::time::Instant::now();
            let rows = self.store.values_since(cur.seqs.values).await?;
            let read = t.elapsed();
            let n = rows.len();
            // Applying the changes is computation, at national scale seconds of it after a
            // large import: on a blocking thread. On a runtime worker it held the worker that
            // drives the sockets, and every request, /healthz too, waited (40 s after an
            // import correcting 1.5 million values).
            let plan = next.plan.clone();
            let engine = std::mem::take(&mut next.engine);
            let official = std::mem::take(&mut next.official);
            let upto = now.values;
            let applied = tokio::task::spawn_blocking(move || {
                crate::changes::apply(engine, official, plan.as_deref(), &rows, upto)
            })
            .await
            .map_err(bad)??;
            next.engine = applied.engine;
            next.official = applied.official;
            for code in &applied.indicators {
                changed.indicator(code);
            }
            if applied.reports {
                changed.reports();
            }
            if n >= crate::changes::LARGE {
                tracing::info!(
                    values = n,
                    read_ms = read.as_millis() as u64,
                    total_ms = t.elapsed().as_millis() as u64,
                    "giá trị do tiến trình khác ghi đã được cập nhật (values written by another process applied)"
                );
            }
        }
        // A plan change (a target edited) is rare and changes every assessment: its writer
        // waits while the overview's answers are computed, and readers keep the old snapshot
        // meanwhile, instead of the first readers after it waiting for them.
        let warm = if now.plan != cur.seqs.plan || now.structure != cur.seqs.structure {
            Warm::First
        } else {
            Warm::After
        };
        next.seqs = now;
        next.memo = cur.memo.carry(&changed);
        let read = started.elapsed();
        self.publish(next, warm).await;
        tracing::debug!(
            read_ms = read.as_secs_f64() * 1e3,
            total_ms = started.elapsed().as_secs_f64() * 1e3,
            "snapshot published"
        );
        Ok(())
    }

    /// Makes `next` the snapshot readers see. With [`Warm::First`], what the overview asks
    /// first is computed before, on a blocking thread. With [`Warm::After`], it is computed
    /// after, unless a newer snapshot follows within [`WARM_AFTER`]: the writer does not
    /// wait for it, a burst of writes warms only its last snapshot, and readers who ask
    /// meanwhile share one computation instead of each doing it.
    async fn publish(&self, next: Snapshot, warm: Warm) {
        self.published_ms.store(now_ms(), Ordering::Relaxed);
        let next = Arc::new(next);
        if warm == Warm::First {
            let first = Arc::clone(&next);
            let t = std::time::Instant::now();
            let _ = tokio::task::spawn_blocking(move || first.warm()).await;
            tracing::debug!(
                ms = t.elapsed().as_secs_f64() * 1e3,
                "snapshot warmed before publishing"
            );
            self.snap.store(next);
            return;
        }
        self.snap.store(Arc::clone(&next));
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let current = Arc::clone(&self.snap);
            rt.spawn(async move {
                tokio::time::sleep(WARM_AFTER).await;
                if Arc::ptr_eq(&current.load(), &next) {
                    let t = std::time::Instant::now();
                    let _ = tokio::task::spawn_blocking(move || next.warm()).await;
                    tracing::debug!(ms = t.elapsed().as_secs_f64() * 1e3, "snapshot warmed");
                }
            });
        }
    }

    /// The current snapshot: no lock, no database round trip.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snap.load_full()
    }

    /// Follows other processes' changes for as long as the returned task runs: on
    /// PostgreSQL it wakes on each notification (and every second regardless, the catch-up
    /// check); elsewhere it looks every 100 ms. A failed look is logged and retried.
    pub fn watch(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let live = Arc::clone(self);
        tokio::spawn(async move {
            let mut listener = None;
            loop {
                if listener.is_none() {
                    listener = match live.store.change_listener().await {
                        Ok(l) => l,
                        Err(e) => {
                            tracing::warn!(error = %e, "không nghe được thay đổi; chuyển sang hỏi định kỳ");
                            None
                        }
                    };
                }
                match listener.as_mut() {
                    Some(l) => {
                        tokio::select! {
                            r = l.next() => if r.is_err() { listener = None; },
                            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        }
                    }
                    None => tokio::time::sleep(Duration::from_millis(100)).await,
                }
                if let Err(e) = live.sync().await {
                    tracing::warn!(error = %e, "không cập nhật được số liệu từ cơ sở dữ liệu");
                }
            }
        })
    }
}

impl Snapshot {
    /// Today in Vietnam, by the store's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    fn context(&self) -> Result<chitieu_analytics::assess::Context<'_>, BadInput> {
        self.context_of(Data::Provisional)
    }

    /// The engine holding these figures.
    pub fn engine_of(&self, data: Data) -> &Engine {
        match data {
            Data::Provisional => &self.engine,
            Data::Official => &self.official,
        }
    }

    fn context_of(&self, data: Data) -> Result<chitieu_analytics::assess::Context<'_>, BadInput> {
        let plan = self
            .plan
            .as_ref()
            .ok_or(BadInput(chitieu_domain::Refusal::NoPlan))?;
        Ok(chitieu_analytics::assess::Context {
            engine: self.engine_of(data),
            indicators: &plan.indicators,
            targets: &plan.targets,
            owner: &plan.plan.owner,
            baseline_year: plan.plan.baseline_year,
        })
    }

    /// The unit named by `code`, or the plan's owner (the province) when none is given.
    pub fn unit_or_owner(&self, code: Option<&str>) -> Result<&Unit, BadInput> {
        let code = match code.filter(|c| !c.trim().is_empty()) {
            Some(c) => UnitCode::parse(c)?,
            None => self
                .plan
                .as_ref()
                .map(|p| p.plan.owner.clone())
                .ok_or(BadInput(chitieu_domain::Refusal::NoPlan))?,
        };
        self.unit(&code).ok_or_else(|| {
            BadInput(chitieu_domain::Refusal::Unknown {
                what: chitieu_domain::Thing::Unit,
                code: code.to_string(),
            })
        })
    }

    /// Assessment rows for a unit (default: the province), as of a date (default: today),
    /// by a method (default: `unsd2022`), on every figure entered.
    pub fn assess(
        &self,
        unit: Option<&str>,
        as_of: Option<chrono::NaiveDate>,
        method: Option<&str>,
    ) -> Result<Vec<chitieu_analytics::assess::Row>, BadInput> {
        self.assess_data(unit, as_of, method, Data::Provisional)
    }

    /// [`Snapshot::assess`] on the figures asked for. A provisional row whose latest figure
    /// is not the accepted one is marked `provisional`.
    pub fn assess_data(
        &self,
        unit: Option<&str>,
        as_of: Option<chrono::NaiveDate>,
        method: Option<&str>,
        data: Data,
    ) -> Result<Vec<chitieu_analytics::assess::Row>, BadInput> {
        let unit = self.unit_or_owner(unit)?;
        let method = method
            .filter(|m| !m.is_empty())
            .unwrap_or("unsd2022")
            .parse::<chitieu_domain::assessment::Method>()?;
        let as_of = checked_as_of(as_of, self.today())?;
        let key = (unit.code.clone(), as_of, method, data);
        let carried = self.memo.carried.get(&key);
        let rows = remember(&self.memo.assess, key, || {
            let context = self.context_of(data)?;
            let mut rows = match carried {
                Some(c) => context.assess_again(unit, as_of, method, &c.rows, |code| {
                    c.changed.contains(code)
                }),
                None => context.assess(unit, as_of, method),
            }
            .map_err(|e| BadInput(e.into()))?;
            if data == Data::Provisional {
                let official = self.assess_data(
                    Some(unit.code.as_str()),
                    Some(as_of),
                    Some(method.as_str()),
                    Data::Official,
                )?;
                for (r, o) in rows.iter_mut().zip(&official) {
                    r.provisional = r.latest_value.is_some()
                        && (r.latest_value, &r.latest_period) != (o.latest_value, &o.latest_period);
                }
            }
            Ok(Arc::new(rows))
        })?;
        Ok(rows.as_ref().clone())
    }

    /// A front end's text computed from this snapshot (a rendered part of a page that is the
    /// same for everyone who asks it by `key`), kept while the snapshot is current; or why
    /// it could not be computed.
    pub fn remember_text(
        &self,
        key: String,
        compute: impl FnOnce() -> Result<String, String>,
    ) -> Result<Arc<str>, String> {
        crate::memo::remember_within(&self.memo.text, crate::memo::TEXT_MAX, key, || {
            compute().map(Arc::from)
        })
    }

    /// The change counters this snapshot is as of: a version to tag what is made from it.
    pub fn seqs(&self) -> chitieu_store::Seqs {
        self.seqs
    }

    /// The text kept by [`Snapshot::remember_text`] under `key`, if it was computed.
    pub fn kept_text(&self, key: &str) -> Option<Arc<str>> {
        let t = crate::memo::lock(&self.memo.text);
        match t.get(key)?.get()? {
            Ok(text) => Some(Arc::clone(text)),
            Err(_) => None,
        }
    }

    /// Computes what the overview asks first (the plan owner's assessment, yearly figures
    /// and reporting completeness, as of today), so that the first readers after a change
    /// find it ready.
    fn warm(&self) {
        let Some(plan) = self.plan.clone() else {
            return;
        };
        let day = self.today();
        let _ = self.assess(None, Some(day), None);
        let _ = self.completeness(day);
        for ind in &plan.indicators {
            let _ = self.yearly(&ind.code, &plan.plan.owner, day);
        }
    }

    /// The reports of each form's last complete period as of `day`, over every unit that
    /// sends one: how many expected, received and on time, and how many late.
    pub fn completeness(&self, day: chrono::NaiveDate) -> ReportCounts {
        let Some(plan) = self.plan.as_ref() else {
            return ReportCounts::default();
        };
        remember(&self.memo.completeness, day, || {
            let list = crate::reports::list_within(
                self,
                &plan.plan.owner,
                &crate::reports::Query::default(),
                day,
            );
            ReportCounts {
                counts: crate::reports::completeness(&list),
                late: list.iter().filter(|r| r.late).count(),
                first_late: list
                    .iter()
                    .filter(|r| r.late)
                    .take(LATE_KEPT)
                    .cloned()
                    .collect(),
            }
        })
    }

    /// Yearly figures of an indicator for a unit as known on `day` (see `Engine::yearly`);
    /// an unknown indicator or unit has none.
    pub fn yearly(
        &self,
        indicator: &str,
        unit: &UnitCode,
        day: chrono::NaiveDate,
    ) -> YearlyFigures {
        remember(
            &self.memo.yearly,
            (indicator.to_string(), unit.clone(), day),
            || Arc::new(self.engine.yearly(indicator, unit, day).unwrap_or_default()),
        )
    }

    /// The early-warning list for a unit and everything under it.
    pub fn early_warning(
        &self,
        unit: Option<&str>,
        as_of: Option<chrono::NaiveDate>,
    ) -> Result<Vec<chitieu_analytics::assess::Warning>, BadInput> {
        let unit = self.unit_or_owner(unit)?;
        let as_of = checked_as_of(as_of, self.today())?;
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
            .map_err(|e| BadInput(e.into()))
    }
}
