//! Login throttling: failed logins are counted per account and per client address; after
//! too many within a window, further attempts are refused until the window has passed.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use time::{Duration, OffsetDateTime};

/// Failures allowed per key within the window.
pub const MAX_FAILURES: u32 = 5;
/// The window, and how long a key stays locked after the last failure.
pub const WINDOW: Duration = Duration::minutes(15);

#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, OffsetDateTime)>>,
}

impl Throttle {
    /// `Err(seconds to wait)` when any of `keys` is locked.
    pub fn check(&self, keys: &[String], now: OffsetDateTime) -> Result<(), u64> {
        let failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let wait = keys
            .iter()
            .filter_map(|key| failures.get(key))
            .filter(|(count, last)| *count >= MAX_FAILURES && now - *last < WINDOW)
            .map(|(_, last)| (WINDOW - (now - *last)).whole_seconds().max(1) as u64)
            .max();
        wait.map_or(Ok(()), Err)
    }

    pub fn failed(&self, keys: &[String], now: OffsetDateTime) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        for key in keys {
            let entry = failures.entry(key.clone()).or_insert((0, now));
            if now - entry.1 >= WINDOW {
                *entry = (0, now);
            }
            entry.0 += 1;
            entry.1 = now;
        }
    }

    pub fn succeeded(&self, keys: &[String]) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        for key in keys {
            failures.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-20 10:00 UTC);

    #[test]
    fn five_failures_lock_the_key_for_the_window() {
        let throttle = Throttle::default();
        let keys = vec!["user:lan".to_owned()];
        for _ in 0..MAX_FAILURES {
            assert_eq!(throttle.check(&keys, NOW), Ok(()));
            throttle.failed(&keys, NOW);
        }
        assert_eq!(throttle.check(&keys, NOW), Err(900));
        assert_eq!(throttle.check(&keys, NOW + Duration::minutes(14)), Err(60));
        assert_eq!(throttle.check(&keys, NOW + WINDOW), Ok(()));
    }

    #[test]
    fn a_success_clears_the_count() {
        let throttle = Throttle::default();
        let keys = vec!["ip:127.0.0.1".to_owned()];
        for _ in 0..MAX_FAILURES - 1 {
            throttle.failed(&keys, NOW);
        }
        throttle.succeeded(&keys);
        throttle.failed(&keys, NOW);
        assert_eq!(throttle.check(&keys, NOW), Ok(()));
    }
}
