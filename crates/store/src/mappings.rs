//! Code-mapping tables: per other system, (part, our code) ↔ its code. The store keeps rows as
//! text; the exchange formats check and use them.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entities::code_mapping;
use crate::{Result, Store, StoreError, audit};

/// Rows of one system's table at most.
pub const MAX_MAPPINGS: usize = 100_000;

impl Store {
    /// `system`'s mapping rows: (part, our code, their code), ordered.
    pub async fn mappings(&self, system: &str) -> Result<Vec<(String, String, String)>> {
        Ok(code_mapping::Entity::find()
            .filter(code_mapping::Column::System.eq(system))
            .order_by_asc(code_mapping::Column::Part)
            .order_by_asc(code_mapping::Column::Code)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| (m.part, m.code, m.external))
            .collect())
    }

    /// Replaces `system`'s table with `rows`, in one transaction, audited.
    pub async fn replace_mappings(
        &self,
        system: &str,
        rows: &[(String, String, String)],
        actor: &str,
    ) -> Result<()> {
        if rows.len() > MAX_MAPPINGS {
            return Err(StoreError::Refused(chitieu_domain::Refusal::TooMany {
                what: chitieu_domain::Thing::Mapping,
                max: MAX_MAPPINGS,
            }));
        }
        let txn = self.begin_write().await?;
        code_mapping::Entity::delete_many()
            .filter(code_mapping::Column::System.eq(system))
            .exec(&txn)
            .await?;
        for (part, code, external) in rows {
            code_mapping::ActiveModel {
                system: Set(system.to_string()),
                part: Set(part.clone()),
                code: Set(code.clone()),
                external: Set(external.clone()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        audit(
            &txn,
            actor,
            "mapping.replace",
            "code_mappings",
            &format!("{system}: {} dòng", rows.len()),
        )
        .await?;
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(())
    }
}

/// The code mappings a plan file ships, for each system that has none yet (a mapping an
/// administrator edited stays as it is), inside the caller's transaction. Returns how many
/// rows were added.
pub(crate) async fn ship_mappings<C: sea_orm::ConnectionTrait>(
    c: &C,
    rows: &[chitieu_domain::plan_mapping::PlanMapping],
    actor: &str,
) -> Result<u64> {
    let mut systems: Vec<&str> = rows.iter().map(|m| m.system.as_str()).collect();
    systems.sort_unstable();
    systems.dedup();
    let mut added = 0;
    for system in systems {
        let present = code_mapping::Entity::find()
            .filter(code_mapping::Column::System.eq(system))
            .one(c)
            .await?
            .is_some();
        if present {
            continue;
        }
        for m in rows.iter().filter(|m| m.system == system) {
            code_mapping::ActiveModel {
                system: Set(m.system.clone()),
                part: Set(m.part.clone()),
                code: Set(m.code.clone()),
                external: Set(m.external.clone()),
                ..Default::default()
            }
            .insert(c)
            .await?;
            added += 1;
        }
        audit(
            c,
            actor,
            "mapping.replace",
            "code_mappings",
            &format!("{system}: bảng mã kèm kế hoạch"),
        )
        .await?;
    }
    Ok(added)
}
