//! `GET /outbox/key`: the server's outbox public key, which the phone seals records to.
//! Public, served to anyone (it is in the app shell the service worker caches, and the
//! sign-in page installs that shell); never the secret half.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use utoipa::ToSchema;

use crate::edge::state::AppState;
use crate::web::outbox::record::FORMAT;

/// The public key and its id.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxPublicKey {
    /// `tincay-outbox-v1`.
    pub format: &'static str,
    /// The key id records name.
    pub kid: String,
    /// The P-256 point, SEC1 uncompressed (65 bytes), standard base64: WebCrypto's `raw`.
    pub key: String,
}

/// The server's outbox public key, which a phone seals offline records to.
#[utoipa::path(get, path = "/outbox/key", tag = "outbox",
    responses((status = 200, description = "The public key and its id", body = OutboxPublicKey)))]
pub async fn public_key(State(state): State<AppState>) -> Response {
    let body = OutboxPublicKey {
        format: FORMAT,
        kid: state.outbox.kid().to_owned(),
        key: STANDARD.encode(state.outbox.public()),
    };
    let mut response = Json(body).into_response();
    // Checked again each time it is online; the service worker keeps a copy for offline.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
