//! A province's delivery of its official figures to the central instance.

use super::common::*;

/// How delivery to the central instance stands.
#[derive(Serialize, ToSchema)]
pub(super) struct DeliveryOut {
    /// The central instance's address; null when none is set.
    url: Option<String>,
    /// Official figures waiting to go.
    pending: u64,
    /// How long the oldest of them has waited, in seconds.
    oldest_pending_seconds: Option<i64>,
    /// When a figure last arrived at the centre.
    last_success: Option<chrono::DateTime<chrono::Utc>>,
    /// Why the last attempt failed, if one did.
    last_error: Option<String>,
    /// Figures the centre refused, each with its reason.
    rejected: u64,
}

impl From<chitieu_app::upstream::Delivery> for DeliveryOut {
    fn from(d: chitieu_app::upstream::Delivery) -> Self {
        DeliveryOut {
            url: d.url,
            pending: d.pending,
            oldest_pending_seconds: d.oldest_pending_seconds,
            last_success: d.last_success,
            last_error: d.last_error,
            rejected: d.rejected,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/upstream", tag = "administration",
    summary = "Tình trạng gửi số liệu lên trung ương",
    description = "The plan owner's administrators and standing office: the central instance official figures go to, how many wait and since when, the last success and failure, how many the centre refused.",
    responses((status = 200, body = DeliveryOut), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub(super) async fn upstream(State(s): State<AppState>, c: Caller) -> ApiResult<DeliveryOut> {
    let me = c.user()?.clone();
    Ok(Json(
        chitieu_app::upstream::delivery(&s.app, &me).await?.into(),
    ))
}
