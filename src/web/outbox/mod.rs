//! The offline outbox's server side (issue 23): a volunteer's phone that loses its network
//! seals each form she submits *to the server* and keeps only the sealed copy; when the
//! network returns, it posts each one here.
//!
//! - [`aad`]: the record's routing facts and their one canonical encoding (bound to the
//!   ciphertext as associated data); [`record`]: the record as posted (JSON, base64 parts).
//! - [`submit`]: `POST /outbox`, which opens a record and runs its form as the page would.
//! - [`hold`]: which refusals hold a record for the "needs attention" list, and its facts.
//! - [`key`]: `GET /outbox/key`, the server's public key, cached with the app shell.
//! - [`held_pages`]: `/outbox/held`, the "needs attention" list: apply, adjust, discard.
//! - [`messages`]: the words the script shows ("3 records waiting to be sent").
//!
//! The sealing itself (ECDH P-256, HKDF-SHA-256, AES-256-GCM) and the server's key pair are
//! in [`crate::store::crypto::outbox`]; the browser's half is `assets/outbox.js`.

pub mod aad;
pub mod held_pages;
pub mod hold;
pub mod key;
pub mod messages;
pub mod record;
pub mod submit;

use axum::Router;
use axum::routing::{get, post};
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};

use crate::edge::state::AppState;

pub use messages::MESSAGES;

/// The outbox's part of the OpenAPI document (`POST /outbox`, `GET /outbox/key`), which the
/// server adds to the API's (`server::routes`).
#[derive(Debug, OpenApi)]
#[openapi(
    paths(submit::submit, key::public_key),
    components(schemas(record::SealedRecordBody, submit::HeldAnswer, key::OutboxPublicKey)),
    modifiers(&SessionCookie),
    tags((name = "outbox", description = "The web app's offline outbox: records a phone sealed while offline"))
)]
pub struct OutboxDoc;

/// The `session` security scheme: the web app's session cookie.
#[derive(Debug)]
struct SessionCookie;

impl utoipa::Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::web::session::SESSION_COOKIE,
                "The web app's session, from signing in on its page",
            ))),
        );
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outbox", post(submit::submit))
        .route("/outbox/key", get(key::public_key))
        .route("/outbox/held", get(held_pages::list))
        .route("/outbox/held/{id}/apply", post(held_pages::apply))
        .route("/outbox/held/{id}/adjust", get(held_pages::adjust))
        .route("/outbox/held/{id}/discard", post(held_pages::discard))
}
