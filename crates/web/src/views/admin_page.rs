//! The administration page: its model and how it is built from the snapshot, within the
//! administrator's scope.

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
pub(in crate::views) struct Failed {
    pub(super) form: String,
    pub(super) message: String,
    pub(super) fields: HashMap<String, String>,
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
    saved: Option<&'static str>,
    /// A token just created: shown this once.
    new_token: Option<ShownOnce>,
    /// The rest: the same for an administrator until something it shows changes, kept per
    /// snapshot (unless a refused form comes back filled).
    body: Part,
}

#[derive(Template)]
#[template(path = "admin_body.html")]
struct AdminBody {
    /// Words only.
    c: Chrome,
    csrf: &'static str,
    roles: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    indicator_codes: Vec<String>,
    users: Vec<UserRow>,
    indicators: Vec<IndicatorRow>,
    forms: Vec<FormRow>,
    frequencies: Vec<(&'static str, &'static str)>,
    /// The first [`HEADS_SHOWN`] heads within the administrator's scope, and how many there are.
    heads: Vec<(String, String, String)>,
    heads_total: usize,
    /// Administrators (not the secretariat) manage tokens.
    can_tokens: bool,
    /// name, role, unit, created by and on, revoked
    tokens: Vec<TokenRow>,
    /// The accountable offices a head may hold.
    offices: Vec<(&'static str, &'static str)>,
    failed: Option<Failed>,
    /// The DHIS2 code mapping as rows "part,code,external", for the plan owner's
    /// administrators; `None` for others.
    mappings: Option<String>,
    /// The two-step policy for the plan owner's administrators: each role (code, label,
    /// required) and the days a device is remembered.
    policy: Option<(Vec<RoleChoice>, u32)>,
}

/// A role as a checkbox: its code, its label, whether it is ticked.
type RoleChoice = (&'static str, &'static str, bool);

impl AdminBody {
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

/// The administration page for the signed-in administrator: accounts, heads and tokens
/// within their scope.
pub(super) async fn admin_page(
    s: &AppState,
    v: &Viewer,
    saved: Option<&'static str>,
    new_token: Option<ShownOnce>,
    failed: Option<Failed>,
) -> PageResult {
    let tr = v.tr;
    let snap = snapshot(s, tr).await?;
    let me = v.require(Action::Administer, &snap.units, None)?.clone();
    // A refused form comes back filled: that page is this administrator's only.
    let body = match failed {
        Some(failed) => Part::fresh(admin_body(s, &snap, &me, tr, Some(failed)).await?, &me),
        None => {
            // Per administrator: their own account is listed without the actions on it.
            let key = part_key(&snap, tr, &me, &format!("admin|{}", me.login));
            match kept_part(&snap, &me, &key) {
                Some(body) => body,
                None => {
                    let text = admin_body(s, &snap, &me, tr, None).await?;
                    keep_part(&snap, tr, &me, key, text)?
                }
            }
        }
    };
    Ok(AdminPage {
        c: Chrome::of(v),
        saved,
        new_token,
        body,
    }
    .into_response())
}

/// The administration page's content for `me`, rendered: accounts, tokens and the plan's
/// settings read from the database, the rest from the snapshot.
async fn admin_body(
    s: &AppState,
    snap: &Snapshot,
    me: &Actor,
    tr: Tr,
    failed: Option<Failed>,
) -> Result<String, PageError> {
    let users = chitieu_app::accounts::accounts(&s.app, me)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    let can_tokens = role_allows(me.role, Action::IssueTokens);
    let tokens = if can_tokens {
        actions::tokens(&s.app, me)
            .await
            .map_err(|e| PageError::action(tr, e))?
    } else {
        Vec::new()
    };
    let (policy, mappings) = plan_settings(s, snap, me, tr).await?;
    AdminBody::new(
        tr,
        me,
        snap,
        Held {
            users,
            tokens,
            can_tokens,
            mappings,
            policy,
        },
        failed,
    )
    .render()
    .or_500(tr)
}

use chitieu_domain::permission::Role;

/// For the plan owner's administrators: the two-step policy and the DHIS2 code mapping as
/// rows "part,code,external"; `None` for others.
async fn plan_settings(
    s: &AppState,
    snap: &Snapshot,
    me: &Actor,
    tr: Tr,
) -> Result<(Option<chitieu_app::TwoFactorPolicy>, Option<String>), PageError> {
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    if !chitieu_domain::permission::may_edit_plan(&snap.units, me.role, &me.unit, &plan.plan.owner)
    {
        return Ok((None, None));
    }
    let policy = chitieu_app::two_factor::policy(&s.app)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    let mappings = mapping_table(s, MAPPED_SYSTEM, tr).await?;
    Ok((Some(policy), Some(mappings)))
}

/// The kinds of unit an administrator may create.
const UNIT_KINDS: [chitieu_domain::UnitKind; 5] = [
    chitieu_domain::UnitKind::Department,
    chitieu_domain::UnitKind::Commune,
    chitieu_domain::UnitKind::Ward,
    chitieu_domain::UnitKind::Enterprise,
    chitieu_domain::UnitKind::Other,
];

/// The system whose code mapping the page edits (the command line takes any name).
pub(super) const MAPPED_SYSTEM: &str = "dhis2";

/// The plan's indicators with their targets (a recurring target once, with its span).
fn indicator_rows(snap: &Snapshot, tr: Tr) -> Vec<IndicatorRow> {
    let Some(plan) = snap.plan.as_ref() else {
        return Vec::new();
    };
    plan.indicators
        .iter()
        .map(|i| {
            let targets: Vec<String> = plan
                .targets
                .iter()
                .filter(|t| t.indicator == i.code)
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
                lead: unit_name(snap, &i.lead_unit),
            }
        })
        .collect()
}

fn form_rows(snap: &Snapshot, tr: Tr) -> Vec<FormRow> {
    let Some(plan) = snap.plan.as_ref() else {
        return Vec::new();
    };
    plan.forms
        .iter()
        .map(|f| FormRow {
            code: f.code.clone(),
            name: f.name.clone(),
            frequency: tr.label(f.frequency),
            due_days: f.due_days,
            reported_by: f
                .reported_by
                .iter()
                .map(|k| tr.label(k))
                .collect::<Vec<_>>()
                .join(", "),
            indicators: f.indicators.join(", "),
        })
        .collect()
}

/// Heads the page lists; a nation's thousands are on the units' own pages.
const HEADS_SHOWN: usize = 100;

/// Heads of units within the administrator's scope (the first [`HEADS_SHOWN`]): unit, person
/// and title, term.
fn head_rows(snap: &Snapshot, me: &Actor, tr: Tr) -> Vec<(String, String, String)> {
    snap.heads
        .iter()
        .filter(|h| snap.within(&me.unit, &h.unit))
        .take(HEADS_SHOWN)
        .map(|h| {
            (
                unit_name(snap, &h.unit),
                format!("{}, {}", h.person, h.title),
                format!(
                    "{} – {}",
                    tr.date(&h.term_start),
                    h.term_end.map(|d| tr.date(&d)).unwrap_or_default()
                ),
            )
        })
        .collect()
}

/// A secret shown once, on this page: what it is (a words key), whose, the secret.
pub(super) type ShownOnce = (&'static str, String, String);

/// An account as the page lists it, with what the administrator may do to it.
pub(super) struct UserRow {
    login: String,
    name: String,
    role: String,
    unit: String,
    state: &'static str,
    state_code: &'static str,
    active: bool,
    manage: bool,
    two_factor: bool,
}

/// What the page lists besides the snapshot: accounts, tokens, the code mapping, the
/// two-step policy.
struct Held {
    users: Vec<chitieu_app::Account>,
    tokens: Vec<chitieu_app::TokenInfo>,
    can_tokens: bool,
    mappings: Option<String>,
    policy: Option<chitieu_app::TwoFactorPolicy>,
}

impl AdminBody {
    fn new(tr: Tr, me: &Actor, snap: &Snapshot, held: Held, failed: Option<Failed>) -> AdminBody {
        let Held {
            users,
            tokens,
            can_tokens,
            mappings,
            policy,
        } = held;
        AdminBody {
            c: Chrome::new(tr, None),
            csrf: CSRF_SLOT,
            roles: Role::ALL
                .iter()
                .filter(|r| chitieu_domain::permission::may_grant_role(me.role, **r))
                .map(|r| (r.as_str(), tr.label(r)))
                .collect(),
            kinds: UNIT_KINDS
                .iter()
                .map(|k| (k.as_str(), tr.label(k)))
                .collect(),
            indicator_codes: snap
                .plan
                .iter()
                .flat_map(|p| p.indicators.iter().map(|i| i.code.clone()))
                .collect(),
            users: users
                .iter()
                .map(|a| UserRow {
                    login: a.login.clone(),
                    name: a.display_name.clone(),
                    role: tr.label(a.role).into(),
                    unit: unit_name(snap, &a.unit),
                    state: tr.t(if !a.active {
                        "account_disabled"
                    } else if a.must_change {
                        "account_must_change"
                    } else {
                        "account_active"
                    }),
                    state_code: if a.active { "active" } else { "disabled" },
                    active: a.active,
                    two_factor: a.two_factor,
                    manage: a.login != me.login
                        && chitieu_domain::permission::may_administer(
                            &snap.units,
                            me.role,
                            &me.unit,
                            &a.unit,
                        )
                        && chitieu_domain::permission::may_grant_role(me.role, a.role),
                })
                .collect(),
            indicators: indicator_rows(snap, tr),
            forms: form_rows(snap, tr),
            frequencies: chitieu_domain::report::FORM_FREQUENCIES
                .iter()
                .map(|k| (k.as_str(), tr.label(k)))
                .collect(),
            heads_total: snap
                .heads
                .iter()
                .filter(|h| snap.within(&me.unit, &h.unit))
                .count(),
            heads: head_rows(snap, me, tr),
            can_tokens,
            tokens: tokens
                .iter()
                .map(|t| TokenRow {
                    name: t.name.clone(),
                    role: tr.label(t.role),
                    unit: unit_name(snap, &t.unit),
                    created: format!("{}, {}", t.created_by, tr.date(&t.created_at.date_naive())),
                    revoked: t.revoked,
                })
                .collect(),
            offices: chitieu_domain::head::Office::ALL
                .iter()
                .map(|o| (o.as_str(), tr.label(o)))
                .collect(),
            failed,
            mappings,
            policy: policy.map(|p| {
                (
                    Role::ALL
                        .iter()
                        .map(|r| (r.as_str(), tr.label(r), p.requires(*r)))
                        .collect(),
                    p.remember_days,
                )
            }),
        }
    }
}
