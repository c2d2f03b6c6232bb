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
    /// The tasks assigned from the notice, with their lead unit, head and state.
    pub(super) tasks: Vec<super::tasks::TaskRow>,
    /// Where the notice's items are assigned: the task form, the notice filled in.
    pub(super) assign_url: String,
}

impl MemberRow {
    fn of(tr: Tr, m: &Member) -> MemberRow {
        MemberRow {
            person: m.person.clone(),
            position: tr.label(m.position),
            office: m.office.clone(),
            term: format!(
                "{} – {}",
                tr.date(&m.from),
                m.to.map(|d| tr.date(&d)).unwrap_or_default()
            ),
        }
    }
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
    /// Difficulties and proposals reported on tasks since the last meeting (its date), and
    /// older ones not handled yet, for the next one.
    pub(super) raised_since: String,
    pub(super) raised: Vec<RaisedRow>,
    /// What the keeper's last action did, in words.
    pub(super) saved: Option<&'static str>,
    /// The conclusion notices' files, by notice number: (file id, name).
    pub(super) files: std::collections::HashMap<String, Vec<(i32, String)>>,
}

pub(super) struct RaisedRow {
    pub(super) unit: String,
    pub(super) task: String,
    pub(super) title: String,
    pub(super) notice: String,
    pub(super) on: String,
    pub(super) difficulties: String,
    pub(super) proposals: String,
    pub(super) update: i32,
    /// "Đã xử lý ngày 05/12/2026 (Nguyễn Văn A, Sở …): Kết luận tại …", empty while not.
    pub(super) handled: String,
}

impl RaisedRow {
    fn of(tr: Tr, r: chitieu_app::committee::Raised) -> RaisedRow {
        RaisedRow {
            handled: r.handled.as_ref().map_or_else(String::new, |h| {
                format!(
                    "{} {} ({}): {}",
                    tr.t("handled_on"),
                    tr.date(&h.on),
                    h.by,
                    h.note
                )
            }),
            unit: r.unit_name,
            task: r.task,
            title: r.title,
            notice: r.notice,
            on: tr.date(&r.on),
            difficulties: r.difficulties,
            proposals: r.proposals,
            update: r.update,
        }
    }
}

pub(super) async fn committee_box(
    s: &AppState,
    v: &Viewer,
    snap: &Snapshot,
    unit: &chitieu_domain::Unit,
    saved: Option<&str>,
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
        .map(|r| RaisedRow::of(tr, r))
        .collect();
    let mut files = std::collections::HashMap::new();
    for m in meetings.iter().filter(|m| !m.conclusion_number.is_empty()) {
        let list = chitieu_app::committee::notice_files(&s.app, &m.conclusion_number)
            .await
            .map_err(|e| PageError::action(tr, e))?;
        files.insert(m.conclusion_number.clone(), list);
    }
    Ok(Some(CommitteeBox {
        saved: saved.map(|w| match w {
            "members" => tr.t("member_added"),
            "meetings" => tr.t("meeting_recorded"),
            "handled" => tr.t("handled_recorded"),
            "file" => tr.t("file_attached"),
            _ => tr.t("saved"),
        }),
        files,
        raised_since: last.map(|d| tr.date(&d)).unwrap_or_default(),
        raised,
        members: members
            .iter()
            .filter(|m| m.serving_on(day))
            .map(|m| MemberRow::of(tr, m))
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
        // The unit page is kept for many readers: each one's token is put in when sent.
        csrf: CSRF_SLOT.to_string(),
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
        tasks: if m.conclusion_number.is_empty() {
            Vec::new()
        } else {
            let from: Vec<_> = snap
                .tasks
                .iter()
                .filter(|t| t.source.number.trim() == m.conclusion_number.trim())
                .cloned()
                .collect();
            super::tasks::task_rows(snap, tr, &from)
        },
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

/// Records a member (`what` = "members"), a meeting ("meetings") or that a unit's
/// difficulties were handled ("handled") for committee `code`.
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
    let f = Fields {
        tr,
        fields: &fields,
    };
    let refused = |e: ActionError| PageError::action(tr, e);
    match what.as_str() {
        "members" => {
            let m = f.member(&committee)?;
            chitieu_app::committee::add_member(&s.app, &me, &m)
                .await
                .map_err(refused)?;
        }
        "meetings" => {
            let m = f.meeting(&committee)?;
            chitieu_app::committee::add_meeting(&s.app, &me, &m)
                .await
                .map_err(refused)?;
        }
        "handled" => {
            let update = f
                .get("update")
                .parse::<i32>()
                .map_err(|_| PageError::invalid(tr, tr.t("bad_form")))?;
            let (task, note) = (f.get("task"), f.get("note"));
            chitieu_app::committee::mark_handled(&s.app, &me, &committee, &task, update, &note)
                .await
                .map_err(refused)?;
        }
        _ => return Err(PageError::NotFound(tr)),
    }
    Ok(Redirect::to(&format!("/units/{committee}?saved={what}#committee")).into_response())
}

/// A committee form's fields as typed.
struct Fields<'a> {
    tr: Tr,
    fields: &'a std::collections::HashMap<String, String>,
}

impl Fields<'_> {
    fn get(&self, k: &str) -> String {
        self.fields
            .get(k)
            .map(|s| s.trim())
            .unwrap_or("")
            .to_string()
    }

    fn date(&self, k: &str) -> Result<Option<chrono::NaiveDate>, PageError> {
        chitieu_domain::text::parse_date(&self.get(k)).map_err(|m| PageError::invalid(self.tr, m))
    }

    fn required_date(&self, k: &str) -> Result<chrono::NaiveDate, PageError> {
        self.date(k)?
            .ok_or_else(|| PageError::invalid(self.tr, self.tr.t("need_from")))
    }

    fn member(&self, committee: &UnitCode) -> Result<Member, PageError> {
        Ok(Member {
            committee: committee.clone(),
            person: self.get("person"),
            position: self
                .get("position")
                .parse()
                .map_err(|m| PageError::invalid(self.tr, m))?,
            office: self.get("office"),
            from: self.required_date("from")?,
            to: self.date("to")?,
        })
    }

    fn meeting(&self, committee: &UnitCode) -> Result<Meeting, PageError> {
        Ok(Meeting {
            committee: committee.clone(),
            held_on: self.required_date("held_on")?,
            kind: self.get("kind"),
            chair: self.get("chair"),
            agenda: self.get("agenda"),
            attendance: self.get("attendance"),
            conclusion_number: self.get("conclusion_number"),
            conclusion_date: self.date("conclusion_date")?,
        })
    }
}

/// Attaches the signed conclusion notice's file to a meeting of committee `code`.
pub async fn notice_file(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
    mp: axum::extract::Multipart,
) -> PageResult {
    let tr = v.tr;
    let signed_in = v.user()?.clone();
    let committee = UnitCode::parse(&code).map_err(|_| PageError::NotFound(tr))?;
    // Who is asking comes first; the body (with its file) is read only for a keeper.
    if !chitieu_app::committee::may_keep_records(&s.app, &signed_in, &committee) {
        return Err(PageError::Forbidden(tr));
    }
    let form = read_multipart(mp, tr).await?;
    let me = v.check_csrf(&form.fields)?.clone();
    let number = form.fields.get("number").map_or("", |n| n.trim());
    let Some((_, name, bytes)) = form.files.into_iter().next() else {
        return Err(PageError::invalid(tr, tr.t("need_file")));
    };
    chitieu_app::committee::attach_notice_file(&s.app, &me, &committee, number, &name, bytes)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    Ok(Redirect::to(&format!("/units/{committee}?saved=file#committee")).into_response())
}
