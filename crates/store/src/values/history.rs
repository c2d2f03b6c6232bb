//! The history of one value: each change with what it was and what it became, who, when,
//! from where and through what; a value last written by a large import points to that
//! import's audit entry, whose hash covers every row it wrote.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::{audit, data_value, value_history};
use crate::{Result, Store};
use chitieu_domain::{Period, UnitCode};

/// One change of a value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ValueChange {
    pub at: DateTime<Utc>,
    pub actor: String,
    /// The client's address, when the change came through the server.
    pub address: String,
    /// The channel: "nhập trên web …", "API", "nhập tệp …", or an import's audit entry.
    pub what: String,
    /// The state the value was left in (`draft`, `accepted`…), when recorded.
    pub state: Option<String>,
    /// The figures before (`None` for the first one) and after.
    pub before: Option<Figures>,
    pub after: Figures,
}

/// A value's figures as stored: the people who read them format them in their notation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Figures {
    pub value: String,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
}

fn figures(value: &str, num: Option<&str>, den: Option<&str>) -> Figures {
    Figures {
        value: value.to_string(),
        numerator: num.map(str::to_string),
        denominator: den.map(str::to_string),
    }
}

impl Store {
    /// Every change of one value, oldest first.
    pub async fn value_history(
        &self,
        indicator: &str,
        unit: &UnitCode,
        period: &Period,
    ) -> Result<Vec<ValueChange>> {
        let ids = self.ids_now().await?;
        let (Some(&i), Some(&u)) = (ids.indicators.get(indicator), ids.units.get(unit)) else {
            return Ok(Vec::new());
        };
        let period = period.to_string();
        let rows = value_history::Entity::find()
            .filter(value_history::Column::IndicatorId.eq(i))
            .filter(value_history::Column::UnitId.eq(u))
            .filter(value_history::Column::Period.eq(&period))
            .order_by_asc(value_history::Column::Id)
            .all(&self.db)
            .await?;
        let mut out: Vec<ValueChange> =
            rows.iter()
                .map(|h| ValueChange {
                    at: h.at,
                    actor: h.actor.clone(),
                    address: h.address.clone(),
                    what: h.what.clone(),
                    state: Some(h.new_state.clone()),
                    before: h.old_value.as_deref().map(|v| {
                        figures(v, h.old_numerator.as_deref(), h.old_denominator.as_deref())
                    }),
                    after: figures(
                        &h.new_value,
                        h.new_numerator.as_deref(),
                        h.new_denominator.as_deref(),
                    ),
                })
                .collect();
        // Last written by a large import: its audit entry stands for the change (the write's
        // change number is in the entry).
        let current = data_value::Entity::find()
            .filter(data_value::Column::IndicatorId.eq(i))
            .filter(data_value::Column::UnitId.eq(u))
            .filter(data_value::Column::Period.eq(&period))
            .one(&self.db)
            .await?;
        if let Some(v) = current
            && !rows.iter().any(|h| h.seq == v.seq)
        {
            let entry = audit::Entity::find()
                .filter(audit::Column::Action.eq("values.upsert"))
                .filter(audit::Column::Detail.starts_with(format!("lần ghi {}:", v.seq)))
                .one(&self.db)
                .await?;
            // (A report's move changes the number too, and has no such entry.)
            if let Some(e) = entry {
                out.push(ValueChange {
                    at: e.at,
                    actor: e.actor,
                    address: String::new(),
                    what: e.detail,
                    state: None,
                    before: None,
                    after: figures(&v.value, v.numerator.as_deref(), v.denominator.as_deref()),
                });
            }
        }
        Ok(out)
    }
}
