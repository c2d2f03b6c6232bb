//! A change counter for records kept beside the snapshot (a committee's members and
//! meetings, a year's evaluation settings and freeze): pages made from them are kept until it
//! moves, on every server sharing the database.

use sea_orm_migration::prelude::*;

pub(super) struct M0037RecordsCounter;

impl MigrationName for M0037RecordsCounter {
    fn name(&self) -> &str {
        "m0037_records_counter"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0037RecordsCounter {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let insert = Query::insert()
            .into_table("counters")
            .columns(["name", "value"])
            .values_panic(["records".into(), 0i64.into()])
            .take();
        m.exec_stmt(insert).await?;
        Ok(())
    }
}
