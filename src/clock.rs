//! The one place that reads the wall clock. Everything else takes `now` or `today` as a
//! parameter, so the domain is deterministic and tests control time (see `clippy.toml`).

use time::{Date, OffsetDateTime};

/// The current instant, in UTC.
#[allow(clippy::disallowed_methods)]
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// Today's date in Vietnam (UTC+7, no daylight saving): the day a volunteer would write
/// in her notebook.
pub fn today_in_vietnam() -> Date {
    let offset = time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC);
    now().to_offset(offset).date()
}
