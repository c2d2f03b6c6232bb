//! Scorecards: a unit's year line by line, and a head's units and results over the years.

use super::common::*;
use super::evaluation::{
    EvaluationQuery, group_label, lines_sheet, rating_class, rating_text, section_label,
    unit_rating, wants_xlsx, year_of,
};
use crate::xlsx::{Sheet, download};
use chitieu_app::evaluation;
use chitieu_domain::evaluation::Section;

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
    let year = year_of(tr, q.year.as_deref(), s.today())?;
    let unit = UnitCode::parse(&code).map_err(|_| PageError::NotFound(tr))?;
    let e = evaluation::evaluate(&s.app, year)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    let u = e.unit(&unit).ok_or(PageError::NotFound(tr))?;
    if wants_xlsx(&q.format) {
        return Ok(scorecard_xlsx(tr, year, u));
    }
    let section = |s: Section| section_label(tr, s);
    Ok(ScorecardPage {
        c: Chrome::of(&v),
        year,
        unit: u.unit.to_string(),
        name: u.name.clone(),
        score: u.score.map_or("—".into(), |x| tr.num(x, 2)),
        rating: unit_rating(tr, u),
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
    score_value: Option<f64>,
    rating: String,
    rating_class: &'static str,
}

#[derive(Deserialize)]
pub struct HeadQuery {
    person: Option<String>,
    format: Option<String>,
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
    let this_year = chrono::Datelike::year(&s.today());
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
                    score_value: u.score,
                    rating: rating_text(tr, u.rating),
                    rating_class: rating_class(u.rating),
                });
            }
        }
    }
    if rows.is_empty() {
        return Err(PageError::NotFound(tr));
    }
    if wants_xlsx(&q.format) {
        return Ok(head_xlsx(tr, &person, &rows));
    }
    Ok(HeadPage {
        c: Chrome::of(&v),
        person,
        rows,
    }
    .into_response())
}

/// A unit's scorecard as a workbook: the lines behind its score, and its heads.
fn scorecard_xlsx(tr: Tr, year: i32, u: &chitieu_app::evaluation::UnitResult) -> Response {
    let heads = Sheet {
        name: tr.t("heads").to_string(),
        title: format!("{} {year}: {}", tr.t("scorecard"), u.name),
        header: ["person", "title", "in_office", "days_share"]
            .iter()
            .map(|k| tr.t(k).to_string())
            .collect(),
        rows: u
            .heads
            .iter()
            .map(|h| {
                vec![
                    h.person.clone().into(),
                    h.title.clone().into(),
                    format!("{} – {}", tr.date(&h.from), tr.date(&h.to)).into(),
                    h.share.into(),
                ]
            })
            .collect(),
    };
    let mut lines = lines_sheet(tr, &[u]);
    lines.title = format!(
        "{} {year}: {} · {} {} · {}",
        tr.t("scorecard"),
        u.name,
        tr.t("score"),
        u.score.map_or("—".into(), |x| tr.num(x, 2)),
        unit_rating(tr, u)
    );
    download(&format!("diem-{}-{year}.xlsx", u.unit), &[lines, heads])
}

/// A head's scorecard as a workbook.
fn head_xlsx(tr: Tr, person: &str, rows: &[HeadRow]) -> Response {
    let sheet = Sheet {
        name: tr.t("head_scorecard").to_string(),
        title: format!("{}: {person}", tr.t("head_scorecard")),
        header: [
            "year",
            "unit_code",
            "unit",
            "title",
            "days_share",
            "score",
            "rating",
        ]
        .iter()
        .map(|k| tr.t(k).to_string())
        .collect(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    f64::from(r.year).into(),
                    r.unit.clone().into(),
                    r.name.clone().into(),
                    r.title.clone().into(),
                    r.share.clone().into(),
                    r.score_value.into(),
                    r.rating.clone().into(),
                ]
            })
            .collect(),
    };
    download("nguoi-dung-dau.xlsx", &[sheet])
}
