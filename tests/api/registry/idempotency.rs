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

#[tokio::test]
async fn a_retried_account_creation_makes_one_account_and_answers_its_id() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let body = json!({"username": "tnv.moi", "password": PASSWORD, "role": "volunteer",
                      "trusted_address": world.address_a1.to_string()});
    let key = [("Idempotency-Key", "user-form-1")];

    let first = post_with(&app, &admin, "/users", &body, &key).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let id = first.json()["id"].clone();
    let written = app.head();

    let again = post_with(&app, &admin, "/users", &body, &key).await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.json()["id"], id, "the retry answers the account made");
    assert_eq!(again.json()["status"], "pending");
    assert_eq!(
        app.head(),
        written,
        "a retry writes nothing, not even an access entry"
    );
    let named = app
        .state
        .projections
        .registry
        .users()
        .into_iter()
        .filter(|user| user.username == "tnv.moi")
        .count();
    assert_eq!(named, 1);

    // Without the key the resend is a taken username; with it and another password (or any
    // other field), the key is reused: refused, nothing written.
    let without = post(&app, "/users", Some(&admin), body.clone()).await;
    assert_eq!(without.status, 422, "{}", without.text);
    let other = json!({"username": "tnv.moi", "password": "một mật khẩu khác hẳn 2026",
                       "role": "volunteer", "trusted_address": world.address_a1.to_string()});
    let reused = post_with(&app, &admin, "/users", &other, &key).await;
    assert_eq!(reused.status, 422, "{}", reused.text);
    assert_eq!(reused.fields(), ["Idempotency-Key"]);
    assert_eq!(app.head(), written);
}

#[tokio::test]
async fn the_same_key_with_another_full_name_is_another_request() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let named = |full_name: &str| {
        json!({"username": "tnv.moi", "password": PASSWORD, "role": "volunteer",
               "trusted_address": world.address_a1.to_string(), "full_name": full_name})
    };
    let key = [("Idempotency-Key", "user-form-2")];
    let first = post_with(&app, &admin, "/users", &named("Lò Thị Mai"), &key).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let written = app.head();

    // Only the name differs: the key was used for another account, not this one.
    let reused = post_with(&app, &admin, "/users", &named("Lò Thị Nga"), &key).await;

    assert_eq!(reused.status, 422, "{}", reused.text);
    assert_eq!(reused.fields(), ["Idempotency-Key"]);
    assert!(!reused.text.contains("Nga"), "the name is never echoed");
    assert_eq!(app.head(), written);
    let id = first.json()["id"].as_str().unwrap().parse().unwrap();
    let account = app
        .state
        .projections
        .registry
        .user(&tincay::domain::ids::UserId::from_uuid(id))
        .unwrap();
    assert_eq!(account.full_name.as_deref(), Some("Lò Thị Mai"));
}

#[tokio::test]
async fn a_retried_password_reset_changes_the_password_once_and_only_for_its_account() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let body = json!({"password": "mật khẩu mới tinh 2026"});
    let key = [("Idempotency-Key", "reset-1")];
    let path = format!("/users/{}/password", world.volunteer_a1);
    let version = |id| app.state.projections.registry.user(&id).unwrap().version;
    let before = version(world.volunteer_a1);

    let first = post_with(&app, &admin, &path, &body, &key).await;
    assert_eq!(first.status, 204, "{}", first.text);
    let changed = version(world.volunteer_a1);
    assert!(changed > before);
    let written = app.head();

    // The answer was lost and the admin sends again: no second change (which would put the
    // account back to wait for another approval), nothing written.
    let again = post_with(&app, &admin, &path, &body, &key).await;
    assert_eq!(again.status, 204, "{}", again.text);
    assert_eq!(version(world.volunteer_a1), changed);
    assert_eq!(app.head(), written);

    let other = json!({"password": "một mật khẩu khác hẳn 2026"});
    let reused = post_with(&app, &admin, &path, &other, &key).await;
    assert_eq!(reused.status, 422, "{}", reused.text);
    assert_eq!(reused.fields(), ["Idempotency-Key"]);
    assert_eq!(app.head(), written);

    // The same key on another account's reset is that account's own request.
    let elsewhere = format!("/users/{}/password", world.volunteer_a2);
    let before_a2 = version(world.volunteer_a2);
    let second = post_with(&app, &admin, &elsewhere, &body, &key).await;
    assert_eq!(second.status, 204, "{}", second.text);
    assert!(version(world.volunteer_a2) > before_a2);
}

#[tokio::test]
async fn a_retried_retirement_answers_as_the_first_and_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let path = format!("/areas/{}/retire", world.commune_a2.as_str());
    let body = json!({"valid_to": "2026-06-30", "successor": world.commune_a1.as_str()});
    let key = [("Idempotency-Key", "retire-1")];

    let first = post_with(&app, &admin, &path, &body, &key).await;
    assert_eq!(first.status, 204, "{}", first.text);
    let written = app.head();
    let again = post_with(&app, &admin, &path, &body, &key).await;
    assert_eq!(again.status, 204, "{}", again.text);
    assert_eq!(app.head(), written);

    // Without the key the resend is refused (already retired); with another body, the key.
    let without = post(&app, &path, Some(&admin), body.clone()).await;
    assert_eq!(without.status, 422, "{}", without.text);
    let other = json!({"valid_to": "2026-05-31", "successor": world.commune_a1.as_str()});
    let reused = post_with(&app, &admin, &path, &other, &key).await;
    assert_eq!(reused.status, 422, "{}", reused.text);
    assert_eq!(reused.fields(), ["Idempotency-Key"]);
    assert_eq!(app.head(), written);
}

#[tokio::test]
async fn a_retried_merge_answers_as_the_first_and_the_key_with_another_merge_is_refused() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let body = json!({"communes": [world.commune_a1.as_str(), world.commune_a2.as_str()],
                      "into": "23290", "name": "Xã Hợp Nhất", "effective_on": "2026-07-01"});
    let key = [("Idempotency-Key", "merge-1")];

    let first = post_with(&app, &admin, "/areas/merge", &body, &key).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let written = app.head();
    let again = post_with(&app, &admin, "/areas/merge", &body, &key).await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.json(), first.json());
    assert_eq!(app.head(), written);

    // Another merge under the same key: refused on the key before anything is checked.
    let other = json!({"communes": [world.commune_a1.as_str(), world.commune_a2.as_str()],
                       "into": "23291", "name": "Xã Khác", "effective_on": "2026-07-01"});
    let reused = post_with(&app, &admin, "/areas/merge", &other, &key).await;
    assert_eq!(reused.status, 422, "{}", reused.text);
    assert_eq!(reused.fields(), ["Idempotency-Key"]);
    assert_eq!(app.head(), written);
}
