//! Browser tests: real headless Chromium (Debian's `chromium`, driven through its
//! `chromedriver` with fantoccini) against a real server on port 0 (`spawn_app`).
//!
//! - [`driver`]: the chromedriver and Chromium processes of one test, fresh profile each.
//! - [`browser`]: [`browser::Browser`], what tests are written with.
//! - [`checks`]: screenshots, horizontal overflow, covered controls, the accessibility
//!   pass, page weight, and `check_page` that does them all on a main page.
//! - [`frame`]: the pages every visitor shares: sign-in, quick exit, language, inactivity,
//!   the resilient-form script.
//! - [`network`]: a relay between the browser and the server that a test cuts and restores
//!   (the phone's signal, for every tab and the service worker at once).
//! - [`harness`]: the harness's own checks (width, offline, that each check finds what it
//!   looks for, page weight).
//!
//! Writing a journey (each test is independent: its own server, its own browser):
//!
//! ```ignore
//! let app = spawn_app().await;
//! let world = seed_world(&app).await;
//! let browser = Browser::launch(&app).await;         // 1280 px wide, Vietnamese
//! browser.sign_in("tnv.a1", PASSWORD).await;          // through the real form
//! browser.open("/cases").await;                       // waits for the load event
//! browser.check_page("cases-vi").await;               // screenshots, overflow, a11y, weight
//! browser.follow("#new-case-link").await;             // click, wait for the next page
//! browser.fill("#survivor_age", "34").await;          // or .select(css, value), .click(css)
//! browser.submit("#new-case").await;                  // waits for the answer page
//! assert_eq!(browser.app_path().await.as_deref(), Some("/cases/…"));
//! browser.wait_for_text(".timeline", "…").await;      // every wait has a deadline
//! browser.offline(true).await;                        // a dropped connection
//! browser.close().await;
//! ```
//!
//! Other helpers: `wait_for_path`, `wait_for_js`, `wait_for(what, timeout, async || ..)`,
//! `text`, `page_text`, `attr`, `exists`, `find`, `cookie`, `html_lang`, `press(Key)`,
//! `back`, `sign_out`, `js(script, args)`, `cdp(method, params)`, `set_width`,
//! `screenshot(name, width)`, `check_view(name)` (check_page without the weight, for a page
//! that is the answer to a POST), `client()` for anything else. Two browsers in one test
//! (two users at once) are two `Browser::launch`.
//!
//! Chromium missing fails every test with how to install it (`./test.sh` does); nothing
//! here is skipped. Screenshots, `FAILED-<test>.png` of a failed test, and the table of
//! page weights go to `target/screenshots/`, emptied at the start of each run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr
)]

#[allow(dead_code)]
#[path = "../api/support.rs"]
mod support;

#[allow(dead_code)]
#[path = "../api/cases_kit.rs"]
mod cases_kit;

mod admin_merge;
#[allow(dead_code)]
mod browser;
#[allow(dead_code)]
mod checks;
mod driver;

mod frame;
mod harness;
mod journeys;
mod network;
mod outbox;
mod outbox_held;
mod outbox_journey;
mod outbox_long_journey;
mod real_places;
mod reporting_print;
mod safety;
mod shared_phone;
mod stats_cross;
mod stats_grid;
mod supervisor_pages;
mod volunteer_phone;
