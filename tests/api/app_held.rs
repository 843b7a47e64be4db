//! The offline outbox's held records as the case list counts them and the "needs
//! attention" list lists them: from the held records projection (`projections::held`), with
//! no held stream read. Given records held through the application core (`app::held::hold`,
//! as `POST /outbox` holds them); the attacks: a resolved record is not counted, another
//! address's is not, the count survives a rebuild and a restart from the checkpoint, and a
//! held stream whose key is gone does not change the list (it is not read).

use tincay::app::held::{self, held_id};
use tincay::domain::codec::EventCodec;
use tincay::domain::held::{
    HeldEvent, HeldFacts, HeldField, HeldForm, HeldListedFacts, HeldPii, HeldReason, HeldResolution,
};
use tincay::domain::ids::{AreaCode, TrustedAddressId, UserId};
use tincay::projections::runner::Projections;
use tincay::store::log::{AppendRequest, ExpectedVersion};
use tincay::store::stream::StreamId;
use uuid::Uuid;

use crate::app_core::actor;
use crate::support::*;

/// Holds a note `owner` sealed with `key` at `address` (in `commune`).
async fn given_held(
    app: &TestApp,
    owner: UserId,
    address: TrustedAddressId,
    commune: &AreaCode,
    key: &str,
) -> Uuid {
    let facts = HeldFacts {
        owner,
        form: HeldForm::Note,
        case: None,
        item: None,
        version: Some(1),
        sealed_at_ms: 1_763_600_000_000,
        reason: HeldReason::Closed,
        trusted_address: address,
        commune: commune.clone(),
    };
    let pii = HeldPii {
        idempotency_key: key.to_owned(),
        fields: vec![HeldField {
            name: "text".into(),
            value: "she wrote this offline".into(),
        }],
    };
    held::hold(&app.state.app(), facts, pii).await.unwrap()
}

fn count(app: &TestApp, user: UserId) -> usize {
    held::count(&app.state.app(), &actor(app, user))
}

/// Two records at a1 (one then resolved), one at a2.
async fn given_records(app: &TestApp, world: &World) -> [Uuid; 3] {
    let waiting = given_held(
        app,
        world.volunteer_a1,
        world.address_a1,
        &world.commune_a1,
        "k1",
    )
    .await;
    let resolved = given_held(
        app,
        world.volunteer_a1,
        world.address_a1,
        &world.commune_a1,
        "k2",
    )
    .await;
    let other = given_held(
        app,
        world.volunteer_a2,
        world.address_a2,
        &world.commune_a2,
        "k3",
    )
    .await;
    held::resolve(
        &app.state.app(),
        &actor(app, world.volunteer_a1),
        resolved,
        HeldResolution::Discarded,
        None,
    )
    .await
    .unwrap();
    [waiting, resolved, other]
}

#[tokio::test]
async fn a_resolved_record_and_another_addresss_record_are_not_counted() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let [waiting, _, other] = given_records(&app, &world).await;

    let listed: Vec<Uuid> = held::list(&app.state.app(), &actor(&app, world.volunteer_a1))
        .into_iter()
        .map(|summary| summary.id)
        .collect();

    assert_eq!(
        count(&app, world.volunteer_a1),
        1,
        "hers, waiting; not the resolved one"
    );
    assert_eq!(listed, [waiting]);
    assert_eq!(count(&app, world.volunteer_a2), 1, "a2's own");
    assert_eq!(
        count(&app, world.volunteer_b1),
        0,
        "another province's volunteer"
    );
    assert_eq!(
        count(&app, world.supervisor_a),
        2,
        "her area: a1's and a2's"
    );
    assert_eq!(count(&app, world.supervisor_commune_a2), 1);
    assert_eq!(count(&app, world.supervisor_b), 0);
    assert!(
        held::list(&app.state.app(), &actor(&app, world.volunteer_a1))
            .iter()
            .all(|summary| summary.id != other)
    );
}

#[tokio::test]
async fn a_record_is_counted_as_soon_as_hold_answers_and_gone_as_soon_as_resolve_does() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;

    let id = given_held(
        &app,
        world.volunteer_a1,
        world.address_a1,
        &world.commune_a1,
        "k",
    )
    .await;
    assert_eq!(count(&app, world.volunteer_a1), 1, "read-your-writes");
    let again = given_held(
        &app,
        world.volunteer_a1,
        world.address_a1,
        &world.commune_a1,
        "k",
    )
    .await;
    assert_eq!(
        (again, count(&app, world.volunteer_a1)),
        (id, 1),
        "held once"
    );

    held::resolve(
        &app.state.app(),
        &actor(&app, world.volunteer_a1),
        id,
        HeldResolution::Applied,
        None,
    )
    .await
    .unwrap();
    assert_eq!(count(&app, world.volunteer_a1), 0, "read-your-writes");
}

#[tokio::test]
async fn after_a_rebuild_and_after_a_restart_from_the_checkpoint_the_counts_are_the_same() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    given_records(&app, &world).await;
    let users = [
        world.volunteer_a1,
        world.volunteer_a2,
        world.volunteer_b1,
        world.supervisor_a,
    ];
    let before: Vec<usize> = users.iter().map(|user| count(&app, *user)).collect();

    let rebuilt = Projections::new();
    rebuilt.catch_up(&app.state.log).unwrap();
    let registry = &rebuilt.registry;
    let after_rebuild: Vec<usize> = users
        .iter()
        .map(|user| {
            let user = actor(&app, *user);
            rebuilt.held.count_waiting(|address, commune| {
                tincay::app::scope::may_access_case(
                    &user,
                    &tincay::app::scope::CaseLocation {
                        trusted_address: *address,
                        commune: commune.clone(),
                    },
                    registry,
                )
            })
        })
        .collect();
    let app = app.restart().await;
    let after_restart: Vec<usize> = users.iter().map(|user| count(&app, *user)).collect();

    assert_eq!(before, [1, 1, 0, 2]);
    assert_eq!(after_rebuild, before);
    assert!(
        app.started_from_checkpoint > 0,
        "restored from the checkpoint"
    );
    assert_eq!(after_restart, before);
}

#[tokio::test]
async fn the_list_reads_no_held_stream_a_record_whose_key_is_gone_is_still_listed() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let id = given_held(
        &app,
        world.volunteer_a1,
        world.address_a1,
        &world.commune_a1,
        "k",
    )
    .await;
    assert_eq!(id, held_id(world.volunteer_a1.as_uuid(), "k"));

    // The record's key destroyed behind the application's back, with no resolution: what
    // she wrote can no longer be read from its stream. A list that read the held streams
    // would drop it (no personal part); the projection still has it waiting.
    let stray = HeldEvent::Listed {
        facts: HeldListedFacts {
            held: id,
            trusted_address: world.address_a1,
            commune: world.commune_a1.clone(),
        },
    };
    let outcome = app
        .state
        .log
        .append(AppendRequest {
            stream: StreamId::held(&id),
            expected: ExpectedVersion::Any,
            events: vec![stray.encode().unwrap()],
            idempotency: None,
            actor: None,
            recorded_at: app.state.clock.now(),
            erase: true,
        })
        .await
        .unwrap();
    app.state
        .projections
        .wait_for(outcome.last_position)
        .await
        .unwrap();

    assert_eq!(count(&app, world.volunteer_a1), 1);
    let listed = held::list(&app.state.app(), &actor(&app, world.volunteer_a1));
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, id);
    assert!(
        held::open(&app.state.app(), &actor(&app, world.volunteer_a1), id).is_err(),
        "opening it reads its stream, where nothing of what she wrote is left"
    );
}
