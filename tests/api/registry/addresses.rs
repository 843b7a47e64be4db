//! `POST /trusted-addresses` and `GET /trusted-addresses`, scoped per role.

use serde_json::json;

use crate::cases_kit::post_with;
use crate::requests::*;
use crate::support::*;

#[tokio::test]
async fn an_admin_establishes_a_trusted_address_and_lists_it() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let body = json!({"name": "Nhà bà Hoa", "commune": "23287", "established_on": "2026-01-05"});

    let reply = post(&app, "/trusted-addresses", Some(&admin), body).await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    let id = reply.json["id"].as_str().unwrap();
    let list = get(&app, "/trusted-addresses", Some(&admin)).await;
    let items = list.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    let created = items.iter().find(|item| item["id"] == id).unwrap();
    assert_eq!(
        created,
        &json!({"id": id, "name": "Nhà bà Hoa", "commune": "23287",
                "established_on": "2026-01-05", "closed_on": null})
    );
}

#[tokio::test]
async fn a_trusted_address_needs_a_commune_and_a_date_not_in_the_future() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);

    for (commune, established_on, field) in [
        ("610", "2026-01-05", "commune"),
        ("99999", "2026-01-05", "commune"),
        ("x", "2026-01-05", "commune"),
        ("23284", "2026-11-21", "established_on"),
        ("23284", "5 January 2026", "established_on"),
    ] {
        let body = json!({"name": "Nhà", "commune": commune, "established_on": established_on});
        let reply = post(&app, "/trusted-addresses", Some(&admin), body).await;
        assert_eq!(
            reply.status, 422,
            "{commune} {established_on}: {}",
            reply.text
        );
        assert_eq!(reply.error_fields(), [field]);
    }
    let today = json!({"name": "Nhà", "commune": "23284", "established_on": "2026-11-20"});
    let reply = post(&app, "/trusted-addresses", Some(&admin), today).await;
    assert_eq!(reply.status, 201, "today is not the future");
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_establishes_one_address() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let body = json!({"name": "Nhà bà Hoa", "commune": "23287", "established_on": "2026-01-05"});
    let key = [("Idempotency-Key", "address-form-1")];

    let first = post_with(&app, &admin, "/trusted-addresses", &body, &key).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let written = app.head();
    let again = post_with(&app, &admin, "/trusted-addresses", &body, &key).await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.json()["id"], first.json()["id"]);
    assert_eq!(app.head(), written, "a retry writes nothing");

    // The same key with another body is refused on the key, and writes nothing.
    let other = json!({"name": "Nhà bà Lan", "commune": "23287", "established_on": "2026-01-05"});
    let reused = post_with(&app, &admin, "/trusted-addresses", &other, &key).await;
    assert_eq!(reused.status, 422, "{}", reused.text);
    assert_eq!(reused.code(), "validation_failed");
    assert_eq!(reused.fields(), ["Idempotency-Key"]);
    assert_eq!(app.head(), written);

    // Another key is another request.
    let next = [("Idempotency-Key", "address-form-2")];
    let second = post_with(&app, &admin, "/trusted-addresses", &body, &next).await;
    assert_eq!(second.status, 201);
    assert_ne!(second.json()["id"], first.json()["id"]);
    let list = get(&app, "/trusted-addresses", Some(&admin)).await;
    let named = list.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["name"] == "Nhà bà Hoa")
        .count();
    assert_eq!(named, 2);
}

#[tokio::test]
async fn an_unusable_idempotency_key_is_a_bad_request_and_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let body = json!({"name": "Nhà", "commune": "23287", "established_on": "2026-01-05"});
    let before = app.head();
    let long = "k".repeat(256);
    let reply = post_with(
        &app,
        &admin,
        "/trusted-addresses",
        &body,
        &[("Idempotency-Key", &long)],
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert_eq!(reply.code(), "bad_request");
    assert_eq!(app.head(), before);
}

#[tokio::test]
async fn each_role_lists_the_trusted_addresses_within_its_reach() {
    let app = spawn_app().await;
    let w = seed_world(&app).await;
    let in_province_a = [w.address_a1, w.address_a1_second, w.address_a2];

    for (user, expected) in [
        (
            w.admin,
            vec![
                w.address_a1,
                w.address_a1_second,
                w.address_a2,
                w.address_b1,
            ],
        ),
        (w.supervisor_a, in_province_a.to_vec()),
        (w.reporter_a, in_province_a.to_vec()),
        (w.supervisor_commune_a2, vec![w.address_a2]),
        (w.supervisor_b, vec![w.address_b1]),
        (w.volunteer_a1, vec![w.address_a1]),
    ] {
        let reply = get(&app, "/trusted-addresses", Some(&app.token_for(user))).await;
        assert_eq!(reply.status, 200);
        let mut ids: Vec<String> = reply.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["id"].as_str().unwrap().to_owned())
            .collect();
        let mut expected: Vec<String> = expected.iter().map(ToString::to_string).collect();
        ids.sort();
        expected.sort();
        assert_eq!(ids, expected, "{user}");
    }
}
