//! Assessment rows, early warning, and one figure with the values behind it.

use super::common::*;
use chitieu_app::live::Data;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct AssessQuery {
    /// Unit code; default the plan's owner (the province).
    unit: Option<String>,
    /// `YYYY-MM-DD`; default today.
    as_of: Option<String>,
    /// `target`, `unsd2022` (default), `opensdg` or `projection`.
    method: Option<String>,
    /// `official` (accepted figures only; always, for a caller not signed in) or
    /// `provisional` (every figure entered; the default for signed-in callers).
    data: Option<String>,
}

/// Public for the plan's owner (the province); a unit's own rows need a signed-in caller.
#[utoipa::path(get, path = "/api/v1/assessment", tag = "assessment",
    summary = "Đánh giá tiến độ",
    description = "One row per target of a unit, assessed as of a date by a method. Public for the province; a unit's own rows need a signed-in caller.",
    params(AssessQuery),
    security((), ("bearer" = []), ("session" = [])),
    responses((status = 200, body = Vec<AssessmentRow>), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub(super) async fn assessment(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<AssessQuery>,
) -> Result<axum::response::Response, ApiError> {
    let q = q.parse()?;
    let as_of = parse_date(q.as_of.as_deref())?;
    let snap = snap(&s).await?;
    let unit = snap.unit_or_owner(q.unit.as_deref())?.code.clone();
    if snap.plan.as_ref().is_some_and(|p| p.plan.owner != unit) {
        c.user()?;
    }
    // The public sees official figures only.
    let data = match q.data.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => d.parse()?,
        None if c.user.is_some() => Data::Provisional,
        None => Data::Official,
    };
    if data == Data::Provisional {
        c.user()?;
    }
    // The answer as sent, kept with the snapshot: a nation's rows are serialised once per
    // change, not once per caller.
    let key = format!(
        "api-assessment|{unit}|{}|{:?}|{data:?}",
        as_of.unwrap_or_else(|| snap.today()),
        q.method
    );
    let json = match snap.kept_text(&key) {
        Some(json) => json,
        None => {
            let rows = snap.assess_data(Some(unit.as_str()), as_of, q.method.as_deref(), data)?;
            let rows: Vec<AssessmentRow> = rows.into_iter().map(Into::into).collect();
            let broken = |e: String| ApiError::from(chitieu_app::StoreError::Broken(e));
            let text = serde_json::to_string(&rows).map_err(|e| broken(e.to_string()))?;
            snap.remember_text(key, || Ok(text)).map_err(broken)?
        }
    };
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        axum::body::Body::from(axum::body::Bytes::from_owner(Kept(json))),
    )
        .into_response())
}

/// A text kept with the snapshot, sent without copying it.
struct Kept(std::sync::Arc<str>);

impl AsRef<[u8]> for Kept {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

#[utoipa::path(get, path = "/api/v1/early-warning", tag = "assessment",
    summary = "Cảnh báo sớm",
    description = "Targets of a unit and every unit under it that will be missed at the current pace, most at risk first.",
    params(AssessQuery),
    responses((status = 200, body = Vec<WarningRow>), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub(super) async fn early_warning(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<AssessQuery>,
) -> ApiResult<Vec<WarningRow>> {
    c.user()?;
    let q = q.parse()?;
    let as_of = parse_date(q.as_of.as_deref())?;
    let snap = snap(&s).await?;
    let rows = snap.early_warning(q.unit.as_deref(), as_of)?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct FigureQuery {
    /// Indicator code.
    indicator: String,
    /// Unit code; default the province.
    unit: Option<String>,
    /// Period: `2025`, `2025S1`, `2025Q3`, `2025M07`.
    period: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct FigureJson {
    indicator: String,
    unit: String,
    period: String,
    /// None when there is no data.
    figure: Option<FigureOut>,
    /// The stored values the figure was computed from.
    explanation: Vec<ContributionOut>,
}

/// One figure and the stored values behind it.
#[utoipa::path(get, path = "/api/v1/figures", tag = "assessment",
    summary = "Một số liệu tổng hợp",
    description = "One aggregated figure for an indicator, a unit and a period, and the stored values it came from.",
    params(FigureQuery),
    responses((status = 200, body = FigureJson), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub(super) async fn figure(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<FigureQuery>,
) -> ApiResult<FigureJson> {
    c.user()?;
    let q = q.parse()?;
    let period: Period = q
        .period
        .parse()
        .map_err(|e: chitieu_domain::PeriodError| BadInput(e.into()))?;
    let snap = snap(&s).await?;
    let unit = snap.unit_or_owner(q.unit.as_deref())?.code.clone();
    let bad = |e: chitieu_analytics::QueryError| BadInput(e.into());
    let figure = snap
        .engine
        .figure(&q.indicator, &unit, period)
        .map_err(bad)?;
    let explanation = snap
        .engine
        .explain(&q.indicator, &unit, period)
        .map_err(bad)?;
    Ok(Json(FigureJson {
        indicator: q.indicator,
        unit: unit.to_string(),
        period: period.to_string(),
        figure: figure.map(Into::into),
        explanation: explanation.into_iter().map(Into::into).collect(),
    }))
}
