//! "Tải Excel" under every table: the page posts the table it shows, the server writes it as
//! a workbook. Only what the person already sees goes in, so no right beyond being signed in.

use super::common::*;
use crate::xlsx::{PostedTable, download};

pub async fn export_xlsx(v: Viewer, form: LazyForm) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let fields = form.read(tr)?;
    v.check_csrf(&fields)?;
    let table: PostedTable =
        serde_json::from_str(fields.get("table").map_or("", String::as_str))
            .map_err(|e| PageError::Invalid(tr, format!("bảng gửi lên không đọc được: {e}")))?;
    let file: String = table
        .title
        .chars()
        .map(|c| {
            let folded = chitieu_domain::text::fold(&c.to_string());
            folded.chars().next().unwrap_or('-')
        })
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(60)
        .collect();
    let sheet = table
        .sheet(tr.is_en())
        .map_err(|e| PageError::Invalid(tr, e))?;
    Ok(download(
        &format!("{}.xlsx", if file.is_empty() { "bang" } else { &file }),
        &[sheet],
    ))
}

#[derive(Deserialize)]
pub struct ReportQuery {
    period: Option<String>,
    unit: Option<String>,
}

/// The periodic report as Word, from official figures: the unit asked (default the plan's
/// owner) and the period asked (default the last complete quarter). Signed in only.
pub async fn report_docx(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let snap = s.live.snapshot();
    let period: Period = match q.period.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => p
            .parse()
            .map_err(|e: chitieu_domain::PeriodError| PageError::Invalid(tr, e.to_string()))?,
        None => Period::last_complete(PeriodKind::Quarter, today()),
    };
    let unit = match q.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => UnitCode::parse(u).map_err(|_| PageError::NotFound(tr))?,
        None => snap
            .plan
            .as_ref()
            .map(|p| p.plan.owner.clone())
            .ok_or(PageError::NotFound(tr))?,
    };
    if snap.unit(&unit).is_none() {
        return Err(PageError::NotFound(tr));
    }
    let report = chitieu_app::report::report_of(&snap, period, &unit, today())
        .map_err(|e| PageError::Invalid(tr, e))?;
    let bytes =
        chitieu_exchange::report_docx::docx(&report).map_err(|e| PageError::Invalid(tr, e))?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    .to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"bao-cao-{unit}-{period}.docx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
