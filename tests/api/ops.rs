//! `/healthz`, `/readyz` and `/metrics` (API.md, "Operations").

use axum::body::Body;
use axum::http::Request;
use std::sync::Arc;
use tincay::domain::codec::EventCodec;
use tincay::domain::ids::UserId;
use tincay::domain::registry::user::{UserCreatedFacts, UserCreatedPii, UserEvent};
use tincay::domain::vocab::Role;
use tincay::http::state::HttpSettings;
use tincay::server::{App, ServerConfig};
use tincay::store::crypto::MasterKey;
use tincay::store::log::{AppendRequest, ExpectedVersion, LogOptions};
use tincay::store::stream::StreamId;
use tower::ServiceExt;
use uuid::Uuid;

use crate::support::*;

#[tokio::test]
async fn healthz_answers_while_the_process_lives() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "alive");
    app.stop().await;
}

#[tokio::test]
async fn readyz_is_ready_once_started_and_after_writes_are_applied() {
    let app = spawn_app().await;
    seed_world(&app).await;
    let response = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    app.stop().await;
}

/// A user event, to have something in the log the projections have not seen.
fn user_created() -> AppendRequest {
    let event = UserEvent::Created {
        facts: UserCreatedFacts {
            role: Role::Admin,
            area: None,
            trusted_address: None,
        },
        pii: Some(UserCreatedPii {
            username: "quantri.moi".into(),
            password_hash: "$argon2id$not-a-real-hash".into(),
            full_name: None,
        }),
    };
    AppendRequest {
        stream: StreamId::user(&UserId::from_uuid(Uuid::new_v4())),
        expected: ExpectedVersion::NoStream,
        events: vec![event.encode().unwrap()],
        idempotency: None,
        actor: None,
        recorded_at: START,
        erase: false,
    }
}

async fn readyz(router: &axum::Router) -> (u16, serde_json::Value) {
    let response = router
        .clone()
        .oneshot(Request::get("/readyz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = axum::body::to_bytes(response.into_body(), 1 << 16)
        .await
        .unwrap();
    let json = serde_json::from_slice(&body).unwrap();
    if status != 200 {
        assert_eq!(content_type, "application/problem+json");
    }
    (status, json)
}

#[tokio::test]
async fn readyz_is_unavailable_until_the_projections_catch_up_with_the_log() {
    // Built but not running: nothing follows the log, so a write leaves the projections behind.
    let dir = tempfile::tempdir().unwrap();
    let app = App::build(
        ServerConfig {
            data_dir: dir.path().join("data"),
            listen: "127.0.0.1:0".parse().unwrap(),
            master_key: MasterKey::from_bytes([3; 32]),
            http: HttpSettings::default(),
            log: LogOptions::default(),
            checkpoints: tincay::projections::checkpointer::CheckpointPolicy::default(),
            retention: tincay::domain::case::retention::RetentionPeriod::DEFAULT,
            store_cache_bytes: 64 * 1024 * 1024,
            database_url: None,
        },
        Arc::new(FixedClock),
    )
    .await
    .unwrap();
    let state = app.state().clone();
    let router = tincay::http::router(state.clone());
    assert_eq!(readyz(&router).await.0, 200, "an empty log is caught up");

    state.log.append(user_created()).await.unwrap();
    let (status, problem) = readyz(&router).await;
    assert_eq!(status, 503);
    assert_eq!(problem["code"], "unavailable");
    assert_eq!(
        problem["detail"],
        "the projections are catching up: applied 0 of 1"
    );

    state.projections.catch_up(&state.log).unwrap();
    assert_eq!(readyz(&router).await.0, 200);
    state.log.close();
}

#[derive(Debug)]
struct FixedClock;

impl tincay::http::state::Clock for FixedClock {
    fn now(&self) -> time::OffsetDateTime {
        START
    }
}

#[tokio::test]
async fn metrics_have_the_families_and_no_ids_or_names() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let case_path = format!("/api/v1/cases/{}", Uuid::new_v4());
    let unknown_path = format!("/no-such-place/{}", Uuid::new_v4());
    for path in [
        "/healthz",
        "/readyz",
        case_path.as_str(),
        unknown_path.as_str(),
    ] {
        app.client.get(app.url(path)).send().await.unwrap();
    }
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = response.text().await.unwrap();
    for family in [
        "tincay_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1",
        "tincay_http_request_duration_seconds_bucket{le=\"0.001\",method=\"GET\",route=\"/readyz\",status=\"200\"}",
        "route=\"unmatched\",status=\"404\"",
        "route=\"/api/v1/cases/{id}\",status=\"401\"",
        "tincay_log_append_duration_seconds_count",
        "tincay_log_group_commit_size_bucket",
        "tincay_log_sync_duration_seconds_count",
        "tincay_log_head_position",
        "tincay_projections_applied_position",
        "tincay_projection_lag 0",
        "tincay_projections_failed 0",
    ] {
        assert!(text.contains(family), "{family} missing from\n{text}");
    }
    let appends: u64 = text
        .lines()
        .find_map(|line| line.strip_prefix("tincay_log_append_duration_seconds_count "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(appends >= 15, "the seeded world made {appends} appends");
    let held = app.state.log.keys().cached_stream_keys();
    assert!(held > 0, "the seeded addresses' and users' keys are held");
    assert!(
        text.contains(&format!("tincay_stream_keys_in_memory {held}\n")),
        "{text}"
    );
    // No ids, usernames or raw paths in any label.
    let forbidden = [
        world.admin.to_string(),
        world.address_a1.to_string(),
        "tnv.a1".to_owned(),
        case_path,
        unknown_path,
    ];
    for needle in forbidden {
        assert!(!text.contains(&needle), "{needle} leaked into\n{text}");
    }
    app.stop().await;
}
