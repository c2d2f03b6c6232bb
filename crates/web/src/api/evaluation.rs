//! The year's evaluation: every department, commune and ward with its score, rating, rank and
//! the lines behind the score; freezing the year.

use super::common::*;
use chitieu_app::evaluation::{self, Choice, CouncilNote, GroupCut, UnitResult};
use chitieu_domain::Thing;
use chitieu_domain::evaluation::PeerGroup;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct EvaluationQuery {
    /// Default: this year.
    year: Option<i32>,
    /// `true`: the frozen evaluation of the year (404 while not frozen).
    frozen: Option<bool>,
    /// `departments` or `communes` (communes and wards) only.
    group: Option<String>,
    /// One cluster's units only (its code in the year's rubric).
    cluster: Option<String>,
    /// One unit only (its code).
    unit: Option<String>,
    /// At most this many units (1–1000; default 500), in rank order; `X-Total-Count` says
    /// how many match.
    limit: Option<u32>,
    /// Skip this many first.
    offset: Option<u32>,
}

/// The most units one answer holds: a nation's evaluation is tens of megabytes at once.
const MAX_LIMIT: u32 = 1000;

impl EvaluationQuery {
    /// Whether `u` passes the filters; a group that is not one is refused.
    fn keeps(&self) -> Result<impl Fn(&evaluation::UnitResult) -> bool + '_, ApiError> {
        let group = match self.group.as_deref() {
            None | Some("") => None,
            Some(g) => Some(PeerGroup::from_code(g).ok_or_else(|| {
                ApiError::invalid(format!(
                    "group \"{g}\": cần departments hoặc communes (departments or communes)"
                ))
            })?),
        };
        Ok(move |u: &evaluation::UnitResult| {
            group.is_none_or(|g| u.group == g)
                && self
                    .cluster
                    .as_deref()
                    .is_none_or(|c| c.is_empty() || u.cluster == c)
                && self
                    .unit
                    .as_deref()
                    .is_none_or(|c| c.is_empty() || u.unit.as_str() == c)
        })
    }

    fn window(&self) -> Result<(usize, usize), ApiError> {
        let limit = self.limit.unwrap_or(500);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::invalid(format!(
                "limit {limit}: cần từ 1 đến {MAX_LIMIT} (from 1 to {MAX_LIMIT})"
            )));
        }
        Ok((self.offset.unwrap_or(0) as usize, limit as usize))
    }
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
    /// Tied at the cut of excellent and not yet decided by the emulation council: rated
    /// `good` until it decides.
    tied_at_cut: bool,
    /// While `tied_at_cut`: how many excellent places the council has left to give among
    /// the tied units of the unit's peer group.
    places_left: Option<usize>,
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
            tied_at_cut: u.tied_at_cut,
            places_left: match u.council {
                Some(CouncilNote::Pending { places_left, .. }) => Some(places_left),
                _ => None,
            },
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
) -> Result<Response, ApiError> {
    c.user()?;
    let q = q.parse()?;
    let keeps = q.keeps()?;
    let (offset, limit) = q.window()?;
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&s.today()));
    let out = |e: &evaluation::Evaluation| {
        let kept: Vec<_> = e.units.iter().filter(|u| keeps(u)).collect();
        let page: Vec<EvaluationOut> = kept
            .iter()
            .skip(offset)
            .take(limit)
            .map(|u| EvaluationOut::from((*u).clone()))
            .collect();
        ([("x-total-count", kept.len().to_string())], Json(page)).into_response()
    };
    Ok(if q.frozen == Some(true) {
        let f = evaluation::frozen(&s.app, year)
            .await?
            .ok_or_else(|| ApiError::unknown(Thing::Evaluation, &year.to_string()))?;
        out(&f.evaluation)
    } else {
        let e = evaluation::evaluate(&s.app, year).await?;
        out(&e)
    })
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
    let year = year_in(year)?;
    evaluation::freeze(&s.app, &me, year).await?;
    Ok(Json(Done { ok: true }))
}

fn year_in(year: ApiPath) -> Result<i32, ApiError> {
    let year = year.parse()?;
    year.parse().map_err(|_| {
        ApiError::from(chitieu_domain::Refusal::malformed(
            chitieu_domain::Field::Year,
            &year,
        ))
    })
}

/// One peer group's cut of excellent: the places, the units tied at it, the council's
/// decision.
#[derive(Serialize, ToSchema)]
pub(super) struct TieOut {
    /// `departments` or `communes`.
    group: String,
    /// Excellent places under the quota.
    seats: usize,
    /// Places the emulation council has still to give among `tied` (0 once it decided).
    places_left: usize,
    /// Unit codes tied at the cut.
    tied: Vec<String>,
    /// The council's decision on this tie, if recorded.
    decision: Option<DecisionOut>,
    /// A decision recorded for a tie that no longer stands: the council has to decide again.
    outdated: Option<DecisionOut>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct DecisionOut {
    chosen: Vec<String>,
    number: String,
    date: chrono::NaiveDate,
    recorded_by: String,
}

impl From<GroupCut> for TieOut {
    fn from(c: GroupCut) -> Self {
        let decision = |d: chitieu_domain::evaluation::TieDecision| DecisionOut {
            chosen: d.chosen.iter().map(ToString::to_string).collect(),
            number: d.number,
            date: d.date,
            recorded_by: d.recorded_by,
        };
        TieOut {
            group: c.group.as_str().into(),
            seats: c.seats,
            places_left: c.places_left,
            tied: c.tied.iter().map(ToString::to_string).collect(),
            decision: c.decision.map(decision),
            outdated: c.outdated.map(decision),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/evaluation/{year}/ties", tag = "tasks",
    summary = "Đồng điểm tại ngưỡng xuất sắc",
    description = "Each peer group's cut of excellent in the year's live evaluation: places under the quota, units tied at the cut, the places left for the emulation council to give among them, and its decision once recorded.",
    params(("year" = i32, Path, description = "Year")),
    responses((status = 200, body = Vec<TieOut>), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn ties(
    State(s): State<AppState>,
    c: Caller,
    year: ApiPath,
) -> ApiResult<Vec<TieOut>> {
    c.user()?;
    let e = evaluation::evaluate(&s.app, year_in(year)?).await?;
    Ok(Json(e.cuts.iter().cloned().map(TieOut::from).collect()))
}

/// The emulation council's choice between the tied units of a peer group.
#[derive(Deserialize, ToSchema)]
pub(super) struct TiesIn {
    /// `departments` or `communes`.
    group: String,
    /// Unit codes given the places left; at most `places_left`, all among `tied`.
    units: Vec<String>,
    /// The council's decision number ("12/QĐ-HĐTĐKT").
    number: String,
    /// The decision's date, in the year evaluated or later, not after today.
    date: chrono::NaiveDate,
}

#[utoipa::path(post, path = "/api/v1/evaluation/{year}/ties", tag = "tasks",
    summary = "Ghi quyết định của Hội đồng thi đua về các đơn vị đồng điểm",
    description = "Records the emulation council's decision between units tied at the cut of excellent in one peer group (replacing an earlier one for that group): the chosen units are rated excellent within the quota; the decision is kept when the year is frozen. The plan owner's secretariat and admins only; refused once the year is frozen.",
    params(("year" = i32, Path, description = "Year")),
    request_body = TiesIn,
    responses((status = 200, body = Vec<TieOut>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn decide_ties(
    State(s): State<AppState>,
    c: Caller,
    year: ApiPath,
    body: ApiJson<TiesIn>,
) -> ApiResult<Vec<TieOut>> {
    let me = c.user()?.clone();
    if !evaluation::may_evaluate(&s.live.snapshot(), &me) {
        return Err(ApiError::forbidden());
    }
    let year = year_in(year)?;
    let b = body.parse()?;
    let group = PeerGroup::from_code(&b.group).ok_or_else(|| {
        ApiError::from(chitieu_domain::Refusal::not_one_of(
            chitieu_domain::Field::Group,
            &b.group,
            PeerGroup::ALL.iter().map(|g| g.as_str()),
        ))
    })?;
    let mut chosen = Vec::new();
    for u in &b.units {
        chosen.push(chitieu_domain::UnitCode::parse(u).map_err(ApiError::from)?);
    }
    let choice = Choice {
        group,
        chosen,
        number: b.number,
        date: b.date,
    };
    evaluation::decide_ties(&s.app, &me, year, choice).await?;
    let e = evaluation::evaluate(&s.app, year).await?;
    Ok(Json(e.cuts.iter().cloned().map(TieOut::from).collect()))
}
