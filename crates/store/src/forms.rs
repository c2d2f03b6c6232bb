//! The plan's report forms and validation rules as stored: written with the plan, changed on
//! the admin page (forms), read back into the plan file.

use chitieu_domain::report::Form;
use chitieu_domain::text::{NAME_MAX, TextKind};
use chitieu_domain::validation::{RawRule, Rule, Severity};
use chitieu_domain::{Indicator, UnitKind};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::str::FromStr;

use crate::entities::{form, plan, validation_rule};
use crate::{Result, Store, StoreError, audit};

fn bad(e: chitieu_domain::Refusal) -> StoreError {
    StoreError::Refused(e)
}

pub(crate) async fn insert_rules<C: ConnectionTrait>(
    c: &C,
    plan_id: i32,
    rules: &[Rule],
) -> Result<()> {
    for (i, r) in rules.iter().enumerate() {
        let raw = r.raw();
        validation_rule::ActiveModel {
            plan_id: Set(plan_id),
            left_side: Set(raw.left),
            op: Set(raw.op),
            right_side: Set(raw.right),
            severity: Set(raw.severity.as_str().into()),
            message: Set(raw.message),
            sort: Set(i as i32),
            ..Default::default()
        }
        .insert(c)
        .await?;
    }
    Ok(())
}

pub(crate) async fn insert_forms<C: ConnectionTrait>(
    c: &C,
    plan_id: i32,
    forms: &[Form],
) -> Result<()> {
    for (i, f) in forms.iter().enumerate() {
        form::ActiveModel {
            plan_id: Set(plan_id),
            code: Set(f.code.clone()),
            name: Set(f.name.clone()),
            name_en: Set(f.name_en.clone()),
            frequency: Set(f.frequency.as_str().into()),
            due_days: Set(i32::try_from(f.due_days).map_err(|e| StoreError::Broken(e.to_string()))?),
            reported_by: Set(f
                .reported_by
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(",")),
            indicators: Set(f.indicators.join(",")),
            sort: Set(i as i32),
            ..Default::default()
        }
        .insert(c)
        .await?;
    }
    Ok(())
}

/// A plan's forms, in their order.
pub(crate) async fn load_forms<C: ConnectionTrait>(c: &C, plan_id: i32) -> Result<Vec<Form>> {
    let list = |s: &str| -> Vec<String> {
        s.split(',')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut forms = Vec::new();
    for f in form::Entity::find()
        .filter(form::Column::PlanId.eq(plan_id))
        .order_by_asc(form::Column::Sort)
        .all(c)
        .await?
    {
        forms.push(Form {
            code: f.code,
            name: f.name,
            name_en: f.name_en,
            frequency: f.frequency.parse().map_err(bad)?,
            due_days: u32::try_from(f.due_days).map_err(|e| StoreError::Broken(e.to_string()))?,
            reported_by: list(&f.reported_by)
                .iter()
                .map(|k| UnitKind::from_str(k))
                .collect::<std::result::Result<_, _>>()
                .map_err(bad)?,
            indicators: list(&f.indicators),
        });
    }
    Ok(forms)
}

/// A plan's validation rules, checked again against its indicators.
pub(crate) async fn load_rules<C: ConnectionTrait>(
    c: &C,
    plan_id: i32,
    indicators: &[Indicator],
) -> Result<Vec<Rule>> {
    let mut rules = Vec::new();
    for r in validation_rule::Entity::find()
        .filter(validation_rule::Column::PlanId.eq(plan_id))
        .order_by_asc(validation_rule::Column::Sort)
        .all(c)
        .await?
    {
        let raw = RawRule {
            left: r.left_side,
            op: r.op,
            right: r.right_side,
            severity: match r.severity.as_str() {
                "warning" => Severity::Warning,
                _ => Severity::Error,
            },
            message: r.message,
        };
        rules.push(Rule::parse(&raw, indicators).map_err(bad)?);
    }
    Ok(rules)
}

impl Store {
    /// Adds a report form or changes one (by its code), checked against the plan's
    /// indicators; the audit entry keeps the form before and after.
    pub async fn set_form(&self, f: &Form, indicators: &[Indicator], actor: &str) -> Result<()> {
        let name = crate::clean(
            chitieu_domain::Field::Name,
            &f.name,
            NAME_MAX,
            TextKind::Line,
        )?;
        let f = &Form { name, ..f.clone() };
        f.check(indicators).map_err(bad)?;
        let txn = self.begin_write().await?;
        let p = plan::Entity::find().one(&txn).await?.ok_or_else(|| {
            StoreError::NotFound(chitieu_domain::Refusal::unknown(
                chitieu_domain::Thing::Plan,
                "",
            ))
        })?;
        let kinds = f
            .reported_by
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(",");
        let old = form::Entity::find()
            .filter(form::Column::Code.eq(&f.code))
            .one(&txn)
            .await?;
        let describe = |name: &str, freq: &str, due: i32, by: &str, inds: &str| {
            format!("\"{name}\", {freq}, hạn {due} ngày, {by}: {inds}")
        };
        let before = old.as_ref().map(|o| {
            describe(
                &o.name,
                &o.frequency,
                o.due_days,
                &o.reported_by,
                &o.indicators,
            )
        });
        let due = i32::try_from(f.due_days).map_err(|e| StoreError::Broken(e.to_string()))?;
        let after = describe(
            &f.name,
            f.frequency.as_str(),
            due,
            &kinds,
            &f.indicators.join(","),
        );
        match old {
            Some(o) => {
                let mut am: form::ActiveModel = o.into();
                am.name = Set(f.name.clone());
                am.frequency = Set(f.frequency.as_str().into());
                am.due_days = Set(due);
                am.reported_by = Set(kinds);
                am.indicators = Set(f.indicators.join(","));
                am.update(&txn).await?;
            }
            None => {
                let sort = form::Entity::find().all(&txn).await?.len() as i32;
                form::ActiveModel {
                    plan_id: Set(p.id),
                    code: Set(f.code.clone()),
                    name: Set(f.name.clone()),
                    frequency: Set(f.frequency.as_str().into()),
                    due_days: Set(due),
                    reported_by: Set(kinds),
                    indicators: Set(f.indicators.join(",")),
                    sort: Set(sort),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
        }
        let detail = format!(
            "biểu mẫu {}: {} → {after}",
            f.code,
            before.unwrap_or_else(|| "(mới)".into())
        );
        audit(&txn, actor, "forms.set", "forms", &detail).await?;
        crate::values::bump_counter(&txn, "plan").await?;
        txn.commit().await?;
        Ok(())
    }
}
