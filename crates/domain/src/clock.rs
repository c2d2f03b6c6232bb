//! The one source of "now" and "today". Every rule that depends on the date (a task overdue,
//! a report late, a target due, the year a page opens on) asks a [`Clock`], and the day is
//! always the day in Vietnam, which keeps UTC+7 all year: a server whose own zone is UTC
//! must not count 00:00–07:00 in Hà Nội as the day before.
//!
//! The clock is injected: the composition root makes one (the system's, or one started at a
//! given moment for a test or a rehearsal) and hands it to the store and the service.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Vietnam's offset from UTC: seven hours, with no summer time.
pub const VIETNAM_OFFSET_SECS: i32 = 7 * 3600;

/// Vietnam's time zone.
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(VIETNAM_OFFSET_SECS).expect("UTC+7 is a valid offset")
}

/// A moment as a clock on a wall in Vietnam shows it.
pub fn in_vietnam(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&vietnam())
}

/// The day in Vietnam at a moment.
pub fn vietnam_date(at: DateTime<Utc>) -> NaiveDate {
    in_vietnam(at).date_naive()
}

/// A moment in Vietnamese notation, in Vietnam's time: "06:30 01/01/2027".
pub fn vietnam_time_vi(at: DateTime<Utc>) -> String {
    in_vietnam(at).format("%H:%M %d/%m/%Y").to_string()
}

/// A clock: the system's, shifted by a fixed amount. Cheap to clone; clones share the
/// shift, so a test that moves one moves them all.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    shift_ms: Arc<AtomicI64>,
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that reads `at` now and runs on from there at the system's pace.
    pub fn starting_at(at: DateTime<Utc>) -> Clock {
        let clock = Clock::default();
        clock.set(at);
        clock
    }

    /// Whether this clock reads other than the system's.
    pub fn is_shifted(&self) -> bool {
        self.shift_ms.load(Ordering::Relaxed) != 0
    }

    /// Sets the clock to read `at` now.
    pub fn set(&self, at: DateTime<Utc>) {
        // Rounded up, so that a clock set to a day's first moment never reads the day before.
        let span = at - Utc::now();
        let ms = span.num_milliseconds();
        let shift = if span > Duration::milliseconds(ms) {
            ms + 1
        } else {
            ms
        };
        self.shift_ms.store(shift, Ordering::Relaxed);
    }

    /// Moves the clock forward (or back, for a negative span).
    pub fn advance(&self, by: Duration) {
        self.shift_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }

    /// The moment now.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.shift_ms.load(Ordering::Relaxed))
    }

    /// The moment now to the whole second: what the store keeps, so that a moment read
    /// back compares equal to the one written on both databases.
    pub fn now_seconds(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.now().timestamp(), 0).unwrap_or_default()
    }

    /// Today, in Vietnam.
    pub fn today(&self) -> NaiveDate {
        vietnam_date(self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("an RFC 3339 moment")
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    #[test]
    fn the_day_is_vietnams_whatever_the_moment_in_utc() {
        for (moment, vietnam_day) in [
            ("2026-12-31T16:59:59Z", "2026-12-31"),
            ("2026-12-31T17:00:00Z", "2027-01-01"),
            ("2026-12-31T23:30:00Z", "2027-01-01"),
            ("2027-01-01T00:00:00Z", "2027-01-01"),
            ("2027-01-01T16:59:59Z", "2027-01-01"),
            ("2026-06-30T18:00:00Z", "2026-07-01"),
            ("2028-02-28T17:00:00Z", "2028-02-29"),
        ] {
            assert_eq!(vietnam_date(at(moment)), day(vietnam_day), "{moment}");
            assert_eq!(
                Clock::starting_at(at(moment)).today(),
                day(vietnam_day),
                "{moment}"
            );
        }
    }

    #[test]
    fn a_moment_is_written_in_vietnams_time() {
        assert_eq!(
            vietnam_time_vi(at("2026-12-31T23:30:00Z")),
            "06:30 01/01/2027"
        );
        assert_eq!(
            vietnam_time_vi(at("2026-03-01T02:05:00Z")),
            "09:05 01/03/2026"
        );
    }

    #[test]
    fn a_started_clock_runs_and_clones_share_its_moves() {
        let c = Clock::starting_at(at("2026-12-31T23:30:00Z"));
        let twin = c.clone();
        assert!(c.is_shifted());
        assert!((c.now() - at("2026-12-31T23:30:00Z")).num_seconds().abs() < 5);
        twin.advance(Duration::days(1));
        assert_eq!(c.today(), day("2027-01-02"));
        assert!(!Clock::system().is_shifted());
    }
}
