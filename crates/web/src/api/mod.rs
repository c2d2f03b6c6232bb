//! The JSON API under `/api/v1`: bearer tokens for machine clients, the session cookie (with
//! the `X-CSRF-Token` header for writes) for the pages' own scripts. Errors are problem
//! details (`schema::Problem`). The route table here is the one the router is built from,
//! the one the OpenAPI test reads, and the one the authorisation matrix test walks; the
//! OpenAPI document is generated from the handlers and the response types in `schema`.

mod admin;
mod assessment;
mod committee;
mod common;
mod error;
mod evaluation;
mod extract;
mod indicators;
mod report;
mod reports;
pub mod schema;
mod tasks;
mod units;
mod upstream;
mod values;

pub use error::ApiError;
pub use extract::{ApiDocument, ApiJson, ApiPath, ApiQuery, Caller, FigureText, parse_json};
pub use values::{MAX_BATCH, ValueIn, ValuesIn, value_items};

use admin::{add_head, add_user, create_token, list_tokens, me, revoke_token, set_target, users};
use assessment::{assessment, early_warning, figure};
use chitieu_domain::Thing;
use indicators::{indicator, indicators};
use tasks::{create_task, programme, sign_programme, task, task_progress, tasks, update_task};
use units::{unit, units};
use values::{put_values, values};

use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use axum::{Json, Router};
use common::*;
use utoipa::OpenApi;

use crate::AppState;

/// The API's contract, generated from the handlers' annotations and the response types.
#[derive(OpenApi)]
#[openapi(
    info(title = "chitieu API", version = "1", description = INFO),
    paths(
        openapi,
        indicators::indicators,
        indicators::indicator,
        assessment::assessment,
        assessment::early_warning,
        assessment::figure,
        units::units,
        units::unit,
        values::values,
        values::put_values,
        values::push_document,
        tasks::tasks,
        tasks::task,
        tasks::task_progress,
        tasks::create_task,
        tasks::update_task,
        tasks::programme,
        evaluation::evaluation,
        evaluation::freeze,
        evaluation::ties,
        evaluation::decide_ties,
        tasks::sign_programme,
        committee::committee,
        committee::add_member,
        committee::add_meeting,
        reports::forms,
        reports::reports,
        reports::act,
        reports::completeness,
        report::report,
        admin::set_target,
        admin::add_head,
        admin::add_user,
        admin::me,
        admin::users,
        admin::create_token,
        admin::list_tokens,
        admin::revoke_token,
        upstream::upstream,
    ),
    components(schemas(Problem, FigureText)),
    modifiers(&Security),
    security(("bearer" = []), ("session" = []))
)]
pub struct ApiDoc;

const INFO: &str = "Theo dõi thực hiện Nghị quyết 57-NQ/TW. Lỗi: problem+json (RFC 9457: type, title, status, detail) kèm code, message, message_en, kèm errors (giá trị không hợp lệ) hoặc conflicts (giá trị đã bị người khác sửa, hoặc đã khóa). Xác thực: Authorization: Bearer <token> (token do quản trị viên cấp), hoặc cookie phiên kèm tiêu đề X-CSRF-Token cho thao tác ghi. Quyền được kiểm tra trước khi đọc nội dung yêu cầu. Số thập phân: gửi dạng số JSON hoặc chuỗi, được đọc chính xác (không qua số thực dấu phẩy động), tối đa 10^15 và 6 chữ số thập phân; trả về dạng chuỗi chữ số chính xác (\"62.5\"). Errors: problem+json (RFC 9457: type, title, status, detail) with code, message, message_en, with errors (invalid values) or conflicts (values changed by someone else, or locked). Authorisation is checked before the body is read. Decimals are read exactly from JSON numbers or strings (|x| ≤ 10^15, at most 6 decimals) and returned as strings of exact digits.";

/// Bearer tokens for other systems; the session cookie (with `X-CSRF-Token` on writes) for
/// the pages' scripts. Errors as `application/problem+json`, each response described.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        for item in doc.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.delete,
                &mut item.put,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                for (status, resp) in op.responses.responses.iter_mut() {
                    let utoipa::openapi::RefOr::T(r) = resp else {
                        continue;
                    };
                    if r.description.is_empty() {
                        r.description = status
                            .parse::<u16>()
                            .ok()
                            .and_then(|s| StatusCode::from_u16(s).ok())
                            .and_then(|s| s.canonical_reason())
                            .unwrap_or("")
                            .to_string();
                    }
                    if status.starts_with('2') {
                        continue;
                    }
                    if let Some(c) = r.content.shift_remove("application/json") {
                        r.content.insert("application/problem+json".to_string(), c);
                    }
                }
            }
        }
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// The document, generated once.
pub fn openapi_json() -> &'static str {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
        // Every code a problem can carry, from the one list the errors are built from.
        doc["components"]["schemas"]["Problem"]["properties"]["code"]["enum"] =
            serde_json::json!(error::problem_codes());
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    })
}

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
        (
            Method::POST,
            "/api/v1/dataValueSets",
            post(values::push_document),
        ),
        (Method::GET, "/api/v1/tasks", get(tasks)),
        (Method::POST, "/api/v1/tasks", post(create_task)),
        (Method::GET, "/api/v1/tasks/{code}", get(task)),
        (
            Method::PATCH,
            "/api/v1/tasks/{code}",
            axum::routing::patch(update_task),
        ),
        (
            Method::POST,
            "/api/v1/tasks/{code}/progress",
            post(task_progress),
        ),
        (
            Method::GET,
            "/api/v1/committees/{code}",
            get(committee::committee),
        ),
        (
            Method::POST,
            "/api/v1/committees/{code}/members",
            post(committee::add_member),
        ),
        (
            Method::POST,
            "/api/v1/committees/{code}/meetings",
            post(committee::add_meeting),
        ),
        (Method::GET, "/api/v1/programmes", get(programme)),
        (
            Method::POST,
            "/api/v1/programmes/{unit}/{year}/sign",
            post(sign_programme),
        ),
        (
            Method::GET,
            "/api/v1/evaluation",
            get(evaluation::evaluation),
        ),
        (
            Method::POST,
            "/api/v1/evaluation/{year}/freeze",
            post(evaluation::freeze),
        ),
        (
            Method::GET,
            "/api/v1/evaluation/{year}/ties",
            get(evaluation::ties),
        ),
        (
            Method::POST,
            "/api/v1/evaluation/{year}/ties",
            post(evaluation::decide_ties),
        ),
        (Method::GET, "/api/v1/forms", get(reports::forms)),
        (Method::GET, "/api/v1/reports", get(reports::reports)),
        (
            Method::POST,
            "/api/v1/reports/{form}/{unit}/{period}/{action}",
            post(reports::act),
        ),
        (
            Method::GET,
            "/api/v1/completeness",
            get(reports::completeness),
        ),
        (Method::GET, "/api/v1/report", get(report::report)),
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
        (Method::GET, "/api/v1/upstream", get(upstream::upstream)),
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
    ApiError::unknown(Thing::Route, "").into_response()
}

pub async fn healthz(State(s): State<AppState>) -> ApiResult<serde_json::Value> {
    s.app.health().await?;
    Ok(Json(serde_json::json!({"status": "ok"})))
}

/// Ready to serve people: the database answers and a plan is loaded (a load balancer sends
/// traffic only then); `/healthz` says only that the process lives and reaches its database.
pub async fn readyz(State(s): State<AppState>) -> Response {
    let reason = match s.app.health().await {
        Err(_) => Some("database"),
        Ok(_) if s.live.snapshot().plan.is_none() => Some("no_plan"),
        Ok(_) => None,
    };
    match reason {
        None => Json(serde_json::json!({"status": "ready"})).into_response(),
        Some(r) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({"status": "not_ready", "reason": r})),
        )
            .into_response(),
    }
}

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "plan",
    summary = "Tài liệu OpenAPI",
    description = "This document.",
    security((), ("bearer" = []), ("session" = [])),
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
async fn openapi(_c: Caller) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

/// The embedded API viewer.
pub async fn docs() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        include_str!("../../assets/apidocs.html"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every route in the router is in the OpenAPI document, and every documented route exists.
    #[test]
    fn openapi_matches_the_routes() {
        let doc: serde_json::Value = serde_json::from_str(openapi_json()).unwrap();
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
