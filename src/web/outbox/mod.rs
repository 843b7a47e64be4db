//! The offline outbox's server side (issue 23): a volunteer's phone that loses its network
//! seals each form she submits *to the server* and keeps only the sealed copy; when the
//! network returns, it posts each one here.
//!
//! - [`aad`]: the record's routing facts and their one canonical encoding (bound to the
//!   ciphertext as associated data); [`record`]: the record as posted (JSON, base64 parts).
//! - [`submit`]: `POST /outbox`, which opens a record and runs its form as the page would.
//! - [`key`]: `GET /outbox/key`, the server's public key, cached with the app shell.
//! - [`messages`]: the words the script shows ("3 records waiting to be sent").
//!
//! The sealing itself (ECDH P-256, HKDF-SHA-256, AES-256-GCM) and the server's key pair are
//! in [`crate::store::crypto::outbox`]; the browser's half is `assets/outbox.js`.

pub mod aad;
pub mod key;
pub mod messages;
pub mod record;
pub mod submit;

use axum::Router;
use axum::routing::{get, post};

use crate::http::state::AppState;

pub use messages::MESSAGES;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outbox", post(submit::submit))
        .route("/outbox/key", get(key::public_key))
}
