//! The commands on a case: each one's success, and the errors each can give (400 body,
//! 404 case or referral or follow-up, 412 stale `If-Match`, 422 vocabulary and lifecycle
//! rules), and idempotent retries.

use serde_json::{Value, json};

use crate::cases_kit::*;
use crate::support::*;

/// Every command open to volunteers, with a valid body.
fn commands(referral: &str, follow_up: &str) -> Vec<(String, Value)> {
    vec![
        (
            "support".into(),
            json!({"type": "shelter", "provided_on": "2026-11-19", "nights": 2, "by": "bà Lan"}),
        ),
        (
            "referrals".into(),
            json!({"target": "health", "made_on": "2026-11-20", "organisation": "Trạm y tế"}),
        ),
        (
            format!("referrals/{referral}/outcome"),
            json!({"outcome": "accepted", "recorded_on": "2026-11-20"}),
        ),
        (
            "follow-ups".into(),
            json!({"due_on": "2027-01-15", "method": "phone"}),
        ),
        (
            format!("follow-ups/{follow_up}/complete"),
            json!({"completed_on": "2026-11-20", "outcome": "safe"}),
        ),
        ("notes".into(), json!({"text": "Đã gọi điện"})),
        ("risk".into(), json!({"level": "medium", "notes": "calmer"})),
        (
            "close".into(),
            json!({"reason": "safe", "closed_on": "2026-11-20"}),
        ),
    ]
}

#[tokio::test]
async fn every_command_answers_201_with_the_new_version_and_etag() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let id = open_case(&app, &token).await;
    let referral = refer(&app, &token, &id).await;
    let follow_up = schedule(&app, &token, &id, "2026-11-25").await;
    let mut version = 3;
    for (path, body) in commands(&referral, &follow_up) {
        let reply = post(&app, &token, &format!("/cases/{id}/{path}"), &body).await;
        version += 1;
        assert_eq!(reply.status, 201, "{path}: {}", reply.text);
        assert_eq!(reply.json()["version"], version, "{path}");
        assert_eq!(reply.header("etag"), format!("\"{version}\""), "{path}");
        let creates = path == "referrals" || path == "follow-ups";
        assert_eq!(reply.json().get("id").is_some(), creates, "{path}");
    }
    let case = view(&app, &token, &id).await;
    assert_eq!(
        case["status"], "closure_requested",
        "a volunteer's close is a request"
    );
    assert_eq!(case["risk_level"], "medium");
    assert_eq!(case["referrals"][0]["outcome"], "accepted");
    assert_eq!(case["follow_ups"][0]["status"], "completed");
    let types: Vec<&str> = case["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["type"].as_str().unwrap())
        .collect();
    assert_eq!(types.last(), Some(&"case_closure_requested"));
    assert_eq!(case["timeline"][3]["data"]["nights"], 2);
    assert_eq!(case["timeline"][3]["data"]["by"], "bà Lan");
}

#[tokio::test]
async fn a_stale_if_match_is_412_and_a_current_one_passes() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let id = open_case(&app, &token).await;
    let note = json!({"text": "một"});
    let path = format!("/cases/{id}/notes");
    let ok = post_with(&app, &token, &path, &note, &[("If-Match", "\"1\"")]).await;
    assert_eq!(ok.status, 201);
    let stale = post_with(&app, &token, &path, &note, &[("If-Match", "\"1\"")]).await;
    assert_eq!(
        (stale.status, stale.code().as_str()),
        (412, "precondition_failed")
    );
    assert_eq!(stale.json()["detail"], "case is at version 2");
    let bad = post_with(&app, &token, &path, &note, &[("If-Match", "soon")]).await;
    assert_eq!(bad.status, 400);
    let any = post_with(&app, &token, &path, &note, &[("If-Match", "*")]).await;
    assert_eq!(any.status, 201);
}

#[tokio::test]
async fn command_bodies_are_checked_for_shape_then_vocabulary() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let id = open_case(&app, &token).await;
    let path = format!("/cases/{id}/support");
    let bad_request = [
        json!({"type": "shelter"}),
        json!({"type": "shelter", "provided_on": "2026-11-19", "colour": "red"}),
        json!({"type": "shelter", "provided_on": "2026-11-19", "nights": "two"}),
        json!(["shelter"]),
    ];
    for body in bad_request {
        let reply = post(&app, &token, &path, &body).await;
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (400, "bad_request"),
            "{body}"
        );
    }
    assert_eq!(post_raw(&app, &token, &path, "{").await.status, 400);
    let invalid = [
        (
            json!({"type": "massage", "provided_on": "2026-11-19"}),
            vec!["type"],
        ),
        (
            json!({"type": "shelter", "provided_on": "2026-13-01", "nights": 0}),
            vec!["provided_on", "nights"],
        ),
        (
            json!({"type": "shelter", "provided_on": "2026-11-21"}),
            vec!["provided_on"],
        ),
        (
            json!({"type": "legal", "provided_on": "2026-11-19", "nights": 2}),
            vec!["nights"],
        ),
        (
            json!({"type": "shelter", "provided_on": "2026-11-19", "nights": 400}),
            vec!["nights"],
        ),
    ];
    for (body, fields) in invalid {
        let reply = post(&app, &token, &path, &body).await;
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (422, "validation_failed"),
            "{body}"
        );
        assert_eq!(reply.fields(), fields, "{body}");
    }
    let empty_note = post(
        &app,
        &token,
        &format!("/cases/{id}/notes"),
        &json!({"text": " "}),
    )
    .await;
    assert_eq!(empty_note.fields(), ["text"]);
    let risk = post(
        &app,
        &token,
        &format!("/cases/{id}/risk"),
        &json!({"level": "extreme"}),
    )
    .await;
    assert_eq!(risk.fields(), ["level"]);
    assert_eq!(
        view(&app, &token, &id).await["version"],
        1,
        "nothing was recorded"
    );
}

#[tokio::test]
async fn an_unknown_referral_or_follow_up_is_not_found() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let id = open_case(&app, &token).await;
    let other = uuid::Uuid::new_v4();
    let outcome = json!({"outcome": "accepted", "recorded_on": "2026-11-20"});
    let reply = post(
        &app,
        &token,
        &format!("/cases/{id}/referrals/{other}/outcome"),
        &outcome,
    )
    .await;
    assert_eq!((reply.status, reply.code().as_str()), (404, "not_found"));
    let done = json!({"completed_on": "2026-11-20", "outcome": "safe"});
    let reply = post(
        &app,
        &token,
        &format!("/cases/{id}/follow-ups/{other}/complete"),
        &done,
    )
    .await;
    assert_eq!(reply.status, 404);
    let reply = post(
        &app,
        &token,
        &format!("/cases/{id}/follow-ups/nope/complete"),
        &done,
    )
    .await;
    assert_eq!(reply.status, 404);
    let reply = post(
        &app,
        &token,
        &format!("/cases/{other}/notes"),
        &json!({"text": "x"}),
    )
    .await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn lifecycle_rules_are_rule_violations() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let volunteer = app.token_for(world.volunteer_a1);
    let supervisor = app.token_for(world.supervisor_a);
    let mut no_consent = opening();
    no_consent["consent"]["referral"] = json!(false);
    let id = open_case_with(&app, &volunteer, &no_consent).await;
    let referral = json!({"target": "police", "made_on": "2026-11-20"});
    let reply = post(
        &app,
        &volunteer,
        &format!("/cases/{id}/referrals"),
        &referral,
    )
    .await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (422, "rule_violated")
    );

    let follow_up = schedule(&app, &volunteer, &id, "2026-11-19").await;
    let done = json!({"completed_on": "2026-11-20", "outcome": "safe"});
    let complete = format!("/cases/{id}/follow-ups/{follow_up}/complete");
    assert_eq!(post(&app, &volunteer, &complete, &done).await.status, 201);
    assert_eq!(
        post(&app, &volunteer, &complete, &done).await.code(),
        "rule_violated"
    );

    let close = json!({"reason": "safe", "closed_on": "2026-11-20"});
    assert_eq!(
        post(&app, &volunteer, &format!("/cases/{id}/close"), &close)
            .await
            .status,
        201
    );
    let again = post(&app, &volunteer, &format!("/cases/{id}/close"), &close).await;
    assert_eq!(again.code(), "rule_violated", "closure already requested");
    let reopen = post(
        &app,
        &supervisor,
        &format!("/cases/{id}/reopen"),
        &json!({"reason": "x"}),
    )
    .await;
    assert_eq!(reopen.code(), "rule_violated", "only a closed case reopens");
    let approve = json!({"decision": "approved"});
    assert_eq!(
        post(&app, &supervisor, &format!("/cases/{id}/reviews"), &approve)
            .await
            .status,
        201
    );
    assert_eq!(view(&app, &volunteer, &id).await["status"], "closed");
    let note = post(
        &app,
        &volunteer,
        &format!("/cases/{id}/notes"),
        &json!({"text": "x"}),
    )
    .await;
    assert_eq!((note.status, note.code().as_str()), (422, "rule_violated"));
}

#[tokio::test]
async fn a_supervisor_reviews_closes_reopens_and_transfers() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let volunteer = app.token_for(world.volunteer_a1);
    let supervisor = app.token_for(world.supervisor_a);
    let id = open_case(&app, &volunteer).await;
    let close = json!({"reason": "relocated", "closed_on": "2026-11-20", "notes": "đi Hà Nội"});
    post(&app, &volunteer, &format!("/cases/{id}/close"), &close).await;
    let send_back = json!({"decision": "action_requested", "comment": "gọi lại"});
    let reply = post(
        &app,
        &supervisor,
        &format!("/cases/{id}/reviews"),
        &send_back,
    )
    .await;
    assert_eq!(reply.status, 201);
    assert_eq!(view(&app, &volunteer, &id).await["status"], "open");
    let bad = post(
        &app,
        &supervisor,
        &format!("/cases/{id}/reviews"),
        &json!({"decision": "maybe"}),
    )
    .await;
    assert_eq!(bad.fields(), ["decision"]);

    let reply = post(&app, &supervisor, &format!("/cases/{id}/close"), &close).await;
    assert_eq!(reply.status, 201);
    assert_eq!(view(&app, &volunteer, &id).await["status"], "closed");
    let empty = post(
        &app,
        &supervisor,
        &format!("/cases/{id}/reopen"),
        &json!({"reason": ""}),
    )
    .await;
    assert_eq!(empty.fields(), ["reason"]);
    let reopen = json!({"reason": "bạo lực tái diễn"});
    assert_eq!(
        post(&app, &supervisor, &format!("/cases/{id}/reopen"), &reopen)
            .await
            .status,
        201
    );

    let path = format!("/cases/{id}/transfer");
    let away = json!({"trusted_address": world.address_b1.to_string()});
    assert_eq!(
        post(&app, &supervisor, &path, &away).await.fields(),
        ["trusted_address"]
    );
    let same = json!({"trusted_address": world.address_a1.to_string()});
    assert_eq!(
        post(&app, &supervisor, &path, &same).await.code(),
        "rule_violated"
    );
    let to_a2 = json!({"trusted_address": world.address_a2.to_string(), "reason": "gần nhà mẹ"});
    assert_eq!(post(&app, &supervisor, &path, &to_a2).await.status, 201);
    assert_eq!(
        get(&app, &volunteer, &format!("/cases/{id}")).await.status,
        404
    );
    let now_theirs = view(&app, &app.token_for(world.volunteer_a2), &id).await;
    assert_eq!(now_theirs["trusted_address"], world.address_a2.to_string());
}

#[tokio::test]
async fn a_retried_command_returns_the_first_result_even_after_the_case_moved_on() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let id = open_case(&app, &token).await;
    let path = format!("/cases/{id}/referrals");
    let body = json!({"target": "legal_aid", "made_on": "2026-11-20"});
    let headers = [("Idempotency-Key", "ref-1"), ("If-Match", "\"1\"")];
    let first = post_with(&app, &token, &path, &body, &headers).await;
    assert_eq!(first.status, 201);
    post(
        &app,
        &token,
        &format!("/cases/{id}/notes"),
        &json!({"text": "x"}),
    )
    .await;
    let head = app.state.log.head().unwrap().position;
    let retry = post_with(&app, &token, &path, &body, &headers).await;
    assert_eq!(retry.status, 201, "{}", retry.text);
    assert_eq!(retry.json(), first.json(), "same referral id, same version");
    assert_eq!(retry.header("etag"), "\"2\"");
    assert_eq!(app.state.log.head().unwrap().position, head);
    assert_eq!(
        view(&app, &token, &id).await["referrals"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let other = json!({"target": "police", "made_on": "2026-11-20"});
    let reply = post_with(&app, &token, &path, &other, &[("Idempotency-Key", "ref-1")]).await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (422, "validation_failed")
    );
    let key_elsewhere = post_with(
        &app,
        &token,
        &format!("/cases/{id}/follow-ups"),
        &json!({"due_on": "2026-12-01", "method": "visit"}),
        &[("Idempotency-Key", "ref-1")],
    )
    .await;
    assert_eq!(key_elsewhere.status, 201, "keys are per path");
}
