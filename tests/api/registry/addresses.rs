//! `POST /trusted-addresses` and `GET /trusted-addresses`, scoped per role.

use serde_json::json;

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
