//! The offline outbox in real Chromium (issue 23): WebCrypto's sealing against the shared
//! vector and the Rust side, and a note captured with the network down that leaves nothing
//! readable in the browser (IndexedDB, the Cache API, localStorage, the profile directory)
//! and is recorded once when the page is opened again online.

use serde_json::{Value, json};

use crate::browser::Browser;
use crate::cases_kit::open_case;
use crate::journeys::{event_types, unfold};
use crate::network::Network;
use crate::outbox_journey::{DUMP, WAITING_FN, key_ready, seal};
use crate::shared_phone::files_holding;
use crate::support::{PASSWORD, seed_world, spawn_app};

/// The vector both sides are checked against (computed with Python's `cryptography`).
const VECTOR: &str = include_str!("../vectors/outbox-v1.json");

#[tokio::test]
async fn webcrypto_seals_as_the_shared_vector_says_and_the_server_opens_what_it_seals() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let case = open_case(&app, &token).await;
    let browser = Browser::launch(&app).await;
    browser.sign_in("tnv.a1", PASSWORD).await;
    browser.open(&format!("/cases/{case}")).await;

    // The page's own seal, with the vector's ephemeral key and nonce, gives its bytes.
    let vector: Value = serde_json::from_str(VECTOR).unwrap();
    let sealed = browser
        .js(
            "const v = JSON.parse(arguments[0]);
             const hex = (h) => Uint8Array.from(h.match(/../g), (b) => parseInt(b, 16));
             const b64u = (bytes) => btoa(String.fromCharCode(...bytes))
               .replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
             const pub = hex(v.ephemeral_public);
             const jwk = { kty: 'EC', crv: 'P-256', x: b64u(pub.slice(1, 33)),
                           y: b64u(pub.slice(33)), d: b64u(hex(v.ephemeral_secret)) };
             const curve = { name: 'ECDH', namedCurve: 'P-256' };
             return Promise.all([
               crypto.subtle.importKey('jwk', jwk, curve, false, ['deriveBits']),
               crypto.subtle.importKey('raw', pub, curve, true, []),
             ]).then(([privateKey, publicKey]) => window.tincayOutboxSeal(
               { kid: v.kid, key: btoa(String.fromCharCode(...hex(v.server_public))) },
               v.aad, new TextEncoder().encode(v.plaintext),
               { pair: { privateKey, publicKey }, nonce: hex(v.nonce) }));",
            vec![json!(VECTOR)],
        )
        .await;
    let unbase64 = |field: &str| -> String {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(sealed[field].as_str().unwrap())
            .unwrap();
        bytes.iter().map(|byte| format!("{byte:02x}")).collect()
    };
    assert_eq!(
        unbase64("ciphertext"),
        vector["ciphertext"].as_str().unwrap()
    );
    assert_eq!(
        unbase64("epk"),
        vector["ephemeral_public"].as_str().unwrap()
    );
    assert_eq!(unbase64("nonce"), vector["nonce"].as_str().unwrap());
    assert_eq!(sealed["aad"], vector["aad"]);

    // A record WebCrypto seals with a fresh key, to this server's key, opened by the server.
    let status = browser
        .js(
            "const [user, caseId] = arguments;
             const version = document.querySelector('#note-form [name=version]').value;
             const aad = 'tincay-outbox-v1\\nuser=' + user
               + '\\noutbox=7f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f\\nform=note\\ncase=' + caseId
               + '\\nitem=\\nversion=' + version + '\\nkey=webcrypto-1\\nsealed=' + Date.now() + '\\n';
             const csrf = document.querySelector('input[name=_csrf]').value;
             return fetch('/outbox/key').then((r) => r.json())
               .then((key) => window.tincayOutboxSeal(key, aad,
                 new TextEncoder().encode('text=' + encodeURIComponent('Sealed by WebCrypto'))))
               .then((record) => fetch('/outbox', { method: 'POST', credentials: 'same-origin',
                 headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
                 body: JSON.stringify(record) }))
               .then((response) => response.status);",
            vec![
                json!(world.volunteer_a1.as_uuid().to_string()),
                json!(case),
            ],
        )
        .await;
    assert_eq!(status, json!(201));
    assert_eq!(event_types(&app, &case), ["case_opened", "note_added"]);
    browser.close().await;
}

#[tokio::test]
async fn a_note_captured_offline_leaves_nothing_readable_and_is_recorded_once_online() {
    const CANARY: &str = "CANARY-outbox-7e4";
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let case = open_case(&app, &token).await;
    let network = Network::in_front_of(app.addr).await;
    let browser = Browser::launch_through(&network).await;
    browser.sign_in("tnv.a1", PASSWORD).await;
    browser.open(&format!("/cases/{case}")).await;
    let registered = browser
        .js(
            "return navigator.serviceWorker.register('/sw.js')
               .then(() => navigator.serviceWorker.ready).then(() => 'ready', (e) => String(e));",
            vec![],
        )
        .await;
    assert_eq!(registered, json!("ready"));
    unfold(&browser, "#note").await;
    browser
        .fill("#note-form [name='text']", &format!("Gọi lại {CANARY}"))
        .await;

    browser
        .wait_for_js(
            "the outbox's key, fetched while online",
            "document.body.hasAttribute('data-outbox-ready')",
        )
        .await;
    network.cut_for(&browser).await;
    browser.click("#note-form [type=submit]").await;
    browser
        .wait_for_js(
            "the note sealed, beside the button",
            "document.querySelector('#note-form [type=submit] + .outbox-near') !== null",
        )
        .await;
    assert_eq!(event_types(&app, &case), ["case_opened"]);
    let typed = browser
        .js(
            "return document.querySelector('#note-form [name=\"text\"]').value;",
            vec![],
        )
        .await;
    assert_eq!(typed, json!(""), "the form is cleared");

    let stored = browser.js(DUMP, vec![]).await;
    let dump = stored.to_string();
    assert!(
        dump.contains("tincay-outbox-v1"),
        "the sealed record: {dump}"
    );
    for needle in [CANARY, "Gọi lại", "G%E1%BB%8Di"] {
        assert!(
            !dump.contains(needle),
            "{needle} in the browser's storage: {dump}"
        );
    }

    // The tab is opened again with the network back: the page load sends the record.
    network.restore_for(&browser).await;
    browser.open(&format!("/cases/{case}")).await;
    browser
        .wait_for_js(
            "the outbox to be sent",
            &format!("return ({WAITING_FN})().then((n) => n === 0)"),
        )
        .await;
    browser.open(&format!("/cases/{case}")).await;
    assert_eq!(event_types(&app, &case), ["case_opened", "note_added"]);
    let profile = browser.close_keeping_profile().await;
    let found = files_holding(profile.path(), CANARY);
    assert!(found.is_empty(), "the profile holds the note: {found:?}");
}

/// Attack on the phone's storage: anything on the origin that creates the outbox's database
/// before the page first opens it (an old version of the app, a probe, an extension's
/// script) made a database without its stores, and version 1 of the outbox then failed every
/// capture on that phone: the form was neither sent nor sealed. Version 2 repairs it.
#[tokio::test]
async fn a_phone_whose_outbox_database_exists_without_its_stores_still_seals_and_sends() {
    const CANARY: &str = "CANARY-outbox-repair-3b8";
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let case = open_case(&app, &token).await;
    let network = Network::in_front_of(app.addr).await;
    let browser = Browser::launch_through(&network).await;
    browser.open("/login").await;
    let made = browser
        .js(
            "return new Promise((resolve) => {
               const open = indexedDB.open('tincay-outbox', 1);
               open.onsuccess = () => {
                 const stores = open.result.objectStoreNames.length;
                 open.result.close();
                 resolve(stores);
               };
               open.onerror = () => resolve(String(open.error));
             });",
            vec![],
        )
        .await;
    assert_eq!(
        made,
        json!(0),
        "a database without stores, before signing in"
    );
    browser.sign_in("tnv.a1", PASSWORD).await;
    browser.open(&format!("/cases/{case}")).await;
    key_ready(&browser).await;
    network.cut_for(&browser).await;
    unfold(&browser, "#note").await;
    browser
        .fill("#note-form [name='text']", &format!("Gọi lại {CANARY}"))
        .await;
    seal(&browser, "#note-form", 0).await;
    let dump = browser.js(DUMP, vec![]).await.to_string();
    assert!(
        dump.contains("tincay-outbox-v1"),
        "the sealed record: {dump}"
    );
    assert!(!dump.contains(CANARY), "the note in the browser's storage");

    network.restore_for(&browser).await;
    browser.open(&format!("/cases/{case}")).await;
    browser
        .wait_for_js(
            "the outbox to be sent",
            &format!("return ({WAITING_FN})().then((n) => n === 0)"),
        )
        .await;
    assert_eq!(event_types(&app, &case), ["case_opened", "note_added"]);
    browser.close().await;
}
