//! Each role's main journey in the browser, through the real pages:
//!
//! - a volunteer signs in, opens a case, records support and a follow-up, and asks for the
//!   case to be closed; her supervisor then sees the follow-up overdue on her dashboard and
//!   approves the closure;
//! - a reporting officer sees a suppressed cell explained, and downloads the CSV;
//! - an administrator creates a user, who can then sign in.
//!
//! Every main page passes the page checks on the way (screenshots at 360 and 1280 px, no
//! horizontal overflow, the accessibility pass, and the page weight budget).

use serde_json::json;
use tincay::domain::vocab::Role;

use crate::browser::Browser;
use crate::cases_kit::{CANARY, open_case_with, opening};
use crate::support::{PASSWORD, TestApp, World, seed_world, spawn_app};

/// Sets a field's value directly (date inputs take their text in the browser's locale).
pub async fn set_value(browser: &Browser, css: &str, value: &str) {
    browser
        .js(
            "document.querySelector(arguments[0]).value = arguments[1];",
            vec![json!(css), json!(value)],
        )
        .await;
}

/// Opens the `<details>` of a case page's form (`#support`, `#note`, …).
pub async fn unfold(browser: &Browser, details: &str) {
    browser
        .js(
            "document.querySelector(arguments[0]).open = true;",
            vec![json!(details)],
        )
        .await;
}

/// Fills the new-case form as a volunteer would, with `narrative`.
pub async fn fill_new_case(browser: &Browser, narrative: &str) {
    browser.select("[name='referred_by']", "neighbour").await;
    browser
        .fill("[name='survivor.name']", &format!("Lò Thị {CANARY}"))
        .await;
    browser.fill("[name='survivor.birth_year']", "1991").await;
    browser.click("[name='survivor.sex'][value='female']").await;
    browser.select("[name='survivor.ethnicity']", "03").await;
    browser
        .click("[name='survivor.disability'][value='no']")
        .await;
    browser
        .click("[name='violence_types'][value='physical']")
        .await;
    browser
        .click("[name='violence_types'][value='psychological']")
        .await;
    browser.select("[name='perpetrator']", "spouse").await;
    browser.click("[name='risk_level'][value='high']").await;
    for consent in ["services", "referral", "reporting"] {
        browser
            .click(&format!("[name='consent.{consent}'][value='yes']"))
            .await;
    }
    browser.fill("[name='narrative']", narrative).await;
}

/// The case id in a case page's path.
pub async fn case_id_of_page(browser: &Browser) -> String {
    let whole = browser.app_path().await.expect("on the app");
    // After a save the page says which form was saved: `?saved=…`.
    let path = whole.split('?').next().unwrap_or_default();
    let id = path
        .strip_prefix("/cases/")
        .unwrap_or_else(|| panic!("not a case page: {path}"));
    assert_eq!(id.len(), 36, "not a case page: {path}");
    id.to_owned()
}

/// The case's events as the log has them, oldest first: their type names.
pub fn event_types(app: &TestApp, case: &str) -> Vec<String> {
    let id = tincay::domain::ids::CaseId::from_uuid(case.parse().unwrap());
    app.state
        .log
        .read_stream(&tincay::store::stream::StreamId::case(&id))
        .unwrap()
        .iter()
        .map(|event| event.event_type.clone())
        .collect()
}

#[tokio::test]
async fn a_volunteer_records_a_case_and_her_supervisor_approves_its_closure() {
    let app = spawn_app().await;
    seed_world(&app).await;
    let browser = Browser::launch(&app).await;

    // The volunteer: her cases, a new case.
    browser.sign_in("tnv.a1", PASSWORD).await;
    assert_eq!(browser.app_path().await.as_deref(), Some("/cases"));
    browser.check_page("cases-volunteer").await;
    browser.follow("header nav a[href='/cases/new']").await;
    browser.check_page("case-new").await;
    fill_new_case(&browser, "Chồng đánh, chị chạy sang nhà hàng xóm.").await;
    browser.submit("#new-case-form").await;
    let case = case_id_of_page(&browser).await;
    browser.wait_for_text("#saved", "Đã lưu").await;
    unfold(&browser, "#about-survivor").await;
    browser.wait_for_text("main", "Lò Thị").await;
    browser.check_page("case-page").await;

    // Support given: a night of shelter.
    unfold(&browser, "#support").await;
    browser
        .select("#support-form [name='type']", "shelter")
        .await;
    browser.fill("#support-form [name='nights']", "1").await;
    browser.submit("#support-form").await;
    assert_eq!(case_id_of_page(&browser).await, case);

    // A follow-up visit in two days.
    unfold(&browser, "#follow-up").await;
    set_value(&browser, "#follow-up-form [name='due_on']", "2026-11-22").await;
    browser
        .click("#follow-up-form [name='method'][value='visit']")
        .await;
    browser.submit("#follow-up-form").await;

    // She asks for the case to be closed.
    unfold(&browser, "#close").await;
    browser.select("#close-form [name='reason']", "safe").await;
    browser.submit("#close-form").await;
    browser.check_view("case-page-closure-requested").await;
    assert_eq!(
        event_types(&app, &case),
        [
            "case_opened",
            "support_provided",
            "follow_up_scheduled",
            "case_closure_requested"
        ]
    );
    browser.sign_out().await;

    // Five days later, the supervisor of the province.
    app.clock.advance(time::Duration::days(5));
    browser.sign_in("gs.a", PASSWORD).await;
    assert_eq!(browser.app_path().await.as_deref(), Some("/dashboard"));
    browser.check_page("dashboard").await;
    let overdue = browser.text("#overdue-follow-ups").await;
    assert!(
        overdue.contains(&case[..8])
            || browser
                .exists(&format!("#overdue-follow-ups a[href='/cases/{case}']"))
                .await,
        "the overdue follow-up is not on the dashboard: {overdue}"
    );
    assert!(overdue.contains('3'), "three days overdue: {overdue}");
    assert!(
        browser
            .exists(&format!("#closure-requests a[href='/cases/{case}/review']"))
            .await
    );
    browser
        .follow(&format!("#closure-requests a[href='/cases/{case}/review']"))
        .await;
    browser.check_page("review").await;
    browser
        .click("#review-form [name='decision'][value='approved']")
        .await;
    browser.submit("#review-form").await;
    assert_eq!(case_id_of_page(&browser).await, case);
    assert_eq!(
        event_types(&app, &case).last().map(String::as_str),
        Some("case_closed")
    );
    let status = app
        .state
        .projections
        .cases
        .get(&tincay::domain::ids::CaseId::from_uuid(
            case.parse().unwrap(),
        ));
    assert_eq!(
        status.and_then(|case| case.status),
        Some(tincay::domain::case::CaseStatus::Closed)
    );
    browser.check_view("case-page-closed").await;

    // Her other pages about the case, checked on the way (nothing sent from them here).
    browser
        .follow("#supervisor-actions a[href$='/access-log']")
        .await;
    browser.check_page("access-log").await;
    assert!(browser.page_text().await.contains("tnv.a1"));
    browser.open(&format!("/cases/{case}/reopen")).await;
    browser.check_page("reopen").await;
    browser.open(&format!("/cases/{case}/transfer")).await;
    browser.check_page("transfer").await;
    browser.open(&format!("/cases/{case}/erase")).await;
    browser.check_page("erase-confirmation").await;
    assert_eq!(
        event_types(&app, &case).last().map(String::as_str),
        Some("case_closed"),
        "looking wrote nothing"
    );
    browser.close().await;
}

/// Opens `count` cases at the reporter's province with `violence` as their only type.
async fn open_cases(app: &TestApp, world: &World, count: usize, violence: &str) {
    let token = app.token_for(world.volunteer_a1);
    for _ in 0..count {
        let mut body = opening();
        body["violence_types"] = json!([violence]);
        open_case_with(app, &token, &body).await;
    }
}

#[tokio::test]
async fn a_reporting_officer_sees_a_suppressed_cell_explained_and_downloads_the_csv() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    open_cases(&app, &world, 9, "physical").await;
    open_cases(&app, &world, 2, "economic").await;
    let browser = Browser::launch(&app).await;
    browser.sign_in("bc.a", PASSWORD).await;
    assert_eq!(browser.app_path().await.as_deref(), Some("/stats"));
    browser.check_page("stats").await;

    let table = browser.text("#stats-table").await;
    assert!(table.contains("<5"), "no suppressed cell shown: {table}");
    let note = browser.text("#suppression-note").await;
    assert!(
        note.contains("5"),
        "the note does not explain the threshold: {note}"
    );
    assert!(browser.exists("#stats-chart").await);
    assert!(!browser.page_text().await.contains(CANARY));

    // The download, as the browser saves it.
    let folder = tempfile::tempdir().unwrap();
    browser
        .cdp(
            "Browser.setDownloadBehavior",
            json!({"behavior": "allow", "downloadPath": folder.path().to_str().unwrap()}),
        )
        .await;
    browser.click("#stats-csv").await;
    let saved = browser
        .wait_for("the CSV download", crate::browser::WAIT, async || {
            let entry = std::fs::read_dir(folder.path())
                .ok()?
                .flatten()
                .find(|entry| entry.path().extension().is_some_and(|ext| ext == "csv"))?;
            std::fs::read_to_string(entry.path()).ok()
        })
        .await;
    assert!(saved.lines().count() >= 3, "{saved}");
    assert!(!saved.contains(CANARY));

    browser.open("/reports/programme").await;
    browser.check_page("programme-report").await;
    browser.close().await;
}

#[tokio::test]
async fn an_administrator_creates_a_user_whom_a_supervisor_approves_before_she_signs_in() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let browser = Browser::launch(&app).await;
    browser.sign_in("admin", PASSWORD).await;
    assert_eq!(browser.app_path().await.as_deref(), Some("/admin/users"));
    browser.check_page("admin-users").await;

    browser.fill("#new-username", "tnv.moi").await;
    assert_eq!(
        browser
            .attr("#new-full-name", "autocomplete")
            .await
            .as_deref(),
        Some("off"),
        "the browser keeps no full name"
    );
    browser.fill("#new-full-name", "  Lò Thị Mai ").await;
    browser.select("#new-role", Role::Volunteer.code()).await;
    browser
        .select("#new-address", &world.address_a2.to_string())
        .await;
    browser
        .fill("#new-password", "một mật khẩu mới đủ dài")
        .await;
    browser.submit("#new-user").await;
    browser.wait_for_text("main", "tnv.moi").await;
    browser.check_view("admin-users-created").await;
    let created = app
        .state
        .projections
        .registry
        .user_by_username("tnv.moi")
        .unwrap();
    assert_eq!(created.full_name.as_deref(), Some("Lò Thị Mai"));
    let row = format!("#user-{} .full-name", created.id);
    assert_eq!(browser.text(&row).await, "Lò Thị Mai");
    // On a phone each account is a card: the table scrolls nothing out of sight.
    browser.set_width(360).await;
    let fits = browser
        .js(
            "const t = document.querySelector('#users'); \
             return [t.scrollWidth, t.parentElement.clientWidth];",
            vec![],
        )
        .await;
    assert!(
        fits[0].as_u64().unwrap() <= fits[1].as_u64().unwrap(),
        "{fits}"
    );
    browser.set_width(1280).await;

    browser.open("/admin/areas").await;
    browser.check_page("admin-areas").await;
    browser.open("/admin/addresses").await;
    browser.check_page("admin-addresses").await;
    browser.sign_out().await;

    // Four eyes: the supervisor of the volunteer's province approves the new account.
    browser.sign_in("gs.a", PASSWORD).await;
    browser.open("/dashboard").await;
    browser.wait_for_text("#pending-accounts", "tnv.moi").await;
    let pending = format!(
        "#pending-accounts [data-account='{}'] .full-name",
        created.id
    );
    assert_eq!(browser.text(&pending).await, "Lò Thị Mai");
    browser.check_view("dashboard-account-to-approve").await;
    browser
        .submit("#pending-accounts form[action$='/approve']")
        .await;
    browser.sign_out().await;

    browser.sign_in("tnv.moi", "một mật khẩu mới đủ dài").await;
    assert_eq!(browser.app_path().await.as_deref(), Some("/cases"));
    browser.close().await;
}
