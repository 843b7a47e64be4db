//! `POST /areas/merge` and `POST /areas/{code}/retire`: communes merge into a new commune or
//! one of them from an effective date; the retired communes name their successor, and what
//! was within them stays within it.

use serde_json::{Value, json};
use time::macros::date;
use tincay::domain::ids::AreaCode;

use crate::requests::*;
use crate::support::*;

fn code(text: &str) -> AreaCode {
    AreaCode::parse(text).unwrap()
}

fn merge_into_new() -> Value {
    json!({"communes": ["23284", "23287"], "into": "23290", "name": "Xã Hợp Nhất",
           "effective_on": "2026-07-01"})
}

#[tokio::test]
async fn two_communes_merge_into_a_new_one_from_the_effective_date() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);

    let reply = post(&app, "/areas/merge", Some(&admin), merge_into_new()).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["successor"], "23290");
    assert_eq!(reply.json["retired"], json!(["23284", "23287"]));
    let registry = &app.state.projections.registry;
    let new = registry.area(&code("23290")).unwrap();
    assert_eq!(new.parent, Some(world.district_a.clone()));
    assert_eq!(new.valid_from, date!(2026 - 07 - 01));
    assert_eq!(new.name, "Xã Hợp Nhất");
    for old in [&world.commune_a1, &world.commune_a2] {
        let area = registry.area(old).unwrap();
        assert_eq!(area.valid_to, Some(date!(2026 - 06 - 30)));
        assert_eq!(area.successor, Some(code("23290")));
        assert!(registry.area_contains(&code("23290"), old));
    }
}

#[tokio::test]
async fn a_merge_sent_again_completes_without_writing_twice() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    assert_eq!(
        post(&app, "/areas/merge", Some(&admin), merge_into_new())
            .await
            .status,
        200
    );
    let written = app.head();

    let again = post(&app, "/areas/merge", Some(&admin), merge_into_new()).await;

    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(app.head(), written);
}

#[tokio::test]
async fn communes_merge_into_one_of_them_which_continues() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let body = json!({"communes": ["23284", "23287"], "into": "23284",
                      "effective_on": "2026-01-01"});

    let reply = post(&app, "/areas/merge", Some(&admin), body).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["retired"], json!(["23287"]));
    let registry = &app.state.projections.registry;
    assert_eq!(registry.area(&world.commune_a1).unwrap().valid_to, None);
    let merged = registry.area(&world.commune_a2).unwrap();
    assert_eq!(merged.successor, Some(world.commune_a1.clone()));
    // A supervisor of the surviving commune now reaches the merged commune's address.
    let supervisor = post(
        &app,
        "/users",
        Some(&admin),
        json!({"username": "gs.moi", "password": PASSWORD, "role": "supervisor", "area": "23284"}),
    )
    .await;
    assert_eq!(supervisor.status, 201, "{}", supervisor.text);
    let approve = format!("/users/{}/approve", supervisor.json["id"].as_str().unwrap());
    let province = app.token_for(world.supervisor_a);
    assert_eq!(
        post(&app, &approve, Some(&province), json!({}))
            .await
            .status,
        204
    );
    let token = token_of(&app, "gs.moi").await;
    let listed = get(&app, "/trusted-addresses", Some(&token)).await;
    let ids: Vec<&str> = listed.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&world.address_a2.to_string().as_str()));
}

#[tokio::test]
async fn a_bad_merge_is_refused_field_by_field_and_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let before = app.head();

    for (body, fields) in [
        (
            json!({"communes": ["23284"], "into": "23290", "name": "X", "effective_on": "2026-07-01"}),
            vec!["communes"],
        ),
        (
            json!({"communes": ["23284", "23401"], "into": "23290", "name": "X", "effective_on": "2026-07-01"}),
            vec!["communes"],
        ),
        (
            json!({"communes": ["23284", "610"], "into": "23290", "name": "X", "effective_on": "2026-07-01"}),
            vec!["communes"],
        ),
        (
            json!({"communes": ["23284", "23287"], "into": "23401", "name": "X", "effective_on": "2026-07-01"}),
            vec!["into"],
        ),
        (
            json!({"communes": ["23284", "23287"], "into": "23290", "effective_on": "2026-07-01"}),
            vec!["name"],
        ),
        (
            json!({"communes": ["23284", "23287"], "into": "2329", "name": "X", "effective_on": "2026-07-01"}),
            vec!["into"],
        ),
        (
            json!({"communes": ["23284", "23287"], "into": "23287", "name": "X", "effective_on": "2026-07-01"}),
            vec!["name"],
        ),
        (
            json!({"communes": ["23284", "23287"], "into": "23290", "name": "X", "effective_on": "2025-07-01"}),
            vec!["effective_on", "effective_on"],
        ),
        (
            json!({"communes": ["23284", "23287"], "into": "23290", "name": "X", "effective_on": "1/7/2026"}),
            vec!["effective_on"],
        ),
    ] {
        let reply = post(&app, "/areas/merge", Some(&admin), body.clone()).await;
        assert_eq!(reply.status, 422, "{body}: {}", reply.text);
        assert_eq!(reply.code(), "validation_failed");
        assert_eq!(reply.error_fields(), fields, "{body}");
    }
    assert_eq!(app.head(), before);
}

#[tokio::test]
async fn a_retired_commune_cannot_merge_again() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let first = post(&app, "/areas/merge", Some(&admin), merge_into_new()).await;
    assert_eq!(first.status, 200);
    let elsewhere = json!({"communes": ["23284", "23290"], "into": "23290",
                           "effective_on": "2027-01-01"});

    let reply = post(&app, "/areas/merge", Some(&admin), elsewhere).await;

    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.error_fields(), ["communes"]);
}

#[tokio::test]
async fn an_admin_retires_an_area_into_a_successor_of_its_level() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let path = format!("/areas/{}/retire", world.commune_a2.as_str());

    let wrong_level = json!({"valid_to": "2026-06-30", "successor": "610"});
    let reply = post(&app, &path, Some(&admin), wrong_level).await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.error_fields(), ["successor"]);

    let body = json!({"valid_to": "2026-06-30", "successor": "23284"});
    let reply = post(&app, &path, Some(&admin), body.clone()).await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    let area = app
        .state
        .projections
        .registry
        .area(&world.commune_a2)
        .unwrap();
    assert_eq!(area.successor, Some(world.commune_a1.clone()));

    let again = post(&app, &path, Some(&admin), body.clone()).await;
    assert_eq!(again.status, 422);
    assert_eq!(again.code(), "rule_violated");
    let unknown = post(&app, "/areas/99999/retire", Some(&admin), body).await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn only_an_admin_retires_or_merges() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let supervisor = app.token_for(world.supervisor_a);
    let retire = json!({"valid_to": "2026-06-30"});

    for (path, body) in [
        ("/areas/merge", merge_into_new()),
        ("/areas/23287/retire", retire),
    ] {
        assert_eq!(post(&app, path, None, body.clone()).await.status, 401);
        let forbidden = post(&app, path, Some(&supervisor), body.clone()).await;
        assert_eq!(forbidden.status, 403, "{path}");
        let mut unknown_field = body.clone();
        unknown_field["extra"] = json!(1);
        let admin = app.token_for(world.admin);
        assert_eq!(
            post(&app, path, Some(&admin), unknown_field).await.status,
            400
        );
    }
}

#[tokio::test]
async fn the_openapi_document_describes_merge_and_retire() {
    let app = spawn_app().await;
    let document = get(&app, "/openapi.json", None).await.json;
    assert!(document["paths"]["/api/v1/areas/merge"]["post"].is_object());
    assert!(document["paths"]["/api/v1/areas/{code}/retire"]["post"].is_object());
    assert!(document["components"]["schemas"]["MergeCommunes"].is_object());
}
