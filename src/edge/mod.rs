//! What the two HTTP adapters (`http`, the JSON API, and `web`, the web app) share, below
//! both: neither imports the other, and this imports neither.
//!
//! - [`state`]: [`AppState`](state::AppState), the axum state every handler holds, with the
//!   service's tunables ([`HttpSettings`](state::HttpSettings)).
//! - [`metrics`]: what `/metrics` reports, kept in the state.
//! - [`client`]: who the client is (behind a trusted proxy, too), and the extractors of her
//!   address.
//! - [`rate`]: a signed-in user's request charged to her rate, once per request.

pub mod client;
pub mod metrics;
pub mod rate;
pub mod state;
