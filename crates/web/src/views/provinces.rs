//! The centre's page of the provinces: a tile grid of the 34 provinces coloured by how much
//! of their latest official figures they delivered, completeness by province over the last
//! periods, and the provinces ranked per indicator against the national target.

use super::common::*;
use chitieu_app::national::{National, Province};

#[derive(Template, WebTemplate)]
#[template(path = "provinces.html")]
struct ProvincesPage {
    c: Chrome,
    body: Part,
}

/// A tile of the grid.
struct Tile {
    code: String,
    name: String,
    status: &'static str,
    /// "2/4": the latest periods' indicators delivered, out of those due.
    count: String,
    /// The tile's title: the name, the count and what is missing.
    title: String,
    row: u8,
    col: u8,
}

/// A province's row of completeness: code, name, per period (delivered/due, class).
type CompletenessRow = (String, String, Vec<(String, &'static str)>);

/// One ranked row: rank, province code and name, value, period, verdict class and words.
type RankRow = (
    usize,
    String,
    String,
    String,
    String,
    &'static str,
    &'static str,
);

struct RankingView {
    code: String,
    name: String,
    uom: String,
    target: String,
    rows: Vec<RankRow>,
    missing: usize,
}

#[derive(Template)]
#[template(path = "provinces_body.html")]
struct ProvincesBody {
    c: Chrome,
    tiles: Vec<Tile>,
    periods: Vec<String>,
    /// Per province: code, name, cells (text, class).
    table: Vec<CompletenessRow>,
    full: usize,
    total: usize,
    rankings: Vec<RankingView>,
}

/// Where each province sits in the grid (row, column), north to south as on a map: the tile
/// grid needs no boundaries. Codes are the national map's (2025).
const GRID: &[(&str, u8, u8)] = &[
    ("12", 1, 1),
    ("15", 1, 2),
    ("8", 1, 3),
    ("4", 1, 4),
    ("11", 2, 1),
    ("14", 2, 2),
    ("19", 2, 3),
    ("20", 2, 4),
    ("25", 3, 2),
    ("1", 3, 3),
    ("24", 3, 4),
    ("22", 3, 5),
    ("37", 4, 3),
    ("33", 4, 4),
    ("31", 4, 5),
    ("38", 5, 2),
    ("40", 6, 2),
    ("42", 7, 3),
    ("44", 8, 3),
    ("46", 9, 4),
    ("48", 10, 4),
    ("51", 11, 4),
    ("52", 12, 4),
    ("66", 13, 4),
    ("56", 14, 4),
    ("68", 14, 3),
    ("80", 14, 1),
    ("75", 15, 3),
    ("79", 15, 2),
    ("82", 15, 1),
    ("86", 16, 3),
    ("92", 16, 2),
    ("91", 16, 1),
    ("96", 17, 1),
];

/// A province's name on a tile: without "Thành phố".
fn short(name: &str) -> String {
    name.strip_prefix("Thành phố ").unwrap_or(name).to_string()
}

fn tiles(tr: Tr, provinces: &[Province]) -> Vec<Tile> {
    let mut spare = 18;
    provinces
        .iter()
        .map(|p| {
            let (row, col) = GRID
                .iter()
                .find(|(c, _, _)| *c == p.code.as_str())
                .map(|(_, r, c)| (*r, *c))
                .unwrap_or_else(|| {
                    // A province the grid does not know (a later map): below the others.
                    spare += 1;
                    (spare.min(24), 5)
                });
            let count = format!("{}/{}", p.latest.0, p.latest.1);
            let title = if p.missing.is_empty() {
                format!("{}: {count}", short(&p.name))
            } else {
                format!(
                    "{}: {count}; {} {}",
                    short(&p.name),
                    tr.t("national_missing_codes"),
                    p.missing.join(", ")
                )
            };
            Tile {
                code: p.code.to_string(),
                name: short(&p.name),
                status: p.status(),
                count,
                title,
                row,
                col,
            }
        })
        .collect()
}

fn cell((got, due): (usize, usize)) -> (String, &'static str) {
    let class = match (got, due) {
        (_, 0) => "none",
        (0, _) => "none",
        (g, d) if g >= d => "full",
        _ => "part",
    };
    (format!("{got}/{due}"), class)
}

fn rankings(tr: Tr, n: &National) -> Vec<RankingView> {
    n.rankings
        .iter()
        .map(|r| {
            let ind = &r.indicator;
            RankingView {
                code: ind.code.clone(),
                name: tr.pick(&ind.name, &ind.name_en).to_string(),
                uom: uom(&tr, ind).to_string(),
                target: r
                    .target
                    .as_ref()
                    .map(|(w, y)| format!("{w} ({y})"))
                    .unwrap_or_default(),
                rows: r
                    .ranked
                    .iter()
                    .map(|s| {
                        let (class, words) = match s.meets {
                            Some(true) => ("met", tr.t("national_meets")),
                            Some(false) => ("behind", tr.t("national_below")),
                            None => ("", ""),
                        };
                        (
                            s.rank,
                            s.code.to_string(),
                            short(&s.name),
                            fmt_value(&tr, rust_decimal::prelude::ToPrimitive::to_f64(&s.value)),
                            tr.period(&s.period),
                            class,
                            words,
                        )
                    })
                    .collect(),
                missing: r.missing,
            }
        })
        .collect()
}

pub async fn provinces(State(s): State<AppState>, v: Viewer) -> PageResult {
    let tr = v.tr;
    let me = v.user()?.clone();
    let snap = snapshot(&s, tr).await?;
    let body = shared_part(&snap, tr, &me, "provinces", || {
        let n =
            chitieu_app::national::national(&snap, snap.today()).ok_or(PageError::NotFound(tr))?;
        ProvincesBody {
            c: Chrome::new(tr, None),
            tiles: tiles(tr, &n.provinces),
            periods: n.periods.iter().map(|p| tr.period(p)).collect(),
            table: n
                .provinces
                .iter()
                .map(|p| {
                    (
                        p.code.to_string(),
                        short(&p.name),
                        p.delivered.iter().copied().map(cell).collect(),
                    )
                })
                .collect(),
            full: n.provinces.iter().filter(|p| p.status() == "full").count(),
            total: n.provinces.len(),
            rankings: rankings(tr, &n),
        }
        .render()
        .or_500(tr)
    })?;
    Ok(ProvincesPage {
        c: Chrome::of(&v),
        body,
    }
    .into_response())
}
