//! Sign-in sessions. The cookie carries a random token; only its SHA-256 is stored, so a
//! copy of the database does not let anyone sign in.

use chitieu_domain::UnitCode;
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest, Sha256};

use crate::entities::{api_token, session, unit, user};
use crate::people::Role;
use crate::two_factor::{Client, Outcome, SignIn};
use crate::units::unit_id;
use crate::{Result, Store, StoreError, audit};

/// Who is signed in: the domain's principal.
pub use chitieu_domain::Actor;

pub(crate) fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// How long a session lasts without signing in again.
pub const SESSION_HOURS: i64 = 12;

impl Store {
    /// Checks the password; opens a session, or, for an account with a second factor on a
    /// browser not remembered for it, a session that waits for the code. Every attempt is
    /// in the sign-in log.
    pub async fn sign_in(&self, login: &str, password: &str, client: &Client) -> Result<SignIn> {
        let now = self.clock.now();
        let login = login.trim();
        if self.check_login(login, password).await?.is_none() {
            let id = user::Entity::find()
                .filter(user::Column::Login.eq(login))
                .one(&self.db)
                .await?
                .map(|u| u.id);
            Self::log_sign_in(&self.db, now, login, id, client, Outcome::BadPassword).await?;
            return Ok(SignIn::Refused);
        }
        let u = user::Entity::find()
            .filter(user::Column::Login.eq(login))
            .one(&self.db)
            .await?
            .ok_or_else(|| {
                StoreError::NotFound(chitieu_domain::Refusal::unknown(
                    chitieu_domain::Thing::User,
                    "",
                ))
            })?;
        let waits =
            u.totp_secret.is_some() && !self.remembered(u.id, client.device.as_deref()).await?;
        let txn = self.begin_write().await?;
        let stage = if waits { "code" } else { "full" };
        let token = Self::open_session(&txn, now, u.id, stage, client).await?;
        if waits {
            Self::log_sign_in(&txn, now, &u.login, Some(u.id), client, Outcome::CodeDue).await?;
        } else {
            Self::log_sign_in(&txn, now, &u.login, Some(u.id), client, Outcome::Ok).await?;
            audit(&txn, &u.login, "session.open", "sessions", "đăng nhập").await?;
        }
        txn.commit().await?;
        Ok(if waits {
            SignIn::Code(token)
        } else {
            SignIn::Open(token)
        })
    }

    /// The signed-in user of a cookie token, if the session is alive: one indexed query
    /// (session, user and unit joined), whatever the number of units.
    pub async fn session_user(&self, token: &str) -> Result<Option<Actor>> {
        #[derive(FromQueryResult)]
        struct Row {
            expires_at: chrono::DateTime<Utc>,
            csrf: String,
            id: i32,
            login: String,
            display_name: String,
            role: String,
            active: bool,
            must_change: bool,
            code: String,
            unread: i64,
            enrolled: bool,
            required: Option<String>,
        }
        let h = hash(token);
        let q = Query::select()
            .column((session::Entity, session::Column::ExpiresAt))
            .column((session::Entity, session::Column::Csrf))
            .column((user::Entity, user::Column::Id))
            .column((user::Entity, user::Column::Login))
            .column((user::Entity, user::Column::DisplayName))
            .column((user::Entity, user::Column::Role))
            .column((user::Entity, user::Column::Active))
            .column((user::Entity, user::Column::MustChange))
            .column((unit::Entity, unit::Column::Code))
            .expr_as(
                Expr::cust(
                    "(SELECT COUNT(*) FROM notices WHERE notices.user_id = users.id \
                     AND notices.read_at IS NULL)",
                ),
                "unread",
            )
            .expr_as(Expr::cust("(users.totp_secret IS NOT NULL)"), "enrolled")
            .expr_as(
                Expr::cust("(SELECT two_factor_roles FROM plans ORDER BY id LIMIT 1)"),
                "required",
            )
            .from(session::Entity)
            .inner_join(
                user::Entity,
                Expr::col((user::Entity, user::Column::Id))
                    .equals((session::Entity, session::Column::UserId)),
            )
            .inner_join(
                unit::Entity,
                Expr::col((unit::Entity, unit::Column::Id))
                    .equals((user::Entity, user::Column::UnitId)),
            )
            .and_where(Expr::col((session::Entity, session::Column::TokenHash)).eq(h.clone()))
            // A session still waiting for its second factor is not signed in.
            .and_where(Expr::col((session::Entity, session::Column::Stage)).eq("full"))
            .to_owned();
        let backend = self.db.get_database_backend();
        let Some(r) = Row::find_by_statement(backend.build(&q))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        if r.expires_at < self.clock.now() {
            session::Entity::delete_by_id(h).exec(&self.db).await?;
            return Ok(None);
        }
        if !r.active {
            return Ok(None);
        }
        let role: Role = r.role.parse().map_err(StoreError::Refused)?;
        let required = r
            .required
            .as_deref()
            .unwrap_or("admin,secretariat")
            .split(',')
            .any(|x| x.trim() == role.as_str());
        Ok(Some(Actor {
            user_id: r.id,
            login: r.login,
            display_name: r.display_name,
            role,
            unit: UnitCode::parse(&r.code).map_err(StoreError::Refused)?,
            csrf: r.csrf,
            unread: u32::try_from(r.unread).unwrap_or(u32::MAX),
            must_change: r.must_change,
            must_enrol: required && !r.enrolled,
        }))
    }

    pub async fn sign_out(&self, token: &str) -> Result<()> {
        session::Entity::delete_by_id(hash(token))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

impl Store {
    /// Creates a bearer token for a machine client; returns it once, stores only its hash.
    pub async fn create_token(
        &self,
        name: &str,
        role: Role,
        unit: &UnitCode,
        actor: &str,
    ) -> Result<String> {
        let name = &crate::clean(
            chitieu_domain::Field::TokenName,
            name,
            chitieu_domain::text::LOGIN_MAX,
            chitieu_domain::text::TextKind::Line,
        )?;
        let name = name.as_str();
        if name.is_empty() {
            return Err(StoreError::Refused(chitieu_domain::Refusal::Required {
                field: chitieu_domain::Field::TokenName,
            }));
        }
        if api_token::Entity::find()
            .filter(api_token::Column::Name.eq(name))
            .one(&self.db)
            .await?
            .is_some()
        {
            return Err(StoreError::Refused(chitieu_domain::Refusal::Duplicate {
                what: chitieu_domain::Thing::Token,
                code: name.to_string(),
            }));
        }
        let token = format!("ct_{}", random_token());
        // The token, its audit line and the records counter (the administration page lists
        // tokens) together.
        let txn = self.begin_write().await?;
        let unit_id = unit_id(&txn, unit).await?;
        api_token::ActiveModel {
            token_hash: Set(hash(&token)),
            name: Set(name.to_string()),
            role: Set(role.as_str().to_string()),
            unit_id: Set(unit_id),
            created_by: Set(actor.to_string()),
            created_at: Set(self.clock.now()),
            revoked: Set(false),
        }
        .insert(&txn)
        .await?;
        audit(
            &txn,
            actor,
            "tokens.add",
            "api_tokens",
            &format!("{name} ({}, {unit})", role.as_str()),
        )
        .await?;
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(token)
    }

    /// The client behind a bearer token, scoped like a user; `csrf` is empty (no cookies).
    /// One indexed query (token and unit joined); a revoked token is refused at once.
    pub async fn token_user(&self, token: &str) -> Result<Option<Actor>> {
        #[derive(FromQueryResult)]
        struct Row {
            name: String,
            role: String,
            revoked: bool,
            code: String,
            creator_active: Option<bool>,
        }
        let q = Query::select()
            .column((api_token::Entity, api_token::Column::Name))
            .column((api_token::Entity, api_token::Column::Role))
            .column((api_token::Entity, api_token::Column::Revoked))
            .column((unit::Entity, unit::Column::Code))
            .expr_as(
                Expr::col((user::Entity, user::Column::Active)),
                "creator_active",
            )
            .from(api_token::Entity)
            .inner_join(
                unit::Entity,
                Expr::col((unit::Entity, unit::Column::Id))
                    .equals((api_token::Entity, api_token::Column::UnitId)),
            )
            // A token made on the command line has no account behind it.
            .left_join(
                user::Entity,
                Expr::col((user::Entity, user::Column::Login))
                    .equals((api_token::Entity, api_token::Column::CreatedBy)),
            )
            .and_where(Expr::col((api_token::Entity, api_token::Column::TokenHash)).eq(hash(token)))
            .to_owned();
        let backend = self.db.get_database_backend();
        let Some(t) = Row::find_by_statement(backend.build(&q))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        // A token stops while the account that made it is disabled (for good once removed).
        if t.revoked || t.creator_active == Some(false) {
            return Ok(None);
        }
        Ok(Some(Actor {
            user_id: 0,
            login: format!("token:{}", t.name),
            display_name: t.name,
            role: t.role.parse().map_err(StoreError::Refused)?,
            unit: UnitCode::parse(&t.code).map_err(StoreError::Refused)?,
            csrf: String::new(),
            unread: 0,
            must_change: false,
            must_enrol: false,
        }))
    }

    /// Every token, without its secret: name, role, unit, who made it, when, and whether it
    /// was revoked.
    pub async fn tokens(&self) -> Result<Vec<TokenInfo>> {
        let ids = self.ids_now().await?;
        let code = &ids.unit_codes;
        let mut out = Vec::new();
        for t in api_token::Entity::find()
            .order_by_asc(api_token::Column::Name)
            .all(&self.db)
            .await?
        {
            let Some(unit) = code.get(&t.unit_id) else {
                continue;
            };
            out.push(TokenInfo {
                name: t.name,
                role: t.role.parse().map_err(StoreError::Refused)?,
                unit: unit.clone(),
                created_by: t.created_by,
                created_at: t.created_at,
                revoked: t.revoked,
            });
        }
        Ok(out)
    }

    /// Revokes a token by name: it stops working at once, everywhere (each request reads
    /// it from the database). Revoking a revoked token changes nothing.
    pub async fn revoke_token(&self, name: &str, actor: &str) -> Result<()> {
        let txn = self.begin_write().await?;
        let t = api_token::Entity::find()
            .filter(api_token::Column::Name.eq(name.trim()))
            .one(&txn)
            .await?
            .ok_or_else(|| {
                StoreError::NotFound(chitieu_domain::Refusal::unknown(
                    chitieu_domain::Thing::Token,
                    name.trim(),
                ))
            })?;
        if !t.revoked {
            let name = t.name.clone();
            let mut am: api_token::ActiveModel = t.into();
            am.revoked = Set(true);
            am.update(&txn).await?;
            audit(&txn, actor, "tokens.revoke", "api_tokens", &name).await?;
        }
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(())
    }
}

/// A bearer token as administrators see it: never the token itself.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TokenInfo {
    pub name: String,
    pub role: Role,
    pub unit: UnitCode,
    pub created_by: String,
    pub created_at: chrono::DateTime<Utc>,
    pub revoked: bool,
}
