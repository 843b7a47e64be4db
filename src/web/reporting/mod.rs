//! The reporting officer's pages: the statistics explorer with its table, chart and CSV, and
//! the printable programme report. (Being built.)

use axum::Router;

use crate::http::state::AppState;
use crate::web::i18n::Message;

pub fn router() -> Router<AppState> {
    Router::new()
}

/// The words of these pages.
pub const MESSAGES: &[Message] = &[];
