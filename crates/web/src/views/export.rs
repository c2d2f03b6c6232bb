//! Downloads. "Tải Excel" under every table: the page posts the table it shows, the server
//! writes it as a workbook (only what the person already sees goes in, so no right beyond
//! being signed in). The periodic report as Word, PDF or Excel.

use super::common::*;
use crate::xlsx::{PostedTable, attachment, download};
use chitieu_app::report::{self as documents, Unasked, brief_of, render, which};
use chitieu_exchange::report::Format;

pub async fn export_xlsx(v: Viewer, form: LazyForm) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let fields = form.read(tr)?;
    v.check_csrf(&fields)?;
    let table: PostedTable =
        serde_json::from_str(fields.get("table").map_or("", String::as_str))
            .map_err(|e| PageError::invalid(tr, format!("bảng gửi lên không đọc được: {e}")))?;
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
        .map_err(|e| PageError::invalid(tr, e))?;
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

/// The periodic report, from official figures: the unit asked (default the plan's owner)
/// and the period asked (default the last complete quarter), as Word, PDF or Excel by the
/// path's extension (`/report.docx`, `/report.pdf`, `/report.xlsx`). Signed in only.
pub async fn report_file(
    State(s): State<AppState>,
    v: Viewer,
    path: axum::extract::MatchedPath,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let format = format_of(&path, tr)?;
    let snap = s.live.snapshot();
    let (period, unit) = which(&snap, q.period.as_deref(), q.unit.as_deref(), snap.today())
        .map_err(|e| match e {
            Unasked::Period(why) => PageError::invalid(tr, why),
            Unasked::Unit(_) => PageError::NotFound(tr),
        })?;
    let bytes = documents::report_file(&s.app, period, &unit, format)
        .await
        .map_err(|e| PageError::action(tr, e))?;
    Ok(attachment(
        &format!("bao-cao-{unit}-{period}.{}", format.extension()),
        format.content_type(),
        bytes.to_vec(),
    ))
}

/// The file format a download's path ends with.
fn format_of(path: &axum::extract::MatchedPath, tr: Tr) -> Result<Format, PageError> {
    path.as_str()
        .rsplit_once('.')
        .and_then(|(_, ext)| Format::parse(ext).ok())
        .ok_or(PageError::NotFound(tr))
}

#[derive(Deserialize)]
pub struct BriefQuery {
    committee: Option<String>,
}

/// The meeting brief for a steering committee (default the plan owner's) as of today, as
/// Word, PDF or Excel by the path's extension (`/brief.docx`...). Signed in only, as the
/// committee's page is.
pub async fn brief_file(
    State(s): State<AppState>,
    v: Viewer,
    path: axum::extract::MatchedPath,
    Query(q): Query<BriefQuery>,
) -> PageResult {
    let tr = v.tr;
    v.user()?;
    let format = format_of(&path, tr)?;
    let snap = s.live.snapshot();
    let committee = match q
        .committee
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(c) => UnitCode::parse(c).map_err(|_| PageError::NotFound(tr))?,
        None => snap
            .plan
            .as_ref()
            .and_then(|p| chitieu_app::committee::steering(&snap, &p.plan.owner))
            .map(|u| u.code.clone())
            .ok_or(PageError::NotFound(tr))?,
    };
    if snap.unit(&committee).is_none() {
        return Err(PageError::NotFound(tr));
    }
    let (members, meetings) = s.app.committee_records(&committee).await.or_500(tr)?;
    let brief = brief_of(&snap, &committee, &members, &meetings, snap.today())
        .map_err(|e| PageError::invalid(tr, e))?;
    let bytes = render(std::sync::Arc::new(brief), format)
        .await
        .map_err(|e| PageError::invalid(tr, e))?;
    Ok(attachment(
        &format!(
            "tai-lieu-hop-{committee}-{}.{}",
            snap.today(),
            format.extension()
        ),
        format.content_type(),
        bytes,
    ))
}
