//! The one place that reads the wall clock, and Vietnam's time zone. Everything else takes
//! `now` or `today` as a parameter, so the domain is deterministic and tests control time
//! (see `clippy.toml`): handlers, jobs and the server hold a [`Clock`], which tests replace
//! with a fixed or steerable one.

use time::{Date, OffsetDateTime, UtcOffset};

/// The current instant, in UTC.
#[allow(clippy::disallowed_methods)]
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// Vietnam's time zone: UTC+7, no daylight saving.
pub const VIETNAM: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};

/// The date in Vietnam at `at`: the day a volunteer would write in her notebook.
pub fn vietnam_date(at: OffsetDateTime) -> Date {
    at.to_offset(VIETNAM).date()
}

/// What time it is: the system clock in service, a fixed or steerable one in tests.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> OffsetDateTime;
    /// Today's date in Vietnam (UTC+7).
    fn today(&self) -> time::Date {
        vietnam_date(self.now())
    }
}

/// The wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        now()
    }
}
