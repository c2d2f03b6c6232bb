//! One's own second factor and sessions: enrol an authenticator app (a QR code and the key
//! to type, confirmed by a first code), see the recovery codes once, renew them, turn the
//! second factor off where the role allows, and end any of one's open sessions.

use super::common::*;

#[derive(Template, WebTemplate)]
#[template(path = "account_two_factor.html")]
struct EnrolPage {
    c: Chrome,
    csrf: String,
    secret: String,
    /// The key in groups of four, to type.
    key: String,
    /// The `otpauth://` URL as an SVG QR code, drawn here from our own data.
    qr: String,
    error: Option<String>,
    /// After enrolling or renewing: the recovery codes, shown this once.
    codes: Vec<String>,
    /// Just enrolled (not renewing codes).
    enrolled: bool,
    /// A second factor is on already: replacing it asks for the password.
    replacing: bool,
}

fn qr_svg(url: &str) -> String {
    use qrcode::render::svg;
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(q) => q
            .render::<svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        // The URL is short; a QR code holds it. The key below still enrols.
        Err(_) => String::new(),
    }
}

fn grouped(secret: &str) -> String {
    secret
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

fn enrol_page(
    v: &Viewer,
    me: &Actor,
    (secret, url): (String, &str),
    replacing: bool,
    error: Option<String>,
) -> EnrolPage {
    EnrolPage {
        c: Chrome::of(v),
        csrf: me.csrf.clone(),
        key: grouped(&secret),
        qr: qr_svg(url),
        secret,
        error,
        codes: Vec::new(),
        enrolled: false,
        replacing,
    }
}

fn codes_page(v: &Viewer, me: &Actor, codes: Vec<String>, enrolled: bool) -> EnrolPage {
    EnrolPage {
        c: Chrome::of(v),
        csrf: me.csrf.clone(),
        secret: String::new(),
        key: String::new(),
        qr: String::new(),
        error: None,
        codes,
        enrolled,
        replacing: false,
    }
}

/// A fresh secret to scan; nothing is stored until a code confirms it.
pub async fn two_factor_form(State(s): State<AppState>, v: Viewer) -> PageResult {
    let me = v.signed_in()?;
    let refused = |e| PageError::action(v.tr, e);
    let e = chitieu_app::two_factor::enrolment(me).map_err(refused)?;
    let (replacing, _) = chitieu_app::two_factor::state(&s.app, me)
        .await
        .map_err(refused)?;
    Ok(enrol_page(&v, me, (e.secret, &e.url), replacing, None).into_response())
}

/// Confirms the secret with the app's code: the second factor is on, the recovery codes
/// shown once. A wrong code shows the same secret again with the reason.
pub async fn two_factor_enable(State(s): State<AppState>, v: Viewer, form: LazyForm) -> PageResult {
    let tr = v.tr;
    v.signed_in()?;
    let f = form.read(tr)?;
    let me = v.check_csrf_signed_in(&f)?.clone();
    let secret = f
        .get("secret")
        .map_or("", String::as_str)
        .trim()
        .to_string();
    let code = f.get("code").map_or("", String::as_str);
    let password = f.get("password").map_or("", String::as_str);
    match chitieu_app::two_factor::enable(&s.app, &me, &secret, code, password).await {
        Ok(codes) => Ok(codes_page(&v, &me, codes, true).into_response()),
        Err(ActionError::Refused(r)) => {
            // The same secret: the app already holds it.
            let url = chitieu_app::two_factor::enrolment_url(&me, &secret).unwrap_or_default();
            let replacing = chitieu_app::two_factor::state(&s.app, &me)
                .await
                .map_or(true, |(on, _)| on);
            let page = enrol_page(&v, &me, (secret, &url), replacing, Some(tr.refusal(&r)));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(PageError::action(tr, e)),
    }
}

/// Turns one's own second factor off (the password first), unless the role requires it.
pub async fn two_factor_off(State(s): State<AppState>, v: Viewer, form: LazyForm) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let f = form.read(tr)?;
    let me = v.check_csrf(&f)?.clone();
    let password = f.get("password").map_or("", String::as_str);
    chitieu_app::two_factor::disable_own(&s.app, &me, password)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    Ok(Redirect::to("/account?saved=two-factor-off").into_response())
}

/// New recovery codes (the password first), shown once.
pub async fn recovery_codes(State(s): State<AppState>, v: Viewer, form: LazyForm) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let f = form.read(tr)?;
    let me = v.check_csrf(&f)?.clone();
    let password = f.get("password").map_or("", String::as_str);
    let codes = chitieu_app::two_factor::new_recovery_codes(&s.app, &me, password)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    Ok(codes_page(&v, &me, codes, false).into_response())
}

/// Ends one of one's own sessions (this one signs out).
pub async fn end_session(State(s): State<AppState>, v: Viewer, form: LazyForm) -> PageResult {
    let tr = v.tr;
    v.signed_in()?;
    let f = form.read(tr)?;
    let me = v.check_csrf_signed_in(&f)?.clone();
    let id = f.get("id").map_or("", String::as_str);
    // Another's session, or one already over: nothing was ended, and the page says so.
    if !chitieu_app::two_factor::end_session(&s.app, &me, id)
        .await
        .map_err(|e| PageError::action(tr, e))?
    {
        return Err(PageError::NotFound(tr));
    }
    Ok(Redirect::to("/account?saved=session").into_response())
}
