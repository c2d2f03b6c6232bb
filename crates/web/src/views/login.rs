//! Signing in and out, and the language switch.

use super::common::*;
use axum::http::HeaderMap;
use axum_extra::extract::cookie::CookieJar;
use std::time::Duration;

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    csrf: String,
    next: String,
    login: String,
    error: Option<&'static str>,
}

/// A new token for a sign-in form (password or code), and its cookie: there is no session
/// yet to carry one.
pub(super) fn fresh_login_csrf(v: &Viewer, jar: CookieJar) -> (CookieJar, String) {
    let csrf = random_hex();
    let jar = jar.add(v.cookie(
        LOGIN_CSRF_COOKIE,
        csrf.clone(),
        Some(Duration::from_secs(3600)),
    ));
    (jar, csrf)
}

fn random_hex() -> String {
    rand::random::<[u8; 16]>()
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    /// Back from a second step that ran out.
    expired: Option<String>,
}

/// Only paths on this site: one leading `/`, no `//` or `/\` (another host to a browser),
/// no backslash, whitespace or control character (browsers drop a tab and read
/// `/\t/evil.example` as `//evil.example`; a newline would break the header).
pub(super) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.len() <= 2048
                && !n
                    .chars()
                    .any(|c| c == '\\' || c.is_whitespace() || c.is_control()) =>
        {
            n.to_string()
        }
        _ => "/".into(),
    }
}

pub async fn login_form(v: Viewer, jar: CookieJar, Query(q): Query<NextQuery>) -> Response {
    let (jar, csrf) = fresh_login_csrf(&v, jar);
    let page = LoginPage {
        c: Chrome::anonymous(v.tr),
        csrf,
        next: safe_next(q.next.as_deref()),
        login: String::new(),
        error: q.expired.is_some().then(|| v.tr.t("code_expired")),
    };
    (jar, page).into_response()
}

pub async fn login(
    State(s): State<AppState>,
    v: Viewer,
    crate::auth::ClientAddr(addr): crate::auth::ClientAddr,
    headers: HeaderMap,
    jar: CookieJar,
    form: LazyForm,
) -> PageResult {
    let tr = v.tr;
    let form = form.read(tr)?;
    check_login_csrf(&v, &form)?;
    let login = form
        .get("login")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let next = safe_next(form.get("next").map(String::as_str));
    let client = client_of(addr, &headers, &jar);
    let fail = |key: &'static str, status: StatusCode| {
        log_refused(&s, &login, addr, key);
        Ok(login_again(&v, jar.clone(), &next, &login, key, status))
    };
    let Some(attempt) = begin_attempt(&s, tr, &login, addr, &client).await? else {
        return Ok(login_again(
            &v,
            jar,
            &next,
            &login,
            "throttled",
            StatusCode::TOO_MANY_REQUESTS,
        ));
    };
    match s.app.sign_in(&login, &password, &client).await.or_500(tr)? {
        chitieu_app::SignIn::Open(token) => {
            s.throttle.succeeded(attempt);
            let jar = jar.remove(LOGIN_CSRF_COOKIE).add(session_cookie(&v, token));
            Ok((jar, Redirect::to(&next)).into_response())
        }
        chitieu_app::SignIn::Code(token) => {
            // The attempt stays counted until the code is right too: a known password must
            // not reset the throttle that guards the code.
            drop(attempt);
            let jar = jar.add(v.cookie(
                super::login_code::WAIT_COOKIE,
                token,
                Some(Duration::from_secs(
                    chitieu_app::two_factor::WAIT_MINUTES as u64 * 60,
                )),
            ));
            let to = format!("/login/code?next={}", super::login_code::encode(&next));
            Ok((jar, Redirect::to(&to)).into_response())
        }
        chitieu_app::SignIn::Refused => fail("bad_login", StatusCode::UNAUTHORIZED),
    }
}

/// The sign-in forms (password, code) carry the token of their cookie: no session yet.
pub(super) fn check_login_csrf(
    v: &Viewer,
    form: &HashMap<String, String>,
) -> Result<(), PageError> {
    let sent = form.get("_csrf").map(String::as_str).unwrap_or("");
    let expected = v.login_csrf.as_deref().unwrap_or("");
    if expected.is_empty() || !crate::auth::constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
        return Err(PageError::Forbidden(v.tr));
    }
    Ok(())
}

/// Counts an attempt (password or code) for `login`, or, past the limits, logs and records
/// it as throttled and answers `None`.
pub(super) async fn begin_attempt(
    s: &AppState,
    tr: Tr,
    login: &str,
    addr: Option<std::net::IpAddr>,
    client: &chitieu_app::Client,
) -> Result<Option<crate::auth::Attempt>, PageError> {
    if let Some(a) = s.throttle.begin(login, addr) {
        return Ok(Some(a));
    }
    log_refused(s, login, addr, "throttled");
    s.app
        .record_sign_in(login, client, chitieu_app::Outcome::Throttled)
        .await
        .or_500(tr)?;
    Ok(None)
}

/// The session cookie, for as long as a session lasts.
pub(super) fn session_cookie(
    v: &Viewer,
    token: String,
) -> axum_extra::extract::cookie::Cookie<'static> {
    v.cookie(
        SESSION_COOKIE,
        token,
        Some(Duration::from_secs(
            chitieu_app::SESSION_HOURS as u64 * 3600,
        )),
    )
}

/// The browser asking, as the sign-in log and the list of sessions show it.
pub(super) fn client_of(
    addr: Option<std::net::IpAddr>,
    headers: &HeaderMap,
    jar: &CookieJar,
) -> chitieu_app::Client {
    chitieu_app::Client {
        addr: addr.map(|a| a.to_string()),
        agent: headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        device: jar
            .get(super::login_code::DEVICE_COOKIE)
            .map(|c| c.value().to_string()),
    }
}

/// Login and address for the operator (never the password or the code), and the count of
/// refusals by reason in `/metrics`.
pub(super) fn log_refused(s: &AppState, login: &str, addr: Option<std::net::IpAddr>, key: &str) {
    s.metrics.sign_in_failed(match key {
        "throttled" => "throttled",
        "bad_code" => "bad_code",
        _ => "bad_password",
    });
    let l: String = login.chars().take(64).collect();
    let a = addr.map_or_else(|| "?".to_string(), |a| a.to_string());
    tracing::warn!(login = ?l, addr = %a, "{}", tr_log(key));
}

/// The log line of a refused sign-in.
fn tr_log(key: &str) -> &'static str {
    match key {
        "throttled" => "đăng nhập bị chặn tạm thời (sign-in throttled)",
        "bad_code" => "mã xác thực hai bước sai (wrong second-factor code)",
        _ => "đăng nhập sai (failed sign-in)",
    }
}

/// The sign-in form again, with a fresh token and the reason it was refused.
fn login_again(
    v: &Viewer,
    jar: CookieJar,
    next: &str,
    login: &str,
    key: &'static str,
    status: StatusCode,
) -> Response {
    let (jar, csrf) = fresh_login_csrf(v, jar);
    let page = LoginPage {
        c: Chrome::anonymous(v.tr),
        csrf,
        next: next.to_string(),
        login: login.to_string(),
        error: Some(v.tr.t(key)),
    };
    (status, jar, page).into_response()
}

pub async fn logout(
    State(s): State<AppState>,
    v: Viewer,
    jar: CookieJar,
    form: LazyForm,
) -> PageResult {
    v.signed_in()?;
    let form = form.read(v.tr)?;
    v.check_csrf_signed_in(&form)?;
    if let Some(t) = &v.token {
        s.app
            .sign_out(t)
            .await
            .map_err(|e| PageError::internal(v.tr, e))?;
    }
    Ok((jar.remove(SESSION_COOKIE), Redirect::to("/login")).into_response())
}

pub async fn set_lang(
    v: Viewer,
    jar: CookieJar,
    headers: HeaderMap,
    Path(lang): Path<String>,
) -> Response {
    let lang = if lang == "en" { "en" } else { "vi" };
    // Back to the page the switch was on, when it is one of ours.
    let back = headers
        .get("referer")
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()));
    let jar = jar.add(v.cookie(
        LANG_COOKIE,
        lang.to_string(),
        Some(Duration::from_secs(365 * 86400)),
    ));
    (jar, Redirect::to(&safe_next(back.as_deref()))).into_response()
}
