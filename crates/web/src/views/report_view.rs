//! A report's figures, read only, for everyone who may read the unit: the leader's links on
//! `/reports` open it (the entry form is for those who enter). Each figure stands beside the
//! one of the period before, and a large jump in a figure, a numerator or a denominator is
//! flagged: a count that doubles can hide behind a ratio that barely moves.

use super::common::*;
use chitieu_app::actions::ActionError;
use chitieu_domain::{Decimal, Period, ValueState};

/// A part left out reads as empty, so that the page answers "not found", not a bare 400.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportViewQuery {
    form: String,
    unit: String,
    period: String,
}

/// One indicator of the report.
struct FigureRow {
    code: String,
    name: String,
    /// "87,7 %", "35/39 (89,74 %)", or "—".
    figure: String,
    previous: String,
    comment: String,
    state: String,
    /// "Mẫu số giảm 62 % so với quý II/2026".
    jumps: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "report_view.html")]
struct ReportViewPage {
    c: Chrome,
    title: String,
    state: String,
    state_code: &'static str,
    due: String,
    late: bool,
    reason: String,
    rows: Vec<FigureRow>,
    /// Figures not sent yet are not shown to those who do not enter them.
    unsent: bool,
    entry_url: Option<String>,
}

pub async fn report_view(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<ReportViewQuery>,
) -> PageResult {
    let tr = v.tr;
    let me = v.user()?.clone();
    let unit = UnitCode::parse(q.unit.trim()).map_err(|_| PageError::NotFound(tr))?;
    let period: Period = q
        .period
        .trim()
        .parse()
        .map_err(|_| PageError::NotFound(tr))?;
    let f = chitieu_app::reports::figures(&s.app, &me, q.form.trim(), &unit, period)
        .await
        .map_err(|e| match e {
            ActionError::NotFound(_) => PageError::NotFound(tr),
            e => PageError::action(tr, e),
        })?;
    let r = &f.report;
    let page = ReportViewPage {
        c: Chrome::of(&v),
        title: format!(
            "{} · {} · {}",
            tr.pick(&r.form_name, &r.form_name_en),
            r.unit_name,
            tr.period(&period)
        ),
        state: tr.label(r.state).to_string(),
        state_code: r.state.as_str(),
        due: tr.date(&r.due),
        late: r.late,
        reason: r.reason.clone(),
        rows: f
            .indicators
            .iter()
            .map(|ind| figure_row(tr, ind, &f.values, period, f.unsent))
            .collect(),
        unsent: f.unsent,
        entry_url: f
            .may_enter
            .then(|| format!("/entry?unit={}&period={period}", f.values_unit)),
    };
    Ok(page.into_response())
}

fn figure_row(
    tr: Tr,
    ind: &chitieu_domain::Indicator,
    stored: &[chitieu_app::ValueRow],
    period: Period,
    unsent: bool,
) -> FigureRow {
    let mine: Vec<&chitieu_app::ValueRow> = stored
        .iter()
        .filter(|r| r.indicator == ind.code && r.period.kind() == period.kind())
        .filter(|r| !(unsent && r.state == ValueState::Draft.as_str()))
        .collect();
    let now = mine.iter().find(|r| r.period == period);
    let before = mine
        .iter()
        .filter(|r| r.period < period)
        .max_by_key(|r| r.period);
    let uom = uom(&tr, ind);
    let shown = |r: &chitieu_app::ValueRow| figure_text(tr, r, uom);
    let jumps = match (now, before) {
        (Some(n), Some(b)) => chitieu_app::reports::jumps(
            [Some(n.value), n.numerator, n.denominator],
            [Some(b.value), b.numerator, b.denominator],
        )
        .into_iter()
        .map(|(part, change)| jump_words(tr, ind, part, change, b.period))
        .collect(),
        _ => Vec::new(),
    };
    FigureRow {
        code: ind.code.clone(),
        name: tr.pick(&ind.name, &ind.name_en).to_string(),
        figure: now.map_or("—".into(), |r| shown(r)),
        previous: before.map_or("—".into(), |r| {
            format!(
                "{} ({})",
                shown(r),
                chitieu_domain::text::lower_first(&tr.period(&r.period))
            )
        }),
        comment: now.map_or(String::new(), |r| r.comment.clone()),
        state: now
            .and_then(|r| r.state.parse::<ValueState>().ok())
            .map_or(String::new(), |st| tr.label(st).to_string()),
        jumps,
    }
}

/// "87,7 %", or for a ratio "35/39 (89,74 %)": in the reader's notation, with the unit.
fn figure_text(tr: Tr, r: &chitieu_app::ValueRow, uom: &str) -> String {
    let n = |d: &Decimal| tr.separators(chitieu_domain::text::format_decimal_vi(d));
    let with_uom = |s: String| {
        if uom.trim().is_empty() {
            s
        } else {
            format!("{s} {uom}")
        }
    };
    match (&r.numerator, &r.denominator) {
        (Some(a), Some(b)) => format!("{}/{} ({})", n(a), n(b), with_uom(n(&r.value.round_dp(2)))),
        _ => with_uom(n(&r.value)),
    }
}

/// "Tử số tăng 112 % so với quý II/2026": a jump in a part of a figure, in words.
pub(super) fn jump_words(
    tr: Tr,
    ind: &chitieu_domain::Indicator,
    part: chitieu_app::reports::Part,
    change: f64,
    before: Period,
) -> String {
    use chitieu_app::reports::Part;
    let label = |l: &Option<String>, en: &str, key: &str| -> String {
        l.as_deref()
            .map(|l| tr.pick(l, en).to_string())
            .unwrap_or_else(|| tr.t(key).to_string())
    };
    let what = match part {
        Part::Value => tr.t("value").to_string(),
        Part::Numerator => label(&ind.numerator_label, &ind.numerator_label_en, "numerator"),
        Part::Denominator => label(
            &ind.denominator_label,
            &ind.denominator_label_en,
            "denominator",
        ),
    };
    format!(
        "{} {} {} % {} {}",
        chitieu_domain::text::upper_first(&what),
        if change > 0.0 {
            tr.t("rose")
        } else {
            tr.t("fell")
        },
        tr.num(change.abs() * 100.0, 0),
        tr.t("compared_with"),
        chitieu_domain::text::lower_first(&tr.period(&before)),
    )
}
