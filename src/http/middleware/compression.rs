//! Responses compressed by tincay itself (gzip or brotli, whichever the client prefers of
//! those it accepts), so pages, assets and API answers are as light on a volunteer's slow
//! connection when tincay serves them directly as behind a compressing proxy.
//!
//! Security-sensitive: compressing a response that holds a secret (a page's CSRF token) next
//! to text an attacker chose is what the BREACH attack measures. It needs the victim's
//! browser to send many authenticated requests the attacker shapes; here the session cookie
//! is `SameSite=Strict` (no other site's page can make a request that carries it) and the
//! API takes a bearer token, never a cookie, so no other site can have such a response
//! made. Keep it so: a cookie that another site's requests carry would reopen this.

use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;

/// The compression level: brotli's and gzip's level 5, a fraction of the best levels' cost
/// for nearly their size on pages of a few tens of KB (brotli's default, 11, costs tens of
/// milliseconds of CPU per page).
const LEVEL: i32 = 5;

/// The layer: gzip and brotli; responses that are small, already compressed (images) or
/// streamed events are left as they are (tower-http's default predicate).
pub fn layer() -> CompressionLayer {
    CompressionLayer::new()
        .gzip(true)
        .br(true)
        .quality(CompressionLevel::Precise(LEVEL))
}
