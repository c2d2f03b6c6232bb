//! Helpers for user-facing decimal text.

use rust_decimal::Decimal;
use std::str::FromStr;

/// Parses a decimal as people type it: `60`, `0.3`, `1234.5`, also `60,5` (Vietnamese
/// decimal comma) when there is no dot. Never goes through binary floating point.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let owned;
    let t = if t.contains(',') && !t.contains('.') {
        owned = t.replace(',', ".");
        owned.as_str()
    } else {
        t
    };
    // Scientific notation and thousands separators are refused on purpose: ambiguous input
    // in official figures is worse than an error.
    if !t
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
    {
        return None;
    }
    Decimal::from_str(t).ok()
}

/// Text from outside is normalised to NFC so that "ế" typed two ways compares equal.
pub fn nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.trim().nfc().collect()
}

/// Canonical text for storage and export: no trailing zeros, no exponent.
pub fn format_decimal(d: &Decimal) -> String {
    d.normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exact_decimals() {
        assert_eq!(parse_decimal("0.3").unwrap().to_string(), "0.3");
        assert_eq!(parse_decimal(" 60,5 ").unwrap().to_string(), "60.5");
        assert_eq!(parse_decimal("-2").unwrap().to_string(), "-2");
        assert!(parse_decimal("abc").is_none());
        assert!(parse_decimal("1e3").is_none());
        assert!(parse_decimal("").is_none());
        assert!(parse_decimal("1.234,5").is_none());
    }

    #[test]
    fn formats_without_trailing_zeros() {
        assert_eq!(format_decimal(&parse_decimal("60.500").unwrap()), "60.5");
        assert_eq!(format_decimal(&parse_decimal("100").unwrap()), "100");
    }
}

/// An integer as Vietnamese readers write it: 1.234.567.
pub fn format_int_vi(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod vi_tests {
    #[test]
    fn groups_thousands_with_dots() {
        assert_eq!(super::format_int_vi(1_000_000), "1.000.000");
        assert_eq!(super::format_int_vi(999), "999");
        assert_eq!(super::format_int_vi(1234), "1.234");
    }
}

/// A number as Vietnamese readers write it: 1.234,56 (at most `dp` decimals, no trailing zeros).
pub fn format_f64_vi(x: f64, dp: usize) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let s = format!("{:.*}", dp, x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let frac = frac.trim_end_matches('0');
    let mut out = String::new();
    if x < 0.0 && s.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('-');
    }
    out.push_str(&format_int_vi(int.parse().unwrap_or(0)));
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

#[cfg(test)]
mod vi_float_tests {
    #[test]
    fn writes_decimal_commas() {
        assert_eq!(super::format_f64_vi(1234.5, 2), "1.234,5");
        assert_eq!(super::format_f64_vi(60.0, 2), "60");
        assert_eq!(super::format_f64_vi(-0.26, 1), "-0,3");
        assert_eq!(super::format_f64_vi(0.004, 2), "0");
    }
}
