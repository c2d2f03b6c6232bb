//! The JSON API under `/api/v1`: bearer tokens for machine clients, the session cookie (with
//! the `X-CSRF-Token` header for writes) for the pages' own scripts. Errors are
//! `{code, message, message_en}`. The route table here is the one the router is built from,
//! the one the OpenAPI test reads, and the one the authorisation matrix test walks.

mod admin;
mod assessment;
mod error;
mod extract;
mod indicators;
mod tasks;
mod units;
mod values;

pub use error::ApiError;
pub use extract::{ApiJson, ApiPath, ApiQuery, Caller, FigureText, parse_json};
pub use values::{MAX_BATCH, ValueIn, ValuesIn, value_items};

use admin::{add_head, add_user, create_token, list_tokens, me, revoke_token, set_target, users};
use assessment::{assessment, early_warning, figure};
use indicators::{indicator, indicators};
use tasks::{task, task_progress, tasks};
use units::{unit, units};
use values::{put_values, values};

use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use axum::{Json, Router};
use axum_extra::extract::cookie::CookieJar;
use chitieu_domain::permission::{Action, Role, role_allows};
use chitieu_domain::value::ValueText;
use chitieu_domain::{Period, UnitCode, ValueState};
use chitieu_store::{SessionUser, ValueFilter};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

use crate::AppState;
use crate::auth::{SESSION_COOKIE, constant_time_eq};
use chitieu_app::actions::{self, ActionError, ValueItem};
use chitieu_app::live::{BadInput, Snapshot, today};

const OPENAPI: &str = include_str!("../../openapi.json");

/// Every API route: method, path, handler.
pub fn routes() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    vec![
        (Method::GET, "/api/v1/openapi.json", get(openapi)),
        (Method::GET, "/api/v1/indicators", get(indicators)),
        (Method::GET, "/api/v1/indicators/{code}", get(indicator)),
        (Method::GET, "/api/v1/assessment", get(assessment)),
        (Method::GET, "/api/v1/early-warning", get(early_warning)),
        (Method::GET, "/api/v1/figures", get(figure)),
        (Method::GET, "/api/v1/units", get(units)),
        (Method::GET, "/api/v1/units/{code}", get(unit)),
        (Method::GET, "/api/v1/values", get(values)),
        (Method::POST, "/api/v1/values", post(put_values)),
        (Method::GET, "/api/v1/tasks", get(tasks)),
        (Method::GET, "/api/v1/tasks/{code}", get(task)),
        (
            Method::POST,
            "/api/v1/tasks/{code}/progress",
            post(task_progress),
        ),
        (Method::POST, "/api/v1/targets", post(set_target)),
        (Method::POST, "/api/v1/heads", post(add_head)),
        (Method::POST, "/api/v1/users", post(add_user)),
        (Method::GET, "/api/v1/me", get(me)),
        (Method::GET, "/api/v1/users", get(users)),
        (Method::POST, "/api/v1/tokens", post(create_token)),
        (Method::GET, "/api/v1/tokens", get(list_tokens)),
        (
            Method::DELETE,
            "/api/v1/tokens/{name}",
            axum::routing::delete(revoke_token),
        ),
    ]
}

pub fn router() -> Router<AppState> {
    let mut r = Router::new();
    let mut by_path: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
    for (_, path, handler) in routes() {
        match by_path.iter_mut().find(|(p, _)| *p == path) {
            Some((_, mr)) => *mr = std::mem::take(mr).merge(handler),
            None => by_path.push((path, handler)),
        }
    }
    for (path, mr) in by_path {
        r = r.route(path, mr);
    }
    r.method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "Đường dẫn này không nhận phương thức đó",
        "This path does not accept that method",
    )
}

/// Any path under `/api/` that is not a route.
pub fn not_found_json() -> Response {
    ApiError::not_found("đường dẫn API").into_response()
}

type ApiResult<T> = Result<Json<T>, ApiError>;

async fn snap(s: &AppState) -> Result<std::sync::RwLockReadGuard<'_, Snapshot>, ApiError> {
    Ok(s.live.read().await?)
}

/// A `YYYY-MM-DD` date; empty is none.
fn parse_date(s: Option<&str>) -> Result<Option<chrono::NaiveDate>, BadInput> {
    chitieu_domain::text::parse_date(s.unwrap_or("")).map_err(BadInput)
}

pub async fn healthz(State(s): State<AppState>) -> ApiResult<serde_json::Value> {
    s.store.meta("health-check").await?;
    Ok(Json(serde_json::json!({"status": "ok"})))
}

async fn openapi(_c: Caller) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// The embedded API viewer.
pub async fn docs() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        include_str!("../../assets/apidocs.html"),
    )
        .into_response()
}

#[derive(Serialize)]
struct Done {
    ok: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every route in the router is in the OpenAPI document, and every documented route exists.
    #[test]
    fn openapi_matches_the_routes() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
        assert_eq!(doc["openapi"].as_str().unwrap().chars().next(), Some('3'));
        let mut documented: Vec<(String, String)> = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                documented.push((method.to_uppercase(), path.clone()));
            }
        }
        let mut routed: Vec<(String, String)> = routes()
            .iter()
            .map(|(m, p, _)| (m.to_string(), p.to_string()))
            .collect();
        documented.sort();
        routed.sort();
        assert_eq!(routed, documented);
    }
}
