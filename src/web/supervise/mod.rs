//! The supervisor's pages: the area dashboard, reviewing and approving closures, transfer,
//! reopening, erasure, and a case's access log. (Being built.)

use axum::Router;

use crate::http::state::AppState;
use crate::web::i18n::Message;

pub fn router() -> Router<AppState> {
    Router::new()
}

/// The words of these pages.
pub const MESSAGES: &[Message] = &[];
