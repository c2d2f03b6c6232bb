//! Server-rendered pages, one module a page. Handlers read the snapshot, ask the domain
//! and the app what may be done, and fill a typed template. Every figure comes from the
//! engine. The modules share the imports and helpers below (`use super::*`).

mod admin;
mod entry;
mod evidence;
mod indicator;
mod login;
mod my;
mod overview;
mod public;
mod tasks;
mod units;

pub use admin::{admin, admin_save};
pub use entry::{entry_form, entry_save};
pub use evidence::evidence;
pub use indicator::indicator;
pub use login::{login, login_form, logout, set_lang};
pub use my::my_work;
pub use overview::overview;
pub use public::public;
pub use tasks::{task, task_progress, tasks};
pub use units::unit;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chitieu_analytics::assess::Row;
use chitieu_domain::permission::{Action, in_scope, may_enter, role_allows};
use chitieu_domain::{Indicator, Period, PeriodKind, TaskStatus, UnitCode, ValueState};
use chitieu_store::{SessionUser, ValueFilter};
use serde::Deserialize;
use std::collections::HashMap;

use crate::AppState;
use crate::auth::{LANG_COOKIE, LOGIN_CSRF_COOKIE, SESSION_COOKIE, Viewer};
use crate::error::{Or500, PageError, PageResult};
use crate::i18n::Tr;
use chitieu_app::actions::{self, ActionError, EvidenceItem, ValueItem};
use chitieu_app::live::{Snapshot, today};

/// A URL-encoded form, read only when the handler asks, after it has checked who is asking:
/// someone who may not post learns nothing from how the body was refused. A body that
/// cannot be read becomes the 422 page, one over the size limit the 413 page.
pub struct LazyForm(Result<HashMap<String, String>, StatusCode>);

impl<S: Send + Sync> axum::extract::FromRequest<S> for LazyForm {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        Ok(LazyForm(
            Form::<HashMap<String, String>>::from_request(req, state)
                .await
                .map(|Form(f)| f)
                .map_err(|e| e.status()),
        ))
    }
}

impl LazyForm {
    fn read(self, tr: Tr) -> Result<HashMap<String, String>, PageError> {
        self.0.map_err(|status| {
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                PageError::TooLarge(tr)
            } else {
                PageError::Invalid(tr, tr.t("bad_form").to_string())
            }
        })
    }
}

/// What every page shows around its content: the language, who is signed in, and whether
/// they see the administration link.
pub struct Chrome {
    pub t: Tr,
    pub user: Option<SessionUser>,
    pub admin: bool,
}

impl Chrome {
    pub fn of(v: &Viewer) -> Chrome {
        Chrome {
            t: v.tr,
            user: v.user.clone(),
            admin: is_admin(&v.user),
        }
    }

    /// For pages shown without a session (sign-in, errors).
    pub fn anonymous(t: Tr) -> Chrome {
        Chrome {
            t,
            user: None,
            admin: false,
        }
    }
}

fn is_admin(u: &Option<SessionUser>) -> bool {
    u.as_ref()
        .is_some_and(|u| role_allows(u.role, Action::Administer))
}

async fn snapshot<'a>(
    s: &'a AppState,
    tr: Tr,
) -> Result<std::sync::RwLockReadGuard<'a, Snapshot>, PageError> {
    s.live.read().await.or_500(tr)
}

fn status_class(code: &str) -> &'static str {
    chitieu_domain::status::standing_of(code).as_str()
}

fn fmt_value(t: &Tr, v: Option<f64>) -> String {
    v.map(|v| t.num(v, 2)).unwrap_or_else(|| "—".into())
}

fn target_text(t: &Tr, r: &Row, unit_of_measure: &str) -> String {
    let sign = match r.comparator {
        ">=" => "≥",
        "<=" => "≤",
        c => c,
    };
    format!(
        "{sign} {} {unit_of_measure} ({})",
        t.num(r.target_value, 2),
        r.target_year
    )
}

fn current_row<'a>(rows: &'a [Row], code: &str) -> Option<&'a Row> {
    let mine: Vec<&Row> = rows.iter().filter(|r| r.indicator == code).collect();
    mine.iter().find(|r| r.current).or(mine.last()).copied()
}

/// A target with the latest figure and where it stands, as the unit and public pages list
/// them.
struct StandingRow {
    code: String,
    name: String,
    latest: String,
    target: String,
    class: &'static str,
    status: &'static str,
}

/// One [`StandingRow`] per assessment row; `with_unit` writes the unit of measure after the
/// latest figure.
fn standing_rows(
    plan: &chitieu_domain::default_plan::PlanFile,
    rows: &[Row],
    tr: Tr,
    with_unit: bool,
) -> Vec<StandingRow> {
    rows.iter()
        .filter_map(|r| {
            let ind = plan.indicator(&r.indicator)?;
            let latest = fmt_value(&tr, r.latest_value);
            Some(StandingRow {
                code: r.indicator.clone(),
                name: if tr.is_en() {
                    ind.name_en.clone()
                } else {
                    ind.name.clone()
                },
                latest: if with_unit {
                    format!("{latest} {}", ind.unit_of_measure)
                } else {
                    latest
                },
                target: target_text(&tr, r, &ind.unit_of_measure),
                class: status_class(r.status),
                status: tr.status(r.status),
            })
        })
        .collect()
}

fn unit_name(snap: &Snapshot, code: &UnitCode) -> String {
    snap.unit(code)
        .map_or_else(|| code.to_string(), |u| u.name.clone())
}

/// A multipart form: its text fields and its files (field, file name, bytes).
pub struct MultiForm {
    pub fields: HashMap<String, String>,
    pub files: Vec<(String, String, Vec<u8>)>,
}

/// Reads a multipart form. A body over the upload limit is a 413; one that cannot be read
/// is a 422 saying so.
pub async fn read_multipart(
    mut mp: axum::extract::Multipart,
    tr: Tr,
) -> Result<MultiForm, PageError> {
    let refused = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            PageError::TooLarge(tr)
        } else {
            PageError::Invalid(tr, tr.t("bad_form").to_string())
        }
    };
    let mut out = MultiForm {
        fields: HashMap::new(),
        files: Vec::new(),
    };
    while let Some(field) = mp.next_field().await.map_err(refused)? {
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            Some(file) => {
                let bytes = field.bytes().await.map_err(refused)?;
                if !file.is_empty() && !bytes.is_empty() {
                    out.files.push((name, file, bytes.to_vec()));
                }
            }
            None => {
                let text = field.text().await.map_err(refused)?;
                out.fields.insert(name, text);
            }
        }
    }
    Ok(out)
}

/// Any path that is not a route: the 404 page, or for the API its JSON error.
pub async fn not_found(v: Viewer, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::api::not_found_json();
    }
    PageError::NotFound(v.tr).into_response()
}
