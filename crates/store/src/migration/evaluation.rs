//! The annual evaluation: rubrics, frozen years, commendation proposals.

use super::index;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// The annual evaluation: each year's rubric, versioned (a change adds a version, the old
/// stays readable), and the year's frozen evaluation, which later data do not change.
pub(super) struct M0022Evaluation;

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
pub(super) struct M0023EvaluationProposals;

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
