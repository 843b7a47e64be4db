//! Session tokens: 256 random bits, handed to the client once; only their SHA-256 is kept,
//! in memory (a restart signs everyone out), and compared in constant time. A session dies
//! after an idle period, at the end of its absolute lifetime however much it is used (a
//! stolen token is not good forever), at logout, and when its user is deactivated.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::{Duration, OffsetDateTime};

use crate::domain::ids::UserId;

/// A bearer token as the client holds it. Redacted `Debug`; zeroized on drop.
pub struct Token(zeroize::Zeroizing<String>);

impl Token {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

#[derive(Clone, Copy, Debug)]
struct Session {
    hash: [u8; 32],
    user: UserId,
    last_seen: OffsetDateTime,
    /// How long this session may sit unused.
    idle: Duration,
    /// When it dies however much it is used.
    dies_at: OffsetDateTime,
}

/// How long a session lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetime {
    /// Unused for this long, it dies.
    pub idle: Duration,
    /// This long after it started, it dies, used or not.
    pub absolute: Duration,
}

/// The API's sessions live at most this long (a week), however much they are used.
pub const API_LIFETIME: Duration = Duration::days(7);
/// The web app's sessions live at most this long (a working day and a half).
pub const WEB_LIFETIME: Duration = Duration::hours(12);

/// Live sessions.
#[derive(Debug)]
pub struct Sessions {
    idle: Duration,
    absolute: Duration,
    by_hash: Mutex<HashMap<[u8; 32], Session>>,
}

impl Sessions {
    pub fn new(idle: Duration) -> Self {
        Self {
            idle,
            absolute: API_LIFETIME,
            by_hash: Mutex::new(HashMap::new()),
        }
    }

    /// The same, with another absolute lifetime for [`Sessions::start`].
    pub fn with_absolute(mut self, absolute: Duration) -> Self {
        self.absolute = absolute;
        self
    }

    /// Start a session; returns the token (given to the client once) and when it expires if
    /// left idle.
    pub fn start(&self, user: UserId, now: OffsetDateTime) -> (Token, OffsetDateTime) {
        self.start_with_idle(user, now, self.idle)
    }

    /// Start a session that dies after `idle` without use (the web app's sessions are
    /// shorter than the API's: a shared phone must not stay signed in).
    pub fn start_with_idle(
        &self,
        user: UserId,
        now: OffsetDateTime,
        idle: Duration,
    ) -> (Token, OffsetDateTime) {
        let absolute = self.absolute;
        self.start_with(user, now, Lifetime { idle, absolute })
    }

    /// Start a session that lives as `lifetime` says; returns the token and when it expires
    /// if left idle (never after its absolute end).
    pub fn start_with(
        &self,
        user: UserId,
        now: OffsetDateTime,
        lifetime: Lifetime,
    ) -> (Token, OffsetDateTime) {
        let Lifetime { idle, absolute } = lifetime;
        let dies_at = now + absolute;
        let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(bytes.as_mut());
        let token = Token(zeroize::Zeroizing::new(
            URL_SAFE_NO_PAD.encode(bytes.as_ref()),
        ));
        let hash = hash(token.as_str());
        self.lock().insert(
            hash,
            Session {
                hash,
                user,
                last_seen: now,
                idle,
                dies_at,
            },
        );
        (token, (now + idle).min(dies_at))
    }

    /// The user of a live session, refreshing its idle timer.
    pub fn user(&self, token: &str, now: OffsetDateTime) -> Option<UserId> {
        let hash = hash(token);
        let mut sessions = self.lock();
        let session = sessions.get_mut(&hash)?;
        if !bool::from(session.hash.ct_eq(&hash)) {
            return None;
        }
        if now - session.last_seen > session.idle || now >= session.dies_at {
            sessions.remove(&hash);
            return None;
        }
        session.last_seen = now;
        Some(session.user)
    }

    /// End one session.
    pub fn end(&self, token: &str) {
        self.lock().remove(&hash(token));
    }

    /// End every session of a user (deactivation).
    pub fn end_all(&self, user: UserId) {
        self.lock().retain(|_, session| session.user != user);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Session>> {
        self.by_hash.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-20 10:00 UTC);

    #[test]
    fn a_token_names_its_user_until_it_is_idle_too_long() {
        let sessions = Sessions::new(Duration::hours(12));
        let user = UserId::from_uuid(uuid::Uuid::new_v4());
        let (token, expires) = sessions.start(user, NOW);
        assert_eq!(expires, NOW + Duration::hours(12));
        assert_eq!(
            sessions.user(token.as_str(), NOW + Duration::hours(11)),
            Some(user)
        );
        // The use above refreshed it.
        assert_eq!(
            sessions.user(token.as_str(), NOW + Duration::hours(22)),
            Some(user)
        );
        assert_eq!(
            sessions.user(token.as_str(), NOW + Duration::hours(35)),
            None
        );
    }

    #[test]
    fn a_session_started_with_its_own_idle_time_dies_after_it() {
        let sessions = Sessions::new(Duration::hours(12));
        let user = UserId::from_uuid(uuid::Uuid::new_v4());
        let (token, expires) = sessions.start_with_idle(user, NOW, Duration::minutes(15));
        assert_eq!(expires, NOW + Duration::minutes(15));
        assert_eq!(
            sessions.user(token.as_str(), NOW + Duration::minutes(14)),
            Some(user)
        );
        assert_eq!(
            sessions.user(token.as_str(), NOW + Duration::minutes(30)),
            None
        );
    }

    /// Issue 19, attack 7: sessions had an idle timeout but no absolute lifetime.
    #[test]
    fn a_session_used_all_the_time_still_dies_at_its_absolute_lifetime() {
        let sessions = Sessions::new(Duration::hours(12));
        let user = UserId::from_uuid(uuid::Uuid::new_v4());
        let (api, _) = sessions.start(user, NOW);
        let web_lifetime = Lifetime {
            idle: Duration::minutes(30),
            absolute: WEB_LIFETIME,
        };
        let (web, expires) = sessions.start_with(user, NOW, web_lifetime);
        assert_eq!(expires, NOW + Duration::minutes(30));
        let mut now = NOW;
        while now < NOW + WEB_LIFETIME - Duration::minutes(20) {
            now += Duration::minutes(20);
            assert_eq!(sessions.user(web.as_str(), now), Some(user), "{now}");
        }
        assert_eq!(sessions.user(web.as_str(), NOW + WEB_LIFETIME), None);
        let mut now = NOW;
        while now < NOW + API_LIFETIME - Duration::hours(11) {
            now += Duration::hours(11);
            assert_eq!(sessions.user(api.as_str(), now), Some(user), "{now}");
        }
        assert_eq!(sessions.user(api.as_str(), NOW + API_LIFETIME), None);
    }

    #[test]
    fn logout_and_deactivation_end_sessions() {
        let sessions = Sessions::new(Duration::hours(12));
        let user = UserId::from_uuid(uuid::Uuid::new_v4());
        let (one, _) = sessions.start(user, NOW);
        let (two, _) = sessions.start(user, NOW);
        sessions.end(one.as_str());
        assert_eq!(sessions.user(one.as_str(), NOW), None);
        assert_eq!(sessions.user(two.as_str(), NOW), Some(user));
        sessions.end_all(user);
        assert_eq!(sessions.user(two.as_str(), NOW), None);
    }

    #[test]
    fn tokens_are_256_random_bits_and_never_printed() {
        let sessions = Sessions::new(Duration::hours(1));
        let user = UserId::from_uuid(uuid::Uuid::new_v4());
        let (a, _) = sessions.start(user, NOW);
        let (b, _) = sessions.start(user, NOW);
        assert_ne!(a.as_str(), b.as_str());
        assert_eq!(URL_SAFE_NO_PAD.decode(a.as_str()).unwrap().len(), 32);
        assert!(!format!("{a:?}").contains(a.as_str()));
    }
}
