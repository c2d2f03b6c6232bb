//! Assessment rows, early warning, and one figure with the values behind it.

use super::*;

#[derive(Deserialize)]
pub(super) struct AssessQuery {
    unit: Option<String>,
    as_of: Option<String>,
    method: Option<String>,
}

/// Public for the plan's owner (the province); a unit's own rows need a signed-in caller.
pub(super) async fn assessment(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<AssessQuery>,
) -> ApiResult<Vec<chitieu_analytics::assess::Row>> {
    let q = q.parse()?;
    let as_of = parse_date(q.as_of.as_deref())?;
    let snap = snap(&s).await?;
    let unit = snap.unit_or_owner(q.unit.as_deref())?.code.clone();
    if snap.plan.as_ref().is_some_and(|p| p.plan.owner != unit) {
        c.user()?;
    }
    Ok(Json(snap.assess(
        Some(unit.as_str()),
        as_of,
        q.method.as_deref(),
    )?))
}

pub(super) async fn early_warning(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<AssessQuery>,
) -> ApiResult<Vec<chitieu_analytics::assess::Warning>> {
    c.user()?;
    let q = q.parse()?;
    let as_of = parse_date(q.as_of.as_deref())?;
    let snap = snap(&s).await?;
    Ok(Json(snap.early_warning(q.unit.as_deref(), as_of)?))
}

#[derive(Deserialize)]
pub(super) struct FigureQuery {
    indicator: String,
    unit: Option<String>,
    period: String,
}

#[derive(Serialize)]
pub(super) struct FigureJson {
    indicator: String,
    unit: String,
    period: String,
    figure: Option<chitieu_analytics::Figure>,
    /// The stored values the figure was computed from.
    explanation: Vec<chitieu_analytics::Contribution>,
}

/// One figure and the stored values behind it.
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
        .map_err(|e: chitieu_domain::PeriodError| BadInput(e.to_string()))?;
    let snap = snap(&s).await?;
    let unit = snap.unit_or_owner(q.unit.as_deref())?.code.clone();
    let bad = |e: chitieu_analytics::QueryError| BadInput(e.to_string());
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
        figure,
        explanation,
    }))
}
