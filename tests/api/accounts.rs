//! Issue 19, attack 7: weak account rules. `aaaaaaaaaa` was accepted as a password, and
//! look-alike usernames (`tnv.hoabаn` with a Cyrillic а, a name ending in a zero-width space)
//! were accepted as new accounts. Now passwords are checked by a strength estimator wherever
//! one is set, and usernames are kept in one form (NFKC, lower case) with look-alikes refused.

use serde_json::{Value, json};

use crate::requests::*;
use crate::support::*;

/// The `code` of the 422's error on `field`.
fn field_code(reply: &Reply, field: &str) -> String {
    reply.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|error| error["field"] == field)
        .map(|error| error["code"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no error on {field}: {}", reply.text))
}

fn new_admin(username: &str, password: &str) -> Value {
    json!({"username": username, "password": password, "role": "admin"})
}

#[tokio::test]
async fn a_long_but_guessable_password_is_a_weak_password_and_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    for weak in ["aaaaaaaaaa", "password123", "1234567890", "admin.moi2026"] {
        let head = app.head();

        let reply = post(&app, "/users", Some(&admin), new_admin("admin.moi", weak)).await;

        assert_eq!(reply.status, 422, "{weak}: {}", reply.text);
        assert_eq!(reply.code(), "validation_failed");
        assert_eq!(field_code(&reply, "password"), "weak_password", "{weak}");
        assert!(!reply.text.contains(weak), "the password is never echoed");
        assert_eq!(app.head(), head, "the log is unchanged");
    }
    let reset = format!("/users/{}/password", world.volunteer_a2);
    let reply = post(
        &app,
        &reset,
        Some(&admin),
        json!({"password": "aaaaaaaaaa"}),
    )
    .await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(field_code(&reply, "password"), "weak_password");

    let strong = post(
        &app,
        "/users",
        Some(&admin),
        new_admin("admin.moi", PASSWORD),
    )
    .await;
    assert_eq!(strong.status, 201, "{}", strong.text);
}

#[tokio::test]
async fn look_alike_usernames_are_refused_and_write_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    for (name, code) in [
        ("tnv.hoab\u{430}n", "mixed_scripts"),
        ("gs.\u{3b1}nh", "mixed_scripts"),
        ("tnv.hoaban\u{200b}", "disallowed_character"),
        ("tnv.hoa\u{200d}ban", "disallowed_character"),
        ("tnv.hoa\u{ad}ban", "disallowed_character"),
        ("tnv.\u{202e}nabaoh", "disallowed_character"),
    ] {
        let head = app.head();

        let reply = post(&app, "/users", Some(&admin), new_admin(name, PASSWORD)).await;

        assert_eq!(reply.status, 422, "{name:?}: {}", reply.text);
        assert_eq!(reply.code(), "validation_failed");
        assert_eq!(field_code(&reply, "username"), code, "{name:?}");
        assert!(!reply.text.contains("hoa"), "the name is never echoed");
        assert_eq!(app.head(), head, "the log is unchanged");
    }
}

#[tokio::test]
async fn a_name_differing_only_by_case_or_compatibility_form_is_the_same_account() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);

    for same in ["GS.A", "Gs.A", "\u{ff47}\u{ff53}.\u{ff41}"] {
        let reply = post(&app, "/users", Some(&admin), new_admin(same, PASSWORD)).await;
        assert_eq!(reply.status, 422, "{same}: {}", reply.text);
        assert_eq!(field_code(&reply, "username"), "taken", "{same}");
        let signed_in = sign_in(&app, same, PASSWORD).await;
        assert_eq!(signed_in.status, 201, "{same}: {}", signed_in.text);
        assert_eq!(signed_in.json["user"]["username"], "gs.a");
    }

    let created = post(
        &app,
        "/users",
        Some(&admin),
        new_admin("Admin.Hai", PASSWORD),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let signed_in = sign_in(&app, "admin.hai", PASSWORD).await;
    assert_eq!(signed_in.status, 201, "{}", signed_in.text);
    assert_eq!(
        signed_in.json["user"]["username"], "admin.hai",
        "kept in its one form"
    );
}
