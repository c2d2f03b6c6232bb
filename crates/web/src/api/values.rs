//! Stored values, and writes through the one write path.

use super::common::*;
use chitieu_domain::{Field, Refusal, Thing};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ValuesQuery {
    /// Unit code; default the caller's.
    unit: Option<String>,
    /// Indicator code.
    indicator: Option<String>,
    /// Period.
    period: Option<String>,
}

/// A unit's stored values (with comments, workflow state and version): the unit must be in
/// scope. Figures are strings of exact decimals.
#[utoipa::path(get, path = "/api/v1/values", tag = "values",
    summary = "Số liệu đã lưu",
    description = "A unit's stored values with comments, workflow state and version; the unit must be in the caller's scope.",
    params(ValuesQuery),
    responses((status = 200, body = Vec<ValueOut>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn values(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<ValuesQuery>,
) -> ApiResult<Vec<ValueOut>> {
    let me = c.user()?;
    let q = q.parse()?;
    let unit = match q.unit.as_deref().filter(|u| !u.is_empty()) {
        Some(u) => UnitCode::parse(u).map_err(BadInput)?,
        None => me.unit.clone(),
    };
    {
        let snap = snap(&s).await?;
        if snap.unit(&unit).is_none() {
            return Err(ApiError::unknown(Thing::Unit, &unit.to_string()));
        }
        if !chitieu_domain::permission::in_scope(&snap.units, &me.unit, &unit) {
            return Err(ApiError::forbidden());
        }
    }
    let period = q
        .period
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(str::parse::<Period>)
        .transpose()
        .map_err(|e| BadInput(e.into()))?;
    let rows = s
        .app
        .values(&ValueFilter {
            indicator: q.indicator.filter(|i| !i.is_empty()),
            unit: Some(unit),
        })
        .await?;
    Ok(Json(
        rows.into_iter()
            .filter(|r| period.is_none_or(|p| r.period == p))
            .map(Into::into)
            .collect(),
    ))
}

/// A value as a client sends it. Figures as JSON numbers or strings, read exactly.
#[derive(Deserialize, ToSchema)]
pub struct ValueIn {
    indicator: String,
    unit: String,
    period: String,
    #[serde(default)]
    value: FigureText,
    #[serde(default)]
    numerator: FigureText,
    #[serde(default)]
    denominator: FigureText,
    #[serde(default)]
    comment: String,
    /// The version the change is based on (`version` of `GET /api/v1/values`; 0 for a new
    /// value). A value changed since is refused with 409. Without it the value is written
    /// regardless, as a system that is the source of a figure does.
    #[serde(default)]
    version: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
pub struct ValuesIn {
    /// `draft` (the default and only state values are written in; a report is sent with
    /// `POST /api/v1/reports/{form}/{unit}/{period}/submit`).
    #[serde(default)]
    state: Option<String>,
    values: Vec<ValueIn>,
}

/// Values of a body as the one write path takes them, and the state they enter.
pub fn value_items(body: &ValuesIn) -> Result<(Vec<ValueItem<'_>>, ValueState), ApiError> {
    let state = match body.state.as_deref() {
        None | Some("draft") => ValueState::Draft,
        // Figures are sent as drafts; a whole report is sent by POST
        // /api/v1/reports/{form}/{unit}/{period}/submit.
        Some(other) => {
            return Err(ApiError::from(Refusal::not_one_of(
                Field::State,
                other,
                ["draft"],
            )));
        }
    };
    if body.values.len() > MAX_BATCH {
        return Err(ApiError::from(Refusal::TooMany {
            what: Thing::Value,
            max: MAX_BATCH,
        }));
    }
    let items = body
        .values
        .iter()
        .map(|v| ValueItem {
            text: ValueText {
                notation: chitieu_domain::value::Notation::Exact,
                indicator: &v.indicator,
                unit: &v.unit,
                period: &v.period,
                value: &v.value.0,
                numerator: &v.numerator.0,
                denominator: &v.denominator.0,
                comment: &v.comment,
            },
            version: v.version,
        })
        .collect();
    Ok((items, state))
}

/// Values in one `POST /api/v1/values`.
pub const MAX_BATCH: usize = 10_000;

#[derive(Serialize, ToSchema)]
pub(super) struct PutResult {
    received: usize,
    changed: u64,
}

/// Writes values, all or nothing. Sending the same figures again changes nothing, so a
/// client may retry a push safely.
#[utoipa::path(post, path = "/api/v1/values", tag = "values",
    summary = "Ghi số liệu",
    description = "All or nothing. Re-sending the same figures changes nothing (safe to retry). With an `Idempotency-Key` header (1–200 printable ASCII characters, per caller, kept 24 hours) a retried batch is applied once and gets the first answer again (header `Idempotent-Replayed: true`); the same key with another body is refused (422 `idempotency_key_reused`). Each value records who wrote it: for a system, `token:` and its token's name. 422 lists every invalid item; 409 lists every value changed by someone else since its version, or locked (accepted). At most 10,000 values per request.",
    request_body = ValuesIn,
    responses((status = 200, body = PutResult), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn put_values(
    State(s): State<AppState>,
    c: Caller,
    headers: axum::http::HeaderMap,
    body: ApiJson<ValuesIn>,
) -> Result<Response, ApiError> {
    let me = c.user()?.clone();
    if !role_allows(me.role, Action::Enter) {
        return Err(ApiError::forbidden());
    }
    let digest = body.digest().to_string();
    idempotent(&s, &me, &headers, &digest, write_batch(&s, &me, body)).await
}

/// With an `Idempotency-Key` header, `write` runs once per caller and key: a retry gets the
/// first answer, the same key with another body (another `digest`) is refused. Without the
/// header, `write` simply runs.
async fn idempotent(
    s: &AppState,
    me: &Actor,
    headers: &axum::http::HeaderMap,
    digest: &str,
    write: impl std::future::Future<Output = Result<Response, ApiError>>,
) -> Result<Response, ApiError> {
    let Some(key) = headers.get("idempotency-key") else {
        return write.await;
    };
    let key = key
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| (1..=200).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::from(Refusal::malformed(
                Field::IdempotencyKey,
                &String::from_utf8_lossy(key.as_bytes()),
            ))
        })?
        .to_string();
    if let Some(kept) = s.app.kept_answer(&me.login, &key).await? {
        return replay(kept, digest);
    }
    let answer = write.await.unwrap_or_else(IntoResponse::into_response);
    let status = answer.status();
    // Only a final answer is kept: a server failure may be retried for real.
    if status.is_server_error() {
        return Ok(answer);
    }
    let bytes = axum::body::to_bytes(answer.into_body(), 64 * 1024 * 1024)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "answer not read back");
            ApiError::from(chitieu_app::StoreError::Broken(e.to_string()))
        })?;
    let text = String::from_utf8_lossy(&bytes).to_string();
    let kept = s
        .app
        .keep_answer(&me.login, &key, digest, status.as_u16(), &text)
        .await?;
    // Two retries raced and the other was kept first: answer as it did.
    if kept.body != text || kept.status != status.as_u16() {
        return replay(kept, digest);
    }
    Ok((
        status,
        [(axum::http::header::CONTENT_TYPE, content_type(status))],
        text,
    )
        .into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct DocumentQuery {
    /// Whose codes the document uses: the code mapping of this system (default `dhis2`).
    system: Option<String>,
    /// `draft` (the default), or `accepted`: official figures delivered by their source (a
    /// province's instance pushing to the centre with the token the centre issued for the
    /// province's standing office). Only the standing office and administrators, for units
    /// within their scope; a figure they sent before is replaced by their correction.
    state: Option<String>,
    /// Where official figures came from at their source (which acceptance, by whom, when):
    /// kept in each figure's history. At most 300 characters.
    origin: Option<String>,
}

/// Whether a push is official, and the history's note of where it came from.
fn official_of(q: &DocumentQuery) -> Result<Option<String>, ApiError> {
    match q.state.as_deref() {
        None | Some("draft") => Ok(None),
        Some("accepted") => {
            let origin = chitieu_domain::text::clean_text(
                Field::Origin,
                q.origin.as_deref().unwrap_or("").trim(),
                chitieu_app::ORIGIN_MAX,
                chitieu_domain::text::TextKind::Line,
            )?;
            Ok(Some(origin))
        }
        Some(other) => Err(ApiError::from(Refusal::not_one_of(
            Field::State,
            other,
            ["draft", "accepted"],
        ))),
    }
}

/// A pushed document's figures (DHIS2 dataValueSets JSON, else ADX) and which it was.
fn parse_document(
    kind: &str,
    bytes: &[u8],
    snap: &chitieu_app::live::Snapshot,
    mapping: &chitieu_exchange::dhis2::Mapping,
) -> Result<(Vec<chitieu_exchange::values_csv::ParsedValue>, &'static str), ApiError> {
    let (parsed, what) = if kind == "application/json" {
        (
            chitieu_exchange::dhis2::parse(bytes, "dataValueSets", snap, mapping),
            "dataValueSets",
        )
    } else {
        (
            chitieu_exchange::adx::parse(bytes, "ADX", snap, mapping),
            "ADX",
        )
    };
    let parsed = parsed.map_err(|e| {
        ApiError::invalid(
            e.0.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    Ok((parsed, what))
}

/// Values pushed by another system in its own format, written as drafts.
#[utoipa::path(post, path = "/api/v1/dataValueSets", tag = "values",
    summary = "Nhận số liệu từ hệ thống khác (DHIS2, ADX)",
    description = "Values pushed by another system in its own format: DHIS2 `dataValueSets` JSON (`Content-Type: application/json`) or IHE ADX XML (`application/adx+xml`, `application/xml` or `text/xml`), with codes translated by the `system`'s code mapping (default `dhis2`). Written as drafts with the same rights, checks, locks and all-or-nothing rule as `POST /api/v1/values`, and the same `Idempotency-Key` behaviour. With `state=accepted` the figures are official, delivered by their source: a province's instance pushing its accepted figures to the centre with the token the centre issued for the province's standing office (`secretariat` at the province); only that role and administrators, for units within their scope; a correction replaces the figure sent before, and `origin` (which acceptance, by whom, when) is kept in each figure's history. 422 names each refused data value by its position (`dataValues[3]`, `dataValue thứ 4`). At most 10,000 values per request.",
    params(DocumentQuery),
    request_body(content(
        (Object = "application/json"),
        (String = "application/adx+xml"),
    )),
    responses((status = 200, body = PutResult), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn push_document(
    State(s): State<AppState>,
    c: Caller,
    headers: axum::http::HeaderMap,
    q: ApiQuery<DocumentQuery>,
    body: ApiDocument,
) -> Result<Response, ApiError> {
    let me = c.user()?.clone();
    if !role_allows(me.role, Action::Enter) {
        return Err(ApiError::forbidden());
    }
    let q = q.parse()?;
    let official = official_of(&q)?;
    let digest = body.digest().to_string();
    idempotent(&s, &me, &headers, &digest, async {
        let (kind, bytes) = body.read()?;
        let system = q.system.as_deref().unwrap_or("dhis2");
        let mapping = s.app.mapping_of(system).await.map_err(ApiError::invalid)?;
        let (parsed, what) = parse_document(kind, &bytes, &s.live.snapshot(), &mapping)?;
        if parsed.len() > MAX_BATCH {
            return Err(ApiError::from(Refusal::TooMany {
                what: Thing::Value,
                max: MAX_BATCH,
            }));
        }
        let channel = match &official {
            None => format!("API {what} ({system})"),
            Some(origin) => format!(
                "API {what} ({system}), số liệu chính thức do {} gửi; tại nguồn: {origin}",
                me.login
            ),
        };
        let changed =
            chitieu_app::exchange::write_parsed(&s.app, &me, &parsed, &channel, official.is_some())
                .await?;
        Ok(Json(PutResult {
            received: parsed.len(),
            changed,
        })
        .into_response())
    })
    .await
}

async fn write_batch(
    s: &AppState,
    me: &Actor,
    body: ApiJson<ValuesIn>,
) -> Result<Response, ApiError> {
    let body = body.parse()?;
    let (items, state) = value_items(&body)?;
    let changed = actions::write_values(&s.app, me, &items, Vec::new(), state, "API").await?;
    Ok(Json(PutResult {
        received: items.len(),
        changed,
    })
    .into_response())
}

fn content_type(status: axum::http::StatusCode) -> &'static str {
    if status.is_success() {
        "application/json"
    } else {
        "application/problem+json"
    }
}

/// The kept answer again, marked as a replay; refused when the body is not the one it
/// answered.
fn replay(kept: chitieu_app::KeptAnswer, digest: &str) -> Result<Response, ApiError> {
    if kept.digest != digest {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "Idempotency-Key này đã dùng cho một lô khác: mỗi lô cần khóa riêng",
            "This Idempotency-Key was used for another batch: each batch needs its own key",
        ));
    }
    let status =
        axum::http::StatusCode::from_u16(kept.status).unwrap_or(axum::http::StatusCode::OK);
    Ok((
        status,
        [
            (axum::http::header::CONTENT_TYPE, content_type(status)),
            (
                axum::http::HeaderName::from_static("idempotent-replayed"),
                "true",
            ),
        ],
        kept.body,
    )
        .into_response())
}
