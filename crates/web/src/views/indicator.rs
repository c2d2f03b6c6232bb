//! One indicator: its chart with targets and projection, yearly figures, figures by unit, definition and responsibility.

use super::*;

#[derive(Template, WebTemplate)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    c: Chrome,
    code: String,
    name: String,
    group: String,
    chart_years: String,
    chart_values: String,
    chart_targets: String,
    chart_projection: String,
    yearly: Vec<(i32, String)>,
    rows: Vec<(String, String, &'static str, &'static str, String)>,
    by_unit: Vec<(String, String, String, String, String)>,
    by_unit_note: &'static str,
    bar_labels: String,
    bar_values: String,
    definition: String,
    formula: String,
    source: String,
    lead: String,
    coordinating: String,
}

pub async fn indicator(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let snap = snapshot(&s, tr).await?;
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    let ind = plan.indicator(&code).ok_or(PageError::NotFound(tr))?;
    let owner = &plan.plan.owner;
    let day = today();
    let yearly = snap
        .engine
        .yearly(&ind.code, owner, day)
        .unwrap_or_default();
    let rows: Vec<Row> = snap
        .assess(None, Some(day), Some("unsd2022"))
        .or_500(tr)?
        .into_iter()
        .filter(|r| r.indicator == ind.code)
        .collect();
    let json = |xs: Vec<String>| format!("[{}]", xs.join(","));
    let chart_targets = json(
        plan.targets
            .iter()
            .filter(|t| t.indicator == ind.code && &t.unit == owner)
            .map(|t| {
                format!(
                    "[{},{},\"{} {} ({})\"]",
                    t.year,
                    t.value,
                    t.comparator.sign(),
                    t.value,
                    t.year
                )
            })
            .collect(),
    );
    let projection = rows.iter().find(|r| r.current).and_then(|r| {
        Some(format!(
            "[[{},{}],[{},{}]]",
            r.latest_year?, r.latest_value?, r.target_year, r.projected_value?
        ))
    });
    let group = plan
        .groups
        .iter()
        .find(|g| g.code == ind.group)
        .map(|g| g.name.clone())
        .unwrap_or_default();
    // By unit: the province's children that report the indicator, for the latest year.
    let latest_year = yearly.last().map(|(y, _)| *y);
    let mut by_unit = Vec::new();
    let mut bars = (Vec::new(), Vec::new());
    if ind.unit_aggregation != chitieu_domain::UnitAggregation::None
        && let Some(y) = latest_year
    {
        for u in snap
            .units
            .iter()
            .filter(|u| u.parent.as_ref() == Some(owner) && ind.reported_by_kind(u.kind))
        {
            if let Ok(Some(f)) =
                snap.engine
                    .figure_as_of(&ind.code, &u.code, Period::year(y), Some(day))
            {
                let x: f64 = f.value.round_dp(4).to_string().parse().unwrap_or(0.0);
                bars.0.push(format!("\"{}\"", u.name.replace('"', "'")));
                bars.1.push(format!("{x}"));
                by_unit.push((
                    u.code.to_string(),
                    u.name.clone(),
                    tr.num(x, 2),
                    format!("{x}"),
                    f.last_period.to_string(),
                ));
            }
        }
    }
    let page = IndicatorPage {
        c: Chrome::of(&v),
        code: ind.code.clone(),
        name: if tr.is_en() {
            ind.name_en.clone()
        } else {
            ind.name.clone()
        },
        group,
        chart_years: json(yearly.iter().map(|(y, _)| y.to_string()).collect()),
        chart_values: json(
            yearly
                .iter()
                .map(|(_, f)| f.value.round_dp(4).to_string())
                .collect(),
        ),
        chart_targets,
        chart_projection: projection.unwrap_or_else(|| "[]".into()),
        yearly: yearly
            .iter()
            .map(|(y, f)| {
                (
                    *y,
                    tr.num(f.value.round_dp(4).to_string().parse().unwrap_or(0.0), 2),
                )
            })
            .collect(),
        rows: rows
            .iter()
            .map(|r| {
                (
                    target_text(&tr, r, &ind.unit_of_measure),
                    fmt_value(&tr, r.latest_value),
                    status_class(r.status),
                    tr.status(r.status),
                    r.projected_value
                        .map(|p| format!("{} ({})", tr.num(p, 2), r.target_year))
                        .unwrap_or_else(|| "—".into()),
                )
            })
            .collect(),
        by_unit,
        by_unit_note: if tr.is_en() {
            "Reported at province level only."
        } else {
            "Chỉ tiêu chỉ báo cáo ở cấp tỉnh."
        },
        bar_labels: json(bars.0),
        bar_values: json(bars.1),
        definition: ind.definition.clone(),
        formula: match (&ind.numerator_label, &ind.denominator_label) {
            (Some(n), Some(d)) => format!("{n} / {d} × {}", ind.ratio_factor()),
            _ => ind.unit_of_measure.clone(),
        },
        source: ind.data_source.clone(),
        lead: unit_name(&snap, &ind.lead_unit),
        coordinating: ind
            .coordinating_units
            .iter()
            .map(|c| unit_name(&snap, c))
            .collect::<Vec<_>>()
            .join(", "),
    };
    Ok(page.into_response())
}
