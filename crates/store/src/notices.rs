//! Notices for people, each made once (by its `dedup` key, whichever process makes it), read
//! on the notices page, and mailed at most once: a sender claims a notice before mailing it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::entities::{notice, user};
use crate::{Result, Store};

/// A notice to make: for an account, of a kind, with its text and where it leads. `dedup`
/// names the occasion: a second notice with the same key is not made.
#[derive(Debug, Clone, PartialEq)]
pub struct NewNotice {
    pub login: String,
    pub kind: &'static str,
    pub message: String,
    /// The same in English.
    pub message_en: String,
    pub link: String,
    pub dedup: String,
}

/// A notice as its reader sees it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Notice {
    pub kind: String,
    pub message: String,
    /// Empty on notices made before they were kept in English.
    pub message_en: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// A notice claimed for mailing: to whom, what.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub id: i32,
    pub to: String,
    /// The occasion, as the notice's `dedup` key names it.
    pub dedup: String,
    pub kind: String,
    pub message: String,
    pub link: String,
}

/// Notices older than this are never mailed (say, made before the server had SMTP).
const MAIL_WITHIN_DAYS: i64 = 7;

impl Store {
    /// Makes the notices not made before (by their `dedup` key); returns how many are new.
    pub async fn add_notices(&self, notices: &[NewNotice]) -> Result<u64> {
        if notices.is_empty() {
            return Ok(0);
        }
        let logins: Vec<&str> = notices.iter().map(|n| n.login.as_str()).collect();
        let ids: std::collections::HashMap<String, i32> = user::Entity::find()
            .filter(user::Column::Login.is_in(logins))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|u| (u.login, u.id))
            .collect();
        let now = self.clock.now();
        let txn = self.begin_write().await?;
        let mut made = 0;
        for n in notices {
            let Some(&user_id) = ids.get(&n.login) else {
                continue;
            };
            let am = notice::ActiveModel {
                user_id: Set(user_id),
                kind: Set(n.kind.to_string()),
                message: Set(n.message.clone()),
                message_en: Set(n.message_en.clone()),
                link: Set(n.link.clone()),
                dedup: Set(n.dedup.clone()),
                created_at: Set(now),
                read_at: Set(None),
                emailed_at: Set(None),
                ..Default::default()
            };
            made += notice::Entity::insert(am)
                .on_conflict(
                    OnConflict::column(notice::Column::Dedup)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(made)
    }

    /// A user's latest notices, newest first.
    pub async fn notices(&self, user_id: i32, limit: u64) -> Result<Vec<Notice>> {
        Ok(notice::Entity::find()
            .filter(notice::Column::UserId.eq(user_id))
            .order_by_desc(notice::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|n| Notice {
                kind: n.kind,
                message: n.message,
                message_en: n.message_en,
                link: n.link,
                created_at: n.created_at,
                read: n.read_at.is_some(),
            })
            .collect())
    }

    /// Marks every notice of a user read.
    pub async fn mark_notices_read(&self, user_id: i32) -> Result<()> {
        let txn = self.begin_write().await?;
        notice::Entity::update_many()
            .col_expr(notice::Column::ReadAt, Expr::value(self.clock.now()))
            .filter(notice::Column::UserId.eq(user_id))
            .filter(notice::Column::ReadAt.is_null())
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Claims the notices to mail now (recent, not mailed, to an account with an address),
    /// at most `limit`: each is marked mailed first, by one conditional update, so that of
    /// two senders (two servers on one database) only one mails it. A failed mail is given
    /// back with [`Store::unclaim_mail`].
    /// How many notices wait to be mailed (to an active account with an address, within
    /// the days a notice is still worth mailing): the mail queue.
    pub async fn mail_queue(&self) -> Result<u64> {
        use sea_orm::{PaginatorTrait, QueryTrait};
        let since = self.clock.now() - chrono::Duration::days(MAIL_WITHIN_DAYS);
        let addressed = user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .filter(user::Column::Email.is_not_null())
            .filter(user::Column::Active.eq(true))
            .into_query();
        Ok(notice::Entity::find()
            .filter(notice::Column::EmailedAt.is_null())
            .filter(notice::Column::CreatedAt.gt(since))
            .filter(notice::Column::UserId.in_subquery(addressed))
            .count(&self.db)
            .await?)
    }

    pub async fn claim_mail(&self, limit: u64) -> Result<Vec<Mail>> {
        let since = self.clock.now() - chrono::Duration::days(MAIL_WITHIN_DAYS);
        let pending = notice::Entity::find()
            .filter(notice::Column::EmailedAt.is_null())
            .filter(notice::Column::CreatedAt.gt(since))
            .order_by_asc(notice::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        if pending.is_empty() {
            return Ok(Vec::new());
        }
        let users: std::collections::HashMap<i32, String> = user::Entity::find()
            .filter(user::Column::Id.is_in(pending.iter().map(|n| n.user_id)))
            .filter(user::Column::Active.eq(true))
            .all(&self.db)
            .await?
            .into_iter()
            .filter_map(|u| Some((u.id, u.email?)))
            .collect();
        let mut out = Vec::new();
        for n in pending {
            let Some(to) = users.get(&n.user_id) else {
                continue;
            };
            let claimed = claim(&self.db, n.id, self.clock.now()).await?;
            if claimed {
                out.push(Mail {
                    id: n.id,
                    to: to.clone(),
                    dedup: n.dedup,
                    kind: n.kind,
                    message: n.message,
                    link: n.link,
                });
            }
        }
        Ok(out)
    }

    /// Gives a claimed notice back, to be mailed by a later round.
    pub async fn unclaim_mail(&self, id: i32) -> Result<()> {
        notice::Entity::update_many()
            .col_expr(
                notice::Column::EmailedAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(notice::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

async fn claim<C: ConnectionTrait>(c: &C, id: i32, at: chrono::DateTime<Utc>) -> Result<bool> {
    let r = notice::Entity::update_many()
        .col_expr(notice::Column::EmailedAt, Expr::value(at))
        .filter(notice::Column::Id.eq(id))
        .filter(notice::Column::EmailedAt.is_null())
        .exec(c)
        .await?;
    Ok(r.rows_affected == 1)
}
