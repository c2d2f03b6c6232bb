//! Accounts have a life cycle: a password reset by an administrator must be changed at the
//! next sign-in, and a removed account keeps its row (its login and name stay in the
//! history) with the day it was removed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{boolean, timestamp_with_time_zone_null};

pub(super) struct M0035AccountLifeCycle;

impl MigrationName for M0035AccountLifeCycle {
    fn name(&self) -> &str {
        "m0035_account_life_cycle"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0035AccountLifeCycle {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for column in [
            boolean("must_change").default(false).take(),
            timestamp_with_time_zone_null("removed_at"),
        ] {
            let mut column = column;
            m.alter_table(
                Table::alter()
                    .table("users")
                    .add_column(column.take())
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}
