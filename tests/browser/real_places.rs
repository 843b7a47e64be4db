//! The pages that pick an area, with a real province loaded: the largest in the shipped list
//! of Vietnam's units (Hồ Chí Minh City, 168 communes and wards) and a trusted address in
//! each of its communes. Each page passes every check of a main page, its first load within
//! the weight budget (recorded in `target/screenshots/weights.txt`), and lists a picker's
//! units grouped by province: the admin's pages, and the supervisor's statistics explorer
//! (also with a table by commune, every unit a row), programme report (by year and by
//! quarter) and audit of statistics queries.

use std::collections::BTreeMap;

use tincay::domain::ids::AreaCode;
use tincay::domain::vocab::{AreaLevel, Role};
use tincay::http::registry::import::{AreasImport, import_areas};

use crate::browser::Browser;
use crate::support::*;

/// The shipped list and the code of its province with the most units.
fn shipped_and_largest() -> (String, String) {
    let list = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/areas/vn-2025.csv"
    ))
    .unwrap();
    let mut sizes: BTreeMap<String, usize> = BTreeMap::new();
    for line in list.lines().skip(1) {
        let parent = line.split(',').nth(4).unwrap_or_default();
        if !parent.is_empty() {
            *sizes.entry(parent.to_owned()).or_default() += 1;
        }
    }
    let (largest, _) = sizes.into_iter().max_by_key(|(_, size)| *size).unwrap();
    (list, largest)
}

#[tokio::test]
async fn the_area_pages_stay_within_the_budget_with_the_largest_province_loaded() {
    let app = spawn_app().await;
    seed_world(&app).await;
    let (list, largest) = shipped_and_largest();
    let request = AreasImport {
        list,
        provinces: vec![largest.clone()],
        dry_run: false,
    };
    let report = import_areas(&app.state, None, request).await.unwrap();
    assert!(report.added.len() > 160, "{}", report.added.len());
    let province = AreaCode::parse(&largest).unwrap();
    for area in app.state.projections.registry.areas() {
        if area.parent.as_ref() == Some(&province) && area.level == AreaLevel::Commune {
            app.seed_address(&area.code).await;
        }
    }
    app.seed_user("gs.lon", PASSWORD, Role::Supervisor, Some(&province), None)
        .await;
    let browser = Browser::launch(&app).await;
    browser.sign_in("admin", PASSWORD).await;

    for (path, name) in [
        ("/admin/users".to_owned(), "largest-province-admin-users"),
        (
            "/admin/addresses".to_owned(),
            "largest-province-admin-addresses",
        ),
        ("/admin/areas".to_owned(), "largest-province-admin-areas"),
        (
            format!("/admin/areas?under={largest}"),
            "largest-province-admin-areas-under",
        ),
    ] {
        browser.open(&path).await;
        browser.check_page(name).await;
    }
    browser.open("/admin/addresses").await;
    let group = format!("#address-commune optgroup[label^=\"{largest} · \"] option");
    let options = browser
        .js(
            &format!("return document.querySelectorAll('{group}').length;"),
            vec![],
        )
        .await;
    assert!(options.as_u64().unwrap() > 160, "{options}");
    browser.sign_out().await;

    browser.sign_in("gs.lon", PASSWORD).await;
    browser.open("/stats").await;
    browser.check_page("largest-province-stats").await;
    // The statistics pages' area picker: her province's units in one group, no search.
    for (path, picker) in [("/stats", "#area"), ("/reports/programme", "#report-area")] {
        browser.open(path).await;
        let group = format!("{picker} optgroup[label^=\"{largest} · \"] option");
        let options = browser
            .js(
                &format!("return document.querySelectorAll('{group}').length;"),
                vec![],
            )
            .await;
        assert!(options.as_u64().unwrap() > 160, "{path}: {options}");
        assert!(!browser.exists("input[name=area_q]").await, "{path}");
    }
    for (path, name) in [
        (
            "/stats?measure=cases_opened&dim1=commune&dim2=none&dim3=none&year=2026&part=Q4&units=current",
            "largest-province-stats-by-commune",
        ),
        ("/reports/programme", "largest-province-report"),
        (
            "/reports/programme?year=2026&quarter=4",
            "largest-province-report-quarter",
        ),
        ("/stats/usage", "largest-province-stats-usage"),
    ] {
        browser.open(path).await;
        browser.check_page(name).await;
    }
    browser.close().await;
}
