//! Where a province's official figures go (a central instance running chitieu) and the
//! outbox of figures waiting to go there.
//!
//! A figure is queued in the transaction that makes it official (a report accepted, a
//! correction accepted again), so that nothing accepted is lost between acceptance and
//! delivery, whatever happens to the process. An outbox row names the figure and the version
//! that became official; the sender reads the figure as stored when it sends, so a row whose
//! figure has since changed has nothing left to send.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::entities::{data_value, upstream, upstream_outbox};
use crate::{Result, Store, StoreError, audit};
use chitieu_domain::{Field, Refusal};

/// The longest address and token kept.
const URL_MAX: usize = 2048;
const TOKEN_MAX: usize = 512;

/// The central instance a province delivers to; never its token.
#[derive(Debug, Clone, PartialEq)]
pub struct Upstream {
    /// Whose codes the figures are sent in (a code mapping's system).
    pub system: String,
    pub url: String,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

/// How delivery stands.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpstreamStatus {
    pub url: Option<String>,
    /// Figures waiting to go.
    pub pending: u64,
    /// Since when the oldest of them waits.
    pub oldest_pending: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    /// The last failure to deliver (the centre unreachable, or answering an error).
    pub last_error: Option<String>,
    /// Figures the centre refused, with its reason: sent again only when asked.
    pub rejected: u64,
}

impl Store {
    /// Names the central instance to deliver to. The first time, every figure already
    /// official is queued (the province's history goes up once); later changes of address or
    /// token keep the outbox as it is. The token is kept for the sender and never shown.
    pub async fn set_upstream(
        &self,
        system: &str,
        url: &str,
        token: &str,
        actor: &str,
    ) -> Result<u64> {
        let url = url.trim();
        let parsed = url::Url::parse(url).ok().filter(|u| {
            matches!(u.scheme(), "http" | "https") && u.host().is_some() && url.len() <= URL_MAX
        });
        if parsed.is_none() {
            return Err(StoreError::Refused(Refusal::malformed(Field::Url, url)));
        }
        let token = token.trim();
        if token.is_empty() || token.len() > TOKEN_MAX || token.chars().any(char::is_control) {
            return Err(StoreError::Refused(Refusal::malformed(
                Field::UpstreamToken,
                "…",
            )));
        }
        let system = crate::clean(
            Field::System,
            system,
            64,
            chitieu_domain::text::TextKind::Line,
        )?;
        let txn = self.begin_write().await?;
        let first = upstream::Entity::find().one(&txn).await?.is_none();
        upstream::Entity::delete_many().exec(&txn).await?;
        let now = self.clock.now();
        upstream::ActiveModel {
            system: Set(system.clone()),
            url: Set(url.to_string()),
            token: Set(token.to_string()),
            set_by: Set(actor.to_string()),
            set_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let queued = if first {
            queue(&txn, Official::All, now).await?
        } else {
            0
        };
        audit(
            &txn,
            actor,
            "upstream.set",
            "upstreams",
            &format!("{url} ({system}); {queued} số liệu chính thức đưa vào hàng đợi gửi"),
        )
        .await?;
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(queued)
    }

    /// The central instance figures go to, if one is set.
    pub async fn upstream(&self) -> Result<Option<Upstream>> {
        Ok(upstream::Entity::find()
            .one(&self.db)
            .await?
            .map(|m| Upstream {
                system: m.system,
                url: m.url,
                set_by: m.set_by,
                set_at: m.set_at,
            }))
    }

    /// How delivery stands: what waits, since when, the last success and failure, what the
    /// centre refused.
    pub async fn upstream_status(&self) -> Result<UpstreamStatus> {
        let Some(up) = self.upstream().await? else {
            return Ok(UpstreamStatus::default());
        };
        let in_state = |s: &'static str| {
            upstream_outbox::Entity::find().filter(upstream_outbox::Column::State.eq(s))
        };
        let pending = in_state("pending").count(&self.db).await?;
        let oldest_pending = in_state("pending")
            .order_by_asc(upstream_outbox::Column::Id)
            .one(&self.db)
            .await?
            .map(|m| m.queued_at);
        let last_success = in_state("sent")
            .order_by_desc(upstream_outbox::Column::DoneAt)
            .one(&self.db)
            .await?
            .and_then(|m| m.done_at);
        let last_error = upstream_outbox::Entity::find()
            .filter(upstream_outbox::Column::LastError.ne(""))
            .order_by_desc(upstream_outbox::Column::NextAttemptAt)
            .one(&self.db)
            .await?
            .map(|m| m.last_error);
        let rejected = in_state("rejected").count(&self.db).await?;
        Ok(UpstreamStatus {
            url: Some(up.url),
            pending,
            oldest_pending,
            last_success,
            last_error,
            rejected,
        })
    }
}

/// Which official figures to queue.
pub(crate) enum Official<'a> {
    /// A report's: its unit, period and the form's indicators.
    Report(i32, &'a str, &'a [i32]),
    /// Those one write (its change number) stored as accepted: `values import --state
    /// accepted`, or the API with that state.
    Write(i64),
    /// Every one: the history, when an upstream is first set.
    All,
}

/// Queues official figures for the central instance, when one is set, inside the caller's
/// transaction. Returns how many were queued.
pub(crate) async fn queue<C: ConnectionTrait>(
    c: &C,
    which: Official<'_>,
    at: DateTime<Utc>,
) -> Result<u64> {
    if upstream::Entity::find().one(c).await?.is_none() {
        return Ok(0);
    }
    let mut select = Query::select();
    select
        .column(data_value::Column::IndicatorId)
        .column(data_value::Column::UnitId)
        .column(data_value::Column::Period)
        .column(data_value::Column::Version)
        .expr(Expr::val(at))
        .from(data_value::Entity)
        .and_where(Expr::col(data_value::Column::State).eq("accepted"));
    match which {
        Official::Report(unit, period, indicators) => {
            select
                .and_where(Expr::col(data_value::Column::UnitId).eq(unit))
                .and_where(Expr::col(data_value::Column::Period).eq(period))
                .and_where(Expr::col(data_value::Column::IndicatorId).is_in(indicators.to_vec()));
        }
        Official::Write(seq) => {
            select.and_where(Expr::col(data_value::Column::Seq).eq(seq));
        }
        Official::All => {}
    }
    let insert = Query::insert()
        .into_table(upstream_outbox::Entity)
        .columns([
            upstream_outbox::Column::IndicatorId,
            upstream_outbox::Column::UnitId,
            upstream_outbox::Column::Period,
            upstream_outbox::Column::Version,
            upstream_outbox::Column::QueuedAt,
        ])
        .select_from(select)
        .map_err(|e| StoreError::Broken(format!("outbox: {e}")))?
        .to_owned();
    Ok(c.execute(&insert).await?.rows_affected())
}
