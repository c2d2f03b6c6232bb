//! Reports: forms, reports and their transitions, their counter, notices to people.

use super::{fk, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Report forms, the reports (unit × form × period) with their state, and each report's
/// history of transitions.
pub(super) struct M0009Reports;

impl MigrationName for M0009Reports {
    fn name(&self) -> &str {
        "m0009_reports"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0009Reports {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("forms")
                .col(pk_auto("id"))
                .col(integer("plan_id"))
                .col(string_uniq("code"))
                .col(string("name"))
                .col(string("frequency"))
                .col(integer("due_days"))
                .col(string("reported_by"))
                .col(text("indicators"))
                .col(integer("sort"))
                .foreign_key(&mut fk("forms", "plan_id", "plans"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("reports")
                .col(pk_auto("id"))
                .col(integer("form_id"))
                .col(integer("unit_id"))
                .col(string("period"))
                .col(string("state"))
                .col(timestamp_with_time_zone_null("submitted_at"))
                .col(timestamp_with_time_zone_null("approved_at"))
                .col(timestamp_with_time_zone_null("accepted_at"))
                .col(text("reason"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("reports", "form_id", "forms"))
                .foreign_key(&mut fk("reports", "unit_id", "units"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "reports",
            "idx_reports_key",
            &["form_id", "unit_id", "period"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("report_events")
                .col(pk_auto("id"))
                .col(integer("report_id"))
                .col(timestamp_with_time_zone("at"))
                .col(string("actor"))
                .col(string("action"))
                .col(string("from_state"))
                .col(string("to_state"))
                .col(text("reason"))
                .foreign_key(&mut fk("report_events", "report_id", "reports"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "report_events",
            "idx_report_events_report",
            &["report_id"],
            false,
        ))
        .await?;
        Ok(())
    }
}

/// A change counter for reports: a transition reloads the snapshot's reports (a small
/// table), not the engine.
pub(super) struct M0010ReportsCounter;

impl MigrationName for M0010ReportsCounter {
    fn name(&self) -> &str {
        "m0010_reports_counter"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0010ReportsCounter {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let insert = Query::insert()
            .into_table("counters")
            .columns(["name", "value"])
            .values_panic(["reports".into(), 0i64.into()])
            .take();
        m.exec_stmt(insert).await?;
        Ok(())
    }
}

/// Notices for people (due, late, returned, approved reports …) and an e-mail address on
/// accounts, for reminders by mail. `dedup` makes each notice once, whoever creates it.
pub(super) struct M0012Notices;

impl MigrationName for M0012Notices {
    fn name(&self) -> &str {
        "m0012_notices"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0012Notices {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(string_null("email"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("notices")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string("kind"))
                .col(text("message"))
                .col(string("link"))
                .col(string_uniq("dedup"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("read_at"))
                .col(timestamp_with_time_zone_null("emailed_at"))
                .foreign_key(&mut fk("notices", "user_id", "users"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "notices",
            "idx_notices_user",
            &["user_id", "read_at"],
            false,
        ))
        .await?;
        Ok(())
    }
}
