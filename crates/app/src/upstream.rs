//! A province's delivery of its official figures to a central instance: where to, and how
//! it stands. The figures are queued by the store in the transaction that makes them
//! official; this names the centre and reads the queue.

use chitieu_domain::Actor;
use chitieu_domain::permission::may_administer;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::App;
use crate::actions::ActionError;

/// The code mapping a province's figures are sent in, unless told otherwise.
pub const CENTRAL: &str = "central";

/// How delivery stands, as `GET /api/v1/upstream` and `chitieu upstream status` give it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    /// The central instance, if one is set.
    pub url: Option<String>,
    /// Figures waiting to go.
    pub pending: u64,
    /// How long the oldest of them has waited.
    pub oldest_pending_seconds: Option<i64>,
    pub last_success: Option<DateTime<Utc>>,
    /// Why the last attempt failed, if one did.
    pub last_error: Option<String>,
    /// Figures the centre refused (each with its reason on the administration page).
    pub rejected: u64,
}

/// How delivery stands, read from `store` as of `now`.
pub async fn delivery_of(
    store: &chitieu_store::Store,
    now: DateTime<Utc>,
) -> Result<Delivery, ActionError> {
    let st = store.upstream_status().await?;
    Ok(Delivery {
        url: st.url,
        pending: st.pending,
        oldest_pending_seconds: st.oldest_pending.map(|t| (now - t).num_seconds().max(0)),
        last_success: st.last_success,
        last_error: st.last_error,
        rejected: st.rejected,
    })
}

/// The plan owner's administrators and standing office see how delivery stands and name the
/// centre.
fn check(s: &App, me: &Actor) -> Result<(), ActionError> {
    let snap = s.live.snapshot();
    let owner = snap
        .plan
        .as_ref()
        .map(|p| p.plan.owner.clone())
        .ok_or(ActionError::Refused(chitieu_domain::Refusal::NoPlan))?;
    if !may_administer(&snap.units, me.role, &me.unit, &owner) {
        return Err(ActionError::Forbidden);
    }
    Ok(())
}

/// How delivery stands, for `me`.
pub async fn delivery(s: &App, me: &Actor) -> Result<Delivery, ActionError> {
    check(s, me)?;
    delivery_of(&s.store, s.store.clock().now()).await
}

/// Names the central instance (`system`: the code mapping figures are sent in); returns how
/// many official figures were queued (the history, the first time).
pub async fn set(
    s: &App,
    me: &Actor,
    system: &str,
    url: &str,
    token: &str,
) -> Result<u64, ActionError> {
    check(s, me)?;
    let queued = s.store.set_upstream(system, url, token, &me.login).await?;
    s.live.sync().await?;
    Ok(queued)
}
