//! The API's one error shape, and how every failure becomes it.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chitieu_app::actions::{self, ActionError};
use chitieu_app::live::BadInput;
use chitieu_domain::{Refusal, Thing};

use crate::i18n::Lang;
use crate::i18n::refusals::say;
use serde::Serialize;

/// One error shape for the API: RFC 9457 problem details (`application/problem+json`:
/// `type`, `title`, `status`, `detail`), with a stable `code` and the message in Vietnamese
/// and English; `errors` (invalid values) or `conflicts` (values changed by others, or
/// locked) when the error is about items of a batch.
#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    code: &'static str,
    message: String,
    message_en: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<Vec<actions::ItemError>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    conflicts: Option<Vec<actions::Conflict>>,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        code: &'static str,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            code,
            message: vi.into(),
            message_en: en.into(),
            errors: None,
            conflicts: None,
        }
    }

    /// A rule's refusal: 409 when it is about the state of a record, else 422; its code
    /// and its words in both languages.
    pub(crate) fn refused(r: &Refusal) -> ApiError {
        let status = if r.is_state() {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        ApiError::worded(status, r.code(), r)
    }

    fn worded(status: StatusCode, code: &'static str, r: &Refusal) -> ApiError {
        ApiError::new(status, code, say(r, Lang::Vi), say(r, Lang::En))
    }

    /// Input refused with words not yet typed as a refusal (the store's and the app's last
    /// few): 422, said in Vietnamese only.
    pub(crate) fn invalid(vi: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            vi,
            "The request cannot be used; see the Vietnamese message",
        )
    }

    pub(crate) fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Cần đăng nhập hoặc token hợp lệ (Authorization: Bearer ...)",
            "Sign in or send a valid bearer token",
        )
    }

    pub(crate) fn forbidden() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Không có quyền với đơn vị hoặc thao tác này",
            "Not allowed for this unit or action",
        )
    }

    /// No such record (a 404), by the refusal that says what was looked for.
    pub(crate) fn not_found(r: &Refusal) -> ApiError {
        ApiError::worded(StatusCode::NOT_FOUND, "not_found", r)
    }

    /// No `what` with `code` (a 404).
    pub(crate) fn unknown(what: Thing, code: &str) -> ApiError {
        ApiError::not_found(&chitieu_domain::Refusal::unknown(what, code))
    }
}

/// The problem-details form of an [`ApiError`].
#[derive(Serialize)]
struct Problem<'a> {
    /// Names the kind of problem: the same `code` always has the same `type`.
    r#type: String,
    title: &'static str,
    status: u16,
    detail: &'a str,
    #[serde(flatten)]
    error: &'a ApiError,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&Problem {
            r#type: format!("urn:chitieu:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error"),
            status: self.status.as_u16(),
            detail: &self.message,
            error: &self,
        })
        .unwrap_or_default();
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

impl From<chitieu_app::StoreError> for ApiError {
    fn from(e: chitieu_app::StoreError) -> Self {
        use chitieu_app::StoreError;
        // A refusal of the input is the caller's to read (an unknown code is 404, a rule
        // broken 422, a stale edit 409), never a 500.
        match e {
            StoreError::Refused(r) => return ApiError::refused(&r),
            StoreError::NotFound(r) => return ApiError::not_found(&r),
            _ => {}
        }
        // The detail goes to the log, never to the client.
        tracing::error!(error = %e, "store error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Lỗi hệ thống, vui lòng thử lại sau",
            "Internal error, please try again later",
        )
    }
}

impl From<ActionError> for ApiError {
    fn from(e: ActionError) -> Self {
        match e {
            ActionError::Forbidden => ApiError::forbidden(),
            ActionError::Refused(r) => ApiError::refused(&r),
            ActionError::Invalid(m) => ApiError::invalid(m),
            ActionError::NotFound(r) => ApiError::not_found(&r),
            ActionError::InvalidItems(errors) => ApiError {
                errors: Some(errors),
                ..ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_values",
                    "Có giá trị không hợp lệ; không có giá trị nào được ghi",
                    "Some values are invalid; nothing was written",
                )
            },
            ActionError::Conflict(conflicts) => ApiError {
                conflicts: Some(conflicts),
                ..ApiError::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    "Có giá trị đã bị người khác thay đổi hoặc đã khóa; không có giá trị nào được ghi",
                    "Some values were changed by someone else, or are locked; nothing was written",
                )
            },
            ActionError::Internal(e) => e.into(),
        }
    }
}

impl From<BadInput> for ApiError {
    fn from(e: BadInput) -> Self {
        ApiError::worded(StatusCode::BAD_REQUEST, e.0.code(), &e.0)
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        ApiError::refused(&r)
    }
}

/// The codes an API problem can carry: those of the HTTP layer, then one per rule.
pub fn problem_codes() -> Vec<&'static str> {
    let mut codes = vec![
        "unauthorized",
        "forbidden",
        "not_found",
        "bad_request",
        "invalid_json",
        "invalid_values",
        "conflict",
        "payload_too_large",
        "unsupported_media_type",
        "method_not_allowed",
        "idempotency_key_reused",
        "internal",
        "invalid",
    ];
    codes.extend(Refusal::codes());
    codes
}
