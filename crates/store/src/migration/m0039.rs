//! Where an official figure came from at the province (which report's acceptance, or which
//! write, by whom and when), sent with it so that the centre records its provenance.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::text;

pub(super) struct M0039OutboxOrigin;

impl MigrationName for M0039OutboxOrigin {
    fn name(&self) -> &str {
        "m0039_outbox_origin"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0039OutboxOrigin {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("upstream_outbox")
                .add_column(text("origin").default(""))
                .take(),
        )
        .await
    }
}
