//! A steering committee on its unit's page: members by position, meetings with their
//! conclusion notices and how far each notice's items have got; the standing office records
//! members and meetings there and assigns a notice's items as tasks.

use super::common::*;
use chitieu_domain::committee::{ConclusionProgress, Meeting, Member, Position};

pub(super) struct MemberRow {
    pub(super) person: String,
    pub(super) position: &'static str,
    pub(super) office: String,
    pub(super) term: String,
}

pub(super) struct MeetingRow {
    pub(super) held_on: String,
    pub(super) kind: String,
    pub(super) chair: String,
    pub(super) agenda: String,
    pub(super) attendance: String,
    pub(super) number: String,
    /// "Thông báo kết luận số 12/TB-BCĐ ngày 21/02/2025".
    pub(super) notice: String,
    pub(super) progress: ConclusionProgress,
    /// Where the notice's items are assigned: the task form, the notice filled in.
    pub(super) assign_url: String,
}

/// What the unit page shows of a committee; `None` for a unit that is not one.
pub(super) struct CommitteeBox {
    pub(super) members: Vec<MemberRow>,
    pub(super) meetings: Vec<MeetingRow>,
    /// The viewer keeps the records: the forms.
    pub(super) keeps: bool,
    pub(super) positions: Vec<(&'static str, &'static str)>,
    pub(super) csrf: String,
    pub(super) code: String,
    /// Difficulties and proposals reported on tasks since the last meeting (its date), for
    /// the next one: unit, task code, task title, notice, day, difficulties, proposals.
    pub(super) raised_since: String,
    pub(super) raised: Vec<[String; 7]>,
}

pub(super) async fn committee_box(
    s: &AppState,
    v: &Viewer,
    snap: &Snapshot,
    unit: &chitieu_domain::Unit,
) -> Result<Option<CommitteeBox>, PageError> {
    let tr = v.tr;
    let me = v.user()?;
    let (members, meetings) = s.app.committee_records(&unit.code).await.or_500(tr)?;
    let keeps = unit.kind == chitieu_domain::UnitKind::Other
        && chitieu_app::committee::may_keep_records(&s.app, me, &unit.code);
    if members.is_empty() && meetings.is_empty() && !keeps {
        return Ok(None);
    }
    let day = snap.today();
    let last = meetings.iter().map(|m| m.held_on).max();
    let raised = chitieu_app::committee::raised_since(snap, last)
        .into_iter()
        .map(|r| {
            [
                r.unit_name,
                r.task,
                r.title,
                r.notice,
                tr.date(&r.on),
                r.difficulties,
                r.proposals,
            ]
        })
        .collect();
    Ok(Some(CommitteeBox {
        raised_since: last.map(|d| tr.date(&d)).unwrap_or_default(),
        raised,
        members: members
            .iter()
            .filter(|m| m.serving_on(day))
            .map(|m| MemberRow {
                person: m.person.clone(),
                position: tr.label(m.position),
                office: m.office.clone(),
                term: format!(
                    "{} – {}",
                    tr.date(&m.from),
                    m.to.map(|d| tr.date(&d)).unwrap_or_default()
                ),
            })
            .collect(),
        meetings: meetings
            .iter()
            .map(|m| meeting_row(tr, snap, &unit.name, m))
            .collect(),
        keeps,
        positions: Position::ALL
            .iter()
            .map(|p| (p.as_str(), tr.label(p)))
            .collect(),
        csrf: me.csrf.clone(),
        code: unit.code.to_string(),
    }))
}

/// A meeting with its conclusion notice, the notice's tasks by status, and the link that
/// assigns a task citing it.
fn meeting_row(
    tr: Tr,
    snap: &Snapshot,
    issuer: &str,
    m: &chitieu_domain::committee::Meeting,
) -> MeetingRow {
    let date = m.conclusion_date.unwrap_or(m.held_on);
    MeetingRow {
        held_on: tr.date(&m.held_on),
        kind: m.kind.clone(),
        chair: m.chair.clone(),
        agenda: m.agenda.clone(),
        attendance: m.attendance.clone(),
        number: m.conclusion_number.clone(),
        notice: if m.conclusion_number.is_empty() {
            String::new()
        } else {
            format!(
                "{} {} {} {}",
                tr.t("conclusion_notice"),
                m.conclusion_number,
                tr.t("dated"),
                tr.date(&date)
            )
        },
        progress: ConclusionProgress::of(&snap.tasks, &m.conclusion_number, snap.today()),
        assign_url: format!(
            "/tasks/new?source_number={}&source_date={date}&source_issuer={}",
            urlencoding(&m.conclusion_number),
            urlencoding(issuer)
        ),
    }
}

/// Text for a query string: letters, digits and `-_.~` as they are, the rest as %XX of UTF-8.
fn urlencoding(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Records a member (`what` = "members") or a meeting ("meetings") of committee `code`.
pub async fn committee_save(
    State(s): State<AppState>,
    v: Viewer,
    Path((code, what)): Path<(String, String)>,
    form: LazyForm,
) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let fields = form.read(tr)?;
    let me = v.check_csrf(&fields)?.clone();
    let committee = UnitCode::parse(&code).map_err(|_| PageError::NotFound(tr))?;
    let get = |k: &str| fields.get(k).map(|s| s.trim()).unwrap_or("").to_string();
    let date =
        |k: &str| chitieu_domain::text::parse_date(&get(k)).map_err(|m| PageError::invalid(tr, m));
    let refused = |e: ActionError| PageError::action(tr, e);
    match what.as_str() {
        "members" => {
            let m = Member {
                committee: committee.clone(),
                person: get("person"),
                position: get("position")
                    .parse()
                    .map_err(|m| PageError::invalid(tr, m))?,
                office: get("office"),
                from: date("from")?.ok_or_else(|| PageError::invalid(tr, tr.t("need_from")))?,
                to: date("to")?,
            };
            chitieu_app::committee::add_member(&s.app, &me, &m)
                .await
                .map_err(refused)?;
        }
        "meetings" => {
            let m = Meeting {
                committee: committee.clone(),
                held_on: date("held_on")?
                    .ok_or_else(|| PageError::invalid(tr, tr.t("need_from")))?,
                kind: get("kind"),
                chair: get("chair"),
                agenda: get("agenda"),
                attendance: get("attendance"),
                conclusion_number: get("conclusion_number"),
                conclusion_date: date("conclusion_date")?,
            };
            chitieu_app::committee::add_meeting(&s.app, &me, &m)
                .await
                .map_err(refused)?;
        }
        _ => return Err(PageError::NotFound(tr)),
    }
    Ok(Redirect::to(&format!("/units/{committee}#committee")).into_response())
}
