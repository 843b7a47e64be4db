//! What must hold when things go wrong, in the browser: a concurrent update is shown as a
//! conflict with the volunteer's input kept; a volunteer who edits the URL cannot reach
//! another address's case; and a new case sent while the connection is down keeps what she
//! typed, goes through once the connection is back, and is recorded once.

use serde_json::json;

use crate::browser::Browser;
use crate::cases_kit::{CANARY, open_case, open_case_at, post};
use crate::journeys::{event_types, fill_new_case, unfold};
use crate::network::Network;
use crate::support::{PASSWORD, seed_world, spawn_app};

#[tokio::test]
async fn a_conflicting_update_is_shown_with_her_note_kept() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let volunteer = app.token_for(world.volunteer_a1);
    let case = open_case(&app, &volunteer).await;
    let browser = Browser::launch(&app).await;
    browser.sign_in("tnv.a1", PASSWORD).await;
    browser.open(&format!("/cases/{case}")).await;
    unfold(&browser, "#note").await;
    browser
        .fill("#note-form [name='text']", "Chị đã gọi lại, an toàn.")
        .await;

    // Meanwhile, the supervisor adds a note of her own.
    let supervisor = app.token_for(world.supervisor_a);
    let reply = post(
        &app,
        &supervisor,
        &format!("/cases/{case}/notes"),
        &json!({"text": "Giám sát đã xem."}),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);

    browser.submit("#note-form").await;
    let conflict = browser.text("#conflict").await;
    assert!(conflict.contains("Người khác vừa cập nhật"), "{conflict}");
    let kept = browser
        .js(
            "return document.querySelector('#note-form [name=\"text\"]').value;",
            vec![],
        )
        .await;
    assert_eq!(kept, json!("Chị đã gọi lại, an toàn."));
    assert!(browser.page_text().await.contains("Giám sát đã xem."));
    browser.check_view("case-conflict").await;
    assert_eq!(
        event_types(&app, &case).len(),
        2,
        "her note was not written"
    );

    // Sent again on the new state, it goes through.
    browser.submit("#note-form").await;
    assert!(!browser.exists("#conflict").await);
    assert_eq!(
        event_types(&app, &case),
        ["case_opened", "note_added", "note_added"]
    );
    browser.close().await;
}

#[tokio::test]
async fn a_volunteer_cannot_reach_another_addresss_case_by_editing_the_url() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let supervisor = app.token_for(world.supervisor_a);
    let elsewhere = open_case_at(&app, &supervisor, world.address_a1_second).await;
    let browser = Browser::launch(&app).await;
    browser.sign_in("tnv.a1", PASSWORD).await;
    browser.open(&format!("/cases/{elsewhere}")).await;
    let page = browser.page_text().await;
    assert!(page.contains("Không tìm thấy"), "{page}");
    assert!(
        !page.contains(CANARY),
        "another address's case leaked: {page}"
    );
    browser.check_view("case-not-found").await;
    browser
        .open(&format!("/cases/{elsewhere}/access-log"))
        .await;
    assert!(!browser.page_text().await.contains(CANARY));
    browser.close().await;
}

/// Issue 23: a new case sent with no network is sealed to the server into the outbox, the
/// form is cleared (nothing she typed stays on the page or in the browser), "1 record waiting"
/// shows beside the button she tapped, and back online it is recorded once.
#[tokio::test]
async fn a_new_case_sent_while_offline_is_sealed_cleared_and_recorded_once_online() {
    let app = spawn_app().await;
    seed_world(&app).await;
    let network = Network::in_front_of(app.addr).await;
    let browser = Browser::launch_through(&network).await;
    browser.sign_in("tnv.a1", PASSWORD).await;
    browser.open("/cases/new").await;
    fill_new_case(&browser, "Mất mạng giữa chừng.").await;

    browser
        .wait_for_js(
            "the outbox's key, fetched while online",
            "document.body.hasAttribute('data-outbox-ready')",
        )
        .await;
    network.cut_for(&browser).await;
    browser.click("#new-case-form [type=submit]").await;
    browser
        .wait_for_js(
            "the record sealed, beside the button",
            "document.querySelector('#new-case-form [type=submit] + .outbox-near') !== null",
        )
        .await;
    let typed = browser
        .js(
            "return document.querySelector('[name=\"narrative\"]').value;",
            vec![],
        )
        .await;
    assert_eq!(typed, json!(""), "the form is cleared");
    assert!(!browser.page_text().await.contains("Mất mạng"));
    let near = browser.text("#new-case-form .outbox-near").await;
    assert!(near.contains('1'), "{near}");
    assert_eq!(browser.app_path().await.as_deref(), Some("/cases/new"));
    assert_eq!(
        app.state.projections.cases.select(|_| true).len(),
        0,
        "nothing reached the server"
    );

    network.restore_for(&browser).await;
    browser
        .wait_for_js(
            "the outbox to be sent",
            "document.getElementById('outbox-top') === null",
        )
        .await;
    let cases = app.state.projections.cases.select(|_| true);
    assert_eq!(cases.len(), 1, "recorded once");
    browser.close().await;
}
