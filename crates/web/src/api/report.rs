//! The periodic report: its content as JSON, or the document as Word, PDF or Excel.

use super::common::*;
use chitieu_app::report::{Unasked, report_file, shared_report, which};
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

impl From<[String; 4]> for PeriodicReportTarget {
    fn from([indicator, target, latest, status]: [String; 4]) -> Self {
        PeriodicReportTarget {
            indicator,
            target,
            latest,
            status,
        }
    }
}

/// The targets of a year that is over, with their final verdicts.
#[derive(Serialize, ToSchema)]
pub(super) struct PeriodicReportEndedYear {
    year: i32,
    /// The section's heading: "III. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU NĂM 2025".
    title: String,
    /// Each target with its year's figure and its verdict.
    targets: Vec<PeriodicReportTarget>,
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
    /// Targets in progress.
    targets: Vec<PeriodicReportTarget>,
    /// Targets of years that are over, a year each, oldest first.
    ended: Vec<PeriodicReportEndedYear>,
    at_risk: Vec<String>,
    overdue: Vec<String>,
    late_units: Vec<String>,
    recipients: Vec<String>,
    signer_position: String,
    signer_name: String,
}

impl PeriodicReport {
    fn new(period: &Period, unit: &UnitCode, r: Report) -> Self {
        let ended_titles = r.ended_titles();
        let (at_risk, overdue, late_units) = (
            r.list("at_risk").to_vec(),
            r.list("overdue").to_vec(),
            r.list("late_units").to_vec(),
        );
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
            ended: ended_titles
                .into_iter()
                .zip(r.ended)
                .map(|(title, e)| PeriodicReportEndedYear {
                    year: e.year,
                    title,
                    targets: e.rows.into_iter().map(Into::into).collect(),
                })
                .collect(),
            targets: r.targets.into_iter().map(Into::into).collect(),
            at_risk,
            overdue,
            late_units,
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
    let Some(format) = format else {
        let r = shared_report(&s.app, period, &unit).await?;
        return Ok(Json(PeriodicReport::new(
            &period,
            &unit,
            std::sync::Arc::unwrap_or_clone(r),
        ))
        .into_response());
    };
    let bytes = report_file(&s.app, period, &unit, format).await?;
    Ok(crate::xlsx::attachment(
        &format!("bao-cao-{unit}-{period}.{}", format.extension()),
        format.content_type(),
        bytes.to_vec(),
    ))
}
