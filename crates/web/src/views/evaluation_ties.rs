//! Units tied at the cut of "excellent" on the evaluation page: the places left for the
//! emulation council, the tied units, its decision, and the form the secretariat records it
//! with.

use super::common::*;
use super::evaluation_settings::office_form;
use chitieu_app::evaluation::{self, Choice, Evaluation, GroupCut};
use chitieu_domain::evaluation::{PeerGroup, TieDecision};

/// One peer group's tie as the page shows it.
pub(super) struct TieView {
    pub group: String,
    /// What stands: places left and who decides, or the council's decision.
    pub state: String,
    /// A decision that no longer answers the tie, said as such.
    pub outdated: Option<String>,
    /// Code, name, score, chosen by the council.
    pub units: Vec<(String, String, String, bool)>,
    pub undecided: bool,
    /// The decision as the form starts from: number, date (dd/mm/yyyy).
    pub number: String,
    pub date: String,
}

/// The ties of every peer group with units tied at its cut (or a decision now outdated).
pub(super) fn tie_views(tr: Tr, e: &Evaluation) -> Vec<TieView> {
    e.cuts
        .iter()
        .filter(|c| !c.tied.is_empty() || c.outdated.is_some())
        .map(|c| tie_view(tr, e, c))
        .collect()
}

fn tie_view(tr: Tr, e: &Evaluation, c: &GroupCut) -> TieView {
    let units: Vec<(String, String, String, bool)> = c
        .tied
        .iter()
        .map(|code| {
            let u = e.unit(code);
            (
                code.to_string(),
                u.map_or(String::new(), |u| u.name.clone()),
                u.and_then(|u| u.score).map_or("—".into(), |x| tr.num(x, 2)),
                c.decision.as_ref().is_some_and(|d| d.chosen.contains(code)),
            )
        })
        .collect();
    let (state, outdated) = crate::i18n::ties::cut(tr, c, units.first().map(|u| u.2.as_str()));
    let last: Option<&TieDecision> = c.decision.as_ref().or(c.outdated.as_ref());
    TieView {
        group: c.group.as_str().to_string(),
        state,
        outdated,
        units,
        undecided: c.decision.is_none(),
        number: last.map_or(String::new(), |d| d.number.clone()),
        date: last.map_or(String::new(), |d| d.date.format("%d/%m/%Y").to_string()),
    }
}

/// The secretariat records the emulation council's decision on a tie.
pub async fn evaluation_ties(State(s): State<AppState>, v: Viewer, form: LazyForm) -> PageResult {
    let tr = v.tr;
    let (me, fields, year) = office_form(&s, &v, form)?;
    let field = |k: &str| fields.get(k).map_or("", |x| x.trim());
    let group = PeerGroup::from_code(field("group")).ok_or_else(|| {
        PageError::invalid(
            tr,
            chitieu_domain::Refusal::not_one_of(
                chitieu_domain::Field::Group,
                field("group"),
                PeerGroup::ALL.iter().map(|g| g.as_str()),
            ),
        )
    })?;
    let mut chosen: Vec<chitieu_domain::UnitCode> = Vec::new();
    for k in fields.keys().filter_map(|k| k.strip_prefix("unit_")) {
        chosen.push(chitieu_domain::UnitCode::parse(k).map_err(|e| PageError::invalid(tr, e))?);
    }
    chosen.sort();
    let date = chitieu_domain::text::parse_date(field("date"))
        .map_err(|e| PageError::invalid(tr, e))?
        .ok_or_else(|| {
            PageError::invalid(
                tr,
                chitieu_domain::Refusal::Required {
                    field: chitieu_domain::Field::Date,
                },
            )
        })?;
    let choice = Choice {
        group,
        chosen,
        number: field("number").to_string(),
        date,
    };
    evaluation::decide_ties(&s.app, &me, year, choice)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    Ok(Redirect::to(&format!("/evaluation?year={year}&done=ties#ties")).into_response())
}
