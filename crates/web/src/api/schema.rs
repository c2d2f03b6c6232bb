//! What the API answers, as types the web crate owns: renaming a field of the domain, the
//! engine or the store does not change the API; these types are the contract, and the
//! OpenAPI document is generated from them.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

/// An exact decimal as the text of its digits.
fn exact(d: &Decimal) -> String {
    chitieu_domain::text::format_decimal(d)
}

/// One target of an indicator assessed for a unit by one method.
#[derive(Serialize, ToSchema)]
pub struct AssessmentRow {
    pub indicator: String,
    pub unit: String,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::exact_opt")]
    #[schema(value_type = Option<String>)]
    pub latest_value: Option<f64>,
    pub latest_period: Option<String>,
    pub target_year: i32,
    /// `>`, `>=`, `=`, `<=` or `<`.
    pub comparator: String,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::exact")]
    #[schema(value_type = String)]
    pub target_value: f64,
    pub met: Option<bool>,
    /// A status code: for a target year that is over, the verdict `achieved`, `not_achieved`
    /// or `awaiting_data`; before that the method's (`on_track`, `fair_progress`, …).
    pub status: String,
    /// True when the status is a verdict on a target year that is over.
    #[serde(rename = "final")]
    pub is_final: bool,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::measure_opt")]
    #[schema(value_type = Option<String>)]
    pub score: Option<f64>,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::measure_opt")]
    #[schema(value_type = Option<String>)]
    pub projected_value: Option<f64>,
    pub projected_year_met: Option<i32>,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::measure_opt")]
    #[schema(value_type = Option<String>)]
    pub projected_value_cagr: Option<f64>,
    pub projected_year_met_cagr: Option<i32>,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::measure_opt")]
    #[schema(value_type = Option<String>)]
    pub percent_of_target: Option<f64>,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::exact_opt")]
    #[schema(value_type = Option<String>)]
    pub gap: Option<f64>,
    /// The nearest target year not before the as-of year.
    pub current: bool,
    /// The target is the plan owner's, applied to this unit.
    pub inherited: bool,
    /// For a target that holds every year ("mỗi năm"): its span; this row is its instance
    /// for `target_year`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every_year: Option<YearSpan>,
    pub base_year: Option<i32>,
    pub latest_year: Option<i32>,
    /// Why there is no status, when there is none.
    pub reason: Option<String>,
    /// `target`, `unsd2022`, `opensdg` or `projection`.
    pub method: String,
    /// The latest figure is not yet accepted by the standing office ("số liệu chưa tiếp
    /// nhận"); always false with `data=official`.
    pub provisional: bool,
}

/// The years a recurring target holds for, both included.
#[derive(Serialize, ToSchema)]
pub struct YearSpan {
    pub from: i32,
    pub to: i32,
}

impl From<chitieu_analytics::assess::Row> for AssessmentRow {
    fn from(r: chitieu_analytics::assess::Row) -> Self {
        AssessmentRow {
            method: serde_json::to_value(r.method)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            indicator: r.indicator,
            unit: r.unit,
            latest_value: r.latest_value,
            latest_period: r.latest_period,
            target_year: r.target_year,
            comparator: r.comparator.to_string(),
            target_value: r.target_value,
            met: r.met,
            status: r.status.as_str().to_string(),
            is_final: r.is_final,
            score: r.score,
            projected_value: r.projected_value,
            projected_year_met: r.projected_year_met,
            projected_value_cagr: r.projected_value_cagr,
            projected_year_met_cagr: r.projected_year_met_cagr,
            percent_of_target: r.percent_of_target,
            gap: r.gap,
            current: r.current,
            inherited: r.inherited,
            every_year: r.every_year.map(|s| YearSpan {
                from: s.from,
                to: s.to,
            }),
            base_year: r.base_year,
            latest_year: r.latest_year,
            reason: r.reason,
            provisional: r.provisional,
        }
    }
}

/// A target that will be missed at the current pace.
#[derive(Serialize, ToSchema)]
pub struct WarningRow {
    #[serde(flatten)]
    pub row: AssessmentRow,
    /// Target minus projected value, in the indicator's unit (positive: short of it).
    #[serde(serialize_with = "chitieu_domain::text::figure_json::measure")]
    #[schema(value_type = String)]
    pub shortfall: f64,
    #[serde(serialize_with = "chitieu_domain::text::figure_json::measure")]
    #[schema(value_type = String)]
    pub relative_shortfall: f64,
}

impl From<chitieu_analytics::assess::Warning> for WarningRow {
    fn from(w: chitieu_analytics::assess::Warning) -> Self {
        WarningRow {
            row: w.row.into(),
            shortfall: w.shortfall,
            relative_shortfall: w.relative_shortfall,
        }
    }
}

/// An aggregated figure.
#[derive(Serialize, ToSchema)]
pub struct FigureOut {
    pub value: String,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    /// Elementary periods with data that went into the figure.
    pub periods: u32,
    /// The latest elementary period with data.
    pub last_period: String,
}

impl From<chitieu_analytics::Figure> for FigureOut {
    fn from(f: chitieu_analytics::Figure) -> Self {
        FigureOut {
            value: exact(&f.value),
            numerator: f.numerator.as_ref().map(exact),
            denominator: f.denominator.as_ref().map(exact),
            periods: f.periods,
            last_period: f.last_period.to_string(),
        }
    }
}

/// A stored value behind a figure.
#[derive(Serialize, ToSchema)]
pub struct ContributionOut {
    pub unit: String,
    pub period: String,
    pub value: String,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
}

impl From<chitieu_analytics::Contribution> for ContributionOut {
    fn from(c: chitieu_analytics::Contribution) -> Self {
        ContributionOut {
            unit: c.unit.to_string(),
            period: c.period.to_string(),
            value: exact(&c.value),
            numerator: c.numerator.as_ref().map(exact),
            denominator: c.denominator.as_ref().map(exact),
        }
    }
}

/// A head's term of office.
#[derive(Serialize, ToSchema)]
pub struct HeadOut {
    pub unit: String,
    pub person: String,
    pub title: String,
    pub term_start: NaiveDate,
    /// Last day in office; none while in office.
    pub term_end: Option<NaiveDate>,
}

impl From<chitieu_domain::Head> for HeadOut {
    fn from(h: chitieu_domain::Head) -> Self {
        HeadOut {
            unit: h.unit.to_string(),
            person: h.person,
            title: h.title,
            term_start: h.term_start,
            term_end: h.term_end,
        }
    }
}

/// A progress report on a task.
#[derive(Serialize, ToSchema)]
pub struct TaskUpdateOut {
    pub on: NaiveDate,
    pub progress: u8,
    pub note: String,
    pub author: String,
    pub difficulties: String,
    pub proposals: String,
}

/// A task of a unit's work programme, with its status today.
#[derive(Serialize, ToSchema)]
pub struct TaskOut {
    pub code: String,
    pub title: String,
    pub plan: String,
    pub year: i32,
    pub lead_unit: String,
    pub coordinating_units: Vec<String>,
    pub start: NaiveDate,
    pub deadline: NaiveDate,
    pub expected_product: String,
    pub indicators: Vec<String>,
    pub completed_on: Option<NaiveDate>,
    pub updates: Vec<TaskUpdateOut>,
    /// `completed_on_time`, `completed_late`, `in_progress`, `overdue` or `cancelled`.
    pub status: String,
    /// The document the task comes from: number ("12/TB-BCĐ"), date, issuer.
    pub source_number: String,
    pub source_date: Option<NaiveDate>,
    pub source_issuer: String,
    /// When and why the task was withdrawn.
    pub cancelled_on: Option<NaiveDate>,
    pub cancel_reason: String,
    /// When and why its product was found below requirements (none: not found so).
    pub product_defect_on: Option<NaiveDate>,
    pub product_defect: String,
    /// `central`, `province` or `private`; the amounts in million đồng, as exact decimals.
    pub funding_source: Option<String>,
    pub funding_allocated: Option<String>,
    pub funding_disbursed: Option<String>,
    /// The number of the task's last edit: send it back with a change (`PATCH`), so that a
    /// change made meanwhile by someone else is not undone.
    pub version: i64,
    /// Who made the last edit, and when.
    pub changed_by: String,
    pub changed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl TaskOut {
    pub fn new(t: chitieu_domain::Task, as_of: NaiveDate) -> TaskOut {
        TaskOut {
            version: t.edition.number,
            changed_by: t.edition.by.clone(),
            changed_at: t.edition.at,
            status: t.status_on(as_of).as_str().to_string(),
            source_number: t.source.number.clone(),
            source_date: t.source.date,
            source_issuer: t.source.issuer.clone(),
            cancelled_on: t.cancelled.as_ref().map(|c| c.on),
            product_defect_on: t.product_defect.as_ref().map(|c| c.on),
            product_defect: t
                .product_defect
                .as_ref()
                .map(|c| c.reason.clone())
                .unwrap_or_default(),
            funding_source: t.funding.as_ref().map(|f| f.source.as_str().to_string()),
            funding_allocated: t
                .funding
                .as_ref()
                .map(|f| chitieu_domain::text::format_decimal(&f.allocated)),
            funding_disbursed: t
                .funding
                .as_ref()
                .map(|f| chitieu_domain::text::format_decimal(&f.disbursed)),
            cancel_reason: t
                .cancelled
                .as_ref()
                .map(|c| c.reason.clone())
                .unwrap_or_default(),
            code: t.code,
            title: t.title,
            plan: t.plan,
            year: t.year,
            lead_unit: t.lead_unit.to_string(),
            coordinating_units: t.coordinating_units.iter().map(|u| u.to_string()).collect(),
            start: t.start,
            deadline: t.deadline,
            expected_product: t.expected_product,
            indicators: t.indicators,
            completed_on: t.completed_on,
            updates: t
                .updates
                .into_iter()
                .map(|u| TaskUpdateOut {
                    on: u.on,
                    progress: u.progress,
                    note: u.note,
                    author: u.author,
                    difficulties: u.difficulties,
                    proposals: u.proposals,
                })
                .collect(),
        }
    }
}

/// A stored value, with its workflow state and version.
#[derive(Serialize, ToSchema)]
pub struct ValueOut {
    pub indicator: String,
    pub unit: String,
    pub period: String,
    pub value: String,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub comment: String,
    /// `draft`, `submitted`, `approved`, `accepted` or `returned`.
    pub state: String,
    pub entered_by: String,
    pub entered_at: DateTime<Utc>,
    /// Send it back with a change (`version` of `POST /api/v1/values`).
    pub version: i64,
}

impl From<chitieu_app::ValueRow> for ValueOut {
    fn from(r: chitieu_app::ValueRow) -> Self {
        ValueOut {
            indicator: r.indicator,
            unit: r.unit.to_string(),
            period: r.period.to_string(),
            value: exact(&r.value),
            numerator: r.numerator.as_ref().map(exact),
            denominator: r.denominator.as_ref().map(exact),
            comment: r.comment,
            state: r.state,
            entered_by: r.entered_by,
            entered_at: r.entered_at,
            version: r.version,
        }
    }
}

/// A bearer token as administrators see it: never the token itself.
#[derive(Serialize, ToSchema)]
pub struct TokenInfoOut {
    pub name: String,
    pub role: String,
    pub unit: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
}

impl From<chitieu_app::TokenInfo> for TokenInfoOut {
    fn from(t: chitieu_app::TokenInfo) -> Self {
        TokenInfoOut {
            name: t.name,
            role: t.role.as_str().to_string(),
            unit: t.unit.to_string(),
            created_by: t.created_by,
            created_at: t.created_at,
            revoked: t.revoked,
        }
    }
}

/// A value of a batch that could not be used.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)] // the schema of `actions::ItemError` as it is serialised
pub struct ItemErrorOut {
    pub index: usize,
    pub field: String,
    pub reason: String,
}

/// A stored value as a writer whose change was refused is told about it.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)] // the schema of `chitieu_app::StoredValue` as it is serialised
pub struct StoredValueOut {
    pub value: String,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub comment: String,
    pub state: String,
    pub entered_by: String,
    pub entered_at: DateTime<Utc>,
    pub version: i64,
}

/// A value changed by someone else since the version sent (`stale`), or accepted and
/// locked (`locked`).
#[derive(Serialize, ToSchema)]
#[allow(dead_code)] // the schema of `actions::Conflict` as it is serialised
pub struct ConflictOut {
    pub index: Option<usize>,
    pub indicator: String,
    pub unit: String,
    pub period: String,
    /// `stale` or `locked`.
    pub kind: String,
    /// The version sent, for `stale`.
    pub expected: Option<i64>,
    pub current: StoredValueOut,
    pub reason: String,
}

/// Every error: RFC 9457 problem details, with a stable code and the message in
/// Vietnamese and English.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)] // the schema of `ApiError` as it is serialised
pub struct Problem {
    /// `urn:chitieu:problem:CODE`.
    pub r#type: String,
    pub title: String,
    pub status: u16,
    /// The Vietnamese message.
    pub detail: String,
    /// What went wrong, stable across versions and languages: the HTTP layer's codes
    /// (`unauthorized`, `forbidden`, `not_found`, `invalid_json`, `invalid_values`,
    /// `conflict`…) or the rule that refused (`year_out_of_range`, `stale`, `frozen`…).
    pub code: String,
    /// The message in Vietnamese (as `detail`).
    pub message: String,
    /// The same message in English.
    pub message_en: String,
    /// Invalid values of a batch (422).
    pub errors: Option<Vec<ItemErrorOut>>,
    /// Values changed by someone else, or locked (409).
    pub conflicts: Option<Vec<ConflictOut>>,
}
