//! The administrator's pages: users, areas (with commune merges) and trusted addresses.
//! (Being built.)

use axum::Router;

use crate::http::state::AppState;
use crate::web::i18n::Message;

pub fn router() -> Router<AppState> {
    Router::new()
}

/// The words of these pages.
pub const MESSAGES: &[Message] = &[];
