//! Exchange with other systems: idempotent pushes, code mappings.

use super::index;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// The first answer to each batch pushed with an `Idempotency-Key`, per caller: a retry gets
/// it again instead of a second write.
pub(super) struct M0025IdempotencyKeys;

impl MigrationName for M0025IdempotencyKeys {
    fn name(&self) -> &str {
        "m0025_idempotency_keys"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0025IdempotencyKeys {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("idempotency_keys")
                .col(pk_auto("id"))
                .col(string("caller"))
                .col(string("key"))
                .col(string("digest"))
                .col(integer("status"))
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "idempotency_keys",
            "idx_idempotency_keys_caller_key",
            &["caller", "key"],
            true,
        ))
        .await?;
        Ok(())
    }
}

/// Another system's codes for our units and indicators (DHIS2 org units and data elements).
pub(super) struct M0026CodeMappings;

impl MigrationName for M0026CodeMappings {
    fn name(&self) -> &str {
        "m0026_code_mappings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0026CodeMappings {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("code_mappings")
                .col(pk_auto("id"))
                .col(string("system"))
                .col(string("part"))
                .col(string("code"))
                .col(string("external"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "code_mappings",
            "idx_code_mappings_ours",
            &["system", "part", "code"],
            true,
        ))
        .await?;
        Ok(())
    }
}
