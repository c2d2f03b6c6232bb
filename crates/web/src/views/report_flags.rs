//! What a reviewer should look at in a report: a figure far from the unit's own history, or
//! one whose value, numerator or denominator jumped from the period before.

use super::common::*;

/// The report's figures worth a reviewer's look, one line each: a figure far from the
/// unit's own history, else one whose value, numerator or denominator jumped.
pub(super) fn flags(
    snap: &Snapshot,
    r: &chitieu_app::reports::Listed,
    values_unit: &UnitCode,
    tr: Tr,
) -> Vec<String> {
    let (Some(plan), Some(unit)) = (snap.plan.as_ref(), snap.unit(&r.unit)) else {
        return Vec::new();
    };
    let Some(form) = plan.forms.iter().find(|f| f.code == r.form) else {
        return Vec::new();
    };
    form.indicators_of(&plan.indicators, unit)
        .into_iter()
        .filter_map(|ind| {
            outlier_flag(snap, plan.outlier_z, ind, r.period, values_unit, tr)
                .or_else(|| jump_flag(snap, ind, r.period, values_unit, tr))
        })
        .collect()
}

/// A figure whose modified z-score against the unit's earlier figures passes the plan's
/// threshold: "HT-5G: 520 (z = 41,3; trung vị 52 của 8 kỳ trước)".
fn outlier_flag(
    snap: &Snapshot,
    threshold: f64,
    ind: &chitieu_domain::Indicator,
    period: Period,
    values_unit: &UnitCode,
    tr: Tr,
) -> Option<String> {
    use chitieu_domain::validation::modified_z;
    use rust_decimal::prelude::ToPrimitive;
    let series = snap.engine.own_values(&ind.code, values_unit);
    let &(_, x) = series.iter().find(|(p, _)| *p == period)?;
    let history: Vec<chitieu_domain::Decimal> = series
        .iter()
        .filter(|(p, _)| *p < period)
        .map(|(_, v)| *v)
        .collect();
    let z = modified_z(&history, x).filter(|z| z.abs() > threshold)?;
    let shown = |d: chitieu_domain::Decimal| tr.num(d.to_f64().unwrap_or(f64::NAN), 2);
    let z = if z.is_finite() {
        tr.num(z, 1)
    } else {
        "∞".to_string()
    };
    Some(format!(
        "{}: {} ({} z = {z}, {} {})",
        ind.code,
        shown(x),
        tr.t("outlier"),
        history.len(),
        tr.t("earlier_periods"),
    ))
}

/// A figure whose value, numerator or denominator moved by more than half from the period
/// before, beside that period's: "NL-CBX: 70/80 (87,5) ← 33/39 (84,62): Tử số tăng 112 % so
/// với quý II/2026".
fn jump_flag(
    snap: &Snapshot,
    ind: &chitieu_domain::Indicator,
    period: Period,
    values_unit: &UnitCode,
    tr: Tr,
) -> Option<String> {
    use rust_decimal::prelude::ToPrimitive;
    let n = |d: chitieu_domain::Decimal| {
        let s = tr.num(d.to_f64().unwrap_or(f64::NAN), 2);
        let sep = if tr.is_en() { '.' } else { ',' };
        match s.split_once(sep) {
            Some((whole, frac)) if frac.trim_end_matches('0').is_empty() => whole.to_string(),
            _ => s,
        }
    };
    let shown = |v: chitieu_domain::Decimal, parts: Option<(_, _)>| match parts {
        Some((a, b)) => format!("{}/{} ({})", n(a), n(b), n(v)),
        None => n(v),
    };
    let series = snap.engine.own_parts(&ind.code, values_unit);
    let &(_, v, parts) = series.iter().find(|(p, _, _)| *p == period)?;
    let &(before, bv, bparts) = series
        .iter()
        .filter(|(p, _, _)| *p < period && p.kind() == period.kind())
        .max_by_key(|(p, _, _)| *p)?;
    let split = |v, parts: Option<(_, _)>| [Some(v), parts.map(|p| p.0), parts.map(|p| p.1)];
    let moved: Vec<String> = chitieu_app::reports::jumps(split(v, parts), split(bv, bparts))
        .into_iter()
        .map(|(part, change)| super::report_view::jump_words(tr, ind, part, change, before))
        .collect();
    (!moved.is_empty()).then(|| {
        format!(
            "{}: {} ← {}: {}",
            ind.code,
            shown(v, parts),
            shown(bv, bparts),
            moved.join("; ")
        )
    })
}
