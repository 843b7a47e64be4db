//! The pages and the frame every visitor shares, in the browser: the sign-in page passes
//! the page checks in both languages, signing in through the form, the language switch,
//! the quick exit (its button, Esc three times, three taps on a phone), and the sign-out
//! after inactivity.

use fantoccini::key::Key;
use tincay::domain::vocab::{AreaLevel, Role};
use tincay::http::state::HttpSettings;

use crate::browser::{Browser, SESSION_COOKIE, WAIT};
use crate::support::{PASSWORD, TestApp, seed_world, spawn_app, spawn_app_with};

/// One volunteer at one trusted address (cheaper than the whole world): her username.
async fn seed_volunteer(app: &TestApp) -> &'static str {
    let province = app.seed_area("62", AreaLevel::Province, None).await;
    let district = app
        .seed_area("610", AreaLevel::District, Some(province.as_str()))
        .await;
    let commune = app
        .seed_area("23284", AreaLevel::Commune, Some(district.as_str()))
        .await;
    let address = app.seed_address(&commune).await;
    app.seed_user("tnv.a1", PASSWORD, Role::Volunteer, None, Some(address))
        .await;
    "tnv.a1"
}

#[tokio::test]
async fn the_sign_in_page_passes_the_page_checks_in_vietnamese_and_english() {
    let app = spawn_app().await;
    let browser = Browser::launch(&app).await;
    browser.open("/login").await;
    assert_eq!(browser.html_lang().await, "vi");
    browser.check_page("login-vi").await;

    browser.click("#lang-switch").await;
    browser
        .wait_for_js("the English page", "document.documentElement.lang === 'en'")
        .await;
    browser.wait_for_path("/login").await;
    browser.check_page("login-en").await;

    browser.open("/no-such-page").await;
    assert_eq!(browser.html_lang().await, "en");
    browser.check_page("not-found-en").await;
    browser.close().await;
}

#[tokio::test]
async fn the_seeded_volunteer_signs_in_through_the_form() {
    let app = spawn_app().await;
    seed_world(&app).await;
    let browser = Browser::launch(&app).await;

    // A wrong password: the form says so, no session starts.
    browser.open("/login").await;
    browser.fill("#username", "tnv.a1").await;
    browser.fill("#password", "không phải mật khẩu này").await;
    browser.submit("#login").await;
    let refusal = browser.text(".error-message").await;
    assert_eq!(refusal, "Tên đăng nhập hoặc mật khẩu không đúng.");
    assert_eq!(browser.app_path().await.as_deref(), Some("/login"));
    assert_eq!(browser.cookie(SESSION_COOKIE).await, None);
    // What she typed as her username is kept; the password is not.
    assert_eq!(
        browser.attr("#username", "value").await.as_deref(),
        Some("tnv.a1")
    );

    // The right one: she leaves the sign-in page with a session cookie.
    browser.sign_in("tnv.a1", PASSWORD).await;
    let home = browser.app_path().await.expect("still on the app");
    assert!(!home.starts_with("/login"), "still signing in: {home}");
    browser.close().await;
}

#[tokio::test]
async fn the_english_switch_changes_the_words_and_is_remembered() {
    let app = spawn_app().await;
    let browser = Browser::launch(&app).await;
    browser.open("/login").await;
    assert_eq!(browser.text("h1").await, "Đăng nhập");
    assert_eq!(browser.text("label[for=username]").await, "Tên đăng nhập");
    assert_eq!(browser.text("#quick-exit").await, "Thoát nhanh");

    browser.follow("#lang-switch").await;
    assert_eq!(browser.app_path().await.as_deref(), Some("/login"));
    assert_eq!(browser.html_lang().await, "en");
    assert_eq!(browser.text("h1").await, "Sign in");
    assert_eq!(browser.text("label[for=username]").await, "Username");
    assert_eq!(browser.text("#quick-exit").await, "Quick exit");
    assert_eq!(browser.cookie("tincay_lang").await.as_deref(), Some("en"));

    // A new load of a page (not the redirect of the switch) is still in English.
    browser.open("/login").await;
    assert_eq!(browser.html_lang().await, "en");
    assert_eq!(browser.text("h1").await, "Sign in");

    // And back.
    browser.click("#lang-switch").await;
    browser
        .wait_for_js(
            "the Vietnamese page",
            "document.documentElement.lang === 'vi'",
        )
        .await;
    assert_eq!(browser.text("h1").await, "Đăng nhập");
    browser.open("/login").await;
    assert_eq!(browser.html_lang().await, "vi");
    browser.close().await;
}

/// Waits until the browser is no longer on the app (the neutral site, or Chromium's error
/// page for it: the tests have no internet).
async fn wait_until_off_the_site(browser: &Browser) {
    browser
        .wait_for("the browser to leave the site", WAIT, async || {
            browser
                .client()
                .current_url()
                .await
                .ok()
                .filter(|url| !url.as_str().starts_with(&browser.url_of("/")))
        })
        .await;
}

/// After a quick exit from `signed_in_page`: Back does not show that page, and the session
/// is over (a fresh load of `/` asks to sign in).
async fn assert_left_for_good(browser: &Browser, signed_in_page: &str) {
    browser.back().await;
    browser.wait_for_load().await;
    let shown = browser.app_path().await;
    assert_ne!(
        shown.as_deref(),
        Some(signed_in_page),
        "Back shows the page the quick exit left"
    );
    assert!(
        !browser.exists("#sign-out").await,
        "Back shows a signed-in page: {shown:?}"
    );

    // The exit request is sent as the page leaves: give it the time it needs to arrive.
    browser
        .wait_for("the session to be ended", WAIT, async || {
            browser.client().goto(&browser.url_of("/")).await.ok()?;
            let path = browser.app_path().await?;
            path.starts_with("/login").then_some(())
        })
        .await;
    assert!(!browser.exists("#sign-out").await);
}

#[tokio::test]
async fn the_quick_exit_button_leaves_the_site_and_ends_the_session() {
    let app = spawn_app().await;
    let username = seed_volunteer(&app).await;
    let browser = Browser::launch(&app).await;
    browser.sign_in(username, PASSWORD).await;
    let signed_in_page = browser.app_path().await.expect("on the app");

    browser.click("#quick-exit").await;
    wait_until_off_the_site(&browser).await;
    assert_left_for_good(&browser, &signed_in_page).await;
    browser.close().await;
}

#[tokio::test]
async fn escape_three_times_is_a_quick_exit() {
    let app = spawn_app().await;
    let username = seed_volunteer(&app).await;
    let browser = Browser::launch(&app).await;
    browser.sign_in(username, PASSWORD).await;
    let signed_in_page = browser.app_path().await.expect("on the app");

    for _ in 0..3 {
        browser.press(Key::Escape).await;
    }
    wait_until_off_the_site(&browser).await;
    assert_left_for_good(&browser, &signed_in_page).await;
    browser.close().await;
}

/// A tap of a finger at (`x`, `y`) of the viewport, as a phone's touch screen sends it.
async fn tap(browser: &Browser, x: u32, y: u32) {
    for kind in ["touchStart", "touchEnd"] {
        let points = if kind == "touchStart" {
            serde_json::json!([{ "x": x, "y": y }])
        } else {
            serde_json::json!([])
        };
        browser
            .cdp(
                "Input.dispatchTouchEvent",
                serde_json::json!({ "type": kind, "touchPoints": points }),
            )
            .await;
    }
}

#[tokio::test]
async fn three_quick_taps_on_a_phone_are_a_quick_exit_but_taps_in_a_field_are_not() {
    let app = spawn_app().await;
    seed_world(&app).await;
    let browser = Browser::launch(&app).await;
    browser.set_width(crate::checks::PHONE).await;
    browser.sign_in("tnv.a1", PASSWORD).await;
    browser.open("/cases/new").await;
    let signed_in_page = browser.app_path().await.expect("on the app");
    // Far down the form, the quick-exit button out of mind.
    browser
        .js(
            "document.querySelector('[name=narrative]').scrollIntoView();",
            vec![],
        )
        .await;

    // Three taps in a field (selecting a word) leave nothing.
    let field = browser
        .js(
            "const box = document.querySelector('[name=narrative]').getBoundingClientRect();
             return [Math.round(box.left + 10), Math.round(box.top + 10)];",
            vec![],
        )
        .await;
    let (x, y) = (
        field[0].as_u64().unwrap() as u32,
        field[1].as_u64().unwrap() as u32,
    );
    for _ in 0..3 {
        tap(&browser, x, y).await;
    }
    assert_eq!(
        browser
            .js("return document.documentElement.style.display;", vec![])
            .await,
        serde_json::json!(""),
        "taps in a field hid the page"
    );
    assert_eq!(browser.app_path().await.as_deref(), Some("/cases/new"));

    // Three taps on the page's text, scrolled as it is.
    let text = browser
        .js(
            "const heading = [...document.querySelectorAll('#new-case-form h2')].pop();
             const box = heading.getBoundingClientRect();
             return [Math.round(box.left + 5), Math.round(box.top + box.height / 2),
                     Math.round(window.scrollY)];",
            vec![],
        )
        .await;
    assert!(
        text[2].as_u64().unwrap() > 500,
        "the page is scrolled: {text}"
    );
    let (x, y) = (
        text[0].as_u64().unwrap() as u32,
        text[1].as_u64().unwrap() as u32,
    );
    for _ in 0..3 {
        tap(&browser, x, y).await;
    }
    wait_until_off_the_site(&browser).await;
    assert_left_for_good(&browser, &signed_in_page).await;
    browser.close().await;
}

/// Needs a signed-in page (any role's home): the sign-in and error pages carry no idle time.
#[tokio::test]
async fn an_unused_page_signs_itself_out() {
    let app = spawn_app_with(HttpSettings {
        web_session_idle: time::Duration::seconds(1),
        ..HttpSettings::default()
    })
    .await;
    let username = seed_volunteer(&app).await;
    let browser = Browser::launch(&app).await;
    browser.sign_in(username, PASSWORD).await;
    assert_eq!(
        browser.attr("body", "data-idle-seconds").await.as_deref(),
        Some("1"),
        "the page after signing in does not carry the session's idle time"
    );

    // The page checks every few seconds: well within the deadline.
    browser.wait_for_path("/login?timeout=1").await;
    assert_eq!(browser.html_lang().await, "vi");
    assert!(browser.exists("p.notice[role=status]").await);
    assert!(!browser.exists("#sign-out").await);

    // The page signed out before leaving: the session is over.
    browser.open("/").await;
    let path = browser.app_path().await.expect("on the app");
    assert!(path.starts_with("/login"), "still signed in at {path}");
    browser.close().await;
}

/// The resilient-form script on the one form this branch has without a role's page: the
/// sign-in form, marked `data-resilient` in the page. Sent while the network is down, the
/// form stays with what was typed and says so; back online, the script sends it again.
#[tokio::test]
async fn a_resilient_form_keeps_its_input_offline_and_goes_through_once_online() {
    let app = spawn_app().await;
    let username = seed_volunteer(&app).await;
    let browser = Browser::launch(&app).await;
    browser.open("/login").await;
    browser
        .js(
            "document.getElementById('login').setAttribute('data-resilient', '');",
            vec![],
        )
        .await;
    browser.fill("#username", username).await;
    browser.fill("#password", PASSWORD).await;

    browser.offline(true).await;
    browser.click("#login [type=submit]").await;
    let offline_words = browser
        .attr("body", "data-offline-text")
        .await
        .expect("the frame's offline words");
    browser
        .wait_for_text("#login .offline", &offline_words)
        .await;
    assert_eq!(browser.app_path().await.as_deref(), Some("/login"));
    let typed = browser
        .js(
            "return [document.getElementById('username').value, \
             document.getElementById('password').value];",
            vec![],
        )
        .await;
    assert_eq!(typed, serde_json::json!([username, PASSWORD]));
    assert_eq!(browser.cookie(SESSION_COOKIE).await, None);

    browser.offline(false).await;
    browser
        .wait_for_js(
            "the form to go through",
            "location.pathname !== '/login' && document.readyState === 'complete'",
        )
        .await;
    assert!(browser.cookie(SESSION_COOKIE).await.is_some());
    browser.close().await;
}
