//! Data values: batched insert-or-update (a changed value gets version + 1) and export.

use chitieu_domain::text::format_decimal;
use chitieu_domain::{Period, UnitCode, ValueState};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::str::FromStr;

use crate::entities::data_value::{self, Column as C};
use crate::plan::Ids;
use crate::{Result, Store, StoreError, audit};

/// Takes the next change sequence number. The counter row stays locked until the
/// transaction ends, so writers commit in sequence order and a reader that has seen
/// sequence N has seen every change up to N.
async fn next_seq<C: ConnectionTrait>(c: &C) -> Result<i64> {
    bump_counter(c, "values").await
}

/// Increments a named counter inside the caller's transaction and returns the new value.
pub(crate) async fn bump_counter<C: ConnectionTrait>(c: &C, name: &str) -> Result<i64> {
    use crate::entities::counter;
    let update = Query::update()
        .table(counter::Entity)
        .value(
            counter::Column::Value,
            Expr::col(counter::Column::Value).add(1),
        )
        .and_where(Expr::col(counter::Column::Name).eq(name))
        .to_owned();
    c.execute(&update).await?;
    read_counter(c, name).await
}

pub(crate) async fn read_counter<C: ConnectionTrait>(c: &C, name: &str) -> Result<i64> {
    use crate::entities::counter;
    let row = counter::Entity::find_by_id(name.to_string())
        .one(c)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("bộ đếm \"{name}\"")))?;
    Ok(row.value)
}

/// A stored value as the engine loads it: ids, the period id and decimal text.
pub type RawValue = (
    i32,
    i32,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
);

/// A checked value ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewValue {
    pub indicator_id: i32,
    pub unit_id: i32,
    pub period: Period,
    pub value: Decimal,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub comment: String,
}

/// A stored value, with codes instead of ids.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ValueRow {
    pub indicator: String,
    pub unit: UnitCode,
    pub period: Period,
    pub value: Decimal,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub comment: String,
    pub state: String,
    pub entered_by: String,
    pub entered_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, Default)]
pub struct ValueFilter {
    pub indicator: Option<String>,
    pub unit: Option<UnitCode>,
}

/// Null-safe "differs" on the fields a person can change; both backends know IS DISTINCT FROM.
const CHANGED: &str = "data_values.value IS DISTINCT FROM excluded.value \
    OR data_values.numerator IS DISTINCT FROM excluded.numerator \
    OR data_values.denominator IS DISTINCT FROM excluded.denominator \
    OR data_values.comment IS DISTINCT FROM excluded.comment \
    OR data_values.state IS DISTINCT FROM excluded.state";

/// Rows per INSERT: 10 parameters a row stays under SQLite's and PostgreSQL's limits.
const BATCH: usize = 1000;

impl Store {
    /// Stores values in one transaction: all or nothing. A value already stored for the
    /// same indicator, unit and period is replaced and its version incremented, unless the
    /// figures are the same. Returns how many values were added or changed.
    pub async fn upsert_values(
        &self,
        values: &[NewValue],
        state: ValueState,
        actor: &str,
        what: &str,
        mut progress: impl FnMut(u64),
    ) -> Result<u64> {
        let txn = self.db.begin().await?;
        let seq = next_seq(&txn).await?;
        let now = chrono::DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap_or_default();
        let mut digest = Sha256::new();
        let mut done = 0u64;
        let mut changed = 0u64;
        // In key order, index inserts append instead of landing at random pages: several
        // times faster on a large import whose file is ordered some other way.
        let mut ordered: Vec<&NewValue> = values.iter().collect();
        ordered.sort_unstable_by_key(|v| (v.indicator_id, v.unit_id, v.period));
        for chunk in ordered.chunks(BATCH) {
            let mut q = Query::insert();
            q.into_table(data_value::Entity).columns([
                C::IndicatorId,
                C::UnitId,
                C::Period,
                C::Value,
                C::Numerator,
                C::Denominator,
                C::Comment,
                C::State,
                C::EnteredBy,
                C::EnteredAt,
                C::Version,
                C::Seq,
            ]);
            for v in chunk {
                let value = format_decimal(&v.value);
                let period = v.period.to_string();
                digest.update(v.indicator_id.to_le_bytes());
                digest.update(v.unit_id.to_le_bytes());
                digest.update(period.as_bytes());
                digest.update(value.as_bytes());
                q.values_panic([
                    v.indicator_id.into(),
                    v.unit_id.into(),
                    period.into(),
                    value.into(),
                    v.numerator.as_ref().map(format_decimal).into(),
                    v.denominator.as_ref().map(format_decimal).into(),
                    v.comment.clone().into(),
                    state.as_str().into(),
                    actor.into(),
                    now.into(),
                    1i64.into(),
                    seq.into(),
                ]);
            }
            q.on_conflict(
                OnConflict::columns([C::IndicatorId, C::UnitId, C::Period])
                    .update_columns([
                        C::Value,
                        C::Numerator,
                        C::Denominator,
                        C::Comment,
                        C::State,
                        C::EnteredBy,
                        C::EnteredAt,
                        C::Seq,
                    ])
                    .value(
                        C::Version,
                        Expr::col((data_value::Entity, C::Version)).add(1),
                    )
                    // Re-sending the same figures is not a change: the version stays.
                    .action_and_where(Expr::cust(CHANGED))
                    .to_owned(),
            );
            changed += txn.execute(&q).await?.rows_affected();
            done += chunk.len() as u64;
            progress(done);
        }
        let hash: String = digest
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let detail = format!(
            "{what}: {} giá trị, trạng thái {}, sha256 {hash}",
            values.len(),
            state.as_str()
        );
        audit(&txn, actor, "values.upsert", "data_values", &detail).await?;
        txn.commit().await?;
        Ok(changed)
    }

    /// Stored values, ordered by indicator, unit and period.
    pub async fn values(&self, filter: &ValueFilter, ids: &Ids) -> Result<Vec<ValueRow>> {
        let ind_code: HashMap<i32, &String> = ids.indicators.iter().map(|(c, i)| (*i, c)).collect();
        let unit_code: HashMap<i32, &UnitCode> = ids.units.iter().map(|(c, i)| (*i, c)).collect();
        let mut q = data_value::Entity::find();
        if let Some(code) = &filter.indicator {
            let id = ids
                .indicators
                .get(code)
                .ok_or_else(|| StoreError::NotFound(format!("chỉ tiêu \"{code}\"")))?;
            q = q.filter(C::IndicatorId.eq(*id));
        }
        if let Some(code) = &filter.unit {
            let id = ids
                .units
                .get(code)
                .ok_or_else(|| StoreError::NotFound(format!("đơn vị \"{code}\"")))?;
            q = q.filter(C::UnitId.eq(*id));
        }
        let rows = q
            .order_by_asc(C::IndicatorId)
            .order_by_asc(C::UnitId)
            .order_by_asc(C::Period)
            .all(&self.db)
            .await?;
        let dec = |s: &str| {
            Decimal::from_str(s).map_err(|e| StoreError::Invalid(format!("số \"{s}\" hỏng: {e}")))
        };
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(ValueRow {
                indicator: ind_code
                    .get(&r.indicator_id)
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                unit: unit_code
                    .get(&r.unit_id)
                    .map(|c| (*c).clone())
                    .ok_or_else(|| StoreError::NotFound(format!("đơn vị id {}", r.unit_id)))?,
                period: r
                    .period
                    .parse()
                    .map_err(|e: chitieu_domain::PeriodError| StoreError::Invalid(e.to_string()))?,
                value: dec(&r.value)?,
                numerator: r.numerator.as_deref().map(dec).transpose()?,
                denominator: r.denominator.as_deref().map(dec).transpose()?,
                comment: r.comment,
                state: r.state,
                entered_by: r.entered_by,
                entered_at: r.entered_at,
                version: r.version,
            });
        }
        // Periods sort by time, not as text ("2025Q1" before "2025M02").
        out.sort_by(|a, b| {
            (&a.indicator, &a.unit, a.period).cmp(&(&b.indicator, &b.unit, b.period))
        });
        Ok(out)
    }
}

impl Store {
    /// The latest change sequence number of values.
    pub async fn value_seq(&self) -> Result<i64> {
        read_counter(&self.db, "values").await
    }

    /// Changes whenever units or the plan change; engines reload on a new number.
    pub async fn structure_seq(&self) -> Result<i64> {
        read_counter(&self.db, "structure").await
    }

    /// Every stored value of one indicator, one row per unit: the unit id and its values
    /// packed as `period value numerator denominator` items separated by `;`. A bulk path
    /// for loading the engine: the database packs ~50 values a row, which makes loading
    /// several times faster than a row per value (measured with `chitieu bench`).
    pub async fn packed_values(&self, indicator_id: i32) -> Result<Vec<(i32, String)>> {
        // Same query on both backends except the name of the string aggregate.
        let agg = match self.backend() {
            sea_orm::DbBackend::Postgres => "string_agg",
            _ => "group_concat",
        };
        let sql = format!(
            "SELECT unit_id, {agg}(period || ' ' || value || ' ' || COALESCE(numerator, '') || ' ' \
             || COALESCE(denominator, ''), ';') FROM data_values WHERE indicator_id = $1 GROUP BY unit_id"
        );
        let stmt =
            sea_orm::Statement::from_sql_and_values(self.backend(), sql, [indicator_id.into()]);
        let rows = self.db.query_all_raw(stmt).await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get_by_index::<i32>(0)?,
                    r.try_get_by_index::<String>(1)?,
                ))
            })
            .collect()
    }

    /// Values changed after sequence `after` (all of them for 0), in sequence order.
    pub async fn values_since(&self, after: i64) -> Result<Vec<RawValue>> {
        use sea_orm::QuerySelect;
        Ok(data_value::Entity::find()
            .select_only()
            .columns([
                C::IndicatorId,
                C::UnitId,
                C::Period,
                C::Value,
                C::Numerator,
                C::Denominator,
                C::Seq,
            ])
            .filter(C::Seq.gt(after))
            .order_by_asc(C::Seq)
            .into_tuple()
            .all(&self.db)
            .await?)
    }
}
