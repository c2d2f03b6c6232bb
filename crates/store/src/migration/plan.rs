//! The plan: recurring targets, its counter, validation rules, its English wording.

use super::fk;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Targets that hold every year of a span: each year's instance keeps the span, so that the
/// plan can be shown and edited as one target.
pub(super) struct M0006RecurringTargets;

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
pub(super) struct M0007PlanCounter;

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

/// The plan's validation rules (`left op right`, severity, message) and, on the plan, the
/// outlier threshold.
pub(super) struct M0011ValidationRules;

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

/// English wording for what the plan says in Vietnamese and the pages show in English mode:
/// the plan's title, each indicator's unit of measure, each form's name. Empty: none given,
/// the Vietnamese is shown.
pub(super) struct M0014English;

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
pub(super) struct M0015EnglishDefinitions;

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
