//! Loading a plan into a database: once, all or nothing, and only the owner's.

use chitieu_domain::UnitCode;
use chitieu_domain::default_plan::PlanFile;
use chitieu_domain::text::format_decimal;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use std::collections::HashMap;

use crate::entities::{form, indicator, indicator_coordinator, indicator_group, plan, target};
use crate::plan::bad;
use crate::units::unit_ids;
use crate::{Result, Store, StoreError, audit};

impl Store {
    /// Loads a plan the first time; a plan whose code is already stored is left untouched
    /// so that edits made since are never overwritten. Returns whether it was loaded.
    /// Sets a database up in one transaction, all or nothing: the units given (those the
    /// plan needs that are missing), then the plan if absent. A database holding another
    /// owner's plan, or a plan of another code, is refused before anything is written.
    pub async fn set_up(
        &self,
        units: &[chitieu_domain::Unit],
        file: &PlanFile,
        actor: &str,
    ) -> Result<(u64, bool)> {
        let txn = self.begin_write().await?;
        let stored: Vec<(String, String, i32)> = plan::Entity::find()
            .select_only()
            .column(plan::Column::Code)
            .column(plan::Column::Name)
            .column(plan::Column::OwnerUnitId)
            .into_tuple()
            .all(&txn)
            .await?;
        let owner = unit_ids(&txn).await?.get(&file.plan.owner).copied();
        if let Some((code, name, _)) = stored
            .iter()
            .find(|(code, _, id)| *code != file.plan.code || Some(*id) != owner)
        {
            return Err(bad(chitieu_domain::Refusal::OtherPlan {
                stored: format!("{code} ({name})"),
                file: format!("{} ({})", file.plan.code, file.plan.name),
            }));
        }
        let added = crate::units::write_units_in(&txn, units, actor, "khởi tạo", false)
            .await?
            .added;
        let loaded = load_plan_in(&txn, file, actor).await?;
        if crate::mappings::ship_mappings(&txn, &file.mappings, actor).await? > 0 {
            crate::values::bump_counter(&txn, "records").await?;
        }
        txn.commit().await?;
        Ok((added, loaded))
    }

    pub async fn load_plan_if_absent(&self, file: &PlanFile, actor: &str) -> Result<bool> {
        let txn = self.begin_write().await?;
        let loaded = load_plan_in(&txn, file, actor).await?;
        txn.commit().await?;
        Ok(loaded)
    }
}

/// [`Store::load_plan_if_absent`] inside the caller's transaction.
pub(crate) async fn load_plan_in(
    txn: &sea_orm::DatabaseTransaction,
    file: &PlanFile,
    actor: &str,
) -> Result<bool> {
    // Only the id: a database of an older schema (a test of an upgrade) lacks later columns.
    if let Some(stored_id) = plan::Entity::find()
        .select_only()
        .column(plan::Column::Id)
        .filter(plan::Column::Code.eq(&file.plan.code))
        .into_tuple::<i32>()
        .one(txn)
        .await?
    {
        // A plan stored before report forms existed gets the file's forms once.
        let none = form::Entity::find()
            .filter(form::Column::PlanId.eq(stored_id))
            .one(txn)
            .await?
            .is_none();
        if none && !file.forms.is_empty() {
            crate::forms::insert_forms(txn, stored_id, &file.forms).await?;
            crate::forms::insert_rules(txn, stored_id, &file.rules).await?;
            audit(
                txn,
                actor,
                "plan.forms",
                "forms",
                &format!("{} biểu mẫu", file.forms.len()),
            )
            .await?;
            crate::values::bump_counter(txn, "plan").await?;
        }
        return Ok(false);
    }
    let ids = unit_ids(txn).await?;
    let uid = |c: &UnitCode| -> Result<i32> {
        ids.get(c).copied().ok_or_else(|| {
            bad(chitieu_domain::Refusal::Unknown {
                what: chitieu_domain::Thing::Unit,
                code: c.to_string(),
            })
        })
    };
    let p = plan::ActiveModel {
        code: Set(file.plan.code.clone()),
        name: Set(file.plan.name.clone()),
        name_en: Set(file.plan.name_en.clone()),
        owner_unit_id: Set(uid(&file.plan.owner)?),
        baseline_year: Set(file.plan.baseline_year),
        start_year: Set(file.plan.start_year),
        end_year: Set(file.plan.end_year),
        source: Set(file.plan.source.clone()),
        outlier_z: Set(file.outlier_z.to_string()),
        // None set, the column is left to its default: an older schema has none.
        documents: if file.documents == Default::default() {
            sea_orm::ActiveValue::NotSet
        } else {
            Set(serde_json::to_string(&file.documents)
                .map_err(|e| StoreError::Broken(e.to_string()))?)
        },
        ..Default::default()
    };
    // Only the id back: RETURNING every column fails on an older schema.
    let plan_id = plan::Entity::insert(p).exec(txn).await?.last_insert_id;
    let mut groups = HashMap::new();
    for (i, g) in file.groups.iter().enumerate() {
        let m = indicator_group::ActiveModel {
            plan_id: Set(plan_id),
            code: Set(g.code.clone()),
            name: Set(g.name.clone()),
            name_en: Set(g.name_en.clone()),
            sort: Set(i as i32),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        groups.insert(g.code.clone(), m.id);
    }
    let mut inds = HashMap::new();
    for (i, ind) in file.indicators.iter().enumerate() {
        let m = indicator::ActiveModel {
            plan_id: Set(plan_id),
            group_id: Set(groups[&ind.group]),
            code: Set(ind.code.clone()),
            name: Set(ind.name.clone()),
            name_en: Set(ind.name_en.clone()),
            definition: Set(ind.definition.clone()),
            unit_of_measure: Set(ind.unit_of_measure.clone()),
            unit_of_measure_en: Set(ind.unit_of_measure_en.clone()),
            measure: Set(ind.measure.as_str().into()),
            factor: Set(ind.factor.as_ref().map(format_decimal)),
            numerator_label: Set(ind.numerator_label.clone()),
            definition_en: Set(ind.definition_en.clone()),
            numerator_label_en: Set(ind.numerator_label_en.clone()),
            denominator_label_en: Set(ind.denominator_label_en.clone()),
            denominator_label: Set(ind.denominator_label.clone()),
            time_aggregation: Set(ind.time_aggregation.as_str().into()),
            unit_aggregation: Set(ind.unit_aggregation.as_str().into()),
            direction: Set(ind.direction.as_str().into()),
            natural_limit: Set(ind.natural_limit.as_ref().map(format_decimal)),
            frequency: Set(ind.frequency.as_str().into()),
            reported_by: Set(ind
                .reported_by
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(",")),
            lead_unit_id: Set(uid(&ind.lead_unit)?),
            data_source: Set(ind.data_source.clone()),
            derived_from: Set(ind.derived_from.clone()),
            sort: Set(i as i32),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        for c in &ind.coordinating_units {
            indicator_coordinator::ActiveModel {
                indicator_id: Set(m.id),
                unit_id: Set(uid(c)?),
            }
            .insert(txn)
            .await?;
        }
        inds.insert(ind.code.clone(), m.id);
    }
    for t in &file.targets {
        target::ActiveModel {
            indicator_id: Set(inds[&t.indicator]),
            unit_id: Set(uid(&t.unit)?),
            year: Set(t.year),
            comparator: Set(t.comparator.symbol().into()),
            value: Set(format_decimal(&t.value)),
            wording: Set(t.wording.clone()),
            every_from: Set(t.every_year.map(|s| s.from)),
            every_to: Set(t.every_year.map(|s| s.to)),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    crate::forms::insert_forms(txn, plan_id, &file.forms).await?;
    crate::forms::insert_rules(txn, plan_id, &file.rules).await?;
    let detail = format!(
        "kế hoạch {}: {} nhóm, {} chỉ tiêu, {} mục tiêu",
        file.plan.code,
        file.groups.len(),
        file.indicators.len(),
        file.targets.len()
    );
    audit(txn, actor, "plan.load", "plans", &detail).await?;
    crate::values::bump_counter(txn, "structure").await?;
    Ok(true)
}
