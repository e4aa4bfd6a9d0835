//! Time as the database stores it: whole seconds since the Unix epoch, the same
//! integer on SQLite and PostgreSQL, so expiry checks are plain comparisons. The
//! portal reads it from one [`Clock`], which tests stop and move.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch.
pub type UnixTime = i64;

/// Where the portal reads the time: the system's, or (for tests) a time that
/// stands still until it is moved. Cheap to clone; clones share the time.
#[derive(Clone, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    /// The system's time: what a server runs on.
    pub fn system() -> Self {
        Self(None)
    }

    /// A time that stands at `at` until [`set`](Self::set) or
    /// [`advance`](Self::advance) moves it: a test's, so an expiry or the next
    /// authenticator step is a line of the test instead of a wait.
    pub fn fixed(at: UnixTime) -> Self {
        Self(Some(Arc::new(AtomicI64::new(at))))
    }

    /// The time now, in seconds since the Unix epoch.
    pub fn now(&self) -> UnixTime {
        match &self.0 {
            Some(fixed) => fixed.load(Ordering::SeqCst),
            None => system_now(),
        }
    }

    /// Moves a fixed clock to `at`.
    ///
    /// # Panics
    /// On the system's clock, which nobody moves.
    pub fn set(&self, at: UnixTime) {
        self.moving().store(at, Ordering::SeqCst);
    }

    /// Moves a fixed clock forward by `by`.
    ///
    /// # Panics
    /// On the system's clock, which nobody moves.
    pub fn advance(&self, by: Duration) {
        self.moving().fetch_add(seconds(by), Ordering::SeqCst);
    }

    fn moving(&self) -> &AtomicI64 {
        self.0.as_deref().expect("only a fixed clock can be moved")
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(_) => write!(f, "Clock::fixed({})", self.now()),
            None => f.write_str("Clock::system()"),
        }
    }
}

/// The system's time, for what is not the portal's business: a log line's stamp.
pub(crate) fn system_now() -> UnixTime {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs() as UnixTime)
}

/// A duration as whole seconds, saturating instead of wrapping.
pub fn seconds(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

/// `2026-11-22 08:30 UTC`: how emails state when something happened.
pub fn format_utc(time: UnixTime) -> String {
    let days = time.div_euclid(86_400);
    let seconds = time.rem_euclid(86_400);
    // Howard Hinnant's civil-from-days: proleptic Gregorian calendar.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", seconds / 3_600, seconds % 3_600 / 60)
}

/// From `since` to `at`, as one line of the activity shows a run of failures:
/// `2026-11-22 08:30–09:10 UTC` within a day, both in full across days, and one
/// time when they are the same minute.
pub fn format_utc_range(since: UnixTime, at: UnixTime) -> String {
    let (first, last) = (format_utc(since), format_utc(at));
    match (first.split_once(' '), last.split_once(' ')) {
        _ if first == last => last,
        (Some((day, from)), Some((same_day, to))) if day == same_day => {
            format!("{day} {}–{to}", from.trim_end_matches(" UTC"))
        }
        _ => format!("{first} – {last}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_ranges_shortest_within_a_day() {
        assert_eq!(format_utc_range(1_795_336_200, 1_795_336_230), "2026-11-22 08:30 UTC");
        assert_eq!(format_utc_range(1_795_336_200, 1_795_338_600), "2026-11-22 08:30–09:10 UTC");
        assert_eq!(format_utc_range(1_795_336_200, 1_795_422_600), "2026-11-22 08:30 UTC – 2026-11-23 08:30 UTC");
    }

    #[test]
    fn formats_utc_dates() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(format_utc(1_795_336_200), "2026-11-22 08:30 UTC");
    }

    #[test]
    fn a_fixed_clock_stands_still_until_moved_and_its_clones_move_with_it() {
        let clock = Clock::fixed(1_000);
        let clone = clock.clone();
        assert_eq!(clock.now(), 1_000);
        clock.advance(Duration::from_secs(30));
        assert_eq!(clone.now(), 1_030);
        clone.set(5);
        assert_eq!(clock.now(), 5);
        assert!(Clock::system().now() > 1_795_336_200);
    }
}
