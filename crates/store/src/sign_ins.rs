//! What a person and an administrator see of signing in: one's own open sessions (where and
//! in which browser each was opened), each of which one can end; and the sign-in log (who,
//! when, from where, how it ended) for administrators, kept for [`LOG_DAYS`].

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entities::{session, sign_in, user};
use crate::sessions::hash;
use crate::two_factor::{Client, Outcome, short_agent};
use crate::{Result, Store, audit};
use chitieu_domain::UnitCode;

/// How long the sign-in log keeps an entry, in days.
pub const LOG_DAYS: i64 = 400;

/// An open session of one's own, as the account page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenSession {
    /// The SHA-256 of its cookie, which names it in a form without giving it away.
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub addr: Option<String>,
    pub agent: Option<String>,
    /// The session of the page asking.
    pub current: bool,
}

/// One line of the sign-in log.
#[derive(Debug, Clone, PartialEq)]
pub struct SignInEntry {
    pub id: i32,
    pub at: DateTime<Utc>,
    pub login: String,
    /// The account's unit; none for a login that names no account.
    pub unit: Option<UnitCode>,
    pub addr: Option<String>,
    pub agent: Option<String>,
    pub outcome: Outcome,
}

impl Store {
    pub(crate) async fn log_sign_in<C: ConnectionTrait>(
        c: &C,
        now: DateTime<Utc>,
        login: &str,
        user_id: Option<i32>,
        client: &Client,
        outcome: Outcome,
    ) -> Result<()> {
        // A login typed by anyone: bounded, and shown only as text.
        let login: String = login.chars().filter(|c| !c.is_control()).take(64).collect();
        let outcome: &'static str = outcome.into();
        sign_in::ActiveModel {
            at: Set(now),
            login: Set(login),
            user_id: Set(user_id),
            addr: Set(client.addr.clone()),
            agent: Set(client.agent.as_deref().map(short_agent)),
            outcome: Set(outcome.to_string()),
            ..Default::default()
        }
        .insert(c)
        .await?;
        sign_in::Entity::delete_many()
            .filter(sign_in::Column::At.lt(now - Duration::days(LOG_DAYS)))
            .exec(c)
            .await?;
        Ok(())
    }

    /// Logs a sign-in refused before the store saw it (throttled).
    pub async fn record_sign_in(
        &self,
        login: &str,
        client: &Client,
        outcome: Outcome,
    ) -> Result<()> {
        let id = user::Entity::find()
            .filter(user::Column::Login.eq(login.trim()))
            .one(&self.db)
            .await?
            .map(|u| u.id);
        Self::log_sign_in(
            &self.db,
            self.clock.now(),
            login.trim(),
            id,
            client,
            outcome,
        )
        .await
    }

    /// The sign-in log, newest first: up to `limit` entries older than `before` (an id),
    /// of `login` when given.
    pub async fn sign_ins(
        &self,
        login: Option<&str>,
        before: Option<i32>,
        limit: u64,
    ) -> Result<Vec<SignInEntry>> {
        let mut q = sign_in::Entity::find().order_by_desc(sign_in::Column::Id);
        if let Some(l) = login.map(str::trim).filter(|l| !l.is_empty()) {
            q = q.filter(sign_in::Column::Login.eq(l));
        }
        if let Some(b) = before {
            q = q.filter(sign_in::Column::Id.lt(b));
        }
        let rows = q.limit(limit).all(&self.db).await?;
        let ids = self.ids_now().await?;
        let mut units = std::collections::HashMap::new();
        let user_ids: Vec<i32> = rows.iter().filter_map(|r| r.user_id).collect();
        for u in user::Entity::find()
            .filter(user::Column::Id.is_in(user_ids))
            .all(&self.db)
            .await?
        {
            if let Some(code) = ids.unit_codes.get(&u.unit_id) {
                units.insert(u.id, code.clone());
            }
        }
        Ok(rows
            .into_iter()
            .map(|r| SignInEntry {
                id: r.id,
                at: r.at,
                unit: r.user_id.and_then(|id| units.get(&id).cloned()),
                outcome: r.outcome.parse().unwrap_or(Outcome::BadPassword),
                login: r.login,
                addr: r.addr,
                agent: r.agent,
            })
            .collect())
    }

    /// The open sessions of `user_id`, newest first; `current` marks the asking one.
    pub async fn open_sessions(&self, user_id: i32, current: &str) -> Result<Vec<OpenSession>> {
        let now = self.clock.now();
        let mine = hash(current);
        Ok(session::Entity::find()
            .filter(session::Column::UserId.eq(user_id))
            .filter(session::Column::Stage.eq("full"))
            .filter(session::Column::ExpiresAt.gt(now))
            .order_by_desc(session::Column::CreatedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| OpenSession {
                current: s.token_hash == mine,
                id: s.token_hash,
                created_at: s.created_at,
                expires_at: s.expires_at,
                addr: s.addr,
                agent: s.agent,
            })
            .collect())
    }

    /// Ends one of `user_id`'s own sessions by its id; another's is never touched. Whether
    /// one ended.
    pub async fn end_session(&self, user_id: i32, id: &str, actor: &str) -> Result<bool> {
        let txn = self.begin_write().await?;
        let gone = session::Entity::delete_many()
            .filter(session::Column::UserId.eq(user_id))
            .filter(session::Column::TokenHash.eq(id.trim()))
            .exec(&txn)
            .await?
            .rows_affected;
        if gone > 0 {
            audit(
                &txn,
                actor,
                "session.end",
                "sessions",
                "đăng xuất một phiên",
            )
            .await?;
        }
        txn.commit().await?;
        Ok(gone > 0)
    }
}
