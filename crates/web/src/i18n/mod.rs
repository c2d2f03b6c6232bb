//! Vietnamese by default, English on request: words, numbers (1.234,5 vs 1,234.5) and dates
//! (dd/mm/yyyy vs yyyy-mm-dd).

pub mod refusals;
pub mod ties;
mod words;
mod words_accounts;
mod words_actions;
mod words_committee;
mod words_national;
mod words_sign_in;
mod words_upstream;

use chrono::NaiveDate;
use words::WORDS;
use words_accounts::ACCOUNT_WORDS;
use words_actions::ACTION_WORDS;
use words_committee::COMMITTEE_WORDS;
use words_national::NATIONAL_WORDS;
use words_sign_in::SIGN_IN_WORDS;
use words_upstream::UPSTREAM_WORDS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    pub fn from_code(s: Option<&str>) -> Lang {
        match s {
            Some("en") => Lang::En,
            _ => Lang::Vi,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

/// Translations for one request.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn t(&self, key: &str) -> &'static str {
        WORDS
            .iter()
            .chain(ACTION_WORDS)
            .chain(COMMITTEE_WORDS)
            .chain(ACCOUNT_WORDS)
            .chain(SIGN_IN_WORDS)
            .chain(UPSTREAM_WORDS)
            .chain(NATIONAL_WORDS)
            .find(|(k, _, _)| *k == key)
            .map(|(_, vi, en)| if self.lang == Lang::En { *en } else { *vi })
            .unwrap_or("?")
    }

    pub fn is_en(&self) -> bool {
        self.lang == Lang::En
    }

    pub fn num(&self, x: f64, dp: usize) -> String {
        self.separators(chitieu_domain::text::format_f64_vi(x, dp))
    }

    /// A number written the Vietnamese way (1.234,5), in this language's separators.
    pub(crate) fn separators(&self, vi: String) -> String {
        match self.lang {
            Lang::Vi => vi,
            // Swap the two separators of the Vietnamese form.
            Lang::En => vi
                .chars()
                .map(|c| match c {
                    '.' => ',',
                    ',' => '.',
                    c => c,
                })
                .collect(),
        }
    }

    pub fn date(&self, d: &NaiveDate) -> String {
        match self.lang {
            Lang::Vi => d.format("%d/%m/%Y").to_string(),
            Lang::En => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// A moment, in Vietnam's time (UTC+7 all year).
    pub fn datetime(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        let t = chitieu_domain::clock::in_vietnam(*t);
        match self.lang {
            Lang::Vi => t.format("%H:%M %d/%m/%Y").to_string(),
            Lang::En => t.format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    /// A status as words; never a colour alone.
    /// A task status inside a sentence: "quá hạn chưa hoàn thành".
    pub fn task_status_lower(&self, s: chitieu_domain::TaskStatus) -> String {
        self.task_status(s).to_lowercase()
    }

    /// How long ago, in days: "hôm nay", "12 ngày trước".
    pub fn days_ago(&self, days: i64) -> String {
        match (days, self.is_en()) {
            (..=0, false) => "hôm nay".into(),
            (..=0, true) => "today".into(),
            (1, true) => "1 day ago".into(),
            (n, false) => format!("{n} ngày trước"),
            (n, true) => format!("{n} days ago"),
        }
    }

    /// Plan content in the reader's language: the English wording when there is one.
    pub fn pick<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        if self.is_en() && !en.trim().is_empty() {
            en
        } else {
            vi
        }
    }

    /// "Quý III/2026" or "Q3 2026": what people call a period, never its code.
    pub fn period(&self, p: &chitieu_domain::Period) -> String {
        if self.is_en() {
            p.label_en()
        } else {
            p.label_vi()
        }
    }

    pub fn status(&self, s: chitieu_domain::Status) -> &'static str {
        if self.lang == Lang::Vi {
            s.label_vi()
        } else {
            s.label_en()
        }
    }

    pub fn task_status(&self, s: chitieu_domain::TaskStatus) -> &'static str {
        if self.lang == Lang::Vi {
            s.label_vi()
        } else {
            s.label_en()
        }
    }
}

/// A domain word with its wording in both languages.
pub trait Worded: Copy {
    fn vi(self) -> &'static str;
    fn en(self) -> &'static str;
}

macro_rules! worded {
    ($($t:ty),* $(,)?) => {$(
        impl Worded for $t {
            fn vi(self) -> &'static str {
                <$t>::label_vi(self)
            }
            fn en(self) -> &'static str {
                <$t>::label_en(self)
            }
        }
    )*};
}

worded!(
    chitieu_domain::ValueState,
    chitieu_domain::evaluation::Rating,
    chitieu_domain::evaluation::PeerGroup,
    chitieu_domain::evaluation::Section,
    chitieu_domain::UnitKind,
    chitieu_domain::committee::Position,
    chitieu_domain::PeriodKind,
    chitieu_domain::Comparator,
    chitieu_domain::permission::Role,
    chitieu_domain::report::ReportAction,
    chitieu_domain::head::Office,
    chitieu_domain::task::FundingSource,
    chitieu_domain::TaskStatus,
);

impl<W: Worded> Worded for &W {
    fn vi(self) -> &'static str {
        (*self).vi()
    }
    fn en(self) -> &'static str {
        (*self).en()
    }
}

impl Tr {
    /// A domain word in the reader's language.
    pub fn label(&self, w: impl Worded) -> &'static str {
        if self.is_en() { w.en() } else { w.vi() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_follow_the_language() {
        let vi = Tr { lang: Lang::Vi };
        let en = Tr { lang: Lang::En };
        assert_eq!(vi.num(1234.5, 1), "1.234,5");
        assert_eq!(en.num(1234.5, 1), "1,234.5");
        let d = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        assert_eq!(vi.date(&d), "01/07/2025");
        assert_eq!(en.date(&d), "2025-07-01");
        assert_eq!(vi.t("overview"), "Tổng quan");
        assert_eq!(en.t("overview"), "Overview");
        for (k, _, _) in WORDS {
            assert_ne!(vi.t(k), "?");
        }
    }

    /// #32: "proposals" was a key twice, so the evaluation's "Đề nghị khen thưởng" read as a
    /// task's "Kiến nghị, đề xuất".
    #[test]
    fn every_key_is_one_word() {
        let mut seen = std::collections::HashSet::new();
        for (k, _, _) in WORDS
            .iter()
            .chain(ACTION_WORDS)
            .chain(COMMITTEE_WORDS)
            .chain(ACCOUNT_WORDS)
            .chain(SIGN_IN_WORDS)
        {
            assert!(seen.insert(*k), "{k} twice");
        }
    }
}
