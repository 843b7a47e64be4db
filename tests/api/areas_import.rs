//! `tincay areas import`'s code path (`import_areas`, which the command runs directly or
//! through the control socket): the shipped list of Vietnam's units into a fresh directory,
//! a second run writing nothing, a conflicting unit reported and left alone, one province
//! only, a dry run, and an office's list of earlier units whose paper cases then count in
//! today's units and in their own.

use std::collections::BTreeMap;

use serde_json::json;
use tincay::domain::ids::AreaCode;
use tincay::domain::registry::unit_type::UnitType;
use tincay::domain::vocab::{AreaLevel, Role};
use tincay::http::registry::import::{AreasImport, ImportReport, import_areas};

use crate::cases_kit::*;
use crate::support::*;

/// The list shipped in the repository.
pub fn shipped() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/areas/vn-2025.csv"
    ))
    .unwrap()
}

async fn import(app: &TestApp, list: &str, provinces: &[&str], dry_run: bool) -> ImportReport {
    let request = AreasImport {
        list: list.to_owned(),
        provinces: provinces.iter().map(|code| (*code).to_owned()).collect(),
        dry_run,
    };
    import_areas(&app.state, None, request).await.unwrap()
}

/// How many units of each level and type the registry holds.
fn census(app: &TestApp) -> (BTreeMap<&'static str, usize>, BTreeMap<&'static str, usize>) {
    let (mut levels, mut types) = (BTreeMap::new(), BTreeMap::new());
    for area in app.state.projections.registry.areas() {
        *levels.entry(area.level.code()).or_default() += 1;
        let kind = UnitType::of(area.level, &area.name).map_or("?", UnitType::text);
        *types.entry(kind).or_default() += 1;
    }
    (levels, types)
}

#[tokio::test]
async fn the_shipped_list_loads_34_provinces_and_3321_units_and_a_second_run_writes_nothing() {
    let app = spawn_app().await;
    let list = shipped();

    let report = import(&app, &list, &[], false).await;

    assert_eq!(report.added.len(), 3355);
    assert!(
        report.conflicts.is_empty() && report.retired.is_empty(),
        "{report:?}"
    );
    let (levels, types) = census(&app);
    assert_eq!(
        levels,
        BTreeMap::from([("commune", 3321), ("province", 34)])
    );
    // The package's split (data/areas/README.md says how it differs from the Decision's).
    assert_eq!(
        types,
        BTreeMap::from([
            ("phường", 687),
            ("thành phố trung ương", 6),
            ("tỉnh", 28),
            ("xã", 2621),
            ("đặc khu", 13),
        ])
    );
    let registry = &app.state.projections.registry;
    let hanoi = AreaCode::parse("01").unwrap();
    let ward = AreaCode::parse("00004").unwrap();
    assert!(registry.area_contains(&hanoi, &ward));

    let head = app.head();
    let again = import(&app, &list, &[], false).await;
    assert_eq!(app.head(), head, "a second run writes nothing");
    assert!(
        again.added.is_empty() && again.conflicts.is_empty(),
        "{again:?}"
    );
    assert_eq!(again.unchanged, 3355);
    app.stop().await;
}

#[tokio::test]
async fn a_unit_that_exists_with_other_data_is_reported_and_never_overwritten() {
    let app = spawn_app().await;
    // An admin typed Hà Nội by hand before the import, with a typo.
    let admin = app
        .seed_user("qtv", PASSWORD, Role::Admin, None, None)
        .await;
    let token = app.token_for(admin);
    let typed = json!({"code": "01", "name": "Thành phố Hà Nộii", "level": "province", "valid_from": "2025-07-01"});
    assert_eq!(post(&app, &token, "/areas", &typed).await.status, 201);

    let report = import(&app, &shipped(), &["01"], false).await;

    assert_eq!(report.conflicts.len(), 1, "{report:?}");
    assert_eq!(report.conflicts[0].code, "01");
    assert_eq!(report.conflicts[0].fields, ["name"]);
    let hanoi = app
        .state
        .projections
        .registry
        .area(&AreaCode::parse("01").unwrap())
        .unwrap();
    assert_eq!(
        hanoi.name, "Thành phố Hà Nộii",
        "the registry's unit is left as it was"
    );
    // Its wards are added under it; no other province is.
    assert_eq!(report.added.len(), 126, "Hà Nội's 126 communes and wards");
    assert_eq!(report.outside, 3355 - 127);
    assert!(report.added.iter().all(|unit| unit.level == "commune"));
    app.stop().await;
}

#[tokio::test]
async fn a_dry_run_says_what_it_would_add_and_writes_nothing() {
    let app = spawn_app().await;
    let head = app.head();

    let report = import(&app, &shipped(), &["79"], true).await;

    assert!(report.dry_run);
    assert_eq!(
        report.added.len(),
        169,
        "Hồ Chí Minh City and its 168 units"
    );
    assert_eq!(app.head(), head);
    assert!(app.state.projections.registry.areas().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_list_that_does_not_fit_the_registry_is_refused_whole() {
    let app = spawn_app().await;
    let head = app.head();
    let orphan = "code,name,type,level,parent,valid_from,valid_to,successor\n\
                  01,Thành phố Hà Nội,thành phố trung ương,province,,2025-07-01,,\n\
                  00004,Phường Ba Đình,phường,commune,01,2025-07-01,,\n\
                  23281,Phường Quang Trung,phường,commune,610,2000-01-01,,\n";
    for (list, provinces, field) in [
        (orphan, &[][..], "file"),
        (orphan, &["62"][..], "province"),
        ("code,name\n01,Hà Nội\n", &[][..], "file"),
    ] {
        let request = AreasImport {
            list: list.to_owned(),
            provinces: provinces
                .iter()
                .map(|code: &&str| (*code).to_owned())
                .collect(),
            dry_run: false,
        };
        let refused = import_areas(&app.state, None, request).await.unwrap_err();
        let tincay::http::error::ApiError::Validation(errors) = refused else {
            panic!("not a validation error: {refused:?}");
        };
        assert_eq!(errors[0].field, field, "{errors:?}");
    }
    assert_eq!(app.head(), head, "nothing was written");
    app.stop().await;
}

/// Kon Tum before 1 July 2025 (the province, the city, two of its wards), as an office would
/// list it to enter its paper cases; today the wards are part of Phường Kon Tum (23293) in
/// Quảng Ngãi (51).
const EARLIER: &str = "code,name,type,level,parent,valid_from,valid_to,successor
62,Tỉnh Kon Tum,tỉnh,province,,1991-08-12,2025-06-30,51
610,Thành phố Kon Tum,thành phố,district,62,2009-04-13,2025-06-30,
23281,Phường Quang Trung,phường,commune,610,2009-04-13,2025-06-30,23293
23287,Phường Quyết Thắng,phường,commune,610,2009-04-13,2025-06-30,23293
";

#[tokio::test]
async fn paper_cases_of_an_earlier_unit_count_in_todays_units_and_in_their_own() {
    let app = spawn_app().await;
    import(&app, &shipped(), &["51"], false).await;
    let report = import(&app, EARLIER, &[], false).await;
    assert_eq!(report.added.len(), 4, "{report:?}");
    assert_eq!(report.retired.len(), 4, "{report:?}");
    assert_eq!(report.retired[2].successor.as_deref(), Some("23293"));
    assert!(import(&app, EARLIER, &[], false).await.added.is_empty());

    let admin = app
        .seed_user("qtv", PASSWORD, Role::Admin, None, None)
        .await;
    let admin = app.token_for(admin);
    // The address of the paper records existed in the old ward; none can be new there.
    let late = json!({"name": "Nhà bà Y Đơn", "commune": "23287", "established_on": "2025-08-01"});
    let refused = post(&app, &admin, "/trusted-addresses", &late).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let paper = json!({"name": "Nhà bà Y Hoa", "commune": "23281", "established_on": "2023-03-01"});
    let created = post(&app, &admin, "/trusted-addresses", &paper).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let address: tincay::domain::ids::TrustedAddressId =
        serde_json::from_value(created.json()["id"].clone()).unwrap();
    let volunteer = app.token_for(volunteer_at(&app, "tnv.kontum", address).await);
    for _ in 0..6 {
        let mut body = opening();
        body["opened_on"] = json!("2024-05-10");
        open_case_with(&app, &volunteer, &body).await;
    }
    let province = AreaCode::parse("51").unwrap();
    let supervisor = app
        .seed_user(
            "gs.quangngai",
            PASSWORD,
            Role::Supervisor,
            Some(&province),
            None,
        )
        .await;
    let supervisor = app.token_for(supervisor);
    let ask = async |query: &str| {
        let reply = get(
            &app,
            &supervisor,
            &format!("/stats?measure=cases_opened&period=2024&exact=true&{query}"),
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json()
    };
    let communes = |reply: &serde_json::Value| -> Vec<String> {
        reply["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|cell| cell["commune"].as_str().unwrap().to_owned())
            .collect()
    };

    // Today's ward holds the old ward's cases; the old ward, asked in its own units, too.
    let today = ask("area=23293").await;
    let then = ask("area=23281&units=historical").await;
    let current = ask("area=51&by=commune").await;
    let historical = ask("area=51&by=commune&units=historical").await;

    assert_eq!(today["total"]["count"], 6, "{today}");
    assert_eq!(then["total"]["count"], 6, "{then}");
    assert_eq!(current["total"]["count"], 6, "{current}");
    assert_eq!(current["total"], historical["total"]);
    assert!(
        communes(&current).contains(&"23293".to_owned()),
        "{current}"
    );
    assert!(
        !communes(&current).contains(&"23281".to_owned()),
        "today's units only"
    );
    assert!(
        communes(&historical).contains(&"23281".to_owned()),
        "{historical}"
    );
    assert_eq!(
        app.state
            .projections
            .registry
            .area(&AreaCode::parse("610").unwrap())
            .unwrap()
            .level,
        AreaLevel::District
    );
    app.stop().await;
}
