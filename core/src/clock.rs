//! Time as the database stores it: whole seconds since the Unix epoch, the same
//! integer on SQLite and PostgreSQL, so expiry checks are plain comparisons.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch.
pub type UnixTime = i64;

/// The current time in seconds since the Unix epoch.
pub fn now() -> UnixTime {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs() as UnixTime)
}

/// A duration as whole seconds, saturating instead of wrapping.
pub fn seconds(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}
