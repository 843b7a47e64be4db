//! `DELETE /cases/{id}` (crypto-shredding) and `GET /cases/{id}/access-log`.

use reqwest::Method;
use serde_json::json;
use tincay::domain::ids::CaseId;
use tincay::store::log::RecordedPii;
use tincay::store::stream::StreamId;

use crate::cases_kit::*;
use crate::support::*;

fn case_id(id: &str) -> CaseId {
    CaseId::from_uuid(id.parse().unwrap())
}

#[tokio::test]
async fn an_erased_case_is_gone_from_every_path_and_its_personal_data_from_the_log() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let volunteer = app.token_for(world.volunteer_a1);
    let supervisor = app.token_for(world.supervisor_a);
    let id = open_case(&app, &volunteer).await;
    let referral = refer(&app, &volunteer, &id).await;
    let follow_up = schedule(&app, &volunteer, &id, "2026-11-10").await;
    let reply = delete(
        &app,
        &supervisor,
        &format!("/cases/{id}?reason=survivor_request"),
    )
    .await;
    assert_eq!(reply.status, 204, "{}", reply.text);

    let events = app
        .state
        .log
        .read_stream(&StreamId::case(&case_id(&id)))
        .unwrap();
    assert_eq!(events.len(), 4);
    assert_eq!(events[3].event_type, "case_erased");
    for event in &events[..2] {
        assert!(
            matches!(event.pii, RecordedPii::Erased),
            "{}",
            event.event_type
        );
    }
    assert!(
        !events
            .iter()
            .any(|event| matches!(event.pii, RecordedPii::Present(_)))
    );

    let paths = [
        (Method::GET, format!("/cases/{id}")),
        (Method::GET, format!("/cases/{id}/access-log")),
        (Method::DELETE, format!("/cases/{id}?reason=duplicate")),
        (Method::POST, format!("/cases/{id}/notes")),
        (
            Method::POST,
            format!("/cases/{id}/referrals/{referral}/outcome"),
        ),
        (
            Method::POST,
            format!("/cases/{id}/follow-ups/{follow_up}/complete"),
        ),
        (Method::POST, format!("/cases/{id}/reopen")),
    ];
    for (method, path) in paths {
        let body = json!({"text": "x"});
        let reply = send(&app, method, &path, Some(&supervisor), Some(&body), &[]).await;
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (410, "gone"),
            "{path}"
        );
        assert!(!reply.text.contains(CANARY));
    }
    assert_eq!(
        get(&app, &volunteer, &format!("/cases/{id}")).await.status,
        410
    );
    let list = get(&app, &supervisor, "/cases").await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    let erased = get(&app, &supervisor, "/cases?status=erased").await.json();
    assert_eq!(erased["items"][0]["id"], id);
    assert_eq!(
        erased["items"][0]["opened_on"], "2026-11-01",
        "the index forgot the day, as the log did"
    );
    let queue = get(&app, &supervisor, "/follow-ups").await.json();
    assert_eq!(
        queue["items"].as_array().unwrap().len(),
        0,
        "its follow-up left the queue"
    );

    let entries = tincay::access_log::for_case(&app.state.log, &case_id(&id)).unwrap();
    let last = entries.last().unwrap();
    assert_eq!(last.action, tincay::domain::vocab::AccessAction::CaseErased);
    assert_eq!(last.user, Some(*world.supervisor_a.as_uuid()));
}

#[tokio::test]
async fn erasing_needs_a_known_reason_and_a_supervisor_in_scope() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let id = open_case(&app, &t.volunteer_a1).await;
    let no_reason = delete(&app, &t.supervisor_a, &format!("/cases/{id}")).await;
    assert_eq!(
        (no_reason.status, no_reason.code().as_str()),
        (400, "bad_request")
    );
    let unknown = delete(&app, &t.supervisor_a, &format!("/cases/{id}?reason=bored")).await;
    assert_eq!(
        (unknown.status, unknown.code().as_str()),
        (422, "validation_failed")
    );
    assert_eq!(unknown.fields(), ["reason"]);
    let path = format!("/cases/{id}?reason=duplicate");
    for token in [&t.volunteer_a1, &t.admin, &t.reporter_a] {
        assert_eq!(delete(&app, token, &path).await.status, 403);
    }
    for token in [&t.supervisor_b, &t.supervisor_commune_a2] {
        assert_eq!(delete(&app, token, &path).await.status, 404);
    }
    let stale = send(
        &app,
        Method::DELETE,
        &path,
        Some(&t.supervisor_a),
        None,
        &[("If-Match", "\"7\"")],
    )
    .await;
    assert_eq!(stale.status, 412);
    assert_eq!(view(&app, &t.volunteer_a1, &id).await["status"], "open");
    assert_eq!(delete(&app, &t.supervisor_a, &path).await.status, 204);
}

#[tokio::test]
async fn the_access_log_shows_who_read_the_case_and_records_its_own_reading() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let id = open_case(&app, &t.volunteer_a1).await;
    view(&app, &t.volunteer_a1, &id).await;
    view(&app, &t.supervisor_a, &id).await;
    let reply = get(&app, &t.supervisor_a, &format!("/cases/{id}/access-log")).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let items = reply.json()["items"].as_array().unwrap().clone();
    let seen: Vec<(String, String)> = items
        .iter()
        .map(|item| {
            (
                item["user"].as_str().unwrap().to_owned(),
                item["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let volunteer = world.volunteer_a1.to_string();
    let supervisor = world.supervisor_a.to_string();
    assert_eq!(
        seen,
        [
            (volunteer, "case_read".to_owned()),
            (supervisor.clone(), "case_read".to_owned()),
            (supervisor, "access_log_read".to_owned()),
        ]
    );
    assert!(items[0]["at"].as_str().unwrap().starts_with("2026-11-20T"));
    assert_eq!(items[0]["from"], "127.0.0.1");
}

#[tokio::test]
async fn only_a_supervisor_of_the_area_reads_the_access_log() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let id = open_case(&app, &t.volunteer_a1).await;
    let path = format!("/cases/{id}/access-log");
    for token in [&t.volunteer_a1, &t.admin, &t.reporter_a] {
        assert_eq!(get(&app, token, &path).await.status, 403);
    }
    for token in [&t.supervisor_b, &t.supervisor_commune_a2] {
        assert_eq!(get(&app, token, &path).await.status, 404);
    }
    let unknown = format!("/cases/{}/access-log", uuid::Uuid::new_v4());
    assert_eq!(get(&app, &t.supervisor_a, &unknown).await.status, 404);
}
