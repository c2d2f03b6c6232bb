//! Two-step sign-in (TOTP, RFC 6238): a person enrols an authenticator app with a secret
//! shown as a QR code and confirms it with a first code; recovery codes stand in for a lost
//! phone, each once. After the password, an enrolled account's session waits for the code
//! (stage "code") unless the browser is a device remembered for it. Which roles must enrol
//! and how long a device is remembered are the plan's, chosen by its administrators.
//!
//! Codes are checked against the system's clock, never a rehearsal's shifted one: the phone
//! keeps real time. A code is good once (the last accepted time step is kept).

use chrono::{Duration, Utc};
use rand::Rng;
use sea_orm::sea_query::Query;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use totp_rs::{Builder, Secret, Totp};

use crate::entities::{recovery_code, session, trusted_device, user};
use crate::people::Role;
use crate::sessions::{hash, random_token};
use crate::{Result, Store, StoreError, audit};
use chitieu_domain::Refusal;
use chitieu_domain::password::PasswordError;

/// How long a session waits for its second factor.
pub const PENDING_MINUTES: i64 = 10;
/// Wrong codes a waiting session takes before the password must be typed again.
pub const MAX_CODE_FAILURES: i32 = 5;
/// Recovery codes given at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// The longest a device may be remembered, in days.
pub const MAX_REMEMBER_DAYS: u32 = 365;

/// Who must use a second factor, and for how long a browser that gave one is remembered
/// (0: never).
#[derive(Debug, Clone, PartialEq)]
pub struct TwoFactorPolicy {
    pub roles: Vec<Role>,
    pub remember_days: u32,
}

impl Default for TwoFactorPolicy {
    fn default() -> Self {
        TwoFactorPolicy {
            roles: vec![Role::Admin, Role::Secretariat],
            remember_days: 30,
        }
    }
}

impl TwoFactorPolicy {
    pub fn requires(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// The browser asking: where from, which, and the remembered-device cookie it holds.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub addr: Option<String>,
    pub agent: Option<String>,
    pub device: Option<String>,
}

/// What a password opened.
#[derive(Debug, Clone, PartialEq)]
pub enum SignIn {
    Refused,
    /// A session: its cookie token.
    Open(String),
    /// The password was right; the second factor is awaited on this token.
    Code(String),
}

/// What a second factor opened.
#[derive(Debug, Clone, PartialEq)]
pub enum SecondFactor {
    /// The session's token, and a remembered device's when one was asked for.
    Open {
        token: String,
        device: Option<String>,
    },
    /// Wrong; this many tries are left before the password is asked again.
    Wrong { left: u32 },
    /// No session waits on this token (expired, or too many wrong codes).
    Expired,
}

/// A secret to enrol, as the app takes it: typed (base32) or scanned (`otpauth://` URL).
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub secret: String,
    pub url: String,
}

/// How a sign-in ended, as the administrators' log says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Outcome {
    /// Signed in (password, and the second factor where one was due).
    Ok,
    /// Signed in with a recovery code in place of the app's code.
    OkRecovery,
    /// The password was right; the second factor is awaited.
    CodeDue,
    BadPassword,
    BadCode,
    /// Refused unchecked: too many failures.
    Throttled,
}

fn totp(secret: &str, login: &str) -> Result<Totp> {
    // 160 bits are 32 characters of base32; a form may send anything.
    if secret.len() > 64 {
        return Err(StoreError::Refused(Refusal::Password(
            PasswordError::WrongCode,
        )));
    }
    let bytes = Secret::try_from_base32(secret)
        .map_err(|_| StoreError::Refused(Refusal::Password(PasswordError::WrongCode)))?;
    Builder::new()
        .with_secret(bytes.to_vec())
        // The app lists the account by this name; ':' separates issuer and name in the URL.
        .with_account_name(login.replace(':', "."))
        .with_issuer(Some("chitieu"))
        .build()
        .map_err(|_| StoreError::Refused(Refusal::Password(PasswordError::WrongCode)))
}

/// A new secret of 160 bits (RFC 4226's recommendation) for `login`.
pub fn new_enrolment(login: &str) -> Result<Enrolment> {
    let secret = Secret::from(rand::random::<[u8; 20]>().to_vec()).to_base32();
    let url = enrolment_url(login, &secret)?;
    Ok(Enrolment { secret, url })
}

/// The `otpauth://` URL of `secret` for `login`.
pub fn enrolment_url(login: &str, secret: &str) -> Result<String> {
    totp(secret, login)?
        .to_url()
        .map_err(|_| StoreError::Refused(Refusal::Password(PasswordError::WrongCode)))
}

fn system_seconds() -> u64 {
    u64::try_from(Utc::now().timestamp()).unwrap_or(0)
}

/// The time step `code` is good for now, if any (spaces ignored).
fn code_step(secret: &str, login: &str, code: &str) -> Result<Option<i64>> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 {
        return Ok(None);
    }
    Ok(totp(secret, login)?
        .check(&code, system_seconds())
        .and_then(|s| i64::try_from(s).ok()))
}

/// A recovery code as stored: lower case, without spaces or dashes.
fn recovery_key(code: &str) -> String {
    hash(
        &code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase(),
    )
}

fn new_recovery_code() -> String {
    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let part = |rng: &mut rand::rngs::ThreadRng| {
        (0..5)
            .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
            .collect::<String>()
    };
    format!("{}-{}", part(&mut rng), part(&mut rng))
}

fn wrong_code() -> StoreError {
    StoreError::Refused(Refusal::Password(PasswordError::WrongCode))
}

impl Store {
    /// The plan's two-step policy (the default when no plan is loaded).
    pub async fn two_factor_policy(&self) -> Result<TwoFactorPolicy> {
        let q = Query::select()
            .columns(["two_factor_roles", "remember_device_days"])
            .from("plans")
            .order_by("id", sea_orm::Order::Asc)
            .limit(1)
            .to_owned();
        let backend = self.db.get_database_backend();
        let Some(row) = self.db.query_one_raw(backend.build(&q)).await? else {
            return Ok(TwoFactorPolicy::default());
        };
        let roles: String = row.try_get("", "two_factor_roles")?;
        let days: i32 = row.try_get("", "remember_device_days")?;
        Ok(TwoFactorPolicy {
            roles: roles
                .split(',')
                .filter_map(|r| r.trim().parse().ok())
                .collect(),
            remember_days: u32::try_from(days).unwrap_or(0),
        })
    }

    /// Sets the two-step policy; it applies at each account's next page.
    pub async fn set_two_factor_policy(&self, p: &TwoFactorPolicy, actor: &str) -> Result<()> {
        if p.remember_days > MAX_REMEMBER_DAYS {
            return Err(StoreError::Refused(Refusal::OutOfRange {
                field: chitieu_domain::Field::RememberDays,
                value: p.remember_days.to_string(),
                min: "0".into(),
                max: MAX_REMEMBER_DAYS.to_string(),
            }));
        }
        let roles = p
            .roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",");
        let txn = self.begin_write().await?;
        let q = Query::update()
            .table("plans")
            .value("two_factor_roles", roles.clone())
            .value("remember_device_days", p.remember_days as i32)
            .to_owned();
        txn.execute(&q).await?;
        audit(
            &txn,
            actor,
            "security.two_factor",
            "plans",
            &format!("{roles}; {} ngày", p.remember_days),
        )
        .await?;
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(())
    }

    /// Whether `login` has a second factor enrolled, and how many recovery codes are unused.
    pub async fn two_factor_state(&self, user_id: i32) -> Result<(bool, usize)> {
        let Some(u) = user::Entity::find_by_id(user_id).one(&self.db).await? else {
            return Ok((false, 0));
        };
        use sea_orm::PaginatorTrait;
        let left = recovery_code::Entity::find()
            .filter(recovery_code::Column::UserId.eq(user_id))
            .filter(recovery_code::Column::UsedAt.is_null())
            .count(&self.db)
            .await?;
        Ok((u.totp_secret.is_some(), left as usize))
    }

    /// Turns the second factor on for `login` once `code` shows the app holds `secret`;
    /// returns the recovery codes, to show once.
    pub async fn enable_two_factor(
        &self,
        login: &str,
        secret: &str,
        code: &str,
    ) -> Result<Vec<String>> {
        let step = code_step(secret, login, code)?.ok_or_else(wrong_code)?;
        let txn = self.begin_write().await?;
        let u = Self::account(&txn, login).await?;
        let id = u.id;
        let mut m: user::ActiveModel = u.into();
        m.totp_secret = Set(Some(secret.to_string()));
        m.totp_step = Set(Some(step));
        m.update(&txn).await?;
        let codes = Self::replace_recovery_codes(&txn, id).await?;
        // A device remembered before is not remembered for the new secret.
        trusted_device::Entity::delete_many()
            .filter(trusted_device::Column::UserId.eq(id))
            .exec(&txn)
            .await?;
        audit(&txn, login, "users.two_factor_on", "users", login.trim()).await?;
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(codes)
    }

    /// New recovery codes for an enrolled account; the old ones stop working.
    pub async fn new_recovery_codes(&self, login: &str) -> Result<Vec<String>> {
        let txn = self.begin_write().await?;
        let u = Self::account(&txn, login).await?;
        if u.totp_secret.is_none() {
            return Err(wrong_code());
        }
        let codes = Self::replace_recovery_codes(&txn, u.id).await?;
        audit(&txn, login, "users.recovery_codes", "users", login.trim()).await?;
        txn.commit().await?;
        Ok(codes)
    }

    async fn replace_recovery_codes<C: ConnectionTrait>(
        c: &C,
        user_id: i32,
    ) -> Result<Vec<String>> {
        recovery_code::Entity::delete_many()
            .filter(recovery_code::Column::UserId.eq(user_id))
            .exec(c)
            .await?;
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
        for code in &codes {
            recovery_code::ActiveModel {
                user_id: Set(user_id),
                code_hash: Set(recovery_key(code)),
                used_at: Set(None),
                ..Default::default()
            }
            .insert(c)
            .await?;
        }
        Ok(codes)
    }

    /// Turns `login`'s second factor off: by its owner (refused when the role requires
    /// one), or by an administrator or the command line for a lost phone (`force`). Its
    /// remembered devices are forgotten and its other sessions end.
    pub async fn disable_two_factor(&self, login: &str, force: bool, actor: &str) -> Result<()> {
        let policy = self.two_factor_policy().await?;
        let txn = self.begin_write().await?;
        let u = Self::account(&txn, login).await?;
        let role: Role = u.role.parse().map_err(StoreError::Refused)?;
        if !force && policy.requires(role) {
            return Err(StoreError::Refused(Refusal::Password(
                PasswordError::SecondFactorRequired,
            )));
        }
        let id = u.id;
        let mut m: user::ActiveModel = u.into();
        m.totp_secret = Set(None);
        m.totp_step = Set(None);
        m.update(&txn).await?;
        recovery_code::Entity::delete_many()
            .filter(recovery_code::Column::UserId.eq(id))
            .exec(&txn)
            .await?;
        trusted_device::Entity::delete_many()
            .filter(trusted_device::Column::UserId.eq(id))
            .exec(&txn)
            .await?;
        if force {
            session::Entity::delete_many()
                .filter(session::Column::UserId.eq(id))
                .exec(&txn)
                .await?;
        }
        audit(&txn, actor, "users.two_factor_off", "users", login.trim()).await?;
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(())
    }

    /// Whether `device` (a remembered-device cookie) is remembered for `user_id` now.
    pub(crate) async fn remembered(&self, user_id: i32, device: Option<&str>) -> Result<bool> {
        let Some(device) = device else {
            return Ok(false);
        };
        Ok(trusted_device::Entity::find_by_id(hash(device))
            .one(&self.db)
            .await?
            .is_some_and(|d| d.user_id == user_id && d.expires_at > Utc::now()))
    }

    /// The login a session waiting for its second factor belongs to (for the throttle).
    pub async fn waiting_login(&self, token: &str) -> Result<Option<String>> {
        let Some(s) = session::Entity::find_by_id(hash(token))
            .filter(session::Column::Stage.eq("code"))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        Ok(user::Entity::find_by_id(s.user_id)
            .one(&self.db)
            .await?
            .map(|u| u.login))
    }

    /// Checks the second factor of the session waiting on `token`: the app's code or a
    /// recovery code. Right: the waiting session gives way to a full one (a new token) and,
    /// with `remember`, a remembered-device token. Wrong: counted; the fifth ends the wait.
    pub async fn second_factor(
        &self,
        token: &str,
        code: &str,
        remember: bool,
        client: &Client,
    ) -> Result<SecondFactor> {
        let now = self.clock.now();
        // Read before the write begins: nothing else is read beside the transaction.
        let policy_days = self.two_factor_policy().await?.remember_days;
        let txn = self.begin_write().await?;
        let Some(waiting) = session::Entity::find_by_id(hash(token))
            .filter(session::Column::Stage.eq("code"))
            .one(&txn)
            .await?
        else {
            return Ok(SecondFactor::Expired);
        };
        if waiting.expires_at < now {
            session::Entity::delete_by_id(waiting.token_hash)
                .exec(&txn)
                .await?;
            txn.commit().await?;
            return Ok(SecondFactor::Expired);
        }
        // Disabled or removed while the code was awaited: nothing opens.
        let Some(u) = user::Entity::find_by_id(waiting.user_id)
            .one(&txn)
            .await?
            .filter(|u| u.active && u.removed_at.is_none())
        else {
            return Ok(SecondFactor::Expired);
        };
        let secret = u.totp_secret.clone().unwrap_or_default();
        let step = match code_step(&secret, &u.login, code)? {
            Some(s) if u.totp_step.is_none_or(|last| s > last) => Some(s),
            _ => None,
        };
        let recovery = if step.is_none() {
            recovery_code::Entity::find()
                .filter(recovery_code::Column::UserId.eq(u.id))
                .filter(recovery_code::Column::CodeHash.eq(recovery_key(code)))
                .filter(recovery_code::Column::UsedAt.is_null())
                .one(&txn)
                .await?
        } else {
            None
        };
        if step.is_none() && recovery.is_none() {
            let failures = waiting.code_failures + 1;
            let left = u32::try_from(MAX_CODE_FAILURES - failures).unwrap_or(0);
            if left == 0 {
                session::Entity::delete_by_id(waiting.token_hash)
                    .exec(&txn)
                    .await?;
            } else {
                let mut m: session::ActiveModel = waiting.into();
                m.code_failures = Set(failures);
                m.update(&txn).await?;
            }
            Self::log_sign_in(&txn, now, &u.login, Some(u.id), client, Outcome::BadCode).await?;
            txn.commit().await?;
            return Ok(if left == 0 {
                SecondFactor::Expired
            } else {
                SecondFactor::Wrong { left }
            });
        }
        let outcome = match recovery {
            Some(r) => {
                let mut m: recovery_code::ActiveModel = r.into();
                m.used_at = Set(Some(now));
                m.update(&txn).await?;
                Outcome::OkRecovery
            }
            None => {
                let mut m: user::ActiveModel = u.clone().into();
                m.totp_step = Set(step);
                m.update(&txn).await?;
                Outcome::Ok
            }
        };
        session::Entity::delete_by_id(waiting.token_hash)
            .exec(&txn)
            .await?;
        let token = Self::open_session(&txn, now, u.id, "full", client).await?;
        let device = if remember && policy_days > 0 {
            // The account's devices remembered no longer go.
            trusted_device::Entity::delete_many()
                .filter(trusted_device::Column::UserId.eq(u.id))
                .filter(trusted_device::Column::ExpiresAt.lt(Utc::now()))
                .exec(&txn)
                .await?;
            let d = random_token();
            trusted_device::ActiveModel {
                token_hash: Set(hash(&d)),
                user_id: Set(u.id),
                created_at: Set(now),
                // Real days: the cookie's age is counted by the browser's clock.
                expires_at: Set(Utc::now() + Duration::days(i64::from(policy_days))),
            }
            .insert(&txn)
            .await?;
            Some(d)
        } else {
            None
        };
        Self::log_sign_in(&txn, now, &u.login, Some(u.id), client, outcome).await?;
        audit(&txn, &u.login, "session.open", "sessions", "đăng nhập").await?;
        txn.commit().await?;
        Ok(SecondFactor::Open { token, device })
    }

    /// Opens a session at `stage` for `user_id`; returns its cookie token.
    pub(crate) async fn open_session<C: ConnectionTrait>(
        c: &C,
        now: chrono::DateTime<Utc>,
        user_id: i32,
        stage: &str,
        client: &Client,
    ) -> Result<String> {
        let token = random_token();
        let lasts = if stage == "full" {
            Duration::hours(crate::SESSION_HOURS)
        } else {
            Duration::minutes(PENDING_MINUTES)
        };
        session::ActiveModel {
            token_hash: Set(hash(&token)),
            user_id: Set(user_id),
            csrf: Set(random_token()),
            created_at: Set(now),
            expires_at: Set(now + lasts),
            stage: Set(stage.to_string()),
            code_failures: Set(0),
            addr: Set(client.addr.clone()),
            agent: Set(client.agent.as_deref().map(short_agent)),
        }
        .insert(c)
        .await?;
        Ok(token)
    }
}

/// A browser's self-description, bounded: it is the client's to say, and only shown.
pub(crate) fn short_agent(agent: &str) -> String {
    agent
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_good_for_its_step_and_a_recovery_code_reads_back_loosely() {
        let e = new_enrolment("admin").unwrap();
        assert!(
            e.url.starts_with("otpauth://totp/chitieu:admin?"),
            "{}",
            e.url
        );
        let t = totp(&e.secret, "admin").unwrap();
        let now = system_seconds();
        let code = t.generate(now).to_string();
        assert!(code_step(&e.secret, "admin", &code).unwrap().is_some());
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(code_step(&e.secret, "admin", &spaced).unwrap().is_some());
        let near: Vec<String> = [now - 30, now, now + 30]
            .iter()
            .map(|at| t.generate(*at).to_string())
            .collect();
        let wrong = (0..)
            .map(|n: u32| format!("{n:06}"))
            .find(|c| !near.contains(c))
            .unwrap();
        assert!(code_step(&e.secret, "admin", &wrong).unwrap().is_none());
        assert_eq!(recovery_key("ABCDE-fghjk"), recovery_key("abcde fghjk"));
    }
}
