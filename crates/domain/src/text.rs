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

/// How a figure written the Vietnamese way reads: one way, or two when a single dot before
/// exactly three digits may group thousands (`1.500` = 1500) or mark decimals (1,5, as an
/// English-locale spreadsheet writes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViReading {
    One(Decimal),
    Either {
        thousands: Decimal,
        decimal: Decimal,
    },
}

/// Parses a figure as a Vietnamese official types it in a form: the comma is the decimal
/// mark, dots or spaces group thousands (`1.234,5`, `1 035`). Without a comma, a dot before
/// groups of exactly three digits groups thousands (`1.035` is 1035, `1.234.567` is
/// 1234567); any other single dot is a decimal mark (`50.1`, `0.35`), since it cannot group
/// thousands, and so is a dot after a leading `0`: no number's thousands start with 0, so
/// `0.035` is 0,035, never 35. Exact: never through binary floating point.
pub fn parse_decimal_vi(s: &str) -> Option<Decimal> {
    match read_decimal_vi(s)? {
        ViReading::One(d) => Some(d),
        ViReading::Either { thousands, .. } => Some(thousands),
    }
}

/// [`parse_decimal_vi`], saying when a figure reads two ways (`1.500`: 1500 or 1,5): text
/// typed into a spreadsheet cell is refused then, naming both.
pub fn read_decimal_vi(s: &str) -> Option<ViReading> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if t.is_empty() || s.trim().contains("  ") {
        return None;
    }
    let (sign, body) = match t.strip_prefix('-') {
        Some(b) => ("-", b),
        None => ("", t.strip_prefix('+').unwrap_or(&t)),
    };
    let grouped = |int: &str| -> Option<String> {
        let groups: Vec<&str> = int.split('.').collect();
        let first = groups.first()?;
        let ok = !first.is_empty()
            && first.len() <= 3
            && !first.starts_with('0')
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
        ok.then(|| groups.concat())
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    let num = |text: String| Decimal::from_str(&format!("{sign}{text}")).ok();
    let canonical = match body.split_once(',') {
        Some((int, frac)) => {
            let int = if int.contains('.') {
                grouped(int)?
            } else {
                int.to_string()
            };
            if !digits(&int) || !digits(frac) {
                return None;
            }
            format!("{int}.{frac}")
        }
        None if body.contains('.') => match grouped(body) {
            Some(int) if body.split('.').count() > 1 => {
                let thousands = num(int)?;
                // One dot: the decimal reading is as plausible.
                if body.matches('.').count() == 1 {
                    let decimal = num(body.to_string())?;
                    return Some(ViReading::Either { thousands, decimal });
                }
                return Some(ViReading::One(thousands));
            }
            _ => {
                let (int, frac) = body.split_once('.')?;
                if !digits(int) || !digits(frac) {
                    return None;
                }
                format!("{int}.{frac}")
            }
        },
        None => {
            if !digits(body) {
                return None;
            }
            body.to_string()
        }
    };
    num(canonical).map(ViReading::One)
}

/// A decimal as the entry form shows it, and [`parse_decimal_vi`] reads back: `1.234,5`.
pub fn format_decimal_vi(d: &Decimal) -> String {
    let n = d.normalize();
    let text = n.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let sign = if n.is_sign_negative() && !n.is_zero() {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

/// A date as people write it: "05/12/2026".
pub fn date_vi(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A date as forms and the API send it, `YYYY-MM-DD`, or typed `DD/MM/YYYY`; empty is none.
pub fn parse_date(s: &str) -> Result<Option<chrono::NaiveDate>, crate::Refusal> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    // As typed in Vietnam (31/12/2025) or as a browser's date field sends it (2025-12-31).
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map(Some)
        .map_err(|_| crate::Refusal::malformed(crate::Field::Date, s))
}

/// The first letter in lower case, the rest as written: "Quý IV/2025" → "quý IV/2025",
/// "Phường Phan Đình Phùng" → "phường Phan Đình Phùng".
pub fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A decimal as a float, for display and growth maths (comparisons stay on exact decimals);
/// NaN where it has none.
pub fn decimal_f64(d: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    d.to_f64().unwrap_or(f64::NAN)
}

/// The first letter in capitals, the rest as written: "trên" → "Trên".
pub fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Text from outside is normalised to NFC so that "ế" typed two ways compares equal.
pub fn nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.trim().nfc().collect()
}

/// Text for a search that ignores case and Vietnamese marks: "Phường Tích Lương" and
/// "tich luong" both become "phuong tich luong"; spaces are collapsed.
pub fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let bare: String = s
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    bare.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Longest name of a unit, a person, an account's display name or a title.
pub const NAME_MAX: usize = 300;
/// Longest comment, note, definition or target wording.
pub const COMMENT_MAX: usize = 4000;
/// Longest login or token name.
pub const LOGIN_MAX: usize = 64;

/// What a text field may hold besides printable characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// One line: no control characters at all.
    Line,
    /// Several lines (comments, notes): tab and line breaks allowed.
    Multiline,
}

/// Checks and normalises text from outside before it is stored: NFC, trimmed, at most `max`
/// characters, and no control characters (NUL breaks PostgreSQL and hides text in SQLite)
/// nor bidirectional overrides (which make a name read differently from what it is), except
/// tab and line breaks in multi-line fields. Checked here, before any database sees it, so
/// both backends refuse the same input with the same message.
pub fn clean_text(
    field: crate::Field,
    s: &str,
    max: usize,
    kind: TextKind,
) -> Result<String, crate::Refusal> {
    // Refuse absurd input before normalising it (NFC allocates in proportion).
    if s.len() > max.saturating_mul(4).saturating_add(64) {
        return Err(crate::Refusal::TooLong { field, max });
    }
    let t = nfc(&s.replace("\r\n", "\n"));
    if let Some((pos, c)) = t.chars().enumerate().find(|(_, c)| {
        let allowed = kind == TextKind::Multiline && matches!(c, '\t' | '\n');
        (c.is_control() && !allowed) || is_bidi_control(*c)
    }) {
        return Err(crate::Refusal::ControlCharacter {
            field,
            code_point: c as u32,
            at: pos + 1,
        });
    }
    if t.chars().count() > max {
        return Err(crate::Refusal::TooLong { field, max });
    }
    Ok(t)
}

/// A refusal of [`clean_text`] in words (Vietnamese, English), for the item errors that are
/// still strings (a value's comment, an imported unit's name) until they carry refusals.
pub fn clean_text_words(r: &crate::Refusal) -> (String, String) {
    match r {
        crate::Refusal::ControlCharacter { code_point, at, .. } => (
            format!("có ký tự điều khiển U+{code_point:04X} ở vị trí {at} (không được phép)"),
            format!("control character U+{code_point:04X} at position {at} (not allowed)"),
        ),
        crate::Refusal::TooLong { max, .. } => (
            format!("dài quá: tối đa {max} ký tự"),
            format!("too long: at most {max} characters"),
        ),
        other => (other.code().to_string(), other.code().to_string()),
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Canonical text for storage and export: no trailing zeros, no exponent.
pub fn format_decimal(d: &Decimal) -> String {
    d.normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Field, Refusal};

    /// A report's title lowered whole read "quý iv/2025" and "nghị quyết 57-nq/tw".
    #[test]
    fn only_the_first_letter_is_lowered() {
        assert_eq!(lower_first("Quý IV/2025"), "quý IV/2025");
        assert_eq!(lower_first("Ấp Bắc"), "ấp Bắc");
        assert_eq!(lower_first(""), "");
    }

    /// #32: a date typed as in Vietnam is read day first, as a date field's is year first.
    #[test]
    fn dates_read_day_first_when_typed() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 1, 15);
        assert_eq!(parse_date("15/01/2026").unwrap(), d);
        assert_eq!(parse_date(" 2026-01-15 ").unwrap(), d);
        assert_eq!(parse_date("").unwrap(), None);
        assert!(parse_date("01/15/2026").is_err());
    }

    /// #11: a thousands separator was read as a decimal point ("1.035" stored as 1,035).
    #[test]
    fn vietnamese_figures_group_thousands_with_dots_and_mark_decimals_with_commas() {
        let vi = |s: &str| parse_decimal_vi(s).map(|d| d.to_string());
        assert_eq!(vi("1.035").as_deref(), Some("1035"));
        assert_eq!(vi("1.234,5").as_deref(), Some("1234.5"));
        assert_eq!(vi("1,035").as_deref(), Some("1.035"));
        assert_eq!(vi("1 035").as_deref(), Some("1035"));
        assert_eq!(vi("1.234.567").as_deref(), Some("1234567"));
        assert_eq!(vi("50.1").as_deref(), Some("50.1"));
        assert_eq!(vi("0.35").as_deref(), Some("0.35"));
        assert_eq!(vi("-12,5").as_deref(), Some("-12.5"));
        assert_eq!(vi("60").as_deref(), Some("60"));
        for bad in [
            "1.23.4", "1,2,3", "1e3", "abc", "", "12.34,5", ",5", "1.", "1  035",
        ] {
            assert_eq!(vi(bad), None, "{bad}");
        }
        // What the form shows, it reads back.
        for s in ["1035", "1234.5", "1.035", "-0.25", "1234567.891", "0"] {
            let d = Decimal::from_str(s).unwrap();
            assert_eq!(parse_decimal_vi(&format_decimal_vi(&d)), Some(d), "{s}");
        }
        assert_eq!(
            format_decimal_vi(&Decimal::from_str("1234.50").unwrap()),
            "1.234,5"
        );
    }

    /// [D] 6: "0.035" typed as text was stored as 35.
    #[test]
    fn no_thousands_start_with_zero_and_a_lone_dot_before_three_digits_reads_two_ways() {
        let vi = |s: &str| parse_decimal_vi(s).map(|d| d.to_string());
        assert_eq!(vi("0.035").as_deref(), Some("0.035"));
        assert_eq!(vi("-0.035").as_deref(), Some("-0.035"));
        assert_eq!(vi("0.500").as_deref(), Some("0.500"));
        assert_eq!(
            read_decimal_vi("0.035"),
            Some(ViReading::One(Decimal::from_str("0.035").unwrap()))
        );
        assert_eq!(
            read_decimal_vi("1.500"),
            Some(ViReading::Either {
                thousands: Decimal::from(1500),
                decimal: Decimal::from_str("1.5").unwrap()
            })
        );
        for one in ["1.234.567", "1.234,5", "1500", "1,5", "50.1", "0.35"] {
            assert!(
                matches!(read_decimal_vi(one), Some(ViReading::One(_))),
                "{one}"
            );
        }
    }

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
    fn text_is_checked_before_storage() {
        assert_eq!(
            clean_text(Field::Comment, " Tốt\r\ndòng 2\t", 10, TextKind::Multiline).unwrap(),
            "Tốt\ndòng 2"
        );
        let nul = clean_text(Field::Comment, "a\0b", 100, TextKind::Multiline).unwrap_err();
        assert_eq!(
            nul,
            Refusal::ControlCharacter {
                field: Field::Comment,
                code_point: 0,
                at: 2
            }
        );
        assert!(clean_text(Field::Name, "a\nb", 100, TextKind::Line).is_err());
        assert!(clean_text(Field::Name, "abc\u{202E}fdp.exe", 100, TextKind::Line).is_err());
        // Length counts characters, not bytes: 300 Vietnamese letters are fine.
        assert!(clean_text(Field::Name, &"ệ".repeat(300), NAME_MAX, TextKind::Line).is_ok());
        let long = clean_text(Field::Name, &"a".repeat(301), NAME_MAX, TextKind::Line).unwrap_err();
        assert_eq!(
            long,
            Refusal::TooLong {
                field: Field::Name,
                max: 300
            }
        );
        assert!(
            clean_text(
                Field::Name,
                &"a".repeat(5_000_000),
                NAME_MAX,
                TextKind::Line
            )
            .is_err()
        );
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

#[cfg(test)]
mod fold_tests {
    #[test]
    fn a_search_ignores_marks_case_and_spacing() {
        assert_eq!(super::fold("Phường Tích  Lương"), "phuong tich luong");
        assert_eq!(
            super::fold("Sở Khoa học và Công nghệ"),
            "so khoa hoc va cong nghe"
        );
        assert_eq!(super::fold("ĐẠI TỪ"), "dai tu");
        assert!(super::fold("Phường Tích Lương").contains(&super::fold("tich luong")));
    }
}

/// A figure held as `f64` (for growth maths) written as a decimal string for JSON: the
/// shortest text that reads back as the same double, which for a stored figure of up to 15
/// significant digits is the figure as it was entered ("87.7", never 87.70000000000000284).
pub fn figure_text(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let text = format!("{x}");
    match Decimal::from_str(&text) {
        Ok(d) => d.normalize().to_string(),
        Err(_) => text,
    }
}

/// A derived measure (a score, a percentage, a projection) as a decimal string rounded to
/// four places: "146.1667", not 146.16666666666666.
pub fn measure_text(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    match Decimal::from_str(&format!("{x}")) {
        Ok(d) => d.round_dp(4).normalize().to_string(),
        Err(_) => format!("{x:.4}"),
    }
}

/// Serde helpers so that every figure in JSON (the API, the command line's `--json`) is a
/// decimal string, as the README promises, never a JSON number through binary floating
/// point: `#[serde(serialize_with = "figure_json::exact")]` and its kin.
pub mod figure_json {
    use serde::Serializer;

    pub fn exact<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::figure_text(*x))
    }

    pub fn exact_opt<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match x.filter(|v| v.is_finite()) {
            Some(v) => s.serialize_str(&super::figure_text(v)),
            None => s.serialize_none(),
        }
    }

    pub fn measure<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::measure_text(*x))
    }

    pub fn measure_opt<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match x.filter(|v| v.is_finite()) {
            Some(v) => s.serialize_str(&super::measure_text(v)),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod figure_json_tests {
    use super::*;

    #[test]
    fn figures_in_json_are_decimal_strings() {
        assert_eq!(figure_text(87.7), "87.7");
        assert_eq!(figure_text(0.035), "0.035");
        assert_eq!(figure_text(1500.0), "1500");
        assert_eq!(measure_text(146.16666666666666), "146.1667");
        assert_eq!(measure_text(100.0), "100");
    }
}
