//! Administration: accounts, heads, targets, indicators, units and tokens, within the administrator's scope.

use super::admin_form::AdminForm;
use super::common::*;

/// An indicator with its targets and lead unit, and what its edit form starts from.
struct IndicatorRow {
    code: String,
    name: String,
    name_en: String,
    definition: String,
    data_source: String,
    lead_code: String,
    targets: String,
    lead: String,
}

/// A form the administrator sent that was refused: which form, why, and what was typed
/// (never the password), so that the form comes back filled with the reason beside it.
pub(super) struct Failed {
    form: String,
    message: String,
    fields: HashMap<String, String>,
}

/// A report form as the page lists it.
struct FormRow {
    code: String,
    name: String,
    frequency: &'static str,
    due_days: u32,
    reported_by: String,
    indicators: String,
}

/// A bearer token, never the secret.
struct TokenRow {
    name: String,
    role: &'static str,
    unit: String,
    created: String,
    revoked: bool,
}

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
    indicators: Vec<IndicatorRow>,
    forms: Vec<FormRow>,
    frequencies: Vec<(&'static str, &'static str)>,
    heads: Vec<(String, String, String)>,
    /// Administrators (not the secretariat) manage tokens.
    can_tokens: bool,
    /// name, role, unit, created by and on, revoked
    tokens: Vec<TokenRow>,
    /// A token just created: shown this once.
    new_token: Option<(String, String)>,
    /// Units within the administrator's scope, to pick from: (code, name).
    unit_choices: Vec<(String, String)>,
    /// The accountable offices a head may hold.
    offices: Vec<(&'static str, &'static str)>,
    failed: Option<Failed>,
    /// The DHIS2 code mapping as rows "part,code,external", for the plan owner's
    /// administrators; `None` for others.
    mappings: Option<String>,
}

impl AdminPage {
    /// The refusal to show on form `form`, if that is the one that was refused.
    fn error_for(&self, form: &str) -> Option<&str> {
        self.failed
            .as_ref()
            .filter(|f| f.form == form)
            .map(|f| f.message.as_str())
    }

    /// What was typed in field `k` of form `form`, when that form comes back refused.
    fn val(&self, form: &str, k: &str) -> &str {
        self.failed
            .as_ref()
            .filter(|f| f.form == form)
            .and_then(|f| f.fields.get(k))
            .map_or("", String::as_str)
    }

    /// The indicator edit form's field `k`: as typed when it was refused, else the first
    /// indicator's current value (app.js fills in the chosen one's).
    fn ind_val(&self, k: &str) -> &str {
        if self.failed.as_ref().is_some_and(|f| f.form == "indicators") {
            return self.val("indicators", k);
        }
        let Some(i) = self.indicators.first() else {
            return "";
        };
        match k {
            "code" => &i.code,
            "name" => &i.name,
            "name_en" => &i.name_en,
            "definition" => &i.definition,
            "data_source" => &i.data_source,
            "lead_unit" => &i.lead_code,
            _ => "",
        }
    }

    /// A checkbox of a refused form as it was sent.
    fn checked(&self, form: &str, k: &str) -> bool {
        !self.val(form, k).is_empty()
    }
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
    admin_page(&s, &v, q.saved.is_some(), None, None).await
}

/// The administration page for the signed-in administrator: accounts, heads and tokens
/// within their scope.
async fn admin_page(
    s: &AppState,
    v: &Viewer,
    saved: bool,
    new_token: Option<(String, String)>,
    failed: Option<Failed>,
) -> PageResult {
    let tr = v.tr;
    let snap_units = snapshot(s, tr).await?.units.clone();
    let me = v.require(Action::Administer, &snap_units, None)?.clone();
    let users = actions::users(&s.app, &me)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    let can_tokens = role_allows(me.role, Action::IssueTokens);
    let tokens = if can_tokens {
        actions::tokens(&s.app, &me)
            .await
            .map_err(|e| PageError::action(tr, e))?
    } else {
        Vec::new()
    };
    let snap = snapshot(s, tr).await?;
    let heads = &snap.heads;
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
        .map(|k| {
            (
                k.as_str(),
                if tr.is_en() {
                    k.label_en()
                } else {
                    k.label_vi()
                },
            )
        })
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
                    // A recurring target once, with its span.
                    .filter(|t| t.every_year.is_none_or(|span| span.from == t.year))
                    .map(|t| {
                        let years = match t.every_year {
                            Some(span) => span_text(&tr, span),
                            None => t.year.to_string(),
                        };
                        format!(
                            "{} {} ({years}) — “{}”",
                            t.comparator.sign(),
                            t.value,
                            t.wording
                        )
                    })
                    .collect();
                IndicatorRow {
                    code: i.code.clone(),
                    name: i.name.clone(),
                    name_en: i.name_en.clone(),
                    definition: i.definition.clone(),
                    data_source: i.data_source.clone(),
                    lead_code: i.lead_unit.to_string(),
                    targets: targets.join("; "),
                    lead: unit_name(&snap, &i.lead_unit),
                }
            })
            .collect(),
        forms: plan
            .forms
            .iter()
            .map(|f| FormRow {
                code: f.code.clone(),
                name: f.name.clone(),
                frequency: if tr.is_en() {
                    f.frequency.label_en()
                } else {
                    f.frequency.label_vi()
                },
                due_days: f.due_days,
                reported_by: f
                    .reported_by
                    .iter()
                    .map(|k| {
                        if tr.is_en() {
                            k.label_en()
                        } else {
                            k.label_vi()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                indicators: f.indicators.join(", "),
            })
            .collect(),
        frequencies: chitieu_domain::report::FORM_FREQUENCIES
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    if tr.is_en() {
                        k.label_en()
                    } else {
                        k.label_vi()
                    },
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
            .map(|t| TokenRow {
                name: t.name.clone(),
                role: role_label(t.role),
                unit: unit_name(&snap, &t.unit),
                created: format!("{}, {}", t.created_by, tr.date(&t.created_at.date_naive())),
                revoked: t.revoked,
            })
            .collect(),
        new_token,
        unit_choices: snap
            .units
            .iter()
            .filter(|u| u.valid_to.is_none() && in_scope(&snap.units, &me.unit, &u.code))
            .take(5000)
            .map(|u| (u.code.to_string(), u.name.clone()))
            .collect(),
        offices: chitieu_domain::head::Office::ALL
            .iter()
            .map(|o| {
                (
                    o.as_str(),
                    if tr.is_en() {
                        o.label_en()
                    } else {
                        o.label_vi()
                    },
                )
            })
            .collect(),
        failed,
        mappings: if chitieu_domain::permission::may_edit_plan(
            &snap.units,
            me.role,
            &me.unit,
            &plan.plan.owner,
        ) {
            let rows = s
                .store
                .mappings(MAPPED_SYSTEM)
                .await
                .map_err(|e| PageError::action(tr, e.into()))?;
            Some(
                rows.iter()
                    .map(|(p, c, e)| format!("{p},{c},{e}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        } else {
            None
        },
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
    let fields = form.read(tr)?;
    let me = v.check_csrf(&fields)?.clone();
    let f = AdminForm { f: &fields, tr };
    match apply(&s, &v, &me, &what, &f).await {
        Ok(Some(page)) => Ok(page),
        Ok(None) => Ok(Redirect::to("/admin?saved=1").into_response()),
        // Refused for a reason the person can fix: the same page, the form filled again
        // (never the password), the reason beside it.
        Err(PageError::Invalid(_, message)) => {
            let mut fields = fields.clone();
            fields.retain(|k, _| k != "_csrf" && k != "password");
            let page = admin_page(
                &s,
                &v,
                false,
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
    me: &SessionUser,
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
            let owner = snapshot(&s, tr)
                .await?
                .plan
                .as_ref()
                .map(|p| p.plan.owner.clone())
                .ok_or(PageError::NotFound(tr))?;
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
        "units" => {
            // The form carries neither the denominators nor the official wording of the
            // kind: an existing unit keeps its own (saving it through the form cleared the
            // population and officials of a commune).
            let mut unit = f.unit_record(s.today())?;
            if let Some(old) = snapshot(&s, tr).await?.unit(&unit.code) {
                unit.population = unit.population.or(old.population);
                unit.officials = unit.officials.or(old.officials);
                unit.division_type = unit.division_type.or_else(|| old.division_type.clone());
                // An empty start date means "today" for a new unit, not a new start.
                if f.get("valid_from").trim().is_empty() {
                    unit.valid_from = old.valid_from;
                }
            }
            actions::upsert_unit(&s.app, &me, &unit)
                .await
                .map_err(refused)?
        }
        "tokens" => {
            let role = f.role()?;
            let token = actions::create_token(&s.app, &me, f.get("name"), role, &f.unit("unit")?)
                .await
                .map_err(refused)?;
            // Shown once, on this page; never again, nowhere else.
            return admin_page(&s, v, true, Some((f.get("name").to_string(), token)), None)
                .await
                .map(Some);
        }
        "revoke-token" => actions::revoke_token(&s.app, &me, f.get("name"))
            .await
            .map_err(refused)?,
        "mappings" => {
            let snap = snapshot(&s, tr).await?;
            let owner = snap
                .plan
                .as_ref()
                .map(|p| p.plan.owner.clone())
                .ok_or(PageError::NotFound(tr))?;
            if !chitieu_domain::permission::may_edit_plan(&snap.units, me.role, &me.unit, &owner) {
                return Err(PageError::Forbidden(tr));
            }
            let table = f.get("rows");
            let csv = if table.to_ascii_lowercase().starts_with("part,code,external") {
                table.to_string()
            } else {
                format!("part,code,external\n{table}")
            };
            chitieu_app::exchange::replace_mapping(
                &s.store,
                &*snap,
                MAPPED_SYSTEM,
                csv.as_bytes(),
                tr.t("code_mapping"),
                &me.login,
            )
            .await
            .map_err(|e| match e {
                ActionError::Invalid(m) => f.invalid(m),
                e => PageError::action(tr, e),
            })?;
        }
        _ => return Err(PageError::NotFound(tr)),
    }
    Ok(None)
}

/// The system whose code mapping the page edits (the command line takes any name).
const MAPPED_SYSTEM: &str = "dhis2";
