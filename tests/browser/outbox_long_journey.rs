//! The offline outbox's long journey in real Chromium (issue 23), as a volunteer in a
//! mountain commune lives it: two tabs open while the signal holds (the new-case form and
//! one of her cases); the signal goes ([`Network::cut`]: every tab and the service worker
//! lose it); she records a new case and, on her case, a night of shelter and a note,
//! correcting a field of each before she taps send; she closes the tabs and opens the app
//! again while still offline; the web session's idle time passes; the signal comes back and
//! the app asks her to sign in; she signs in.
//!
//! Shown: each record is recorded exactly once (a resend of the same sealed records changes
//! nothing), in the order she sealed them, as corrected; before she signs in nothing is sent
//! and nothing shows; after capture, IndexedDB, the Cache API, localStorage and
//! sessionStorage hold none of the case's canary strings, nor does any file of the Chromium
//! profile at the end.

use serde_json::{Value, json};
use tincay::store::log::RecordedPii;

use crate::browser::{Browser, ok};
use crate::cases_kit::open_case;
use crate::journeys::{event_types, fill_new_case, unfold};
use crate::network::Network;
use crate::outbox_journey::{DUMP, WAITING_FN, key_ready, seal, waiting};
use crate::shared_phone::files_holding;
use crate::support::{PASSWORD, TestApp, seed_world, spawn_app};

/// The survivor's name in the new case.
const NAME: &str = "CANARY-offline-name-3b9";
/// What she typed first, then corrected before tapping send (the narrative and the note).
const DRAFT: &str = "CANARY-offline-draft-0c2";
/// The new case's narrative as corrected.
const NARRATIVE: &str = "CANARY-offline-story-81d";
/// The support record's notes.
const SUPPORT: &str = "CANARY-offline-support-6fa";
/// The note as corrected.
const NOTE: &str = "CANARY-offline-note-47e";
const CANARIES: [&str; 5] = [NAME, DRAFT, NARRATIVE, SUPPORT, NOTE];

/// An event of a case stream: its case id, type, coded facts and personal part (JSON).
#[derive(Debug)]
struct CaseEvent {
    case: String,
    event_type: String,
    facts: String,
    pii: String,
}

/// The events appended to case streams after log position `after`, in the log's order.
fn case_events_after(app: &TestApp, after: u64) -> Vec<CaseEvent> {
    let text = |bytes: &[u8]| String::from_utf8(bytes.to_vec()).unwrap();
    app.state
        .log
        .read_from(after + 1, 10_000)
        .unwrap()
        .into_iter()
        .filter_map(|event| {
            let case = event.stream.uuid_of("case")?.to_string();
            Some(CaseEvent {
                case,
                event_type: event.event_type.clone(),
                facts: text(event.facts.as_bytes()),
                pii: match &event.pii {
                    RecordedPii::Present(plain) => text(plain.as_bytes()),
                    _ => String::new(),
                },
            })
        })
        .collect()
}

#[tokio::test]
async fn captured_offline_across_a_closed_tab_and_an_expired_session_each_record_is_recorded_once_in_order_as_corrected()
 {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let case = open_case(&app, &token).await;
    let network = Network::in_front_of(app.addr).await;
    let browser = Browser::launch_through(&network).await;
    browser.sign_in("tnv.a1", PASSWORD).await;

    // While the signal holds: the new-case form in one tab, her case in another.
    let form_tab = ok(browser.client().window().await, "the first tab");
    browser.open("/cases/new").await;
    key_ready(&browser).await;
    let case_tab = browser.new_tab().await;
    browser.open(&format!("/cases/{case}")).await;
    key_ready(&browser).await;
    let before = app.head();

    // The signal goes. A new case, its narrative corrected before she taps send.
    network.cut().await;
    browser.to_tab(&form_tab).await;
    fill_new_case(&browser, &format!("Bản nháp {DRAFT}")).await;
    browser
        .fill("[name='survivor.name']", &format!("Lò Thị {NAME}"))
        .await;
    browser
        .fill(
            "[name='narrative']",
            &format!("Chồng đánh, chị chạy sang nhà hàng xóm. {NARRATIVE}"),
        )
        .await;
    seal(&browser, "#new-case-form", 0).await;

    // On her case: a night of shelter corrected to two, then a note corrected.
    browser.to_tab(&case_tab).await;
    unfold(&browser, "#support").await;
    browser
        .select("#support-form [name='type']", "shelter")
        .await;
    browser.fill("#support-form [name='nights']", "1").await;
    browser
        .fill(
            "#support-form [name='notes']",
            &format!("Ngủ ở nhà chị Hoa {SUPPORT}"),
        )
        .await;
    browser.fill("#support-form [name='nights']", "2").await;
    seal(&browser, "#support-form", 1).await;
    unfold(&browser, "#note").await;
    browser
        .fill("#note-form [name='text']", &format!("Nháp {DRAFT}"))
        .await;
    browser
        .fill(
            "#note-form [name='text']",
            &format!("Gọi lại lúc 5 giờ chiều {NOTE}"),
        )
        .await;
    seal(&browser, "#note-form", 2).await;
    assert_eq!(app.head(), before, "nothing reached the server");
    let shown = browser.text("#outbox-top").await;
    assert!(shown.contains('3'), "three records waiting: {shown}");

    // What the browser keeps where script can read it: sealed records only.
    let dump = browser.js(DUMP, vec![]).await;
    let stored = dump.to_string();
    let page = browser.page_text().await;
    for canary in CANARIES {
        assert!(
            !stored.contains(canary),
            "{canary} in the browser's storage"
        );
        assert!(!page.contains(canary), "{canary} still on the page");
    }
    let idb: Value = serde_json::from_str(dump["idb"].as_str().unwrap()).unwrap();
    let sealed: Vec<Value> = idb[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|kept| kept["record"].clone())
        .collect();
    assert_eq!(sealed.len(), 3, "{stored}");
    for record in &sealed {
        assert_eq!(record["format"], json!("tincay-outbox-v1"));
    }

    // She closes both tabs and opens the app again, still without a signal.
    let reopened = browser.new_tab().await;
    browser.close_tab(&form_tab, &reopened).await;
    browser.close_tab(&case_tab, &reopened).await;
    // Chromium shows its own "no connection" page (chromedriver may call it an error).
    let _ = browser.client().goto(&browser.url_of("/cases")).await;
    assert_eq!(app.head(), before, "nothing reached the server");

    // Longer than the web session's idle time passes; the signal comes back; the app asks
    // her to sign in. Nothing is sent and nothing about the outbox shows before she does.
    app.clock
        .advance(app.state.settings.web_session_idle + time::Duration::minutes(1));
    network.restore();
    browser.open("/cases").await;
    let at = browser.app_path().await.unwrap_or_default();
    assert!(at.starts_with("/login"), "the session expired: {at}");
    assert!(!browser.exists("#outbox-top").await, "hidden until sign-in");
    assert_eq!(waiting(&browser).await, 3, "kept through all of it");
    assert!(case_events_after(&app, before).is_empty(), "nothing sent");
    assert_eq!(event_types(&app, &case), ["case_opened"]);

    // She signs in: the page she lands on sends them, one at a time.
    browser.sign_in("tnv.a1", PASSWORD).await;
    browser
        .wait_for_js(
            "her three records to be sent",
            &format!("return ({WAITING_FN})().then((n) => n === 0)"),
        )
        .await;
    let recorded = case_events_after(&app, before);
    let kinds: Vec<&str> = recorded.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        kinds,
        ["case_opened", "support_provided", "note_added"],
        "in the order sealed"
    );
    let [opened, support, note] = &recorded[..] else {
        unreachable!()
    };
    assert_ne!(opened.case, case, "a new case");
    assert_eq!(
        (support.case.as_str(), note.case.as_str()),
        (&*case, &*case)
    );
    assert!(opened.pii.contains(NAME) && opened.pii.contains(NARRATIVE));
    assert!(support.pii.contains(SUPPORT));
    assert!(
        support.facts.contains("\"nights\":2"),
        "corrected: {}",
        support.facts
    );
    assert!(note.pii.contains(NOTE));
    for event in &recorded {
        assert!(!event.pii.contains(DRAFT), "the first version was recorded");
    }
    assert_eq!(
        event_types(&app, &case),
        ["case_opened", "support_provided", "note_added"]
    );

    // Exactly once: the same sealed records sent again, and another page load, record
    // nothing more.
    for record in &sealed {
        let status = browser
            .js(
                "const csrf = document.querySelector('input[name=_csrf]').value;
                 return fetch('/outbox', { method: 'POST', credentials: 'same-origin',
                   headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
                   body: JSON.stringify(arguments[0]) }).then((r) => r.status);",
                vec![record.clone()],
            )
            .await;
        assert_eq!(status, json!(201), "a resend answers as the first send did");
    }
    browser.open("/cases").await;
    assert!(!browser.exists("#outbox-top").await, "nothing waits");
    assert_eq!(case_events_after(&app, before).len(), 3, "recorded once");

    // Nothing of what she typed in any file Chromium kept.
    let profile = browser.close_keeping_profile().await;
    for canary in CANARIES {
        let found = files_holding(profile.path(), canary);
        assert!(found.is_empty(), "{canary} in the profile: {found:?}");
    }
}
