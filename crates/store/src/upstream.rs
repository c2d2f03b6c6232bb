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
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
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
        // No TLS stack is built in: an https address would wait for ever; the data centre's
        // proxy takes http and speaks TLS to the centre.
        let scheme = parsed.ok_or_else(|| Refusal::malformed(Field::Url, url));
        if let Some(bad) = scheme.as_ref().ok().filter(|u| u.scheme() != "http") {
            return Err(StoreError::Refused(Refusal::not_one_of(
                Field::Url,
                bad.scheme(),
                ["http"],
            )));
        }
        scheme.map_err(StoreError::Refused)?;
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
            let origin = format!(
                "số liệu chính thức có từ trước, đưa lên khi {actor} đặt máy chủ trung ương lúc {}",
                origin_time(now)
            );
            queue(&txn, Official::All, now, &origin).await?
        } else {
            // A new address or token: what waits goes at once, not after its backoff.
            upstream_outbox::Entity::update_many()
                .col_expr(
                    upstream_outbox::Column::NextAttemptAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .filter(upstream_outbox::Column::State.eq("pending"))
                .exec(&txn)
                .await?;
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
        // Both counts in one statement: a row moving from pending to rejected between two
        // reads would be counted twice or not at all.
        let counts: Vec<(String, i64)> = {
            use sea_orm::QuerySelect;
            upstream_outbox::Entity::find()
                .select_only()
                .column(upstream_outbox::Column::State)
                .column_as(upstream_outbox::Column::Id.count(), "n")
                .group_by(upstream_outbox::Column::State)
                .into_tuple()
                .all(&self.db)
                .await?
        };
        let count = |state: &str| {
            counts
                .iter()
                .find(|(s, _)| s == state)
                .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0))
        };
        let (pending, rejected) = (count("pending"), count("rejected"));
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
/// transaction; `origin` says where they came from (which acceptance or write, by whom,
/// when), sent with them for the centre's record. When the centre's code mapping names
/// indicators, only those go (the centre knows no others); an empty mapping sends every
/// indicator under its own code. Returns how many were queued.
pub(crate) async fn queue<C: ConnectionTrait>(
    c: &C,
    which: Official<'_>,
    at: DateTime<Utc>,
    origin: &str,
) -> Result<u64> {
    use crate::entities::{code_mapping, indicator};
    use sea_orm::QuerySelect;
    let Some(up) = upstream::Entity::find().one(c).await? else {
        return Ok(0);
    };
    let mapped: Vec<String> = code_mapping::Entity::find()
        .select_only()
        .column(code_mapping::Column::Code)
        .filter(code_mapping::Column::System.eq(&up.system))
        .filter(code_mapping::Column::Part.ne("unit"))
        .distinct()
        .into_tuple()
        .all(c)
        .await?;
    let origin: String = origin.chars().take(ORIGIN_MAX).collect();
    let mut select = Query::select();
    select
        .column(data_value::Column::IndicatorId)
        .column(data_value::Column::UnitId)
        .column(data_value::Column::Period)
        .column(data_value::Column::Version)
        .expr(Expr::val(at))
        .expr(Expr::val(origin))
        .from(data_value::Entity)
        .and_where(Expr::col(data_value::Column::State).eq("accepted"));
    if !mapped.is_empty() {
        select.and_where(
            Expr::col(data_value::Column::IndicatorId).in_subquery(
                Query::select()
                    .column(indicator::Column::Id)
                    .from(indicator::Entity)
                    .and_where(Expr::col(indicator::Column::Code).is_in(mapped))
                    .to_owned(),
            ),
        );
    }
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
            upstream_outbox::Column::Origin,
        ])
        .select_from(select)
        .map_err(|e| StoreError::Broken(format!("outbox: {e}")))?
        .to_owned();
    Ok(c.execute(&insert).await?.rows_affected())
}

/// The longest origin kept with a queued figure.
pub const ORIGIN_MAX: usize = 300;

/// A moment as origins write it: UTC, to the second.
pub(crate) fn origin_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// An outbox row due to go, with its figure as stored now.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    pub id: i32,
    pub indicator: String,
    pub unit: String,
    pub period: String,
    /// The version queued.
    pub version: i64,
    pub attempts: i32,
    /// Where it came from at the province (see [`queue`]).
    pub origin: String,
    /// The figure as it stands, when it is still official at the version queued: value,
    /// numerator, denominator, comment. `None`: it has moved on (a later version is queued
    /// of its own) or is no longer official (a reopened report queues it again when accepted).
    pub figure: Option<(String, Option<String>, Option<String>, String)>,
}

/// How an attempt to deliver some rows ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivered {
    /// The centre took them.
    Sent,
    /// The centre refused them, for this reason: they wait for someone to send them again.
    Rejected(String),
    /// Nothing left to send: the figure moved on.
    Superseded,
    /// The centre could not be reached or failed: tried again at `next`.
    Retry { error: String, next: DateTime<Utc> },
}

impl Store {
    /// The centre's address, the code mapping's system and the token, for the sender only.
    pub async fn upstream_for_sender(&self) -> Result<Option<(Upstream, String)>> {
        Ok(upstream::Entity::find().one(&self.db).await?.map(|m| {
            (
                Upstream {
                    system: m.system,
                    url: m.url,
                    set_by: m.set_by,
                    set_at: m.set_at,
                },
                m.token,
            )
        }))
    }

    /// Claims up to `limit` rows due now (oldest first) for `lease`: another sender (another
    /// server on the same database) skips them meanwhile, and they are due again after it if
    /// this one dies before it says how they went.
    pub async fn claim_outbox(&self, limit: u64, lease: chrono::Duration) -> Result<Vec<Due>> {
        use sea_orm::{FromQueryResult, QuerySelect};
        let now = self.clock.now();
        // Whole milliseconds: the claim is recognised by its lease's end as stored.
        let until =
            DateTime::from_timestamp_millis((now + lease).timestamp_millis()).unwrap_or(now);
        let due = |c: upstream_outbox::Column| {
            Expr::col((upstream_outbox::Entity, c))
                .is_null()
                .or(Expr::col((upstream_outbox::Entity, c)).lte(now))
        };
        let ids: Vec<i32> = upstream_outbox::Entity::find()
            .select_only()
            .column(upstream_outbox::Column::Id)
            .filter(upstream_outbox::Column::State.eq("pending"))
            .filter(due(upstream_outbox::Column::NextAttemptAt))
            .order_by_asc(upstream_outbox::Column::Id)
            .limit(limit)
            .into_tuple()
            .all(&self.db)
            .await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // The claim re-checks that each row is still due: of two senders, one gets it.
        let txn = self.begin_write().await?;
        upstream_outbox::Entity::update_many()
            .col_expr(upstream_outbox::Column::NextAttemptAt, Expr::value(until))
            .filter(upstream_outbox::Column::Id.is_in(ids.clone()))
            .filter(upstream_outbox::Column::State.eq("pending"))
            .filter(due(upstream_outbox::Column::NextAttemptAt))
            .exec(&txn)
            .await?;
        #[derive(FromQueryResult)]
        struct Row {
            id: i32,
            attempts: i32,
            period: String,
            version: i64,
            origin: String,
            next_attempt_at: Option<DateTime<Utc>>,
            indicator: String,
            unit: String,
            value: Option<String>,
            numerator: Option<String>,
            denominator: Option<String>,
            comment: Option<String>,
            current: Option<i64>,
            state: Option<String>,
        }
        let o = upstream_outbox::Entity;
        let v = data_value::Entity;
        let q = outbox_with_codes()
            .column((o, upstream_outbox::Column::Id))
            .column((o, upstream_outbox::Column::Attempts))
            .column((o, upstream_outbox::Column::Period))
            .column((o, upstream_outbox::Column::Version))
            .column((o, upstream_outbox::Column::Origin))
            .column((o, upstream_outbox::Column::NextAttemptAt))
            .column((v, data_value::Column::Value))
            .column((v, data_value::Column::Numerator))
            .column((v, data_value::Column::Denominator))
            .column((v, data_value::Column::Comment))
            .expr_as(Expr::col((v, data_value::Column::Version)), "current")
            .column((v, data_value::Column::State))
            .left_join(
                v,
                Expr::col((v, data_value::Column::IndicatorId))
                    .equals((o, upstream_outbox::Column::IndicatorId))
                    .and(
                        Expr::col((v, data_value::Column::UnitId))
                            .equals((o, upstream_outbox::Column::UnitId)),
                    )
                    .and(
                        Expr::col((v, data_value::Column::Period))
                            .equals((o, upstream_outbox::Column::Period)),
                    ),
            )
            .and_where(Expr::col((o, upstream_outbox::Column::Id)).is_in(ids))
            .order_by((o, upstream_outbox::Column::Id), sea_orm::Order::Asc)
            .to_owned();
        let backend = self.db.get_database_backend();
        let rows = Row::find_by_statement(backend.build(&q)).all(&txn).await?;
        txn.commit().await?;
        Ok(rows
            .into_iter()
            // Only the rows this claim took.
            .filter(|r| {
                r.next_attempt_at
                    .is_some_and(|t| (t - until).num_milliseconds().abs() < 1)
            })
            .map(|r| Due {
                id: r.id,
                figure: (r.current == Some(r.version) && r.state.as_deref() == Some("accepted"))
                    .then(|| {
                        (
                            r.value.unwrap_or_default(),
                            r.numerator,
                            r.denominator,
                            r.comment.unwrap_or_default(),
                        )
                    }),
                indicator: r.indicator,
                unit: r.unit,
                period: r.period,
                version: r.version,
                attempts: r.attempts,
                origin: r.origin,
            })
            .collect())
    }

    /// Records how delivering rows `ids` ended.
    pub async fn outbox_delivered(&self, ids: &[i32], how: &Delivered) -> Result<()> {
        let now = self.clock.now();
        let mut update = upstream_outbox::Entity::update_many()
            .filter(upstream_outbox::Column::Id.is_in(ids.to_vec()));
        update = match how {
            Delivered::Sent | Delivered::Superseded => update
                .col_expr(
                    upstream_outbox::Column::State,
                    Expr::value(if *how == Delivered::Sent {
                        "sent"
                    } else {
                        "superseded"
                    }),
                )
                .col_expr(upstream_outbox::Column::DoneAt, Expr::value(now))
                .col_expr(upstream_outbox::Column::NextAttemptAt, Expr::value(now))
                // Delivered: an earlier failure of these rows is no longer the news.
                .col_expr(upstream_outbox::Column::LastError, Expr::value("")),
            Delivered::Rejected(why) => update
                .col_expr(upstream_outbox::Column::State, Expr::value("rejected"))
                .col_expr(upstream_outbox::Column::LastError, Expr::value(cut(why)))
                .col_expr(upstream_outbox::Column::DoneAt, Expr::value(now))
                .col_expr(upstream_outbox::Column::NextAttemptAt, Expr::value(now)),
            Delivered::Retry { error, next } => update
                .col_expr(upstream_outbox::Column::LastError, Expr::value(cut(error)))
                .col_expr(upstream_outbox::Column::NextAttemptAt, Expr::value(*next))
                .col_expr(
                    upstream_outbox::Column::Attempts,
                    Expr::col(upstream_outbox::Column::Attempts).add(1),
                ),
        };
        update.exec(&self.db).await?;
        Ok(())
    }
}

/// A figure the centre refused, with its reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    pub indicator: String,
    pub unit: String,
    pub period: String,
    pub reason: String,
    pub at: Option<DateTime<Utc>>,
}

impl Store {
    /// The figures the centre refused, most recent first, at most `limit`.
    pub async fn refused_outbox(&self, limit: u64) -> Result<Vec<Refused>> {
        use sea_orm::FromQueryResult;
        #[derive(FromQueryResult)]
        struct Row {
            indicator: String,
            unit: String,
            period: String,
            last_error: String,
            done_at: Option<DateTime<Utc>>,
        }
        let o = upstream_outbox::Entity;
        let q = outbox_with_codes()
            .column((o, upstream_outbox::Column::Period))
            .column((o, upstream_outbox::Column::LastError))
            .column((o, upstream_outbox::Column::DoneAt))
            .and_where(Expr::col((o, upstream_outbox::Column::State)).eq("rejected"))
            .order_by((o, upstream_outbox::Column::Id), sea_orm::Order::Desc)
            .limit(limit)
            .to_owned();
        let backend = self.db.get_database_backend();
        Ok(Row::find_by_statement(backend.build(&q))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| Refused {
                indicator: r.indicator,
                unit: r.unit,
                period: r.period,
                reason: r.last_error,
                at: r.done_at,
            })
            .collect())
    }

    /// Sends the refused figures again (after the mapping or the token was fixed): they wait
    /// with the others, due now. Audited; returns how many.
    pub async fn resend_refused(&self, actor: &str) -> Result<u64> {
        let txn = self.begin_write().await?;
        let n = upstream_outbox::Entity::update_many()
            .col_expr(upstream_outbox::Column::State, Expr::value("pending"))
            .col_expr(
                upstream_outbox::Column::NextAttemptAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(
                upstream_outbox::Column::DoneAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(upstream_outbox::Column::Attempts, Expr::value(0))
            .filter(upstream_outbox::Column::State.eq("rejected"))
            .exec(&txn)
            .await?
            .rows_affected;
        audit(
            &txn,
            actor,
            "upstream.resend",
            "upstream_outbox",
            &format!("gửi lại {n} số liệu trung ương đã từ chối"),
        )
        .await?;
        txn.commit().await?;
        Ok(n)
    }
}

/// The outbox with each row's indicator and unit codes (`indicator`, `unit`).
fn outbox_with_codes() -> sea_orm::sea_query::SelectStatement {
    use crate::entities::{indicator, unit};
    let o = upstream_outbox::Entity;
    Query::select()
        .expr_as(
            Expr::col((indicator::Entity, indicator::Column::Code)),
            "indicator",
        )
        .expr_as(Expr::col((unit::Entity, unit::Column::Code)), "unit")
        .from(o)
        .inner_join(
            indicator::Entity,
            Expr::col((indicator::Entity, indicator::Column::Id))
                .equals((o, upstream_outbox::Column::IndicatorId)),
        )
        .inner_join(
            unit::Entity,
            Expr::col((unit::Entity, unit::Column::Id))
                .equals((o, upstream_outbox::Column::UnitId)),
        )
        .to_owned()
}

/// A reason kept at most 2,000 characters.
fn cut(s: &str) -> String {
    s.chars().take(2000).collect()
}
