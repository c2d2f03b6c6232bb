//! The year's evaluation on pages: the table of units (by peer group and cluster), its rubric
//! and proposals, and freezing the year. Scorecards are in `evaluation_cards`, the office's
//! forms in `evaluation_settings`.

use super::common::*;
use super::evaluation_settings::rubric_fields;
use crate::xlsx::{Cell, Sheet, download};
use chitieu_app::evaluation::{self, Evaluation, Frozen, UnitResult};
use chitieu_domain::evaluation::{PeerGroup, Rating, Section};

/// A row of the table.
struct EvalRow {
    unit: String,
    name: String,
    group: String,
    cluster: String,
    score: String,
    /// Sort key: the score, or -1 without one.
    score_key: f64,
    rating: String,
    rating_class: &'static str,
    rank: String,
    cluster_rank: String,
    heads: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluation.html")]
struct EvaluationPage {
    c: Chrome,
    year: i32,
    /// What the last action did, in words.
    done: Option<&'static str>,
    /// The rest: the same for every reader of a role and unit, kept per snapshot.
    body: Part,
}

#[derive(Template)]
#[template(path = "evaluation_body.html")]
struct EvaluationBody {
    /// Words only.
    c: Chrome,
    csrf: &'static str,
    pager: Pager,
    year: i32,
    years: Vec<i32>,
    group: String,
    cluster: String,
    groups: Vec<(String, String)>,
    clusters: Vec<(String, String)>,
    rows: Vec<EvalRow>,
    /// "Mục tiêu 50 · Nhiệm vụ 30 · …"
    weights: Vec<(String, String)>,
    rubric_note: String,
    /// Per rating, how many units.
    counts: Vec<(String, &'static str, usize)>,
    /// "Đã chốt ngày … (login)"
    frozen: Option<String>,
    showing_frozen: bool,
    differences: Vec<(String, String, String, String)>,
    can_freeze: bool,
    /// The rubric form, for the standing office while the year is not frozen.
    can_edit: bool,
    /// "phiên bản 2" or "mặc định".
    rubric_version: String,
    /// (field, label, value) of the rubric's numbers as the form shows them.
    rubric_fields: Vec<(&'static str, String, String)>,
    clusters_text: String,
    titles_text: String,
    /// Unit code, unit name, cluster, title, reason.
    proposals: Vec<(String, String, String, String, String)>,
    proposals_text: String,
    /// "Đã sửa (thuongtruc)" or "tính theo tiêu chí".
    proposals_state: String,
    /// Units tied at the cut of excellent, per peer group.
    ties: Vec<super::evaluation_ties::TieView>,
}

#[derive(Deserialize)]
pub struct EvaluationQuery {
    pub(super) year: Option<String>,
    group: Option<String>,
    cluster: Option<String>,
    frozen: Option<String>,
    page: Option<String>,
    /// What the last action was (`ties`), to say it was done.
    done: Option<String>,
    /// `xlsx`: the table as a workbook.
    pub(super) format: Option<String>,
}

pub(super) fn wants_xlsx(format: &Option<String>) -> bool {
    format.as_deref() == Some("xlsx")
}

pub(super) fn section_label(tr: Tr, s: Section) -> &'static str {
    tr.label(s)
}

/// The lines of some units as a sheet: unit, section, reason, points, out of, source.
pub(super) fn lines_sheet(tr: Tr, units: &[&UnitResult]) -> Sheet {
    Sheet {
        name: tr.t("score_lines").to_string(),
        title: tr.t("score_lines").to_string(),
        header: [
            "unit",
            "section",
            "reason",
            "points",
            "max_points",
            "line_source",
        ]
        .iter()
        .map(|k| tr.t(k).to_string())
        .collect(),
        rows: units
            .iter()
            .flat_map(|u| {
                u.lines.iter().map(|l| {
                    vec![
                        Cell::from(u.unit.to_string()),
                        section_label(tr, l.section).into(),
                        l.reason.clone().into(),
                        l.points.into(),
                        l.max_points.into(),
                        l.source.clone().into(),
                    ]
                })
            })
            .collect(),
    }
}

pub(super) fn year_of(tr: Tr, y: Option<&str>, today: chrono::NaiveDate) -> Result<i32, PageError> {
    match y.map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => y
            .parse()
            .map_err(|_| PageError::invalid(tr, format!("năm \"{y}\" không hợp lệ"))),
        None => Ok(chrono::Datelike::year(&today)),
    }
}

pub(super) fn rating_class(r: Option<Rating>) -> &'static str {
    match r {
        Some(Rating::Excellent) => "s-achieved",
        Some(Rating::Good) => "s-on_track",
        Some(Rating::Complete) => "s-at_risk",
        Some(Rating::NotComplete) => "s-off_track",
        None => "s-no_data",
    }
}

pub(super) fn rating_text(tr: Tr, r: Option<Rating>) -> String {
    match r {
        Some(r) if tr.is_en() => r.label_en().to_string(),
        Some(r) => r.label_vi().to_string(),
        None => tr.t("not_rated").to_string(),
    }
}

/// A unit's rating in words, with what it owes to the emulation council when it was tied at
/// the cut of excellent.
pub(super) fn unit_rating(tr: Tr, u: &UnitResult) -> String {
    match &u.council {
        Some(note) => format!(
            "{} ({})",
            rating_text(tr, u.rating),
            crate::i18n::ties::council(tr, note)
        ),
        None => rating_text(tr, u.rating),
    }
}

pub(super) fn heads_text(tr: Tr, u: &UnitResult) -> String {
    u.heads
        .iter()
        .map(|h| {
            if h.share < 1.0 {
                format!("{} ({} {})", h.person, tr.num(h.share * 100.0, 0), "%")
            } else {
                h.person.clone()
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) fn group_label(tr: Tr, g: PeerGroup) -> &'static str {
    tr.label(g)
}

pub async fn evaluation_page(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<EvaluationQuery>,
) -> PageResult {
    let tr = v.tr;
    let me = v.user()?.clone();
    let year = year_of(tr, q.year.as_deref(), s.today())?;
    let done = match q.done.as_deref() {
        Some("ties") => Some(tr.t("ties_recorded")),
        Some("freeze") => Some(tr.t("evaluation_frozen")),
        _ => None,
    };
    let snap = s.live.snapshot();
    let key = part_key(
        &snap,
        tr,
        &me,
        &format!(
            "evaluation|{year}|{:?}|{:?}|{:?}|{:?}",
            q.group, q.cluster, q.frozen, q.page
        ),
    );
    let kept = (!wants_xlsx(&q.format))
        .then(|| kept_part(&snap, &me, &key))
        .flatten();
    let body = match kept {
        Some(body) => body,
        None => match fresh(&s, tr, &me, &snap, year, q).await? {
            Fresh::Workbook(file) => return Ok(file),
            Fresh::Page(text) => keep_part(&snap, tr, &me, key, text)?,
        },
    };
    Ok(EvaluationPage {
        c: Chrome::of(&v),
        year,
        done,
        body,
    }
    .into_response())
}

/// The clusters of an evaluation (code, name), and its units in `group` and `cluster` (all
/// where empty).
fn selected<'a>(
    shown: &'a Evaluation,
    group: &str,
    cluster: &str,
) -> (Vec<(String, String)>, Vec<&'a UnitResult>) {
    let mut clusters: Vec<(String, String)> = Vec::new();
    for u in &shown.units {
        if !clusters.iter().any(|(c, _)| *c == u.cluster) {
            clusters.push((u.cluster.clone(), u.cluster_name.clone()));
        }
    }
    let units = shown
        .units
        .iter()
        .filter(|u| group.is_empty() || u.group.as_str() == group)
        .filter(|u| cluster.is_empty() || u.cluster == cluster)
        .collect();
    (clusters, units)
}

/// The evaluation page's content made anew, or the workbook asked for.
enum Fresh {
    Page(String),
    Workbook(Response),
}

async fn fresh(
    s: &AppState,
    tr: Tr,
    me: &Actor,
    snap: &Snapshot,
    year: i32,
    q: EvaluationQuery,
) -> Result<Fresh, PageError> {
    let live = evaluation::evaluate(&s.app, year)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    let frozen = evaluation::frozen(&s.app, year)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    let showing_frozen = q.frozen.as_deref() == Some("1") && frozen.is_some();
    let shown: &Evaluation = match (&frozen, showing_frozen) {
        (Some(f), true) => &f.evaluation,
        _ => &live,
    };
    let group = q.group.unwrap_or_default();
    let cluster = q.cluster.unwrap_or_default();
    let (clusters, units) = selected(shown, &group, &cluster);
    if wants_xlsx(&q.format) {
        return Ok(Fresh::Workbook(evaluation_xlsx(
            tr,
            year,
            showing_frozen,
            shown,
            &units,
        )));
    }
    let year_q = year.to_string();
    let frozen_q = if showing_frozen { "1" } else { "" };
    let filters = [
        ("year", year_q.as_str()),
        ("group", group.as_str()),
        ("cluster", cluster.as_str()),
        ("frozen", frozen_q),
    ];
    let page = q.page.as_deref();
    let pager = Pager::new(tr, "/evaluation", &filters, page, 100, units.len());
    let view = View {
        year,
        pager,
        group,
        cluster,
        clusters,
        showing_frozen,
    };
    EvaluationBody::new(tr, me, snap, view, &units, &live, frozen.as_deref())
        .render()
        .or_500(tr)
        .map(Fresh::Page)
}

/// The evaluation as a workbook: the ranking, the lines behind each score, the proposals.
fn evaluation_xlsx(
    tr: Tr,
    year: i32,
    showing_frozen: bool,
    shown: &Evaluation,
    units: &[&UnitResult],
) -> Response {
    let title = format!(
        "{} {year}{}",
        tr.t("evaluation"),
        if showing_frozen {
            format!(" ({})", tr.t("frozen_view"))
        } else {
            String::new()
        }
    );
    let table = Sheet {
        name: format!("{} {year}", tr.t("evaluation_short")),
        title,
        header: [
            "rank",
            "unit_code",
            "unit",
            "peer_group",
            "cluster",
            "rank_in_cluster",
            "score",
            "rating",
            "heads",
        ]
        .iter()
        .map(|k| tr.t(k).to_string())
        .collect(),
        rows: units
            .iter()
            .map(|u| {
                vec![
                    u.rank.into(),
                    u.unit.to_string().into(),
                    u.name.clone().into(),
                    group_label(tr, u.group).into(),
                    u.cluster_name.clone().into(),
                    u.cluster_rank.into(),
                    u.score.into(),
                    unit_rating(tr, u).into(),
                    heads_text(tr, u).into(),
                ]
            })
            .collect(),
    };
    let proposals = Sheet {
        name: tr.t("award_proposals").to_string(),
        title: format!("{} {year}", tr.t("award_proposals")),
        header: ["unit_code", "unit", "cluster", "award_title", "reason"]
            .iter()
            .map(|k| tr.t(k).to_string())
            .collect(),
        rows: proposal_rows(shown)
            .into_iter()
            .map(|(a, b, c, d, e)| vec![a.into(), b.into(), c.into(), d.into(), e.into()])
            .collect(),
    };
    download(
        &format!("danh-gia-{year}.xlsx"),
        &[table, lines_sheet(tr, units), proposals],
    )
}

/// Units whose frozen result differs from the live one: code, name, frozen and live.
fn difference_rows(
    tr: Tr,
    frozen: Option<&Frozen>,
    live: &Evaluation,
) -> Vec<(String, String, String, String)> {
    frozen
        .as_ref()
        .map(|f| evaluation::differences(&f.evaluation, live))
        .unwrap_or_default()
        .into_iter()
        .map(|d| {
            let side = |s: Option<f64>, r: Option<Rating>| {
                format!(
                    "{} · {}",
                    s.map_or("—".into(), |x| tr.num(x, 2)),
                    rating_text(tr, r)
                )
            };
            (
                d.unit.to_string(),
                d.name,
                side(d.frozen_score, d.frozen_rating),
                side(d.live_score, d.live_rating),
            )
        })
        .collect()
}

/// What the page shows beside the results: the year, the filters and whether the frozen
/// results are shown.
struct View {
    year: i32,
    group: String,
    cluster: String,
    /// The rows of this page (a hundred units at a time).
    pager: Pager,
    clusters: Vec<(String, String)>,
    showing_frozen: bool,
}

impl EvaluationBody {
    fn new(
        tr: Tr,
        me: &Actor,
        snap: &Snapshot,
        view: View,
        units: &[&UnitResult],
        live: &Evaluation,
        frozen: Option<&Frozen>,
    ) -> EvaluationBody {
        let shown = match (frozen, view.showing_frozen) {
            (Some(f), true) => &f.evaluation,
            _ => live,
        };
        let counts = Rating::ALL
            .iter()
            .map(|r| {
                (
                    rating_text(tr, Some(*r)),
                    rating_class(Some(*r)),
                    units.iter().filter(|u| u.rating == Some(*r)).count(),
                )
            })
            .collect();
        let rows = units[view.pager.range()]
            .iter()
            .map(|u| EvalRow {
                unit: u.unit.to_string(),
                name: u.name.clone(),
                group: group_label(tr, u.group).to_string(),
                cluster: u.cluster_name.clone(),
                score: u.score.map_or("—".into(), |x| tr.num(x, 2)),
                score_key: u.score.unwrap_or(-1.0),
                rating: unit_rating(tr, u),
                rating_class: rating_class(u.rating),
                rank: u.rank.map(|r| r.to_string()).unwrap_or_default(),
                cluster_rank: u.cluster_rank.map(|r| r.to_string()).unwrap_or_default(),
                heads: heads_text(tr, u),
            })
            .collect();
        let r = &shown.rubric;
        let section = |s: Section| section_label(tr, s);
        let weights = vec![
            (section(Section::Targets).to_string(), tr.num(r.targets, 0)),
            (section(Section::Tasks).to_string(), tr.num(r.tasks, 0)),
            (
                section(Section::Reporting).to_string(),
                tr.num(r.reporting, 0),
            ),
            (section(Section::Quality).to_string(), tr.num(r.quality, 0)),
        ];
        let rubric_note = format!(
            "{} {} % · {} {} % · {} {} % · {} {} %",
            tr.t("at_risk_credit"),
            tr.num(r.at_risk_credit * 100.0, 0),
            tr.t("late_task_credit"),
            tr.num(r.late_task_credit * 100.0, 0),
            tr.t("defective_task_credit"),
            tr.num(r.defective_task_credit * 100.0, 0),
            tr.t("excellent_quota"),
            tr.num(r.excellent_quota * 100.0, 0),
        );
        let this_year = chrono::Datelike::year(&snap.today());
        let first = snap.plan.as_ref().map_or(this_year, |p| p.plan.start_year);
        EvaluationBody {
            c: Chrome::new(tr, None),
            csrf: CSRF_SLOT,
            year: view.year,
            years: (first.min(this_year)..=this_year).rev().collect(),
            group: view.group,
            cluster: view.cluster,
            groups: [PeerGroup::Departments, PeerGroup::Communes]
                .into_iter()
                .map(|g| (g.as_str().to_string(), group_label(tr, g).to_string()))
                .collect(),
            clusters: view.clusters,
            rows,
            pager: view.pager,
            weights,
            rubric_note,
            counts,
            frozen: frozen.map(|f| {
                format!(
                    "{} {} ({})",
                    tr.t("frozen_on"),
                    tr.date(&reports_day(f.at)),
                    f.by
                )
            }),
            showing_frozen: view.showing_frozen,
            differences: difference_rows(tr, frozen, live),
            can_freeze: frozen.is_none() && evaluation::may_evaluate(snap, me),
            can_edit: frozen.is_none() && evaluation::may_evaluate(snap, me),
            rubric_version: if shown.rubric_version == 0 {
                tr.t("rubric_default").to_string()
            } else {
                format!("{} {}", tr.t("rubric_version"), shown.rubric_version)
            },
            rubric_fields: rubric_fields(tr, &shown.rubric),
            clusters_text: shown.rubric.clusters_text(),
            titles_text: chitieu_domain::evaluation::titles_text(&shown.rubric.titles),
            proposals: proposal_rows(shown),
            proposals_text: chitieu_domain::evaluation::proposals_text(&shown.proposals),
            proposals_state: match &shown.proposals_edited_by {
                Some(by) => format!("{} ({by})", tr.t("proposals_edited")),
                None => tr.t("proposals_computed").to_string(),
            },
            ties: super::evaluation_ties::tie_views(tr, shown),
        }
    }
}

fn reports_day(t: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    chitieu_domain::clock::vietnam_date(t)
}

pub async fn evaluation_freeze(State(s): State<AppState>, v: Viewer, form: LazyForm) -> PageResult {
    let tr = v.tr;
    let (me, fields, year) = super::evaluation_settings::office_form(&s, &v, form)?;
    confirmed(tr, &fields)?;
    evaluation::freeze(&s.app, &me, year)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    Ok(Redirect::to(&format!("/evaluation?year={year}&frozen=1&done=freeze")).into_response())
}

/// The proposals by cluster, then title, then unit: unit code, unit name, cluster, title,
/// reason.
fn proposal_rows(e: &Evaluation) -> Vec<(String, String, String, String, String)> {
    let mut rows: Vec<_> = e
        .proposals
        .iter()
        .map(|p| {
            let u = e.unit(&p.unit);
            (
                p.unit.to_string(),
                u.map_or(String::new(), |u| u.name.clone()),
                u.map_or(String::new(), |u| u.cluster_name.clone()),
                p.title.clone(),
                p.reason.clone(),
            )
        })
        .collect();
    rows.sort_by(|a, b| (&a.2, &a.3, &a.0).cmp(&(&b.2, &b.3, &b.0)));
    rows
}
