//! A plan keeps how its documents name their issuers and who signs them (abbreviations by
//! unit, signature titles by kind of unit), as JSON; empty for none.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::text;

pub(super) struct M0034PlanDocuments;

impl MigrationName for M0034PlanDocuments {
    fn name(&self) -> &str {
        "m0034_plan_documents"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0034PlanDocuments {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("plans")
                .add_column(text("documents").default("").take())
                .take(),
        )
        .await
    }
}
