//! The registry (admin): areas, trusted addresses and users, each endpoint's success and
//! error paths, and what `GET /trusted-addresses` shows each role.

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

#[tokio::test]
async fn an_admin_creates_a_user_who_can_sign_in_at_once() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let body = json!({"username": "gs.huyen", "password": "mười ký tự!", "role": "supervisor",
                      "area": "610"});

    let reply = post(&app, "/users", Some(&admin), body).await;

    assert_eq!(reply.status, 201, "{}", reply.text);
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

#[tokio::test]
async fn the_openapi_document_describes_the_session_and_registry_routes() {
    let app = spawn_app().await;

    let document = get(&app, "/openapi.json", None).await.json;

    for (path, method) in [
        ("/api/v1/sessions", "post"),
        ("/api/v1/sessions/current", "delete"),
        ("/api/v1/me", "get"),
        ("/api/v1/areas", "post"),
        ("/api/v1/trusted-addresses", "post"),
        ("/api/v1/trusted-addresses", "get"),
        ("/api/v1/users", "post"),
        ("/api/v1/users/{id}", "delete"),
        ("/api/v1/users/{id}/password", "post"),
    ] {
        assert!(
            document["paths"][path][method].is_object(),
            "{method} {path} missing"
        );
    }
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(document["components"]["schemas"]["NewUser"].is_object());
}
