//! The application core's list use cases called directly, as both adapters call them (the
//! cases are opened through the API as the "given"). Given / when / then, and the attacks: a
//! volunteer listing another address's cases, a supervisor outside her area, a cursor from
//! another user's listing or a forged one (refused with its field code, nothing recorded),
//! the access log of a case out of scope (not found, nothing recorded).

use tincay::app::actor::{CaseWorker, Supervisor};
use tincay::app::error::AppError;
use tincay::app::lists::access::{AccessLogQuery, read_access_log};
use tincay::app::lists::cases::{ListQuery, list_cases};
use tincay::app::lists::follow_ups::{QueueQuery, follow_up_queue};
use tincay::domain::bounds::FieldCode;
use tincay::domain::ids::{CaseId, UserId};
use uuid::Uuid;

use crate::app_core::actor;
use crate::cases_kit::*;
use crate::support::*;

fn worker(app: &TestApp, id: UserId) -> CaseWorker {
    CaseWorker::try_from(actor(app, id)).unwrap()
}

fn supervisor(app: &TestApp, id: UserId) -> Supervisor {
    Supervisor::try_from(actor(app, id)).unwrap()
}

/// One case at each of a1, a2 and b1 (opened by their volunteers through the API), each with
/// a follow-up overdue.
async fn given_a_case_at_every_address(app: &TestApp, world: &World) -> [Uuid; 3] {
    let mut ids = [Uuid::nil(); 3];
    for (at, volunteer) in [world.volunteer_a1, world.volunteer_a2, world.volunteer_b1]
        .into_iter()
        .enumerate()
    {
        let token = app.token_for(volunteer);
        let case = open_case(app, &token).await;
        schedule(app, &token, &case, "2026-11-21").await;
        ids[at] = Uuid::parse_str(&case).unwrap();
    }
    app.clock.advance(time::Duration::days(5));
    ids
}

fn listed(list: &tincay::app::lists::cases::CaseList) -> Vec<Uuid> {
    list.items.iter().map(|item| item.id).collect()
}

#[tokio::test]
async fn a_volunteer_lists_her_addresss_cases_and_nothing_of_another_address() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let [a1, _, _] = given_a_case_at_every_address(&app, &world).await;
    let head = app.head();

    let list = list_cases(
        &app.state.app(),
        &worker(&app, world.volunteer_a1),
        None,
        ListQuery::default(),
    )
    .await
    .unwrap();
    let foreign = list_cases(
        &app.state.app(),
        &worker(&app, world.volunteer_a1),
        None,
        ListQuery {
            trusted_address: Some(world.address_a2.as_uuid().to_string()),
            ..ListQuery::default()
        },
    )
    .await;

    assert_eq!(listed(&list), [a1], "only her address's case");
    assert!(list.next.is_none());
    assert!(matches!(foreign, Err(AppError::NotFound)), "{foreign:?}");
    assert_eq!(
        app.head(),
        head + 1,
        "the listing is recorded once; the refusal not"
    );
}

#[tokio::test]
async fn a_supervisor_lists_her_areas_cases_and_nothing_outside_it() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let [a1, a2, b1] = given_a_case_at_every_address(&app, &world).await;

    let province = list_cases(
        &app.state.app(),
        &worker(&app, world.supervisor_a),
        None,
        ListQuery::default(),
    )
    .await
    .unwrap();
    let commune = list_cases(
        &app.state.app(),
        &worker(&app, world.supervisor_commune_a2),
        None,
        ListQuery::default(),
    )
    .await
    .unwrap();
    let outside = list_cases(
        &app.state.app(),
        &worker(&app, world.supervisor_b),
        None,
        ListQuery {
            trusted_address: Some(world.address_a1.as_uuid().to_string()),
            ..ListQuery::default()
        },
    )
    .await;

    let mut in_province = listed(&province);
    in_province.sort();
    let mut expected = vec![a1, a2];
    expected.sort();
    assert_eq!(in_province, expected, "her province's, not {b1}");
    assert_eq!(
        listed(&commune),
        [a2],
        "a commune's supervisor: her commune's"
    );
    assert!(matches!(outside, Err(AppError::NotFound)), "{outside:?}");
}

#[tokio::test]
async fn a_filter_out_of_its_vocabulary_is_refused_with_its_field_code_and_not_recorded() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let head = app.head();

    let refused = list_cases(
        &app.state.app(),
        &worker(&app, world.volunteer_a1),
        None,
        ListQuery {
            status: Some("lost".into()),
            limit: Some("0".into()),
            ..ListQuery::default()
        },
    )
    .await;

    let Err(AppError::Invalid(fields)) = refused else {
        panic!("{refused:?}");
    };
    let codes: Vec<(&str, FieldCode)> = fields
        .iter()
        .map(|field| (field.field.as_str(), field.code))
        .collect();
    assert_eq!(
        codes,
        [
            ("status", FieldCode::NotInVocabulary),
            ("limit", FieldCode::OutOfRange)
        ]
    );
    assert!(!format!("{fields:?}").contains("lost"), "nothing echoed");
    assert_eq!(app.head(), head);
}

#[tokio::test]
async fn a_cursor_from_another_users_listing_or_a_forged_one_is_refused_with_its_field_code() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    for _ in 0..3 {
        open_case(&app, &token).await;
    }
    let supervisor = worker(&app, world.supervisor_a);
    let page = list_cases(
        &app.state.app(),
        &supervisor,
        None,
        ListQuery {
            limit: Some("1".into()),
            ..ListQuery::default()
        },
    )
    .await
    .unwrap();
    let theirs = page.next.expect("a second page");
    let head = app.head();

    for (whose, cursor) in [
        (world.volunteer_a1, theirs.clone()),
        (world.supervisor_commune_a2, theirs.clone()),
        (world.supervisor_a, "bm90IGEgY3Vyc29y".to_owned()),
        (world.supervisor_a, format!("{theirs}A")),
    ] {
        let refused = list_cases(
            &app.state.app(),
            &worker(&app, whose),
            None,
            ListQuery {
                cursor: Some(cursor.clone()),
                ..ListQuery::default()
            },
        )
        .await;
        let Err(AppError::BadParameter(field)) = refused else {
            panic!("{cursor}: {refused:?}");
        };
        assert_eq!(
            (field.field.as_str(), field.code),
            ("cursor", FieldCode::InvalidFormat)
        );
    }
    assert_eq!(app.head(), head, "no refusal is recorded");

    let own = list_cases(
        &app.state.app(),
        &supervisor,
        None,
        ListQuery {
            cursor: Some(theirs),
            limit: Some("1".into()),
            ..ListQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(own.items.len(), 1, "her own cursor still pages on");
}

#[tokio::test]
async fn the_follow_up_queue_holds_her_scopes_follow_ups_and_an_area_outside_it_is_not_found() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let [a1, a2, b1] = given_a_case_at_every_address(&app, &world).await;
    let head = app.head();
    let overdue = || QueueQuery {
        status: Some("overdue".into()),
        ..QueueQuery::default()
    };

    let volunteer = follow_up_queue(
        &app.state.app(),
        &worker(&app, world.volunteer_a1),
        overdue(),
    )
    .unwrap();
    let province = follow_up_queue(
        &app.state.app(),
        &worker(&app, world.supervisor_a),
        overdue(),
    )
    .unwrap();
    let outside = follow_up_queue(
        &app.state.app(),
        &worker(&app, world.supervisor_commune_a2),
        QueueQuery {
            area: Some(world.commune_a1.as_str().to_owned()),
            ..QueueQuery::default()
        },
    );
    let other_province = follow_up_queue(
        &app.state.app(),
        &worker(&app, world.supervisor_b),
        QueueQuery {
            area: Some(world.province_a.as_str().to_owned()),
            ..QueueQuery::default()
        },
    );
    let bad = follow_up_queue(
        &app.state.app(),
        &worker(&app, world.supervisor_a),
        QueueQuery {
            status: Some("soon".into()),
            before: Some("tomorrow".into()),
            ..QueueQuery::default()
        },
    );

    let cases = |queue: &tincay::app::lists::follow_ups::FollowUpQueue| -> Vec<Uuid> {
        let mut cases: Vec<Uuid> = queue.items.iter().map(|item| item.case_id).collect();
        cases.sort();
        cases
    };
    assert_eq!(cases(&volunteer), [a1]);
    let mut expected = vec![a1, a2];
    expected.sort();
    assert_eq!(cases(&province), expected, "not {b1}");
    assert!(province.items.iter().all(|item| item.days_overdue == 4));
    assert!(matches!(outside, Err(AppError::NotFound)), "{outside:?}");
    assert!(matches!(other_province, Err(AppError::NotFound)));
    let Err(AppError::Invalid(fields)) = bad else {
        panic!("{bad:?}");
    };
    let codes: Vec<(&str, FieldCode)> = fields
        .iter()
        .map(|field| (field.field.as_str(), field.code))
        .collect();
    assert_eq!(
        codes,
        [
            ("status", FieldCode::NotInVocabulary),
            ("before", FieldCode::InvalidFormat)
        ]
    );
    assert_eq!(app.head(), head, "the queue records nothing");
}

#[tokio::test]
async fn reading_a_cases_access_log_records_the_read_once_and_lists_it() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let [a1, _, _] = given_a_case_at_every_address(&app, &world).await;
    let head = app.head();

    let log = read_access_log(
        &app.state.app(),
        &supervisor(&app, world.supervisor_a),
        CaseId::from_uuid(a1),
        Some("192.0.2.7".into()),
        AccessLogQuery::default(),
    )
    .await
    .unwrap();

    assert_eq!(app.head(), head + 1, "this read, recorded once");
    let last = log.items.last().unwrap();
    assert_eq!(last.action.code(), "access_log_read");
    assert_eq!(last.user, Some(*world.supervisor_a.as_uuid()));
    assert_eq!(last.from.as_deref(), Some("192.0.2.7"));
}

#[tokio::test]
async fn the_access_log_of_a_case_out_of_her_area_is_not_found_and_a_forged_cursor_refused() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let [a1, _, b1] = given_a_case_at_every_address(&app, &world).await;
    let head = app.head();

    let outside = read_access_log(
        &app.state.app(),
        &supervisor(&app, world.supervisor_b),
        CaseId::from_uuid(a1),
        None,
        AccessLogQuery::default(),
    )
    .await;
    let commune = read_access_log(
        &app.state.app(),
        &supervisor(&app, world.supervisor_commune_a2),
        CaseId::from_uuid(a1),
        None,
        AccessLogQuery::default(),
    )
    .await;
    let unknown = read_access_log(
        &app.state.app(),
        &supervisor(&app, world.supervisor_a),
        CaseId::from_uuid(Uuid::new_v4()),
        None,
        AccessLogQuery::default(),
    )
    .await;
    let forged = read_access_log(
        &app.state.app(),
        &supervisor(&app, world.supervisor_b),
        CaseId::from_uuid(b1),
        None,
        AccessLogQuery {
            cursor: Some("YWNjZXNzLWxvZzotMQ".into()),
        },
    )
    .await;

    assert!(matches!(outside, Err(AppError::NotFound)), "{outside:?}");
    assert!(matches!(commune, Err(AppError::NotFound)), "{commune:?}");
    assert!(matches!(unknown, Err(AppError::NotFound)), "{unknown:?}");
    let Err(AppError::BadParameter(field)) = forged else {
        panic!("{forged:?}");
    };
    assert_eq!(
        (field.field.as_str(), field.code),
        ("cursor", FieldCode::InvalidFormat)
    );
    assert_eq!(app.head(), head, "no refused read is recorded");
}

#[tokio::test]
async fn a_volunteer_is_no_supervisor_for_the_access_log() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    assert!(matches!(
        Supervisor::try_from(actor(&app, world.volunteer_a1)),
        Err(AppError::Forbidden)
    ));
}
