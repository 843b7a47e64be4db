//! The supervisor at 1280 px (issue 24): the review page shows what a decision needs (the
//! request's notes, the risk level, the follow-ups, the notes recorded) and warns before a
//! high-risk case opened days ago is closed; the transfer and erase pages say which case
//! they act on (code, day opened, trusted address); and each action ends with a message
//! saying it was done.

use serde_json::json;

use crate::browser::Browser;
use crate::cases_kit::{open_case_with, opening, post, schedule};
use crate::journeys::case_id_of_page;
use crate::support::{PASSWORD, TestApp, World, seed_world, spawn_app};

/// A case of volunteer a1 at `risk`, with a note and a follow-up, whose closure she asked
/// for with `notes`: its id.
async fn closure_asked(app: &TestApp, world: &World, risk: &str, notes: &str) -> String {
    let volunteer = app.token_for(world.volunteer_a1);
    let mut body = opening();
    body["risk_level"] = json!(risk);
    let case = open_case_with(app, &volunteer, &body).await;
    let noted = post(
        app,
        &volunteer,
        &format!("/cases/{case}/notes"),
        &json!({"text": "Chồng vẫn gọi điện đe dọa"}),
    )
    .await;
    assert!(noted.status < 300, "{}", noted.text);
    schedule(app, &volunteer, &case, "2026-11-19").await;
    let asked = post(
        app,
        &volunteer,
        &format!("/cases/{case}/close"),
        &json!({"reason": "safe", "closed_on": "2026-11-20", "notes": notes}),
    )
    .await;
    assert!(asked.status < 300, "{}", asked.text);
    case
}

#[tokio::test]
async fn the_review_page_shows_what_a_decision_needs_and_warns_on_a_recent_high_risk_case() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let risky = closure_asked(&app, &world, "high", "Đã về nhà mẹ đẻ").await;
    let calm = closure_asked(&app, &world, "low", "Đã ổn định").await;
    let browser = Browser::launch(&app).await;
    browser.sign_in("gs.a", PASSWORD).await;
    let case_id = tincay::domain::ids::CaseId::from_uuid(risky.parse().unwrap());
    let reads = || {
        tincay::access_log::for_case(&app.state.log, &case_id)
            .unwrap()
            .len()
    };
    let before = reads();

    browser.open(&format!("/cases/{risky}/review")).await;
    // The page read the case: the read is in its access log, as any other.
    assert!(reads() > before);
    browser.check_page("review-high-risk").await;
    assert!(browser.text("#review-risk").await.contains("Cao"));
    assert_eq!(browser.text("#request-notes").await, "Đã về nhà mẹ đẻ");
    assert!(
        browser
            .text("#review-notes")
            .await
            .contains("Chồng vẫn gọi điện đe dọa")
    );
    let follow_ups = browser.text("#review-follow-ups").await;
    assert!(follow_ups.contains("19/11/2026"), "{follow_ups}");
    assert!(follow_ups.contains("Quá hạn 1 ngày"), "{follow_ups}");
    let warning = browser.text("#high-risk-warning").await;
    assert!(warning.contains("cách đây 2 ngày"), "{warning}");

    // She approves anyway: the case page says it was done.
    browser
        .click("#review-form [name='decision'][value='approved']")
        .await;
    browser.submit("#review-form").await;
    assert_eq!(case_id_of_page(&browser).await, risky);
    assert_eq!(browser.text("#saved").await, "Đã lưu ý kiến duyệt của bạn");

    // A low-risk case: no warning.
    browser.open(&format!("/cases/{calm}/review")).await;
    assert!(browser.exists("#review-case").await);
    assert!(!browser.exists("#high-risk-warning").await);
    browser.close().await;
}

#[tokio::test]
async fn the_transfer_and_erase_pages_name_the_case_and_confirm_what_was_done() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let volunteer = app.token_for(world.volunteer_a1);
    let case = open_case_with(&app, &volunteer, &opening()).await;
    let code = tincay::web::case_code::case_code(case.parse().unwrap());
    let browser = Browser::launch(&app).await;
    browser.sign_in("gs.a", PASSWORD).await;

    for page in ["transfer", "erase"] {
        browser.open(&format!("/cases/{case}/{page}")).await;
        let head = browser.text("#case-state").await;
        assert!(head.contains(&code), "{page}: {head}");
        assert_eq!(
            browser.text("#case-opened-on").await,
            "18/11/2026",
            "{page}"
        );
        assert!(!browser.text("#case-address").await.is_empty(), "{page}");
    }

    browser.open(&format!("/cases/{case}/transfer")).await;
    browser
        .select(
            "#transfer-form [name='trusted_address']",
            &world.address_a2.to_string(),
        )
        .await;
    browser.submit("#transfer-form").await;
    assert_eq!(case_id_of_page(&browser).await, case);
    assert_eq!(
        browser.text("#saved").await,
        "Đã chuyển vụ việc sang địa chỉ tin cậy mới"
    );

    browser.open(&format!("/cases/{case}/erase")).await;
    browser
        .select("#erase-form [name='reason']", "survivor_request")
        .await;
    browser.click("#erase-form [name='confirm']").await;
    browser.submit("#erase-form").await;
    browser
        .wait_for_path(&format!("/cases/{case}/erased"))
        .await;
    assert!(browser.exists("#erased[role=status]").await);
    browser.close().await;
}
