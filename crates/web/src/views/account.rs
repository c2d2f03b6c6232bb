//! One's own account: who one is signed in as, and a new password (required first after a
//! reset, when signed in with a one-time code).

use super::common::*;

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage {
    c: Chrome,
    login: String,
    role: &'static str,
    unit: String,
    csrf: String,
    must_change: bool,
    saved: bool,
}

#[derive(Deserialize)]
pub struct AccountQuery {
    saved: Option<String>,
}

pub async fn account(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<AccountQuery>,
) -> PageResult {
    let tr = v.tr;
    let me = v.signed_in()?;
    let snap = s.live.snapshot();
    Ok(AccountPage {
        c: Chrome::of(&v),
        login: me.login.clone(),
        role: tr.label(me.role),
        unit: unit_name(&snap, &me.unit),
        csrf: me.csrf.clone(),
        must_change: me.must_change,
        saved: q.saved.is_some(),
    }
    .into_response())
}

/// Sets a new password: the current one (or the one-time code), the new one twice. Other
/// sessions of the account end; this one stays.
pub async fn account_password(State(s): State<AppState>, v: Viewer, form: LazyForm) -> PageResult {
    let tr = v.tr;
    v.signed_in()?;
    let fields = form.read(tr)?;
    let me = v.check_csrf_signed_in(&fields)?.clone();
    let sid = v.token.clone().unwrap_or_default();
    let get = |k: &str| fields.get(k).map_or("", String::as_str);
    chitieu_app::accounts::change_own_password(
        &s.app,
        &me,
        &sid,
        get("current"),
        get("new"),
        get("again"),
    )
    .await
    .map_err(|e| PageError::action(tr, e))?;
    Ok(Redirect::to("/account?saved=password").into_response())
}
