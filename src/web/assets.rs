//! The static assets, compiled into the binary: one stylesheet and one small script. Each is
//! linked with its content hash in the query, so it can be cached for good and a new
//! version is fetched at once.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use crate::http::state::AppState;

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
    hash: String,
}

impl Asset {
    fn new(name: &'static str, content_type: &'static str, body: &'static str) -> Self {
        let digest = Sha256::digest(body.as_bytes());
        let hash = crate::store::hex::hex(digest.get(..6).unwrap_or_default());
        Self {
            name,
            content_type,
            body,
            hash,
        }
    }

    /// The path pages link to.
    pub fn path(&self) -> String {
        format!("/assets/{}?v={}", self.name, self.hash)
    }
}

/// The stylesheet.
pub static CSS: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "app.css",
        "text/css; charset=utf-8",
        include_str!("assets/app.css"),
    )
});
/// The script (progressive enhancement only: every page works without it).
pub static JS: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/app.js"),
    )
});

pub fn router() -> Router<AppState> {
    Router::new().route("/assets/{name}", get(serve))
}

async fn serve(Path(name): Path<String>) -> Response {
    let asset: &Asset = match name.as_str() {
        "app.css" => &CSS,
        "app.js" => &JS,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let mut response = asset.body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}
