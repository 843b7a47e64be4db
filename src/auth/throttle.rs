//! Login throttling that cannot be turned against users. SECURITY-SENSITIVE.
//!
//! The old rule (five failures per account, or per address, lock it for 15 minutes) let
//! anyone lock every user out: behind a proxy every client is one address, and failures
//! counted against the account whoever sent them. Now:
//!
//! - **per (typed name, client)**: failures of one name from one client. The first
//!   [`FREE_FAILURES`] cost nothing; each further one locks that pair for a delay that
//!   doubles, from [`FIRST_DELAY`] up to [`MAX_DELAY`]. Failures from one client never stop
//!   the right password from another. A pair is forgotten [`FORGET_AFTER`] after its last
//!   failure, and at once on a success.
//! - **per client, whatever the name**: a client with more than [`FREE_UNKNOWN`] wrong
//!   answers (spraying names) gets 429 for every further *wrong* answer, whatever the name;
//!   the right password of a real account still signs in. Every wrong answer counts alike,
//!   for a name with an account or without one, so neither whether the 429 comes nor its
//!   `Retry-After` says which names exist (counting only unknown names made the wait grow
//!   for those alone: a name-existence oracle).
//! - **a global ceiling**: at most [`GLOBAL_CEILING`] sign-in attempts per minute over all
//!   clients (each costs an Argon2 hash), then 429 with `Retry-After` until the minute ends.
//!   A client's attempt counts against it only once its own limits have passed (a locked
//!   name, its [`CLIENT_SHARE`] of the minute), so one runaway client, refused, never uses
//!   up the minute for everyone else.
//!
//! A client is its IP address (as the trusted proxy reports it, see
//! `edge::client`); IPv6 clients are grouped by their /64, which one
//! household or phone usually has to itself.
//!
//! The documented rate for one name from one client: 5 guesses, then one after 1 minute,
//! 2, 4, 8, 16, 32 minutes, then one an hour: about 30 guesses in the first day.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};

use time::{Duration, OffsetDateTime};

/// Failures of one name from one client that cost no delay.
pub const FREE_FAILURES: u32 = 5;
/// The delay after the first failure beyond the free ones; it doubles with each further one.
pub const FIRST_DELAY: Duration = Duration::minutes(1);
/// The longest delay.
pub const MAX_DELAY: Duration = Duration::hours(1);
/// A record is forgotten this long after its last failure.
pub const FORGET_AFTER: Duration = Duration::hours(24);
/// Wrong answers (any names) one client may give before its further wrong answers are
/// refused.
pub const FREE_UNKNOWN: u32 = 10;
/// Sign-in attempts per minute over all clients.
pub const GLOBAL_CEILING: u32 = 300;
/// Sign-in attempts per minute one client may make: its share of [`GLOBAL_CEILING`].
pub const CLIENT_SHARE: u32 = GLOBAL_CEILING / 10;

/// Who is signing in from where, as the throttle keys it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Client(String);

impl Client {
    /// IPv4 as it is; IPv6 by its /64 (an IPv4-mapped address as the IPv4 one); unknown as
    /// one client.
    pub fn of(ip: Option<IpAddr>) -> Self {
        Client(match ip {
            Some(IpAddr::V4(v4)) => v4.to_string(),
            Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = v6.segments();
                    let [a, b, c, d, ..] = s;
                    format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
                }
            },
            None => "unknown".to_owned(),
        })
    }
}

#[derive(Clone, Copy, Debug)]
struct Record {
    failures: u32,
    last: OffsetDateTime,
}

impl Record {
    /// Until when this record refuses attempts: from the `free`-th failure on, for a delay
    /// that doubles with each further one.
    fn locked_until(&self, free: u32) -> Option<OffsetDateTime> {
        let beyond = self.failures.checked_sub(free)?;
        let delay = FIRST_DELAY
            .checked_mul(1_i32.checked_shl(beyond.min(16)).unwrap_or(i32::MAX))
            .unwrap_or(MAX_DELAY)
            .min(MAX_DELAY);
        Some(self.last + delay)
    }
}

#[derive(Debug, Default)]
struct State {
    pairs: HashMap<(String, Client), Record>,
    unknown: HashMap<Client, Record>,
    /// The current minute's start and its attempts.
    minute: Option<(OffsetDateTime, u32)>,
    /// Each client's attempts in the current minute.
    shares: HashMap<Client, u32>,
}

/// The throttle's memory (in memory only: a restart forgets it).
#[derive(Debug, Default)]
pub struct Throttle {
    state: Mutex<State>,
}

/// Seconds to wait until `until`, at least 1.
fn seconds_until(until: OffsetDateTime, now: OffsetDateTime) -> u64 {
    u64::try_from((until - now).whole_seconds())
        .unwrap_or(0)
        .max(1)
}

impl Throttle {
    /// Before any work: `Err(seconds to wait)` when this name is locked for this client, the
    /// client has used its share of the minute, or the global ceiling is reached, checked in
    /// that order so that a client refused by its own limits costs the others nothing.
    /// Otherwise the attempt is counted (globally, in the client's share, and as a failure of
    /// the pair until [`Throttle::succeeded`] clears it, so guesses sent in parallel get no
    /// more tries than guesses sent in turn).
    pub fn attempt(&self, name: &str, client: &Client, now: OffsetDateTime) -> Result<(), u64> {
        let mut state = self.lock();
        state.forget_old(now);
        let key = (name.to_owned(), client.clone());
        if let Some(until) = state
            .pairs
            .get(&key)
            .and_then(|r| r.locked_until(FREE_FAILURES))
        {
            if until > now {
                return Err(seconds_until(until, now));
            }
        }
        let minute = match state.minute {
            Some((start, count)) if now - start < Duration::MINUTE => (start, count),
            _ => {
                state.shares.clear();
                (now, 0)
            }
        };
        let minute_ends = seconds_until(minute.0 + Duration::MINUTE, now);
        let share = state.shares.get(client).copied().unwrap_or(0);
        if share >= CLIENT_SHARE || minute.1 >= GLOBAL_CEILING {
            state.minute = Some(minute);
            return Err(minute_ends);
        }
        state.minute = Some((minute.0, minute.1 + 1));
        state.shares.insert(client.clone(), share + 1);
        let record = state.pairs.entry(key).or_insert(Record {
            failures: 0,
            last: now,
        });
        record.failures += 1;
        record.last = now;
        Ok(())
    }

    /// A wrong answer, for a name with an account or without one alike (the caller must not
    /// say which: see the module documentation). `Err(seconds)` when the client has given
    /// too many: answer 429, not 401.
    pub fn failed(&self, client: &Client, now: OffsetDateTime) -> Result<(), u64> {
        let mut state = self.lock();
        let record = state.unknown.entry(client.clone()).or_insert(Record {
            failures: 0,
            last: now,
        });
        record.failures += 1;
        record.last = now;
        match record.locked_until(FREE_UNKNOWN + 1) {
            Some(until) if until > now => Err(seconds_until(until, now)),
            _ => Ok(()),
        }
    }

    /// The right password: this name's failures from this client are forgotten.
    pub fn succeeded(&self, name: &str, client: &Client) {
        self.lock().pairs.remove(&(name.to_owned(), client.clone()));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    fn forget_old(&mut self, now: OffsetDateTime) {
        self.pairs
            .retain(|_, record| now - record.last < FORGET_AFTER);
        self.unknown
            .retain(|_, record| now - record.last < FORGET_AFTER);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-20 10:00 UTC);

    fn client(raw: &str) -> Client {
        Client::of(Some(raw.parse().unwrap()))
    }

    #[test]
    fn a_brute_force_from_one_client_is_slowed_to_the_documented_rate() {
        let throttle = Throttle::default();
        let attacker = client("203.0.113.9");
        for _ in 0..FREE_FAILURES {
            assert_eq!(throttle.attempt("gs.a", &attacker, NOW), Ok(()));
        }
        let mut now = NOW;
        for delay_minutes in [1, 2, 4, 8, 16, 32, 60, 60] {
            let wait = throttle.attempt("gs.a", &attacker, now).unwrap_err();
            assert_eq!(wait, delay_minutes * 60);
            now += Duration::seconds(i64::try_from(wait).unwrap() - 1);
            assert!(throttle.attempt("gs.a", &attacker, now).is_err());
            now += Duration::seconds(1);
            assert_eq!(throttle.attempt("gs.a", &attacker, now), Ok(()));
        }
    }

    #[test]
    fn failures_from_one_client_never_stop_another() {
        let throttle = Throttle::default();
        let attacker = client("203.0.113.9");
        for _ in 0..50 {
            let _ = throttle.attempt("gs.a", &attacker, NOW);
        }
        assert!(throttle.attempt("gs.a", &attacker, NOW).is_err());
        assert_eq!(
            throttle.attempt("gs.a", &client("198.51.100.7"), NOW),
            Ok(())
        );
    }

    #[test]
    fn spraying_names_refuses_the_sprayers_wrong_answers_only() {
        let throttle = Throttle::default();
        let sprayer = client("203.0.113.9");
        for _ in 0..FREE_UNKNOWN {
            assert_eq!(throttle.failed(&sprayer, NOW), Ok(()));
        }
        assert!(throttle.failed(&sprayer, NOW).is_err());
        assert_eq!(throttle.failed(&client("198.51.100.7"), NOW), Ok(()));
    }

    #[test]
    fn a_refused_client_does_not_use_up_the_minute_for_everyone() {
        let throttle = Throttle::default();
        let runaway = client("203.0.113.9");
        // Five requests a second for a minute, each a new name: no name is ever locked.
        let mut refused = 0;
        for n in 0..GLOBAL_CEILING {
            let at = NOW + Duration::milliseconds(i64::from(n) * 190);
            if throttle.attempt(&format!("ten.{n}"), &runaway, at).is_err() {
                refused += 1;
            }
        }
        assert_eq!(refused, GLOBAL_CEILING - CLIENT_SHARE);
        let later = NOW + Duration::seconds(57);
        assert_eq!(
            throttle.attempt("gs.a", &client("198.51.100.7"), later),
            Ok(())
        );
        assert!(throttle.attempt("gs.a", &runaway, later).is_err());
    }

    #[test]
    fn a_locked_name_is_refused_before_it_counts_globally() {
        let throttle = Throttle::default();
        let attacker = client("203.0.113.9");
        for _ in 0..FREE_FAILURES {
            throttle.attempt("gs.a", &attacker, NOW).unwrap();
        }
        for _ in 0..GLOBAL_CEILING {
            assert!(throttle.attempt("gs.a", &attacker, NOW).is_err());
        }
        let state = throttle.lock();
        assert_eq!(state.minute, Some((NOW, FREE_FAILURES)));
    }

    #[test]
    fn a_success_clears_the_pair_and_old_records_are_forgotten() {
        let throttle = Throttle::default();
        let me = client("198.51.100.7");
        for _ in 0..FREE_FAILURES {
            throttle.attempt("tnv.a1", &me, NOW).unwrap();
        }
        throttle.succeeded("tnv.a1", &me);
        assert_eq!(throttle.attempt("tnv.a1", &me, NOW), Ok(()));
        for _ in 0..10 {
            let _ = throttle.attempt("tnv.b1", &me, NOW);
        }
        assert_eq!(throttle.attempt("tnv.b1", &me, NOW + FORGET_AFTER), Ok(()));
    }

    #[test]
    fn the_global_ceiling_answers_until_the_minute_ends() {
        let throttle = Throttle::default();
        for n in 0..GLOBAL_CEILING {
            let from = client(&format!("10.0.{}.{}", n / 25, n % 25));
            assert_eq!(throttle.attempt("x", &from, NOW), Ok(()));
        }
        let later = NOW + Duration::seconds(20);
        assert_eq!(throttle.attempt("y", &client("192.0.2.1"), later), Err(40));
        assert_eq!(
            throttle.attempt("y", &client("192.0.2.1"), NOW + Duration::MINUTE),
            Ok(())
        );
    }

    #[test]
    fn ipv6_clients_are_grouped_by_their_64() {
        assert_eq!(client("2001:db8:1:2::1"), client("2001:db8:1:2:ffff::9"));
        assert_ne!(client("2001:db8:1:2::1"), client("2001:db8:1:3::1"));
        assert_eq!(client("::ffff:192.0.2.1"), client("192.0.2.1"));
    }
}
