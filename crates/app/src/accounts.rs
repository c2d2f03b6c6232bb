//! Accounts over their life, from the pages: a person changes their own password; an
//! administrator resets another's (a one-time code) and disables or enables an account, each
//! only within their scope and never above their own role.

use chitieu_domain::Actor;
use chitieu_domain::password::PasswordError;
use chitieu_domain::permission::{Action, may_administer, may_grant_role, role_allows};
use chitieu_store::Account;

use crate::App;
use crate::actions::ActionError;

/// The accounts an administrator may see and manage: those within their scope.
pub async fn accounts(s: &App, me: &Actor) -> Result<Vec<Account>, ActionError> {
    if !role_allows(me.role, Action::Administer) {
        return Err(ActionError::Forbidden);
    }
    let snap = s.live.snapshot();
    Ok(s.store
        .accounts()
        .await?
        .into_iter()
        .filter(|a| snap.within(&me.unit, &a.unit))
        .collect())
}

/// Whether `me` may manage the account `a`: an administrator whose scope holds its unit, of a
/// role no higher than theirs, and not their own (one never locks oneself out).
pub fn may_manage(s: &App, me: &Actor, a: &Account) -> bool {
    let snap = s.live.snapshot();
    a.login != me.login
        && may_administer(&snap.units, me.role, &me.unit, &a.unit)
        && may_grant_role(me.role, a.role)
}

pub(crate) async fn managed(s: &App, me: &Actor, login: &str) -> Result<Account, ActionError> {
    if !role_allows(me.role, Action::Administer) {
        return Err(ActionError::Forbidden);
    }
    let a = s.store.find_account(login).await?.ok_or_else(|| {
        ActionError::NotFound(chitieu_domain::Refusal::unknown(
            chitieu_domain::Thing::User,
            login.trim(),
        ))
    })?;
    if !may_manage(s, me, &a) {
        return Err(ActionError::Forbidden);
    }
    Ok(a)
}

/// Resets `login`'s password: the one-time code, to show once.
pub async fn reset_password(s: &App, me: &Actor, login: &str) -> Result<String, ActionError> {
    let a = managed(s, me, login).await?;
    let code = s.store.reset_password(&a.login, &me.login).await?;
    s.live.sync().await?;
    Ok(code)
}

/// Disables or enables `login`.
pub async fn set_active(s: &App, me: &Actor, login: &str, active: bool) -> Result<(), ActionError> {
    let a = managed(s, me, login).await?;
    s.store.set_active(&a.login, active, &me.login).await?;
    s.live.sync().await?;
    Ok(())
}

/// The signed-in person sets a new password: the current one (or the one-time code) first,
/// the new one typed twice. Their other sessions end; `sid`, this one, stays.
pub async fn change_own_password(
    s: &App,
    me: &Actor,
    sid: &str,
    current: &str,
    new: &str,
    again: &str,
) -> Result<(), ActionError> {
    let refused = |e: PasswordError| ActionError::Refused(chitieu_domain::Refusal::Password(e));
    if s.store.check_login(&me.login, current).await?.is_none() {
        return Err(refused(PasswordError::WrongCurrent));
    }
    if new != again {
        return Err(refused(PasswordError::Mismatch));
    }
    if new == current {
        return Err(refused(PasswordError::Unchanged));
    }
    s.store
        .set_password(&me.login, new, Some(sid), &me.login)
        .await?;
    s.live.sync().await?;
    Ok(())
}
