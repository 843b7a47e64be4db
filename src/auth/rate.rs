//! The per-user request rate: one runaway client (a script in a loop, a phone replaying its
//! outbox without end) must not flood the access log with reads or take the server from
//! everyone else. Each signed-in user has a bucket of [`UserRate::per_minute`] requests that
//! refills at that many a minute, so a whole minute's worth may come at once (a phone sending
//! its outbox) but no more on average; a request finding the bucket empty is answered 429
//! `rate_limited` with `Retry-After`, before it reads or records anything.
//!
//! Keyed by user, not address: many volunteers may share one address, and one user is one
//! person. In memory only (a restart refills every bucket); the buckets of users who have
//! been quiet for a while are dropped as they fill up again.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use time::OffsetDateTime;

use crate::domain::ids::UserId;

/// The default: 240 requests a minute per user, four a second on average, far beyond what a
/// person clicking through the web app or a phone's outbox sends.
pub const DEFAULT_PER_MINUTE: u32 = 240;

/// The per-user buckets.
#[derive(Debug)]
pub struct UserRate {
    per_minute: u32,
    buckets: Mutex<HashMap<UserId, Bucket>>,
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    /// Requests left, in thousandths (so refills need no floating point).
    milli_tokens: u64,
    last: OffsetDateTime,
}

impl UserRate {
    /// `per_minute` requests a minute per user (at least 1).
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute: per_minute.max(1),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn per_minute(&self) -> u32 {
        self.per_minute
    }

    /// Takes one request from `user`'s bucket, or `Err(seconds until one is back)`.
    pub fn take(&self, user: UserId, now: OffsetDateTime) -> Result<(), u64> {
        let full = u64::from(self.per_minute) * 1000;
        // Thousandths of a request refilled per millisecond is per_minute / 60.
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() > 10_000 {
            buckets.retain(|_, bucket| self.refilled(bucket, now, full) < full);
        }
        let bucket = buckets.entry(user).or_insert(Bucket {
            milli_tokens: full,
            last: now,
        });
        let tokens = self.refilled(bucket, now, full);
        bucket.last = now.max(bucket.last);
        if tokens >= 1000 {
            bucket.milli_tokens = tokens - 1000;
            return Ok(());
        }
        bucket.milli_tokens = tokens;
        // Milliseconds until 1000 thousandths are back, rounded up to whole seconds.
        let missing = 1000 - tokens;
        let per_minute = u64::from(self.per_minute);
        let millis = (missing * 60_000).div_ceil(per_minute * 1000);
        Err(millis.div_ceil(1000).max(1))
    }

    /// The bucket's thousandths of a request at `now`.
    fn refilled(&self, bucket: &Bucket, now: OffsetDateTime, full: u64) -> u64 {
        let elapsed_ms = u64::try_from((now - bucket.last).whole_milliseconds()).unwrap_or(0);
        let refill = elapsed_ms.saturating_mul(u64::from(self.per_minute)) / 60;
        bucket.milli_tokens.saturating_add(refill).min(full)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-20 10:00 UTC);

    fn user(n: u128) -> UserId {
        UserId::from_uuid(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn a_minutes_worth_passes_at_once_then_one_per_refill() {
        let rate = UserRate::new(60);
        for _ in 0..60 {
            assert_eq!(rate.take(user(1), NOW), Ok(()));
        }
        assert_eq!(rate.take(user(1), NOW), Err(1));
        assert_eq!(rate.take(user(2), NOW), Ok(()), "another user is untouched");
        let later = NOW + Duration::seconds(1);
        assert_eq!(rate.take(user(1), later), Ok(()));
        assert_eq!(rate.take(user(1), later), Err(1));
    }

    #[test]
    fn the_wait_is_until_one_request_is_back() {
        let rate = UserRate::new(6);
        for _ in 0..6 {
            rate.take(user(1), NOW).unwrap();
        }
        assert_eq!(rate.take(user(1), NOW), Err(10));
        assert_eq!(rate.take(user(1), NOW + Duration::seconds(4)), Err(6));
        assert_eq!(rate.take(user(1), NOW + Duration::seconds(10)), Ok(()));
    }
}
