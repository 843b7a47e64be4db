//! Every command, every error its body and headers can give: 400 for malformed JSON, an
//! unknown field, a wrong type or a missing field; 422 naming the field for a code outside
//! its vocabulary or a date in the future; 412 for a stale `If-Match`; 410 once erased. None
//! of them records anything.

use reqwest::Method;
use serde_json::{Value, json};

use crate::cases_kit::*;
use crate::support::*;

/// A command: its path under the case, a valid body, and bodies that are 422 with the field
/// each names.
struct Case {
    path: String,
    valid: Value,
    invalid: Vec<(Value, &'static str)>,
}

fn commands(world: &World, referral: &str, follow_up: &str) -> Vec<Case> {
    let case = |path: String, valid: Value, invalid: Vec<(Value, &'static str)>| Case {
        path,
        valid,
        invalid,
    };
    vec![
        case(
            "support".into(),
            json!({"type": "medical", "provided_on": "2026-11-20"}),
            vec![
                (json!({"type": "spa", "provided_on": "2026-11-20"}), "type"),
                (
                    json!({"type": "medical", "provided_on": "2026-12-20"}),
                    "provided_on",
                ),
            ],
        ),
        case(
            "referrals".into(),
            json!({"target": "court", "made_on": "2026-11-20"}),
            vec![
                (
                    json!({"target": "mayor", "made_on": "2026-11-20"}),
                    "target",
                ),
                (
                    json!({"target": "court", "made_on": "2027-01-01"}),
                    "made_on",
                ),
            ],
        ),
        case(
            format!("referrals/{referral}/outcome"),
            json!({"outcome": "declined", "recorded_on": "2026-11-20"}),
            vec![
                (
                    json!({"outcome": "lost", "recorded_on": "2026-11-20"}),
                    "outcome",
                ),
                (
                    json!({"outcome": "declined", "recorded_on": "2026-11-21"}),
                    "recorded_on",
                ),
            ],
        ),
        case(
            "follow-ups".into(),
            json!({"due_on": "2026-12-01", "method": "visit"}),
            vec![
                (
                    json!({"due_on": "2026-12-01", "method": "letter"}),
                    "method",
                ),
                (json!({"due_on": "soon", "method": "visit"}), "due_on"),
            ],
        ),
        case(
            format!("follow-ups/{follow_up}/complete"),
            json!({"completed_on": "2026-11-20", "outcome": "unreachable"}),
            vec![
                (
                    json!({"completed_on": "2026-11-20", "outcome": "fine"}),
                    "outcome",
                ),
                (
                    json!({"completed_on": "2026-11-21", "outcome": "safe"}),
                    "completed_on",
                ),
            ],
        ),
        case(
            "notes".into(),
            json!({"text": "ghi chú"}),
            vec![(json!({"text": ""}), "text")],
        ),
        case(
            "risk".into(),
            json!({"level": "medium"}),
            vec![(json!({"level": "severe"}), "level")],
        ),
        case(
            "reviews".into(),
            json!({"decision": "action_requested"}),
            vec![(json!({"decision": "ok"}), "decision")],
        ),
        case(
            "transfer".into(),
            json!({"trusted_address": world.address_a2.to_string()}),
            vec![
                (json!({"trusted_address": "nhà bà Lan"}), "trusted_address"),
                (
                    json!({"trusted_address": uuid::Uuid::new_v4().to_string()}),
                    "trusted_address",
                ),
            ],
        ),
        case(
            "close".into(),
            json!({"reason": "lost_contact", "closed_on": "2026-11-20"}),
            vec![
                (
                    json!({"reason": "tired", "closed_on": "2026-11-20"}),
                    "reason",
                ),
                (
                    json!({"reason": "safe", "closed_on": "2026-11-21"}),
                    "closed_on",
                ),
            ],
        ),
        case(
            "reopen".into(),
            json!({"reason": "bạo lực tái diễn"}),
            vec![(json!({"reason": " "}), "reason")],
        ),
    ]
}

/// The first field of a body set to a value of the wrong JSON type.
fn wrong_type(valid: &Value) -> Value {
    let mut body = valid.clone();
    let object = body.as_object_mut().unwrap();
    let first = object.keys().next().unwrap().clone();
    object.insert(first, json!({"nested": true}));
    body
}

fn with_unknown_field(valid: &Value) -> Value {
    let mut body = valid.clone();
    body["survivor_name"] = json!(CANARY);
    body
}

fn without_a_field(valid: &Value) -> Value {
    let mut body = valid.clone();
    let object = body.as_object_mut().unwrap();
    let first = object.keys().next().unwrap().clone();
    object.remove(&first);
    body
}

#[tokio::test]
async fn every_command_refuses_bad_bodies_stale_versions_and_erased_cases() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let volunteer = app.token_for(world.volunteer_a1);
    let supervisor = app.token_for(world.supervisor_a);
    let id = open_case(&app, &volunteer).await;
    let referral = refer(&app, &volunteer, &id).await;
    let follow_up = schedule(&app, &volunteer, &id, "2026-11-25").await;
    let version = view(&app, &supervisor, &id).await["version"].clone();
    for command in commands(&world, &referral, &follow_up) {
        let path = format!("/cases/{id}/{}", command.path);
        let what = &command.path;
        for body in [
            wrong_type(&command.valid),
            with_unknown_field(&command.valid),
            without_a_field(&command.valid),
        ] {
            let reply = post(&app, &supervisor, &path, &body).await;
            assert_eq!(
                (reply.status, reply.code().as_str()),
                (400, "bad_request"),
                "{what} {body}"
            );
            assert!(!reply.text.contains(CANARY), "{what}: {}", reply.text);
        }
        let reply = post_raw(&app, &supervisor, &path, "{\"text\": ").await;
        assert_eq!(reply.status, 400, "{what}");
        let reply = send(&app, Method::POST, &path, Some(&supervisor), None, &[]).await;
        assert_eq!(reply.status, 400, "{what}: no body");
        for (body, field) in &command.invalid {
            let reply = post(&app, &supervisor, &path, body).await;
            assert_eq!(
                (reply.status, reply.code().as_str()),
                (422, "validation_failed"),
                "{what} {body}: {}",
                reply.text
            );
            assert_eq!(reply.fields(), [*field], "{what} {body}");
        }
        let stale = [("If-Match", "\"99\"")];
        let reply = post_with(&app, &supervisor, &path, &command.valid, &stale).await;
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (412, "precondition_failed"),
            "{what}"
        );
    }
    assert_eq!(
        view(&app, &supervisor, &id).await["version"],
        version,
        "nothing recorded"
    );

    let gone = delete(
        &app,
        &supervisor,
        &format!("/cases/{id}?reason=entered_in_error"),
    )
    .await;
    assert_eq!(gone.status, 204);
    for command in commands(&world, &referral, &follow_up) {
        let path = format!("/cases/{id}/{}", command.path);
        let reply = post(&app, &supervisor, &path, &command.valid).await;
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (410, "gone"),
            "{}",
            command.path
        );
    }
}
