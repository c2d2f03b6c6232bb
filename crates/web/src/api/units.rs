//! Units and their heads.

use super::common::*;
use chitieu_domain::Thing;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct UnitsQuery {
    /// The parent's code; none for the top level.
    parent: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct UnitJson {
    code: String,
    name: String,
    kind: &'static str,
    parent: Option<String>,
    valid_from: chrono::NaiveDate,
    valid_to: Option<chrono::NaiveDate>,
}

pub(super) fn unit_json(u: &chitieu_domain::Unit) -> UnitJson {
    UnitJson {
        code: u.code.to_string(),
        name: u.name.clone(),
        kind: u.kind.as_str(),
        parent: u.parent.as_ref().map(|p| p.to_string()),
        valid_from: u.valid_from,
        valid_to: u.valid_to,
    }
}

#[utoipa::path(get, path = "/api/v1/units", tag = "units",
    summary = "Đơn vị",
    description = "The children of a unit (or the top level) that exist today.",
    params(UnitsQuery),
    responses((status = 200, body = Vec<UnitJson>), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub(super) async fn units(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<UnitsQuery>,
) -> ApiResult<Vec<UnitJson>> {
    c.user()?;
    let q = q.parse()?;
    let parent = q
        .parent
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(UnitCode::parse)
        .transpose()
        .map_err(BadInput)?;
    let snap = snap(&s).await?;
    let day = snap.today();
    Ok(Json(
        snap.units
            .iter()
            .filter(|u| u.parent == parent && u.is_valid_on(day))
            .map(unit_json)
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub(super) struct UnitDetail {
    #[serde(flatten)]
    unit: UnitJson,
    heads: Vec<HeadOut>,
}

#[utoipa::path(get, path = "/api/v1/units/{code}", tag = "units",
    summary = "Một đơn vị",
    description = "One unit with its heads' terms of office.",
    params(("code" = String, Path, description = "Unit code (GSO code, or a short code such as TN.SKHCN)")),
    responses((status = 200, body = UnitDetail), (status = 400, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn unit(
    State(s): State<AppState>,
    c: Caller,
    code: ApiPath,
) -> ApiResult<UnitDetail> {
    c.user()?;
    let code = UnitCode::parse(&code.parse()?).map_err(BadInput)?;
    let snap = snap(&s).await?;
    let u = snap
        .unit(&code)
        .ok_or_else(|| ApiError::unknown(Thing::Unit, &code.to_string()))?;
    Ok(Json(UnitDetail {
        unit: unit_json(u),
        heads: snap
            .heads
            .iter()
            .filter(|h| h.unit == code)
            .cloned()
            .map(Into::into)
            .collect(),
    }))
}
