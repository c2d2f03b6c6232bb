//! The periodic report: its content as JSON, or the document as Word, PDF or Excel.

use super::common::*;
use chitieu_app::report::{Unasked, render, report_of, which};
use chitieu_domain::Thing;
use chitieu_exchange::report::{Format, Report};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ReportQuery {
    /// 2025, 2025S2, 2025Q3, 2025M07. Default: the last complete quarter.
    period: Option<String>,
    /// Default: the province that owns the plan.
    unit: Option<String>,
    /// `json` (default), `docx`, `pdf` or `xlsx`.
    format: Option<String>,
}

/// A target's line in the report.
#[derive(Serialize, ToSchema)]
pub(super) struct PeriodicReportTarget {
    indicator: String,
    target: String,
    /// The latest official figure and its period, or "chưa có".
    latest: String,
    status: String,
}

/// How many targets stand at one status.
#[derive(Serialize, ToSchema)]
pub(super) struct PeriodicReportStanding {
    label: String,
    count: usize,
}

/// What the periodic report says, from official (accepted) figures only.
#[derive(Serialize, ToSchema)]
pub(super) struct PeriodicReport {
    period: String,
    unit: String,
    parent: String,
    issuer: String,
    number: String,
    place: String,
    date: chrono::NaiveDate,
    title: String,
    summary: Vec<String>,
    standing: Vec<PeriodicReportStanding>,
    targets: Vec<PeriodicReportTarget>,
    at_risk: Vec<String>,
    overdue: Vec<String>,
    late_units: Vec<String>,
    recipients: Vec<String>,
    signer_position: String,
    signer_name: String,
}

impl PeriodicReport {
    fn new(period: &Period, unit: &UnitCode, r: Report) -> Self {
        PeriodicReport {
            period: period.to_string(),
            unit: unit.to_string(),
            parent: r.parent,
            issuer: r.issuer,
            number: r.number,
            place: r.place,
            date: r.date,
            title: r.title,
            summary: r.summary,
            standing: r
                .standing
                .into_iter()
                .map(|(label, count)| PeriodicReportStanding { label, count })
                .collect(),
            targets: r
                .targets
                .into_iter()
                .map(|[indicator, target, latest, status]| PeriodicReportTarget {
                    indicator,
                    target,
                    latest,
                    status,
                })
                .collect(),
            at_risk: r.at_risk,
            overdue: r.overdue,
            late_units: r.late_units,
            recipients: r.recipients,
            signer_position: r.signer_position,
            signer_name: r.signer_name,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/report", tag = "reports",
    summary = "Báo cáo định kỳ",
    description = "The periodic report of a period for a unit, from official (accepted) figures only, in the layout of Decree 30/2020/NĐ-CP: its content as JSON (default), or `format=docx|pdf|xlsx` for the document (Word, PDF with a chart, Excel) as an attachment.",
    params(ReportQuery),
    responses(
        (status = 200, description = "The report", content(
            (PeriodicReport = "application/json"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(super) async fn report(
    State(s): State<AppState>,
    c: Caller,
    q: ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    c.user()?;
    let q = q.parse()?;
    let format = match q.format.as_deref().map(str::trim) {
        None | Some("") | Some("json") => None,
        Some(f) => Some(Format::parse(f).map_err(ApiError::invalid)?),
    };
    let snap = s.live.snapshot();
    let (period, unit) = which(&snap, q.period.as_deref(), q.unit.as_deref(), snap.today())
        .map_err(|e| match e {
            Unasked::Period(why) => ApiError::refused(&why),
            Unasked::Unit(u) => ApiError::unknown(Thing::Unit, &u),
        })?;
    let r = report_of(&snap, period, &unit, snap.today()).map_err(ApiError::from)?;
    let Some(format) = format else {
        return Ok(Json(PeriodicReport::new(&period, &unit, r)).into_response());
    };
    let bytes = render(r, format).await.map_err(ApiError::invalid)?;
    Ok(crate::xlsx::attachment(
        &format!("bao-cao-{unit}-{period}.{}", format.extension()),
        format.content_type(),
        bytes,
    ))
}
