//! Delivery of a province's official figures to a central instance: where to send them
//! (one row), and an outbox of figures to send, written in the transaction that makes each
//! figure official, so that a crash between acceptance and delivery loses nothing.
//!
//! An outbox row points at a figure (indicator, unit, period) and the version that became
//! official; the sender reads the figure as stored when it sends, and a row whose figure
//! has moved on (a newer version, or no longer accepted) has nothing left to send.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, integer, pk_auto, string, text, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

use super::{fk, index};

pub(super) struct M0038Upstream;

impl MigrationName for M0038Upstream {
    fn name(&self) -> &str {
        "m0038_upstream"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0038Upstream {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("upstreams")
                .col(pk_auto("id"))
                .col(string("system"))
                .col(string("url"))
                .col(string("token"))
                .col(string("set_by"))
                .col(timestamp_with_time_zone("set_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("upstream_outbox")
                .col(pk_auto("id"))
                .col(integer("indicator_id"))
                .col(integer("unit_id"))
                .col(string("period"))
                .col(big_integer("version"))
                .col(timestamp_with_time_zone("queued_at"))
                // pending, sent, rejected, superseded
                .col(string("state").default("pending").take())
                .col(integer("attempts").default(0).take())
                .col(timestamp_with_time_zone_null("next_attempt_at"))
                .col(timestamp_with_time_zone_null("done_at"))
                .col(text("last_error").default("").take())
                .foreign_key(&mut fk("upstream_outbox", "indicator_id", "indicators"))
                .foreign_key(&mut fk("upstream_outbox", "unit_id", "units"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "upstream_outbox",
            "idx_upstream_outbox_state",
            &["state", "id"],
            false,
        ))
        .await?;
        Ok(())
    }
}
