//! Tasks: source document and cancellation, report parts, funding, product defects.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// A task's source document (number, date, issuer) and its cancellation (day, reason).
pub(super) struct M0016TaskSourceAndCancel;

impl MigrationName for M0016TaskSourceAndCancel {
    fn name(&self) -> &str {
        "m0016_task_source_and_cancel"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0016TaskSourceAndCancel {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            string("source_number").default("").take(),
            date_null("source_date").take(),
            string("source_issuer").default("").take(),
            date_null("cancelled_on").take(),
            text("cancel_reason").default("").take(),
        ];
        for mut column in columns {
            m.alter_table(Table::alter().table("tasks").add_column(&mut column).take())
                .await?;
        }
        Ok(())
    }
}

/// A task's progress report carries, beside the result, the difficulties met and proposals.
pub(super) struct M0020TaskReportParts;

impl MigrationName for M0020TaskReportParts {
    fn name(&self) -> &str {
        "m0020_task_report_parts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0020TaskReportParts {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["difficulties", "proposals"] {
            m.alter_table(
                Table::alter()
                    .table("task_updates")
                    .add_column(text(column).default(""))
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}

/// A task's funding: source, amount allocated, amount disbursed (exact decimals as text).
pub(super) struct M0021TaskFunding;

impl MigrationName for M0021TaskFunding {
    fn name(&self) -> &str {
        "m0021_task_funding"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0021TaskFunding {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            string("funding_source").default("").take(),
            string_null("funding_allocated").take(),
            string_null("funding_disbursed").take(),
        ];
        for mut column in columns {
            m.alter_table(Table::alter().table("tasks").add_column(&mut column).take())
                .await?;
        }
        Ok(())
    }
}

/// A task's product found below requirements: when and why (a completed task keeps its date).
pub(super) struct M0024TaskProductDefect;

impl MigrationName for M0024TaskProductDefect {
    fn name(&self) -> &str {
        "m0024_task_product_defect"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0024TaskProductDefect {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            date_null("product_defect_on").take(),
            text("product_defect_reason").default("").take(),
        ];
        for mut column in columns {
            m.alter_table(Table::alter().table("tasks").add_column(&mut column).take())
                .await?;
        }
        Ok(())
    }
}
