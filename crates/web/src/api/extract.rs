//! Who calls (`Caller`), and the request parts read only after authorisation: JSON bodies, query strings, path parameters, and exact figures.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum_extra::extract::cookie::CookieJar;
use chitieu_domain::Actor;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use super::error::ApiError;
use crate::AppState;
use crate::auth::{SESSION_COOKIE, constant_time_eq};

/// A JSON body, read and parsed only when the handler asks, after it has checked who is
/// calling: an anonymous or under-privileged request learns nothing from parse errors.
/// Every failure is an [`ApiError`]: 415 without `application/json`, 413 over the size
/// limit, 422 when the JSON does not fit.
/// The parsed body, and the SHA-256 of its bytes (for `Idempotency-Key`; empty when unread).
pub struct ApiJson<T>(Result<T, ApiError>, String);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (body, digest) = read_body(req, state, &["application/json"]).await;
        Ok(ApiJson(body.and_then(|(_, b)| parse_json(&b)), digest))
    }
}

/// The body if its media type is one of `accepted` (which it is, lower case, without
/// parameters), and the SHA-256 of its bytes: 415 for another type, 413 over the size limit.
async fn read_body<S: Send + Sync>(
    req: Request,
    state: &S,
    accepted: &[&'static str],
) -> (Result<(&'static str, axum::body::Bytes), ApiError>, String) {
    let given = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let Some(kind) = accepted.iter().copied().find(|a| *a == given) else {
        return (
            Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                format!("Nội dung phải là {}", accepted.join(" hoặc ")),
                format!("The body must be {}", accepted.join(" or ")),
            )),
            String::new(),
        );
    };
    match axum::body::Bytes::from_request(req, state).await {
        Ok(b) => {
            let digest = chitieu_app::sha256_hex(&b);
            (Ok((kind, b)), digest)
        }
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => (
            Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "Nội dung quá lớn: chia thành nhiều lô nhỏ hơn",
                "The body is too large: send smaller batches",
            )),
            String::new(),
        ),
        Err(_) => (
            Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "Không đọc được nội dung yêu cầu",
                "Could not read the request body",
            )),
            String::new(),
        ),
    }
}

/// A document from another system, DHIS2 `dataValueSets` JSON or IHE ADX XML, kept as bytes
/// until the handler has authorised the caller; with the SHA-256 of its bytes.
pub struct ApiDocument(Result<(&'static str, axum::body::Bytes), ApiError>, String);

/// The media types an `ApiDocument` may have.
pub const DOCUMENT_TYPES: [&str; 4] = [
    "application/json",
    "application/adx+xml",
    "application/xml",
    "text/xml",
];

impl<S: Send + Sync> FromRequest<S> for ApiDocument {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (body, digest) = read_body(req, state, &DOCUMENT_TYPES).await;
        Ok(ApiDocument(body, digest))
    }
}

impl ApiDocument {
    /// The media type and the bytes; call after authorising the caller.
    pub fn read(self) -> Result<(&'static str, axum::body::Bytes), ApiError> {
        self.0
    }

    /// The SHA-256 of the body's bytes, hex.
    pub fn digest(&self) -> &str {
        &self.1
    }
}

/// Parses a JSON body into `T`; the error names the line, column and what did not fit.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
            format!("Nội dung JSON không dùng được: {e}"),
            format!("The JSON body does not fit: {e}"),
        )
    })
}

impl<T> ApiJson<T> {
    /// The parsed body; call after authorising the caller.
    pub fn parse(self) -> Result<T, ApiError> {
        self.0
    }

    /// The SHA-256 of the body's bytes, hex.
    pub fn digest(&self) -> &str {
        &self.1
    }
}

/// Query parameters, parsed when the handler asks (after authorisation); a failure is a
/// JSON 400 in the documented shape.
pub struct ApiQuery<T>(Result<T, ApiError>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        Ok(ApiQuery(serde_urlencoded_query::<T>(q).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("Tham số không hợp lệ: {e}"),
                format!("A query parameter is wrong: {e}"),
            )
        })))
    }
}

pub(super) fn serde_urlencoded_query<T: DeserializeOwned>(q: &str) -> Result<T, String> {
    axum::extract::Query::<T>::try_from_uri(
        &format!("/?{q}")
            .parse::<axum::http::Uri>()
            .map_err(|e| e.to_string())?,
    )
    .map(|axum::extract::Query(t)| t)
    .map_err(|e| e.body_text())
}

impl<T> ApiQuery<T> {
    pub fn parse(self) -> Result<T, ApiError> {
        self.0
    }
}

/// One path parameter, as text; a failure (bad percent-encoding) is a JSON 400.
pub struct ApiPath(Result<String, ApiError>);

impl<S: Send + Sync> FromRequestParts<S> for ApiPath {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(ApiPath(
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map(|axum::extract::Path(p)| p)
                .map_err(|_| {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "bad_request",
                        "Đường dẫn không hợp lệ",
                        "The path is not valid",
                    )
                }),
        ))
    }
}

impl ApiPath {
    pub fn parse(self) -> Result<String, ApiError> {
        self.0
    }
}

/// A figure sent as a JSON number or a string, kept as the text that was sent: a JSON
/// number never passes through binary floating point (`1234567.123456` stays exact).
#[derive(Debug, Clone, Default)]
pub struct FigureText(pub String);

impl utoipa::PartialSchema for FigureText {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Number))
            .item(ObjectBuilder::new().schema_type(Type::String))
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .description(Some(
                "A figure as a JSON number or a string, read exactly (|x| ≤ 10^15, at most 6 decimals, no exponent)",
            ))
            .into()
    }
}

impl utoipa::ToSchema for FigureText {}

impl<'de> Deserialize<'de> for FigureText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let raw: Box<serde_json::value::RawValue> = Deserialize::deserialize(d)?;
        let t = raw.get().trim();
        if t.starts_with('"') {
            let s: String = serde_json::from_str(t).map_err(D::Error::custom)?;
            Ok(FigureText(s))
        } else if t == "null" {
            Ok(FigureText(String::new()))
        } else if t.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            Ok(FigureText(t.to_string()))
        } else {
            Err(D::Error::custom(
                "cần một số (JSON number hoặc chuỗi như \"12.5\")",
            ))
        }
    }
}

/// Who calls the API: a bearer token, the session cookie, or nobody.
pub struct Caller {
    pub user: Option<Actor>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let token = auth
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or_else(ApiError::unauthorized)?;
            let user = state
                .app
                .token_user(token.trim())
                .await?
                .ok_or_else(ApiError::unauthorized)?;
            return Ok(Caller { user: Some(user) });
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(cookie) = jar.get(SESSION_COOKIE) else {
            return Ok(Caller { user: None });
        };
        // A session opened with a one-time code sets a new password first, on the page; one
        // whose role requires a second factor enrols it first.
        let user = state
            .app
            .session_user(cookie.value())
            .await?
            .filter(|u| !u.must_change && !u.must_enrol);
        // With a cookie, a write must also carry the page's token: another site can make a
        // browser send the cookie, but cannot read the token.
        if let Some(u) = &user
            && parts.method != Method::GET
            && parts.method != Method::HEAD
        {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent.as_bytes(), u.csrf.as_bytes()) {
                return Err(ApiError::forbidden());
            }
        }
        Ok(Caller { user })
    }
}

impl Caller {
    pub(crate) fn user(&self) -> Result<&Actor, ApiError> {
        self.user.as_ref().ok_or_else(ApiError::unauthorized)
    }
}
