//! Browser tests: real headless Chromium (Debian's `chromium`, driven through its
//! `chromedriver` with fantoccini) against a real server on port 0 (`spawn_app`).
//!
//! - [`driver`]: the chromedriver and Chromium processes of one test, fresh profile each.
//! - [`browser`]: [`browser::Browser`], the helpers tests are written with: `launch`,
//!   `sign_in`, `open`, `click`, `fill`, `wait_for_*`, `offline`, `cdp`, `close`.
//! - [`checks`]: screenshots, horizontal overflow, the accessibility pass, page weight, and
//!   `check_page` that does them all on a main page.
//! - [`frame`]: the pages every visitor shares: sign-in, quick exit, language, inactivity.
//! - [`harness`]: the harness's own checks (width, offline).
//!
//! Chromium missing fails every test with how to install it (`./test.sh` does); nothing
//! here is skipped. Screenshots and the table of page weights go to `target/screenshots/`.
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
mod browser;
#[allow(dead_code)]
mod checks;
mod driver;

mod frame;
mod harness;
