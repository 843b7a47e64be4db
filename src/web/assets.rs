//! The static assets, compiled into the binary: one stylesheet, the page script, the offline
//! outbox's script and its service worker. Each but the worker is linked with its content
//! hash in the query, so it can be cached for good and a new version is fetched at once; the
//! worker is at `/sw.js` (its scope is the site) and lists the others' paths, so a new
//! version of any of them installs a new worker.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use crate::edge::state::AppState;

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

/// The offline outbox (progressive enhancement, like [`JS`]).
pub static OUTBOX_JS: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "outbox.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/outbox.js"),
    )
});

/// The service worker's source, with the app shell's paths filled in.
pub static SERVICE_WORKER: LazyLock<String> = LazyLock::new(|| {
    let files = [
        CSS.path(),
        JS.path(),
        OUTBOX_JS.path(),
        "/outbox/key".to_owned(),
    ];
    let version = crate::store::hex::hex(
        Sha256::digest(files.concat().as_bytes())
            .get(..6)
            .unwrap_or_default(),
    );
    include_str!("assets/sw.js")
        .replace("__VERSION__", &version)
        .replace(
            "__FILES__",
            &serde_json::to_string(&files).unwrap_or_else(|_| "[]".to_owned()),
        )
});

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assets/{name}", get(serve))
        .route("/sw.js", get(service_worker))
}

/// `/sw.js`: checked again on every visit, so a new shell is installed at once.
async fn service_worker() -> Response {
    let mut response = SERVICE_WORKER.as_str().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // A worker runs under its own script's policy: it may fetch this site's shell, nothing
    // else (the server's default, `default-src 'none'`, would stop it caching anything).
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; connect-src 'self'"),
    );
    response
}

async fn serve(Path(name): Path<String>) -> Response {
    let asset: &Asset = match name.as_str() {
        "app.css" => &CSS,
        "app.js" => &JS,
        "outbox.js" => &OUTBOX_JS,
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
