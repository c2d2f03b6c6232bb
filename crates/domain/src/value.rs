//! Data values: indicator × unit × period, with the checks every write goes through.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::indicator::Indicator;
use crate::period::Period;
use crate::text::format_decimal;
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
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "draft" => Ok(ValueState::Draft),
            "submitted" => Ok(ValueState::Submitted),
            "approved" => Ok(ValueState::Approved),
            "accepted" => Ok(ValueState::Accepted),
            "returned" => Ok(ValueState::Returned),
            _ => Err(format!("trạng thái \"{s}\" không hợp lệ")),
        }
    }
}

/// A stored value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataValue {
    pub indicator: String,
    pub unit: UnitCode,
    pub period: Period,
    pub value: Decimal,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub comment: String,
    pub state: ValueState,
    pub entered_by: String,
    pub entered_at: DateTime<Utc>,
    /// Optimistic concurrency: each change increments it.
    pub version: i64,
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
}

fn err(field: &'static str, reason: impl Into<String>) -> ValueError {
    ValueError {
        field,
        reason: reason.into(),
    }
}

/// The value a valid input stands for: (value, numerator, denominator).
pub type Checked = (Decimal, Option<Decimal>, Option<Decimal>);

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
        ));
    }
    let (value, num, den) = if ind.is_ratio() {
        let num = input.numerator.ok_or_else(|| {
            err(
                "numerator",
                format!("chỉ tiêu {} là tỷ lệ: cần tử số", ind.code),
            )
        })?;
        let den = input.denominator.ok_or_else(|| {
            err(
                "denominator",
                format!("chỉ tiêu {} là tỷ lệ: cần mẫu số", ind.code),
            )
        })?;
        if num.is_sign_negative() && !num.is_zero() {
            return Err(err("numerator", "tử số không được âm"));
        }
        if den <= Decimal::ZERO {
            return Err(err("denominator", "mẫu số phải lớn hơn 0"));
        }
        if ind.is_share() && num > den {
            return Err(err(
                "numerator",
                format!(
                    "tử số {} lớn hơn mẫu số {}: tỷ lệ phần trăm không thể vượt 100%",
                    format_decimal(&num),
                    format_decimal(&den)
                ),
            ));
        }
        let computed = num / den * ind.ratio_factor();
        if let Some(v) = input.value {
            // A value sent with its parts must agree with them, to within rounding to 2 places.
            if (v - computed).abs() > Decimal::new(5, 3) {
                return Err(err(
                    "value",
                    format!(
                        "giá trị {} không khớp tử số/mẫu số ({})",
                        format_decimal(&v),
                        format_decimal(&computed.round_dp(4))
                    ),
                ));
            }
        }
        (computed, Some(num), Some(den))
    } else {
        if input.numerator.is_some() || input.denominator.is_some() {
            let field = if input.numerator.is_some() {
                "numerator"
            } else {
                "denominator"
            };
            return Err(err(
                field,
                format!(
                    "chỉ tiêu {} không phải tỷ lệ: bỏ trống tử số và mẫu số",
                    ind.code
                ),
            ));
        }
        let v = input.value.ok_or_else(|| err("value", "thiếu giá trị"))?;
        (v, None, None)
    };
    if value.is_sign_negative() && !value.is_zero() {
        return Err(err(
            "value",
            format!("giá trị {} âm", format_decimal(&value)),
        ));
    }
    if let Some(limit) = ind.natural_limit
        && value > limit
    {
        return Err(err(
            "value",
            format!(
                "giá trị {} vượt giới hạn tự nhiên {} của chỉ tiêu {}",
                format_decimal(&value),
                format_decimal(&limit),
                ind.code
            ),
        ));
    }
    Ok((value, num, den))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::default_plan::default_plan;
    use crate::text::parse_decimal;

    fn dec(s: &str) -> Option<Decimal> {
        parse_decimal(s)
    }

    #[test]
    fn checks_ratio_and_number_values() {
        let plan = default_plan();
        let cbx = plan.indicator("NL-CBX").unwrap();
        let g5 = plan.indicator("HT-5G").unwrap();
        let commune = plan.units.iter().find(|u| u.kind.is_commune_level());
        let province = plan.province_unit();
        // The plan itself ships departments only; make a commune to test with.
        let commune = commune.cloned().unwrap_or_else(|| Unit {
            code: UnitCode::commune(5443),
            name: "Phường Phan Đình Phùng".into(),
            kind: crate::unit::UnitKind::Ward,
            division_type: None,
            parent: Some(province.code.clone()),
            valid_from: crate::unit::two_tier_start(),
            valid_to: None,
            population: None,
            officials: None,
            successors: vec![],
        });
        let q: Period = "2025Q3".parse().unwrap();
        let ok = check_value(
            cbx,
            &commune,
            &q,
            &ValueInput {
                value: None,
                numerator: dec("45"),
                denominator: dec("50"),
            },
        )
        .unwrap();
        assert_eq!(ok.0, dec("90").unwrap());
        let bad = check_value(
            cbx,
            &commune,
            &q,
            &ValueInput {
                value: None,
                numerator: dec("51"),
                denominator: dec("50"),
            },
        )
        .unwrap_err();
        assert_eq!(bad.field, "numerator");
        let wrong_unit = check_value(
            g5,
            &commune,
            &q,
            &ValueInput {
                value: dec("50"),
                ..Default::default()
            },
        );
        assert_eq!(wrong_unit.unwrap_err().field, "unit");
        let over = check_value(
            g5,
            &province,
            &q,
            &ValueInput {
                value: dec("100.5"),
                ..Default::default()
            },
        );
        assert_eq!(over.unwrap_err().field, "value");
        let wrong_freq = check_value(
            g5,
            &province,
            &"2025M07".parse().unwrap(),
            &ValueInput {
                value: dec("50"),
                ..Default::default()
            },
        );
        assert_eq!(wrong_freq.unwrap_err().field, "period");
        // Before the two-tier map, the ward did not exist.
        let early = check_value(
            cbx,
            &commune,
            &"2025Q1".parse().unwrap(),
            &ValueInput {
                value: None,
                numerator: dec("1"),
                denominator: dec("2"),
            },
        );
        assert_eq!(early.unwrap_err().field, "unit");
    }
}
