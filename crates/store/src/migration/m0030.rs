//! Tasks carry the number of their last edit, who made it and when: an edit names the
//! number it started from, and a stale one is refused instead of silently undoing another's.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, string, timestamp_with_time_zone_null};

pub(super) struct M0030TaskVersions;

impl MigrationName for M0030TaskVersions {
    fn name(&self) -> &str {
        "m0030_task_versions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0030TaskVersions {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            big_integer("version").default(1).take(),
            string("changed_by").default("").take(),
            timestamp_with_time_zone_null("changed_at").take(),
        ];
        for mut column in columns {
            m.alter_table(Table::alter().table("tasks").add_column(&mut column).take())
                .await?;
        }
        Ok(())
    }
}
