//! One indicator: its chart with targets and projection, yearly figures, figures by unit,
//! definition and responsibility.

use super::common::*;
use rust_decimal::prelude::ToPrimitive;

/// A target's line on the chart: year, level, label.
type TargetMark = (i32, f64, String);

/// A target with the indicator's latest figure and where it stands.
struct TargetRow {
    target: String,
    latest: String,
    class: &'static str,
    status: &'static str,
    projection: String,
}

/// A unit's figure for the latest year.
struct UnitRow {
    code: String,
    name: String,
    /// As people read it (1.234,5).
    shown: String,
    /// For sorting.
    value: f64,
    period: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    c: Chrome,
    code: String,
    name: String,
    group: String,
    /// The chart's data as JSON, built with serde: years, values, target marks, projection.
    chart_years: String,
    chart_values: String,
    chart_targets: String,
    chart_projection: String,
    yearly: Vec<(i32, String)>,
    rows: Vec<TargetRow>,
    by_unit: Vec<UnitRow>,
    by_unit_note: &'static str,
    bar_labels: String,
    bar_values: String,
    /// The level drawn across the bars, and its words; empty: none.
    bar_target: String,
    bar_target_label: String,
    definition: String,
    formula: String,
    source: String,
    lead: String,
    lead_code: String,
    lead_head: String,
    coordinating: String,
}

fn f(d: rust_decimal::Decimal) -> f64 {
    d.round_dp(4).to_f64().unwrap_or(f64::NAN)
}

fn json<T: serde::Serialize>(x: &T) -> String {
    serde_json::to_string(x).unwrap_or_else(|_| "[]".into())
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
    let day = snap.today();
    let rows: Vec<Row> = assessed(&snap, None, day, tr)?
        .into_iter()
        .filter(|r| r.indicator == ind.code)
        .collect();
    Ok(IndicatorPage::build(&snap, &v, plan, ind, &rows, day).into_response())
}

impl IndicatorPage {
    fn build(
        snap: &Snapshot,
        v: &Viewer,
        plan: &chitieu_domain::default_plan::PlanFile,
        ind: &Indicator,
        rows: &[Row],
        day: chrono::NaiveDate,
    ) -> IndicatorPage {
        let tr = v.tr;
        let owner = &plan.plan.owner;
        let yearly = snap
            .engine
            .yearly(&ind.code, owner, day)
            .unwrap_or_default();
        let marks: Vec<TargetMark> = plan
            .targets
            .iter()
            .filter(|t| t.indicator == ind.code && &t.unit == owner)
            // A target that recurs is one level across its span, drawn once.
            .filter(|t| t.every_year.is_none_or(|span| span.from == t.year))
            .map(|t| {
                // The target in the plan's words, as the tables say it: "Trên 60 % (2025)".
                let words = comparator_words(&tr, t.comparator);
                let level = tr.num(f(t.value), 2);
                let uom = uom(&tr, ind);
                match t.every_year {
                    None => (
                        t.year,
                        f(t.value),
                        format!("{words} {level} {uom} ({})", t.year),
                    ),
                    Some(span) => (
                        span.to,
                        f(t.value),
                        format!("{words} {level} {uom} ({})", span_text(&tr, span)),
                    ),
                }
            })
            .collect();
        let projection: Vec<(i32, f64)> = rows
            .iter()
            .find(|r| r.current)
            .and_then(|r| {
                Some(vec![
                    (r.latest_year?, r.latest_value?),
                    (r.target_year, r.projected_value?),
                ])
            })
            .unwrap_or_default();
        let by_unit = units_of_latest_year(snap, ind, owner, &yearly, day, tr);
        let mut sorted: Vec<&UnitRow> = by_unit.iter().collect();
        sorted.sort_by(|a, b| b.value.total_cmp(&a.value));
        // The line the units' bars are read against: the province's next target, when it is
        // a share (a count for the province is not a level for each commune).
        let bar_target = ind
            .is_ratio()
            .then(|| {
                let latest = yearly
                    .last()
                    .map_or(chrono::Datelike::year(&day), |(y, _)| *y);
                marks
                    .iter()
                    .filter(|m| m.0 >= latest)
                    .min_by_key(|m| m.0)
                    .map(|m| (m.1, m.2.clone()))
            })
            .flatten();
        IndicatorPage {
            c: Chrome::of(v).with_charts(),
            code: ind.code.clone(),
            name: if tr.is_en() {
                ind.name_en.clone()
            } else {
                ind.name.clone()
            },
            group: plan
                .groups
                .iter()
                .find(|g| g.code == ind.group)
                .map(|g| tr.pick(&g.name, &g.name_en).to_string())
                .unwrap_or_default(),
            chart_years: json(&yearly.iter().map(|(y, _)| *y).collect::<Vec<_>>()),
            chart_values: json(&yearly.iter().map(|(_, x)| f(x.value)).collect::<Vec<_>>()),
            chart_targets: json(&marks),
            chart_projection: json(&projection),
            yearly: yearly
                .iter()
                .map(|(y, x)| (*y, tr.num(f(x.value), 2)))
                .collect(),
            rows: rows
                .iter()
                .map(|r| TargetRow {
                    target: target_text(&tr, r, uom(&tr, ind)),
                    latest: fmt_value(&tr, r.latest_value),
                    class: status_class(r.status),
                    status: tr.status(r.status),
                    projection: r
                        .projected_value
                        .map(|p| format!("{} ({})", tr.num(p, 2), r.target_year))
                        .unwrap_or_else(|| "—".into()),
                })
                .collect(),
            // Highest first, so that the chart reads as a ranking.
            bar_labels: json(&sorted.iter().map(|u| &u.name).collect::<Vec<_>>()),
            bar_values: json(&sorted.iter().map(|u| u.value).collect::<Vec<_>>()),
            bar_target: bar_target
                .as_ref()
                .map(|(v, _)| v.to_string())
                .unwrap_or_default(),
            bar_target_label: bar_target.map(|(_, l)| l).unwrap_or_default(),
            by_unit,
            by_unit_note: if tr.is_en() {
                "Reported at province level only."
            } else {
                "Chỉ tiêu chỉ báo cáo ở cấp tỉnh."
            },
            definition: tr.pick(&ind.definition, &ind.definition_en).to_string(),
            formula: match (&ind.numerator_label, &ind.denominator_label) {
                (Some(n), Some(d)) => format!(
                    "{} / {} × {}",
                    tr.pick(n, &ind.numerator_label_en),
                    tr.pick(d, &ind.denominator_label_en),
                    ind.ratio_factor()
                ),
                _ => format!("{} ({})", tr.t("counted"), uom(&tr, ind)),
            },
            source: ind.data_source.clone(),
            lead: unit_name(snap, &ind.lead_unit),
            lead_code: ind.lead_unit.to_string(),
            lead_head: head_text(snap, &ind.lead_unit, day),
            coordinating: ind
                .coordinating_units
                .iter()
                .map(|c| unit_name(snap, c))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// The province's units that report the indicator, with their figures for the latest year
/// that has data.
fn units_of_latest_year(
    snap: &Snapshot,
    ind: &Indicator,
    owner: &UnitCode,
    yearly: &[(i32, chitieu_analytics::Figure)],
    day: chrono::NaiveDate,
    tr: Tr,
) -> Vec<UnitRow> {
    let Some(&(y, _)) = yearly.last() else {
        return Vec::new();
    };
    if ind.unit_aggregation == chitieu_domain::UnitAggregation::None {
        return Vec::new();
    }
    snap.units
        .iter()
        .filter(|u| u.parent.as_ref() == Some(owner) && ind.reported_by_kind(u.kind))
        .filter_map(|u| {
            let x = snap
                .engine
                .figure_as_of(&ind.code, &u.code, Period::year(y), Some(day))
                .ok()??;
            let value = f(x.value);
            Some(UnitRow {
                code: u.code.to_string(),
                name: u.name.clone(),
                shown: tr.num(value, 2),
                value,
                period: tr.period(&x.last_period),
            })
        })
        .collect()
}
