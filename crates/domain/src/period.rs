//! Reporting periods: `2025`, `2025S1`, `2025Q3`, `2025M07`.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How often an indicator is reported; also the kind of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    Month,
    Quarter,
    Semester,
    Year,
}

impl PeriodKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Semester => "semester",
            PeriodKind::Year => "year",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            PeriodKind::Month => "hằng tháng",
            PeriodKind::Quarter => "hằng quý",
            PeriodKind::Semester => "6 tháng",
            PeriodKind::Year => "hằng năm",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            PeriodKind::Month => "monthly",
            PeriodKind::Quarter => "quarterly",
            PeriodKind::Semester => "half-yearly",
            PeriodKind::Year => "yearly",
        }
    }

    pub fn months(self) -> u32 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::Semester => 6,
            PeriodKind::Year => 12,
        }
    }
}

impl FromStr for PeriodKind {
    type Err = crate::Refusal;
    fn from_str(s: &str) -> Result<Self, crate::Refusal> {
        match s {
            "month" => Ok(PeriodKind::Month),
            "quarter" => Ok(PeriodKind::Quarter),
            "semester" => Ok(PeriodKind::Semester),
            "year" => Ok(PeriodKind::Year),
            _ => Err(crate::Refusal::not_one_of(
                crate::Field::Frequency,
                s,
                ["month", "quarter", "semester", "year"],
            )),
        }
    }
}

/// A calendar period. Ordered by start date, then by length (shorter first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    year: i32,
    kind: PeriodKind,
    /// 1-based index within the year: month 1..=12, quarter 1..=4, semester 1..=2, year 1.
    index: u32,
}

/// A period code that is not one: the text and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError {
    pub id: String,
    pub flaw: PeriodFlaw,
}

/// What is wrong with a period code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodFlaw {
    /// Not of the forms 2025, 2025S1, 2025Q3, 2025M07.
    Form,
    /// A year outside [`PERIOD_YEARS`].
    Year,
    /// A month, quarter or semester number out of its range.
    Index(PeriodKind),
}

impl From<PeriodError> for crate::Refusal {
    fn from(e: PeriodError) -> crate::Refusal {
        crate::Refusal::BadPeriod {
            text: e.id.chars().take(40).collect(),
            flaw: e.flaw,
        }
    }
}

const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2200;

/// The years a period may fall in: the month keys of the engine cover exactly these.
pub const PERIOD_YEARS: std::ops::RangeInclusive<i32> = MIN_YEAR..=MAX_YEAR;

impl Period {
    pub fn year(y: i32) -> Period {
        Period {
            year: y,
            kind: PeriodKind::Year,
            index: 1,
        }
    }

    pub fn new(year: i32, kind: PeriodKind, index: u32) -> Result<Period, PeriodError> {
        let max = 12 / kind.months();
        let p = Period { year, kind, index };
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(PeriodError {
                id: p.to_string(),
                flaw: PeriodFlaw::Year,
            });
        }
        if index < 1 || index > max {
            return Err(PeriodError {
                id: p.to_string(),
                flaw: PeriodFlaw::Index(kind),
            });
        }
        Ok(p)
    }

    pub fn month(year: i32, m: u32) -> Result<Period, PeriodError> {
        Period::new(year, PeriodKind::Month, m)
    }

    pub fn quarter(year: i32, q: u32) -> Result<Period, PeriodError> {
        Period::new(year, PeriodKind::Quarter, q)
    }

    pub fn semester(year: i32, s: u32) -> Result<Period, PeriodError> {
        Period::new(year, PeriodKind::Semester, s)
    }

    /// Months from January 1900 to the period's first month: a compact, ordered key that,
    /// with the kind, identifies the period.
    pub fn month_key(&self) -> u16 {
        ((self.year - MIN_YEAR) * 12 + self.first_month() as i32 - 1) as u16
    }

    /// The period of `kind` that starts in the month `key` (see [`Period::month_key`]).
    pub fn from_month_key(key: u16, kind: PeriodKind) -> Period {
        let year = MIN_YEAR + i32::from(key) / 12;
        let month = u32::from(key) % 12 + 1;
        Period {
            year,
            kind,
            index: (month - 1) / kind.months() + 1,
        }
    }

    pub fn kind(&self) -> PeriodKind {
        self.kind
    }

    pub fn year_number(&self) -> i32 {
        self.year
    }

    pub fn index(&self) -> u32 {
        self.index
    }

    fn first_month(&self) -> u32 {
        (self.index - 1) * self.kind.months() + 1
    }

    fn last_month(&self) -> u32 {
        self.index * self.kind.months()
    }

    pub fn start(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.first_month(), 1).expect("valid period start")
    }

    pub fn end(&self) -> NaiveDate {
        let last = self.last_month();
        let next = if last == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, last + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).expect("valid period end")
    }

    /// Whether `other` lies within this period (a period contains itself).
    pub fn contains(&self, other: &Period) -> bool {
        self.start() <= other.start() && other.end() <= self.end()
    }

    pub fn contains_date(&self, d: NaiveDate) -> bool {
        self.start() <= d && d <= self.end()
    }

    /// The period of the given kind that contains this one, if the kind is not finer.
    pub fn enclosing(&self, kind: PeriodKind) -> Option<Period> {
        if kind < self.kind {
            return None;
        }
        let idx = (self.first_month() - 1) / kind.months() + 1;
        Some(Period {
            year: self.year,
            kind,
            index: idx,
        })
    }

    /// The period of the given kind that contains the date.
    pub fn containing(d: NaiveDate, kind: PeriodKind) -> Period {
        let idx = (d.month() - 1) / kind.months() + 1;
        Period {
            year: d.year(),
            kind,
            index: idx,
        }
    }

    pub fn next(&self) -> Period {
        if self.index == 12 / self.kind.months() {
            Period {
                year: self.year + 1,
                kind: self.kind,
                index: 1,
            }
        } else {
            Period {
                index: self.index + 1,
                ..*self
            }
        }
    }

    /// The last period of `kind` that ended before `day`: what is due when `day` falls in
    /// the next one.
    pub fn last_complete(kind: PeriodKind, day: NaiveDate) -> Period {
        let current = Period::containing(day, kind);
        Period::containing(current.start().pred_opt().unwrap_or(current.start()), kind)
    }

    /// Every period of `kind` from the one containing `from` to the one containing `to`.
    pub fn range(kind: PeriodKind, from: NaiveDate, to: NaiveDate) -> Vec<Period> {
        let mut out = Vec::new();
        if to < from {
            return out;
        }
        let mut p = Period::containing(from, kind);
        let last = Period::containing(to, kind);
        while p.start() <= last.start() {
            out.push(p);
            p = p.next();
        }
        out
    }

    /// Vietnamese label: "Tháng 07/2025", "Quý III/2025", "6 tháng đầu năm 2025", "Năm 2025".
    pub fn label_vi(&self) -> String {
        match self.kind {
            PeriodKind::Year => format!("Năm {}", self.year),
            PeriodKind::Semester if self.index == 1 => {
                format!("6 tháng đầu năm {}", self.year)
            }
            PeriodKind::Semester => format!("6 tháng cuối năm {}", self.year),
            PeriodKind::Quarter => {
                let roman = ["I", "II", "III", "IV"][self.index as usize - 1];
                format!("Quý {roman}/{}", self.year)
            }
            PeriodKind::Month => format!("Tháng {:02}/{}", self.index, self.year),
        }
    }

    /// A period as people write it: its code ("2026Q3"), or its words in either language
    /// ("Quý III/2026", "quý 3/2026", "Q3 2026", "Tháng 7/2026", "6 tháng đầu năm 2026"),
    /// whatever the case and spacing.
    pub fn read(text: &str) -> Result<Period, PeriodError> {
        let code = text.parse::<Period>();
        if code.is_ok() {
            return code;
        }
        let norm = |s: &str| {
            crate::text::nfc(s)
                .to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        let wanted = norm(text);
        let year = wanted
            .split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 4)
            .and_then(|y| y.parse::<i32>().ok());
        let found = year.and_then(|y| {
            let mut all = vec![Period::year(y)];
            for (kind, n) in [
                (PeriodKind::Semester, 2),
                (PeriodKind::Quarter, 4),
                (PeriodKind::Month, 12),
            ] {
                all.extend((1..=n).filter_map(|k| Period::new(y, kind, k).ok()));
            }
            all.into_iter().find(|p| {
                let mut words = vec![p.label_vi(), p.label_en()];
                match p.kind {
                    PeriodKind::Quarter => words.push(format!("quý {}/{y}", p.index)),
                    PeriodKind::Month => words.push(format!("tháng {}/{y}", p.index)),
                    _ => {}
                }
                words.iter().any(|w| norm(w) == wanted)
            })
        });
        found.ok_or_else(|| code.unwrap_err())
    }

    /// English label: "July 2025", "Q3 2025", "H1 2025", "Year 2025".
    pub fn label_en(&self) -> String {
        match self.kind {
            PeriodKind::Year => format!("Year {}", self.year),
            PeriodKind::Semester => format!("H{} {}", self.index, self.year),
            PeriodKind::Quarter => format!("Q{} {}", self.index, self.year),
            PeriodKind::Month => {
                const MONTHS: [&str; 12] = [
                    "January",
                    "February",
                    "March",
                    "April",
                    "May",
                    "June",
                    "July",
                    "August",
                    "September",
                    "October",
                    "November",
                    "December",
                ];
                format!("{} {}", MONTHS[self.index as usize - 1], self.year)
            }
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Year => write!(f, "{}", self.year),
            PeriodKind::Semester => write!(f, "{}S{}", self.year, self.index),
            PeriodKind::Quarter => write!(f, "{}Q{}", self.year, self.index),
            PeriodKind::Month => write!(f, "{}M{:02}", self.year, self.index),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Period, PeriodError> {
        let id = s.trim();
        let err = |flaw: PeriodFlaw| PeriodError {
            id: id.to_string(),
            flaw,
        };
        const FORMS: PeriodFlaw = PeriodFlaw::Form;
        if id.len() < 4 || !id.is_char_boundary(4) {
            return Err(err(FORMS));
        }
        let (y, rest) = id.split_at(4);
        if !y.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(FORMS));
        }
        let year: i32 = y.parse().map_err(|_| err(FORMS))?;
        if rest.is_empty() {
            return Period::new(year, PeriodKind::Year, 1).map_err(|e| err(e.flaw));
        }
        // By character, not by byte: the fourth byte may start a multi-byte letter.
        let mut chars = rest.chars();
        let kind = match chars.next().map(|c| c.to_ascii_uppercase()) {
            Some('S') => PeriodKind::Semester,
            Some('Q') => PeriodKind::Quarter,
            Some('M') => PeriodKind::Month,
            _ => return Err(err(FORMS)),
        };
        let num = chars.as_str();
        let digits_ok = !num.is_empty()
            && num.bytes().all(|b| b.is_ascii_digit())
            && match kind {
                PeriodKind::Month => num.len() == 2,
                _ => num.len() == 1,
            };
        if !digits_ok {
            return Err(err(FORMS));
        }
        let index: u32 = num.parse().map_err(|_| err(FORMS))?;
        Period::new(year, kind, index).map_err(|e| err(e.flaw))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Period {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.start(), self.kind).cmp(&(other.start(), other.kind))
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse()
            .map_err(|e| serde::de::Error::custom(format!("{e:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// #32: the reports filter wanted "2026Q3"; "Quý III/2026" got a bare 422.
    #[test]
    fn a_period_is_read_from_its_words_too() {
        let q3 = Period::quarter(2026, 3).unwrap();
        for text in [
            "2026Q3",
            "Quý III/2026",
            " quý  iii/2026 ",
            "quý 3/2026",
            "Q3 2026",
        ] {
            assert_eq!(Period::read(text).unwrap(), q3, "{text}");
        }
        assert_eq!(
            Period::read("Tháng 7/2026").unwrap(),
            Period::month(2026, 7).unwrap()
        );
        assert_eq!(
            Period::read("6 tháng đầu năm 2026").unwrap(),
            Period::semester(2026, 1).unwrap()
        );
        assert_eq!(Period::read("Năm 2026").unwrap(), Period::year(2026));
        assert!(Period::read("Quý V/2026").is_err());
        assert!(Period::read("hôm qua").is_err());
    }
    use proptest::prelude::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn round_trips() {
        for id in ["2025", "2025S1", "2025S2", "2025Q3", "2025M07", "2030M12"] {
            assert_eq!(p(id).to_string(), id);
        }
    }

    #[test]
    fn refuses_bad_ids_and_names_them() {
        // A multi-byte letter right after the year once split inside a character and
        // panicked (found by the fuzz target of the API's body).
        for bad in [
            "2025M13",
            "2025Q5",
            "abcd",
            "2025M7",
            "2025S3",
            "2025Q0",
            "2025X1",
            "",
            "25",
            "2025\u{feff}Q1",
            "2025ệ",
            "2025Qệ",
        ] {
            let e = bad.parse::<Period>().unwrap_err();
            assert_eq!(e.id, bad.trim());
        }
        assert_eq!(
            "2025M13".parse::<Period>().unwrap_err().flaw,
            PeriodFlaw::Index(PeriodKind::Month)
        );
        assert_eq!(
            "2025Q5".parse::<Period>().unwrap_err().flaw,
            PeriodFlaw::Index(PeriodKind::Quarter)
        );
        assert_eq!("1800".parse::<Period>().unwrap_err().flaw, PeriodFlaw::Year);
        assert_eq!(
            "2025X1".parse::<Period>().unwrap_err().flaw,
            PeriodFlaw::Form
        );
    }

    #[test]
    fn dates_and_containment() {
        assert_eq!(p("2025Q3").start().to_string(), "2025-07-01");
        assert_eq!(p("2025Q3").end().to_string(), "2025-09-30");
        assert_eq!(p("2024M02").end().to_string(), "2024-02-29");
        assert_eq!(p("2025S2").end().to_string(), "2025-12-31");
        assert!(p("2025Q3").contains(&p("2025M07")));
        assert!(p("2025S2").contains(&p("2025M07")));
        assert!(p("2025").contains(&p("2025M07")));
        assert!(!p("2025Q2").contains(&p("2025M07")));
        assert!(!p("2025M07").contains(&p("2025Q3")));
        assert_eq!(
            p("2025M07").enclosing(PeriodKind::Quarter),
            Some(p("2025Q3"))
        );
        assert_eq!(
            p("2025M07").enclosing(PeriodKind::Semester),
            Some(p("2025S2"))
        );
        assert_eq!(p("2025Q3").enclosing(PeriodKind::Month), None);
        assert_eq!(p("2025M12").next(), p("2026M01"));
        assert!(p("2025M01") < p("2025Q1"));
        assert!(p("2025Q1") < p("2025M02"));
    }

    #[test]
    fn last_complete_period() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(Period::last_complete(PeriodKind::Quarter, d), p("2026Q3"));
        assert_eq!(Period::last_complete(PeriodKind::Month, d), p("2026M10"));
        assert_eq!(Period::last_complete(PeriodKind::Year, d), p("2025"));
        let jan1 = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(
            Period::last_complete(PeriodKind::Semester, jan1),
            p("2025S2")
        );
    }

    #[test]
    fn month_keys_round_trip() {
        for id in ["1900M01", "2025Q3", "2025S2", "2030", "2200M12"] {
            let per = p(id);
            assert_eq!(Period::from_month_key(per.month_key(), per.kind()), per);
        }
        assert!(p("2025M07").month_key() > p("2025M06").month_key());
    }

    #[test]
    fn range_covers_periods() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let qs = Period::range(PeriodKind::Quarter, d("2023-01-01"), d("2023-12-31"));
        assert_eq!(qs.len(), 4);
        assert_eq!(qs[3].to_string(), "2023Q4");
    }

    proptest! {
        #[test]
        fn any_valid_period_round_trips(y in 1900i32..2200, k in 0usize..4, i in 1u32..13) {
            let kind = [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Semester, PeriodKind::Year][k];
            if let Ok(per) = Period::new(y, kind, i) {
                let back: Period = per.to_string().parse().unwrap();
                prop_assert_eq!(back, per);
                prop_assert!(per.enclosing(PeriodKind::Year).unwrap().contains(&per));
                for m in Period::range(PeriodKind::Month, per.start(), per.end()) {
                    prop_assert!(per.contains(&m));
                    prop_assert_eq!(m.enclosing(kind), Some(per));
                }
            }
        }
    }
}
