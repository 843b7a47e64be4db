//! The offline outbox's long journeys in real Chromium (issue 23), the network cut by the
//! test's relay ([`crate::network`]: the DevTools protocol's emulation alone does not reach
//! the service worker, through which a request could still get out):
//!
//! - a shared phone: another user signing in neither sees nor sends the first one's records,
//!   which wait for her; "delete what is waiting on this phone" asks first;
//! - leaving a form with unsent input asks first (`beforeunload`), a sealed form does not;
//! - the service worker caches the app shell only: no page, no form, nothing of a case.

use serde_json::json;

use crate::browser::Browser;
use crate::cases_kit::open_case;
use crate::journeys::{event_types, unfold};
use crate::network::Network;
use crate::support::{PASSWORD, seed_world, spawn_app};

/// Everything the page's origin stores where script can read it: localStorage,
/// sessionStorage, IndexedDB's outbox and every response in the Cache API (URL and body).
///
/// Neither this nor [`WAITING_FN`] creates the outbox's database: an open of one that does not
/// exist yet is aborted in its upgrade. (A probe that created it, empty, before the page's
/// first open made every capture on that phone fail: the cause of the outbox tests' failures
/// under load, and of the app's version 2, which repairs such a database.)
pub(crate) const DUMP: &str =
    "const dump = { local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage) };
    const idb = new Promise((resolve) => {
      const open = indexedDB.open('tincay-outbox');
      open.onupgradeneeded = () => open.transaction.abort();
      open.onerror = () => resolve('[]');
      open.onsuccess = () => {
        const t = open.result.transaction(['records', 'outboxes']);
        const all = [];
        t.objectStore('records').getAll().onsuccess = (e) => all.push(e.target.result);
        t.objectStore('outboxes').getAll().onsuccess = (e) => all.push(e.target.result);
        t.oncomplete = () => { open.result.close(); resolve(JSON.stringify(all)); };
      };
    });
    const cached = caches.keys().then((names) => Promise.all(names.map((name) =>
      caches.open(name).then((cache) => cache.keys().then((requests) => Promise.all(
        requests.map((request) => cache.match(request).then((r) => r.text().then((text) =>
          ({ url: request.url, type: r.headers.get('content-type') || '', body: text }))))))))));
    return Promise.all([idb, cached]).then(([records, caches]) => {
      dump.idb = records; dump.caches = caches.flat(); return dump; });";

async fn register_worker(browser: &Browser) {
    let registered = browser
        .js(
            "return navigator.serviceWorker.register('/sw.js')
               .then(() => navigator.serviceWorker.ready).then(() => 'ready', (e) => String(e));",
            vec![],
        )
        .await;
    assert_eq!(registered, json!("ready"));
}

pub(crate) async fn key_ready(browser: &Browser) {
    browser
        .wait_for_js(
            "the outbox's key, fetched while online",
            "document.body.hasAttribute('data-outbox-ready')",
        )
        .await;
}

/// How many records wait in the phone's outbox (any user's).
pub(crate) async fn waiting(browser: &Browser) -> u64 {
    browser
        .js(&format!("return ({WAITING_FN})();"), vec![])
        .await
        .as_u64()
        .unwrap()
}

/// Submits `form` with the network down and waits until it is sealed beside its button.
pub(crate) async fn seal(browser: &Browser, form: &str, before: u64) {
    browser.click(&format!("{form} [type=submit]")).await;
    browser
        .wait_for_js(
            "the form sealed into the outbox",
            &format!("return ({WAITING_FN})().then((n) => n === {})", before + 1),
        )
        .await;
    browser
        .wait_for_js(
            "the note beside the button",
            &format!("document.querySelector('{form} [type=submit] + .outbox-near') !== null"),
        )
        .await;
}

/// How many records wait, as a function expression returning a promise, for use inside other
/// scripts; 0 when the database does not exist (see [`DUMP`]).
pub(crate) const WAITING_FN: &str = "() => new Promise((resolve) => {
    const open = indexedDB.open('tincay-outbox');
    open.onupgradeneeded = () => open.transaction.abort();
    open.onerror = () => resolve(0);
    open.onsuccess = () => {
      const req = open.result.transaction('records').objectStore('records').count();
      req.onsuccess = () => { open.result.close(); resolve(req.result); };
    };
  })";

#[tokio::test]
async fn on_a_shared_phone_another_user_neither_sees_nor_sends_her_records() {
    const NOTE: &str = "CANARY-shared-note-5a1";
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let case = open_case(&app, &token).await;
    let network = Network::in_front_of(app.addr).await;
    let browser = Browser::launch_through(&network).await;
    browser.sign_in("tnv.a1", PASSWORD).await;
    browser.open(&format!("/cases/{case}")).await;
    key_ready(&browser).await;
    network.cut_for(&browser).await;
    unfold(&browser, "#note").await;
    browser.fill("#note-form [name='text']", NOTE).await;
    seal(&browser, "#note-form", 0).await;
    assert!(browser.exists("#outbox-top").await);
    // Her session ends before the network is back (the idle timeout): the record waits.
    app.clock
        .advance(app.state.settings.web_session_idle + time::Duration::minutes(1));
    network.restore_for(&browser).await;
    assert_eq!(waiting(&browser).await, 1);

    // Another volunteer signs in on the same phone: no count, nothing sent for her.
    browser.sign_in("tnv.a2", PASSWORD).await;
    browser.open("/cases").await;
    assert!(!browser.exists("#outbox-top").await, "not her records");
    assert_eq!(waiting(&browser).await, 1, "kept for their owner");
    assert_eq!(event_types(&app, &case), ["case_opened"]);
    browser.sign_out().await;

    // Back to her: sent.
    browser.sign_in("tnv.a1", PASSWORD).await;
    browser
        .wait_for_js(
            "her record to be sent",
            &format!("return ({WAITING_FN})().then((n) => n === 0)"),
        )
        .await;
    assert_eq!(event_types(&app, &case), ["case_opened", "note_added"]);

    // "Delete what is waiting on this phone" asks first; declined, nothing goes.
    browser.open(&format!("/cases/{case}")).await;
    key_ready(&browser).await;
    network.cut_for(&browser).await;
    unfold(&browser, "#note").await;
    browser.fill("#note-form [name='text']", "second").await;
    seal(&browser, "#note-form", 0).await;
    browser
        .js(
            "window.__asked = 0; window.confirm = () => { window.__asked++; return false; };",
            vec![],
        )
        .await;
    browser.click("#outbox-top .outbox-delete").await;
    assert_eq!(browser.js("return window.__asked;", vec![]).await, json!(1));
    assert_eq!(waiting(&browser).await, 1, "declined: kept");
    browser
        .js(
            "window.confirm = () => { window.__asked++; return true; };",
            vec![],
        )
        .await;
    browser.click("#outbox-top .outbox-delete").await;
    browser
        .wait_for_js(
            "the outbox emptied",
            &format!("return ({WAITING_FN})().then((n) => n === 0)"),
        )
        .await;
    assert_eq!(browser.js("return window.__asked;", vec![]).await, json!(2));
    network.restore_for(&browser).await;
    browser.close().await;
    assert_eq!(event_types(&app, &case), ["case_opened", "note_added"]);
}

#[tokio::test]
async fn leaving_a_form_with_unsent_input_asks_first_and_a_sealed_one_does_not() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let case = open_case(&app, &token).await;
    let network = Network::in_front_of(app.addr).await;
    let browser = Browser::launch_through(&network).await;
    browser.sign_in("tnv.a1", PASSWORD).await;
    browser.open(&format!("/cases/{case}")).await;
    key_ready(&browser).await;
    // The page's own `beforeunload` handler, asked as the browser asks it.
    let asks = "const event = new Event('beforeunload', { cancelable: true });
        window.dispatchEvent(event); return event.defaultPrevented;";
    assert_eq!(
        browser.js(asks, vec![]).await,
        json!(false),
        "nothing typed"
    );
    unfold(&browser, "#note").await;
    browser.fill("#note-form [name='text']", "đang viết").await;
    assert_eq!(browser.js(asks, vec![]).await, json!(true), "unsent input");
    network.cut_for(&browser).await;
    seal(&browser, "#note-form", 0).await;
    assert_eq!(
        browser.js(asks, vec![]).await,
        json!(false),
        "sealed: nothing unsent"
    );
    network.restore_for(&browser).await;
    browser.close().await;
}

#[tokio::test]
async fn the_service_worker_caches_the_app_shell_only_never_a_page_or_a_form() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let case = open_case(&app, &token).await;
    let network = Network::in_front_of(app.addr).await;
    let browser = Browser::launch_through(&network).await;
    browser.sign_in("tnv.a1", PASSWORD).await;
    browser.open(&format!("/cases/{case}")).await;
    register_worker(&browser).await;
    for path in [
        "/cases/new".to_owned(),
        format!("/cases/{case}"),
        "/cases".to_owned(),
    ] {
        browser.open(&path).await;
        key_ready(&browser).await;
    }
    let dump = browser.js(DUMP, vec![]).await;
    let cached = dump["caches"].as_array().unwrap();
    assert!(!cached.is_empty(), "the shell is cached");
    for entry in cached {
        let url = entry["url"].as_str().unwrap();
        let path = url::Url::parse(url).unwrap().path().to_owned();
        assert!(
            path.starts_with("/assets/") || path == "/outbox/key",
            "not the app shell: {url}"
        );
        let kind = entry["type"].as_str().unwrap();
        assert!(!kind.contains("html"), "{url} is a page: {kind}");
        let body = entry["body"].as_str().unwrap();
        assert!(!body.contains("<form"), "{url} holds a form");
        assert!(
            !body.contains(crate::cases_kit::CANARY),
            "{url} holds the case"
        );
    }
    // Offline, no page comes from the cache.
    network.cut_for(&browser).await;
    let served = browser
        .js(
            "return fetch(arguments[0], { credentials: 'same-origin' })
               .then((r) => r.status, () => 'failed');",
            vec![json!(format!("/cases/{case}"))],
        )
        .await;
    assert_eq!(
        served,
        json!("failed"),
        "the case page is not served from a cache"
    );
    network.restore_for(&browser).await;
    browser.close().await;
}
