//! The admin's commune merge in the browser (issue 24): the form leads to a preview of what
//! moves (counts only), which is checked at 360 and 1280 px; nothing is merged until the
//! preview's confirmation is sent.

use crate::browser::Browser;
use crate::cases_kit::open_case;
use crate::journeys::set_value;
use crate::support::{PASSWORD, seed_world, spawn_app};

#[tokio::test]
async fn a_merge_is_previewed_then_confirmed() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    open_case(&app, &app.token_for(world.volunteer_a1)).await;
    let browser = Browser::launch(&app).await;
    browser.sign_in("admin", PASSWORD).await;
    browser.open("/admin/areas").await;
    for commune in [&world.commune_a1, &world.commune_a2] {
        browser
            .click(&format!("#merge-communes-list-{}", commune.as_str()))
            .await;
    }
    browser.fill("#merge-into", "23290").await;
    browser.fill("#merge-name", "Xã Hợp Nhất").await;
    set_value(&browser, "#merge-effective", "2026-07-01").await;
    let before = app.head();
    browser.submit("#merge-communes").await;

    assert!(browser.exists("#merge-preview").await, "no preview");
    assert_eq!(app.head(), before, "the preview merged nothing");
    let open_cases = browser.text("#moves-total-open-cases").await;
    assert_eq!(open_cases, "1");
    browser.check_view("admin-merge-preview").await;

    browser.submit("#merge-confirm").await;
    assert_eq!(
        browser.app_path().await.as_deref(),
        Some("/admin/areas?done=communes_merged")
    );
    let registry = &app.state.projections.registry;
    assert!(registry.area(&world.commune_a1).unwrap().valid_to.is_some());
    browser.close().await;
    app.stop().await;
}
