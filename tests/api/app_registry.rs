//! The application core's registry use cases called directly, as the API's handlers and
//! the admin's pages call them: no HTTP request carries the command under test. Given /
//! when / then, and the attacks: another role acting through an admin's use case (and an
//! admin through a supervisor's), the same idempotency key with another command.

use serde_json::json;
use tincay::app::actor::{Admin, Supervisor};
use tincay::app::error::AppError;
use tincay::app::input::{Body, Preconditions};
use tincay::app::registry::accounts::{self, NewUser, Password};
use tincay::app::registry::merge::{self, MergeCommunes};
use tincay::app::registry::retire::{self, RetireArea};
use tincay::app::registry::{addresses, areas};
use tincay::domain::bounds::FieldCode;
use tincay::domain::ids::{AreaCode, TrustedAddressId};

use crate::app_core::{actor, keyed};
use crate::support::*;

fn admin(app: &TestApp, world: &World) -> Admin {
    Admin::try_from(actor(app, world.admin)).unwrap()
}

fn body(value: serde_json::Value) -> Body {
    Body::of(&value).unwrap()
}

fn new_commune(code: &str) -> Body {
    body(json!({"code": code, "name": "Xã Mới", "level": "commune", "parent": "610"}))
}

#[tokio::test]
async fn an_area_defined_through_the_use_case_is_in_the_registry_when_it_answers() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;

    let code = areas::define_area(
        &app.state.app(),
        &admin(&app, &world),
        &Preconditions::default(),
        &new_commune("23290"),
    )
    .await
    .unwrap();

    assert_eq!(code.as_str(), "23290");
    let defined = app.state.projections.registry.area(&code).unwrap();
    assert_eq!(defined.parent, Some(world.district_a), "read-your-writes");
}

#[tokio::test]
async fn no_other_role_is_an_admin_for_the_registry_use_cases() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let head = app.head();

    for other in [world.supervisor_a, world.volunteer_a1, world.reporter_a] {
        let refused = Admin::try_from(actor(&app, other));
        assert!(matches!(refused, Err(AppError::Forbidden)), "{other:?}");
    }
    assert_eq!(app.head(), head, "nothing appended");
}

#[tokio::test]
async fn the_same_key_with_another_registry_command_is_key_reused_and_appends_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = admin(&app, &world);
    let first = areas::define_area(
        &app.state.app(),
        &admin,
        &keyed("k-1"),
        &new_commune("23290"),
    )
    .await
    .unwrap();
    let head = app.head();

    let retry = areas::define_area(
        &app.state.app(),
        &admin,
        &keyed("k-1"),
        &new_commune("23290"),
    )
    .await
    .unwrap();
    let other = areas::define_area(
        &app.state.app(),
        &admin,
        &keyed("k-1"),
        &new_commune("23291"),
    )
    .await;

    assert_eq!(retry, first, "a retry answers the first result");
    let Err(AppError::Invalid(errors)) = other else {
        panic!("{other:?}");
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "Idempotency-Key");
    assert_eq!(errors[0].code, FieldCode::KeyReused);
    assert_eq!(app.head(), head, "nothing appended");
    assert!(
        app.state
            .projections
            .registry
            .area(&AreaCode::parse("23291").unwrap())
            .is_none()
    );
}

#[tokio::test]
async fn a_key_is_scoped_to_its_command_so_another_command_is_never_answered_from_it() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = admin(&app, &world);
    areas::define_area(
        &app.state.app(),
        &admin,
        &keyed("k-1"),
        &new_commune("23290"),
    )
    .await
    .unwrap();

    let address = addresses::establish(
        &app.state.app(),
        &admin,
        &keyed("k-1"),
        &body(json!({"name": "Nhà chị Hoa", "commune": "23290", "established_on": "2026-01-05"})),
    )
    .await
    .unwrap();

    let established = app.state.projections.registry.trusted_address(&address);
    assert_eq!(
        established.map(|a| a.commune.as_str().to_owned()),
        Some("23290".to_owned()),
        "a new address, not the area's answer replayed"
    );
}

#[tokio::test]
async fn a_refused_address_names_every_field_and_appends_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let head = app.head();

    let refused = addresses::establish(
        &app.state.app(),
        &admin(&app, &world),
        &Preconditions::default(),
        &body(json!({"name": "x".repeat(1000), "commune": "610", "established_on": "2999-01-01"})),
    )
    .await;

    let Err(AppError::Invalid(errors)) = refused else {
        panic!("{refused:?}");
    };
    let fields: Vec<&str> = errors.iter().map(|error| error.field.as_str()).collect();
    assert_eq!(fields, ["commune", "established_on", "name"]);
    assert_eq!(errors[0].code, FieldCode::WrongLevel, "a district");
    assert_eq!(errors[1].code, FieldCode::OutOfRange);
    assert_eq!(errors[2].code, FieldCode::TooLong);
    assert_eq!(app.head(), head, "nothing appended");
}

#[tokio::test]
async fn a_merge_checked_writes_nothing_and_the_merge_retires_the_communes_into_the_new_one() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let request = MergeCommunes {
        communes: vec!["23284".into(), "23287".into()],
        into: "23290".into(),
        name: Some("Xã Mới".into()),
        effective_on: "2026-07-01".into(),
    };
    let head = app.head();

    let checked = merge::check(&app.state.projections.registry, &request).unwrap();
    assert_eq!(app.head(), head, "a check writes nothing");
    let merged = merge::merge(
        &app.state.app(),
        &admin(&app, &world),
        &Preconditions::default(),
        &request,
    )
    .await
    .unwrap();

    assert_eq!(merged.successor, checked.successor);
    assert_eq!(merged.retired, checked.retired);
    let retired = app
        .state
        .projections
        .registry
        .area(&world.commune_a1)
        .unwrap();
    assert_eq!(retired.successor.unwrap().as_str(), "23290");
}

#[tokio::test]
async fn retiring_an_area_that_does_not_exist_finds_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let head = app.head();

    let refused = retire::retire_area(
        &app.state.app(),
        &admin(&app, &world),
        &AreaCode::parse("99").unwrap(),
        &Preconditions::default(),
        &RetireArea {
            valid_to: "2026-06-30".into(),
            successor: None,
        },
    )
    .await;

    assert!(matches!(refused, Err(AppError::NotFound)), "{refused:?}");
    assert_eq!(app.head(), head, "nothing appended");
}

fn volunteer(username: &str, address: TrustedAddressId) -> NewUser {
    NewUser {
        username: username.into(),
        password: Password::new("một mật khẩu khó đoán 2026".into()),
        role: "volunteer".into(),
        area: None,
        trusted_address: Some(address.to_string()),
        full_name: None,
    }
}

#[tokio::test]
async fn an_admin_is_no_supervisor_for_the_four_eyes_and_an_outside_supervisor_finds_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let created = accounts::create(
        &app.state.app(),
        &admin(&app, &world),
        &Preconditions::default(),
        volunteer("tnv.moi", world.address_a1),
    )
    .await
    .unwrap();
    assert!(
        created.pending,
        "made by an admin, it waits for a supervisor"
    );
    let head = app.head();

    let as_supervisor = Supervisor::try_from(actor(&app, world.admin));
    let outsider = Supervisor::try_from(actor(&app, world.supervisor_b)).unwrap();
    let outside = accounts::approve(&app.state.app(), &outsider, created.id).await;

    assert!(matches!(as_supervisor, Err(AppError::Forbidden)));
    assert!(matches!(outside, Err(AppError::NotFound)), "{outside:?}");
    assert_eq!(app.head(), head, "nothing appended");
    let supervisor = Supervisor::try_from(actor(&app, world.supervisor_a)).unwrap();
    accounts::approve(&app.state.app(), &supervisor, created.id)
        .await
        .unwrap();
    let approved = app.state.projections.registry.user(&created.id).unwrap();
    assert!(!approved.pending, "her own area's supervisor approves it");
}

#[tokio::test]
async fn the_same_key_with_another_account_is_key_reused_and_creates_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = admin(&app, &world);
    let first = accounts::create(
        &app.state.app(),
        &admin,
        &keyed("u-1"),
        volunteer("tnv.moi", world.address_a1),
    )
    .await
    .unwrap();
    let head = app.head();

    let retry = accounts::create(
        &app.state.app(),
        &admin,
        &keyed("u-1"),
        volunteer("tnv.moi", world.address_a1),
    )
    .await
    .unwrap();
    let other = accounts::create(
        &app.state.app(),
        &admin,
        &keyed("u-1"),
        volunteer("tnv.khac", world.address_a1),
    )
    .await;

    assert_eq!(retry, first, "a retry answers the same account");
    assert_eq!(
        other.map(|_| ()).unwrap_err().fields()[0].code,
        FieldCode::KeyReused
    );
    assert_eq!(app.head(), head, "nothing appended");
}

#[tokio::test]
async fn an_admin_cannot_deactivate_her_own_account() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let head = app.head();

    let refused = accounts::deactivate(&app.state.app(), &admin(&app, &world), world.admin).await;

    let Err(AppError::Rule(rule, _)) = refused else {
        panic!("{refused:?}");
    };
    assert_eq!(rule.code(), "own_account");
    assert_eq!(app.head(), head, "nothing appended");
}
