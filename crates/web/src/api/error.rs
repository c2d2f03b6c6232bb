//! The API's one error shape, and how every failure becomes it.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chitieu_app::actions::{self, ActionError};
use chitieu_app::live::BadInput;
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

    pub(crate) fn invalid(vi: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            vi,
            "The request cannot be used; see the Vietnamese message",
        )
    }

    pub(crate) fn conflict(vi: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::CONFLICT,
            "state",
            vi,
            "Not possible in the current state; see the Vietnamese message",
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

    pub(crate) fn not_found(what: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("Không tìm thấy {what}"),
            format!("Not found: {what}"),
        )
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
            StoreError::Invalid(m) => return ApiError::invalid(m),
            StoreError::NotFound(m) => return ApiError::not_found(&m),
            StoreError::Stale(m) => return ApiError::conflict(m),
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
            ActionError::NotNow(m) => ApiError::conflict(m),
            ActionError::Invalid(m) => ApiError::invalid(m),
            ActionError::NotFound(m) => ApiError::not_found(&m),
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
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            e.0,
            "A parameter is wrong; see the Vietnamese message",
        )
    }
}
