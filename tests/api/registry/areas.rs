//! `POST /areas`, and the refusals every registry command shares (400, 401, 403).

use serde_json::{Value, json};

use crate::requests::*;
use crate::support::*;

fn area(code: &str, level: &str, parent: Option<&str>) -> Value {
    json!({"code": code, "name": format!("Khu vực {code}"), "level": level, "parent": parent})
}

#[tokio::test]
async fn an_admin_defines_provinces_districts_and_communes() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);

    for (code, level, parent) in [
        ("66", "province", None),
        ("650", "district", Some("66")),
        ("24001", "commune", Some("650")),
        // Since the 2025 reform a commune belongs directly to its province.
        ("24002", "commune", Some("66")),
    ] {
        let reply = post(&app, "/areas", Some(&admin), area(code, level, parent)).await;
        assert_eq!(reply.status, 201, "{code}: {}", reply.text);
        assert_eq!(reply.json["code"], code);
    }
    let registry = &app.state.projections.registry;
    assert!(registry.area_contains(&world.province_a, &world.commune_a1));
    let province = tincay::domain::ids::AreaCode::parse("66").unwrap();
    let commune = tincay::domain::ids::AreaCode::parse("24001").unwrap();
    assert!(registry.area_contains(&province, &commune));
}

#[tokio::test]
async fn a_bad_area_is_refused_field_by_field() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);

    for (body, field) in [
        (area("62", "province", None), "code"),
        (area("123", "commune", Some("610")), "code"),
        (area("7", "province", None), "code"),
        (area("66", "village", None), "level"),
        (area("651", "district", None), "parent"),
        (area("651", "district", Some("99")), "parent"),
        (area("24003", "commune", Some("23284")), "parent"),
        (area("652", "district", Some("610")), "parent"),
        (area("67", "province", Some("62")), "parent"),
    ] {
        let reply = post(&app, "/areas", Some(&admin), body.clone()).await;
        assert_eq!(reply.status, 422, "{body}: {}", reply.text);
        assert_eq!(reply.code(), "validation_failed");
        assert_eq!(reply.error_fields(), [field], "{body}");
    }
}

#[tokio::test]
async fn the_registry_answers_400_401_and_403_before_anything_else() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let supervisor = app.token_for(world.supervisor_a);
    let body = area("66", "province", None);
    let address = json!({"name": "Nhà bà Hoa", "commune": "23284", "established_on": "2026-01-05"});
    let user = json!({"username": "x.y", "password": PASSWORD, "role": "admin"});

    for (path, body) in [
        ("/areas", &body),
        ("/trusted-addresses", &address),
        ("/users", &user),
    ] {
        assert_eq!(post(&app, path, None, body.clone()).await.status, 401);
        let forbidden = post(&app, path, Some(&supervisor), body.clone()).await;
        assert_eq!(forbidden.status, 403, "{path}");
        assert_eq!(forbidden.code(), "forbidden");
        let mut unknown_field = body.clone();
        unknown_field["extra"] = json!(1);
        let malformed = post(&app, path, Some(&admin), unknown_field).await;
        assert_eq!(malformed.status, 400, "{path}");
        assert_eq!(malformed.code(), "bad_request");
    }
    let path = format!("/users/{}", world.volunteer_a1);
    assert_eq!(delete(&app, &path, Some(&supervisor)).await.status, 403);
    assert_eq!(get(&app, "/trusted-addresses", None).await.status, 401);
}
