//! A year's evaluation keeps more than its proposals as the secretariat recorded them (the
//! emulation council's decisions on ties, too): one table of settings by year and kind, the
//! proposals already stored kept as kind "proposals".

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::string;

use super::index;

pub(super) struct M0031EvaluationSettings;

impl MigrationName for M0031EvaluationSettings {
    fn name(&self) -> &str {
        "m0031_evaluation_settings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0031EvaluationSettings {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_evaluation_proposals_year")
                .table("evaluation_proposals")
                .to_owned(),
        )
        .await?;
        m.rename_table(
            Table::rename()
                .table("evaluation_proposals", "evaluation_settings")
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("evaluation_settings")
                .add_column(string("kind").default("proposals").take())
                .take(),
        )
        .await?;
        m.create_index(index(
            "evaluation_settings",
            "idx_evaluation_settings_year_kind",
            &["year", "kind"],
            true,
        ))
        .await
    }
}
