//! The phone says when a record it sent was held on the server rather than recorded
//! (issue 23): `POST /outbox` answered 202, so the sealed copy leaves the phone, and beside
//! the button she tapped and at the top of her pages "records sent while offline need
//! attention" links to `/outbox/held`, in her language, until she opens that list.

use serde_json::json;

use crate::browser::Browser;
use crate::cases_kit::{open_case, post, tokens};
use crate::journeys::{event_types, unfold};
use crate::network::Network;
use crate::outbox_journey::{DUMP, WAITING_FN, key_ready, seal};
use crate::support::{PASSWORD, seed_world, spawn_app};

const NOTE: &str = "CANARY-held-note-9d2";

#[tokio::test]
async fn a_record_held_on_the_server_says_needs_attention_beside_the_button_with_a_link_to_the_list()
 {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let network = Network::in_front_of(app.addr).await;
    let browser = Browser::launch_through(&network).await;
    browser.sign_in("tnv.a1", PASSWORD).await;
    browser.open(&format!("/cases/{case}")).await;
    key_ready(&browser).await;
    network.cut_for(&browser).await;
    unfold(&browser, "#note").await;
    browser
        .fill("#note-form [name='text']", &format!("Gọi lại {NOTE}"))
        .await;
    seal(&browser, "#note-form", 0).await;

    // Meanwhile her supervisor closes the case: the note no longer applies.
    let close = json!({"reason": "safe", "closed_on": "2026-11-19"});
    let closed = post(
        &app,
        &t.supervisor_a,
        &format!("/cases/{case}/close"),
        &close,
    )
    .await;
    assert_eq!(closed.status, 201, "{}", closed.text);

    // The signal returns: sent, held (202), and the note beside the button says so.
    network.restore_for(&browser).await;
    let near = "#note-form [type=submit] + .outbox-near a[href='/outbox/held']";
    browser
        .wait_for_js(
            "the held notice beside the button",
            &format!("document.querySelector(\"{near}\") !== null"),
        )
        .await;
    let said = browser.text(near).await;
    assert!(
        said.contains("1 bản ghi") && said.contains("cần xem lại"),
        "{said}"
    );
    let top = browser.text("#outbox-top").await;
    assert!(top.contains("cần xem lại"), "{top}");
    assert!(!top.contains("đang chờ gửi"), "nothing waits: {top}");
    assert!(
        !browser.exists("#outbox-top .outbox-delete").await,
        "nothing to delete"
    );
    assert_eq!(event_types(&app, &case), ["case_opened", "case_closed"]);

    // Only the mark stays on the phone: its kind and time, not the sealed record.
    let dump = browser.js(DUMP, vec![]).await;
    let kept = dump["idb"].as_str().unwrap();
    assert!(kept.contains("\"held\":true"), "the mark: {kept}");
    assert!(
        !kept.contains("ciphertext"),
        "the sealed copy is gone: {kept}"
    );
    assert!(!dump.to_string().contains(NOTE));

    // Another page: still said, at the top, in English too.
    browser.open("/cases").await;
    browser.click("#lang-switch").await;
    browser
        .wait_for_js("the English page", "document.documentElement.lang === 'en'")
        .await;
    browser
        .wait_for_js(
            "the held notice",
            "document.querySelector('#outbox-top a.outbox-held') !== null",
        )
        .await;
    let link = browser.text("#outbox-top a.outbox-held").await;
    assert!(link.contains("need attention"), "{link}");

    // She opens the list: the record is there, and the phone's mark is cleared.
    browser.follow("#outbox-top a.outbox-held").await;
    assert_eq!(browser.app_path().await.as_deref(), Some("/outbox/held"));
    browser
        .wait_for_js(
            "the mark cleared",
            &format!("return ({WAITING_FN})().then((n) => n === 0)"),
        )
        .await;
    browser.open("/cases").await;
    assert!(!browser.exists("#outbox-top").await);
    browser.close().await;
}
