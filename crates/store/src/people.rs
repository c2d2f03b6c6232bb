//! Heads of units and user accounts.

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use chitieu_domain::head::check_term;
use chitieu_domain::text::{LOGIN_MAX, NAME_MAX, TextKind};
use chitieu_domain::{Head, UnitCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashMap;

use crate::entities::{head, user};
use crate::units::unit_id;
use crate::{Result, Store, StoreError, audit};

pub use chitieu_domain::permission::Role;

pub struct NewUser<'a> {
    pub login: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub unit: &'a UnitCode,
    pub password: &'a str,
    /// Where reminders and notices are mailed, when the server has SMTP.
    pub email: Option<&'a str>,
}

/// An e-mail address as accounts keep it: one `local@domain`, no spaces, at most 254
/// characters; the reason when not.
pub fn check_email(s: &str) -> Result<String> {
    let e = s.trim();
    let ok = e.len() <= 254
        && !e
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
        && e.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty()
                && d.contains('.')
                && !d.starts_with('.')
                && !d.ends_with('.')
                && !d.contains('@')
        });
    if ok {
        Ok(e.to_string())
    } else {
        Err(StoreError::Refused(chitieu_domain::Refusal::malformed(
            chitieu_domain::Field::Email,
            e,
        )))
    }
}

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| StoreError::Broken(format!("không tạo được muối: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Broken(format!("không băm được mật khẩu: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

impl Store {
    /// Adds a term of office; terms of one unit must not overlap.
    pub async fn add_head(&self, h: &Head, actor: &str) -> Result<()> {
        let h = &Head {
            person: crate::clean(
                chitieu_domain::Field::Person,
                &h.person,
                NAME_MAX,
                TextKind::Line,
            )?,
            title: crate::clean(
                chitieu_domain::Field::Office,
                &h.title,
                NAME_MAX,
                TextKind::Line,
            )?,
            ..h.clone()
        };
        if h.person.is_empty() {
            return Err(StoreError::Refused(chitieu_domain::Refusal::Required {
                field: chitieu_domain::Field::Person,
            }));
        }
        let txn = self.begin_write().await?;
        let uid = unit_id(&txn, &h.unit).await?;
        let existing: Vec<Head> = head::Entity::find()
            .filter(head::Column::UnitId.eq(uid))
            .all(&txn)
            .await?
            .into_iter()
            .map(|m| Head {
                unit: h.unit.clone(),
                office: m.office.parse().unwrap_or_default(),
                person: m.person,
                title: m.title,
                term_start: m.term_start,
                term_end: m.term_end,
            })
            .collect();
        check_term(&existing, h).map_err(|e| e.of(chitieu_domain::Thing::Unit, h.unit.as_str()))?;
        head::ActiveModel {
            unit_id: Set(uid),
            person: Set(h.person.clone()),
            title: Set(h.title.clone()),
            term_start: Set(h.term_start),
            term_end: Set(h.term_end),
            office: Set(h.office.as_str().to_string()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit(
            &txn,
            actor,
            "heads.add",
            "heads",
            &format!("{}: {} từ {}", h.unit, h.person, h.term_start),
        )
        .await?;
        // Heads travel with tasks in the servers' snapshots: who answers for what.
        crate::values::bump_counter(&txn, "tasks").await?;
        txn.commit().await?;
        Ok(())
    }

    /// Every term of office, by unit and start date.
    pub async fn heads(&self) -> Result<Vec<Head>> {
        let ids = self.ids_now().await?;
        let code = &ids.unit_codes;
        Ok(head::Entity::find()
            .order_by_asc(head::Column::UnitId)
            .order_by_asc(head::Column::TermStart)
            .all(&self.db)
            .await?
            .into_iter()
            .filter_map(|m| {
                Some(Head {
                    unit: code.get(&m.unit_id)?.clone(),
                    office: m.office.parse().unwrap_or_default(),
                    person: m.person,
                    title: m.title,
                    term_start: m.term_start,
                    term_end: m.term_end,
                })
            })
            .collect())
    }

    /// Adds a user account; the password is stored as an argon2 hash only.
    pub async fn add_user(&self, u: &NewUser<'_>, actor: &str) -> Result<()> {
        let login = &crate::clean(
            chitieu_domain::Field::Login,
            u.login,
            LOGIN_MAX,
            TextKind::Line,
        )?;
        let display_name = crate::clean(
            chitieu_domain::Field::Person,
            u.display_name,
            NAME_MAX,
            TextKind::Line,
        )?;
        let login = login.as_str();
        if login.is_empty() || login.chars().any(char::is_whitespace) {
            return Err(StoreError::Refused(chitieu_domain::Refusal::malformed(
                chitieu_domain::Field::Login,
                login,
            )));
        }
        chitieu_domain::password::check(u.password, login)
            .map_err(|e| StoreError::Refused(chitieu_domain::Refusal::Password(e)))?;
        let email = u
            .email
            .filter(|e| !e.trim().is_empty())
            .map(check_email)
            .transpose()?;
        let txn = self.begin_write().await?;
        if user::Entity::find()
            .filter(user::Column::Login.eq(login))
            .one(&txn)
            .await?
            .is_some()
        {
            return Err(StoreError::Refused(chitieu_domain::Refusal::Duplicate {
                what: chitieu_domain::Thing::User,
                code: login.to_string(),
            }));
        }
        let uid = unit_id(&txn, u.unit).await?;
        user::ActiveModel {
            login: Set(login.to_string()),
            display_name: Set(display_name),
            role: Set(u.role.as_str().to_string()),
            unit_id: Set(uid),
            password_hash: Set(hash_password(u.password)?),
            active: Set(true),
            created_at: Set(self.clock.now()),
            email: Set(email),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        // Never the password, nor its hash.
        audit(
            &txn,
            actor,
            "users.add",
            "users",
            &format!("{login} ({}, {})", u.role.as_str(), u.unit),
        )
        .await?;
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(())
    }

    /// The user's role and unit when the password is right.
    pub async fn check_login(
        &self,
        login: &str,
        password: &str,
    ) -> Result<Option<(Role, UnitCode)>> {
        let Some(m) = user::Entity::find()
            .filter(user::Column::Login.eq(login.trim()))
            .filter(user::Column::Active.eq(true))
            .one(&self.db)
            .await?
        else {
            // Spend the same effort as a real check, so timing does not reveal logins.
            let _ = verify_password(
                password,
                "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$yHnXUjQJ6vGPQyVXQqM3hNHRTyr3A3d+bhs1u5/3s2Y",
            );
            return Ok(None);
        };
        if !verify_password(password, &m.password_hash) {
            return Ok(None);
        }
        let unit = crate::units::unit_code(&self.db, m.unit_id).await?;
        Ok(Some((m.role.parse().map_err(StoreError::Refused)?, unit)))
    }

    /// Every account: login, role and unit.
    /// The names people go by, for the logins given: progress and history say who, not
    /// which login.
    pub async fn display_names(&self, logins: &[String]) -> Result<HashMap<String, String>> {
        if logins.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(user::Entity::find()
            .filter(user::Column::Login.is_in(logins.iter().take(1000).cloned()))
            .all(&self.db)
            .await?
            .into_iter()
            .filter(|u| !u.display_name.trim().is_empty() && u.display_name != u.login)
            // A removed account stays named in the history, as a former one.
            .map(|u| match u.removed_at {
                Some(_) => (u.login, format!("{} (tài khoản đã xóa)", u.display_name)),
                None => (u.login, u.display_name),
            })
            .collect())
    }

    /// Every account not removed: login, role and unit.
    pub async fn users(&self) -> Result<Vec<(String, Role, UnitCode)>> {
        Ok(self
            .accounts()
            .await?
            .into_iter()
            .map(|a| (a.login, a.role, a.unit))
            .collect())
    }

    pub async fn user_logins(&self) -> Result<Vec<String>> {
        Ok(user::Entity::find()
            .order_by_asc(user::Column::Login)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|u| u.login)
            .collect())
    }
}
