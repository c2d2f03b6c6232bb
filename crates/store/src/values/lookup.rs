//! What a write finds stored, read inside its transaction: the values under its keys, which
//! indicators hold any, and (PostgreSQL) whether its units and indicators are still there.

use super::*;

/// A value's key at the tables' ids.
pub(super) type Key = (i32, i32, Period);

/// Keys per lookup of stored values on SQLite: 3 parameters each.
const LOOKUP: usize = 300;

/// Keys per lookup of stored values on PostgreSQL, sent as three arrays: binding and planning
/// a list of 300 key tuples took 20–35 ms, so that correcting a million stored values by
/// import spent about 75 s of its 89 on lookups.
const LOOKUP_PG: usize = 50_000;

/// The stored values among `keys`, read inside the writer's transaction.
pub(super) async fn stored_among<T: ConnectionTrait>(
    c: &T,
    keys: &[Key],
) -> Result<HashMap<Key, data_value::Model>> {
    use sea_orm::sea_query::ExprTrait as _;
    let mut out = HashMap::with_capacity(keys.len());
    let mut keep = |rows: Vec<data_value::Model>| -> Result<()> {
        for m in rows {
            let period = m
                .period
                .parse()
                .map_err(|e: chitieu_domain::PeriodError| StoreError::Refused(e.into()))?;
            out.insert((m.indicator_id, m.unit_id, period), m);
        }
        Ok(())
    };
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
        for chunk in keys.chunks(LOOKUP_PG) {
            keep(stored_pg(c, chunk).await?)?;
        }
        return Ok(out);
    }
    for chunk in keys.chunks(LOOKUP) {
        let rows = data_value::Entity::find()
            .filter(
                Expr::tuple([
                    Expr::col(C::IndicatorId),
                    Expr::col(C::UnitId),
                    Expr::col(C::Period),
                ])
                .in_tuples(chunk.iter().map(|(i, u, p)| (*i, *u, p.to_string()))),
            )
            .all(c)
            .await?;
        keep(rows)?;
    }
    Ok(out)
}

/// PostgreSQL: the stored values among `keys`, the keys sent as three array literals
/// (integers, and periods, which are letters and digits only) and joined on the table's key.
async fn stored_pg<T: ConnectionTrait>(c: &T, keys: &[Key]) -> Result<Vec<data_value::Model>> {
    use sea_orm::FromQueryResult;
    use std::fmt::Write as _;
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut indicators = String::with_capacity(2 + keys.len() * 4);
    let mut units = String::with_capacity(2 + keys.len() * 6);
    let mut periods = String::with_capacity(2 + keys.len() * 10);
    for (k, (i, u, p)) in keys.iter().enumerate() {
        let sep = if k == 0 { "{" } else { "," };
        let _ = write!(indicators, "{sep}{i}");
        let _ = write!(units, "{sep}{u}");
        let _ = write!(periods, "{sep}\"{p}\"");
    }
    for list in [&mut indicators, &mut units, &mut periods] {
        list.push('}');
    }
    // The period column compares byte by byte (m0028); the keys' text must too.
    let sql = "SELECT d.* FROM unnest($1::integer[], $2::integer[], $3::text[]) AS k(i, u, p) \
               JOIN data_values d ON d.indicator_id = k.i AND d.unit_id = k.u \
               AND d.period = k.p COLLATE \"C\"";
    let stmt = sea_orm::Statement::from_sql_and_values(
        sea_orm::DbBackend::Postgres,
        sql,
        [indicators.into(), units.into(), periods.into()],
    );
    Ok(data_value::Model::find_by_statement(stmt).all(c).await?)
}

/// Indicators among `ids` that have at least one stored value. A bulk load into an empty
/// indicator has nothing to compare against, and skips the lookups.
pub(super) async fn indicators_with_values<T: ConnectionTrait>(
    c: &T,
    ids: impl IntoIterator<Item = i32>,
) -> Result<std::collections::HashSet<i32>> {
    use sea_orm::QuerySelect;
    let mut out = std::collections::HashSet::new();
    for id in ids {
        let any = data_value::Entity::find()
            .select_only()
            .column(C::UnitId)
            .filter(C::IndicatorId.eq(id))
            .limit(1)
            .into_tuple::<i32>()
            .one(c)
            .await?;
        if any.is_some() {
            out.insert(id);
        }
    }
    Ok(out)
}

/// The ids among `wanted` that name a row of `E`.
async fn ids_present<E: EntityTrait, T: ConnectionTrait>(
    c: &T,
    id: E::Column,
    wanted: impl IntoIterator<Item = i32>,
) -> Result<std::collections::HashSet<i32>> {
    use sea_orm::QuerySelect;
    let mut wanted: Vec<i32> = wanted.into_iter().collect();
    wanted.sort_unstable();
    wanted.dedup();
    Ok(E::find()
        .select_only()
        .column(id)
        .filter(id.is_in(wanted))
        .into_tuple::<i32>()
        .all(c)
        .await?
        .into_iter()
        .collect())
}

/// PostgreSQL keeps no per-row foreign keys on values (migration m0027): inside the write's
/// transaction, every unit and indicator id the rows use must still be there. One query per
/// kind over the distinct ids, instead of a trigger per row.
pub(super) async fn check_references<T: ConnectionTrait>(
    c: &T,
    rows: &[Row],
    w: &ValueWrite<'_>,
) -> Result<()> {
    use crate::entities::{indicator, unit};
    let units =
        ids_present::<unit::Entity, _>(c, unit::Column::Id, rows.iter().map(|r| r.unit_id)).await?;
    let indicators = ids_present::<indicator::Entity, _>(
        c,
        indicator::Column::Id,
        rows.iter().map(|r| r.indicator_id),
    )
    .await?;
    for (r, n) in rows.iter().zip(w.values) {
        let gone = if !units.contains(&r.unit_id) {
            chitieu_domain::Refusal::unknown(chitieu_domain::Thing::Unit, n.value.unit.as_str())
        } else if !indicators.contains(&r.indicator_id) {
            chitieu_domain::Refusal::unknown(chitieu_domain::Thing::Indicator, &n.value.indicator)
        } else {
            continue;
        };
        return Err(StoreError::Refused(gone));
    }
    Ok(())
}
