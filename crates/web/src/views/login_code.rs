//! The second step of signing in: the code of the authenticator app (or a recovery code),
//! after a right password, for an account with a second factor on a browser not remembered
//! for it. The throttle that guards passwords guards codes too.

use super::common::*;
use super::login::{
    begin_attempt, check_login_csrf, client_of, fresh_login_csrf, log_refused, safe_next,
    session_cookie,
};
use axum::http::HeaderMap;
use axum_extra::extract::cookie::CookieJar;
use std::time::Duration;

/// The cookie of a sign-in waiting for its second factor.
pub const WAIT_COOKIE: &str = "chitieu_wait";
/// The cookie of a device remembered after a second factor.
pub const DEVICE_COOKIE: &str = "chitieu_device";

#[derive(Template, WebTemplate)]
#[template(path = "login_code.html")]
struct CodePage {
    c: Chrome,
    csrf: String,
    next: String,
    remember_days: u32,
    error: Option<String>,
}

/// `next` as a query value.
pub fn encode(next: &str) -> String {
    form_urlencoded::byte_serialize(next.as_bytes()).collect()
}

#[derive(Deserialize)]
pub struct CodeQuery {
    next: Option<String>,
}

async fn code_page(
    s: &AppState,
    v: &Viewer,
    jar: CookieJar,
    next: &str,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let (jar, csrf) = fresh_login_csrf(v, jar);
    let remember_days = chitieu_app::two_factor::policy(&s.app)
        .await
        .map_err(|e| PageError::action(v.tr, e))?
        .remember_days;
    let page = CodePage {
        c: Chrome::anonymous(v.tr),
        csrf,
        next: next.to_string(),
        remember_days,
        error,
    };
    Ok((status, jar, page).into_response())
}

pub async fn login_code_form(
    State(s): State<AppState>,
    v: Viewer,
    jar: CookieJar,
    Query(q): Query<CodeQuery>,
) -> PageResult {
    if jar.get(WAIT_COOKIE).is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    let next = safe_next(q.next.as_deref());
    code_page(&s, &v, jar, &next, None, StatusCode::OK).await
}

pub async fn login_code(
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
    let next = safe_next(form.get("next").map(String::as_str));
    let wait = jar.get(WAIT_COOKIE).map(|c| c.value().to_string());
    let login = match &wait {
        Some(w) => s.app.waiting_login(w).await.or_500(tr)?,
        None => None,
    };
    let (Some(wait), Some(login)) = (wait, login) else {
        return Ok(expired(jar));
    };
    let client = client_of(addr, &headers, &jar);
    let Some(attempt) = begin_attempt(&s, tr, &login, addr, &client).await? else {
        let e = Some(tr.t("throttled").to_string());
        return code_page(&s, &v, jar, &next, e, StatusCode::TOO_MANY_REQUESTS).await;
    };
    let code = form.get("code").map_or("", String::as_str);
    let remember = form.contains_key("remember");
    match s
        .app
        .second_factor(&wait, code, remember, &client)
        .await
        .or_500(tr)?
    {
        chitieu_app::SecondFactor::Open { token, device } => {
            s.throttle.succeeded(attempt);
            signed_in(&s, &v, jar, token, device, &next).await
        }
        chitieu_app::SecondFactor::Wrong { left } => {
            log_refused(&s, &login, addr, "bad_code");
            let e = Some(tr.t("bad_code").replace("{n}", &left.to_string()));
            code_page(&s, &v, jar, &next, e, StatusCode::UNAUTHORIZED).await
        }
        chitieu_app::SecondFactor::Expired => Ok(expired(jar)),
    }
}

/// Signed in: the session's cookie, the remembered device's when asked for, on to `next`.
async fn signed_in(
    s: &AppState,
    v: &Viewer,
    jar: CookieJar,
    token: String,
    device: Option<String>,
    next: &str,
) -> PageResult {
    let mut jar = jar
        .remove(WAIT_COOKIE)
        .remove(LOGIN_CSRF_COOKIE)
        .add(session_cookie(v, token));
    if let Some(d) = device {
        let days = chitieu_app::two_factor::policy(&s.app)
            .await
            .map_err(|e| PageError::action(v.tr, e))?
            .remember_days;
        let age = Duration::from_secs(u64::from(days) * 86400);
        jar = jar.add(v.cookie(DEVICE_COOKIE, d, Some(age)));
    }
    Ok((jar, Redirect::to(next)).into_response())
}

/// The wait is over (too long, or too many wrong codes): the password again.
fn expired(jar: CookieJar) -> Response {
    (jar.remove(WAIT_COOKIE), Redirect::to("/login?expired=1")).into_response()
}
