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
    /// The code mapping figures are sent in (shown on the page, not in the JSON).
    #[serde(skip_serializing)]
    pub system: Option<String>,
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
    let system = store.upstream().await?.map(|u| u.system);
    Ok(Delivery {
        url: st.url,
        system,
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

/// Figures a claim takes at most; a report's figures go in one request.
const BATCH: u64 = 500;
/// How long a claim keeps other senders off its rows: longer than a request may take.
const LEASE: std::time::Duration = std::time::Duration::from_secs(120);
/// A request to the centre waits this long at most.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// The longest wait between two attempts.
const MAX_BACKOFF_SECS: i64 = 600;

/// When to try again after `attempts` failed attempts: 2, 4, 8 … seconds up to ten minutes,
/// each between half and one and a half of that (jitter), so that 34 provinces coming back
/// after the centre's outage do not all knock at once.
pub fn next_attempt(now: DateTime<Utc>, attempts: i32) -> DateTime<Utc> {
    let base = 2i64
        .saturating_pow(u32::try_from(attempts.clamp(0, 20)).unwrap_or(20) + 1)
        .min(MAX_BACKOFF_SECS);
    let millis = base * rand::random_range(500..=1500);
    now + chrono::Duration::milliseconds(millis)
}

/// The `Idempotency-Key` of a request carrying these figures at these versions: the same
/// figures sent again after a lost answer are applied once at the centre.
pub fn idempotency_key(figures: &[(&str, &str, &str, i64)]) -> String {
    let text: Vec<String> = figures
        .iter()
        .map(|(i, u, p, v)| format!("{i}|{u}|{p}|{v}"))
        .collect();
    format!(
        "chitieu-{}",
        chitieu_store::sha256_hex(text.join(";").as_bytes())
    )
}

/// Delivers the outbox while the server runs: what is due, a report's figures a request,
/// then again at once while there is more, else in a second.
pub fn start_sender(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let pause = match send_due(&app).await {
                Ok(0) => std::time::Duration::from_secs(1),
                Ok(_) => std::time::Duration::ZERO,
                Err(e) => {
                    tracing::warn!(error = ?e, "gửi số liệu lên trung ương không chạy được lần này");
                    std::time::Duration::from_secs(5)
                }
            };
            tokio::time::sleep(pause).await;
        }
    })
}

/// One round of delivery: claims what is due and sends it; returns how many rows it took.
pub async fn send_due(app: &App) -> Result<usize, ActionError> {
    use chitieu_store::Delivered;
    let store = &app.store;
    let Some((up, token)) = store.upstream_for_sender().await? else {
        return Ok(0);
    };
    let lease = chrono::Duration::from_std(LEASE).unwrap_or(chrono::Duration::seconds(120));
    let due = store.claim_outbox(BATCH, lease).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let taken = due.len();
    let (live, gone): (Vec<_>, Vec<_>) = due.into_iter().partition(|d| d.figure.is_some());
    if !gone.is_empty() {
        let ids: Vec<i32> = gone.iter().map(|d| d.id).collect();
        store.outbox_delivered(&ids, &Delivered::Superseded).await?;
    }
    let mapping = crate::exchange::mapping_of(store, &up.system)
        .await
        .map_err(ActionError::Invalid)?;
    // A report's figures (a unit and period, one acceptance) together: the centre takes or
    // refuses them whole, and records where they came from.
    let mut groups: Vec<Vec<chitieu_store::Due>> = Vec::new();
    for d in live {
        match groups
            .iter_mut()
            .find(|g| g[0].unit == d.unit && g[0].period == d.period && g[0].origin == d.origin)
        {
            Some(g) => g.push(d),
            None => groups.push(vec![d]),
        }
    }
    for group in groups {
        let ids: Vec<i32> = group.iter().map(|d| d.id).collect();
        let how = match document(&group, &mapping) {
            Ok((body, key)) => {
                let attempts = group.iter().map(|d| d.attempts).max().unwrap_or(0);
                let origin = group[0].origin.clone();
                let to = Centre {
                    url: &up.url,
                    token: &token,
                };
                post(to, key, origin, body, attempts, store.clock().now()).await
            }
            Err(why) => Delivered::Rejected(why),
        };
        match &how {
            Delivered::Sent => tracing::info!(
                figures = ids.len(),
                "số liệu chính thức đã gửi lên trung ương (official figures delivered)"
            ),
            Delivered::Rejected(why) => tracing::warn!(
                figures = ids.len(),
                reason = %why,
                "trung ương từ chối số liệu (the centre refused figures)"
            ),
            Delivered::Retry { error, .. } => tracing::warn!(
                figures = ids.len(),
                error = %error,
                "chưa gửi được lên trung ương, sẽ thử lại (the centre could not be reached)"
            ),
            Delivered::Superseded => {}
        }
        store.outbox_delivered(&ids, &how).await?;
    }
    Ok(taken)
}

/// A group's figures as a DHIS2 dataValueSet in the centre's codes, and its idempotency key;
/// or why a figure cannot be read (never the case for what the store holds).
fn document(
    group: &[chitieu_store::Due],
    mapping: &chitieu_exchange::dhis2::Mapping,
) -> Result<(String, String), String> {
    use std::str::FromStr;
    let dec = |s: &str| rust_decimal::Decimal::from_str(s).map_err(|e| format!("{s}: {e}"));
    let mut read = Vec::new();
    for d in group {
        let Some((value, numerator, denominator, comment)) = &d.figure else {
            continue;
        };
        read.push(chitieu_store::ValueRow {
            indicator: d.indicator.clone(),
            unit: chitieu_domain::UnitCode::parse(&d.unit).map_err(|e| e.to_string())?,
            period: d
                .period
                .parse()
                .map_err(|e: chitieu_domain::period::PeriodError| format!("{e:?}"))?,
            value: dec(value)?,
            numerator: numerator.as_deref().map(dec).transpose()?,
            denominator: denominator.as_deref().map(dec).transpose()?,
            comment: comment.clone(),
            state: "accepted".into(),
            entered_by: String::new(),
            entered_at: DateTime::<Utc>::UNIX_EPOCH,
            version: d.version,
        });
    }
    let body =
        chitieu_exchange::dhis2::export(read.iter().map(crate::exchange::export_row), mapping);
    let versions: Vec<(&str, &str, &str, i64)> = group
        .iter()
        .map(|d| {
            (
                d.indicator.as_str(),
                d.unit.as_str(),
                d.period.as_str(),
                d.version,
            )
        })
        .collect();
    Ok((body, idempotency_key(&versions)))
}

/// Where to send, and with what.
#[derive(Clone, Copy)]
struct Centre<'a> {
    url: &'a str,
    token: &'a str,
}

/// Sends one document to the centre: taken (2xx), refused with its reason (4xx), or to be
/// tried again (no answer, 5xx).
async fn post(
    to: Centre<'_>,
    key: String,
    origin: String,
    body: String,
    attempts: i32,
    now: DateTime<Utc>,
) -> chitieu_store::Delivered {
    use chitieu_store::Delivered;
    let target = format!("{}/api/v1/dataValueSets", to.url.trim_end_matches('/'));
    let auth = format!("Bearer {}", to.token);
    let sent = tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(TIMEOUT))
            .build()
            .into();
        let mut res = agent
            .post(&target)
            // Official figures, with where they came from, for the centre's record.
            .query("state", "accepted")
            .query("origin", &origin)
            .header("Authorization", &auth)
            .header("Idempotency-Key", &key)
            .header("Content-Type", "application/json")
            .send(body.as_bytes())
            .map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        let text = res.body_mut().read_to_string().unwrap_or_default();
        Ok::<_, String>((status, text))
    })
    .await;
    match sent {
        Ok(Ok((status, _))) if (200..300).contains(&status) => Delivered::Sent,
        Ok(Ok((status, text)))
            if (400..500).contains(&status) && status != 408 && status != 429 =>
        {
            Delivered::Rejected(format!("{status}: {}", reason(&text)))
        }
        Ok(Ok((status, text))) => Delivered::Retry {
            error: format!("{status}: {}", reason(&text)),
            next: next_attempt(now, attempts),
        },
        Ok(Err(e)) => Delivered::Retry {
            error: e,
            next: next_attempt(now, attempts),
        },
        Err(e) => Delivered::Retry {
            error: e.to_string(),
            next: next_attempt(now, attempts),
        },
    }
}

/// What the centre said: its problem's message (chitieu answers problem+json), else the text.
fn reason(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| {
            let msg = v["message"].as_str().or(v["detail"].as_str())?.to_string();
            let errors = v["errors"]
                .as_array()
                .map(|e| {
                    e.iter()
                        .filter_map(|x| x["message"].as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            Some(if errors.is_empty() {
                msg
            } else {
                format!("{msg}: {errors}")
            })
        })
        .unwrap_or_else(|| text.chars().take(500).collect())
}

/// The figures the centre refused (most recent first, at most `limit`), for `me`.
pub async fn refused(
    s: &App,
    me: &Actor,
    limit: u64,
) -> Result<Vec<chitieu_store::Refused>, ActionError> {
    check(s, me)?;
    Ok(s.store.refused_outbox(limit).await?)
}

/// Sends the refused figures again, for `me`; how many.
pub async fn resend(s: &App, me: &Actor) -> Result<u64, ActionError> {
    check(s, me)?;
    Ok(s.store.resend_refused(&me.login).await?)
}
