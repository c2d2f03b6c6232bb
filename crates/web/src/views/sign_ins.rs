//! The sign-in log for administrators: who signed in, when, from where and how it ended,
//! accounts within their scope (and logins that name no account for the plan's
//! administrators), newest first, a page at a time.

use super::common::*;

#[derive(Template, WebTemplate)]
#[template(path = "sign_ins.html")]
struct SignInsPage {
    c: Chrome,
    login: String,
    rows: Vec<Row>,
    /// The link to the next, older page.
    older: Option<String>,
}

struct Row {
    at: String,
    login: String,
    unit: String,
    addr: String,
    agent: String,
    outcome: &'static str,
    outcome_code: &'static str,
}

#[derive(Deserialize)]
pub struct SignInsQuery {
    login: Option<String>,
    /// The id to list entries older than; not a number, the newest.
    before: Option<String>,
}

pub async fn sign_ins(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<SignInsQuery>,
) -> PageResult {
    let tr = v.tr;
    let snap = snapshot(&s, tr).await?;
    let me = v.require(Action::Administer, &snap.units, None)?.clone();
    let login = q
        .login
        .unwrap_or_default()
        .trim()
        .chars()
        .take(64)
        .collect::<String>();
    let entries = chitieu_app::two_factor::sign_ins(
        &s.app,
        &me,
        Some(&login),
        q.before.and_then(|b| b.trim().parse().ok()),
    )
    .await
    .map_err(|e| PageError::action(tr, e))?;
    let older = (entries.len() as u64 == chitieu_app::two_factor::LOG_PAGE)
        .then(|| entries.last().map(|e| e.id))
        .flatten()
        .map(|id| {
            let l: String = form_urlencoded::byte_serialize(login.as_bytes()).collect();
            format!("/admin/sign-ins?login={l}&before={id}")
        });
    let rows = entries
        .into_iter()
        .map(|e| {
            let code: &'static str = e.outcome.into();
            Row {
                at: chitieu_domain::clock::vietnam_time_vi(e.at),
                unit: e
                    .unit
                    .map(|u| unit_name(&snap, &u))
                    .unwrap_or_else(|| tr.t("unknown_login").to_string()),
                login: e.login,
                addr: e.addr.unwrap_or_default(),
                agent: e.agent.unwrap_or_default(),
                outcome: tr.t(&format!("outcome_{code}")),
                outcome_code: code,
            }
        })
        .collect();
    Ok(SignInsPage {
        c: Chrome::of(&v),
        login,
        rows,
        older,
    }
    .into_response())
}
