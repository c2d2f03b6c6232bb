//! The first schema: plan, indicators, targets, units and their successors, values, heads,
//! tasks and their updates, research results, users, the audit log.

use super::{fk, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub(super) struct M0001Initial;

impl MigrationName for M0001Initial {
    fn name(&self) -> &str {
        "m0001_initial"
    }
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
