//! The web app's frame over HTTP: sign-in and its CSRF nonce, sessions, sign-out, the quick
//! exit, the language switch, and the headers every page carries.

use crate::support::*;
use crate::web_kit::*;

#[tokio::test]
async fn signing_in_through_the_form_lands_on_the_roles_home() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let _ = world;
    let session = WebSession::sign_in(&app, "tnv.a1", "mật khẩu đủ dài 2026").await;
    let home = session.get("/").await;
    assert_eq!(home.status, 303);
    assert_eq!(home.location(), "/cases");
}

#[tokio::test]
async fn a_wrong_password_is_refused_in_words_and_starts_no_session() {
    let app = spawn_app().await;
    seed_world(&app).await;
    let visitor = WebSession::anonymous(&app);
    let login = visitor.get("/login").await;
    let nonce = cookie_set(&login.headers, "tincay_login").unwrap();
    let csrf = login.input_value("_csrf").unwrap();
    let response = app
        .client
        .post(app.url("/login"))
        .header("cookie", format!("tincay_login={nonce}"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "tnv.a1"),
            ("password", "sai mật khẩu rồi"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert!(cookie_set(response.headers(), "tincay_session").is_none());
    let body = response.text().await.unwrap();
    assert!(body.contains("Tên đăng nhập hoặc mật khẩu không đúng."));
    assert!(
        !body.contains("sai mật khẩu rồi"),
        "the password must never be echoed"
    );
}

#[tokio::test]
async fn a_sign_in_without_its_nonce_cookie_is_refused() {
    let app = spawn_app().await;
    seed_world(&app).await;
    let visitor = WebSession::anonymous(&app);
    let login = visitor.get("/login").await;
    let csrf = login.input_value("_csrf").unwrap();
    let page = visitor
        .post_raw(
            "/login",
            &[
                ("_csrf", csrf.as_str()),
                ("username", "tnv.a1"),
                ("password", "mật khẩu đủ dài 2026"),
            ],
        )
        .await;
    assert_eq!(page.status, 403);
}

#[tokio::test]
async fn pages_need_a_session_and_come_back_after_sign_in() {
    let app = spawn_app().await;
    let visitor = WebSession::anonymous(&app);
    let page = visitor.get("/?tab=open").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), "/login?next=%2F%3Ftab%3Dopen");
}

#[tokio::test]
async fn a_form_without_the_sessions_csrf_token_is_refused() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let page = session.post_raw("/logout", &[("_csrf", "forged")]).await;
    assert_eq!(page.status, 403);
    // Still signed in.
    assert_eq!(session.get("/session/ping").await.status, 204);
    let out = session.post("/logout", &[]).await;
    assert_eq!(out.status, 303);
    assert_eq!(session.get("/session/ping").await.status, 303);
}

#[tokio::test]
async fn a_web_session_dies_after_its_idle_time() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    assert_eq!(session.get("/session/ping").await.status, 204);
    app.clock
        .advance(app.state.settings.web_session_idle + time::Duration::seconds(1));
    assert_eq!(session.get("/session/ping").await.status, 303);
}

#[tokio::test]
async fn the_quick_exit_ends_the_session_and_clears_the_site() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let exit = session.get("/exit").await;
    assert_eq!(exit.status, 200);
    assert!(exit.header("clear-site-data").contains("\"cookies\""));
    assert!(
        !exit.header("clear-site-data").contains("storage"),
        "the offline outbox (sealed records) survives the quick exit"
    );
    assert!(exit.body.contains("http-equiv=\"refresh\""));
    assert_eq!(session.get("/session/ping").await.status, 303);
}

#[tokio::test]
async fn the_language_switch_is_remembered_and_returns_to_the_page() {
    let app = spawn_app().await;
    let visitor = WebSession::anonymous(&app);
    let vi = visitor.get("/login").await;
    assert!(vi.body.contains("<html lang=\"vi\""));
    assert!(vi.body.contains("Đăng nhập"));
    let switch = visitor.get("/lang?to=en&back=%2Flogin").await;
    assert_eq!(switch.status, 303);
    assert_eq!(switch.location(), "/login");
    assert_eq!(
        cookie_set(&switch.headers, "tincay_lang").as_deref(),
        Some("en")
    );
    let elsewhere = visitor
        .get("/lang?to=en&back=https%3A%2F%2Fevil.example")
        .await;
    assert_eq!(elsewhere.location(), "/");
    let mut english = WebSession::anonymous(&app);
    english.lang = Some("en".into());
    let en = english.get("/login").await;
    assert!(en.body.contains("<html lang=\"en\""));
    assert!(en.body.contains("Sign in"));
}

#[tokio::test]
async fn pages_are_never_cached_and_allow_only_this_sites_scripts() {
    let app = spawn_app().await;
    let page = WebSession::anonymous(&app).get("/login").await;
    assert_eq!(page.header("cache-control"), "no-store");
    let csp = page.header("content-security-policy");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(page.header("content-type").starts_with("text/html"));
}
