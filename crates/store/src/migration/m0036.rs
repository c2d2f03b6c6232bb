//! Two-factor sign-in and what an administrator and a person see of sign-ins:
//! - an account's TOTP secret and the last time step it accepted (a code is good once);
//! - recovery codes (hashed), each good once;
//! - devices remembered after a second factor, until a day the plan sets;
//! - a session knows where it was opened (address, browser) and whether it still waits for
//!   the second factor;
//! - every sign-in, accepted or refused, in a log;
//! - the roles that must use a second factor and how long a device is remembered, on the
//!   plan (its administrators choose).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer_null, integer, integer_null, pk_auto, string, string_null, text_null,
    timestamp_with_time_zone, timestamp_with_time_zone_null,
};

use super::{fk, index};

pub(super) struct M0036TwoFactor;

impl MigrationName for M0036TwoFactor {
    fn name(&self) -> &str {
        "m0036_two_factor"
    }
}

async fn add(
    m: &SchemaManager<'_>,
    table: &'static str,
    mut column: ColumnDef,
) -> Result<(), DbErr> {
    // One column per statement: SQLite alters a table one column at a time.
    m.alter_table(Table::alter().table(table).add_column(column.take()).take())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for M0036TwoFactor {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add(m, "users", text_null("totp_secret")).await?;
        add(m, "users", big_integer_null("totp_step")).await?;
        add(m, "sessions", string("stage").default("full").take()).await?;
        add(m, "sessions", integer("code_failures").default(0).take()).await?;
        add(m, "sessions", string_null("addr")).await?;
        add(m, "sessions", string_null("agent")).await?;
        add(
            m,
            "plans",
            string("two_factor_roles")
                .default("admin,secretariat")
                .take(),
        )
        .await?;
        add(
            m,
            "plans",
            integer("remember_device_days").default(30).take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("recovery_codes")
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string("code_hash"))
                .col(timestamp_with_time_zone_null("used_at"))
                .foreign_key(&mut fk("recovery_codes", "user_id", "users"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "recovery_codes",
            "idx_recovery_codes_user",
            &["user_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("trusted_devices")
                .col(string("token_hash").primary_key())
                .col(integer("user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(&mut fk("trusted_devices", "user_id", "users"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("sign_ins")
                .col(pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(string("login"))
                .col(integer_null("user_id"))
                .col(string_null("addr"))
                .col(string_null("agent"))
                .col(string("outcome"))
                .take(),
        )
        .await?;
        m.create_index(index("sign_ins", "idx_sign_ins_at", &["at"], false))
            .await?;
        Ok(())
    }
}
