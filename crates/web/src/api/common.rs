//! What the API's modules share: imports, the result type, the snapshot, dates, `Done`.

pub(super) use axum::Json;
pub(super) use axum::extract::State;
pub(super) use axum::response::{IntoResponse, Response};
pub(super) use chitieu_app::ValueFilter;
pub(super) use chitieu_domain::Actor;
pub(super) use chitieu_domain::permission::{Action, Role, role_allows};
pub(super) use chitieu_domain::value::ValueText;
pub(super) use chitieu_domain::{Period, UnitCode, ValueState};
pub(super) use serde::{Deserialize, Serialize};
pub(super) use utoipa::{IntoParams, ToSchema};

pub(super) use super::error::ApiError;
pub(super) use super::extract::{ApiDocument, ApiJson, ApiPath, ApiQuery, Caller, FigureText};
pub(super) use super::schema::*;
pub(super) use crate::AppState;
pub(super) use chitieu_app::actions::{self, ValueItem};
pub(super) use chitieu_app::live::{BadInput, Snapshot};

pub(super) type ApiResult<T> = Result<Json<T>, ApiError>;

/// The current snapshot; never waits for a write.
pub(super) async fn snap(s: &AppState) -> Result<std::sync::Arc<Snapshot>, ApiError> {
    Ok(s.live.snapshot())
}

/// A `YYYY-MM-DD` date; empty is none.
pub(super) fn parse_date(s: Option<&str>) -> Result<Option<chrono::NaiveDate>, BadInput> {
    chitieu_domain::text::parse_date(s.unwrap_or("")).map_err(BadInput)
}

#[derive(Serialize, ToSchema)]
pub(super) struct Done {
    pub(super) ok: bool,
}
