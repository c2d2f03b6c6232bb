//! Schema migrations, written once with sea-query so that SQLite and PostgreSQL never drift.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

mod m0027;
mod m0028;
mod m0029;
mod m0030;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(M0001Initial),
            Box::new(M0002ChangeSequence),
            Box::new(M0003Sessions),
            Box::new(M0004ApiTokens),
            Box::new(M0005Evidence),
            Box::new(M0006RecurringTargets),
            Box::new(M0007PlanCounter),
            Box::new(M0008BulkStaging),
            Box::new(M0009Reports),
            Box::new(M0010ReportsCounter),
            Box::new(M0011ValidationRules),
            Box::new(M0012Notices),
            Box::new(M0013ValueHistory),
            Box::new(M0014English),
            Box::new(M0015EnglishDefinitions),
            Box::new(M0016TaskSourceAndCancel),
            Box::new(M0017HeadOffices),
            Box::new(M0018Committee),
            Box::new(M0019ProgrammeSignoffs),
            Box::new(M0020TaskReportParts),
            Box::new(M0021TaskFunding),
            Box::new(M0022Evaluation),
            Box::new(M0023EvaluationProposals),
            Box::new(M0024TaskProductDefect),
            Box::new(M0025IdempotencyKeys),
            Box::new(M0026CodeMappings),
            Box::new(m0027::M0027ValuesWithoutRowChecks),
            Box::new(m0028::M0028ValuesByKey),
            Box::new(m0029::M0029StagingWithoutIndex),
            Box::new(m0030::M0030TaskVersions),
        ]
    }
}

struct M0001Initial;

impl MigrationName for M0001Initial {
    fn name(&self) -> &str {
        "m0001_initial"
    }
}

fn fk(from_table: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, col)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}

fn index(
    table: &'static str,
    name: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    if unique {
        i.unique();
    }
    i.take()
}

#[async_trait::async_trait]
impl MigrationTrait for M0001Initial {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("units")
                .col(pk_auto("id"))
                .col(string_uniq("code"))
                .col(string("name"))
                .col(string("kind"))
                .col(string_null("division_type"))
                .col(integer_null("parent_id"))
                .col(date("valid_from"))
                .col(date_null("valid_to"))
                .col(big_integer_null("population"))
                .col(big_integer_null("officials"))
                .foreign_key(&mut fk("units", "parent_id", "units"))
                .take(),
        )
        .await?;
        m.create_index(index("units", "idx_units_parent", &["parent_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("unit_successors")
                .col(pk_auto("id"))
                .col(integer("predecessor_id"))
                .col(integer("successor_id"))
                .col(date("on_date"))
                .foreign_key(&mut fk("unit_successors", "predecessor_id", "units"))
                .foreign_key(&mut fk("unit_successors", "successor_id", "units"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "unit_successors",
            "idx_unit_successors_pair",
            &["predecessor_id", "successor_id"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("heads")
                .col(pk_auto("id"))
                .col(integer("unit_id"))
                .col(string("person"))
                .col(string("title"))
                .col(date("term_start"))
                .col(date_null("term_end"))
                .foreign_key(&mut fk("heads", "unit_id", "units"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "heads",
            "idx_heads_unit",
            &["unit_id", "term_start"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("plans")
                .col(pk_auto("id"))
                .col(string_uniq("code"))
                .col(string("name"))
                .col(integer("owner_unit_id"))
                .col(integer("baseline_year"))
                .col(integer("start_year"))
                .col(integer("end_year"))
                .col(text("source"))
                .foreign_key(&mut fk("plans", "owner_unit_id", "units"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("indicator_groups")
                .col(pk_auto("id"))
                .col(integer("plan_id"))
                .col(string("code"))
                .col(string("name"))
                .col(string("name_en"))
                .col(integer("sort"))
                .foreign_key(&mut fk("indicator_groups", "plan_id", "plans"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "indicator_groups",
            "idx_groups_code",
            &["plan_id", "code"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("indicators")
                .col(pk_auto("id"))
                .col(integer("plan_id"))
                .col(integer("group_id"))
                .col(string_uniq("code"))
                .col(text("name"))
                .col(text("name_en"))
                .col(text("definition"))
                .col(string("unit_of_measure"))
                .col(string("measure"))
                .col(string_null("factor"))
                .col(text_null("numerator_label"))
                .col(text_null("denominator_label"))
                .col(string("time_aggregation"))
                .col(string("unit_aggregation"))
                .col(string("direction"))
                .col(string_null("natural_limit"))
                .col(string("frequency"))
                .col(string("reported_by"))
                .col(integer("lead_unit_id"))
                .col(text("data_source"))
                .col(string_null("derived_from"))
                .col(integer("sort"))
                .foreign_key(&mut fk("indicators", "plan_id", "plans"))
                .foreign_key(&mut fk("indicators", "group_id", "indicator_groups"))
                .foreign_key(&mut fk("indicators", "lead_unit_id", "units"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("indicator_coordinators")
                .col(integer("indicator_id"))
                .col(integer("unit_id"))
                .primary_key(Index::create().col("indicator_id").col("unit_id"))
                .foreign_key(&mut fk(
                    "indicator_coordinators",
                    "indicator_id",
                    "indicators",
                ))
                .foreign_key(&mut fk("indicator_coordinators", "unit_id", "units"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("targets")
                .col(pk_auto("id"))
                .col(integer("indicator_id"))
                .col(integer("unit_id"))
                .col(integer("year"))
                .col(string("comparator"))
                .col(string("value"))
                .col(text("wording"))
                .foreign_key(&mut fk("targets", "indicator_id", "indicators"))
                .foreign_key(&mut fk("targets", "unit_id", "units"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "targets",
            "idx_targets_key",
            &["indicator_id", "unit_id", "year"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("data_values")
                .col(big_pk_auto("id"))
                .col(integer("indicator_id"))
                .col(integer("unit_id"))
                .col(string("period"))
                .col(string("value"))
                .col(string_null("numerator"))
                .col(string_null("denominator"))
                .col(text("comment"))
                .col(string("state"))
                .col(string("entered_by"))
                .col(timestamp_with_time_zone("entered_at"))
                .col(big_integer("version"))
                .foreign_key(&mut fk("data_values", "indicator_id", "indicators"))
                .foreign_key(&mut fk("data_values", "unit_id", "units"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "data_values",
            "idx_data_values_key",
            &["indicator_id", "unit_id", "period"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("tasks")
                .col(pk_auto("id"))
                .col(string_uniq("code"))
                .col(text("title"))
                .col(integer("plan_id"))
                .col(integer("year"))
                .col(integer("lead_unit_id"))
                .col(date("start_date"))
                .col(date("deadline"))
                .col(text("expected_product"))
                .col(date_null("completed_on"))
                .foreign_key(&mut fk("tasks", "plan_id", "plans"))
                .foreign_key(&mut fk("tasks", "lead_unit_id", "units"))
                .take(),
        )
        .await?;
        for (table, other, other_table) in [
            ("task_coordinators", "unit_id", "units"),
            ("task_indicators", "indicator_id", "indicators"),
        ] {
            m.create_table(
                Table::create()
                    .table(table)
                    .col(integer("task_id"))
                    .col(integer(other))
                    .primary_key(Index::create().col("task_id").col(other))
                    .foreign_key(&mut fk(table, "task_id", "tasks"))
                    .foreign_key(&mut fk(table, other, other_table))
                    .take(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table("task_updates")
                .col(pk_auto("id"))
                .col(integer("task_id"))
                .col(date("on_date"))
                .col(integer("progress"))
                .col(text("note"))
                .col(string("author"))
                .foreign_key(&mut fk("task_updates", "task_id", "tasks"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("research_results")
                .col(pk_auto("id"))
                .col(string_uniq("code"))
                .col(text("title"))
                .col(integer("unit_id"))
                .col(date("accepted_on"))
                .col(date_null("applied_on"))
                .foreign_key(&mut fk("research_results", "unit_id", "units"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("users")
                .col(pk_auto("id"))
                .col(string_uniq("login"))
                .col(string("display_name"))
                .col(string("role"))
                .col(integer("unit_id"))
                .col(string("password_hash"))
                .col(boolean("active"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("users", "unit_id", "units"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(string("actor"))
                .col(string("action"))
                .col(string("entity"))
                .col(text("detail"))
                .col(string("prev_hash"))
                .col(string("hash"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("meta")
                .col(string("key").primary_key())
                .col(text("value"))
                .take(),
        )
        .await?;
        Ok(())
    }
}

/// A change sequence on values, so that every process's engine can pull exactly what
/// changed since it last looked, without a rebuild.
struct M0002ChangeSequence;

impl MigrationName for M0002ChangeSequence {
    fn name(&self) -> &str {
        "m0002_change_sequence"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0002ChangeSequence {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("data_values")
                .add_column(big_integer("seq").default(0))
                .take(),
        )
        .await?;
        m.create_index(index("data_values", "idx_data_values_seq", &["seq"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("counters")
                .col(string("name").primary_key())
                .col(big_integer("value"))
                .take(),
        )
        .await?;
        let insert = Query::insert()
            .into_table("counters")
            .columns(["name", "value"])
            .values_panic(["values".into(), 0i64.into()])
            .values_panic(["structure".into(), 0i64.into()])
            .take();
        m.exec_stmt(insert).await?;
        Ok(())
    }
}

/// Sign-in sessions, kept in the database so that every app instance sees them.
struct M0003Sessions;

impl MigrationName for M0003Sessions {
    fn name(&self) -> &str {
        "m0003_sessions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0003Sessions {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("sessions")
                .col(string("token_hash").primary_key())
                .col(integer("user_id"))
                .col(string("csrf"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(&mut fk("sessions", "user_id", "users"))
                .take(),
        )
        .await?;
        m.create_index(index("sessions", "idx_sessions_user", &["user_id"], false))
            .await?;
        Ok(())
    }
}

/// Bearer tokens for machine clients, scoped like users.
struct M0004ApiTokens;

impl MigrationName for M0004ApiTokens {
    fn name(&self) -> &str {
        "m0004_api_tokens"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0004ApiTokens {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("api_tokens")
                .col(string("token_hash").primary_key())
                .col(string_uniq("name"))
                .col(string("role"))
                .col(integer("unit_id"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(boolean("revoked"))
                .foreign_key(&mut fk("api_tokens", "unit_id", "units"))
                .take(),
        )
        .await?;
        Ok(())
    }
}

/// Evidence files, kept in the database: no file paths to trick, and every app instance
/// sees the same files.
struct M0005Evidence;

impl MigrationName for M0005Evidence {
    fn name(&self) -> &str {
        "m0005_evidence"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0005Evidence {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("evidence")
                .col(pk_auto("id"))
                .col(string("entity"))
                .col(string("entity_key"))
                .col(string("file_name"))
                .col(string("content_type"))
                .col(big_integer("size"))
                .col(string("sha256"))
                .col(blob("content"))
                .col(string("uploaded_by"))
                .col(timestamp_with_time_zone("uploaded_at"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "evidence",
            "idx_evidence_entity",
            &["entity", "entity_key"],
            false,
        ))
        .await?;
        Ok(())
    }
}

/// Targets that hold every year of a span: each year's instance keeps the span, so that the
/// plan can be shown and edited as one target.
struct M0006RecurringTargets;

impl MigrationName for M0006RecurringTargets {
    fn name(&self) -> &str {
        "m0006_recurring_targets"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0006RecurringTargets {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for col in ["every_from", "every_to"] {
            m.alter_table(
                Table::alter()
                    .table("targets")
                    .add_column(integer_null(col))
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}

/// Counters of their own for the plan's targets and descriptions, and for tasks: a change
/// there reloads that part of the snapshot, not the values (the "structure" counter is for
/// units and indicators' rules).
struct M0007PlanCounter;

impl MigrationName for M0007PlanCounter {
    fn name(&self) -> &str {
        "m0007_plan_and_task_counters"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0007PlanCounter {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let insert = Query::insert()
            .into_table("counters")
            .columns(["name", "value"])
            .values_panic(["plan".into(), 0i64.into()])
            .values_panic(["tasks".into(), 0i64.into()])
            .take();
        m.exec_stmt(insert).await?;
        Ok(())
    }
}

/// PostgreSQL's bulk path: a large batch of values is copied (`COPY`) into this unlogged
/// table under a batch id, then merged into `data_values` by one statement inside the write's
/// transaction. SQLite writes its batches directly and has no use for it.
struct M0008BulkStaging;

impl MigrationName for M0008BulkStaging {
    fn name(&self) -> &str {
        "m0008_bulk_staging"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0008BulkStaging {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(());
        }
        m.get_connection()
            .execute_unprepared(
                "CREATE UNLOGGED TABLE data_values_staging (\
                 batch TEXT NOT NULL, indicator_id INTEGER NOT NULL, unit_id INTEGER NOT NULL, \
                 period TEXT NOT NULL, value TEXT NOT NULL, numerator TEXT, denominator TEXT, \
                 comment TEXT NOT NULL)",
            )
            .await?;
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX idx_data_values_staging_batch ON data_values_staging (batch)",
            )
            .await?;
        Ok(())
    }
}

/// Report forms, the reports (unit × form × period) with their state, and each report's
/// history of transitions.
struct M0009Reports;

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
struct M0010ReportsCounter;

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

/// The plan's validation rules (`left op right`, severity, message) and, on the plan, the
/// outlier threshold.
struct M0011ValidationRules;

impl MigrationName for M0011ValidationRules {
    fn name(&self) -> &str {
        "m0011_validation_rules"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0011ValidationRules {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("validation_rules")
                .col(pk_auto("id"))
                .col(integer("plan_id"))
                .col(string("left_side"))
                .col(string("op"))
                .col(string("right_side"))
                .col(string("severity"))
                .col(text("message"))
                .col(integer("sort"))
                .foreign_key(&mut fk("validation_rules", "plan_id", "plans"))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("plans")
                .add_column(string("outlier_z").default("3.5"))
                .take(),
        )
        .await?;
        Ok(())
    }
}

/// Notices for people (due, late, returned, approved reports …) and an e-mail address on
/// accounts, for reminders by mail. `dedup` makes each notice once, whoever creates it.
struct M0012Notices;

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

/// Each change of a value written one by one (forms, API batches, small imports): before and
/// after, who, when, from where, through what. Large imports keep one audit entry whose hash
/// covers every row instead (see the README).
struct M0013ValueHistory;

impl MigrationName for M0013ValueHistory {
    fn name(&self) -> &str {
        "m0013_value_history"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0013ValueHistory {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("value_history")
                .col(big_pk_auto("id"))
                .col(integer("indicator_id"))
                .col(integer("unit_id"))
                .col(string("period"))
                .col(big_integer("seq"))
                .col(timestamp_with_time_zone("at"))
                .col(string("actor"))
                .col(string("address"))
                .col(text("what"))
                .col(string_null("old_value"))
                .col(string_null("old_numerator"))
                .col(string_null("old_denominator"))
                .col(string_null("old_state"))
                .col(string("new_value"))
                .col(string_null("new_numerator"))
                .col(string_null("new_denominator"))
                .col(string("new_state"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "value_history",
            "idx_value_history_key",
            &["indicator_id", "unit_id", "period"],
            false,
        ))
        .await?;
        Ok(())
    }
}

/// English wording for what the plan says in Vietnamese and the pages show in English mode:
/// the plan's title, each indicator's unit of measure, each form's name. Empty: none given,
/// the Vietnamese is shown.
struct M0014English;

impl MigrationName for M0014English {
    fn name(&self) -> &str {
        "m0014_english"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0014English {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for (table, column) in [
            ("plans", "name_en"),
            ("indicators", "unit_of_measure_en"),
            ("forms", "name_en"),
        ] {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(string(column).default(""))
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}

/// English for an indicator's definition and for the labels of its numerator and
/// denominator; empty: none given, the Vietnamese is shown.
struct M0015EnglishDefinitions;

impl MigrationName for M0015EnglishDefinitions {
    fn name(&self) -> &str {
        "m0015_english_definitions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0015EnglishDefinitions {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            "definition_en",
            "numerator_label_en",
            "denominator_label_en",
        ] {
            m.alter_table(
                Table::alter()
                    .table("indicators")
                    .add_column(text(column).default(""))
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}

/// A task's source document (number, date, issuer) and its cancellation (day, reason).
struct M0016TaskSourceAndCancel;

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

/// A unit answers through several offices (the Party committee secretary and the authority's
/// head), each with its own terms: a head's office.
struct M0017HeadOffices;

impl MigrationName for M0017HeadOffices {
    fn name(&self) -> &str {
        "m0017_head_offices"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0017HeadOffices {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("heads")
                .add_column(string("office").default("authority"))
                .take(),
        )
        .await?;
        // One term starts per unit, office and day (was: per unit and day).
        m.drop_index(
            Index::drop()
                .name("idx_heads_unit")
                .table("heads")
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "heads",
            "idx_heads_unit_office",
            &["unit_id", "office", "term_start"],
            true,
        ))
        .await?;
        Ok(())
    }
}

/// A steering committee's members (position, office, dated membership) and its meetings with
/// their conclusion notices.
struct M0018Committee;

impl MigrationName for M0018Committee {
    fn name(&self) -> &str {
        "m0018_committee"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0018Committee {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("committee_members")
                .col(pk_auto("id"))
                .col(integer("committee_id"))
                .col(string("person"))
                .col(string("position"))
                .col(string("office"))
                .col(date("member_from"))
                .col(date_null("member_to"))
                .foreign_key(&mut fk("committee_members", "committee_id", "units"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("meetings")
                .col(pk_auto("id"))
                .col(integer("committee_id"))
                .col(date("held_on"))
                .col(string("kind"))
                .col(string("chair"))
                .col(text("agenda"))
                .col(text("attendance"))
                .col(string("conclusion_number"))
                .col(date_null("conclusion_date"))
                .foreign_key(&mut fk("meetings", "committee_id", "units"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "meetings",
            "idx_meetings_committee",
            &["committee_id", "held_on"],
            false,
        ))
        .await?;
        Ok(())
    }
}

/// A unit's annual work programme signed off by its head: who and when.
struct M0019ProgrammeSignoffs;

impl MigrationName for M0019ProgrammeSignoffs {
    fn name(&self) -> &str {
        "m0019_programme_signoffs"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0019ProgrammeSignoffs {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("programme_signoffs")
                .col(pk_auto("id"))
                .col(integer("unit_id"))
                .col(integer("year"))
                .col(string("signed_by"))
                .col(date("signed_on"))
                .foreign_key(&mut fk("programme_signoffs", "unit_id", "units"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "programme_signoffs",
            "idx_programme_signoffs_unit_year",
            &["unit_id", "year"],
            true,
        ))
        .await?;
        Ok(())
    }
}

/// A task's progress report carries, beside the result, the difficulties met and proposals.
struct M0020TaskReportParts;

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
struct M0021TaskFunding;

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

/// The annual evaluation: each year's rubric, versioned (a change adds a version, the old
/// stays readable), and the year's frozen evaluation, which later data do not change.
struct M0022Evaluation;

impl MigrationName for M0022Evaluation {
    fn name(&self) -> &str {
        "m0022_evaluation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0022Evaluation {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("evaluation_rubrics")
                .col(pk_auto("id"))
                .col(integer("year"))
                .col(integer("version"))
                .col(text("body"))
                .col(string("saved_by"))
                .col(timestamp_with_time_zone("saved_at"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "evaluation_rubrics",
            "idx_evaluation_rubrics_year_version",
            &["year", "version"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("evaluation_freezes")
                .col(pk_auto("id"))
                .col(integer("year"))
                .col(text("body"))
                .col(string("frozen_by"))
                .col(timestamp_with_time_zone("frozen_at"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "evaluation_freezes",
            "idx_evaluation_freezes_year",
            &["year"],
            true,
        ))
        .await?;
        Ok(())
    }
}

/// The year's commendation proposals as the secretariat edited them (none: as computed).
struct M0023EvaluationProposals;

impl MigrationName for M0023EvaluationProposals {
    fn name(&self) -> &str {
        "m0023_evaluation_proposals"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0023EvaluationProposals {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("evaluation_proposals")
                .col(pk_auto("id"))
                .col(integer("year"))
                .col(text("body"))
                .col(string("saved_by"))
                .col(timestamp_with_time_zone("saved_at"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "evaluation_proposals",
            "idx_evaluation_proposals_year",
            &["year"],
            true,
        ))
        .await?;
        Ok(())
    }
}

/// A task's product found below requirements: when and why (a completed task keeps its date).
struct M0024TaskProductDefect;

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

/// The first answer to each batch pushed with an `Idempotency-Key`, per caller: a retry gets
/// it again instead of a second write.
struct M0025IdempotencyKeys;

impl MigrationName for M0025IdempotencyKeys {
    fn name(&self) -> &str {
        "m0025_idempotency_keys"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0025IdempotencyKeys {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("idempotency_keys")
                .col(pk_auto("id"))
                .col(string("caller"))
                .col(string("key"))
                .col(string("digest"))
                .col(integer("status"))
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "idempotency_keys",
            "idx_idempotency_keys_caller_key",
            &["caller", "key"],
            true,
        ))
        .await?;
        Ok(())
    }
}

/// Another system's codes for our units and indicators (DHIS2 org units and data elements).
struct M0026CodeMappings;

impl MigrationName for M0026CodeMappings {
    fn name(&self) -> &str {
        "m0026_code_mappings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0026CodeMappings {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("code_mappings")
                .col(pk_auto("id"))
                .col(string("system"))
                .col(string("part"))
                .col(string("code"))
                .col(string("external"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "code_mappings",
            "idx_code_mappings_ours",
            &["system", "part", "code"],
            true,
        ))
        .await?;
        Ok(())
    }
}
