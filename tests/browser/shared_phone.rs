//! A shared phone (issue 24): what the browser keeps after a volunteer's work must say
//! nothing about the people she helped. Every field of every form is marked so the browser
//! neither offers nor stores its values; after a whole journey and the quick exit, Chromium's
//! autofill store on disk ("Web Data") holds none of what she typed; Back after saving a new
//! case shows none of it and cannot open a second case; every page has the same neutral
//! title; and the quick exit is a gesture away on a phone.

use std::path::Path;

use serde_json::json;

use crate::browser::{Browser, WAIT};
use crate::checks::PHONE;
use crate::journeys::{case_id_of_page, fill_new_case, unfold};
use tincay::http::state::HttpSettings;

use crate::support::{PASSWORD, seed_world, spawn_app, spawn_app_with};

/// The personal text fields of a volunteer's journey, each with a marker of its own, so a
/// leak names the field: (the field, what she types).
const TYPED: &[(&str, &str)] = &[
    ("[name='survivor.contact']", "0912 CANARY-contact-5f1"),
    ("[name='survivor.address']", "thôn CANARY-address-9c2"),
    ("[name='informant.name']", "Bà CANARY-informant-3a7"),
    ("[name='informant.contact']", "0987 CANARY-inf-phone-6b0"),
];
/// The referral form's contact person, typed on the case page.
const REFERRAL_CONTACT: &str = "Anh CANARY-referral-2d8";

/// Every file under `dir` whose bytes contain `marker`.
pub(crate) fn files_holding(dir: &Path, marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                let needle = marker.as_bytes();
                if bytes.windows(needle.len()).any(|window| window == needle) {
                    found.push(
                        path.strip_prefix(dir)
                            .unwrap_or(&path)
                            .display()
                            .to_string(),
                    );
                }
            }
        }
    }
    found
}

/// The form controls of the page that the browser could remember a value of (every
/// visible field) and do not say `autocomplete="off"` (`new-password` for a password).
async fn remembered_fields(browser: &Browser) -> Vec<String> {
    let found = browser
        .js(
            "const problems = [];
             for (const el of document.querySelectorAll('input, textarea, select')) {
               if (el.type === 'hidden' || el.type === 'submit') { continue; }
               const wanted = el.type === 'password' ? 'new-password' : 'off';
               const given = el.getAttribute('autocomplete');
               if (given !== wanted) {
                 problems.push(el.tagName.toLowerCase() + '[name=' + el.name + '] has autocomplete='
                   + given + ', not ' + wanted);
               }
             }
             return problems;",
            vec![],
        )
        .await;
    serde_json::from_value(found).expect("a list")
}

/// Opens each page and fails on any field the browser may remember; the number of fields
/// and forms looked at.
async fn assert_nothing_remembered(browser: &Browser, pages: &[String]) -> u64 {
    let mut looked_at = 0;
    for page in pages {
        browser.open(page).await;
        // Every work section's form, folded or not, is in the page.
        let problems = remembered_fields(browser).await;
        assert!(problems.is_empty(), "{page}: {problems:#?}");
        let count = browser
            .js(
                "return document.querySelectorAll('input:not([type=hidden]), textarea, select').length;",
                vec![],
            )
            .await;
        looked_at += count.as_u64().unwrap_or(0);
    }
    looked_at
}

#[tokio::test]
async fn every_field_of_every_form_is_kept_out_of_the_browsers_memory() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let volunteer = app.token_for(world.volunteer_a1);
    let open = crate::cases_kit::open_case(&app, &volunteer).await;
    crate::cases_kit::refer(&app, &volunteer, &open).await;
    crate::cases_kit::schedule(&app, &volunteer, &open, "2026-11-25").await;
    let closing = crate::cases_kit::open_case(&app, &volunteer).await;
    let asked = crate::cases_kit::post(
        &app,
        &volunteer,
        &format!("/cases/{closing}/close"),
        &json!({"reason": "safe", "closed_on": "2026-11-20"}),
    )
    .await;
    assert!(asked.status < 300, "{}", asked.text);
    let browser = Browser::launch(&app).await;
    // The sign-in form first: a name the browser offers to the next person on the phone
    // says who works here.
    let mut looked_at = assert_nothing_remembered(&browser, &["/login".into()]).await;

    browser.sign_in("tnv.a1", PASSWORD).await;
    looked_at += assert_nothing_remembered(
        &browser,
        &[
            "/cases/new".into(),
            "/cases".into(),
            format!("/cases/{open}"),
        ],
    )
    .await;
    assert!(
        browser.exists("form[action$='/outcome']").await
            && browser.exists("form[action$='/complete']").await,
        "the referral outcome and follow-up forms are checked too"
    );
    browser.sign_out().await;

    browser.sign_in("gs.a", PASSWORD).await;
    let mut pages: Vec<String> = ["/cases/new", "/cases", "/stats", "/reports/programme"]
        .iter()
        .map(|page| (*page).to_owned())
        .collect();
    pages.push(format!("/cases/{open}"));
    pages.push(format!("/cases/{closing}/review"));
    for tail in ["/transfer", "/erase"] {
        pages.push(format!("/cases/{open}{tail}"));
    }
    looked_at += assert_nothing_remembered(&browser, &pages).await;
    browser.sign_out().await;

    browser.sign_in("admin", PASSWORD).await;
    looked_at += assert_nothing_remembered(
        &browser,
        &[
            "/admin/users".into(),
            format!("/admin/users/{}", world.volunteer_a1),
            "/admin/areas".into(),
            "/admin/addresses".into(),
        ],
    )
    .await;
    assert!(looked_at > 100, "only {looked_at} fields looked at");
    browser.close().await;
}

#[tokio::test]
async fn after_her_journey_and_the_quick_exit_the_autofill_store_holds_nothing_she_typed() {
    let app = spawn_app().await;
    seed_world(&app).await;
    let browser = Browser::launch(&app).await;
    browser.sign_in("tnv.a1", PASSWORD).await;
    browser.open("/cases/new").await;
    fill_new_case(&browser, "Chồng đánh CANARY-narrative-7e4.").await;
    for (field, text) in TYPED {
        browser.fill(field, text).await;
    }
    browser.submit("#new-case-form").await;
    case_id_of_page(&browser).await;

    unfold(&browser, "#referral").await;
    browser
        .select("#referral-form [name='target']", "police")
        .await;
    browser
        .fill("#referral-form [name='contact_person']", REFERRAL_CONTACT)
        .await;
    browser.submit("#referral-form").await;
    assert!(browser.page_text().await.contains(REFERRAL_CONTACT));

    browser.click("#quick-exit").await;
    browser
        .wait_for("the browser to leave the site", WAIT, async || {
            let url = browser.client().current_url().await.ok()?;
            (!url.as_str().starts_with(&browser.url_of("/"))).then_some(())
        })
        .await;
    // Closed as a phone's browser is closed: what it keeps is then on disk.
    let profile = browser.close_keeping_profile().await;
    let web_data = profile.path().join("Default").join("Web Data");
    assert!(
        web_data.is_file(),
        "Chromium keeps its autofill store in {}",
        web_data.display()
    );
    let mut markers: Vec<&str> = TYPED.iter().map(|(_, text)| *text).collect();
    markers.extend([
        crate::cases_kit::CANARY,
        "CANARY-narrative-7e4",
        REFERRAL_CONTACT,
    ]);
    let mut leaks = Vec::new();
    for marker in markers {
        let marker = marker.rsplit(' ').next().unwrap_or(marker);
        for file in files_holding(profile.path(), marker) {
            leaks.push(format!("{marker} in {file}"));
        }
    }
    assert!(
        leaks.is_empty(),
        "the browser kept what she typed: {leaks:#?}"
    );
}

#[tokio::test]
async fn back_after_saving_a_new_case_shows_none_of_it_and_opens_no_second_case() {
    let app = spawn_app().await;
    seed_world(&app).await;
    let browser = Browser::launch(&app).await;
    browser.set_width(PHONE).await;
    browser.sign_in("tnv.a1", PASSWORD).await;
    browser.open("/cases/new").await;
    fill_new_case(&browser, "Lần đầu CANARY-first-4c1.").await;
    browser.submit("#new-case-form").await;
    let case = case_id_of_page(&browser).await;

    browser.back().await;
    browser.wait_for_path("/cases/new").await;
    let page = browser.page_text().await;
    assert!(!page.contains(crate::cases_kit::CANARY), "{page}");
    let filled = browser
        .js(
            "const filled = [];
             for (const el of document.querySelectorAll('#new-case-form input, #new-case-form textarea, #new-case-form select')) {
               if (el.type === 'hidden' || el.type === 'date') { continue; }
               if ((el.type === 'radio' || el.type === 'checkbox') ? el.checked
                   : (el.tagName === 'SELECT' ? el.selectedIndex > 0 : el.value !== '')) {
                 filled.push(el.name + '=' + el.value);
               }
             }
             return filled;",
            vec![],
        )
        .await;
    assert_eq!(filled, json!([]), "Back shows her input again");

    // Pressing the save button again on what Back shows opens nothing.
    browser.click("#new-case-form [type=submit]").await;
    browser.open("/cases").await;
    assert_eq!(
        app.state.projections.cases.select(|_| true).len(),
        1,
        "a second case was opened"
    );
    let _ = case;
    browser.close().await;
}

#[tokio::test]
async fn every_page_has_the_same_configured_title_error_pages_too() {
    let app = spawn_app_with(HttpSettings {
        page_title: "Ghi chép".into(),
        ..HttpSettings::default()
    })
    .await;
    let world = seed_world(&app).await;
    let case = crate::cases_kit::open_case(&app, &app.token_for(world.volunteer_a1)).await;
    let browser = Browser::launch(&app).await;
    browser.open("/login").await;
    let mut titles = vec![("/login".to_owned(), browser.client().title().await.unwrap())];
    browser.sign_in("tnv.a1", PASSWORD).await;
    for page in [
        "/cases".to_owned(),
        "/cases/new".to_owned(),
        format!("/cases/{case}"),
        format!("/cases/{}", uuid::Uuid::new_v4()),
        "/admin/users".to_owned(),
    ] {
        browser.open(&page).await;
        titles.push((page, browser.client().title().await.unwrap()));
    }
    for (page, title) in &titles {
        assert_eq!(title, "Ghi chép", "{page}");
    }
    browser.close().await;
}
