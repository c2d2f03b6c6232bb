//! The year's evaluation on pages: the table of units (by peer group and cluster), a unit's
//! scorecard line by line, a head's scorecard over the years, and freezing the year.

use super::common::*;
use chitieu_app::evaluation::{self, Evaluation, UnitResult};
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
    csrf: String,
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
}

#[derive(Deserialize)]
pub struct EvaluationQuery {
    year: Option<String>,
    group: Option<String>,
    cluster: Option<String>,
    frozen: Option<String>,
}

fn year_of(tr: Tr, y: Option<&str>) -> Result<i32, PageError> {
    match y.map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => y
            .parse()
            .map_err(|_| PageError::Invalid(tr, format!("năm \"{y}\" không hợp lệ"))),
        None => Ok(chrono::Datelike::year(&today())),
    }
}

fn rating_class(r: Option<Rating>) -> &'static str {
    match r {
        Some(Rating::Excellent) => "s-achieved",
        Some(Rating::Good) => "s-on_track",
        Some(Rating::Complete) => "s-at_risk",
        Some(Rating::NotComplete) => "s-off_track",
        None => "s-no_data",
    }
}

fn rating_text(tr: Tr, r: Option<Rating>) -> String {
    match r {
        Some(r) if tr.is_en() => r.label_en().to_string(),
        Some(r) => r.label_vi().to_string(),
        None => tr.t("not_rated").to_string(),
    }
}

fn heads_text(tr: Tr, u: &UnitResult) -> String {
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

fn group_label(tr: Tr, g: PeerGroup) -> &'static str {
    if tr.is_en() {
        g.label_en()
    } else {
        g.label_vi()
    }
}

pub async fn evaluation_page(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<EvaluationQuery>,
) -> PageResult {
    let tr = v.tr;
    let me = v.user()?.clone();
    let year = year_of(tr, q.year.as_deref())?;
    let live = evaluation::evaluate(&s.app, year)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    let frozen = evaluation::frozen(&s.app, year)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    let showing_frozen = q.frozen.as_deref() == Some("1") && frozen.is_some();
    let differences = frozen
        .as_ref()
        .map(|f| evaluation::differences(&f.evaluation, &live))
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
        .collect();
    let shown: &Evaluation = match (&frozen, showing_frozen) {
        (Some(f), true) => &f.evaluation,
        _ => &live,
    };
    let group = q.group.unwrap_or_default();
    let cluster = q.cluster.unwrap_or_default();
    let mut clusters: Vec<(String, String)> = Vec::new();
    for u in &shown.units {
        if !clusters.iter().any(|(c, _)| *c == u.cluster) {
            clusters.push((u.cluster.clone(), u.cluster_name.clone()));
        }
    }
    let units: Vec<&UnitResult> = shown
        .units
        .iter()
        .filter(|u| group.is_empty() || u.group.as_str() == group)
        .filter(|u| cluster.is_empty() || u.cluster == cluster)
        .collect();
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
    let rows = units
        .iter()
        .map(|u| EvalRow {
            unit: u.unit.to_string(),
            name: u.name.clone(),
            group: group_label(tr, u.group).to_string(),
            cluster: u.cluster_name.clone(),
            score: u.score.map_or("—".into(), |x| tr.num(x, 2)),
            score_key: u.score.unwrap_or(-1.0),
            rating: rating_text(tr, u.rating),
            rating_class: rating_class(u.rating),
            rank: u.rank.map(|r| r.to_string()).unwrap_or_default(),
            cluster_rank: u.cluster_rank.map(|r| r.to_string()).unwrap_or_default(),
            heads: heads_text(tr, u),
        })
        .collect();
    let r = &shown.rubric;
    let section = |s: Section| {
        if tr.is_en() {
            s.label_en()
        } else {
            s.label_vi()
        }
    };
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
        "{} {} % · {} {} % · {} {} %",
        tr.t("at_risk_credit"),
        tr.num(r.at_risk_credit * 100.0, 0),
        tr.t("late_task_credit"),
        tr.num(r.late_task_credit * 100.0, 0),
        tr.t("excellent_quota"),
        tr.num(r.excellent_quota * 100.0, 0),
    );
    let snap = s.live.snapshot();
    let this_year = chrono::Datelike::year(&today());
    let first = snap.plan.as_ref().map_or(this_year, |p| p.plan.start_year);
    Ok(EvaluationPage {
        c: Chrome::of(&v),
        csrf: me.csrf.clone(),
        year,
        years: (first.min(this_year)..=this_year).rev().collect(),
        group,
        cluster,
        groups: [PeerGroup::Departments, PeerGroup::Communes]
            .into_iter()
            .map(|g| (g.as_str().to_string(), group_label(tr, g).to_string()))
            .collect(),
        clusters,
        rows,
        weights,
        rubric_note,
        counts,
        frozen: frozen.as_ref().map(|f| {
            format!(
                "{} {} ({})",
                tr.t("frozen_on"),
                tr.date(&reports_day(f.at)),
                f.by
            )
        }),
        showing_frozen,
        differences,
        can_freeze: frozen.is_none() && evaluation::may_evaluate(&snap, &me),
    }
    .into_response())
}

fn reports_day(t: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    chitieu_app::reports::vn_day(t)
}

/// A line of a scorecard.
struct LineRow {
    section: String,
    points: String,
    max_points: String,
    reason: String,
    source: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluation_unit.html")]
struct ScorecardPage {
    c: Chrome,
    year: i32,
    unit: String,
    name: String,
    score: String,
    rating: String,
    rating_class: &'static str,
    rank: String,
    group: String,
    cluster: String,
    heads: Vec<(String, String, String, String)>,
    lines: Vec<LineRow>,
}

pub async fn evaluation_unit(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
    Query(q): Query<EvaluationQuery>,
) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let year = year_of(tr, q.year.as_deref())?;
    let unit = UnitCode::parse(&code).map_err(|_| PageError::NotFound(tr))?;
    let e = evaluation::evaluate(&s.app, year)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    let u = e.unit(&unit).ok_or(PageError::NotFound(tr))?;
    let section = |s: Section| {
        if tr.is_en() {
            s.label_en()
        } else {
            s.label_vi()
        }
    };
    Ok(ScorecardPage {
        c: Chrome::of(&v),
        year,
        unit: u.unit.to_string(),
        name: u.name.clone(),
        score: u.score.map_or("—".into(), |x| tr.num(x, 2)),
        rating: rating_text(tr, u.rating),
        rating_class: rating_class(u.rating),
        rank: u.rank.map(|r| r.to_string()).unwrap_or_default(),
        group: group_label(tr, u.group).to_string(),
        cluster: u.cluster_name.clone(),
        heads: u
            .heads
            .iter()
            .map(|h| {
                (
                    h.person.clone(),
                    h.title.clone(),
                    format!("{} – {}", tr.date(&h.from), tr.date(&h.to)),
                    format!("{} ({} %)", h.days, tr.num(h.share * 100.0, 1)),
                )
            })
            .collect(),
        lines: u
            .lines
            .iter()
            .map(|l| LineRow {
                section: section(l.section).to_string(),
                points: tr.num(l.points, 2),
                max_points: tr.num(l.max_points, 2),
                reason: l.reason.clone(),
                source: l.source.clone(),
            })
            .collect(),
    }
    .into_response())
}

pub async fn evaluation_freeze(State(s): State<AppState>, v: Viewer, form: LazyForm) -> PageResult {
    let tr = v.tr;
    let me = v.user()?.clone();
    if !evaluation::may_evaluate(&s.live.snapshot(), &me) {
        return Err(PageError::Forbidden(tr));
    }
    let fields = form.read(tr)?;
    let me = v.check_csrf(&fields)?.clone();
    let year = year_of(tr, fields.get("year").map(String::as_str))?;
    evaluation::freeze(&s.app, &me, year)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    Ok(Redirect::to(&format!("/evaluation?year={year}&frozen=1")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluation_head.html")]
struct HeadPage {
    c: Chrome,
    person: String,
    /// Year, unit code, unit name, title, days (share), score, rating, rating class.
    rows: Vec<HeadRow>,
}

struct HeadRow {
    year: i32,
    unit: String,
    name: String,
    title: String,
    share: String,
    score: String,
    rating: String,
    rating_class: &'static str,
}

#[derive(Deserialize)]
pub struct HeadQuery {
    person: Option<String>,
}

/// A head's scorecard: every unit they headed in each evaluated year, their share of that
/// year, and the unit's score and rating. Heads are matched by name as recorded.
pub async fn evaluation_head(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<HeadQuery>,
) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let person = q.person.unwrap_or_default().trim().to_string();
    if person.is_empty() || person.chars().count() > 200 {
        return Err(PageError::NotFound(tr));
    }
    let this_year = chrono::Datelike::year(&today());
    let first = s
        .live
        .snapshot()
        .plan
        .as_ref()
        .map_or(this_year, |p| p.plan.start_year);
    let mut rows = Vec::new();
    for year in (first.min(this_year)..=this_year).rev() {
        let e = evaluation::evaluate(&s.app, year)
            .await
            .map_err(|e| PageError::action(tr, e))?;
        for u in &e.units {
            for h in u.heads.iter().filter(|h| h.person == person) {
                rows.push(HeadRow {
                    year,
                    unit: u.unit.to_string(),
                    name: u.name.clone(),
                    title: h.title.clone(),
                    share: format!("{} ({} %)", h.days, tr.num(h.share * 100.0, 1)),
                    score: u.score.map_or("—".into(), |x| tr.num(x, 2)),
                    rating: rating_text(tr, u.rating),
                    rating_class: rating_class(u.rating),
                });
            }
        }
    }
    if rows.is_empty() {
        return Err(PageError::NotFound(tr));
    }
    Ok(HeadPage {
        c: Chrome::of(&v),
        person,
        rows,
    }
    .into_response())
}
