//! `chitieu assess`, `chitieu warnings` and `chitieu evaluate`: progress towards the targets
//! and the year's evaluation, on the terminal.

use anyhow::Result;

use crate::open;

pub async fn assess(
    db: &str,
    unit: Option<String>,
    as_of: Option<chrono::NaiveDate>,
    method: String,
    json: bool,
) -> Result<()> {
    let store = open(db).await?;
    let live = chitieu_app::live::Live::load(store).await?;
    let snap = live.snapshot();
    let rows = snap.assess(unit.as_deref(), as_of, Some(&method))?;
    if json {
        outln!("{}", decimal_json(&rows)?);
    } else {
        print_rows(&rows)?;
    }
    Ok(())
}

pub async fn warnings(
    db: &str,
    unit: Option<String>,
    as_of: Option<chrono::NaiveDate>,
    json: bool,
    limit: usize,
) -> Result<()> {
    let store = open(db).await?;
    let live = chitieu_app::live::Live::load(store).await?;
    let snap = live.snapshot();
    let mut list = snap.early_warning(unit.as_deref(), as_of)?;
    list.truncate(limit);
    if json {
        outln!("{}", decimal_json(&list)?);
    } else if list.is_empty() {
        outln!("Không có mục tiêu nào có nguy cơ không đạt theo tốc độ hiện nay.");
    } else {
        outln!(
            "{:<10} {:<9} {:>5} {:>14} {:>12} {:>10}",
            "Chỉ tiêu",
            "Đơn vị",
            "Năm",
            "Mục tiêu",
            "Dự báo",
            "Thiếu"
        );
        for w in &list {
            let r = &w.row;
            outln!(
                "{:<10} {:<9} {:>5} {:>14} {:>12} {:>9}%",
                r.indicator,
                r.unit,
                r.target_year,
                format!("{} {}", r.comparator, vi(r.target_value)),
                r.projected_value.map(vi).unwrap_or_default(),
                vi(w.relative_shortfall * 100.0)
            );
        }
    }
    Ok(())
}

fn vi(x: f64) -> String {
    chitieu_domain::text::format_f64_vi(x, 2)
}

fn print_rows(rows: &[chitieu_analytics::assess::Row]) -> std::io::Result<()> {
    outln!(
        "{:<10} {:<8} {:>12} {:<8} {:>14} {:<5} {:<36} {:>6} {:>12} {:>9} {:>9}",
        "Chỉ tiêu",
        "Đơn vị",
        "Mới nhất",
        "Kỳ",
        "Mục tiêu",
        "Đạt",
        "Tình trạng",
        "Điểm",
        "Dự báo",
        "Năm đạt",
        "Năm gốc"
    );
    for r in rows {
        outln!(
            "{:<10} {:<8} {:>12} {:<8} {:>14} {:<5} {:<36} {:>6} {:>12} {:>9} {:>9}",
            r.indicator,
            r.unit,
            r.latest_value.map(vi).unwrap_or_else(|| "—".into()),
            r.latest_period.clone().unwrap_or_default(),
            format!(
                "{} {} ({})",
                r.comparator,
                vi(r.target_value),
                r.target_year
            ),
            match r.met {
                Some(true) => "có",
                Some(false) => "chưa",
                None => "—",
            },
            r.status.label_vi(),
            r.score.map(vi).unwrap_or_default(),
            r.projected_value.map(vi).unwrap_or_default(),
            r.projected_year_met
                .map(|y| y.to_string())
                .unwrap_or_else(|| "—".into()),
            r.base_year.map(|y| y.to_string()).unwrap_or_default(),
        );
    }
    Ok(())
}

pub async fn evaluate(db: &str, year: i32, unit: Option<String>, json: bool) -> Result<()> {
    let store = open(db).await?;
    let app = chitieu_app::App::load(store).await?;
    let e = chitieu_app::evaluation::evaluate(&app, year)
        .await
        .map_err(refused)?;
    let tr = chitieu_web::i18n::Tr {
        lang: chitieu_web::i18n::Lang::Vi,
    };
    let units: Vec<_> = match &unit {
        Some(code) => {
            let code = chitieu_domain::UnitCode::parse(code).map_err(crate::said)?;
            vec![
                e.unit(&code)
                    .ok_or_else(|| {
                        anyhow::anyhow!("đơn vị \"{code}\" không thuộc diện đánh giá năm {year}")
                    })?
                    .clone(),
            ]
        }
        None => e.units.clone(),
    };
    if json {
        outln!("{}", decimal_json(&units)?);
        return Ok(());
    }
    outln!(
        "{:>4} {:<10} {:<32} {:>7}  Xếp loại",
        "Hạng",
        "Mã",
        "Đơn vị",
        "Điểm"
    );
    for u in &units {
        outln!(
            "{:>4} {:<10} {:<32} {:>7}  {}",
            u.rank.map(|r| r.to_string()).unwrap_or_default(),
            u.unit,
            u.name.chars().take(32).collect::<String>(),
            u.score.map(vi).unwrap_or_else(|| "—".into()),
            match (&u.rating_label, &u.council) {
                (Some(r), Some(note)) =>
                    format!("{r} ({})", chitieu_web::i18n::ties::council(tr, note)),
                (Some(r), None) => r.clone(),
                (None, _) => "chưa có căn cứ đánh giá".into(),
            }
        );
        if unit.is_some() {
            for l in &u.lines {
                outln!(
                    "       {:>6} / {:<6} {}",
                    vi(l.points),
                    vi(l.max_points),
                    l.reason
                );
            }
        }
    }
    if unit.is_none() {
        for c in e
            .cuts
            .iter()
            .filter(|c| !c.tied.is_empty() || c.outdated.is_some())
        {
            let score = c
                .tied
                .first()
                .and_then(|t| e.unit(t))
                .and_then(|u| u.score)
                .map(vi);
            let (state, outdated) = chitieu_web::i18n::ties::cut(tr, c, score.as_deref());
            outln!("\n{state}");
            if let Some(o) = outdated {
                outln!("{o}");
            }
        }
    }
    Ok(())
}

/// An action's refusal as the command line prints it.
pub(crate) fn refused(e: chitieu_app::actions::ActionError) -> anyhow::Error {
    use chitieu_app::actions::ActionError as E;
    match e {
        E::Invalid(m) => anyhow::anyhow!(m),
        E::Refused(r) | E::NotFound(r) => crate::said(r),
        E::Internal(e) => e.into(),
        other => anyhow::anyhow!("{other:?}"),
    }
}

/// `--json`: every figure a decimal string, as in the API (the structures printed here hold
/// growth maths' doubles: each is written as the shortest decimal that reads back as it).
fn decimal_json(x: &impl serde::Serialize) -> anyhow::Result<String> {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Number(n) if n.is_f64() => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                *v = serde_json::Value::String(chitieu_domain::text::figure_text(x));
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
            serde_json::Value::Object(o) => o.values_mut().for_each(walk),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(x)?;
    walk(&mut v);
    Ok(serde_json::to_string_pretty(&v)?)
}
