//! One bad event does not stop the service (issue 18): an event of a case stream that no
//! projection can decode, written by a test hook that bypasses decode before append (as a bug
//! or an older binary could have), sets that case aside: it answers 503 `case_unavailable`
//! to those who may see it, every other case and page keeps working, `/readyz` stays 200,
//! `/metrics` names the position, statistics say what they exclude, a restart still works,
//! `verify` tells it from a broken chain, and an upcaster plus `tincay rebuild` repairs it.

use serde_json::json;
use tincay::domain::case::upcast::install_test_upcaster;
use tincay::domain::codec::EncodedEvent;
use tincay::http::state::Clock;
use tincay::projections::checkpoint;
use tincay::projections::runner::Projections;
use tincay::store::crypto::MasterKey;
use tincay::store::engine::EventStore;
use tincay::store::log::{AppendRequest, EventLog, ExpectedVersion, LogOptions};
use tincay::store::sled_store::{SledOptions, SledStore};
use tincay::store::stream::StreamId;
use tincay::store::verify::{VerifyError, decodes, verify};

use crate::cases_kit::{get, open_case, post};
use crate::support::*;

/// The issue's event: a shelter given on `-0001-01-01`, as the old date parser let through
/// and the facts codec wrote but cannot read.
fn the_issues_event() -> EncodedEvent {
    EncodedEvent {
        event_type: "support_provided",
        schema_version: 1,
        facts: br#"{"support_type":"shelter","month":"-001-01"}"#.to_vec(),
        pii: Some(br#"{"provided_on":"-001-01-01"}"#.to_vec()),
    }
}

/// Appends `event` to case `id` bypassing decode before append, and waits for the
/// projections to have passed it.
async fn write_behind_the_check(app: &TestApp, id: &str, version: u64, event: EncodedEvent) -> u64 {
    let outcome = app
        .state
        .log
        .append_unchecked(AppendRequest {
            stream: StreamId::parse(&format!("case-{id}")).unwrap(),
            expected: ExpectedVersion::Exact(version),
            events: vec![event],
            idempotency: None,
            actor: None,
            recorded_at: app.clock.now(),
            erase: false,
        })
        .await
        .unwrap();
    app.state
        .projections
        .wait_for(outcome.last_position)
        .await
        .unwrap();
    outcome.last_position
}

fn verify_dir(app_dir: &std::path::Path) -> Result<(), VerifyError> {
    let store = SledStore::open(&app_dir.join("data"), SledOptions::default()).unwrap();
    verify(&store, MasterKey::from_bytes([3; 32]), &decodes).map(drop)
}

#[tokio::test]
async fn a_case_holding_an_undecodable_event_is_set_aside_and_everything_else_works() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let volunteer = app.token_for(world.volunteer_a1);
    let bad = open_case(&app, &volunteer).await;
    let good = open_case(&app, &volunteer).await;
    let position = write_behind_the_check(&app, &bad, 1, the_issues_event()).await;

    // The case answers 503 case_unavailable, as problem+json with a request id.
    let read = get(&app, &volunteer, &format!("/cases/{bad}")).await;
    assert_eq!(read.status, 503, "{}", read.text);
    assert_eq!(read.code(), "case_unavailable");
    assert_eq!(read.header("content-type"), "application/problem+json");
    assert!(!read.header("x-request-id").is_empty());
    let head = app.head();
    let note = post(
        &app,
        &volunteer,
        &format!("/cases/{bad}/notes"),
        &json!({"text": "x"}),
    )
    .await;
    assert_eq!(
        (note.status, note.code().as_str()),
        (503, "case_unavailable"),
        "{}",
        note.text
    );
    assert_eq!(app.head(), head, "a refused command appends nothing");
    // To anyone who may not see the case, it still does not exist.
    let outsider = app.token_for(world.volunteer_b1);
    assert_eq!(
        get(&app, &outsider, &format!("/cases/{bad}")).await.status,
        404
    );

    // Every other case and page keeps working.
    assert_eq!(
        get(&app, &volunteer, &format!("/cases/{good}"))
            .await
            .status,
        200
    );
    let note = post(
        &app,
        &volunteer,
        &format!("/cases/{good}/notes"),
        &json!({"text": "x"}),
    )
    .await;
    assert_eq!(note.status, 201, "{}", note.text);
    assert_eq!(get(&app, &volunteer, "/cases").await.status, 200);
    let supervisor = app.token_for(world.supervisor_a);
    assert_eq!(get(&app, &supervisor, "/follow-ups").await.status, 200);
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);

    // /metrics names the position; statistics say what they leave out.
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap();
    let metrics = metrics.text().await.unwrap();
    assert!(
        metrics.contains(&format!(
            "tincay_projections_first_undecodable_position {position}"
        )),
        "{metrics}"
    );
    assert!(
        metrics.contains("tincay_projections_set_aside_cases 1"),
        "{metrics}"
    );
    let reporter = app.token_for(world.reporter_a);
    let stats = get(
        &app,
        &reporter,
        "/stats?measure=cases_opened&period=2026&area=62",
    )
    .await;
    assert_eq!(stats.status, 200, "{}", stats.text);
    assert_eq!(stats.json()["excluded_events"], 1);
    assert_eq!(stats.header("tincay-excluded-events"), "1");

    // A restart still works, and sets the same case aside again.
    let app = app.restart().await;
    let volunteer = app.token_for(world.volunteer_a1);
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(
        get(&app, &volunteer, &format!("/cases/{bad}")).await.code(),
        "case_unavailable"
    );
    assert_eq!(
        get(&app, &volunteer, &format!("/cases/{good}"))
            .await
            .status,
        200
    );

    // verify: the chain is intact, the event cannot be decoded (not "chain broken").
    let dir = app.stop_keeping_dir().await;
    match verify_dir(dir.path()) {
        Err(VerifyError::Undecodable { first, count }) => {
            assert_eq!((first.position, count), (position, 1));
        }
        other => panic!("expected an undecodable event, got {other:?}"),
    }
}

/// An older form of `support_provided` no code here reads: the support type was `kind`.
fn an_older_form() -> EncodedEvent {
    EncodedEvent {
        event_type: "support_provided",
        schema_version: 0,
        facts: br#"{"kind":"counselling","month":"2026-11"}"#.to_vec(),
        pii: Some(br#"{"provided_on":"2026-11-19"}"#.to_vec()),
    }
}

/// The upcaster a new binary would ship for it: `kind` became `support_type`.
fn read_the_older_form(facts: &[u8]) -> Option<Vec<u8>> {
    let mut facts: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(facts).ok()?;
    let kind = facts.remove("kind")?;
    facts.insert("support_type".into(), kind);
    serde_json::to_vec(&facts).ok()
}

#[tokio::test]
async fn an_upcaster_and_a_rebuild_bring_a_set_aside_case_back() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let volunteer = app.token_for(world.volunteer_a1);
    let case = open_case(&app, &volunteer).await;
    write_behind_the_check(&app, &case, 1, an_older_form()).await;
    assert_eq!(
        get(&app, &volunteer, &format!("/cases/{case}"))
            .await
            .code(),
        "case_unavailable"
    );
    let dir = app.stop_keeping_dir().await;
    assert!(matches!(
        verify_dir(dir.path()),
        Err(VerifyError::Undecodable { .. })
    ));

    // The repair: a binary that reads the older form (installed here in-process), then
    // what `tincay rebuild` does: rebuild every projection and save their checkpoint.
    install_test_upcaster("support_provided", 0, read_the_older_form);
    verify_dir(dir.path()).unwrap();
    let data = dir.path().join("data");
    let store = std::sync::Arc::new(SledStore::open(&data, SledOptions::default()).unwrap());
    let log = EventLog::open(
        store as std::sync::Arc<dyn EventStore>,
        MasterKey::from_bytes([3; 32]),
        LogOptions::default(),
    )
    .unwrap();
    checkpoint::remove(&data).unwrap();
    let projections = Projections::new();
    let applied = projections.catch_up(&log).unwrap();
    assert!(projections.set_aside.is_empty());
    assert_eq!(
        checkpoint::save(&data, &log, &projections).unwrap(),
        applied
    );
    log.close();
    drop(log);

    let app = spawn_app_in(dir, Default::default()).await;
    assert_eq!(
        app.started_from_checkpoint, applied,
        "started from the rebuilt checkpoint"
    );
    let volunteer = app.token_for(world.volunteer_a1);
    let read = get(&app, &volunteer, &format!("/cases/{case}")).await;
    assert_eq!(read.status, 200, "{}", read.text);
    let timeline = read.json()["timeline"].to_string();
    assert!(
        timeline.contains("support_provided") && timeline.contains("counselling"),
        "{timeline}"
    );
}
