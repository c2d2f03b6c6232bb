//! Who is asking: the session cookie, the language, CSRF tokens; and sign-in throttling
//! (`throttle`).

mod throttle;

pub use throttle::{
    Attempt, ClientAddr, MAX_FAILURES, MAX_FAILURES_PER_ADDRESS, Throttle, TrustedProxies,
};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chitieu_domain::Actor;
use chitieu_domain::permission::{Action, in_scope, role_allows};
use chitieu_domain::{Unit, UnitCode};
use std::collections::HashMap;
use std::time::Duration;

use crate::AppState;
use crate::error::PageError;
use crate::i18n::{Lang, Tr};

pub const SESSION_COOKIE: &str = "chitieu_sid";
pub const LANG_COOKIE: &str = "chitieu_lang";
pub const LOGIN_CSRF_COOKIE: &str = "chitieu_login_csrf";

/// The person behind a request, signed in or not, and their language.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: Option<Actor>,
    pub tr: Tr,
    pub token: Option<String>,
    pub login_csrf: Option<String>,
    /// Cookies get `Secure` when the request came over TLS (directly or via a proxy).
    pub secure: bool,
    /// Whose system this is: "UBND tỉnh Thái Nguyên", from the plan's owner.
    pub owner: String,
    /// The plan is owned above the provinces (a central instance): the provinces' page.
    pub national: bool,
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let lang = Lang::from_code(jar.get(LANG_COOKIE).map(|c| c.value()));
        let tr = Tr { lang };
        let token = jar.get(SESSION_COOKIE).map(|c| c.value().to_string());
        let user = match &token {
            Some(t) => state
                .app
                .session_user(t)
                .await
                .map_err(|e| PageError::internal(tr, e))?,
            None => None,
        };
        // Only a trusted proxy says the request came over TLS.
        let secure = throttle::peer(parts).is_some_and(|p| throttle::trusted(parts).trusts(p))
            && parts
                .headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.eq_ignore_ascii_case("https"))
            || parts.uri.scheme_str() == Some("https");
        let (owner, national) = {
            let snap = state.live.snapshot();
            let unit = snap.plan.as_ref().and_then(|p| snap.unit(&p.plan.owner));
            (
                unit.map(|u| owner_title(tr, u)).unwrap_or_default(),
                unit.is_some_and(|u| u.kind != chitieu_domain::UnitKind::Province),
            )
        };
        Ok(Viewer {
            owner,
            national,
            user,
            tr,
            token,
            login_csrf: jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_string()),
            secure,
        })
    }
}

/// The body that runs the system, as the header names it.
fn owner_title(tr: Tr, u: &chitieu_domain::Unit) -> String {
    use chitieu_domain::UnitKind;
    match (u.kind, tr.is_en()) {
        (UnitKind::Province, false) => format!("UBND tỉnh {}", u.name),
        (UnitKind::Province, true) => format!("{} Provincial People's Committee", u.name),
        _ => u.name.clone(),
    }
}

impl Viewer {
    /// The signed-in user, or the sign-in page; one signed in with a one-time code goes to
    /// set a new password first, one whose role requires a second factor to enrol one.
    pub fn user(&self) -> Result<&Actor, PageError> {
        match self.signed_in()? {
            u if u.must_change || u.must_enrol => Err(PageError::MustChange),
            u => Ok(u),
        }
    }

    /// The signed-in user, even one who must set a new password (their account page, signing
    /// out).
    pub fn signed_in(&self) -> Result<&Actor, PageError> {
        self.user.as_ref().ok_or(PageError::SignIn)
    }

    /// The signed-in user allowed to do `action` on `unit` (within their scope).
    pub fn require(
        &self,
        action: Action,
        units: &[Unit],
        unit: Option<&UnitCode>,
    ) -> Result<&Actor, PageError> {
        let u = self.user()?;
        if !role_allows(u.role, action) {
            return Err(PageError::Forbidden(self.tr));
        }
        if let Some(unit) = unit
            && !in_scope(units, &u.unit, unit)
        {
            return Err(PageError::Forbidden(self.tr));
        }
        Ok(u)
    }

    /// A state-changing form must carry the session's token.
    pub fn check_csrf(&self, form: &HashMap<String, String>) -> Result<&Actor, PageError> {
        self.user()?;
        self.check_csrf_signed_in(form)
    }

    /// [`Viewer::check_csrf`] for the forms of one who must set a new password.
    pub fn check_csrf_signed_in(
        &self,
        form: &HashMap<String, String>,
    ) -> Result<&Actor, PageError> {
        let u = self.signed_in()?;
        match form.get("_csrf") {
            Some(t) if constant_time_eq(t.as_bytes(), u.csrf.as_bytes()) => Ok(u),
            _ => Err(PageError::Forbidden(self.tr)),
        }
    }

    pub fn cookie(
        &self,
        name: &'static str,
        value: String,
        max_age: Option<Duration>,
    ) -> Cookie<'static> {
        let mut c = Cookie::build((name, value))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .path("/");
        if let Some(age) = max_age {
            c = c.max_age(time::Duration::seconds(age.as_secs() as i64));
        }
        c.build()
    }
}

/// An error page shown to someone signed in keeps their header (name, menu, sign-out), as
/// every other page does; a signed-out visitor gets the page as it was drawn. The session is
/// looked up only for error pages.
pub(crate) async fn error_pages_know_the_viewer(
    State(s): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let sid = CookieJar::from_headers(req.headers())
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_string());
    let res = next.run(req).await;
    let Some(sid) = sid.filter(|_| crate::error::is_error_page(&res)) else {
        return res;
    };
    match s.app.session_user(&sid).await {
        Ok(Some(user)) => crate::error::error_page_for(res, user),
        // The page as drawn is still right for a stale session or a store hiccup.
        _ => res,
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
