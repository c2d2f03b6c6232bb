//! Accounts over their life: a password changed by its owner or reset by an administrator,
//! an account disabled and enabled again, an account removed. Every step ends the sessions
//! it must at once (sessions are read from the database on every request, on every
//! instance) and is in the audit chain, never with a password or its hash.

use chitieu_domain::UnitCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entities::{session, user};
use crate::people::{Role, hash_password};
use crate::{Result, Store, StoreError, audit};

/// An account as the administration page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub unit: UnitCode,
    pub active: bool,
    /// Reset: a new password is set at the next sign-in.
    pub must_change: bool,
    /// A second factor is enrolled.
    pub two_factor: bool,
}

/// The characters of a one-time code: no 0/O, 1/l/I, so that it reads aloud and types back.
const CODE_CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A one-time code of 16 characters in groups of four ("k7pm-x2qa-…"), ~78 bits.
fn one_time_code() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..4)
        .map(|_| {
            (0..4)
                .map(|_| CODE_CHARS[rng.random_range(0..CODE_CHARS.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

impl Store {
    pub(crate) async fn account<C: sea_orm::ConnectionTrait>(
        c: &C,
        login: &str,
    ) -> Result<user::Model> {
        user::Entity::find()
            .filter(user::Column::Login.eq(login.trim()))
            .filter(user::Column::RemovedAt.is_null())
            .one(c)
            .await?
            .ok_or_else(|| {
                StoreError::NotFound(chitieu_domain::Refusal::unknown(
                    chitieu_domain::Thing::User,
                    login.trim(),
                ))
            })
    }

    /// Every account not removed, by login.
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        let users = user::Entity::find()
            .filter(user::Column::RemovedAt.is_null())
            .order_by_asc(user::Column::Login)
            .all(&self.db)
            .await?;
        self.as_accounts(users).await
    }

    /// The account of `login` (not removed), if any.
    pub async fn find_account(&self, login: &str) -> Result<Option<Account>> {
        let found = match Self::account(&self.db, login).await {
            Ok(u) => vec![u],
            Err(StoreError::NotFound(_)) => Vec::new(),
            Err(e) => return Err(e),
        };
        Ok(self.as_accounts(found).await?.pop())
    }

    async fn as_accounts(&self, users: Vec<user::Model>) -> Result<Vec<Account>> {
        let ids = self.ids_now().await?;
        let mut out = Vec::new();
        for u in users {
            if let Some(unit) = ids.unit_codes.get(&u.unit_id) {
                out.push(Account {
                    role: u.role.parse().map_err(StoreError::Refused)?,
                    login: u.login,
                    display_name: u.display_name,
                    unit: unit.clone(),
                    active: u.active,
                    must_change: u.must_change,
                    two_factor: u.totp_secret.is_some(),
                });
            }
        }
        Ok(out)
    }

    /// Sets `login`'s password (the rules checked); every session of the account ends but
    /// `keep` (the cookie of the person changing their own).
    pub async fn set_password(
        &self,
        login: &str,
        password: &str,
        keep: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        chitieu_domain::password::check(password, login.trim())
            .map_err(|e| StoreError::Refused(chitieu_domain::Refusal::Password(e)))?;
        let hash = hash_password(password)?;
        let txn = self.begin_write().await?;
        let u = Self::account(&txn, login).await?;
        let id = u.id;
        let mut m: user::ActiveModel = u.into();
        m.password_hash = Set(hash);
        m.must_change = Set(false);
        m.update(&txn).await?;
        let mut end = session::Entity::delete_many().filter(session::Column::UserId.eq(id));
        if let Some(k) = keep {
            end = end.filter(session::Column::TokenHash.ne(crate::sessions::hash(k)));
        }
        end.exec(&txn).await?;
        audit(&txn, actor, "users.password", "users", login.trim()).await?;
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(())
    }

    /// Replaces `login`'s password with a one-time code, returned to be shown once: the
    /// account signs in with it and must set a new password first. Its sessions end.
    pub async fn reset_password(&self, login: &str, actor: &str) -> Result<String> {
        let code = one_time_code();
        let hash = hash_password(&code)?;
        let txn = self.begin_write().await?;
        let u = Self::account(&txn, login).await?;
        let id = u.id;
        let mut m: user::ActiveModel = u.into();
        m.password_hash = Set(hash);
        m.must_change = Set(true);
        m.update(&txn).await?;
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(id))
            .exec(&txn)
            .await?;
        audit(&txn, actor, "users.reset", "users", login.trim()).await?;
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(code)
    }

    /// Disables (`active` false) or enables an account; a disabled one's sessions end at
    /// once and it cannot sign in.
    pub async fn set_active(&self, login: &str, active: bool, actor: &str) -> Result<()> {
        let txn = self.begin_write().await?;
        let u = Self::account(&txn, login).await?;
        let id = u.id;
        let mut m: user::ActiveModel = u.into();
        m.active = Set(active);
        m.update(&txn).await?;
        if !active {
            session::Entity::delete_many()
                .filter(session::Column::UserId.eq(id))
                .exec(&txn)
                .await?;
        }
        let what = if active {
            "users.enable"
        } else {
            "users.disable"
        };
        audit(&txn, actor, what, "users", login.trim()).await?;
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(())
    }

    /// Removes an account: it can never sign in again and its login is not given to anyone
    /// else; its row stays, so the history still names who wrote what.
    pub async fn remove_user(&self, login: &str, actor: &str) -> Result<()> {
        let now = self.clock.now();
        let txn = self.begin_write().await?;
        let u = Self::account(&txn, login).await?;
        let id = u.id;
        let mut m: user::ActiveModel = u.into();
        m.active = Set(false);
        m.must_change = Set(false);
        // No hash verifies against an empty string.
        m.password_hash = Set(String::new());
        m.removed_at = Set(Some(now));
        m.update(&txn).await?;
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(id))
            .exec(&txn)
            .await?;
        audit(&txn, actor, "users.remove", "users", login.trim()).await?;
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(())
    }
}
