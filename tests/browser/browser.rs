//! [`Browser`]: one headless Chromium, driven through WebDriver, looking at one test server.
//! Each test launches its own (a fresh profile: empty cache, no cookies) and closes it at
//! the end (if the test fails first, dropping it ends the browser all the same).
//!
//! Every wait polls with a deadline ([`WAIT`]) and never sleeps a fixed time; a timeout
//! names what was awaited and where the browser was. Helpers panic with a message naming
//! what failed, so a test reads as a list of steps:
//!
//! ```ignore
//! let browser = Browser::launch(&app).await;
//! browser.sign_in("tnv.a1", PASSWORD).await;
//! browser.open("/cases").await;
//! browser.check_page("cases-vi").await;
//! browser.click("#new-case").await;
//! browser.close().await;
//! ```

use std::fmt::Display;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::key::Key;
use fantoccini::wd::{WebDriverCompatibleCommand, WindowHandle};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::driver::Driver;
use crate::support::TestApp;

/// How long any wait may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(15);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(50);

/// The session cookie of the web app.
pub const SESSION_COOKIE: &str = "tincay_session";

/// One browser, looking at one server.
#[derive(Debug)]
pub struct Browser {
    client: Client,
    /// `http://127.0.0.1:port` of the app.
    origin: String,
    session: String,
    // Dropped after `client`: ends the session if still open, then chromedriver.
    driver: Driver,
}

/// The value of a WebDriver call, or a panic that names it.
pub fn ok<T>(result: Result<T, CmdError>, what: impl Display) -> T {
    result.unwrap_or_else(|error| panic!("{what}: {error}"))
}

impl Browser {
    /// A fresh headless Chromium (its own chromedriver and profile) for `app`, 1280 px wide.
    pub async fn launch(app: &TestApp) -> Browser {
        Self::launch_at(app.addr).await
    }

    /// [`Self::launch`], its pages loaded through `network` (a relay the test can cut).
    pub async fn launch_through(network: &crate::network::Network) -> Browser {
        Self::launch_at(network.addr()).await
    }

    async fn launch_at(addr: std::net::SocketAddr) -> Browser {
        // Both programs first, so that a missing one is named before anything starts.
        crate::driver::chromium_path();
        crate::driver::chromedriver_path();
        let mut driver = tokio::task::spawn_blocking(Driver::start)
            .await
            .unwrap_or_else(|failed| std::panic::resume_unwind(failed.into_panic()));
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(driver.capabilities())
            .connect(&driver.url())
            .await
            .unwrap_or_else(|error| {
                panic!(
                    "Chromium did not start under chromedriver ({}): {error}",
                    driver.url()
                )
            });
        let session = ok(client.session_id().await, "the session id")
            .expect("chromedriver gave a session id");
        driver.session = Some(session.clone());
        let browser = Browser {
            client,
            origin: format!("http://{addr}"),
            session,
            driver,
        };
        browser.set_width(1280).await;
        browser
    }

    /// Ends the browser (call it at the end of each test).
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        self.driver.session = None;
    }

    /// Ends the browser like [`Self::close`], and hands over its profile directory (what
    /// Chromium kept on disk: its autofill store, history, cache), to be looked at.
    pub async fn close_keeping_profile(mut self) -> tempfile::TempDir {
        let _ = self.client.clone().close().await;
        self.driver.session = None;
        self.driver
            .profile
            .take()
            .expect("the profile is not taken yet")
    }

    /// The WebDriver client, for what these helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The app's absolute URL of `path`.
    pub fn url_of(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    // ---- Navigation -------------------------------------------------------------------

    /// Loads `path` of the app and waits for its load event.
    pub async fn open(&self, path: &str) {
        let url = self.url_of(path);
        ok(self.client.goto(&url).await, format!("open {path}"));
        self.wait_for_load().await;
    }

    /// Opens a new, blank tab and looks at it from now on; returns the tab.
    pub async fn new_tab(&self) -> WindowHandle {
        let tab = ok(self.client.new_window(true).await, "a new tab").handle;
        self.to_tab(&tab).await;
        tab
    }

    /// Looks at `tab` from now on (helpers, DevTools commands and scripts act on it).
    pub async fn to_tab(&self, tab: &WindowHandle) {
        ok(
            self.client.switch_to_window(tab.clone()).await,
            "switch to the tab",
        );
    }

    /// Closes `tab` (what its page held in memory is gone; what it stored stays), and looks
    /// at `then` from now on.
    pub async fn close_tab(&self, tab: &WindowHandle, then: &WindowHandle) {
        self.to_tab(tab).await;
        ok(self.client.close_window().await, "close the tab");
        self.to_tab(then).await;
    }

    /// Where the browser is.
    pub async fn current_url(&self) -> url::Url {
        ok(self.client.current_url().await, "the current URL")
    }

    /// The path and query of the page when it is on the app, `None` when the browser is
    /// elsewhere (another site, or an error page of Chromium's own).
    pub async fn app_path(&self) -> Option<String> {
        let url = self.current_url().await;
        path_on(&url, &self.origin)
    }

    /// Waits until the browser shows `path_and_query` of the app, loaded.
    pub async fn wait_for_path(&self, path_and_query: &str) {
        let wanted = path_and_query.to_owned();
        self.wait_for(&format!("the page {path_and_query}"), WAIT, async || {
            let url = self.client.current_url().await.ok()?;
            (path_on(&url, &self.origin).as_deref() == Some(wanted.as_str())).then_some(())
        })
        .await;
        self.wait_for_load().await;
    }

    /// Waits until the page has loaded (`document.readyState` is `complete`).
    pub async fn wait_for_load(&self) {
        self.wait_for_js("the page to load", "document.readyState === 'complete'")
            .await;
    }

    /// The browser's Back button.
    pub async fn back(&self) {
        ok(self.client.back().await, "back");
    }

    // ---- Signing in -------------------------------------------------------------------

    /// Signs in through the real sign-in form, and waits for the page it leads to. Fails if
    /// the form refuses, or no session cookie is set.
    pub async fn sign_in(&self, username: &str, password: &str) {
        self.open("/login").await;
        self.fill("#username", username).await;
        self.fill("#password", password).await;
        self.click("#login [type=submit]").await;
        let outcome = self
            .wait_for_js(
                "the sign-in to finish",
                "return location.pathname !== '/login' && document.readyState === 'complete' \
                 ? 'left' : (document.querySelector('#login .error-message, .error-message') \
                 ? document.querySelector('.error-message').textContent : null)",
            )
            .await;
        assert_eq!(
            outcome,
            json!("left"),
            "signing in as {username} was refused: {outcome}"
        );
        assert!(
            self.cookie(SESSION_COOKIE).await.is_some(),
            "signed in as {username}, but no {SESSION_COOKIE} cookie is set"
        );
    }

    /// Signs out with the frame's button, and waits for the sign-in page.
    pub async fn sign_out(&self) {
        self.click("#sign-out [type=submit]").await;
        self.wait_for_js(
            "the sign-in page after signing out",
            "location.pathname === '/login' && document.readyState === 'complete'",
        )
        .await;
    }

    /// A cookie's value (HttpOnly ones too), if the browser has it for this page's site.
    pub async fn cookie(&self, name: &str) -> Option<String> {
        let cookies = ok(self.client.get_all_cookies().await, "the cookies");
        cookies
            .iter()
            .find(|cookie| cookie.name() == name)
            .map(|cookie| cookie.value().to_owned())
    }

    // ---- The page ---------------------------------------------------------------------

    /// The first element matching `css`, waiting for it to appear.
    pub async fn find(&self, css: &str) -> Element {
        self.wait_for(&format!("an element {css}"), WAIT, async || {
            self.client.find(Locator::Css(css)).await.ok()
        })
        .await
    }

    /// Marks the page shown now, for [`Self::wait_for_new_page`].
    pub async fn mark_page(&self) {
        self.js("document.body.tincayOldPage = true;", vec![]).await;
    }

    /// Waits until the page marked by [`Self::mark_page`] is replaced by another, loaded: a
    /// new page, or the answer a resilient form's script put in its place.
    pub async fn wait_for_new_page(&self) {
        self.wait_for_js(
            "a new page",
            "document.body && !document.body.tincayOldPage && document.readyState === 'complete'",
        )
        .await;
    }

    /// Scrolls the element matching `css` to the middle of the window, as a finger would
    /// before tapping it (WebDriver's own scrolling may leave it under the sticky exit bar).
    async fn bring_to_middle(&self, css: &str) {
        self.js(
            "const el = document.querySelector(arguments[0]);
             if (el) { el.scrollIntoView({ block: 'center', inline: 'nearest' }); }",
            vec![json!(css)],
        )
        .await;
    }

    /// Clicks a link or button that leads to another page (or a form's answer), and waits
    /// for that page.
    pub async fn follow(&self, css: &str) {
        let element = self.find(css).await;
        self.bring_to_middle(css).await;
        self.mark_page().await;
        ok(element.click().await, format!("click {css}"));
        self.wait_for_new_page().await;
    }

    /// Sends the form matching `form_css` with its submit button, and waits for the page
    /// that answers (the redirect after a success, or the form shown again with errors),
    /// whether the form is sent by the browser or by the resilient-form script.
    pub async fn submit(&self, form_css: &str) {
        self.follow(&format!("{form_css} [type=submit]")).await;
    }

    /// Whether an element matches `css` now (no waiting).
    pub async fn exists(&self, css: &str) -> bool {
        !ok(
            self.client.find_all(Locator::Css(css)).await,
            format!("look for {css}"),
        )
        .is_empty()
    }

    /// Clicks the element matching `css`.
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.bring_to_middle(css).await;
        ok(element.click().await, format!("click {css}"));
    }

    /// Replaces the text of the field matching `css` with `text`, typed.
    pub async fn fill(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        ok(element.clear().await, format!("clear {css}"));
        ok(element.send_keys(text).await, format!("type into {css}"));
    }

    /// Chooses the option with `value` in the select matching `css`.
    pub async fn select(&self, css: &str, value: &str) {
        let element = self.find(css).await;
        ok(
            element.select_by_value(value).await,
            format!("choose {value} in {css}"),
        );
    }

    /// The visible text of the element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        ok(element.text().await, format!("the text of {css}"))
    }

    /// Waits until the element matching `css` shows `text` (in part).
    pub async fn wait_for_text(&self, css: &str, text: &str) {
        self.wait_for(&format!("{text:?} in {css}"), WAIT, async || {
            let element = self.client.find(Locator::Css(css)).await.ok()?;
            element.text().await.ok()?.contains(text).then_some(())
        })
        .await;
    }

    /// All the visible text of the page.
    pub async fn page_text(&self) -> String {
        self.text("body").await
    }

    /// An attribute of the element matching `css`.
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        let element = self.find(css).await;
        ok(element.attr(name).await, format!("{name} of {css}"))
    }

    /// `<html lang>`.
    pub async fn html_lang(&self) -> String {
        self.attr("html", "lang").await.unwrap_or_default()
    }

    /// Presses a key (`fantoccini::key::Key`) where the focus is.
    pub async fn press(&self, key: Key) {
        let value: char = key.into();
        let keys = KeyActions::new("keyboard".to_owned())
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
        ok(self.client.perform_actions(keys).await, "press a key");
    }

    /// Runs `script` (the body of a function: `return` gives its value) in the page.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        ok(
            self.client.execute(script, args).await,
            format!("run script {}", first_line(script)),
        )
    }

    // ---- Waiting ----------------------------------------------------------------------

    /// Polls `probe` until it gives a value, failing after `timeout` with a message naming
    /// `what` and where the browser is.
    pub async fn wait_for<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut probe: impl AsyncFnMut() -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(value) = probe().await {
                return value;
            }
            if Instant::now() > deadline {
                let at = match self.client.current_url().await {
                    Ok(url) => url.to_string(),
                    Err(error) => format!("(unknown: {error})"),
                };
                panic!("timed out after {timeout:?} waiting for {what}; the browser is at {at}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Polls a script until it gives a truthy value, and returns that value. `expression` is
    /// an expression, or a function body with `return`. Script errors (a page being replaced)
    /// count as not yet.
    pub async fn wait_for_js(&self, what: &str, expression: &str) -> Value {
        self.wait_for_js_within(what, expression, WAIT).await
    }

    /// [`Self::wait_for_js`] with its own deadline.
    pub async fn wait_for_js_within(
        &self,
        what: &str,
        expression: &str,
        timeout: Duration,
    ) -> Value {
        let script = if expression.trim_start().starts_with("return") {
            expression.to_owned()
        } else {
            format!("return ({expression});")
        };
        self.wait_for(what, timeout, async || {
            let value = self.client.execute(&script, vec![]).await.ok()?;
            truthy(&value).then_some(value)
        })
        .await
    }

    // ---- Chromium's DevTools ----------------------------------------------------------

    /// A DevTools protocol command on the current tab, through chromedriver
    /// (`POST /session/{id}/goog/cdp/execute`).
    pub async fn cdp(&self, method: &str, params: Value) -> Value {
        ok(
            self.client
                .issue_cmd(Cdp {
                    session: self.session.clone(),
                    method: method.to_owned(),
                    params,
                })
                .await,
            format!("DevTools {method}"),
        )
    }

    /// Cuts the browser off the network (`true`) or puts it back (`false`), as a dropped
    /// mobile connection does: requests fail at once, pages stay as they are.
    pub async fn offline(&self, offline: bool) {
        self.cdp("Network.enable", json!({})).await;
        self.cdp(
            "Network.emulateNetworkConditions",
            json!({
                "offline": offline,
                "latency": 0,
                "downloadThroughput": -1,
                "uploadThroughput": -1,
            }),
        )
        .await;
    }
}

/// The path and query of `url` if it is on `origin`.
fn path_on(url: &url::Url, origin: &str) -> Option<String> {
    if url.origin().ascii_serialization() != origin {
        return None;
    }
    Some(match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    })
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

fn first_line(script: &str) -> &str {
    script.lines().next().unwrap_or("")
}

/// chromedriver's DevTools passthrough.
#[derive(Debug)]
struct Cdp {
    session: String,
    method: String,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        _session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", self.session))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = json!({ "cmd": self.method, "params": self.params });
        (axum::http::Method::POST, Some(body.to_string()))
    }
}
