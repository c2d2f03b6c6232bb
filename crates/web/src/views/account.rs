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
    must_enrol: bool,
    saved: Option<&'static str>,
    two_factor: bool,
    recovery_left: usize,
    /// The role does not require a second factor: its owner may turn it off.
    may_turn_off: bool,
    sessions: Vec<SessionRow>,
}

struct SessionRow {
    id: String,
    started: String,
    ends: String,
    addr: String,
    agent: String,
    current: bool,
}

#[derive(Deserialize)]
pub struct AccountQuery {
    saved: Option<String>,
}

/// The words of what was just done, by the `saved` the redirect carries.
fn saved_words(tr: Tr, saved: Option<&str>) -> Option<&'static str> {
    Some(tr.t(match saved? {
        "two-factor-on" => "two_factor_enabled_done",
        "two-factor-off" => "two_factor_disabled_done",
        "session" => "session_ended",
        _ => "password_changed",
    }))
}

pub async fn account(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<AccountQuery>,
) -> PageResult {
    let tr = v.tr;
    let me = v.signed_in()?;
    let snap = s.live.snapshot();
    let refused = |e| PageError::action(tr, e);
    let (two_factor, recovery_left) = chitieu_app::two_factor::state(&s.app, me)
        .await
        .map_err(refused)?;
    let policy = chitieu_app::two_factor::policy(&s.app)
        .await
        .map_err(refused)?;
    let sid = v.token.as_deref().unwrap_or("");
    let sessions = chitieu_app::two_factor::sessions(&s.app, me, sid)
        .await
        .map_err(refused)?
        .into_iter()
        .map(|x| SessionRow {
            started: chitieu_domain::clock::vietnam_time_vi(x.created_at),
            ends: chitieu_domain::clock::vietnam_time_vi(x.expires_at),
            addr: x.addr.unwrap_or_default(),
            agent: x.agent.unwrap_or_default(),
            current: x.current,
            id: x.id,
        })
        .collect();
    Ok(AccountPage {
        c: Chrome::of(&v),
        login: me.login.clone(),
        role: tr.label(me.role),
        unit: unit_name(&snap, &me.unit),
        csrf: me.csrf.clone(),
        must_change: me.must_change,
        must_enrol: me.must_enrol,
        saved: saved_words(tr, q.saved.as_deref()),
        two_factor,
        recovery_left,
        may_turn_off: !policy.requires(me.role),
        sessions,
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
