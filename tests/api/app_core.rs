//! The application core's case use cases called directly, as both adapters call them: no
//! HTTP request carries the command under test (the case is opened through the API as the
//! "given"). Given / when / then, and the attacks: a volunteer reaching for another
//! address's case through the use case itself, a reused idempotency key, a stale version.

use serde_json::json;
use tincay::app::actor::{CaseWorker, CurrentUser, Supervisor};
use tincay::app::cases::commands as use_case;
use tincay::app::cases::open;
use tincay::app::cases::read::read_case;
use tincay::app::error::AppError;
use tincay::app::input::{Body, Preconditions};
use tincay::domain::bounds::FieldCode;
use tincay::domain::ids::{CaseId, UserId};
use tincay::domain::vocab::AccessAction;
use uuid::Uuid;

use crate::cases_kit::*;
use crate::support::*;
use crate::web_kit::WebSession;

/// The user as the adapters hand her to the core: authenticated, from the registry.
pub fn actor(app: &TestApp, id: UserId) -> CurrentUser {
    let user = app.state.projections.registry.user(&id).unwrap();
    CurrentUser {
        id,
        role: user.role,
        area: user.area,
        trusted_address: user.trusted_address,
    }
}

fn worker(app: &TestApp, id: UserId) -> CaseWorker {
    CaseWorker::try_from(actor(app, id)).unwrap()
}

fn body(value: serde_json::Value) -> Body {
    Body::of(&value).unwrap()
}

fn support() -> Body {
    body(json!({"type": "counselling", "provided_on": "2026-11-19"}))
}

pub fn keyed(key: &str) -> Preconditions {
    Preconditions {
        if_match: None,
        idempotency_key: Some(key.to_owned()),
    }
}

/// A case opened at volunteer a1's address, through the API.
async fn given_a_case(app: &TestApp, world: &World) -> CaseId {
    let token = app.token_for(world.volunteer_a1);
    let id = open_case(app, &token).await;
    CaseId::from_uuid(Uuid::parse_str(&id).unwrap())
}

#[tokio::test]
async fn support_is_recorded_and_the_projection_shows_it_when_the_use_case_answers() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let case = given_a_case(&app, &world).await;

    let recorded = use_case::record_support(
        &app.state.app(),
        &worker(&app, world.volunteer_a1),
        case,
        &Preconditions::default(),
        &support(),
    )
    .await
    .unwrap();

    assert_eq!(recorded.version, 2);
    let projected = app.state.projections.cases.get(&case).unwrap();
    assert_eq!(projected.version, recorded.version, "read-your-writes");
}

#[tokio::test]
async fn a_volunteer_reaching_for_another_address_s_case_through_the_use_case_finds_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let case = given_a_case(&app, &world).await;
    let head = app.head();

    for outsider in [world.volunteer_a2, world.volunteer_b1] {
        let refused = use_case::record_support(
            &app.state.app(),
            &worker(&app, outsider),
            case,
            &Preconditions::default(),
            &support(),
        )
        .await;
        assert!(matches!(refused, Err(AppError::NotFound)), "{refused:?}");
    }
    let supervisor_b = Supervisor::try_from(actor(&app, world.supervisor_b)).unwrap();
    let refused = use_case::reopen_case(
        &app.state.app(),
        &supervisor_b,
        case,
        &Preconditions::default(),
        &body(json!({"reason": "x"})),
    )
    .await;
    assert!(matches!(refused, Err(AppError::NotFound)), "{refused:?}");
    assert_eq!(app.head(), head, "nothing appended");
}

#[tokio::test]
async fn a_volunteer_is_not_a_supervisor_for_the_supervisor_s_use_cases() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;

    let refused = Supervisor::try_from(actor(&app, world.volunteer_a1));

    assert!(matches!(refused, Err(AppError::Forbidden)));
    let refused = CaseWorker::try_from(actor(&app, world.admin));
    assert!(matches!(refused, Err(AppError::Forbidden)));
}

#[tokio::test]
async fn the_same_key_with_another_command_is_key_reused_and_appends_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let case = given_a_case(&app, &world).await;
    let volunteer = worker(&app, world.volunteer_a1);
    let first = use_case::record_support(
        &app.state.app(),
        &volunteer,
        case,
        &keyed("k-1"),
        &support(),
    )
    .await
    .unwrap();
    let head = app.head();

    let retry = use_case::record_support(
        &app.state.app(),
        &volunteer,
        case,
        &keyed("k-1"),
        &support(),
    )
    .await
    .unwrap();
    let other = use_case::record_support(
        &app.state.app(),
        &volunteer,
        case,
        &keyed("k-1"),
        &body(json!({"type": "legal", "provided_on": "2026-11-19"})),
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
}

#[tokio::test]
async fn a_stale_expected_version_is_refused_and_appends_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let case = given_a_case(&app, &world).await;
    let volunteer = worker(&app, world.volunteer_a1);
    use_case::add_note(
        &app.state.app(),
        &volunteer,
        case,
        &Preconditions::default(),
        &body(json!({"text": "first"})),
    )
    .await
    .unwrap();
    let head = app.head();

    let stale = Preconditions {
        if_match: Some(1),
        idempotency_key: None,
    };
    let refused = use_case::add_note(
        &app.state.app(),
        &volunteer,
        case,
        &stale,
        &body(json!({"text": "second"})),
    )
    .await;

    assert!(
        matches!(refused, Err(AppError::Stale { version: 2 })),
        "{refused:?}"
    );
    assert_eq!(app.head(), head, "nothing appended");
}

#[tokio::test]
async fn a_body_is_judged_only_after_scope_and_version() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let case = given_a_case(&app, &world).await;
    let head = app.head();
    let malformed = body(json!({"nonsense": true}));

    let outsider = use_case::record_support(
        &app.state.app(),
        &worker(&app, world.volunteer_b1),
        case,
        &Preconditions::default(),
        &malformed,
    )
    .await;
    let stale = use_case::record_support(
        &app.state.app(),
        &worker(&app, world.volunteer_a1),
        case,
        &Preconditions {
            if_match: Some(7),
            idempotency_key: None,
        },
        &malformed,
    )
    .await;
    let mine = use_case::record_support(
        &app.state.app(),
        &worker(&app, world.volunteer_a1),
        case,
        &Preconditions::default(),
        &malformed,
    )
    .await;

    assert!(matches!(outsider, Err(AppError::NotFound)), "{outsider:?}");
    assert!(matches!(stale, Err(AppError::Stale { .. })), "{stale:?}");
    assert!(matches!(mine, Err(AppError::Malformed(_))), "{mine:?}");
    assert_eq!(app.head(), head, "nothing appended");
}

#[tokio::test]
async fn a_rule_refusal_keeps_its_code() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let mut opening = opening();
    opening["consent"]["referral"] = json!(false);
    let id = open_case_with(&app, &token, &opening).await;
    let case = CaseId::from_uuid(Uuid::parse_str(&id).unwrap());

    let refused = use_case::make_referral(
        &app.state.app(),
        &worker(&app, world.volunteer_a1),
        case,
        &Preconditions::default(),
        &body(json!({"target": "legal_aid", "made_on": "2026-11-19"})),
    )
    .await;

    let Err(AppError::Rule(rule, _)) = refused else {
        panic!("{refused:?}");
    };
    assert_eq!(rule.code(), "referral_consent_missing");
}

/// The case reads in its access log by `user`.
fn reads_by(app: &TestApp, case: &CaseId, user: UserId) -> usize {
    tincay::access_log::for_case(&app.state.log, case)
        .unwrap()
        .iter()
        .filter(|record| {
            record.action == AccessAction::CaseRead && record.user == Some(*user.as_uuid())
        })
        .count()
}

#[tokio::test]
async fn a_read_is_in_the_access_log_once_whichever_adapter_asked() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let case = given_a_case(&app, &world).await;
    let reader = world.volunteer_a1;

    let view = read_case(&app.state.app(), &worker(&app, reader), case, None)
        .await
        .unwrap();
    assert_eq!(view.version, 1);
    assert_eq!(
        reads_by(&app, &case, reader),
        1,
        "the use case records one read"
    );

    let page = WebSession::signed_in(&app, reader)
        .get(&format!("/cases/{case}"))
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(
        reads_by(&app, &case, reader),
        2,
        "the case page: one more, not two"
    );

    let token = app.token_for(reader);
    let reply = get(&app, &token, &format!("/cases/{case}")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reads_by(&app, &case, reader),
        3,
        "the API: one more, not two"
    );
}

#[tokio::test]
async fn a_read_out_of_scope_finds_nothing_and_records_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let case = given_a_case(&app, &world).await;
    let head = app.head();

    let refused = read_case(
        &app.state.app(),
        &worker(&app, world.volunteer_b1),
        case,
        None,
    )
    .await;

    assert!(matches!(refused, Err(AppError::NotFound)));
    assert_eq!(app.head(), head, "no read recorded");
}

#[tokio::test]
async fn a_case_opened_through_the_use_case_is_at_her_address_and_a_retry_opens_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let volunteer = worker(&app, world.volunteer_a1);
    let body = body(opening());

    let first = open::open_case(&app.state.app(), &volunteer, &keyed("open-1"), &body)
        .await
        .unwrap();
    let head = app.head();
    let retry = open::open_case(&app.state.app(), &volunteer, &keyed("open-1"), &body)
        .await
        .unwrap();

    assert_eq!(retry, first);
    assert_eq!(app.head(), head, "a retry appends nothing");
    let case = CaseId::from_uuid(first.id.unwrap());
    let state = app.state.projections.cases.get(&case).unwrap();
    assert_eq!(state.trusted_address, Some(world.address_a1));
}

#[tokio::test]
async fn one_idempotency_key_limit_the_web_refuses_an_over_long_key_as_the_api_does() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let case = given_a_case(&app, &world).await;
    let long = "k".repeat(tincay::app::input::MAX_KEY_LEN + 1);
    let head = app.head();

    let page = WebSession::signed_in(&app, world.volunteer_a1)
        .post(
            &format!("/cases/{case}/notes"),
            &[
                ("text", "a note"),
                ("idempotency_key", &long),
                ("version", "1"),
            ],
        )
        .await;
    let token = app.token_for(world.volunteer_a1);
    let reply = post_with(
        &app,
        &token,
        &format!("/cases/{case}/notes"),
        &json!({"text": "a note"}),
        &[("idempotency-key", &long)],
    )
    .await;

    assert_eq!(reply.status, 400, "{}", reply.text);
    assert_eq!(page.status, 400, "the web refuses it too, never drops it");
    assert_eq!(app.head(), head, "nothing appended");
    let fits = WebSession::signed_in(&app, world.volunteer_a1)
        .get(&format!("/cases/{case}"))
        .await
        .form(format!("/cases/{case}/notes"));
    assert!(fits.key.len() <= tincay::app::input::MAX_KEY_LEN);
}
