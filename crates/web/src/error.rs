//! Errors as people and programs see them: the page error, rendered in the viewer's
//! language without detail (the detail goes to the log).

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chitieu_app::actions::ActionError;

use crate::chrome::Chrome;
use crate::i18n::Tr;

/// A page that could not be shown; rendered in the viewer's language, never with detail.
#[derive(Debug)]
pub enum PageError {
    SignIn,
    /// Input that cannot be used; the message says why.
    Invalid(Tr, String),
    Forbidden(Tr),
    NotFound(Tr),
    /// An upload over the size limit.
    TooLarge(Tr),
    Internal(Tr),
}

impl PageError {
    pub fn internal(tr: Tr, e: impl std::fmt::Display) -> PageError {
        tracing::error!(error = %e, "page error");
        PageError::Internal(tr)
    }

    /// A refused action as a page: 403, 404, or 422 with the reason.
    pub fn action(tr: Tr, e: ActionError) -> PageError {
        match e {
            ActionError::Forbidden => PageError::Forbidden(tr),
            ActionError::Invalid(m) | ActionError::NotFound(m) => PageError::Invalid(tr, m),
            ActionError::InvalidItems(items) => PageError::Invalid(
                tr,
                items
                    .iter()
                    .map(|i| i.reason.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ActionError::Conflict(cs) => PageError::Invalid(
                tr,
                cs.iter()
                    .map(|c| format!("{} {} {}: {}", c.indicator, c.unit, c.period, c.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ActionError::Internal(e) => PageError::internal(tr, e),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    code: u16,
    message: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct InvalidPage {
    c: Chrome,
    code: u16,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, t, key) = match self {
            PageError::SignIn => return Redirect::to("/login").into_response(),
            PageError::Invalid(t, msg) => {
                let page = InvalidPage {
                    c: Chrome::anonymous(t),
                    code: 422,
                    message: msg,
                };
                return (StatusCode::UNPROCESSABLE_ENTITY, page).into_response();
            }
            PageError::Forbidden(t) => (StatusCode::FORBIDDEN, t, "forbidden"),
            PageError::NotFound(t) => (StatusCode::NOT_FOUND, t, "not_found"),
            PageError::TooLarge(t) => (StatusCode::PAYLOAD_TOO_LARGE, t, "too_large"),
            PageError::Internal(t) => (StatusCode::INTERNAL_SERVER_ERROR, t, "server_error"),
        };
        let page = ErrorPage {
            c: Chrome::anonymous(t),
            code: status.as_u16(),
            message: t.t(key),
        };
        (status, page).into_response()
    }
}

pub(crate) type PageResult = Result<Response, PageError>;

/// An internal failure becomes the 500 page; the detail goes to the log only.
pub(crate) trait Or500<T> {
    fn or_500(self, tr: Tr) -> Result<T, PageError>;
}

impl<T, E: std::fmt::Display> Or500<T> for Result<T, E> {
    fn or_500(self, tr: Tr) -> Result<T, PageError> {
        self.map_err(|e| PageError::internal(tr, e))
    }
}
