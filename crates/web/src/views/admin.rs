//! Administration: accounts, heads, targets, indicators, units and tokens, within the administrator's scope.

use super::admin_form::AdminForm;
use super::admin_page::{Failed, MAPPED_SYSTEM, admin_page};
use super::common::*;

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn admin(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let saved = q.saved.as_deref().map(|w| {
        v.tr.t(match w {
            "disabled" => "account_disabled_done",
            "enabled" => "account_enabled_done",
            "two-factor-reset" => "two_factor_reset_done",
            _ => "saved",
        })
    });
    admin_page(&s, &v, saved, None, None).await
}

/// An administration form: CSRF, the Administer right, then the change through the same
/// action the API uses (which checks the unit against the administrator's scope); a
/// refused change shows why and changes nothing.
pub async fn admin_save(
    State(s): State<AppState>,
    v: Viewer,
    Path(what): Path<String>,
    form: LazyForm,
) -> PageResult {
    let tr = v.tr;
    if !role_allows(v.user()?.role, Action::Administer) {
        return Err(PageError::Forbidden(tr));
    }
    let fields = form.read(tr)?;
    let me = v.check_csrf(&fields)?.clone();
    let f = AdminForm { f: &fields, tr };
    match apply(&s, &v, &me, &what, &f).await {
        Ok(Some(page)) => Ok(page),
        Ok(None) => Ok(Redirect::to(match what.as_str() {
            "user-disable" => "/admin?saved=disabled",
            "user-enable" => "/admin?saved=enabled",
            "user-two-factor-reset" => "/admin?saved=two-factor-reset",
            _ => "/admin?saved=1",
        })
        .into_response()),
        // Refused for a reason the person can fix: the same page, the form filled again
        // (never the password), the reason beside it.
        Err(PageError::Invalid(_, message)) => {
            let mut fields = fields.clone();
            fields.retain(|k, _| k != "_csrf" && k != "password");
            let page = admin_page(
                &s,
                &v,
                None,
                None,
                Some(Failed {
                    form: what.clone(),
                    message,
                    fields,
                }),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

/// Makes the change form `what` asks for; a page to show instead of going back to the
/// administration page (a new token), or nothing.
async fn apply(
    s: &AppState,
    v: &Viewer,
    me: &Actor,
    what: &str,
    f: &AdminForm<'_>,
) -> Result<Option<Response>, PageError> {
    let tr = v.tr;
    let refused = |e: ActionError| PageError::action(tr, e);
    let s = s.clone();
    let me = me.clone();
    match what {
        "users" => {
            let unit = f.unit("unit")?;
            let user = f.user(&unit)?;
            actions::add_user(&s.app, &me, &user)
                .await
                .map_err(refused)?;
        }
        "heads" => actions::add_head(&s.app, &me, &f.head()?)
            .await
            .map_err(refused)?,
        "targets" => {
            let snap = snapshot(&s, tr).await?;
            let owner = snap
                .plan
                .as_ref()
                .ok_or(PageError::NotFound(tr))?
                .plan
                .owner
                .clone();
            actions::set_target(&s.app, &me, &f.target(owner)?)
                .await
                .map_err(refused)?;
        }
        "indicators" => actions::update_indicator(&s.app, &me, f.get("code"), &f.indicator()?)
            .await
            .map_err(refused)?,
        "forms" => actions::set_form(&s.app, &me, &f.form()?)
            .await
            .map_err(refused)?,
        "units" => save_unit(&s, &me, f).await?,
        "tokens" => return new_token(&s, v, &me, f).await,
        "two-factor" => chitieu_app::two_factor::set_policy(&s.app, &me, &f.two_factor_policy()?)
            .await
            .map_err(refused)?,
        "user-reset" | "user-disable" | "user-enable" | "user-two-factor-reset" => {
            return account_action(&s, v, &me, what, f.get("login")).await;
        }
        "revoke-token" => actions::revoke_token(&s.app, &me, f.get("name"))
            .await
            .map_err(refused)?,
        "mappings" => save_mappings(&s, &me, f).await?,
        _ => return Err(PageError::NotFound(tr)),
    }
    Ok(None)
}

/// A new bearer token, shown once on the page that answers.
async fn new_token(
    s: &AppState,
    v: &Viewer,
    me: &Actor,
    f: &AdminForm<'_>,
) -> Result<Option<Response>, PageError> {
    let tr = v.tr;
    let role = f.role()?;
    let token = actions::create_token(&s.app, me, f.get("name"), role, &f.unit("unit")?)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    // Shown once, on this page; never again, nowhere else.
    let shown = ("new_token", f.get("name").to_string(), token);
    admin_page(s, v, Some(tr.t("saved")), Some(shown), None)
        .await
        .map(Some)
}

/// An administrator's action on an account: a reset shows its one-time code on the page,
/// once; disabling and enabling go back to the page.
async fn account_action(
    s: &AppState,
    v: &Viewer,
    me: &Actor,
    what: &str,
    login: &str,
) -> Result<Option<Response>, PageError> {
    let tr = v.tr;
    let refused = |e: ActionError| PageError::action(tr, e);
    let login = login.trim().to_string();
    if what == "user-reset" {
        let code = chitieu_app::accounts::reset_password(&s.app, me, &login)
            .await
            .map_err(refused)?;
        // Shown once, on this page; never again, nowhere else.
        return admin_page(s, v, None, Some(("reset_code", login, code)), None)
            .await
            .map(Some);
    }
    if what == "user-two-factor-reset" {
        chitieu_app::two_factor::reset_for(&s.app, me, &login)
            .await
            .map_err(refused)?;
        return Ok(None);
    }
    chitieu_app::accounts::set_active(&s.app, me, &login, what == "user-enable")
        .await
        .map_err(refused)?;
    Ok(None)
}

/// A unit saved through its form. The form carries neither the denominators nor the
/// official wording of the kind: an existing unit keeps its own (saving it through the form
/// cleared the population and officials of a commune).
async fn save_unit(s: &AppState, me: &Actor, f: &AdminForm<'_>) -> Result<(), PageError> {
    let tr = f.tr;
    let mut unit = f.unit_record(s.today())?;
    if let Some(old) = snapshot(s, tr).await?.unit(&unit.code) {
        unit.population = unit.population.or(old.population);
        unit.officials = unit.officials.or(old.officials);
        unit.division_type = unit.division_type.or_else(|| old.division_type.clone());
        // An empty start date means "today" for a new unit, not a new start.
        if f.get("valid_from").trim().is_empty() {
            unit.valid_from = old.valid_from;
        }
    }
    actions::upsert_unit(&s.app, me, &unit)
        .await
        .map_err(|e| PageError::action(tr, e))
}

/// The DHIS2 code mapping replaced from the page's table, by the plan owner's
/// administrators only.
async fn save_mappings(s: &AppState, me: &Actor, f: &AdminForm<'_>) -> Result<(), PageError> {
    let tr = f.tr;
    let csv = mapping_csv(f.get("rows"));
    s.app
        .replace_mapping(me, MAPPED_SYSTEM, csv.as_bytes(), tr.t("code_mapping"))
        .await
        .map_err(|e| match e {
            ActionError::Invalid(m) => f.invalid(m),
            e => PageError::action(tr, e),
        })?;
    Ok(())
}
