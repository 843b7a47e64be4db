//! The case pages of volunteers and supervisors: the case list, the new-case form, a case's
//! page with its timeline, and the forms that record work on it. (Being built.)

use axum::Router;

use crate::http::state::AppState;
use crate::web::i18n::Message;

pub fn router() -> Router<AppState> {
    Router::new()
}

/// The words of these pages.
pub const MESSAGES: &[Message] = &[];
