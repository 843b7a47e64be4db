//! Responses compressed by tincay itself: pages, assets and API answers come as brotli or
//! gzip when the client accepts them, and as they are when it does not.

use crate::support::spawn_app;

/// `path` fetched with `accept` as its `Accept-Encoding` (none when `None`): its
/// `Content-Encoding`, `Vary` and body bytes.
async fn fetch(
    app: &crate::support::TestApp,
    path: &str,
    accept: Option<&str>,
) -> (Option<String>, String, Vec<u8>) {
    let mut request = app.client.get(app.url(path));
    if let Some(accept) = accept {
        request = request.header("accept-encoding", accept);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let encoding = header("content-encoding");
    let vary = header("vary").unwrap_or_default();
    (encoding, vary, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn pages_assets_and_api_answers_are_compressed_as_the_client_accepts() {
    let app = spawn_app().await;
    let css = tincay::web::assets::CSS.path();
    for path in ["/login", css.as_str(), "/api/v1/openapi.json"] {
        let (plain_encoding, _, plain) = fetch(&app, path, None).await;
        assert_eq!(plain_encoding, None, "{path} compressed unasked");

        let (encoding, vary, gzip) = fetch(&app, path, Some("gzip")).await;
        assert_eq!(encoding.as_deref(), Some("gzip"), "{path}");
        assert!(
            vary.to_ascii_lowercase().contains("accept-encoding"),
            "{path}: {vary}"
        );
        assert_eq!(
            gzip.get(..2),
            Some(&[0x1f, 0x8b][..]),
            "{path}: not a gzip stream"
        );
        assert!(
            gzip.len() < plain.len(),
            "{path}: {} of {}",
            gzip.len(),
            plain.len()
        );

        let (encoding, _, brotli) = fetch(&app, path, Some("gzip, deflate, br")).await;
        assert_eq!(
            encoding.as_deref(),
            Some("br"),
            "{path}: brotli is preferred"
        );
        assert!(
            brotli.len() < gzip.len(),
            "{path}: {} vs {}",
            brotli.len(),
            gzip.len()
        );
    }
}
