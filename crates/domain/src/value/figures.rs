//! The figures' own rules, whatever carried them and whoever enters them: bounds, a ratio's
//! parts, a value's limits. The entry paths and the load of stored values share them.

use rust_decimal::Decimal;

use super::{ValueError, ValueInput, err};
use crate::indicator::Indicator;
use crate::text::format_decimal;

/// The value a valid input stands for: (value, numerator, denominator).
pub type Checked = (Decimal, Option<Decimal>, Option<Decimal>);

/// The largest magnitude of a figure anyone may enter: 10^15. The plan's figures are
/// percentages, counts and amounts; a province's GRDP in đồng is about 10^14. With this
/// bound a sum over every unit and month of a decade stays far below what a `Decimal`
/// holds (about 7.9 × 10^28), so no stored data can overflow a rollup.
pub const MAX_MAGNITUDE: Decimal = Decimal::from_parts(0xA4C6_8000, 0x38D7E, 0, false, 0);
/// The most decimal places a figure may have.
pub const MAX_DECIMALS: u32 = 6;

/// One figure within [`MAX_MAGNITUDE`] and [`MAX_DECIMALS`], normalised: the one home of
/// the figures' bounds.
pub fn bounded(field: crate::Field, d: Decimal) -> Result<Decimal, crate::Refusal> {
    let n = d.normalize();
    if n.abs() > MAX_MAGNITUDE {
        return Err(crate::Refusal::OutOfRange {
            field,
            value: format_decimal(&n),
            min: format_decimal(&-MAX_MAGNITUDE),
            max: format_decimal(&MAX_MAGNITUDE),
        });
    }
    if n.scale() > MAX_DECIMALS {
        return Err(crate::Refusal::TooPrecise {
            field,
            value: format_decimal(&n),
            max: MAX_DECIMALS,
        });
    }
    Ok(n)
}

/// [`bounded`], for the entry paths' item errors (worded here in both languages until they
/// carry refusals too).
pub fn check_bounds(field: &'static str, d: Decimal) -> Result<Decimal, ValueError> {
    let n = d.normalize();
    if n.abs() > MAX_MAGNITUDE {
        return Err(err(
            field,
            format!(
                "số {} quá lớn: giá trị tuyệt đối tối đa là 10^15 (1.000.000.000.000.000)",
                format_decimal(&n)
            ),
            format!(
                "{} is too large: at most 10^15 in absolute value",
                format_decimal(&n)
            ),
        ));
    }
    if n.scale() > MAX_DECIMALS {
        return Err(err(
            field,
            format!(
                "số {} có {} chữ số thập phân, tối đa {MAX_DECIMALS}",
                format_decimal(&n),
                n.scale()
            ),
            format!(
                "{} has {} decimal places, at most {MAX_DECIMALS}",
                format_decimal(&n),
                n.scale()
            ),
        ));
    }
    Ok(n)
}

/// Whether figures read back from storage are ones the engine can use: within the bounds
/// (a database edited by hand, or written by an older version, may hold anything) and, for
/// a ratio, a positive denominator. The reason when not.
pub fn check_stored(
    value: Decimal,
    numerator: Option<Decimal>,
    denominator: Option<Decimal>,
) -> Result<(), String> {
    for (field, d) in [
        ("value", Some(value)),
        ("numerator", numerator),
        ("denominator", denominator),
    ] {
        if let Some(d) = d
            && d.abs() > MAX_MAGNITUDE
        {
            return Err(format!(
                "{field} {} vượt giới hạn 10^15",
                format_decimal(&d)
            ));
        }
    }
    if let Some(den) = denominator
        && den <= Decimal::ZERO
    {
        return Err(format!("mẫu số {} không dương", format_decimal(&den)));
    }
    Ok(())
}

/// A ratio's parts: the numerator not negative, the denominator positive, a share's
/// numerator not above its denominator. Comparisons only: the load of ten million stored
/// values checks them too.
pub fn check_ratio_parts(ind: &Indicator, num: Decimal, den: Decimal) -> Result<(), ValueError> {
    if num.is_sign_negative() && !num.is_zero() {
        return Err(err(
            "numerator",
            "tử số không được âm",
            "the numerator cannot be negative",
        ));
    }
    if den <= Decimal::ZERO {
        return Err(err(
            "denominator",
            "mẫu số phải lớn hơn 0",
            "the denominator must be greater than 0",
        ));
    }
    if ind.is_share() && num > den {
        return Err(err(
            "numerator",
            format!(
                "tử số {} lớn hơn mẫu số {}: tỷ lệ phần trăm không thể vượt 100%",
                format_decimal(&num),
                format_decimal(&den)
            ),
            format!(
                "numerator {} is larger than denominator {}: a percentage cannot pass 100%",
                format_decimal(&num),
                format_decimal(&den)
            ),
        ));
    }
    Ok(())
}

/// A value: not negative, not above the indicator's natural limit.
pub fn check_value_limits(ind: &Indicator, value: Decimal) -> Result<(), ValueError> {
    if value.is_sign_negative() && !value.is_zero() {
        return Err(err(
            "value",
            format!("giá trị {} âm", format_decimal(&value)),
            format!("value {} is negative", format_decimal(&value)),
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
            format!(
                "value {} is above {}, the natural limit of {}",
                format_decimal(&value),
                format_decimal(&limit),
                ind.code
            ),
        ));
    }
    Ok(())
}

/// The figures' own rules, whatever the unit and period: a ratio's parts present, the
/// numerator not negative, the denominator positive, a share's numerator not above its
/// denominator, a value matching its parts, not negative, not above the indicator's natural
/// limit. Every entry checks them; the load of stored values checks the same parts and
/// limits ([`check_ratio_parts`], [`check_value_limits`]) and leaves out what fails.
pub(super) fn check_figures(ind: &Indicator, input: &ValueInput) -> Result<Checked, ValueError> {
    let (value, num, den) = if ind.is_ratio() {
        let num = input.numerator.ok_or_else(|| {
            err(
                "numerator",
                format!("chỉ tiêu {} là tỷ lệ: cần tử số", ind.code),
                format!("{} is a ratio: the numerator is needed", ind.code),
            )
        })?;
        let den = input.denominator.ok_or_else(|| {
            err(
                "denominator",
                format!("chỉ tiêu {} là tỷ lệ: cần mẫu số", ind.code),
                format!("{} is a ratio: the denominator is needed", ind.code),
            )
        })?;
        let num = check_bounds("numerator", num)?;
        let den = check_bounds("denominator", den)?;
        check_ratio_parts(ind, num, den)?;
        // Within the bounds these cannot overflow; checked all the same, so that no input
        // can make this panic.
        let computed = num
            .checked_div(den)
            .and_then(|q| q.checked_mul(ind.ratio_factor()))
            .filter(|c| c.abs() <= MAX_MAGNITUDE)
            .ok_or_else(|| {
                err(
                    "denominator",
                    "tỷ lệ tính từ tử số và mẫu số quá lớn: kiểm tra lại mẫu số",
                    "the share from numerator and denominator is too large: check the denominator",
                )
            })?;
        if let Some(v) = input.value {
            let v = check_bounds("value", v)?;
            // A value sent with its parts must agree with them, to within rounding to 2 places.
            if (v - computed).abs() > Decimal::new(5, 3) {
                return Err(err(
                    "value",
                    format!(
                        "giá trị {} không khớp tử số/mẫu số ({})",
                        format_decimal(&v),
                        format_decimal(&computed.round_dp(4))
                    ),
                    format!(
                        "value {} does not match numerator/denominator ({})",
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
                format!(
                    "{} is not a ratio: leave numerator and denominator empty",
                    ind.code
                ),
            ));
        }
        let v = input
            .value
            .ok_or_else(|| err("value", "thiếu giá trị", "the value is missing"))?;
        (check_bounds("value", v)?, None, None)
    };
    check_value_limits(ind, value)?;
    Ok((value, num, den))
}
