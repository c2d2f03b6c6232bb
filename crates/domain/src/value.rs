//! Data values: indicator × unit × period, with the checks every write goes through.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::indicator::Indicator;
use crate::period::Period;
use crate::unit::{Unit, UnitCode};

/// Where a value stands in the reporting workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueState {
    Draft,
    Submitted,
    Approved,
    Accepted,
    Returned,
}

impl ValueState {
    pub fn as_str(self) -> &'static str {
        match self {
            ValueState::Draft => "draft",
            ValueState::Submitted => "submitted",
            ValueState::Approved => "approved",
            ValueState::Accepted => "accepted",
            ValueState::Returned => "returned",
        }
    }

    /// Whether the value is out of the reporter's hands: sent for review (until returned)
    /// or accepted (until reopened).
    pub fn locked(self) -> bool {
        matches!(
            self,
            ValueState::Submitted | ValueState::Approved | ValueState::Accepted
        )
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ValueState::Draft => "Draft",
            ValueState::Submitted => "Submitted",
            ValueState::Approved => "Approved by the head",
            ValueState::Accepted => "Accepted",
            ValueState::Returned => "Returned",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            ValueState::Draft => "Bản nháp",
            ValueState::Submitted => "Đã gửi",
            ValueState::Approved => "Thủ trưởng đã duyệt",
            ValueState::Accepted => "Đã tiếp nhận",
            ValueState::Returned => "Bị trả lại",
        }
    }
}

impl std::str::FromStr for ValueState {
    type Err = crate::Refusal;
    fn from_str(s: &str) -> Result<Self, crate::Refusal> {
        match s {
            "draft" => Ok(ValueState::Draft),
            "submitted" => Ok(ValueState::Submitted),
            "approved" => Ok(ValueState::Approved),
            "accepted" => Ok(ValueState::Accepted),
            "returned" => Ok(ValueState::Returned),
            _ => Err(crate::Refusal::not_one_of(
                crate::Field::State,
                s,
                ["draft", "submitted", "approved", "accepted", "returned"],
            )),
        }
    }
}

/// A value as submitted, before checks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValueInput {
    pub value: Option<Decimal>,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
}

/// A failed check, naming the field (as in the CSV header and the form).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ValueError {
    pub field: &'static str,
    pub reason: String,
    /// The same reason in English, for the pages in English.
    pub reason_en: String,
}

fn err(field: &'static str, reason: impl Into<String>, en: impl Into<String>) -> ValueError {
    ValueError {
        field,
        reason: reason.into(),
        reason_en: en.into(),
    }
}

/// Where the codes in a value are looked up: the plan's indicators and the known units.
pub trait Lookup {
    fn indicator(&self, code: &str) -> Option<&Indicator>;
    fn unit(&self, code: &UnitCode) -> Option<&Unit>;
}

impl Lookup for crate::Catalog {
    fn indicator(&self, code: &str) -> Option<&Indicator> {
        crate::Catalog::indicator(self, code)
    }
    fn unit(&self, code: &UnitCode) -> Option<&Unit> {
        crate::Catalog::unit(self, code)
    }
}

/// A value as it arrives from a CSV line, a form or a JSON body: all text, so that no
/// figure passes through binary floating point on its way in. Empty means absent.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValueText<'a> {
    /// How the figures are written.
    pub notation: Notation,
    pub indicator: &'a str,
    pub unit: &'a str,
    pub period: &'a str,
    pub value: &'a str,
    pub numerator: &'a str,
    pub denominator: &'a str,
    pub comment: &'a str,
}

/// How figures are written: exactly, as systems send them (API, CSV: `1234.5`, or `1234,5`
/// without any dot), or the way people type them in a form (`1.234,5`, `1.035` = 1035; see
/// [`crate::text::parse_decimal_vi`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Notation {
    #[default]
    Exact,
    Vietnamese,
    /// Typed as text into a spreadsheet cell, where the person's locale is unknown: the
    /// Vietnamese way, but a figure that reads two ways (`1.500`: 1500 or 1,5) is refused,
    /// naming both readings.
    Text,
}

/// A value that passed every check, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedValue {
    pub indicator: String,
    pub unit: UnitCode,
    pub period: Period,
    pub value: Decimal,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub comment: String,
}

/// Values that name an indicator, unit and period already named: `(first, repeat)` positions,
/// each repeat with the first value of its key, in the order of the repeats. One value per
/// key in a write: which of two would be meant is not for the store to guess.
///
/// The map holds references, sized once: a million-row import spent a tenth of its time
/// growing a map of cloned codes, and sorting the references instead missed the cache.
pub fn repeats<'a>(
    values: impl ExactSizeIterator<Item = (usize, &'a CheckedValue)>,
) -> Vec<(usize, usize)> {
    let mut first: std::collections::HashMap<(&str, &UnitCode, Period), usize> =
        std::collections::HashMap::with_capacity(values.len());
    let mut out = Vec::new();
    for (at, v) in values {
        let seen = *first
            .entry((v.indicator.as_str(), &v.unit, v.period))
            .or_insert(at);
        if seen != at {
            out.push((seen, at));
        }
    }
    out
}

/// Parses a figure as written in `notation`; empty is absent.
pub fn parse_figure(
    field: &'static str,
    s: &str,
    notation: Notation,
) -> Result<Option<Decimal>, ValueError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() > 64 {
        return Err(err(
            field,
            "không phải là số (quá dài)",
            "not a number (too long)",
        ));
    }
    if notation == Notation::Text
        && let Some(crate::text::ViReading::Either { thousands, decimal }) =
            crate::text::read_decimal_vi(s)
    {
        // Both readings written so that each reads one way only.
        let comma = decimal.to_string().replace('.', ",");
        return Err(err(
            field,
            format!(
                "\"{s}\" đọc được hai cách: {thousands} (dấu chấm ngăn cách hàng nghìn) hoặc {comma} (dấu chấm thập phân); viết {thousands} hoặc {comma} cho rõ"
            ),
            format!(
                "\"{s}\" reads two ways: {thousands} (a dot between thousands) or {decimal} (a decimal point); write {thousands} or {comma} to say which"
            ),
        ));
    }
    let (parsed, rule, rule_en) = match notation {
        Notation::Exact => (
            crate::text::parse_decimal(s),
            "dùng dấu chấm hoặc dấu phẩy thập phân, không dùng dấu phân cách hàng nghìn hay số mũ",
            "a decimal point or comma, no thousands separators or exponents",
        ),
        Notation::Vietnamese | Notation::Text => (
            crate::text::parse_decimal_vi(s),
            "dấu phẩy là dấu thập phân, dấu chấm hoặc khoảng trắng ngăn cách hàng nghìn, ví dụ 1.234,5",
            "figures are written the Vietnamese way: a comma for decimals, dots or spaces between thousands, e.g. 1.234,5",
        ),
    };
    parsed.map(Some).ok_or_else(|| {
        err(
            field,
            format!("\"{s}\" không phải là số ({rule})"),
            format!("\"{s}\" is not a number ({rule_en})"),
        )
    })
}

/// The one way in for a value, whatever carried it (CSV, form, API): codes looked up,
/// period parsed, figures parsed exactly and bounded, the unit's right to report the
/// indicator, the comment cleaned. Who may write it is the caller's question.
pub fn parse_value(lookup: &impl Lookup, t: &ValueText<'_>) -> Result<CheckedValue, ValueError> {
    let ind = lookup.indicator(t.indicator).ok_or_else(|| {
        err(
            "indicator",
            format!(
                "không có chỉ tiêu \"{}\" trong kế hoạch",
                t.indicator.trim()
            ),
            format!("no indicator \"{}\" in the plan", t.indicator.trim()),
        )
    })?;
    let code = UnitCode::parse(t.unit).map_err(|_| {
        let shown: String = t.unit.trim().chars().take(60).collect();
        err(
            "unit",
            format!("mã đơn vị \"{shown}\" không hợp lệ"),
            format!("\"{shown}\" is not a unit code"),
        )
    })?;
    let unit = lookup.unit(&code).ok_or_else(|| {
        err(
            "unit",
            format!("không có đơn vị mã \"{}\"", t.unit.trim()),
            format!("no unit \"{}\"", t.unit.trim()),
        )
    })?;
    let period: Period = t.period.trim().parse().map_err(|_: crate::PeriodError| {
        let shown: String = t.period.trim().chars().take(40).collect();
        err(
            "period",
            format!("mã kỳ \"{shown}\" không hợp lệ (dạng đúng: 2025, 2025S1, 2025Q3, 2025M07)"),
            format!(
                "\"{}\" is not a period (2025, 2025S1, 2025Q3, 2025M07)",
                t.period.trim()
            ),
        )
    })?;
    let input = ValueInput {
        value: parse_figure("value", t.value, t.notation)?,
        numerator: parse_figure("numerator", t.numerator, t.notation)?,
        denominator: parse_figure("denominator", t.denominator, t.notation)?,
    };
    let (value, numerator, denominator) = check_value(ind, unit, &period, &input)?;
    let comment = crate::text::clean_text(
        crate::Field::Comment,
        t.comment,
        crate::text::COMMENT_MAX,
        crate::text::TextKind::Multiline,
    )
    .map_err(|r| {
        let (vi, en) = crate::text::clean_text_words(&r);
        err("comment", vi, en)
    })?;
    Ok(CheckedValue {
        indicator: ind.code.clone(),
        unit: code,
        period,
        value,
        numerator,
        denominator,
        comment,
    })
}

/// Checks that `unit` may report `ind` for `period`, and that the figures make sense.
pub fn check_value(
    ind: &Indicator,
    unit: &Unit,
    period: &Period,
    input: &ValueInput,
) -> Result<Checked, ValueError> {
    if period.kind() != ind.frequency {
        return Err(err(
            "period",
            format!(
                "chỉ tiêu {} báo cáo {}, kỳ \"{}\" không đúng tần suất",
                ind.code,
                ind.frequency.label_vi(),
                period
            ),
            format!(
                "{} is reported {}; \"{}\" is not such a period",
                ind.code,
                ind.frequency.label_en(),
                period
            ),
        ));
    }
    if !ind.reported_by_kind(unit.kind) {
        return Err(err(
            "unit",
            format!(
                "đơn vị {} ({}) không báo cáo chỉ tiêu {}",
                unit.code,
                unit.kind.label_vi(),
                ind.code
            ),
            format!(
                "unit {} ({}) does not report {}",
                unit.code,
                unit.kind.label_en(),
                ind.code
            ),
        ));
    }
    if !unit.overlaps(period.start(), period.end()) {
        return Err(err(
            "unit",
            format!(
                "đơn vị {} không tồn tại trong kỳ {} (hiệu lực từ {}{})",
                unit.code,
                period,
                unit.valid_from.format("%d/%m/%Y"),
                unit.valid_to
                    .map(|d| format!(" đến {}", d.format("%d/%m/%Y")))
                    .unwrap_or_default()
            ),
            format!(
                "unit {} did not exist in {} (valid from {}{})",
                unit.code,
                period,
                unit.valid_from,
                unit.valid_to
                    .map(|d| format!(" to {d}"))
                    .unwrap_or_default()
            ),
        ));
    }
    figures::check_figures(ind, input)
}

mod figures;
pub use figures::{
    Checked, MAX_DECIMALS, MAX_MAGNITUDE, bounded, check_bounds, check_ratio_parts, check_stored,
    check_value_limits,
};

#[cfg(test)]
mod tests;
