//! The plan's indicators and targets.

use super::common::*;
use chitieu_domain::Thing;

/// Decimals leave the API as strings of their exact digits ("60", "0.3"), as they enter.
pub(super) fn exact(d: &rust_decimal::Decimal) -> String {
    chitieu_domain::text::format_decimal(d)
}

#[derive(Serialize, ToSchema)]
pub(super) struct TargetJson {
    /// A recurring target is listed once per year it holds, each with its own `year`.
    year: i32,
    /// The target holds every year from `from` to `to` ("mỗi năm").
    every_year: bool,
    from: Option<i32>,
    to: Option<i32>,
    unit: String,
    /// `>`, `>=`, `=`, `<=` or `<`.
    comparator: &'static str,
    value: String,
    wording: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct IndicatorJson {
    code: String,
    name: String,
    name_en: String,
    unit_of_measure: String,
    group: String,
    group_code: String,
    measure: &'static str,
    frequency: &'static str,
    direction: &'static str,
    natural_limit: Option<String>,
    lead_unit: String,
    targets: Vec<TargetJson>,
}

pub(super) fn indicator_json(
    plan: &chitieu_domain::default_plan::PlanFile,
    i: &chitieu_domain::Indicator,
) -> IndicatorJson {
    let group = plan.groups.iter().find(|g| g.code == i.group);
    IndicatorJson {
        code: i.code.clone(),
        name: i.name.clone(),
        name_en: i.name_en.clone(),
        unit_of_measure: i.unit_of_measure.clone(),
        group: group.map(|g| g.name.clone()).unwrap_or_default(),
        group_code: i.group.clone(),
        measure: i.measure.as_str(),
        frequency: i.frequency.as_str(),
        direction: i.direction.as_str(),
        natural_limit: i.natural_limit.as_ref().map(exact),
        lead_unit: i.lead_unit.to_string(),
        targets: plan
            .targets
            .iter()
            .filter(|t| t.indicator == i.code)
            .map(|t| TargetJson {
                year: t.year,
                every_year: t.every_year.is_some(),
                from: t.every_year.map(|s| s.from),
                to: t.every_year.map(|s| s.to),
                unit: t.unit.to_string(),
                comparator: t.comparator.symbol(),
                value: exact(&t.value),
                wording: t.wording.clone(),
            })
            .collect(),
    }
}

/// Public: the plan's indicators and targets.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "plan",
    summary = "Chỉ tiêu và mục tiêu",
    description = "The plan's indicators: code, name, unit of measure, group, and targets with year, comparator, value and the source wording.",
    security((), ("bearer" = []), ("session" = [])),
    responses((status = 200, body = Vec<IndicatorJson>), (status = 401, body = Problem)))]
pub(super) async fn indicators(
    State(s): State<AppState>,
    _c: Caller,
) -> ApiResult<Vec<IndicatorJson>> {
    let snap = snap(&s).await?;
    let Some(plan) = snap.plan.as_ref() else {
        return Ok(Json(Vec::new()));
    };
    Ok(Json(
        plan.indicators
            .iter()
            .map(|i| indicator_json(plan, i))
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub(super) struct IndicatorDetail {
    #[serde(flatten)]
    indicator: IndicatorJson,
    definition: String,
    data_source: String,
    /// Yearly figures of the plan's owner: `[year, "value"]`.
    #[schema(value_type = Vec<Vec<serde_json::Value>>)]
    yearly: Vec<(i32, String)>,
}

#[utoipa::path(get, path = "/api/v1/indicators/{code}", tag = "plan",
    summary = "Một chỉ tiêu",
    description = "One indicator with its definition, data source and the province's yearly figures.",
    params(("code" = String, Path, description = "Indicator code, e.g. HT-5G")),
    responses((status = 200, body = IndicatorDetail), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn indicator(
    State(s): State<AppState>,
    c: Caller,
    code: ApiPath,
) -> ApiResult<IndicatorDetail> {
    c.user()?;
    let code = code.parse()?;
    let snap = snap(&s).await?;
    let plan = snap
        .plan
        .as_ref()
        .ok_or_else(|| ApiError::from(chitieu_domain::Refusal::NoPlan))?;
    let i = plan
        .indicator(&code)
        .ok_or_else(|| ApiError::unknown(Thing::Indicator, &code))?;
    let yearly = snap
        .engine
        .yearly(&i.code, &plan.plan.owner, snap.today())
        .unwrap_or_default();
    Ok(Json(IndicatorDetail {
        indicator: indicator_json(plan, i),
        definition: i.definition.clone(),
        data_source: i.data_source.clone(),
        yearly: yearly
            .into_iter()
            .map(|(y, f)| (y, exact(&f.value)))
            .collect(),
    }))
}
