//! Errors as people and programs see them: the page error, rendered in the viewer's
//! language without detail (the detail goes to the log).

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use chitieu_app::actions::ActionError;
use chitieu_domain::Actor;

use crate::chrome::Chrome;
use crate::i18n::Tr;

/// Why input was refused, as the page says it: a rule's refusal in the viewer's language,
/// or words already chosen (the store's and the app's last untyped refusals).
pub trait Why {
    fn words(self, tr: Tr) -> String;
}

impl Why for chitieu_domain::Refusal {
    fn words(self, tr: Tr) -> String {
        tr.refusal(&self)
    }
}

impl Why for String {
    fn words(self, _: Tr) -> String {
        self
    }
}

impl Why for &str {
    fn words(self, _: Tr) -> String {
        self.to_string()
    }
}

impl Why for chitieu_app::live::BadInput {
    fn words(self, tr: Tr) -> String {
        tr.refusal(&self.0)
    }
}

/// A page that could not be shown; rendered in the viewer's language, never with detail.
#[derive(Debug)]
pub enum PageError {
    SignIn,
    /// Signed in with a one-time code, or without the second factor the role requires: the
    /// account page comes first.
    MustChange,
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

    /// Input refused (422), for a reason typed or (the last few) already worded.
    pub fn invalid(tr: Tr, why: impl Why) -> PageError {
        PageError::Invalid(tr, why.words(tr))
    }

    /// A refused action as a page: 403, 404, or 422 with the reason.
    pub fn action(tr: Tr, e: ActionError) -> PageError {
        match e {
            ActionError::Forbidden => PageError::Forbidden(tr),
            ActionError::Refused(r) | ActionError::NotFound(r) => PageError::invalid(tr, r),
            ActionError::Invalid(m) => PageError::Invalid(tr, m),
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
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, t, key) = match self {
            PageError::SignIn => return Redirect::to("/login").into_response(),
            PageError::MustChange => return Redirect::to("/account").into_response(),
            PageError::Invalid(t, msg) => {
                return error_page(StatusCode::UNPROCESSABLE_ENTITY, t, msg);
            }
            PageError::Forbidden(t) => (StatusCode::FORBIDDEN, t, "forbidden"),
            PageError::NotFound(t) => (StatusCode::NOT_FOUND, t, "not_found"),
            PageError::TooLarge(t) => (StatusCode::PAYLOAD_TOO_LARGE, t, "too_large"),
            PageError::Internal(t) => (StatusCode::INTERNAL_SERVER_ERROR, t, "server_error"),
        };
        error_page(status, t, t.t(key).to_string())
    }
}

/// What an error page says, kept on its response: the error does not know who is asking, so
/// [`crate::auth::error_pages_know_the_viewer`] draws the page again with the signed-in
/// header.
#[derive(Clone)]
struct ErrorShown {
    t: Tr,
    message: String,
}

fn error_page(status: StatusCode, t: Tr, message: String) -> Response {
    let page = ErrorPage {
        c: Chrome::anonymous(t),
        code: status.as_u16(),
        message: message.clone(),
    };
    let mut res = (status, page).into_response();
    res.extensions_mut().insert(ErrorShown { t, message });
    res
}

/// Whether `res` is an error page drawn without knowing who asked.
pub(crate) fn is_error_page(res: &Response) -> bool {
    res.extensions().get::<ErrorShown>().is_some()
}

/// The error page `res` drawn again for `user`: their header, the same status and headers.
/// Any other response is returned as it is.
pub(crate) fn error_page_for(mut res: Response, user: Actor) -> Response {
    let Some(shown) = res.extensions_mut().remove::<ErrorShown>() else {
        return res;
    };
    let page = ErrorPage {
        c: Chrome::new(shown.t, Some(user)),
        code: res.status().as_u16(),
        message: shown.message,
    };
    let mut again = (res.status(), page).into_response();
    for (name, value) in res.headers() {
        if name != CONTENT_TYPE && name != CONTENT_LENGTH {
            again.headers_mut().append(name, value.clone());
        }
    }
    again
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
