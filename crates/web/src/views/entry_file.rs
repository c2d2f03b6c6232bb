//! Figures from a file on the entry page: the Excel template for the unit and period shown,
//! and the upload of a filled template or a values CSV, written all or nothing through the
//! same checks and rights as the form.

use super::common::*;
use super::entry::entry_indicators;
use chitieu_exchange::{InputErrors, values_csv, values_xlsx};

#[derive(Deserialize)]
pub struct TemplateQuery {
    unit: Option<String>,
    period: Option<String>,
}

/// The Excel template for the unit and period of the entry page, holding what `me` may enter.
pub async fn entry_template(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<TemplateQuery>,
) -> PageResult {
    let tr = v.tr;
    let me = v.user()?.clone();
    if !role_allows(me.role, Action::Enter) {
        return Err(PageError::Forbidden(tr));
    }
    let snap = s.live.snapshot();
    let unit = UnitCode::parse(q.unit.as_deref().unwrap_or("").trim())
        .map_err(|_| PageError::NotFound(tr))?;
    let period: Period = q
        .period
        .as_deref()
        .unwrap_or("")
        .trim()
        .parse()
        .map_err(|_| PageError::NotFound(tr))?;
    let indicators = entry_indicators(&snap, &me, &unit, &period, tr)?;
    let plan = snap.plan.as_ref().ok_or(PageError::NotFound(tr))?;
    let values_unit = snap.unit(&unit).ok_or(PageError::NotFound(tr))?;
    let sender = snap.unit(&me.unit).unwrap_or(values_unit);
    let form = plan
        .forms
        .iter()
        .find(|f| {
            f.frequency == period.kind()
                && indicators.iter().any(|i| f.indicators.contains(&i.code))
        })
        .ok_or_else(|| PageError::invalid(tr, tr.t("no_form_for_period").to_string()))?;
    if indicators.is_empty() {
        return Err(PageError::Invalid(
            tr,
            tr.t("no_form_for_period").to_string(),
        ));
    }
    let bytes = values_xlsx::template(&values_xlsx::Template {
        form,
        sender,
        values_unit,
        period,
        indicators,
    })
    .map_err(|e| PageError::invalid(tr, e.to_string()))?;
    Ok(crate::xlsx::attachment(
        &format!("bieu-{unit}-{period}.xlsx"),
        chitieu_exchange::workbook::CONTENT_TYPE,
        bytes,
    ))
}

/// A filled template or a values CSV, uploaded: drafts of the figures in it, all or nothing.
pub async fn entry_upload(
    State(s): State<AppState>,
    v: Viewer,
    mp: axum::extract::Multipart,
) -> PageResult {
    let tr = v.tr;
    if !role_allows(v.user()?.role, Action::Enter) {
        return Err(PageError::Forbidden(tr));
    }
    let form = read_multipart(mp, tr).await?;
    let me = v.check_csrf(&form.fields)?.clone();
    let Some((_, name, bytes)) = form.files.iter().find(|(k, _, _)| k == "file") else {
        return Err(PageError::invalid(tr, tr.t("choose_file").to_string()));
    };
    let name = chitieu_app::safe_file_name(name);
    let lower = name.to_lowercase();
    let parsed = parse_upload(tr, &name, bytes, &s.live.snapshot())?;
    let at = |index: usize| {
        let line = parsed.get(index).map_or(0, |p| p.line);
        if lower.ends_with(".xlsx") {
            format!("{name}, trang \"{}\", dòng {line}", values_xlsx::SHEET)
        } else {
            format!("{name}, dòng {line}")
        }
    };
    match chitieu_app::exchange::write_parsed(
        &s.app,
        &me,
        &parsed,
        &format!("tải tệp {name}"),
        false,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&uploaded_url(&parsed)).into_response()),
        Err(ActionError::InvalidItems(errors)) => Err(PageError::Invalid(
            tr,
            errors
                .iter()
                .map(|e| format!("{}: {}", at(e.index), e.reason))
                .collect::<Vec<_>>()
                .join("; "),
        )),
        Err(ActionError::Conflict(cs)) => Err(PageError::Invalid(
            tr,
            cs.iter()
                .map(|c| format!("{}: {}", at(c.index.unwrap_or(0)), c.reason))
                .collect::<Vec<_>>()
                .join("; "),
        )),
        Err(e) => Err(PageError::action(tr, e)),
    }
}

/// The figures in an uploaded template (`.xlsx`) or values CSV, or why the file cannot be used.
fn parse_upload(
    tr: Tr,
    name: &str,
    bytes: &[u8],
    snap: &Snapshot,
) -> Result<Vec<chitieu_exchange::values_csv::ParsedValue>, PageError> {
    let lower = name.to_lowercase();
    let parsed = if lower.ends_with(".xlsx") {
        values_xlsx::parse(bytes, name, snap)
    } else if lower.ends_with(".csv") {
        values_csv::parse(bytes, name, snap, |_| {})
    } else {
        return Err(PageError::invalid(tr, tr.t("file_kinds").to_string()));
    };
    parsed.map_err(|e| refused(tr, &e))
}

/// Where an upload goes on: the entry form of its first figure's unit and period.
fn uploaded_url(parsed: &[chitieu_exchange::values_csv::ParsedValue]) -> String {
    match parsed.first() {
        Some(p) => format!(
            "/entry?unit={}&period={}&uploaded={}",
            p.value.unit,
            p.value.period,
            parsed.len()
        ),
        None => "/entry".to_string(),
    }
}

/// The refusal of a file, every error named: "bieu.xlsx, trang "Số liệu", ô D9: …".
fn refused(tr: Tr, e: &InputErrors) -> PageError {
    PageError::Invalid(
        tr,
        format!(
            "{} {}",
            tr.t("file_refused"),
            e.0.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ),
    )
}
