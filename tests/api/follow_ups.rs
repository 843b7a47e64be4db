//! `GET /follow-ups`: the queue of follow-ups to do, in scope, most overdue and riskiest
//! first; done follow-ups and closed cases leave it.

use serde_json::{Value, json};

use crate::cases_kit::*;
use crate::support::*;

fn follow_up_ids(queue: &Value) -> Vec<String> {
    queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["follow_up_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn case_with_risk(app: &TestApp, token: &str, risk: &str) -> String {
    let mut body = opening();
    body["risk_level"] = json!(risk);
    open_case_with(app, token, &body).await
}

#[tokio::test]
async fn the_queue_puts_the_most_overdue_first_then_the_highest_risk() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let low = case_with_risk(&app, &token, "low").await;
    let high = case_with_risk(&app, &token, "high").await;
    let low_late = schedule(&app, &token, &low, "2026-11-10").await;
    let high_late = schedule(&app, &token, &high, "2026-11-15").await;
    let low_same = schedule(&app, &token, &low, "2026-11-15").await;
    let upcoming = schedule(&app, &token, &high, "2026-12-01").await;
    let reply = get(&app, &token, "/follow-ups").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let queue = reply.json();
    assert_eq!(
        follow_up_ids(&queue),
        [
            low_late.clone(),
            high_late.clone(),
            low_same.clone(),
            upcoming.clone()
        ]
    );
    assert_eq!(
        queue["items"][0],
        json!({"case_id": low, "follow_up_id": low_late, "due_on": "2026-11-10",
               "trusted_address": world.address_a1.to_string(), "days_overdue": 10,
               "risk_level": "low"})
    );
    assert_eq!(queue["items"][3]["days_overdue"], 0);
    assert!(!reply.text.contains(CANARY));

    let overdue = get(&app, &token, "/follow-ups?status=overdue").await.json();
    assert_eq!(
        follow_up_ids(&overdue),
        [low_late.clone(), high_late, low_same]
    );
    let due = get(&app, &token, "/follow-ups?status=due").await.json();
    assert_eq!(follow_up_ids(&due), [upcoming]);
    let before = get(&app, &token, "/follow-ups?before=2026-11-12")
        .await
        .json();
    assert_eq!(follow_up_ids(&before), [low_late]);
}

#[tokio::test]
async fn a_completed_follow_up_and_a_closed_case_leave_the_queue() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let volunteer = app.token_for(world.volunteer_a1);
    let supervisor = app.token_for(world.supervisor_a);
    let one = open_case(&app, &volunteer).await;
    let two = open_case(&app, &volunteer).await;
    let done = schedule(&app, &volunteer, &one, "2026-11-18").await;
    let kept = schedule(&app, &volunteer, &one, "2026-11-19").await;
    schedule(&app, &volunteer, &two, "2026-11-18").await;
    let complete = json!({"completed_on": "2026-11-20", "outcome": "safe"});
    let path = format!("/cases/{one}/follow-ups/{done}/complete");
    assert_eq!(post(&app, &volunteer, &path, &complete).await.status, 201);
    let close = json!({"reason": "safe", "closed_on": "2026-11-20"});
    assert_eq!(
        post(&app, &supervisor, &format!("/cases/{two}/close"), &close)
            .await
            .status,
        201
    );
    let queue = get(&app, &supervisor, "/follow-ups").await.json();
    assert_eq!(follow_up_ids(&queue), [kept]);
}

#[tokio::test]
async fn the_queue_is_scoped_and_an_area_outside_the_scope_is_not_found() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let a1 = open_case(&app, &t.volunteer_a1).await;
    let a2 = open_case(&app, &t.volunteer_a2).await;
    let b1 = open_case(&app, &t.volunteer_b1).await;
    let at_a1 = schedule(&app, &t.volunteer_a1, &a1, "2026-11-19").await;
    let at_a2 = schedule(&app, &t.volunteer_a2, &a2, "2026-11-19").await;
    let at_b1 = schedule(&app, &t.volunteer_b1, &b1, "2026-11-19").await;
    let sorted = |queue: Value| {
        let mut ids = follow_up_ids(&queue);
        ids.sort();
        ids
    };
    let mut in_a = vec![at_a1.clone(), at_a2.clone()];
    in_a.sort();
    assert_eq!(
        sorted(get(&app, &t.supervisor_a, "/follow-ups").await.json()),
        in_a
    );
    assert_eq!(
        sorted(get(&app, &t.supervisor_b, "/follow-ups").await.json()),
        [at_b1]
    );
    assert_eq!(
        sorted(get(&app, &t.volunteer_a1, "/follow-ups").await.json()),
        [at_a1.as_str()]
    );
    let commune = format!("/follow-ups?area={}", world.commune_a2);
    assert_eq!(
        sorted(get(&app, &t.supervisor_a, &commune).await.json()),
        [at_a2]
    );
    let district = format!("/follow-ups?area={}", world.district_a);
    assert_eq!(
        sorted(get(&app, &t.volunteer_a1, &district).await.json()),
        [at_a1]
    );
    for (token, area) in [
        (&t.supervisor_a, world.province_b.to_string()),
        (&t.supervisor_commune_a2, world.commune_a1.to_string()),
        (&t.volunteer_a1, world.commune_a2.to_string()),
        (&t.supervisor_a, "99999".to_owned()),
    ] {
        let reply = get(&app, token, &format!("/follow-ups?area={area}")).await;
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (404, "not_found"),
            "{area}"
        );
    }
    for token in [&t.admin, &t.reporter_a] {
        assert_eq!(get(&app, token, "/follow-ups").await.status, 403);
    }
}

#[tokio::test]
async fn bad_queue_filters_are_validation_errors() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.supervisor_a);
    for (query, field) in [
        ("status=late", "status"),
        ("before=tomorrow", "before"),
        ("area=x1", "area"),
    ] {
        let reply = get(&app, &token, &format!("/follow-ups?{query}")).await;
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (422, "validation_failed"),
            "{query}"
        );
        assert_eq!(reply.fields(), [field], "{query}");
    }
}
