//! Units: insert-or-update by code, listing children, the dated tree with successors.

use chitieu_domain::{Unit, UnitCode, UnitKind};
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;

use crate::entities::{unit, unit_successor};
use crate::{Result, Store, StoreError, audit};

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct UnitCounts {
    pub by_kind: Vec<(String, u64)>,
    pub total: u64,
}

impl UnitCounts {
    pub fn kind(&self, k: UnitKind) -> u64 {
        self.by_kind
            .iter()
            .find(|(n, _)| n == k.as_str())
            .map_or(0, |(_, c)| *c)
    }
}

pub(crate) fn to_domain(
    m: &unit::Model,
    codes: &HashMap<i32, String>,
    successors: &HashMap<i32, Vec<i32>>,
) -> Result<Unit> {
    let code_of = |id: i32| -> Result<UnitCode> {
        let c = codes.get(&id).ok_or_else(|| {
            StoreError::NotFound(chitieu_domain::Refusal::unknown(
                chitieu_domain::Thing::Unit,
                &format!("id {id}"),
            ))
        })?;
        UnitCode::parse(c).map_err(StoreError::Refused)
    };
    Ok(Unit {
        code: UnitCode::parse(&m.code).map_err(StoreError::Refused)?,
        name: m.name.clone(),
        kind: m.kind.parse().map_err(StoreError::Refused)?,
        division_type: m.division_type.clone(),
        parent: m.parent_id.map(code_of).transpose()?,
        valid_from: m.valid_from,
        valid_to: m.valid_to,
        population: m.population,
        officials: m.officials,
        successors: successors
            .get(&m.id)
            .map(|v| v.iter().map(|id| code_of(*id)).collect::<Result<Vec<_>>>())
            .transpose()?
            .unwrap_or_default(),
    })
}

pub(crate) async fn unit_ids<C: ConnectionTrait>(c: &C) -> Result<HashMap<UnitCode, i32>> {
    let rows: Vec<(i32, String)> = unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .column(unit::Column::Code)
        .into_tuple()
        .all(c)
        .await?;
    rows.into_iter()
        .map(|(id, code)| Ok((UnitCode::parse(&code).map_err(StoreError::Refused)?, id)))
        .collect()
}

/// The id of one unit, by code: one indexed read, for writes that name a unit (reading
/// every unit there made each target edit at national scale parse 4,000 rows).
pub(crate) async fn find_unit_id<C: ConnectionTrait>(
    c: &C,
    code: &UnitCode,
) -> Result<Option<i32>> {
    Ok(unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .filter(unit::Column::Code.eq(code.as_str()))
        .into_tuple()
        .one(c)
        .await?)
}

/// [`find_unit_id`], with a unit that is not there named in the error.
pub(crate) async fn unit_id<C: ConnectionTrait>(c: &C, code: &UnitCode) -> Result<i32> {
    find_unit_id(c, code).await?.ok_or_else(|| {
        StoreError::NotFound(chitieu_domain::Refusal::unknown(
            chitieu_domain::Thing::Unit,
            code.as_str(),
        ))
    })
}

/// The code of one unit, by id: one indexed read, for the per-request paths (sessions,
/// tokens) that must not grow with the number of units.
pub(crate) async fn unit_code<C: ConnectionTrait>(c: &C, id: i32) -> Result<UnitCode> {
    let code: String = unit::Entity::find_by_id(id)
        .select_only()
        .column(unit::Column::Code)
        .into_tuple()
        .one(c)
        .await?
        .ok_or_else(|| {
            StoreError::NotFound(chitieu_domain::Refusal::unknown(
                chitieu_domain::Thing::Unit,
                &format!("id {id}"),
            ))
        })?;
    UnitCode::parse(&code).map_err(StoreError::Refused)
}

use sea_orm::QuerySelect;

/// Every stored unit as it is, faults and all.
async fn stored_units<C: ConnectionTrait>(c: &C) -> Result<Vec<Unit>> {
    let models = unit::Entity::find()
        .order_by_asc(unit::Column::Id)
        .all(c)
        .await?;
    let codes: HashMap<i32, String> = models.iter().map(|m| (m.id, m.code.clone())).collect();
    let mut succ: HashMap<i32, Vec<i32>> = HashMap::new();
    for s in unit_successor::Entity::find().all(c).await? {
        succ.entry(s.predecessor_id)
            .or_default()
            .push(s.successor_id);
    }
    models.iter().map(|m| to_domain(m, &codes, &succ)).collect()
}

/// Refuses a write of `batch` that would leave the units' graph with a fault involving one
/// of its units (a fault elsewhere, stored by hand, does not block unrelated writes).
async fn check_tree<C: ConnectionTrait>(c: &C, batch: &[Unit]) -> Result<()> {
    let after = stored_units(c).await?;
    let touched: std::collections::HashSet<&UnitCode> = batch.iter().map(|u| &u.code).collect();
    for f in chitieu_domain::unit_tree::faults(&after) {
        if f.error.units().iter().any(|u| touched.contains(u)) {
            return Err(StoreError::Refused(chitieu_domain::Refusal::Tree(f.error)));
        }
    }
    Ok(())
}

impl Store {
    /// Inserts new units and updates changed ones, in one transaction. Parents may be in the
    /// same batch, before or after their children. A unit missing from the batch is left alone.
    /// Each unit is written whole: a population it leaves out is cleared (an edit).
    pub async fn upsert_units(
        &self,
        units: &[Unit],
        actor: &str,
        what: &str,
    ) -> Result<ImportSummary> {
        self.write_units(units, actor, what, false).await
    }

    /// [`Store::upsert_units`] for a file that does not carry every attribute (the national
    /// map has no populations): what a unit leaves out (type of division, population,
    /// officials) keeps its stored value, so an import never destroys what it does not carry.
    pub async fn import_units(
        &self,
        units: &[Unit],
        actor: &str,
        what: &str,
    ) -> Result<ImportSummary> {
        self.write_units(units, actor, what, true).await
    }

    async fn write_units(
        &self,
        units: &[Unit],
        actor: &str,
        what: &str,
        keep_missing: bool,
    ) -> Result<ImportSummary> {
        let txn = self.begin_write().await?;
        let summary = write_units_in(&txn, units, actor, what, keep_missing).await?;
        txn.commit().await?;
        Ok(summary)
    }

    /// Every unit, with parents and successors as codes, as a tree: a cycle or a chain too
    /// deep stored anyway (edited by hand) is cut where it closes and named in the log, so
    /// that the server starts and no walk over units loops.
    pub async fn all_units(&self) -> Result<Vec<Unit>> {
        let (units, cut) = chitieu_domain::unit_tree::repair(stored_units(&self.db).await?);
        for e in cut {
            tracing::error!(
                "đơn vị lưu sai, bỏ qua liên kết (stored unit graph is not a tree; link skipped): {e} — {}",
                e.message_en()
            );
        }
        Ok(units)
    }

    pub async fn unit(&self, code: &UnitCode) -> Result<Option<Unit>> {
        Ok(self
            .all_units()
            .await?
            .into_iter()
            .find(|u| &u.code == code))
    }

    /// Children of `parent` (or the top level) that exist on `on`, departments and other
    /// bodies first, then communes and wards, each by code.
    pub async fn list_units(&self, parent: Option<&UnitCode>, on: NaiveDate) -> Result<Vec<Unit>> {
        let all = self.all_units().await?;
        if let Some(p) = parent
            && !all.iter().any(|u| &u.code == p)
        {
            return Err(StoreError::NotFound(chitieu_domain::Refusal::unknown(
                chitieu_domain::Thing::Unit,
                p.as_str(),
            )));
        }
        let mut out: Vec<Unit> = all
            .into_iter()
            .filter(|u| u.parent.as_ref() == parent && u.is_valid_on(on))
            .collect();
        let rank = |k: UnitKind| match k {
            UnitKind::Province => 0,
            UnitKind::Department => 1,
            UnitKind::Other => 2,
            UnitKind::Enterprise => 3,
            UnitKind::Ward => 4,
            UnitKind::Commune => 4,
        };
        out.sort_by(|a, b| {
            (rank(a.kind), a.code.as_str().len(), a.code.as_str()).cmp(&(
                rank(b.kind),
                b.code.as_str().len(),
                b.code.as_str(),
            ))
        });
        Ok(out)
    }

    pub async fn unit_counts(&self) -> Result<UnitCounts> {
        let kinds: Vec<String> = unit::Entity::find()
            .select_only()
            .column(unit::Column::Kind)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut map: HashMap<String, u64> = HashMap::new();
        for k in &kinds {
            *map.entry(k.clone()).or_default() += 1;
        }
        let mut by_kind: Vec<(String, u64)> = map.into_iter().collect();
        by_kind.sort();
        Ok(UnitCounts {
            by_kind,
            total: kinds.len() as u64,
        })
    }
}

/// [`Store::upsert_units`] and [`Store::import_units`] inside the caller's transaction (a
/// setup writes units and the plan in one).
pub(crate) async fn write_units_in(
    txn: &sea_orm::DatabaseTransaction,
    units: &[Unit],
    actor: &str,
    what: &str,
    keep_missing: bool,
) -> Result<ImportSummary> {
    let mut existing: HashMap<String, unit::Model> = unit::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|m| (m.code.clone(), m))
        .collect();
    let mut ids: HashMap<UnitCode, i32> = HashMap::new();
    for m in existing.values() {
        if let Ok(c) = UnitCode::parse(&m.code) {
            ids.insert(c, m.id);
        }
    }
    let mut summary = ImportSummary::default();
    // Parents first: repeat passes over what is left until a pass makes no progress.
    let mut pending: Vec<&Unit> = units.iter().collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for u in pending {
            let parent_id = match &u.parent {
                None => None,
                Some(p) => match ids.get(p) {
                    Some(id) => Some(*id),
                    None => {
                        rest.push(u);
                        continue;
                    }
                },
            };
            let name = crate::clean(
                chitieu_domain::Field::Name,
                &u.name,
                chitieu_domain::text::NAME_MAX,
                chitieu_domain::text::TextKind::Line,
            )
            .map_err(|e| match e {
                StoreError::Refused(r) => {
                    StoreError::Refused(r.of(chitieu_domain::Thing::Unit, u.code.as_str()))
                }
                other => other,
            })?;
            if name.is_empty() {
                return Err(StoreError::Refused(
                    chitieu_domain::Refusal::Required {
                        field: chitieu_domain::Field::Name,
                    }
                    .of(chitieu_domain::Thing::Unit, u.code.as_str()),
                ));
            }
            let stored = existing.get(u.code.as_str()).filter(|_| keep_missing);
            let fields = (
                name,
                u.kind.as_str().to_string(),
                u.division_type
                    .clone()
                    .or_else(|| stored.and_then(|m| m.division_type.clone())),
                parent_id,
                u.valid_from,
                u.valid_to,
                u.population.or_else(|| stored.and_then(|m| m.population)),
                u.officials.or_else(|| stored.and_then(|m| m.officials)),
            );
            match existing.remove(u.code.as_str()) {
                Some(m) => {
                    let current = (
                        m.name.clone(),
                        m.kind.clone(),
                        m.division_type.clone(),
                        m.parent_id,
                        m.valid_from,
                        m.valid_to,
                        m.population,
                        m.officials,
                    );
                    if current == fields {
                        summary.unchanged += 1;
                    } else {
                        let mut am: unit::ActiveModel = m.into();
                        am.name = Set(fields.0);
                        am.kind = Set(fields.1);
                        am.division_type = Set(fields.2);
                        am.parent_id = Set(fields.3);
                        am.valid_from = Set(fields.4);
                        am.valid_to = Set(fields.5);
                        am.population = Set(fields.6);
                        am.officials = Set(fields.7);
                        am.update(txn).await?;
                        summary.updated += 1;
                    }
                }
                None => {
                    let am = unit::ActiveModel {
                        code: Set(u.code.to_string()),
                        name: Set(fields.0),
                        kind: Set(fields.1),
                        division_type: Set(fields.2),
                        parent_id: Set(fields.3),
                        valid_from: Set(fields.4),
                        valid_to: Set(fields.5),
                        population: Set(fields.6),
                        officials: Set(fields.7),
                        ..Default::default()
                    };
                    let m = am.insert(txn).await?;
                    ids.insert(u.code.clone(), m.id);
                    summary.added += 1;
                }
            }
        }
        if rest.len() == before {
            let u = rest[0];
            return Err(StoreError::Refused(chitieu_domain::Refusal::BadTree {
                unit: u.code.to_string(),
                reason: chitieu_domain::refusal::TreeFlaw::NoParent,
            }));
        }
        pending = rest;
    }
    for u in units.iter().filter(|u| !u.successors.is_empty()) {
        let pred = ids[&u.code];
        let on = u
            .valid_to
            .map_or(u.valid_from, |d| d.succ_opt().unwrap_or(d));
        for s in &u.successors {
            let succ = *ids.get(s).ok_or_else(|| {
                StoreError::Refused(chitieu_domain::Refusal::BadTree {
                    unit: u.code.to_string(),
                    reason: chitieu_domain::refusal::TreeFlaw::NoSuccessor,
                })
            })?;
            let exists = unit_successor::Entity::find()
                .filter(unit_successor::Column::PredecessorId.eq(pred))
                .filter(unit_successor::Column::SuccessorId.eq(succ))
                .one(txn)
                .await?
                .is_some();
            if !exists {
                unit_successor::ActiveModel {
                    predecessor_id: Set(pred),
                    successor_id: Set(succ),
                    on_date: Set(on),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
            }
        }
    }
    check_tree(txn, units).await?;
    if summary.added + summary.updated > 0 {
        let detail = format!(
            "{what}: thêm {}, cập nhật {}, không đổi {}",
            summary.added, summary.updated, summary.unchanged
        );
        audit(txn, actor, "units.upsert", "units", &detail).await?;
        crate::values::bump_counter(txn, "structure").await?;
    }
    Ok(summary)
}
