//! The one place that reads the wall clock, and Vietnam's time zone. Everything else takes
//! `now` or `today` as a parameter, so the domain is deterministic and tests control time
//! (see `clippy.toml`).

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
