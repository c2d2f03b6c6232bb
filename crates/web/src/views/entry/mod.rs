//! Data entry: a form per unit and period, written through the one write path.

use super::common::*;
mod posted;

use super::entry_help::{default_unit, hint, period_kinds, period_options, period_warning};
use super::entry_reports::{EntryReport, entry_reports, load_entry_reports};
use posted::{Posted, show_conflicts, show_errors};

pub struct Field {
    code: String,
    name: String,
    unit_of_measure: String,
    ratio: bool,
    /// What numerator/denominator is multiplied by (100 for a percentage).
    factor: String,
    num_label: String,
    den_label: String,
    value: String,
    numerator: String,
    denominator: String,
    comment: String,
    state: Option<&'static str>,
    evidence: Vec<chitieu_app::EvidenceInfo>,
    error: Option<String>,
    /// The stored version the form was opened at (0: none yet); sent back with a save so
    /// that a change made meanwhile by someone else is not silently overwritten.
    version: i64,
    /// The figures as they were when the form was opened, to tell which fields the person
    /// changed.
    orig: [String; 4],
    /// Accepted by the standing office: shown, not editable.
    locked: bool,
    /// Someone else's change met this field's save: what happened, and their figures.
    conflict: Option<(String, String)>,
    /// The value's changes: when, who (and from where), through what, before → after.
    history: Vec<(String, String, String, String)>,
    /// The figure of the period before, and the target this figure counts towards.
    previous: Option<String>,
    target: Option<String>,
}

impl Field {
    /// An empty field for an indicator, labelled in the viewer's language.
    fn blank(i: &Indicator, tr: Tr) -> Field {
        Field {
            code: i.code.clone(),
            name: if tr.is_en() {
                i.name_en.clone()
            } else {
                i.name.clone()
            },
            unit_of_measure: uom(&tr, i).to_string(),
            ratio: i.is_ratio(),
            factor: i.ratio_factor().to_string(),
            num_label: i
                .numerator_label
                .as_deref()
                .map(|l| tr.pick(l, &i.numerator_label_en).to_string())
                .unwrap_or_else(|| tr.t("numerator").into()),
            den_label: i
                .denominator_label
                .as_deref()
                .map(|l| tr.pick(l, &i.denominator_label_en).to_string())
                .unwrap_or_else(|| tr.t("denominator").into()),
            value: String::new(),
            numerator: String::new(),
            denominator: String::new(),
            comment: String::new(),
            state: None,
            evidence: Vec::new(),
            error: None,
            version: 0,
            orig: Default::default(),
            locked: false,
            conflict: None,
            history: Vec::new(),
            previous: None,
            target: None,
        }
    }

    /// The field as stored: figures, state, version, lock and evidence.
    fn stored(
        i: &Indicator,
        tr: Tr,
        row: Option<&chitieu_app::ValueRow>,
        evidence: Vec<chitieu_app::EvidenceInfo>,
    ) -> Field {
        let dec = |d: &Option<rust_decimal::Decimal>| {
            d.map(|d| chitieu_domain::text::format_decimal_vi(&d))
                .unwrap_or_default()
        };
        let state = row.and_then(|r| r.state.parse::<ValueState>().ok());
        let value = row
            .filter(|_| !i.is_ratio())
            .map(|r| dec(&Some(r.value)))
            .unwrap_or_default();
        let numerator = row.map(|r| dec(&r.numerator)).unwrap_or_default();
        let denominator = row.map(|r| dec(&r.denominator)).unwrap_or_default();
        let comment = row.map(|r| r.comment.clone()).unwrap_or_default();
        Field {
            orig: [
                value.clone(),
                numerator.clone(),
                denominator.clone(),
                comment.clone(),
            ],
            value,
            numerator,
            denominator,
            comment,
            state: state.map(|s| tr.label(s)),
            locked: state.is_some_and(ValueState::locked),
            version: row.map_or(0, |r| r.version),
            evidence,
            ..Field::blank(i, tr)
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "entry.html")]
struct EntryPage {
    c: Chrome,
    csrf: String,
    unit_code: String,
    unit_name: String,
    unit_options: Vec<(String, String)>,
    period: String,
    period_label: String,
    period_options: Vec<(String, String)>,
    /// What was asked for could not be opened (a mistyped period or unit), and what is
    /// shown instead.
    notice: Option<String>,
    /// The period has not ended: its figures are estimates.
    warning: Option<String>,
    /// What the last save did, in words: kept as a draft, or the report sent.
    saved: Option<&'static str>,
    has_errors: bool,
    has_conflicts: bool,
    /// Some field can still be changed (not all accepted and locked).
    editable: bool,
    fields: Vec<Field>,
    /// The reports these figures go into: state, reason, history, what I may do.
    reports: Vec<EntryReport>,
    /// Why "submit" saved the figures but could not send the report.
    report_error: Option<String>,
    /// How many values a file just entered.
    uploaded: Option<usize>,
}

impl EntryPage {
    fn new(
        snap: &Snapshot,
        v: &Viewer,
        u: &Actor,
        unit: &UnitCode,
        period: &Period,
        fields: Vec<Field>,
    ) -> EntryPage {
        EntryPage {
            c: Chrome::of(v),
            csrf: u.csrf.clone(),
            unit_name: unit_name(snap, unit),
            unit_options: entry_unit_options(snap, u),
            unit_code: unit.to_string(),
            period: period.to_string(),
            period_label: v.tr.period(period),
            period_options: period_options(
                &period_kinds(snap, u, unit),
                snap.today(),
                period,
                v.tr,
            ),
            notice: None,
            warning: period_warning(period, snap.today(), v.tr),
            saved: None,
            has_errors: false,
            has_conflicts: false,
            editable: fields.iter().any(|f| !f.locked),
            fields,
            reports: Vec::new(),
            report_error: None,
            uploaded: None,
        }
    }
}

#[derive(Deserialize)]
pub struct EntryQuery {
    unit: Option<String>,
    period: Option<String>,
    saved: Option<String>,
    /// How many values a file just entered.
    uploaded: Option<usize>,
}

/// The indicators `user` may enter for `unit` in `period`; 403 when there are none because
/// the unit lies outside the user's scope.
pub(super) fn entry_indicators<'a>(
    snap: &'a Snapshot,
    user: &Actor,
    unit: &UnitCode,
    period: &Period,
    tr: Tr,
) -> Result<Vec<&'a Indicator>, PageError> {
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    let unit_rec = snap.unit(unit).ok_or(PageError::NotFound(tr))?;
    let allowed: Vec<&Indicator> = plan
        .indicators
        .iter()
        .filter(|i| {
            may_enter(
                &snap.units,
                user.role,
                &user.unit,
                &plan.plan.owner,
                i,
                unit,
            )
        })
        .collect();
    if allowed.is_empty() {
        return Err(PageError::Forbidden(tr));
    }
    Ok(allowed
        .into_iter()
        .filter(|i| {
            i.frequency == period.kind()
                && i.reported_by_kind(unit_rec.kind)
                && i.derived_from.is_none()
        })
        .collect())
}

/// A typed text as a message quotes it: at most 40 characters.
fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

fn default_period(today: chrono::NaiveDate) -> Period {
    Period::last_complete(PeriodKind::Quarter, today)
}

fn entry_unit_options(snap: &Snapshot, user: &Actor) -> Vec<(String, String)> {
    let owner = snap.plan.as_ref().map(|p| p.plan.owner.clone());
    snap.units
        .iter()
        .filter(|u| {
            snap.within(&user.unit, &u.code)
                || (Some(&u.code) == owner.as_ref()
                    && snap
                        .plan
                        .as_ref()
                        .is_some_and(|p| p.indicators.iter().any(|i| i.lead_unit == user.unit)))
        })
        .take(500)
        .map(|u| (u.code.to_string(), u.name.clone()))
        .collect()
}

/// The entry form's fields for `unit` and `period` as stored now.
async fn stored_fields(
    s: &AppState,
    tr: Tr,
    u: &Actor,
    unit: &UnitCode,
    period: &Period,
) -> Result<Vec<Field>, PageError> {
    let snap = snapshot(s, tr).await?;
    let inds: Vec<Indicator> = entry_indicators(&snap, u, unit, period, tr)?
        .into_iter()
        .cloned()
        .collect();
    let stored = s
        .app
        .values(&ValueFilter {
            indicator: None,
            unit: Some(unit.clone()),
        })
        .await
        .or_500(tr)?;
    let mut fields = Vec::with_capacity(inds.len());
    for i in &inds {
        let evidence = s
            .app
            .evidence_list(
                "value",
                &chitieu_app::value_evidence_key(&i.code, unit, period),
            )
            .await
            .or_500(tr)?;
        let row = stored
            .iter()
            .find(|r| r.indicator == i.code && r.period == *period);
        let history = s
            .app
            .value_history(&i.code, unit, period)
            .await
            .or_500(tr)?
            .into_iter()
            .map(|h| history_line(tr, h))
            .collect();
        let h = hint(&snap, i, unit, period, &stored, tr);
        fields.push(Field {
            history,
            previous: h.previous,
            target: h.target,
            ..Field::stored(i, tr, row, evidence)
        });
    }
    Ok(fields)
}

/// A change in a figure's history: (when, who and from where, what, before → after).
fn history_line(tr: Tr, h: chitieu_app::ValueChange) -> (String, String, String, String) {
    let who = if h.address.is_empty() {
        h.actor
    } else {
        format!("{} ({})", h.actor, h.address)
    };
    // Figures in the reader's notation and the state in words (once "35/39
    // (89.74358974358974358974358974)" and "(draft)").
    let figures = |f: &chitieu_app::Figures| {
        let n = |x: &str| {
            chitieu_domain::text::parse_decimal(x).map_or(x.to_string(), |d| {
                tr.separators(chitieu_domain::text::format_decimal_vi(&d))
            })
        };
        let value = chitieu_domain::text::parse_decimal(&f.value).map_or(f.value.clone(), |d| {
            tr.num(chitieu_domain::text::decimal_f64(d), 2)
        });
        match (&f.numerator, &f.denominator) {
            (Some(a), Some(b)) => format!("{}/{} ({value})", n(a), n(b)),
            _ => n(&f.value),
        }
    };
    let change = match &h.before {
        Some(b) => format!("{} → {}", figures(b), figures(&h.after)),
        None => figures(&h.after),
    };
    let what = match h
        .state
        .as_deref()
        .and_then(|st| st.parse::<ValueState>().ok())
    {
        Some(st) => format!("{} ({})", h.what, tr.label(st).to_lowercase()),
        None => h.what,
    };
    (tr.datetime(&h.at), who, what, change)
}

pub async fn entry_form(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<EntryQuery>,
) -> PageResult {
    let tr = v.tr;
    let u = v.user()?.clone();
    if !role_allows(u.role, Action::Enter) {
        return Err(PageError::Forbidden(tr));
    }
    let snap = snapshot(&s, tr).await?;
    // A mistyped unit or period opens the form for the default one, saying so: a reporter
    // who typed "Q3-2026" is helped, not sent to a 404 page.
    let mut notice = None;
    let unit = match q.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(c) => match UnitCode::parse(c).ok().filter(|c| snap.unit(c).is_some()) {
            Some(c) => c,
            None => {
                notice = Some(format!("{} \"{}\".", tr.t("unit_unknown"), clip(c)));
                default_unit(&snap, &u)
            }
        },
        None => default_unit(&snap, &u),
    };
    let period = match q.period.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => match p.parse::<Period>() {
            Ok(p) => p,
            Err(_) => {
                let shown = default_period(snap.today());
                notice = Some(format!(
                    "{} \"{}\" {} {}.",
                    tr.t("period_unknown"),
                    clip(p),
                    tr.t("period_unknown_shown"),
                    tr.period(&shown)
                ));
                shown
            }
        },
        None => default_period(snap.today()),
    };
    let fields = stored_fields(&s, tr, &u, &unit, &period).await?;
    let page = EntryPage::new(&snap, &v, &u, &unit, &period, fields);
    Ok(EntryPage {
        notice,
        saved: q.saved.as_deref().map(|w| {
            if w == "sent" {
                tr.t("saved_sent")
            } else {
                tr.t("saved_draft")
            }
        }),
        uploaded: q.uploaded,
        reports: load_entry_reports(&s, &snap, &u, &unit, &period, tr).await?,
        ..page
    }
    .into_response())
}

/// After the figures were saved as drafts, sends the reports they go into; why one could
/// not be sent, or nothing when all went.
async fn send_reports(
    s: &AppState,
    u: &Actor,
    posted: &Posted<'_>,
    tr: Tr,
) -> Result<Option<String>, PageError> {
    let snap = snapshot(s, tr).await?;
    let reports: Vec<(String, UnitCode)> = entry_reports(&snap, u, &posted.unit, &posted.period)
        .into_iter()
        .map(|(f, unit)| (f.code.clone(), unit))
        .collect();
    let comment = posted.form.get("report_comment").map_or("", String::as_str);
    match chitieu_app::reports::submit_each(&s.app, u, &reports, &posted.period, comment).await {
        Ok(()) => Ok(None),
        Err(ActionError::Invalid(m)) => Ok(Some(m)),
        Err(ActionError::Refused(r) | ActionError::NotFound(r)) => Ok(Some(tr.refusal(&r))),
        Err(ActionError::Forbidden) => Ok(Some(tr.t("forbidden").to_string())),
        Err(other) => Err(PageError::action(tr, other)),
    }
}

/// Saves the entry form. Writes only what the person changed (or, on "submit", every
/// filled field), each with the version the form was opened at, and the evidence files,
/// all in one transaction through the one write path. A field someone else changed
/// meanwhile comes back with both figures and a choice; nothing is written until every
/// such choice is made.
pub async fn entry_save(
    State(s): State<AppState>,
    v: Viewer,
    mp: axum::extract::Multipart,
) -> PageResult {
    let tr = v.tr;
    // Who is asking comes first; the body (with its files) is read only for them.
    if !role_allows(v.user()?.role, Action::Enter) {
        return Err(PageError::Forbidden(tr));
    }
    let form = read_multipart(mp, tr).await?;
    let u = v.check_csrf(&form.fields)?.clone();
    let posted = Posted::read(&form, tr)?;
    let mut fields = stored_fields(&s, tr, &u, &posted.unit, &posted.period).await?;
    let (evidence, mut has_errors) = posted.overlay(&mut fields, &form.files, tr);
    let chosen = posted.chosen(&fields);
    let outcome = if has_errors {
        Ok(0)
    } else {
        posted.write(&s, &u, &fields, &chosen, evidence).await
    };
    let mut report_error = None;
    let has_conflicts = match outcome {
        Ok(_) if !has_errors && posted.submit => {
            report_error = send_reports(&s, &u, &posted, tr).await?;
            if report_error.is_none() {
                return Ok(Redirect::to(&posted.saved_url(true)).into_response());
            }
            false
        }
        Ok(_) if !has_errors => return Ok(Redirect::to(&posted.saved_url(false)).into_response()),
        Ok(_) => false,
        Err(ActionError::InvalidItems(errors)) => {
            has_errors = true;
            show_errors(&mut fields, &chosen, errors, tr);
            false
        }
        Err(ActionError::Conflict(conflicts)) => {
            show_conflicts(&mut fields, conflicts);
            true
        }
        Err(e) => return Err(PageError::action(tr, e)),
    };
    let snap = snapshot(&s, tr).await?;
    let page = EntryPage {
        has_errors,
        has_conflicts,
        reports: load_entry_reports(&s, &snap, &u, &posted.unit, &posted.period, tr).await?,
        report_error,
        ..EntryPage::new(&snap, &v, &u, &posted.unit, &posted.period, fields)
    };
    let status = if has_conflicts {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, page).into_response())
}
