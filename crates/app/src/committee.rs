//! The Steering Committee's records: members and meetings, kept by the administrators whose
//! scope holds the committee (the standing office).

use chitieu_domain::Actor;
use chitieu_domain::UnitCode;
use chitieu_domain::committee::{Meeting, Member};
use chitieu_domain::permission::may_administer;

use crate::App;
use crate::actions::ActionError;

fn check_keeper(s: &App, me: &Actor, committee: &UnitCode) -> Result<(), ActionError> {
    let snap = s.live.snapshot();
    if !may_administer(&snap.units, me.role, &me.unit, committee) {
        return Err(ActionError::Forbidden);
    }
    if snap.unit(committee).is_none() {
        return Err(ActionError::NotFound(chitieu_domain::Refusal::unknown(
            chitieu_domain::Thing::Unit,
            committee.as_str(),
        )));
    }
    Ok(())
}

/// The steering committee of `province`: its unit named "Ban Chỉ đạo…" directly under it.
pub fn steering<'a>(
    snap: &'a crate::live::Snapshot,
    province: &UnitCode,
) -> Option<&'a chitieu_domain::Unit> {
    snap.units
        .iter()
        .find(|x| x.parent.as_ref() == Some(province) && x.name.starts_with("Ban Chỉ đạo"))
}

/// Whether `me` keeps the records of `committee` (for showing the forms).
pub fn may_keep_records(s: &App, me: &Actor, committee: &UnitCode) -> bool {
    check_keeper(s, me, committee).is_ok()
}

pub async fn add_member(s: &App, me: &Actor, m: &Member) -> Result<(), ActionError> {
    check_keeper(s, me, &m.committee)?;
    s.store.add_member(m, &me.login).await?;
    s.live.sync().await?;
    Ok(())
}

pub async fn add_meeting(s: &App, me: &Actor, m: &Meeting) -> Result<(), ActionError> {
    check_keeper(s, me, &m.committee)?;
    s.store.add_meeting(m, &me.login).await?;
    s.live.sync().await?;
    Ok(())
}

/// The evidence kind of a conclusion notice's file, keyed by the notice's number.
pub const NOTICE_FILE: &str = "notice";

/// The files of conclusion notice `number`: (id, name).
pub async fn notice_files(s: &App, number: &str) -> Result<Vec<(i32, String)>, ActionError> {
    Ok(s.store
        .evidence_list(NOTICE_FILE, number)
        .await?
        .into_iter()
        .map(|f| (f.id, f.file_name))
        .collect())
}

/// Attaches the signed conclusion notice (PDF, Word or a scan) to the meeting of `committee`
/// that issued notice `number`.
pub async fn attach_notice_file(
    s: &App,
    me: &Actor,
    committee: &UnitCode,
    number: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<(), ActionError> {
    check_keeper(s, me, committee)?;
    let number = number.trim();
    if number.is_empty()
        || !s
            .store
            .meetings(committee)
            .await?
            .iter()
            .any(|m| m.conclusion_number == number)
    {
        return Err(ActionError::NotFound(chitieu_domain::Refusal::unknown(
            chitieu_domain::Thing::Notice,
            number,
        )));
    }
    s.store
        .add_evidence(NOTICE_FILE, number, file_name, bytes, &me.login)
        .await?;
    s.live.sync().await?;
    Ok(())
}

/// Records that the difficulties and proposals of progress report `update` on `task` were
/// dealt with (how: `note`, required), today, in the name and office of `me`.
pub async fn mark_handled(
    s: &App,
    me: &Actor,
    committee: &UnitCode,
    task: &str,
    update: i32,
    note: &str,
) -> Result<(), ActionError> {
    check_keeper(s, me, committee)?;
    // The task's own unit must lie in the keeper's scope too: a ward's administrator, keeper
    // of its own page, does not close a department's difficulty.
    let snap = s.live.snapshot();
    let t = snap.task(task).ok_or_else(|| {
        ActionError::NotFound(chitieu_domain::Refusal::unknown(
            chitieu_domain::Thing::Task,
            task,
        ))
    })?;
    if !may_administer(&snap.units, me.role, &me.unit, &t.lead_unit) {
        return Err(ActionError::Forbidden);
    }
    if note.trim().is_empty() {
        return Err(ActionError::Refused(chitieu_domain::Refusal::Required {
            field: chitieu_domain::Field::Note,
        }));
    }
    let handled = chitieu_domain::task::Handled {
        on: s.today(),
        by: s.person(me),
        note: note.trim().to_string(),
    };
    s.store
        .mark_handled(task, update, &handled, &me.login)
        .await?;
    s.live.sync().await?;
    Ok(())
}

/// A difficulty or proposal a unit reported on a task: what the committee meets to resolve.
#[derive(Debug, Clone, PartialEq)]
pub struct Raised {
    pub unit: UnitCode,
    pub unit_name: String,
    pub task: String,
    pub title: String,
    /// The conclusion notice the task comes from ("12/TB-BCĐ"), empty for another source.
    pub notice: String,
    pub on: chrono::NaiveDate,
    pub difficulties: String,
    pub proposals: String,
    /// The progress report's number, which marking it handled names.
    pub update: i32,
    pub handled: Option<chitieu_domain::task::Handled>,
}

/// The difficulties and proposals units reported on tasks after `since` (the committee's
/// last meeting; all without one), and those reported before that are not handled yet, by
/// unit, then conclusion notice, then date: the input of the next meeting.
pub fn raised_since(snap: &crate::live::Snapshot, since: Option<chrono::NaiveDate>) -> Vec<Raised> {
    let mut out: Vec<Raised> = snap
        .tasks
        .iter()
        .filter(|t| t.cancelled.is_none())
        .flat_map(|t| {
            t.updates
                .iter()
                .filter(|u| u.handled.is_none() || since.is_none_or(|d| u.on > d))
                .filter(|u| !u.difficulties.trim().is_empty() || !u.proposals.trim().is_empty())
                .map(move |u| Raised {
                    unit: t.lead_unit.clone(),
                    unit_name: snap.unit_name(&t.lead_unit),
                    task: t.code.clone(),
                    title: t.title.clone(),
                    notice: t.source.number.clone(),
                    on: u.on,
                    difficulties: u.difficulties.clone(),
                    proposals: u.proposals.clone(),
                    update: u.id,
                    handled: u.handled.clone(),
                })
        })
        .collect();
    out.sort_by(|a, b| {
        (&a.unit_name, &a.notice, a.on, &a.task).cmp(&(&b.unit_name, &b.notice, b.on, &b.task))
    });
    out
}
