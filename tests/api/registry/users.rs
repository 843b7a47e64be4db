//! `POST /users`, `DELETE /users/{id}` and `POST /users/{id}/password`.

use serde_json::json;

use crate::requests::*;
use crate::support::*;

#[tokio::test]
async fn an_admin_creates_a_user_who_can_sign_in_once_a_supervisor_approves() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let body = json!({"username": "gs.huyen", "password": "mười ký tự!", "role": "supervisor",
                      "area": "610"});

    let reply = post(&app, "/users", Some(&admin), body).await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.json["status"], "pending");
    let approve = format!("/users/{}/approve", reply.json["id"].as_str().unwrap());
    let province = app.token_for(world.supervisor_a);
    assert_eq!(
        post(&app, &approve, Some(&province), json!({}))
            .await
            .status,
        204
    );
    let signed_in = sign_in(&app, "gs.huyen", "mười ký tự!").await;
    assert_eq!(signed_in.status, 201);
    assert_eq!(signed_in.json["user"]["id"], reply.json["id"]);
    assert_eq!(signed_in.json["user"]["area"], "610");
}

#[tokio::test]
async fn a_bad_user_is_refused_field_by_field() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let address = world.address_a1.to_string();
    let closed_to_nobody = "0a000000-0000-4000-8000-000000000001";

    for (body, fields) in [
        (
            json!({"username": "tnv.a1", "password": PASSWORD, "role": "admin"}),
            vec!["username"],
        ),
        (
            json!({"username": "", "password": PASSWORD, "role": "admin"}),
            vec!["username"],
        ),
        (
            json!({"username": "new", "password": "ngắn", "role": "admin"}),
            vec!["password"],
        ),
        (
            json!({"username": "new", "password": PASSWORD, "role": "boss"}),
            vec!["role"],
        ),
        (
            json!({"username": "new", "password": PASSWORD, "role": "supervisor"}),
            vec!["area"],
        ),
        (
            json!({"username": "new", "password": PASSWORD, "role": "volunteer", "area": "62",
                   "trusted_address": address}),
            vec!["area"],
        ),
        (
            json!({"username": "new", "password": PASSWORD, "role": "volunteer"}),
            vec!["trusted_address"],
        ),
        (
            json!({"username": "new", "password": PASSWORD, "role": "supervisor", "area": "99"}),
            vec!["area"],
        ),
        (
            json!({"username": "new", "password": PASSWORD, "role": "volunteer",
                   "trusted_address": closed_to_nobody}),
            vec!["trusted_address"],
        ),
        (
            json!({"username": "gs.a", "password": "short", "role": "chief"}),
            vec!["username", "password", "role"],
        ),
    ] {
        let reply = post(&app, "/users", Some(&admin), body.clone()).await;
        assert_eq!(reply.status, 422, "{body}: {}", reply.text);
        assert_eq!(reply.code(), "validation_failed");
        assert_eq!(reply.error_fields(), fields, "{body}");
    }
}

#[tokio::test]
async fn a_full_name_is_kept_trimmed_and_a_blank_one_as_none() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    for (username, full_name, kept) in [
        ("bc.hoa", json!("  Hoàng Thị Hoa \t"), Some("Hoàng Thị Hoa")),
        ("bc.lan", json!("   "), None),
        ("bc.mai", json!(null), None),
    ] {
        let body = json!({"username": username, "password": PASSWORD, "role": "reporting",
                          "area": "62", "full_name": full_name});

        let reply = post(&app, "/users", Some(&admin), body).await;

        assert_eq!(reply.status, 201, "{}", reply.text);
        let account = app
            .state
            .projections
            .registry
            .user_by_username(username)
            .unwrap();
        assert_eq!(account.full_name.as_deref(), kept, "{username}");
    }
}

#[tokio::test]
async fn a_bad_full_name_is_refused_unechoed_and_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    for (full_name, code) in [
        ("Hoàng\nThị Hoa".to_owned(), "disallowed_character"),
        ("Hoàng\u{0}Hoa".to_owned(), "disallowed_character"),
        ("Hoàng\u{85}Hoa".to_owned(), "disallowed_character"),
        ("Hoàng\u{2028}Hoa".to_owned(), "disallowed_character"),
        (format!("Hoàng {}", "ễ".repeat(200)), "too_long"),
    ] {
        let head = app.head();
        let body = json!({"username": "bc.hoa", "password": PASSWORD, "role": "reporting",
                          "area": "62", "full_name": full_name});

        let reply = post(&app, "/users", Some(&admin), body).await;

        assert_eq!(reply.status, 422, "{full_name:?}: {}", reply.text);
        assert_eq!(reply.code(), "validation_failed");
        assert_eq!(reply.error_fields(), ["full_name"], "{full_name:?}");
        assert_eq!(
            reply.json["errors"][0]["code"], code,
            "{full_name:?}: {}",
            reply.text
        );
        assert!(!reply.text.contains("Hoàng"), "the name is never echoed");
        assert_eq!(app.head(), head, "the log is unchanged");
    }
    let wrong_type = json!({"username": "bc.hoa", "password": PASSWORD, "role": "reporting",
                            "area": "62", "full_name": ["Hoàng"]});
    let reply = post(&app, "/users", Some(&admin), wrong_type).await;
    assert_eq!(reply.status, 400, "{}", reply.text);
}

#[tokio::test]
async fn deactivating_a_user_ends_their_sessions_and_happens_once() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let first = app.token_for(world.volunteer_a2);
    let second = app.token_for(world.volunteer_a2);
    let path = format!("/users/{}", world.volunteer_a2);

    assert_eq!(delete(&app, &path, Some(&admin)).await.status, 204);

    assert_eq!(get(&app, "/me", Some(&first)).await.status, 401);
    assert_eq!(get(&app, "/me", Some(&second)).await.status, 401);
    let again = delete(&app, &path, Some(&admin)).await;
    assert_eq!(again.status, 422);
    assert_eq!(again.code(), "rule_violated");
}

#[tokio::test]
async fn deactivation_needs_a_known_user_other_than_oneself() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);

    let unknown = delete(
        &app,
        "/users/0a000000-0000-4000-8000-000000000001",
        Some(&admin),
    )
    .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.code(), "not_found");
    assert_eq!(
        delete(&app, "/users/not-an-id", Some(&admin)).await.status,
        404
    );
    let own = delete(&app, &format!("/users/{}", world.admin), Some(&admin)).await;
    assert_eq!(own.status, 422);
    assert_eq!(own.code(), "rule_violated");
}

#[tokio::test]
async fn an_admin_resets_a_password_and_the_old_sessions_end() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let old_session = app.token_for(world.reporter_a);
    let path = format!("/users/{}/password", world.reporter_a);

    let short = post(&app, &path, Some(&admin), json!({"password": "ngắn"})).await;
    assert_eq!(short.status, 422);
    assert_eq!(short.error_fields(), ["password"]);
    let reset = post(
        &app,
        &path,
        Some(&admin),
        json!({"password": "mật khẩu mới tinh"}),
    )
    .await;
    assert_eq!(reset.status, 204, "{}", reset.text);

    assert_eq!(get(&app, "/me", Some(&old_session)).await.status, 401);
    assert_eq!(sign_in(&app, "bc.a", PASSWORD).await.status, 401);
    assert_eq!(sign_in(&app, "bc.a", "mật khẩu mới tinh").await.status, 201);
    let unknown = "/users/0a000000-0000-4000-8000-000000000001/password";
    let body = json!({"password": "mật khẩu mới tinh"});
    assert_eq!(
        post(&app, unknown, Some(&admin), body.clone()).await.status,
        404
    );
    let supervisor = app.token_for(world.supervisor_a);
    assert_eq!(post(&app, &path, Some(&supervisor), body).await.status, 403);
}
