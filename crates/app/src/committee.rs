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

/// Whether `me` keeps the records of `committee` (for showing the forms).
pub fn may_keep_records(s: &App, me: &Actor, committee: &UnitCode) -> bool {
    check_keeper(s, me, committee).is_ok()
}

pub async fn add_member(s: &App, me: &Actor, m: &Member) -> Result<(), ActionError> {
    check_keeper(s, me, &m.committee)?;
    s.store.add_member(m, &me.login).await?;
    Ok(())
}

pub async fn add_meeting(s: &App, me: &Actor, m: &Meeting) -> Result<(), ActionError> {
    check_keeper(s, me, &m.committee)?;
    s.store.add_meeting(m, &me.login).await?;
    Ok(())
}
