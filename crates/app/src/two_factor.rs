//! Two-step sign-in from the pages: a person enrols an authenticator app, turns it off when
//! their role allows, and renews recovery codes; sees their open sessions and ends any; the
//! plan's administrators choose which roles must use it and read the sign-in log.

use chitieu_domain::Actor;
use chitieu_domain::password::PasswordError;
use chitieu_domain::permission::{Action, in_scope, may_administer, role_allows};
use chitieu_store::{Enrolment, OpenSession, SignInEntry, TwoFactorPolicy};

use crate::App;
use crate::actions::ActionError;

/// How long a sign-in waits for its second factor, in minutes.
pub const WAIT_MINUTES: i64 = chitieu_store::PENDING_MINUTES;

pub use chitieu_store::MAX_REMEMBER_DAYS;

/// How much of the sign-in log one page shows.
pub const LOG_PAGE: u64 = 100;

fn wrong_password() -> ActionError {
    ActionError::Refused(chitieu_domain::Refusal::Password(
        PasswordError::WrongCurrent,
    ))
}

/// Whether `me` administers the whole plan (its owner within their scope): who sets the
/// policy and reads sign-ins of logins that name no account.
fn administers_plan(s: &App, me: &Actor) -> bool {
    let snap = s.live.snapshot();
    snap.plan
        .as_ref()
        .is_some_and(|p| may_administer(&snap.units, me.role, &me.unit, &p.plan.owner))
}

/// A fresh secret for `me` to scan; nothing is stored until a code confirms it.
pub fn enrolment(me: &Actor) -> Result<Enrolment, ActionError> {
    Ok(chitieu_store::new_enrolment(&me.login)?)
}

/// The `otpauth://` URL of a secret already shown to `me` (to show it again).
pub fn enrolment_url(me: &Actor, secret: &str) -> Option<String> {
    chitieu_store::enrolment_url(&me.login, secret).ok()
}

/// Turns `me`'s second factor on with a code from the app: the recovery codes, to show once.
/// An account that has one already replaces it (a new phone) only with its password too: a
/// session left open must not be enough to move the second factor elsewhere.
pub async fn enable(
    s: &App,
    me: &Actor,
    secret: &str,
    code: &str,
    password: &str,
) -> Result<Vec<String>, ActionError> {
    let (enrolled, _) = state(s, me).await?;
    if enrolled && s.store.check_login(&me.login, password).await?.is_none() {
        return Err(wrong_password());
    }
    let codes = s.store.enable_two_factor(&me.login, secret, code).await?;
    s.live.sync().await?;
    Ok(codes)
}

/// Turns `me`'s second factor off (their password first), unless their role requires it.
pub async fn disable_own(s: &App, me: &Actor, password: &str) -> Result<(), ActionError> {
    if s.store.check_login(&me.login, password).await?.is_none() {
        return Err(wrong_password());
    }
    s.store
        .disable_two_factor(&me.login, false, &me.login)
        .await?;
    Ok(s.live.sync().await?)
}

/// New recovery codes for `me` (their password first).
pub async fn new_recovery_codes(
    s: &App,
    me: &Actor,
    password: &str,
) -> Result<Vec<String>, ActionError> {
    if s.store.check_login(&me.login, password).await?.is_none() {
        return Err(wrong_password());
    }
    Ok(s.store.new_recovery_codes(&me.login).await?)
}

/// Whether `me` has a second factor, and how many recovery codes are left.
pub async fn state(s: &App, me: &Actor) -> Result<(bool, usize), ActionError> {
    Ok(s.store.two_factor_state(me.user_id).await?)
}

/// An administrator in scope turns another's second factor off (a lost phone): the person
/// signs in with the password and, where the role requires it, enrols again.
pub async fn reset_for(s: &App, me: &Actor, login: &str) -> Result<(), ActionError> {
    let a = crate::accounts::managed(s, me, login).await?;
    s.store
        .disable_two_factor(&a.login, true, &me.login)
        .await?;
    Ok(s.live.sync().await?)
}

pub async fn policy(s: &App) -> Result<TwoFactorPolicy, ActionError> {
    Ok(s.store.two_factor_policy().await?)
}

/// Sets which roles must use a second factor and how long a device is remembered: the
/// plan's administrators only.
pub async fn set_policy(s: &App, me: &Actor, p: &TwoFactorPolicy) -> Result<(), ActionError> {
    if !administers_plan(s, me) {
        return Err(ActionError::Forbidden);
    }
    s.store.set_two_factor_policy(p, &me.login).await?;
    Ok(s.live.sync().await?)
}

/// `me`'s open sessions; `sid` is the asking one.
pub async fn sessions(s: &App, me: &Actor, sid: &str) -> Result<Vec<OpenSession>, ActionError> {
    Ok(s.store.open_sessions(me.user_id, sid).await?)
}

/// Ends one of `me`'s own sessions.
pub async fn end_session(s: &App, me: &Actor, id: &str) -> Result<bool, ActionError> {
    Ok(s.store.end_session(me.user_id, id, &me.login).await?)
}

/// A page of the sign-in log as `me` may read it: accounts within their scope, and logins
/// that name no account for the plan's administrators. Older than `before` when given.
pub async fn sign_ins(
    s: &App,
    me: &Actor,
    login: Option<&str>,
    before: Option<i32>,
) -> Result<Vec<SignInEntry>, ActionError> {
    if !role_allows(me.role, Action::Administer) {
        return Err(ActionError::Forbidden);
    }
    let whole = administers_plan(s, me);
    let snap = s.live.snapshot();
    // Filtered after reading: read more than a page so that a narrow scope still fills one.
    let mut out = Vec::new();
    let mut cursor = before;
    for _ in 0..20 {
        let rows = s.store.sign_ins(login, cursor, LOG_PAGE * 4).await?;
        let Some(last) = rows.last() else { break };
        cursor = Some(last.id);
        let more = rows.len() as u64 == LOG_PAGE * 4;
        out.extend(rows.into_iter().filter(|e| match &e.unit {
            Some(u) => in_scope(&snap.units, &me.unit, u),
            None => whole,
        }));
        if out.len() as u64 >= LOG_PAGE || !more {
            break;
        }
    }
    out.truncate(LOG_PAGE as usize);
    Ok(out)
}
