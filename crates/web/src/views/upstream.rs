//! The province's delivery to the central instance, for the plan owner's administrators and
//! standing office: how it stands, where it goes, what the centre refused and why, and
//! sending that again.

use super::common::*;

#[derive(Template, WebTemplate)]
#[template(path = "admin_upstream.html")]
struct UpstreamPage {
    c: Chrome,
    csrf: String,
    done: Option<&'static str>,
    url: String,
    system: String,
    /// (label, value) of how delivery stands.
    facts: Vec<(&'static str, String)>,
    rejected: u64,
    /// (indicator, unit, period, reason, when) of the refused figures, most recent first.
    refused: Vec<(String, String, String, String, String)>,
    /// The code mapping figures go up in, as CSV rows `part,code,external`.
    mapping: String,
}

#[derive(Deserialize)]
pub struct UpstreamQuery {
    done: Option<String>,
}

/// Refused figures the page lists; the command line lists them all.
const REFUSED_SHOWN: u64 = 200;

pub async fn admin_upstream(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<UpstreamQuery>,
) -> PageResult {
    let tr = v.tr;
    let me = v.user()?.clone();
    let d = chitieu_app::upstream::delivery(&s.app, &me)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    let refused = chitieu_app::upstream::refused(&s.app, &me, REFUSED_SHOWN)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    let system = d
        .system
        .clone()
        .unwrap_or_else(|| chitieu_app::upstream::CENTRAL.to_string());
    let mapping = mapping_table(&s, &system, tr).await?;
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(chitieu_domain::clock::vietnam_time_vi)
            .unwrap_or_else(|| "—".into())
    };
    Ok(UpstreamPage {
        c: Chrome::of(&v),
        csrf: me.csrf.clone(),
        done: match q.done.as_deref() {
            Some("saved") => Some(tr.t("upstream_saved")),
            Some("resent") => Some(tr.t("upstream_resent")),
            Some("mapping") => Some(tr.t("upstream_mapping_saved")),
            _ => None,
        },
        url: d.url.clone().unwrap_or_default(),
        system,
        mapping,
        facts: vec![
            ("upstream_pending", d.pending.to_string()),
            (
                "upstream_oldest",
                d.oldest_pending_seconds
                    .map_or_else(|| "—".into(), |s| s.to_string()),
            ),
            ("upstream_last_success", when(d.last_success)),
            (
                "upstream_last_error",
                d.last_error.clone().unwrap_or_else(|| "—".into()),
            ),
        ],
        rejected: d.rejected,
        refused: refused
            .into_iter()
            .map(|r| (r.indicator, r.unit, r.period, r.reason, when(r.at)))
            .collect(),
    }
    .into_response())
}

/// Names the central instance from the page.
pub async fn admin_upstream_save(State(s): State<AppState>, v: Viewer, f: LazyForm) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let f = f.read(tr)?;
    let me = v.check_csrf(&f)?.clone();
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let system = match get("system").trim() {
        "" => chitieu_app::upstream::CENTRAL,
        s => s,
    };
    chitieu_app::upstream::set(&s.app, &me, system, get("url"), get("token"))
        .await
        .map_err(|e| PageError::action(tr, e))?;
    Ok(Redirect::to("/admin/upstream?done=saved").into_response())
}

/// Sends the refused figures again.
pub async fn admin_upstream_resend(
    State(s): State<AppState>,
    v: Viewer,
    f: LazyForm,
) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let f = f.read(tr)?;
    let me = v.check_csrf(&f)?.clone();
    chitieu_app::upstream::resend(&s.app, &me)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    Ok(Redirect::to("/admin/upstream?done=resent").into_response())
}

/// Replaces the code mapping figures go up in (the upstream's, else `central`), all or
/// nothing; the plan owner's administrators only.
pub async fn admin_upstream_mapping(
    State(s): State<AppState>,
    v: Viewer,
    f: LazyForm,
) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let f = f.read(tr)?;
    let me = v.check_csrf(&f)?.clone();
    let csv = mapping_csv(f.get("rows").map(String::as_str).unwrap_or(""));
    let system = chitieu_app::upstream::delivery(&s.app, &me)
        .await
        .map_err(|e| PageError::action(tr, e))?
        .system
        .unwrap_or_else(|| chitieu_app::upstream::CENTRAL.to_string());
    s.app
        .replace_mapping(&me, &system, csv.as_bytes(), tr.t("upstream_mapping"))
        .await
        .map_err(|e| match e {
            chitieu_app::actions::ActionError::Invalid(m) => PageError::invalid(tr, m),
            e => PageError::action(tr, e),
        })?;
    Ok(Redirect::to("/admin/upstream?done=mapping").into_response())
}
