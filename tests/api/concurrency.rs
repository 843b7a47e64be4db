//! Many clients on one case at once: unconditional commands all succeed with gap-free
//! versions; conditional ones on the same version let exactly one through.

use serde_json::json;
use tincay::domain::ids::CaseId;
use tincay::store::stream::StreamId;

use crate::cases_kit::*;
use crate::support::*;

const CLIENTS: usize = 32;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_unconditional_commands_all_succeed_with_gap_free_versions() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let id = open_case(&app, &token).await;
    let path = format!("/cases/{id}/notes");
    let mut tasks = Vec::new();
    for n in 0..CLIENTS {
        let (client, url, token) = (app.client.clone(), app.api(&path), token.clone());
        tasks.push(tokio::spawn(async move {
            let response = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"text": format!("ghi chú {n}")}))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap();
            (status, body["version"].as_u64())
        }));
    }
    let mut versions = Vec::new();
    for task in tasks {
        let (status, version) = task.await.unwrap();
        assert_eq!(status, 201);
        versions.push(version.unwrap());
    }
    versions.sort_unstable();
    let expected: Vec<u64> = (2..=CLIENTS as u64 + 1).collect();
    assert_eq!(versions, expected, "each answer names its own version");
    let case = CaseId::from_uuid(id.parse().unwrap());
    let stream = app.state.log.read_stream(&StreamId::case(&case)).unwrap();
    let stored: Vec<u64> = stream.iter().map(|event| event.stream_version).collect();
    assert_eq!(stored, (1..=CLIENTS as u64 + 1).collect::<Vec<_>>());
    assert_eq!(view(&app, &token, &id).await["version"], CLIENTS as u64 + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_commands_on_the_same_if_match_let_exactly_one_through() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let id = open_case(&app, &token).await;
    let path = format!("/cases/{id}/notes");
    let mut tasks = Vec::new();
    for n in 0..CLIENTS {
        let (client, url, token) = (app.client.clone(), app.api(&path), token.clone());
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .header("If-Match", "\"1\"")
                .json(&json!({"text": format!("ghi chú {n}")}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let created = statuses.iter().filter(|status| **status == 201).count();
    let refused = statuses.iter().filter(|status| **status == 412).count();
    assert_eq!((created, refused), (1, CLIENTS - 1), "{statuses:?}");
    assert_eq!(view(&app, &token, &id).await["version"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_reads_at_once_are_each_in_the_access_log_when_answered() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let (volunteer, supervisor) = (
        app.token_for(world.volunteer_a1),
        app.token_for(world.supervisor_a),
    );
    let id = open_case(&app, &volunteer).await;
    let case = CaseId::from_uuid(id.parse().unwrap());
    let mut tasks = Vec::new();
    for n in 0..CLIENTS {
        let token = if n % 2 == 0 { &volunteer } else { &supervisor };
        let (client, url, token) = (
            app.client.clone(),
            app.api(&format!("/cases/{id}")),
            token.clone(),
        );
        let log = app.state.log.clone();
        tasks.push(tokio::spawn(async move {
            let status = client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status();
            // Answered only once its entry is durable: at least this many are there.
            let recorded = tincay::access_log::for_case(&log, &case).unwrap().len();
            (status.as_u16(), recorded)
        }));
    }
    for task in tasks {
        let (status, recorded) = task.await.unwrap();
        assert_eq!(status, 200);
        assert!(recorded >= 1);
    }
    let entries = tincay::access_log::for_case(&app.state.log, &case).unwrap();
    let by = |user: tincay::domain::ids::UserId| {
        entries
            .iter()
            .filter(|entry| entry.user == Some(*user.as_uuid()))
            .count()
    };
    assert_eq!(entries.len(), CLIENTS);
    assert_eq!((by(world.volunteer_a1), by(world.supervisor_a)), (16, 16));
    assert!(
        entries
            .iter()
            .all(|entry| entry.action == tincay::domain::vocab::AccessAction::CaseRead)
    );
}
