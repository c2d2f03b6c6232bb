//! PostgreSQL: the bulk path's staging table loses its index on the batch, and autovacuum.

use sea_orm_migration::prelude::*;

/// Only the write holding the writers' lock copies into `data_values_staging`, and it empties
/// the table when it merges: the table holds one batch (and at most the leftovers of a write
/// that failed), read whole. Keeping an index on `batch` cost a third of the `COPY` (0.5 s of
/// 1.0 s a million rows, measured with psql).
pub(super) struct M0029StagingWithoutIndex;

impl MigrationName for M0029StagingWithoutIndex {
    fn name(&self) -> &str {
        "m0029_staging_without_index"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0029StagingWithoutIndex {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(());
        }
        let c = m.get_connection();
        c.execute_unprepared("DROP INDEX IF EXISTS idx_data_values_staging_batch")
            .await?;
        // Emptied by every bulk write, it never needs vacuuming or statistics; an autovacuum
        // at work on it would hold the next write's TRUNCATE until it gave way.
        c.execute_unprepared(
            "ALTER TABLE data_values_staging SET (autovacuum_enabled = false, \
             toast.autovacuum_enabled = false)",
        )
        .await?;
        Ok(())
    }
}
