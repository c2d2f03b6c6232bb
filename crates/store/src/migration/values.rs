//! Values: the change sequence, evidence files, PostgreSQL's bulk staging, each change's history.

use super::index;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// A change sequence on values, so that every process's engine can pull exactly what
/// changed since it last looked, without a rebuild.
pub(super) struct M0002ChangeSequence;

impl MigrationName for M0002ChangeSequence {
    fn name(&self) -> &str {
        "m0002_change_sequence"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0002ChangeSequence {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("data_values")
                .add_column(big_integer("seq").default(0))
                .take(),
        )
        .await?;
        m.create_index(index("data_values", "idx_data_values_seq", &["seq"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("counters")
                .col(string("name").primary_key())
                .col(big_integer("value"))
                .take(),
        )
        .await?;
        let insert = Query::insert()
            .into_table("counters")
            .columns(["name", "value"])
            .values_panic(["values".into(), 0i64.into()])
            .values_panic(["structure".into(), 0i64.into()])
            .take();
        m.exec_stmt(insert).await?;
        Ok(())
    }
}

/// Evidence files, kept in the database: no file paths to trick, and every app instance
/// sees the same files.
pub(super) struct M0005Evidence;

impl MigrationName for M0005Evidence {
    fn name(&self) -> &str {
        "m0005_evidence"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0005Evidence {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("evidence")
                .col(pk_auto("id"))
                .col(string("entity"))
                .col(string("entity_key"))
                .col(string("file_name"))
                .col(string("content_type"))
                .col(big_integer("size"))
                .col(string("sha256"))
                .col(blob("content"))
                .col(string("uploaded_by"))
                .col(timestamp_with_time_zone("uploaded_at"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "evidence",
            "idx_evidence_entity",
            &["entity", "entity_key"],
            false,
        ))
        .await?;
        Ok(())
    }
}

/// PostgreSQL's bulk path: a large batch of values is copied (`COPY`) into this unlogged
/// table under a batch id, then merged into `data_values` by one statement inside the write's
/// transaction. SQLite writes its batches directly and has no use for it.
pub(super) struct M0008BulkStaging;

impl MigrationName for M0008BulkStaging {
    fn name(&self) -> &str {
        "m0008_bulk_staging"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0008BulkStaging {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(());
        }
        m.get_connection()
            .execute_unprepared(
                "CREATE UNLOGGED TABLE data_values_staging (\
                 batch TEXT NOT NULL, indicator_id INTEGER NOT NULL, unit_id INTEGER NOT NULL, \
                 period TEXT NOT NULL, value TEXT NOT NULL, numerator TEXT, denominator TEXT, \
                 comment TEXT NOT NULL)",
            )
            .await?;
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX idx_data_values_staging_batch ON data_values_staging (batch)",
            )
            .await?;
        Ok(())
    }
}

/// Each change of a value written one by one (forms, API batches, small imports): before and
/// after, who, when, from where, through what. Large imports keep one audit entry whose hash
/// covers every row instead (see the README).
pub(super) struct M0013ValueHistory;

impl MigrationName for M0013ValueHistory {
    fn name(&self) -> &str {
        "m0013_value_history"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0013ValueHistory {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("value_history")
                .col(big_pk_auto("id"))
                .col(integer("indicator_id"))
                .col(integer("unit_id"))
                .col(string("period"))
                .col(big_integer("seq"))
                .col(timestamp_with_time_zone("at"))
                .col(string("actor"))
                .col(string("address"))
                .col(text("what"))
                .col(string_null("old_value"))
                .col(string_null("old_numerator"))
                .col(string_null("old_denominator"))
                .col(string_null("old_state"))
                .col(string("new_value"))
                .col(string_null("new_numerator"))
                .col(string_null("new_denominator"))
                .col(string("new_state"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "value_history",
            "idx_value_history_key",
            &["indicator_id", "unit_id", "period"],
            false,
        ))
        .await?;
        Ok(())
    }
}
