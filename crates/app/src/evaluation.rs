//! The year's evaluation of every department, commune and ward, gathered from the snapshot
//! (official figures only), scored by the year's rubric; its freezing; what differs since.
//!
//! Everything is judged as of today: a 2025 task finished in March 2026 is late, not
//! overdue; 2025 figures accepted in February 2026 count. Freezing the year keeps the result
//! as it stood that day.

use chitieu_domain::Actor;
use chitieu_domain::evaluation::{
    self, Attribution, Evidence, Line, PeerGroup, Proposal, Rating, ReportItem, Rubric, Scored,
    TargetItem, TaskItem,
};
use chitieu_domain::{Period, PeriodKind, UnitCode};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

use crate::App;
use crate::actions::ActionError;
use chitieu_store::evaluation::Setting;

mod cache;
mod ties;
use crate::live::{Data, Snapshot};
use crate::reports::{Query, list_within};
pub use cache::{EvaluationCache, evaluate, frozen};
pub use ties::{Choice, CouncilNote, GroupCut, decide_ties};

/// One unit's result: the fields of `GET /api/v1/evaluation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitResult {
    pub unit: UnitCode,
    pub name: String,
    pub kind: String,
    pub group: PeerGroup,
    pub score: Option<f64>,
    /// After the quota on "excellent"; `None` with nothing to score.
    pub rating: Option<Rating>,
    pub rating_label: Option<String>,
    /// The score's own band, before the quota.
    pub band: Option<Rating>,
    /// Among the peer group (1 = best; equal scores share a rank).
    pub rank: Option<usize>,
    pub cluster: String,
    pub cluster_name: String,
    pub cluster_rank: Option<usize>,
    /// Each head in office during the year, with their share of it.
    pub heads: Vec<Attribution>,
    pub lines: Vec<Line>,
    /// Tied at the cut of "excellent" and not yet decided by the emulation council.
    #[serde(default)]
    pub tied_at_cut: bool,
    /// What the rating owes to the council, when the unit was tied at the cut.
    #[serde(default)]
    pub council: Option<CouncilNote>,
}

/// A year's evaluation as of a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub year: i32,
    pub as_of: NaiveDate,
    pub rubric: Rubric,
    /// 0: the default rubric, never saved for the year.
    pub rubric_version: i32,
    pub units: Vec<UnitResult>,
    /// Commendation proposals: by the rubric's titles, or as the secretariat edited them.
    #[serde(default)]
    pub proposals: Vec<Proposal>,
    /// Who edited the proposals, when they were edited.
    #[serde(default)]
    pub proposals_edited_by: Option<String>,
    /// Each peer group's cut of "excellent": the places, any tie at it and the council's
    /// decision.
    #[serde(default)]
    pub cuts: Vec<GroupCut>,
}

impl Evaluation {
    pub fn unit(&self, code: &UnitCode) -> Option<&UnitResult> {
        self.units.iter().find(|u| &u.unit == code)
    }
}

/// A frozen evaluation, with who froze it and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Frozen {
    pub evaluation: Evaluation,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Whether `me` sets the rubric and freezes the year: the plan owner's administrators
/// (the standing office's secretariat and admins).
pub fn may_evaluate(snap: &Snapshot, me: &Actor) -> bool {
    snap.plan.as_ref().is_some_and(|p| {
        chitieu_domain::permission::may_evaluate(&snap.units, me.role, &me.unit, &p.plan.owner)
    })
}

/// A stored body of `year`'s evaluation (rubric, proposals, decision, frozen result) that no
/// longer reads: refused as unreadable, nothing changed.
pub(crate) fn read_body<T: serde::de::DeserializeOwned>(
    body: &str,
    what: chitieu_domain::Thing,
    year: i32,
) -> Result<T, ActionError> {
    serde_json::from_str(body).map_err(|e| {
        ActionError::Refused(chitieu_domain::Refusal::Unreadable {
            what,
            detail: format!("{year}: {e}"),
        })
    })
}

/// A record that does not serialise: a fault, never the user's.
pub(crate) fn broken(e: impl std::fmt::Display) -> ActionError {
    ActionError::Internal(crate::live::bad(e))
}

pub(crate) fn check_year(year: i32, day: NaiveDate) -> Result<(), ActionError> {
    // The plan's years, up to this one: a year not begun has nothing to evaluate.
    let plan = chitieu_domain::target::PLAN_YEARS;
    let last = day.year().min(*plan.end());
    if !(*plan.start()..=last).contains(&year) {
        return Err(chitieu_domain::Refusal::YearOutOfRange {
            year,
            first: *plan.start(),
            last,
        }
        .into());
    }
    Ok(())
}

/// The rubric for `year` and its version (0 for the default).
pub async fn rubric(s: &App, year: i32) -> Result<(Rubric, i32), ActionError> {
    match s.store.rubric(year).await? {
        Some(st) => {
            let r: Rubric = read_body(&st.body, chitieu_domain::Thing::Criteria, year)?;
            Ok((r, st.version))
        }
        None => Ok((Rubric::default(), 0)),
    }
}

/// Saves a new version of `year`'s rubric; returns the version.
pub async fn save_rubric(s: &App, me: &Actor, year: i32, r: &Rubric) -> Result<i32, ActionError> {
    if !may_evaluate(&s.live.snapshot(), me) {
        return Err(ActionError::Forbidden);
    }
    check_year(year, s.today())?;
    r.check()?;
    {
        let snap = s.live.snapshot();
        for c in &r.clusters {
            if let Some(u) = c.units.iter().find(|u| snap.unit(u).is_none()) {
                return Err(chitieu_domain::Refusal::unknown(
                    chitieu_domain::Thing::Unit,
                    u.as_str(),
                )
                .of(chitieu_domain::Thing::Cluster, &c.code)
                .into());
            }
        }
    }
    if s.store.frozen_evaluation(year).await?.is_some() {
        return Err(chitieu_domain::Refusal::Frozen { year }.into());
    }
    let body = serde_json::to_string(r).map_err(broken)?;
    let version = s.store.save_rubric(year, &body, &me.login).await?;
    s.live.sync().await?;
    Ok(version)
}

/// The secretariat replaces the year's proposals; an empty list goes back to those computed
/// by the rubric's titles. Every unit must be one the year evaluates.
pub async fn save_proposals(
    s: &App,
    me: &Actor,
    year: i32,
    list: &[Proposal],
) -> Result<(), ActionError> {
    if !may_evaluate(&s.live.snapshot(), me) {
        return Err(ActionError::Forbidden);
    }
    let e = evaluate(s, year).await?;
    if let Some(p) = list.iter().find(|p| e.unit(&p.unit).is_none()) {
        return Err(chitieu_domain::Refusal::NotEvaluated {
            unit: p.unit.to_string(),
            year,
        }
        .into());
    }
    let body = if list.is_empty() {
        None
    } else {
        Some(serde_json::to_string(list).map_err(broken)?)
    };
    s.store
        .save_evaluation_setting(year, Setting::Proposals, body.as_deref(), &me.login)
        .await?;
    s.live.sync().await?;
    Ok(())
}

/// Which year is evaluated, as of which day, by which rubric.
pub struct Scope {
    pub year: i32,
    pub day: NaiveDate,
    pub rubric: Rubric,
    pub rubric_version: i32,
}

/// The evaluation from a snapshot: no database round trip.
pub fn evaluate_on(
    snap: &Snapshot,
    scope: Scope,
    returned: &HashMap<(String, UnitCode, Period), u32>,
    decisions: &[evaluation::TieDecision],
) -> Evaluation {
    let Scope {
        year,
        day,
        rubric,
        rubric_version,
    } = scope;
    let mut out = Evaluation {
        year,
        as_of: day,
        rubric,
        rubric_version,
        units: Vec::new(),
        proposals: Vec::new(),
        proposals_edited_by: None,
        cuts: Vec::new(),
    };
    let (Some(plan), Some(span)) = (snap.plan.as_ref(), evaluation::year_span(year, day)) else {
        return out;
    };
    let owner = &plan.plan.owner;
    let reports = reports_due_in(snap, year, day, returned);
    let owner_rows: Vec<_> = snap
        .assess_data(Some(owner.as_str()), Some(day), None, Data::Official)
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.target_year == year)
        .chain(
            snap.assess_data(Some(owner.as_str()), Some(span.1), None, Data::Official)
                .unwrap_or_default()
                .into_iter()
                .filter(|r| r.target_year > year),
        )
        .collect();
    for unit in snap.units.iter() {
        let Some(group) = PeerGroup::of(unit.kind) else {
            continue;
        };
        if !unit.is_valid_on(span.1) {
            continue;
        }
        // The year's own targets are judged as of today (a verdict, once the year's figures
        // are in); later targets on the progress made by the end of the year.
        let led = |r: &&chitieu_analytics::assess::Row| {
            plan.indicator(&r.indicator)
                .is_some_and(|i| i.lead_unit == unit.code)
        };
        let mut rows: Vec<_> = snap
            .assess_data(Some(unit.code.as_str()), Some(day), None, Data::Official)
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.target_year == year)
            .collect();
        rows.extend(
            snap.assess_data(Some(unit.code.as_str()), Some(span.1), None, Data::Official)
                .unwrap_or_default()
                .into_iter()
                .filter(|r| r.target_year > year),
        );
        rows.extend(owner_rows.iter().filter(led).cloned());
        let ev = Evidence {
            targets: targets_of_year(rows, year)
                .into_iter()
                .map(|r| target_item(snap, r))
                .collect(),
            tasks: snap
                .tasks
                .iter()
                .filter(|t| t.lead_unit == unit.code && t.year == year)
                .map(|t| TaskItem {
                    code: t.code.clone(),
                    title: t.title.clone(),
                    deadline: t.deadline,
                    status: t.status_on(day),
                    defect: t.product_defect.as_ref().map(|d| d.reason.clone()),
                    source: format!("/tasks/{}", t.code),
                })
                .collect(),
            reports: reports.get(&unit.code).cloned().unwrap_or_default(),
        };
        let (score, lines) = evaluation::score(&out.rubric, &ev);
        let (cluster, cluster_name) = match out.rubric.cluster_of(&unit.code) {
            Some(c) => (c.code.clone(), c.name.clone()),
            None => (group.as_str().to_string(), group.label_vi().to_string()),
        };
        out.units.push(UnitResult {
            unit: unit.code.clone(),
            name: unit.name.clone(),
            kind: unit.kind.as_str().to_string(),
            group,
            score,
            rating: None,
            rating_label: None,
            band: score.map(Rating::band),
            rank: None,
            cluster,
            cluster_name,
            cluster_rank: None,
            heads: evaluation::attribute(&snap.heads, &unit.code, span.0, span.1),
            lines,
            tied_at_cut: false,
            council: None,
        });
    }
    rate_all(&mut out, decisions);
    let titles = &out.rubric.titles;
    let mut proposals: Vec<Proposal> = out
        .units
        .iter()
        .flat_map(|u| {
            evaluation::propose(titles, &u.unit, u.rating, u.cluster_rank, &u.cluster_name)
        })
        .collect();
    proposals.sort_by(|a, b| a.title.cmp(&b.title));
    out.proposals = proposals;
    out
}

/// Ratings and ranks: the quota within each peer group (and the council's decisions on ties
/// at its cut), ranks within it and within each cluster. Units without a score are neither
/// rated nor ranked.
fn rate_all(e: &mut Evaluation, decisions: &[evaluation::TieDecision]) {
    let mut groups: BTreeMap<PeerGroup, Vec<usize>> = BTreeMap::new();
    let mut clusters: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (k, u) in e.units.iter().enumerate() {
        if u.score.is_some() {
            groups.entry(u.group).or_default().push(k);
            clusters.entry(u.cluster.clone()).or_default().push(k);
        }
    }
    let scored = |units: &[UnitResult], members: &[usize]| -> Vec<Scored> {
        members
            .iter()
            .map(|&k| Scored {
                score: units[k].score.unwrap_or(0.0),
                target_points: units[k]
                    .lines
                    .iter()
                    .filter(|l| l.section == evaluation::Section::Targets)
                    .map(|l| l.points)
                    .sum(),
            })
            .collect()
    };
    for (&group, members) in &groups {
        let s = scored(&e.units, members);
        ties::rate_group(e, group, members, &s, decisions);
    }
    for members in clusters.values() {
        let rated = evaluation::rate(&scored(&e.units, members), 1.0, None);
        for (&k, (_, rank)) in members.iter().zip(rated.units) {
            e.units[k].cluster_rank = Some(rank);
        }
    }
    e.units.sort_by(|a, b| {
        (a.group, a.rank.unwrap_or(usize::MAX), &a.unit).cmp(&(
            b.group,
            b.rank.unwrap_or(usize::MAX),
            &b.unit,
        ))
    });
}

/// For each indicator, the target of `year`, else its nearest later one (judged on progress).
fn targets_of_year(
    rows: Vec<chitieu_analytics::assess::Row>,
    year: i32,
) -> Vec<chitieu_analytics::assess::Row> {
    let mut best: BTreeMap<(String, String), chitieu_analytics::assess::Row> = BTreeMap::new();
    for r in rows.into_iter().filter(|r| r.target_year >= year) {
        let key = (r.indicator.clone(), r.unit.clone());
        match best.get(&key) {
            Some(b) if b.target_year <= r.target_year => {}
            _ => {
                best.insert(key, r);
            }
        }
    }
    best.into_values().collect()
}

fn target_item(snap: &Snapshot, r: chitieu_analytics::assess::Row) -> TargetItem {
    let source = format!("/indicators/{}?unit={}", r.indicator, r.unit);
    let standing = r.status.standing();
    let Some(plan) = snap.plan.as_ref() else {
        return TargetItem {
            label: r.indicator.clone(),
            standing,
            status: String::new(),
            source,
        };
    };
    // In the plan's words: "Tỷ lệ …, năm 2025: Trên 80 %" and "Không đạt; số liệu mới nhất
    // 75,43 % (quý IV/2025)".
    let line = crate::report::Line::of(plan, &r);
    TargetItem {
        label: format!("{}, năm {}: {}", line.name, line.year, line.target),
        standing,
        status: format!(
            "{}; số liệu mới nhất {}",
            line.verdict,
            chitieu_domain::text::lower_first(&line.figure)
        ),
        source,
    }
}

/// A figure the Vietnamese way, without trailing decimal zeros: 60 → "60", 87.10 → "87,1".
pub(crate) fn short(x: f64) -> String {
    let s = chitieu_domain::text::format_f64_vi(x, 2);
    if s.contains(',') {
        s.trim_end_matches('0').trim_end_matches(',').to_string()
    } else {
        s
    }
}

/// Each unit's reports due in `year` by today: every form's periods whose due day falls in
/// the year (the fourth quarter of a year is due, and counted, in the next).
fn reports_due_in(
    snap: &Snapshot,
    year: i32,
    day: NaiveDate,
    returned: &HashMap<(String, UnitCode, Period), u32>,
) -> HashMap<UnitCode, Vec<ReportItem>> {
    let mut out: HashMap<UnitCode, Vec<ReportItem>> = HashMap::new();
    let Some(plan) = snap.plan.as_ref() else {
        return out;
    };
    let (Some(from), Some(to)) = (
        NaiveDate::from_ymd_opt(year - 1, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return out;
    };
    let kinds: std::collections::BTreeSet<PeriodKind> =
        plan.forms.iter().map(|f| f.frequency).collect();
    for kind in kinds {
        for period in Period::range(kind, from, to) {
            let due_in_year = plan
                .forms
                .iter()
                .filter(|f| f.frequency == kind)
                .any(|f| f.due(&period).year() == year && f.due(&period) <= day);
            if !due_in_year {
                continue;
            }
            let q = Query {
                period: Some(period),
                ..Query::default()
            };
            for r in list_within(snap, &plan.plan.owner, &q, day) {
                if r.due.year() != year || r.due > day {
                    continue;
                }
                let received = chitieu_domain::report::received(r.state);
                out.entry(r.unit.clone()).or_default().push(ReportItem {
                    // "Báo cáo quý I/2025 (BC57-SO-QUY): …" in the line.
                    label: format!(
                        "{} ({})",
                        chitieu_domain::text::lower_first(&r.period.label_vi()),
                        r.form
                    ),
                    received,
                    on_time: received && !r.late,
                    returned: returned
                        .get(&(r.form.clone(), r.unit.clone(), r.period))
                        .copied()
                        .unwrap_or(0),
                    source: format!("/reports?period={}&unit={}", r.period, r.unit),
                });
            }
        }
    }
    out
}

/// Freezes `year`'s evaluation as it stands today: once.
pub async fn freeze(
    s: &App,
    me: &Actor,
    year: i32,
) -> Result<std::sync::Arc<Evaluation>, ActionError> {
    if !may_evaluate(&s.live.snapshot(), me) {
        return Err(ActionError::Forbidden);
    }
    let e = evaluate(s, year).await?;
    let body = serde_json::to_string(&*e).map_err(broken)?;
    let by = s.person(me);
    s.store.freeze_evaluation(year, &body, &by).await?;
    s.live.sync().await?;
    Ok(e)
}

/// What differs between a frozen evaluation and the live one, per unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    pub unit: UnitCode,
    pub name: String,
    pub frozen_score: Option<f64>,
    pub live_score: Option<f64>,
    pub frozen_rating: Option<Rating>,
    pub live_rating: Option<Rating>,
}

pub fn differences(frozen: &Evaluation, live: &Evaluation) -> Vec<Difference> {
    let mut out = Vec::new();
    for l in &live.units {
        let f = frozen.unit(&l.unit);
        let (fs, fr) = (f.and_then(|f| f.score), f.and_then(|f| f.rating));
        if fs != l.score || fr != l.rating {
            out.push(Difference {
                unit: l.unit.clone(),
                name: l.name.clone(),
                frozen_score: fs,
                live_score: l.score,
                frozen_rating: fr,
                live_rating: l.rating,
            });
        }
    }
    for f in frozen.units.iter().filter(|f| live.unit(&f.unit).is_none()) {
        out.push(Difference {
            unit: f.unit.clone(),
            name: f.name.clone(),
            frozen_score: f.score,
            live_score: None,
            frozen_rating: f.rating,
            live_rating: None,
        });
    }
    out
}
