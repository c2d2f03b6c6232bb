//! Administration: accounts, heads, targets, indicators, units and tokens, within the administrator's scope.

use super::*;

#[derive(Template, WebTemplate)]
#[template(path = "admin.html")]
struct AdminPage {
    c: Chrome,
    csrf: String,
    saved: bool,
    roles: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    indicator_codes: Vec<String>,
    users: Vec<(String, String, String)>,
    indicators: Vec<(String, String, String, String)>,
    heads: Vec<(String, String, String)>,
    /// Administrators (not the secretariat) manage tokens.
    can_tokens: bool,
    /// name, role, unit, created by and on, revoked
    tokens: Vec<(String, String, String, String, bool)>,
    /// A token just created: shown this once.
    new_token: Option<(String, String)>,
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn admin(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    admin_page(&s, &v, q.saved.is_some(), None).await
}

/// The administration page for the signed-in administrator: accounts, heads and tokens
/// within their scope.
async fn admin_page(
    s: &AppState,
    v: &Viewer,
    saved: bool,
    new_token: Option<(String, String)>,
) -> PageResult {
    let tr = v.tr;
    let snap_units = snapshot(s, tr).await?.units.clone();
    let me = v.require(Action::Administer, &snap_units, None)?.clone();
    let users = actions::users(&s.app, &me)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    let heads = s.store.heads().await.or_500(tr)?;
    let can_tokens = role_allows(me.role, Action::IssueTokens);
    let tokens = if can_tokens {
        actions::tokens(&s.app, &me)
            .await
            .map_err(|e| PageError::action(tr, e))?
    } else {
        Vec::new()
    };
    let snap = snapshot(s, tr).await?;
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    let role_label = |r: chitieu_domain::permission::Role| {
        if tr.is_en() {
            r.label_en()
        } else {
            r.label_vi()
        }
    };
    let page = AdminPage {
        c: Chrome::of(v),
        csrf: me.csrf.clone(),
        saved,
        roles: chitieu_domain::permission::Role::ALL
            .iter()
            .filter(|r| r.rank() <= me.role.rank())
            .map(|r| (r.as_str(), role_label(*r)))
            .collect(),
        kinds: [
            chitieu_domain::UnitKind::Department,
            chitieu_domain::UnitKind::Commune,
            chitieu_domain::UnitKind::Ward,
            chitieu_domain::UnitKind::Enterprise,
            chitieu_domain::UnitKind::Other,
        ]
        .iter()
        .map(|k| (k.as_str(), k.label_vi()))
        .collect(),
        indicator_codes: plan.indicators.iter().map(|i| i.code.clone()).collect(),
        users: users
            .iter()
            .map(|(login, role, unit)| {
                (
                    login.clone(),
                    role_label(*role).to_string(),
                    unit_name(&snap, unit),
                )
            })
            .collect(),
        indicators: plan
            .indicators
            .iter()
            .map(|i| {
                let targets: Vec<String> = plan
                    .targets
                    .iter()
                    .filter(|t| t.indicator == i.code)
                    .map(|t| {
                        format!(
                            "{} {} ({}) — “{}”",
                            t.comparator.sign(),
                            t.value,
                            t.year,
                            t.wording
                        )
                    })
                    .collect();
                (
                    i.code.clone(),
                    i.name.clone(),
                    targets.join("; "),
                    unit_name(&snap, &i.lead_unit),
                )
            })
            .collect(),
        heads: heads
            .iter()
            .filter(|h| in_scope(&snap.units, &me.unit, &h.unit))
            .map(|h| {
                (
                    unit_name(&snap, &h.unit),
                    format!("{}, {}", h.person, h.title),
                    format!(
                        "{} – {}",
                        tr.date(&h.term_start),
                        h.term_end.map(|d| tr.date(&d)).unwrap_or_default()
                    ),
                )
            })
            .collect(),
        can_tokens,
        tokens: tokens
            .iter()
            .map(|t| {
                (
                    t.name.clone(),
                    role_label(t.role).to_string(),
                    unit_name(&snap, &t.unit),
                    format!("{}, {}", t.created_by, tr.date(&t.created_at.date_naive())),
                    t.revoked,
                )
            })
            .collect(),
        new_token,
    };
    Ok(page.into_response())
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
    let f = form.read(tr)?;
    let me = v.check_csrf(&f)?.clone();
    let get = |k: &str| f.get(k).map(|s| s.trim()).unwrap_or("");
    let invalid = |m: String| PageError::Invalid(tr, m);
    let unit = |k: &str| UnitCode::parse(get(k)).map_err(invalid);
    let date = |k: &str| chitieu_domain::text::parse_date(get(k)).map_err(invalid);
    let refused = |e: ActionError| PageError::action(tr, e);
    match what.as_str() {
        "users" => {
            let role: chitieu_domain::permission::Role = get("role").parse().map_err(invalid)?;
            let unit = unit("unit")?;
            actions::add_user(
                &s,
                &me,
                &chitieu_store::NewUser {
                    login: get("login"),
                    display_name: if get("name").is_empty() {
                        get("login")
                    } else {
                        get("name")
                    },
                    role,
                    unit: &unit,
                    password: f.get("password").map_or("", |p| p),
                },
            )
            .await
            .map_err(refused)?;
        }
        "heads" => {
            let h = chitieu_domain::Head {
                unit: unit("unit")?,
                person: get("person").to_string(),
                title: get("title").to_string(),
                term_start: date("start")?
                    .ok_or_else(|| invalid("cần ngày bắt đầu nhiệm kỳ".into()))?,
                term_end: date("end")?,
            };
            actions::add_head(&s.app, &me, &h).await.map_err(refused)?;
        }
        "targets" => {
            let owner = snapshot(&s, tr)
                .await?
                .plan
                .as_ref()
                .map(|p| p.plan.owner.clone())
                .ok_or(PageError::NotFound(tr))?;
            let t = chitieu_domain::Target {
                indicator: get("indicator").to_string(),
                unit: if get("unit").is_empty() {
                    owner
                } else {
                    unit("unit")?
                },
                year: get("year")
                    .parse()
                    .map_err(|_| invalid(format!("năm \"{}\" không hợp lệ", get("year"))))?,
                comparator: get("comparator").parse().map_err(invalid)?,
                value: chitieu_domain::value::parse_figure("value", get("value"))
                    .map_err(|e| invalid(e.reason))?
                    .ok_or_else(|| invalid("cần giá trị mục tiêu".into()))?,
                wording: get("wording").to_string(),
            };
            actions::set_target(&s.app, &me, &t)
                .await
                .map_err(refused)?;
        }
        "indicators" => {
            actions::update_indicator(
                &s,
                &me,
                get("code"),
                &chitieu_store::IndicatorEdit {
                    name: get("name").to_string(),
                    name_en: get("name_en").to_string(),
                    definition: get("definition").to_string(),
                    data_source: get("data_source").to_string(),
                    lead_unit: unit("lead_unit")?,
                },
            )
            .await
            .map_err(refused)?;
        }
        "units" => {
            let u = chitieu_domain::Unit {
                code: unit("code")?,
                name: get("name").to_string(),
                kind: get("kind").parse().map_err(invalid)?,
                division_type: None,
                parent: Some(unit("parent")?),
                valid_from: date("valid_from")?.unwrap_or_else(today),
                valid_to: date("valid_to")?,
                population: None,
                officials: None,
                successors: if get("successor").is_empty() {
                    vec![]
                } else {
                    vec![unit("successor")?]
                },
            };
            actions::upsert_unit(&s.app, &me, &u)
                .await
                .map_err(refused)?;
        }
        "tokens" => {
            let role: chitieu_domain::permission::Role = get("role").parse().map_err(invalid)?;
            let token = actions::create_token(&s.app, &me, get("name"), role, &unit("unit")?)
                .await
                .map_err(refused)?;
            // Shown once, on this page; never again, nowhere else.
            return admin_page(&s, &v, true, Some((get("name").to_string(), token))).await;
        }
        "revoke-token" => {
            actions::revoke_token(&s.app, &me, get("name"))
                .await
                .map_err(refused)?;
        }
        _ => return Err(PageError::NotFound(tr)),
    }
    Ok(Redirect::to("/admin?saved=1").into_response())
}
