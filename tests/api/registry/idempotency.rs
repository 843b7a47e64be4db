//! Registry commands under an `Idempotency-Key` (issue 22): the same key and body twice is
//! one effect and the same answer; the same key with another body is the key-reused 422,
//! and writes nothing.

use serde_json::json;

use crate::cases_kit::post_with;
use crate::requests::*;
use crate::support::*;

#[tokio::test]
async fn a_retried_area_definition_defines_one_area_and_answers_the_same_code() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let body = json!({"code": "23299", "name": "Xã Thử", "level": "commune", "parent": "610"});
    let key = [("Idempotency-Key", "area-form-1")];

    let first = post_with(&app, &admin, "/areas", &body, &key).await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.json()["code"], "23299");
    let written = app.head();

    // The answer was lost; the form is sent again: the same code, nothing written. Without
    // the key the resend would be refused as a taken code.
    let again = post_with(&app, &admin, "/areas", &body, &key).await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.json()["code"], "23299");
    assert_eq!(app.head(), written, "a retry writes nothing");
    let without = post(&app, "/areas", Some(&admin), body.clone()).await;
    assert_eq!(without.status, 422, "{}", without.text);
    assert_eq!(app.head(), written);

    // The same key with another body is refused on the key, and writes nothing.
    let other = json!({"code": "23298", "name": "Xã Khác", "level": "commune", "parent": "610"});
    let reused = post_with(&app, &admin, "/areas", &other, &key).await;
    assert_eq!(reused.status, 422, "{}", reused.text);
    assert_eq!(reused.code(), "validation_failed");
    assert_eq!(reused.fields(), ["Idempotency-Key"]);
    assert_eq!(app.head(), written);
}

#[tokio::test]
async fn an_area_definition_with_an_unusable_key_is_a_bad_request_and_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let body = json!({"code": "23299", "name": "Xã Thử", "level": "commune", "parent": "610"});
    let before = app.head();
    let long = "k".repeat(256);
    let reply = post_with(&app, &admin, "/areas", &body, &[("Idempotency-Key", &long)]).await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert_eq!(reply.code(), "bad_request");
    assert_eq!(app.head(), before);
}
