//! The year's evaluation: every department, commune and ward with its score, rating, rank and
//! the lines behind the score; freezing the year.

use super::common::*;
use chitieu_app::evaluation::{self, UnitResult};
use chitieu_domain::Thing;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct EvaluationQuery {
    /// Default: this year.
    year: Option<i32>,
    /// `true`: the frozen evaluation of the year (404 while not frozen).
    frozen: Option<bool>,
}

/// A line of a unit's score.
#[derive(Serialize, ToSchema)]
pub(super) struct EvaluationLine {
    /// `targets`, `tasks`, `reporting`, `quality`.
    section: String,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::exact")]
    #[schema(value_type = String)]
    points: f64,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::exact")]
    #[schema(value_type = String)]
    max_points: f64,
    reason: String,
    /// A path on this site: the indicator, task or reports behind the line.
    source: String,
}

/// A head's part of the unit's year, pro rata by days in office.
#[derive(Serialize, ToSchema)]
pub(super) struct EvaluationHead {
    person: String,
    title: String,
    /// `authority` or `party`.
    office: String,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    days: i64,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::measure")]
    #[schema(value_type = String)]
    share: f64,
}

/// One unit's evaluation for the year.
#[derive(Serialize, ToSchema)]
pub(super) struct EvaluationOut {
    unit: String,
    name: String,
    kind: String,
    /// Peer group: `departments` or `communes` (communes and wards).
    group: String,
    /// None with nothing to score the unit on.
    #[serde(serialize_with = "chitieu_domain::text::figure_json::exact_opt")]
    #[schema(value_type = Option<String>)]
    score: Option<f64>,
    /// `excellent`, `good`, `complete`, `not_complete`, after the quota on excellent.
    rating: Option<String>,
    /// The official wording of the rating.
    rating_label: Option<String>,
    /// Rank among the peer group (1 = best).
    rank: Option<usize>,
    cluster: String,
    cluster_rank: Option<usize>,
    heads: Vec<EvaluationHead>,
    lines: Vec<EvaluationLine>,
}

impl From<UnitResult> for EvaluationOut {
    fn from(u: UnitResult) -> Self {
        EvaluationOut {
            unit: u.unit.to_string(),
            name: u.name,
            kind: u.kind,
            group: u.group.as_str().into(),
            score: u.score,
            rating: u.rating.map(|r| r.as_str().into()),
            rating_label: u.rating_label,
            rank: u.rank,
            cluster: u.cluster,
            cluster_rank: u.cluster_rank,
            heads: u
                .heads
                .into_iter()
                .map(|h| EvaluationHead {
                    person: h.person,
                    title: h.title,
                    office: h.office.as_str().into(),
                    from: h.from,
                    to: h.to,
                    days: h.days,
                    share: h.share,
                })
                .collect(),
            lines: u
                .lines
                .into_iter()
                .map(|l| EvaluationLine {
                    section: l.section.as_str().into(),
                    points: l.points,
                    max_points: l.max_points,
                    reason: l.reason,
                    source: l.source,
                })
                .collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/evaluation", tag = "tasks",
    summary = "Đánh giá, xếp loại năm",
    description = "The year's evaluation of every department, commune and ward: score out of 100 by the year's rubric, rating by the bands of Decree 335/2025/NĐ-CP with the quota on excellent, rank among peers and in the cluster, each head's share of the year, and the lines behind the score. Official (accepted) figures only. `frozen=true` gives the year as frozen.",
    params(EvaluationQuery),
    responses((status = 200, body = Vec<EvaluationOut>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn evaluation(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<EvaluationQuery>,
) -> ApiResult<Vec<EvaluationOut>> {
    c.user()?;
    let q = q.parse()?;
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&s.today()));
    let e = if q.frozen == Some(true) {
        evaluation::frozen(&s.app, year)
            .await?
            .ok_or_else(|| ApiError::unknown(Thing::Evaluation, &year.to_string()))?
            .evaluation
    } else {
        evaluation::evaluate(&s.app, year).await?
    };
    Ok(Json(e.units.into_iter().map(EvaluationOut::from).collect()))
}

/// The standing office freezes the year's evaluation as it stands today (once).
#[utoipa::path(post, path = "/api/v1/evaluation/{year}/freeze", tag = "tasks",
    summary = "Chốt kết quả đánh giá năm",
    description = "Freezes the year's evaluation as it stands today: later figures do not change it. Once a year; the plan owner's secretariat and admins only.",
    params(("year" = i32, Path, description = "Year")),
    responses((status = 200, body = Done), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn freeze(State(s): State<AppState>, c: Caller, year: ApiPath) -> ApiResult<Done> {
    let me = c.user()?.clone();
    if !evaluation::may_evaluate(&s.live.snapshot(), &me) {
        return Err(ApiError::forbidden());
    }
    let year = year.parse()?;
    let year: i32 = year.parse().map_err(|_| {
        ApiError::from(chitieu_domain::Refusal::malformed(
            chitieu_domain::Field::Year,
            &year,
        ))
    })?;
    evaluation::freeze(&s.app, &me, year).await?;
    Ok(Json(Done { ok: true }))
}
