//! The statements that merge values into `data_values`: a list of VALUES (SQLite, and small
//! writes on PostgreSQL), or a batch copied into PostgreSQL's staging table.

use super::*;

/// Null-safe "differs" on the fields a person can change; both backends know IS DISTINCT FROM.
pub(super) const CHANGED: &str = "data_values.value IS DISTINCT FROM excluded.value \
    OR data_values.numerator IS DISTINCT FROM excluded.numerator \
    OR data_values.denominator IS DISTINCT FROM excluded.denominator \
    OR data_values.comment IS DISTINCT FROM excluded.comment \
    OR data_values.state IS DISTINCT FROM excluded.state";

/// Rows per INSERT of values: 7 parameters a row (and 4 for the whole write) stay under
/// SQLite's limit of 32,766.
pub(super) const ROWS_PER_INSERT: usize = 4000;

/// Rows from which PostgreSQL's bulk path (`COPY` into staging, one merge) pays off.
pub(super) const BULK_MIN: usize = 2000;

/// The columns a merge sets when a stored value's figures change.
pub(super) const MERGE_SET: &str = "value = excluded.value, numerator = excluded.numerator, \
    denominator = excluded.denominator, comment = excluded.comment, state = excluded.state, \
    entered_by = excluded.entered_by, entered_at = excluded.entered_at, seq = excluded.seq, \
    version = data_values.version + 1";

/// Whether the rows of a statement are all new (no value stored under their keys: the
/// writer, holding the writers' lock, has looked) or may meet stored values. New rows are
/// plainly inserted: on PostgreSQL the conflict check of an upsert doubled the cost of each
/// row's index entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rows {
    New,
    MayExist,
}

/// The statement that merges rows into `data_values`: `columns` (key, figures, comment)
/// taken `from` a source, with the write's state, author, time and change number (the
/// parameters named in `write`). A stored value whose figures change gets the next version;
/// re-sending the same figures changes nothing.
fn merge_sql(columns: &str, write: [&str; 4], from: &str, rows: Rows) -> String {
    let [state, actor, now, seq] = write;
    let on_conflict = match rows {
        Rows::New => String::new(),
        Rows::MayExist => format!(
            " ON CONFLICT (indicator_id, unit_id, period) DO UPDATE SET {MERGE_SET} WHERE {CHANGED}"
        ),
    };
    format!(
        "INSERT INTO data_values (indicator_id, unit_id, period, value, numerator, \
         denominator, comment, state, entered_by, entered_at, version, seq) \
         SELECT {columns}, {state}, {actor}, {now}, 1, {seq} FROM {from}{on_conflict}"
    )
}

/// One INSERT of `rows` as a list of VALUES, the write's own values (`write`) bound once.
pub(super) fn insert_statement(
    backend: sea_orm::DbBackend,
    write: &[sea_orm::Value; 4],
    rows: &[&Row],
    kind: Rows,
) -> sea_orm::Statement {
    use std::fmt::Write as _;
    let pg = backend == sea_orm::DbBackend::Postgres;
    let mut values: Vec<sea_orm::Value> = Vec::with_capacity(write.len() + rows.len() * 7);
    values.extend(write.iter().cloned());
    let mut list = String::with_capacity(20 + rows.len() * if pg { 60 } else { 24 });
    list.push_str("(VALUES ");
    for (k, v) in rows.iter().enumerate() {
        list.push_str(if k == 0 { "(" } else { ", (" });
        for c in 0..7 {
            if c > 0 {
                list.push_str(", ");
            }
            if pg {
                let _ = write!(list, "${}", write.len() + k * 7 + c + 1);
            } else {
                list.push('?');
            }
        }
        list.push(')');
        values.push(v.indicator_id.into());
        values.push(v.unit_id.into());
        values.push(v.period.to_string().into());
        values.push(format_decimal(&v.value).into());
        values.push(v.numerator.as_ref().map(format_decimal).into());
        values.push(v.denominator.as_ref().map(format_decimal).into());
        values.push(v.comment.clone().into());
    }
    // `WHERE true`: SQLite would otherwise read ON (CONFLICT) as the start of a join.
    list.push_str(") AS v WHERE true");
    // SQLite numbers its `?` in order of appearance: the write's four come first.
    let write_params = if pg {
        ["$1", "$2", "$3", "$4"]
    } else {
        ["?"; 4]
    };
    let sql = merge_sql(
        "v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7",
        write_params,
        &list,
        kind,
    );
    sea_orm::Statement::from_sql_and_values(backend, sql, values)
}

fn sqlx_err(e: sea_orm::sqlx::Error) -> StoreError {
    StoreError::Broken(format!("COPY: {e}"))
}

/// A large write's rows staged on PostgreSQL, in two batches: rows that are new and rows
/// that may meet stored values, each merged by its own statement.
pub(super) struct Staged {
    id: String,
}

impl Staged {
    pub(super) fn new() -> Staged {
        let bytes: [u8; 16] = rand::random();
        Staged {
            id: bytes.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }

    fn batch(&self, rows: Rows) -> String {
        let part = match rows {
            Rows::New => "new",
            Rows::MayExist => "may-exist",
        };
        format!("{}-{part}", self.id)
    }

    /// Copies the rows into the staging table on a connection of their own, as CSV (the
    /// `csv` crate writes it; an empty comment stays empty, a missing numerator is NULL).
    pub(super) async fn copy(&self, store: &Store, groups: [(Rows, &[&Row]); 2]) -> Result<()> {
        use sea_orm::sqlx::postgres::PgPoolCopyExt;
        let pool = store.db.get_postgres_connection_pool();
        let mut copy = pool
            .copy_in_raw(
                "COPY data_values_staging (batch, indicator_id, unit_id, period, value, \
                 numerator, denominator, comment) FROM STDIN (FORMAT csv, FORCE_NOT_NULL (comment))",
            )
            .await
            .map_err(sqlx_err)?;
        for (kind, rows) in groups {
            let batch = self.batch(kind);
            for chunk in rows.chunks(20_000) {
                let mut w = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(Vec::with_capacity(chunk.len() * 48));
                for v in chunk {
                    let num = v.numerator.as_ref().map(format_decimal).unwrap_or_default();
                    let den = v
                        .denominator
                        .as_ref()
                        .map(format_decimal)
                        .unwrap_or_default();
                    w.write_record([
                        batch.as_str(),
                        &v.indicator_id.to_string(),
                        &v.unit_id.to_string(),
                        &v.period.to_string(),
                        &format_decimal(&v.value),
                        &num,
                        &den,
                        &v.comment,
                    ])
                    .map_err(|e| StoreError::Broken(format!("COPY: {e}")))?;
                }
                let buf = w
                    .into_inner()
                    .map_err(|e| StoreError::Broken(format!("COPY: {e}")))?;
                copy.send(buf).await.map_err(sqlx_err)?;
            }
        }
        copy.finish().await.map_err(sqlx_err)?;
        Ok(())
    }

    /// Removes both batches.
    fn delete(&self) -> sea_orm::Statement {
        sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "DELETE FROM data_values_staging WHERE batch IN ($1, $2)",
            [
                self.batch(Rows::New).into(),
                self.batch(Rows::MayExist).into(),
            ],
        )
    }

    /// Merges both batches into `data_values` inside the write's transaction, with the
    /// write's own values (`write`), and empties the staging table. Returns how many values
    /// were added or changed.
    pub(super) async fn merge(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        write: &[sea_orm::Value; 4],
    ) -> Result<u64> {
        let mut changed = 0;
        for kind in [Rows::New, Rows::MayExist] {
            // The rows were copied in key order, so the scan yields them nearly in that
            // order (a page reused after an earlier batch aside), which is all the index
            // needs: sorting them again took a fifth of the merge's time (1,000,000 rows
            // spill to disk).
            let sql = merge_sql(
                "indicator_id, unit_id, period, value, numerator, denominator, comment",
                ["$2", "$3", "$4", "$5"],
                "data_values_staging WHERE batch = $1",
                kind,
            );
            let values: Vec<sea_orm::Value> = std::iter::once(self.batch(kind).into())
                .chain(write.iter().cloned())
                .collect();
            changed += txn
                .execute_raw(sea_orm::Statement::from_sql_and_values(
                    sea_orm::DbBackend::Postgres,
                    sql,
                    values,
                ))
                .await?
                .rows_affected();
        }
        // Only the holder of the writers' lock copies into staging, so what is there is this
        // write's batches and at most a failed write's leftovers: emptied whole, at no cost
        // per row (a DELETE of a million rows took a quarter of a second). Undone with the
        // transaction should the commit fail.
        txn.execute_unprepared("TRUNCATE data_values_staging")
            .await?;
        Ok(changed)
    }

    /// Removes the batches of a write that did not commit.
    pub(super) async fn drop(&self, store: &Store) {
        if let Err(e) = store.db.execute_raw(self.delete()).await {
            tracing::warn!(error = %e, batch = %self.id, "không xoá được lô tạm");
        }
    }
}
