//! A unit's difficulties and proposals on a task are marked handled by the standing office:
//! when, by whom and how, on the progress report that raised them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{date_null, text};

pub(super) struct M0033RaisedHandled;

impl MigrationName for M0033RaisedHandled {
    fn name(&self) -> &str {
        "m0033_raised_handled"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0033RaisedHandled {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for column in [
            date_null("handled_on"),
            text("handled_by").default("").take(),
            text("handled_note").default("").take(),
        ] {
            let mut column = column;
            m.alter_table(
                Table::alter()
                    .table("task_updates")
                    .add_column(column.take())
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}
