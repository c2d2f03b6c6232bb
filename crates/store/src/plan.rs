//! The plan: groups, indicators, coordinating units and targets.

use chitieu_domain::default_plan::PlanFile;
use chitieu_domain::text::format_decimal;
use chitieu_domain::text::{COMMENT_MAX, NAME_MAX, TextKind};
use chitieu_domain::{Catalog, EveryYear, Group, Indicator, Plan, Target, UnitCode, UnitKind};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;
use std::str::FromStr;

use crate::entities::{indicator, indicator_coordinator, indicator_group, plan, target};
use crate::units::{unit_id, unit_ids};
use crate::{Result, Store, StoreError, audit};

/// The editable, descriptive part of an indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorEdit {
    pub name: String,
    pub name_en: String,
    pub definition: String,
    pub data_source: String,
    pub lead_unit: UnitCode,
}

/// Database ids behind the codes of a [`Catalog`], both ways. The store's callers speak
/// codes; tests reach the ids through the `testing` feature.
#[derive(Debug, Clone, Default)]
pub struct Ids {
    pub indicators: HashMap<String, i32>,
    pub units: HashMap<UnitCode, i32>,
    pub(crate) indicator_codes: HashMap<i32, String>,
    pub(crate) unit_codes: HashMap<i32, UnitCode>,
}

impl Ids {
    /// The id of an indicator by its code; unknown → not found, named.
    pub(crate) fn indicator(&self, code: &str) -> Result<i32> {
        self.indicators.get(code).copied().ok_or_else(|| {
            StoreError::NotFound(chitieu_domain::Refusal::unknown(
                chitieu_domain::Thing::Indicator,
                code,
            ))
        })
    }

    /// The id of a unit by its code; unknown → not found, named.
    pub(crate) fn unit(&self, code: &UnitCode) -> Result<i32> {
        self.units.get(code).copied().ok_or_else(|| {
            StoreError::NotFound(chitieu_domain::Refusal::unknown(
                chitieu_domain::Thing::Unit,
                code.as_str(),
            ))
        })
    }
}

pub(crate) fn bad(e: chitieu_domain::Refusal) -> StoreError {
    StoreError::Refused(e)
}

fn dec(s: &str) -> Result<rust_decimal::Decimal> {
    rust_decimal::Decimal::from_str(s).map_err(|e| {
        bad(chitieu_domain::Refusal::Unreadable {
            what: chitieu_domain::Thing::Plan,
            detail: format!("\"{s}\": {e}"),
        })
    })
}

impl Store {
    /// Sets a target (new or changed) for an indicator, a unit and a year; a recurring
    /// target for every year of its span, replacing the recurring targets it overlaps.
    pub async fn set_target(&self, t: &Target, actor: &str) -> Result<()> {
        let t = &t.clone().checked().map_err(bad)?;
        let txn = self.begin_write().await?;
        let ind = indicator::Entity::find()
            .filter(indicator::Column::Code.eq(&t.indicator))
            .one(&txn)
            .await?
            .ok_or_else(|| {
                StoreError::NotFound(chitieu_domain::Refusal::unknown(
                    chitieu_domain::Thing::Indicator,
                    &t.indicator,
                ))
            })?;
        let unit_id = unit_id(&txn, &t.unit).await?;
        // What the change replaces, for the audit entry: the targets of the years it sets,
        // and a recurring target's span it overlaps.
        let before: Vec<String> = target::Entity::find()
            .filter(target::Column::IndicatorId.eq(ind.id))
            .filter(target::Column::UnitId.eq(unit_id))
            .order_by_asc(target::Column::Year)
            .all(&txn)
            .await?
            .into_iter()
            .filter(|m| match t.every_year {
                Some(span) => {
                    (span.from..=span.to).contains(&m.year)
                        || m.every_from
                            .zip(m.every_to)
                            .is_some_and(|(f, to)| f <= span.to && to >= span.from)
                }
                None => m.year == t.year,
            })
            .map(|m| format!("{} {} {} — {}", m.year, m.comparator, m.value, m.wording))
            .collect();
        if let Some(span) = t.every_year {
            target::Entity::delete_many()
                .filter(target::Column::IndicatorId.eq(ind.id))
                .filter(target::Column::UnitId.eq(unit_id))
                .filter(target::Column::EveryFrom.lte(span.to))
                .filter(target::Column::EveryTo.gte(span.from))
                .exec(&txn)
                .await?;
        }
        for each in t.clone().each_year() {
            let existing = target::Entity::find()
                .filter(target::Column::IndicatorId.eq(ind.id))
                .filter(target::Column::UnitId.eq(unit_id))
                .filter(target::Column::Year.eq(each.year))
                .one(&txn)
                .await?;
            let mut am = match existing {
                Some(m) => m.into(),
                None => <target::ActiveModel as Default>::default(),
            };
            am.indicator_id = Set(ind.id);
            am.unit_id = Set(unit_id);
            am.year = Set(each.year);
            am.comparator = Set(each.comparator.symbol().into());
            am.value = Set(format_decimal(&each.value));
            am.wording = Set(each.wording.trim().to_string());
            am.every_from = Set(each.every_year.map(|s| s.from));
            am.every_to = Set(each.every_year.map(|s| s.to));
            am.save(&txn).await?;
        }
        let years = match t.every_year {
            Some(span) => format!("mỗi năm {}–{}", span.from, span.to),
            None => format!("năm {}", t.year),
        };
        let detail = format!(
            "{} {} {years}: {} → {} {} — {}",
            t.indicator,
            t.unit,
            if before.is_empty() {
                "(mới)".to_string()
            } else {
                before.join("; ")
            },
            t.comparator.symbol(),
            format_decimal(&t.value),
            t.wording
        );
        audit(&txn, actor, "targets.set", "targets", &detail).await?;
        // The plan changed, not the values or the units: engines reload the plan only.
        crate::values::bump_counter(&txn, "plan").await?;
        txn.commit().await?;
        Ok(())
    }

    /// Changes an indicator's descriptive fields and lead unit; its measure and aggregation
    /// rules stay, since stored values depend on them.
    pub async fn update_indicator(&self, code: &str, e: &IndicatorEdit, actor: &str) -> Result<()> {
        let (name, name_en, definition, data_source, lead_unit) = (
            &e.name,
            &e.name_en,
            &e.definition,
            &e.data_source,
            &e.lead_unit,
        );
        let name = &crate::clean(chitieu_domain::Field::Name, name, NAME_MAX, TextKind::Line)?;
        let name_en = &crate::clean(
            chitieu_domain::Field::NameEn,
            name_en,
            NAME_MAX,
            TextKind::Line,
        )?;
        let definition = &crate::clean(
            chitieu_domain::Field::Definition,
            definition,
            COMMENT_MAX,
            TextKind::Multiline,
        )?;
        let data_source = &crate::clean(
            chitieu_domain::Field::DataSource,
            data_source,
            COMMENT_MAX,
            TextKind::Multiline,
        )?;
        if name.is_empty() {
            return Err(bad(chitieu_domain::Refusal::Required {
                field: chitieu_domain::Field::Name,
            }
            .of(chitieu_domain::Thing::Indicator, code)));
        }
        let txn = self.begin_write().await?;
        let m = indicator::Entity::find()
            .filter(indicator::Column::Code.eq(code))
            .one(&txn)
            .await?
            .ok_or_else(|| {
                StoreError::NotFound(chitieu_domain::Refusal::unknown(
                    chitieu_domain::Thing::Indicator,
                    code,
                ))
            })?;
        let lead = unit_id(&txn, lead_unit).await?;
        let mut am: indicator::ActiveModel = m.into();
        am.name = Set(name.trim().to_string());
        am.name_en = Set(name_en.trim().to_string());
        am.definition = Set(definition.trim().to_string());
        am.data_source = Set(data_source.trim().to_string());
        am.lead_unit_id = Set(lead);
        am.update(&txn).await?;
        audit(
            &txn,
            actor,
            "indicators.update",
            "indicators",
            &format!("{code}: {name}"),
        )
        .await?;
        crate::values::bump_counter(&txn, "plan").await?;
        txn.commit().await?;
        Ok(())
    }

    /// The first plan stored, read back into domain types.
    pub async fn plan_file(&self) -> Result<Option<PlanFile>> {
        let Some(p) = plan::Entity::find()
            .order_by_asc(plan::Column::Id)
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        // The cached ids: reading every unit here made each target edit's plan reload at
        // national scale parse 4,000 rows.
        let ids = self.ids_now().await?;
        let code_of = &ids.unit_codes;
        let ucode = |id: i32| -> Result<UnitCode> {
            code_of.get(&id).cloned().ok_or_else(|| {
                StoreError::NotFound(chitieu_domain::Refusal::unknown(
                    chitieu_domain::Thing::Unit,
                    &format!("id {id}"),
                ))
            })
        };
        let groups = indicator_group::Entity::find()
            .filter(indicator_group::Column::PlanId.eq(p.id))
            .order_by_asc(indicator_group::Column::Sort)
            .all(&self.db)
            .await?;
        let group_code: HashMap<i32, String> =
            groups.iter().map(|g| (g.id, g.code.clone())).collect();
        let inds = indicator::Entity::find()
            .filter(indicator::Column::PlanId.eq(p.id))
            .order_by_asc(indicator::Column::Sort)
            .all(&self.db)
            .await?;
        let mut coord: HashMap<i32, Vec<UnitCode>> = HashMap::new();
        for c in indicator_coordinator::Entity::find().all(&self.db).await? {
            coord
                .entry(c.indicator_id)
                .or_default()
                .push(ucode(c.unit_id)?);
        }
        let mut indicators = Vec::new();
        let mut ind_code = HashMap::new();
        for m in &inds {
            ind_code.insert(m.id, m.code.clone());
            indicators.push(Indicator {
                code: m.code.clone(),
                group: group_code.get(&m.group_id).cloned().unwrap_or_default(),
                name: m.name.clone(),
                name_en: m.name_en.clone(),
                definition: m.definition.clone(),
                unit_of_measure: m.unit_of_measure.clone(),
                unit_of_measure_en: m.unit_of_measure_en.clone(),
                measure: m.measure.parse().map_err(bad)?,
                factor: m.factor.as_deref().map(dec).transpose()?,
                numerator_label: m.numerator_label.clone(),
                definition_en: m.definition_en.clone(),
                numerator_label_en: m.numerator_label_en.clone(),
                denominator_label_en: m.denominator_label_en.clone(),
                denominator_label: m.denominator_label.clone(),
                time_aggregation: m.time_aggregation.parse().map_err(bad)?,
                unit_aggregation: m.unit_aggregation.parse().map_err(bad)?,
                direction: m.direction.parse().map_err(bad)?,
                natural_limit: m.natural_limit.as_deref().map(dec).transpose()?,
                frequency: m.frequency.parse().map_err(bad)?,
                reported_by: m
                    .reported_by
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(UnitKind::from_str)
                    .collect::<std::result::Result<_, _>>()
                    .map_err(bad)?,
                lead_unit: ucode(m.lead_unit_id)?,
                coordinating_units: coord.remove(&m.id).unwrap_or_default(),
                data_source: m.data_source.clone(),
                derived_from: m.derived_from.clone(),
            });
        }
        let mut targets = Vec::new();
        for t in target::Entity::find()
            .order_by_asc(target::Column::IndicatorId)
            .order_by_asc(target::Column::Year)
            .all(&self.db)
            .await?
        {
            let Some(code) = ind_code.get(&t.indicator_id) else {
                continue;
            };
            targets.push(Target {
                indicator: code.clone(),
                unit: ucode(t.unit_id)?,
                year: t.year,
                comparator: t.comparator.parse().map_err(bad)?,
                value: dec(&t.value)?,
                wording: t.wording.clone(),
                every_year: t
                    .every_from
                    .zip(t.every_to)
                    .map(|(from, to)| EveryYear { from, to }),
            });
        }
        // Targets in the order of the plan's indicators.
        let order: HashMap<&str, usize> = indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| (ind.code.as_str(), i))
            .collect();
        targets.sort_by_key(|t| (order.get(t.indicator.as_str()).copied(), t.year));
        let forms = crate::forms::load_forms(&self.db, p.id).await?;
        let rules = crate::forms::load_rules(&self.db, p.id, &indicators).await?;
        let outlier_z = p
            .outlier_z
            .parse::<f64>()
            .unwrap_or(chitieu_domain::validation::OUTLIER_Z);
        Ok(Some(PlanFile {
            plan: Plan {
                code: p.code,
                name: p.name,
                name_en: p.name_en,
                owner: ucode(p.owner_unit_id)?,
                baseline_year: p.baseline_year,
                start_year: p.start_year,
                end_year: p.end_year,
                source: p.source,
            },
            groups: groups
                .into_iter()
                .map(|g| Group {
                    code: g.code,
                    name: g.name,
                    name_en: g.name_en,
                })
                .collect(),
            units: Vec::new(),
            indicators,
            targets,
            forms,
            rules,
            outlier_z,
            // Written by this program from a checked file; an unreadable one falls back to the
            // defaults rather than stopping every page.
            documents: serde_json::from_str(&p.documents).unwrap_or_default(),
            mappings: Vec::new(),
        }))
    }

    /// Store ids of every indicator and unit, by code.
    pub(crate) async fn load_ids(&self) -> Result<Ids> {
        let rows: Vec<(i32, String)> = indicator::Entity::find()
            .select_only()
            .column(indicator::Column::Id)
            .column(indicator::Column::Code)
            .into_tuple()
            .all(&self.db)
            .await?;
        let units = unit_ids(&self.db).await?;
        Ok(Ids {
            unit_codes: units.iter().map(|(c, i)| (*i, c.clone())).collect(),
            units,
            indicator_codes: rows.iter().map(|(i, c)| (*i, c.clone())).collect(),
            indicators: rows.into_iter().map(|(i, c)| (c, i)).collect(),
        })
    }

    /// Database ids by code, for tests that reach past the store.
    #[cfg(feature = "testing")]
    pub async fn ids(&self) -> Result<Ids> {
        self.load_ids().await
    }

    /// The plan's indicators and the known units, by code: what a write is checked against.
    pub async fn catalog(&self) -> Result<Catalog> {
        let plan = self.plan_file().await?;
        let units = self.all_units().await?;
        Ok(Catalog::new(
            plan.as_ref().map_or(&[][..], |p| &p.indicators[..]),
            units,
        ))
    }
}
