//! Statistics never silently leave events out: when case streams are set aside (an event the
//! projections cannot decode, [`crate::projections::set_aside`]), every statistics response
//! says how many events it excludes, in the JSON field `excluded_events` and in the
//! `Tincay-Excluded-Events` header (on CSV too). Both are always present; 0 is the normal case.

use axum::http::HeaderValue;
use axum::response::Response;
use serde::Serialize;

use crate::edge::state::AppState;

/// The header naming how many events a statistics response excludes.
pub const EXCLUDED_HEADER: &str = "tincay-excluded-events";

/// A statistics body with the count of excluded events beside its own fields.
#[derive(Debug, Serialize)]
pub struct Counted<T> {
    #[serde(flatten)]
    pub body: T,
    /// Events of case streams set aside that these figures do not count.
    pub excluded_events: u64,
}

/// How many events the statistics exclude now.
pub fn excluded_events(state: &AppState) -> u64 {
    state.projections.set_aside.summary().excluded_events
}

/// `body` with [`excluded_events`] beside its fields.
pub fn counted<T>(state: &AppState, body: T) -> Counted<T> {
    Counted {
        body,
        excluded_events: excluded_events(state),
    }
}

/// Adds the [`EXCLUDED_HEADER`] to a statistics response.
pub fn with_header(state: &AppState, mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(EXCLUDED_HEADER, HeaderValue::from(excluded_events(state)));
    response
}
