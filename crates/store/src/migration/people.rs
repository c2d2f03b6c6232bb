//! People and bodies: sessions, API tokens, heads' offices, the steering committee, programme sign-offs.

use super::{fk, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Sign-in sessions, kept in the database so that every app instance sees them.
pub(super) struct M0003Sessions;

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
pub(super) struct M0004ApiTokens;

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

/// A unit answers through several offices (the Party committee secretary and the authority's
/// head), each with its own terms: a head's office.
pub(super) struct M0017HeadOffices;

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
pub(super) struct M0018Committee;

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
pub(super) struct M0019ProgrammeSignoffs;

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
