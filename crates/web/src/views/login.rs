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

fn random_hex() -> String {
    rand::random::<[u8; 16]>()
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only paths on this site: one leading `/`, no `//` or `/\` (another host to a browser),
/// no backslash, whitespace or control character (browsers drop a tab and read
/// `/\t/evil.example` as `//evil.example`; a newline would break the header).
fn safe_next(next: Option<&str>) -> String {
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
    let csrf = random_hex();
    let jar = jar.add(v.cookie(
        LOGIN_CSRF_COOKIE,
        csrf.clone(),
        Some(Duration::from_secs(3600)),
    ));
    let page = LoginPage {
        c: Chrome::anonymous(v.tr),
        csrf,
        next: safe_next(q.next.as_deref()),
        login: String::new(),
        error: None,
    };
    (jar, page).into_response()
}

pub async fn login(
    State(s): State<AppState>,
    v: Viewer,
    crate::auth::ClientAddr(addr): crate::auth::ClientAddr,
    jar: CookieJar,
    form: LazyForm,
) -> PageResult {
    let tr = v.tr;
    let form = form.read(tr)?;
    let sent = form.get("_csrf").map(String::as_str).unwrap_or("");
    let expected = v.login_csrf.as_deref().unwrap_or("");
    if expected.is_empty() || !crate::auth::constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
        return Err(PageError::Forbidden(tr));
    }
    let login = form
        .get("login")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let next = safe_next(form.get("next").map(String::as_str));
    let fail = |key: &'static str, status: StatusCode| {
        // Login and address for the operator; never the password.
        let l: String = login.chars().take(64).collect();
        let a = addr.map_or_else(|| "?".to_string(), |a| a.to_string());
        tracing::warn!(login = ?l, addr = %a, "{}", tr_log(key));
        Ok(login_again(&v, jar.clone(), &next, &login, key, status))
    };
    let Some(attempt) = s.throttle.begin(&login, addr) else {
        return fail("throttled", StatusCode::TOO_MANY_REQUESTS);
    };
    match s.app.sign_in(&login, &password).await.or_500(tr)? {
        Some(token) => {
            s.throttle.succeeded(attempt);
            let jar = jar.remove(LOGIN_CSRF_COOKIE).add(v.cookie(
                SESSION_COOKIE,
                token,
                Some(Duration::from_secs(
                    chitieu_app::SESSION_HOURS as u64 * 3600,
                )),
            ));
            Ok((jar, Redirect::to(&next)).into_response())
        }
        None => fail("bad_login", StatusCode::UNAUTHORIZED),
    }
}

/// The log line of a refused sign-in.
fn tr_log(key: &str) -> &'static str {
    if key == "throttled" {
        "đăng nhập bị chặn tạm thời (sign-in throttled)"
    } else {
        "đăng nhập sai (failed sign-in)"
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
    let csrf = random_hex();
    let jar = jar.add(v.cookie(
        LOGIN_CSRF_COOKIE,
        csrf.clone(),
        Some(Duration::from_secs(3600)),
    ));
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
