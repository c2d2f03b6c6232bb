//! Units tied at the cut of "excellent": the places left go to the emulation council, whose
//! decision the secretariat records; it holds while the tie it answered stands.

use chitieu_domain::evaluation::{self, PeerGroup, Rating, Scored, TieDecision};
use chitieu_domain::{Actor, UnitCode};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Evaluation, broken, may_evaluate};
use crate::App;
use crate::actions::ActionError;
use chitieu_store::evaluation::Setting;

/// Where "excellent" is cut in one peer group, and what the council decided there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupCut {
    pub group: PeerGroup,
    /// Places under the quota.
    pub seats: usize,
    /// Places the council has still to fill (0 once it decided, or with no tie).
    pub places_left: usize,
    /// The units tied at the cut.
    pub tied: Vec<UnitCode>,
    /// The council's decision on this tie.
    pub decision: Option<TieDecision>,
    /// A decision recorded for a tie that no longer stands (later figures changed the
    /// scores): the council has to decide again.
    pub outdated: Option<TieDecision>,
}

/// What a unit's rating owes to the council, for its scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CouncilNote {
    /// Tied at the cut: rated "good" until the council decides between the tied units.
    Pending { places_left: usize, tied: usize },
    /// Chosen by the council for a place left.
    Chosen { number: String, date: NaiveDate },
    /// Tied at the cut and not chosen.
    NotChosen { number: String, date: NaiveDate },
}

/// Rates one peer group (`members`, indices into `e.units`, with their scores): the quota,
/// then the council's decision where it answers the tie at the cut.
pub(super) fn rate_group(
    e: &mut Evaluation,
    group: PeerGroup,
    members: &[usize],
    scored: &[Scored],
    decisions: &[TieDecision],
) {
    let quota = e.rubric.excellent_quota;
    let first = evaluation::rate(scored, quota, None);
    let tied: Vec<UnitCode> = first
        .cut
        .tied
        .iter()
        .map(|&k| e.units[members[k]].unit.clone())
        .collect();
    let recorded = decisions.iter().find(|d| d.group == group);
    let answering =
        recorded.filter(|d| !tied.is_empty() && d.answers(&tied, first.cut.places_left));
    let rated = match answering {
        Some(d) => {
            let chosen: Vec<usize> = first
                .cut
                .tied
                .iter()
                .copied()
                .filter(|&k| d.chosen.contains(&e.units[members[k]].unit))
                .collect();
            evaluation::rate(scored, quota, Some(&chosen))
        }
        None => first.clone(),
    };
    for (i, &k) in members.iter().enumerate() {
        let (rating, rank) = rated.units[i];
        let u = &mut e.units[k];
        u.rating = Some(rating);
        u.rating_label = Some(rating.label_vi().to_string());
        u.rank = Some(rank);
        let is_tied = first.cut.tied.contains(&i);
        u.tied_at_cut = is_tied && answering.is_none();
        u.council = match (is_tied, answering) {
            (false, _) => None,
            (true, None) => Some(CouncilNote::Pending {
                places_left: first.cut.places_left,
                tied: tied.len(),
            }),
            (true, Some(d)) if rating == Rating::Excellent => Some(CouncilNote::Chosen {
                number: d.number.clone(),
                date: d.date,
            }),
            (true, Some(d)) => Some(CouncilNote::NotChosen {
                number: d.number.clone(),
                date: d.date,
            }),
        };
    }
    if first.cut.seats > 0 || recorded.is_some() {
        e.cuts.push(GroupCut {
            group,
            seats: first.cut.seats,
            places_left: if answering.is_some() {
                0
            } else {
                first.cut.places_left
            },
            tied,
            decision: answering.cloned(),
            outdated: recorded.filter(|_| answering.is_none()).cloned(),
        });
    }
}

/// The council's decisions recorded for `year`, one per peer group at most.
pub(super) async fn decisions(s: &App, year: i32) -> Result<Vec<TieDecision>, ActionError> {
    let mut out = Vec::new();
    for group in PeerGroup::ALL {
        if let Some(st) = s
            .store
            .evaluation_setting(year, Setting::Ties(group))
            .await?
        {
            out.push(super::read_body(
                &st.body,
                chitieu_domain::Thing::Evaluation,
                year,
            )?);
        }
    }
    Ok(out)
}

/// The council's choice between the units of `group` tied at the cut, as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub group: PeerGroup,
    pub chosen: Vec<UnitCode>,
    pub number: String,
    pub date: NaiveDate,
}

/// Records the council's decision on `year`'s tie in one peer group (replacing an earlier
/// one for that group): only tied units, no more than the places left; refused once the
/// year is frozen. The caller that shows the result evaluates the year again.
pub async fn decide_ties(
    s: &App,
    me: &Actor,
    year: i32,
    choice: Choice,
) -> Result<(), ActionError> {
    let snap = s.live.snapshot();
    if !may_evaluate(&snap, me) {
        return Err(ActionError::Forbidden);
    }
    let live = super::evaluate(s, year).await?;
    let cut = live.cuts.iter().find(|c| c.group == choice.group);
    let (tied, places_left) = match cut {
        // A decision already recorded answers the tie: the council may decide it again.
        Some(c) => (
            c.tied.clone(),
            c.decision.as_ref().map_or(c.places_left, |d| d.places_left),
        ),
        None => (Vec::new(), 0),
    };
    let number = evaluation::check_decision(
        places_left,
        &tied,
        &choice.chosen,
        &choice.number,
        choice.date,
        year,
        s.today(),
    )?;
    let decision = TieDecision {
        group: choice.group,
        chosen: choice.chosen,
        tied,
        places_left,
        number,
        date: choice.date,
        recorded_by: s.person(me),
    };
    let body = serde_json::to_string(&decision).map_err(broken)?;
    s.store
        .save_evaluation_setting(year, Setting::Ties(choice.group), Some(&body), &me.login)
        .await?;
    s.live.sync().await?;
    Ok(())
}
