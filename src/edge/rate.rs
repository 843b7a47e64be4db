//! Charging a signed-in user's request to her rate ([`crate::auth::rate`]), once per request,
//! whichever adapter signed her in (the API's bearer token, the web app's session cookie).

use axum::http::request::Parts;

use crate::domain::ids::UserId;
use crate::edge::state::AppState;

/// Her bucket is empty: try again after this many seconds (the API's 429 `rate_limited`, the
/// web app's "too many attempts" page, both with `Retry-After`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimited {
    pub retry_after_secs: u64,
}

/// A request that has been charged to its user's rate already (extractors may run twice).
#[derive(Clone, Copy, Debug)]
struct Charged;

/// Charge the request to `user`'s rate, once per request.
pub fn charge(parts: &mut Parts, state: &AppState, user: UserId) -> Result<(), RateLimited> {
    if parts.extensions.get::<Charged>().is_some() {
        return Ok(());
    }
    parts.extensions.insert(Charged);
    state
        .user_rate
        .take(user, state.clock.now())
        .map_err(|retry_after_secs| RateLimited { retry_after_secs })
}
