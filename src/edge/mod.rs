//! What the two HTTP adapters (`http`, the JSON API, and `web`, the web app) share, below
//! both: neither imports the other, and this imports neither.
//!
//! - [`state`]: [`AppState`](state::AppState), the axum state every handler holds, with the
//!   service's tunables ([`HttpSettings`](state::HttpSettings)).
//! - [`metrics`]: what `/metrics` reports, kept in the state.
//! - [`body`]: a request's body as the application core takes it, read by one extractor.
//! - [`client`]: who the client is (behind a trusted proxy, too), and the extractors of her
//!   address.
//! - [`recorded`]: a recorded command's answer, `201 {"id"?, "version"}` with `ETag`.
//! - [`rate`]: a signed-in user's request charged to her rate, once per request.
//! - [`problem`]: the problem+json answers of the JSON routes (the API's, and the web app's
//!   `POST /outbox`), with the one table from refusal to status the pages use too.

pub mod body;
pub mod client;
pub mod metrics;
pub mod problem;
pub mod rate;
pub mod recorded;
pub mod state;
