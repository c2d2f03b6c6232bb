//! A notice keeps its words in English too, so that a reader in English mode reads it in
//! English; notices made before keep only their Vietnamese.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::text;

pub(super) struct M0032NoticesInEnglish;

impl MigrationName for M0032NoticesInEnglish {
    fn name(&self) -> &str {
        "m0032_notices_in_english"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0032NoticesInEnglish {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("notices")
                .add_column(text("message_en").default("").take())
                .take(),
        )
        .await
    }
}
