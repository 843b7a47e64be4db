//! Issue 19, attack 2: `/login?next=/%09/evil.example/phish` and
//! `/lang?back=/%09/evil.example/x` answered `Location: /\t/evil.example/...`, which browsers
//! resolve to `https://evil.example/...`. Redirects now stay on this site.

use crate::support::*;
use crate::web_kit::*;

/// Raw query values (as a link would carry them) that used to leave the site.
const BYPASSES: &[&str] = &[
    "/%09/evil.example/phish",
    "/%0A/evil.example/phish",
    "/%0D%0A/evil.example/phish",
    "//evil.example/phish",
    "/%5Cevil.example/phish",
    "%2F%2Fevil.example/phish",
    "/%252F%252Fevil.example",
    "https%3A%2F%2Fevil.example",
    "https:evil.example",
];

#[tokio::test]
async fn the_language_switch_never_sends_the_browser_to_another_site() {
    let app = spawn_app().await;
    let visitor = WebSession::anonymous(&app);
    for back in BYPASSES {
        let switch = visitor.get(&format!("/lang?to=en&back={back}")).await;
        assert_eq!(switch.status, 303, "{back}");
        assert_eq!(switch.location(), "/", "{back}");
    }
}

#[tokio::test]
async fn the_sign_in_page_never_carries_a_next_that_leaves_the_site() {
    let app = spawn_app().await;
    let visitor = WebSession::anonymous(&app);
    for next in BYPASSES {
        let login = visitor.get(&format!("/login?next={next}")).await;
        assert_eq!(login.status, 200, "{next}");
        assert_eq!(login.input_value("next"), None, "{next}");
    }
}

#[tokio::test]
async fn signing_in_with_a_hostile_next_lands_on_the_home_page() {
    let app = spawn_app().await;
    seed_world(&app).await;
    let login = WebSession::anonymous(&app).get("/login").await;
    let nonce = cookie_set(&login.headers, tincay::web::session::LOGIN_COOKIE).unwrap();
    let csrf = login.input_value(tincay::web::session::CSRF_FIELD).unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let response = client
        .post(app.url("/login"))
        .header("cookie", format!("tincay_login={nonce}"))
        .form(&[
            (tincay::web::session::CSRF_FIELD, csrf.as_str()),
            ("username", "tnv.a1"),
            ("password", PASSWORD),
            ("next", "/\t/evil.example/phish"),
        ])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status().as_u16(), 303);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with('/') && !location.contains("evil"),
        "{location}"
    );
}
