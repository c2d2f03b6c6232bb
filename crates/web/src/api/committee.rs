//! A steering committee: members, meetings and how far each conclusion notice's items have got.

use super::common::*;
use chitieu_domain::Thing;
use chitieu_domain::committee::{ConclusionProgress, Meeting, Member};

#[derive(Serialize, ToSchema)]
pub(super) struct MemberOut {
    person: String,
    /// `head`, `standing_deputy`, `deputy`, `member`, `standing_body`, `advisory`, `support`.
    position: String,
    office: String,
    from: chrono::NaiveDate,
    to: Option<chrono::NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct MeetingOut {
    held_on: chrono::NaiveDate,
    kind: String,
    chair: String,
    agenda: String,
    attendance: String,
    conclusion_number: String,
    conclusion_date: Option<chrono::NaiveDate>,
    /// The tasks citing the notice, by status today.
    items: usize,
    done_on_time: usize,
    done_late: usize,
    in_progress: usize,
    overdue: usize,
    cancelled: usize,
}

#[derive(Serialize, ToSchema)]
pub(super) struct CommitteeOut {
    unit: String,
    members: Vec<MemberOut>,
    meetings: Vec<MeetingOut>,
}

#[utoipa::path(get, path = "/api/v1/committees/{code}", tag = "tasks",
    summary = "Ban Chỉ đạo",
    description = "A steering committee: its members (every membership, dated), its meetings latest first, and per conclusion notice the tasks citing it by status today.",
    params(("code" = String, Path, description = "The committee's unit code")),
    responses((status = 200, body = CommitteeOut), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn committee(
    State(s): State<AppState>,
    c: Caller,
    code: ApiPath,
) -> ApiResult<CommitteeOut> {
    c.user()?;
    let code = code.parse()?;
    let unit =
        UnitCode::parse(&code).map_err(|_| ApiError::unknown(Thing::Unit, &code.to_string()))?;
    let snap = s.live.snapshot();
    if snap.unit(&unit).is_none() {
        return Err(ApiError::unknown(Thing::Unit, &code.to_string()));
    }
    let (members, meetings) = s.app.committee_records(&unit).await?;
    let day = snap.today();
    Ok(Json(CommitteeOut {
        unit: unit.to_string(),
        members: members
            .into_iter()
            .map(|m| MemberOut {
                person: m.person,
                position: m.position.as_str().into(),
                office: m.office,
                from: m.from,
                to: m.to,
            })
            .collect(),
        meetings: meetings
            .into_iter()
            .map(|m| {
                let p = ConclusionProgress::of(&snap.tasks, &m.conclusion_number, day);
                MeetingOut {
                    held_on: m.held_on,
                    kind: m.kind,
                    chair: m.chair,
                    agenda: m.agenda,
                    attendance: m.attendance,
                    conclusion_number: m.conclusion_number,
                    conclusion_date: m.conclusion_date,
                    items: p.items,
                    done_on_time: p.done_on_time,
                    done_late: p.done_late,
                    in_progress: p.in_progress,
                    overdue: p.overdue,
                    cancelled: p.cancelled,
                }
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct MemberIn {
    person: String,
    /// `head`, `standing_deputy`, `deputy`, `member`, `standing_body`, `advisory`, `support`.
    position: String,
    #[serde(default)]
    office: String,
    from: chrono::NaiveDate,
    #[serde(default)]
    to: Option<chrono::NaiveDate>,
}

#[utoipa::path(post, path = "/api/v1/committees/{code}/members", tag = "tasks",
    summary = "Thêm thành viên Ban Chỉ đạo",
    description = "A member of the committee, by the administrators whose scope holds it.",
    params(("code" = String, Path, description = "The committee's unit code")),
    request_body = MemberIn,
    responses((status = 200, body = Done), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn add_member(
    State(s): State<AppState>,
    c: Caller,
    code: ApiPath,
    body: ApiJson<MemberIn>,
) -> ApiResult<Done> {
    let me = c.user()?.clone();
    let committee = committee_of(&s, &me, code)?;
    let b = body.parse()?;
    let m = Member {
        committee,
        person: b.person,
        position: b.position.parse().map_err(ApiError::from)?,
        office: b.office,
        from: b.from,
        to: b.to,
    };
    chitieu_app::committee::add_member(&s.app, &me, &m).await?;
    Ok(Json(Done { ok: true }))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct MeetingIn {
    held_on: chrono::NaiveDate,
    kind: String,
    chair: String,
    #[serde(default)]
    agenda: String,
    #[serde(default)]
    attendance: String,
    /// "12/TB-BCĐ": tasks citing this number are the notice's items.
    #[serde(default)]
    conclusion_number: String,
    #[serde(default)]
    conclusion_date: Option<chrono::NaiveDate>,
}

#[utoipa::path(post, path = "/api/v1/committees/{code}/meetings", tag = "tasks",
    summary = "Ghi phiên họp Ban Chỉ đạo",
    description = "A meeting of the committee and its conclusion notice, by the administrators whose scope holds it; a notice number is used once.",
    params(("code" = String, Path, description = "The committee's unit code")),
    request_body = MeetingIn,
    responses((status = 200, body = Done), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn add_meeting(
    State(s): State<AppState>,
    c: Caller,
    code: ApiPath,
    body: ApiJson<MeetingIn>,
) -> ApiResult<Done> {
    let me = c.user()?.clone();
    let committee = committee_of(&s, &me, code)?;
    let b = body.parse()?;
    let m = Meeting {
        committee,
        held_on: b.held_on,
        kind: b.kind,
        chair: b.chair,
        agenda: b.agenda,
        attendance: b.attendance,
        conclusion_number: b.conclusion_number,
        conclusion_date: b.conclusion_date,
    };
    chitieu_app::committee::add_meeting(&s.app, &me, &m).await?;
    Ok(Json(Done { ok: true }))
}

/// The committee named in the path, once the caller is known to keep its records (who asks
/// comes first: others learn nothing from the body's errors).
fn committee_of(s: &AppState, me: &Actor, code: ApiPath) -> Result<UnitCode, ApiError> {
    let code = code.parse()?;
    let unit = UnitCode::parse(&code).map_err(|_| ApiError::forbidden())?;
    if !chitieu_app::committee::may_keep_records(&s.app, me, &unit) {
        return Err(ApiError::forbidden());
    }
    Ok(unit)
}
