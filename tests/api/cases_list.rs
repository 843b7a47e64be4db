//! `GET /cases`: scope, filters, order and cursor pagination, and read-your-writes.

use serde_json::{Value, json};

use crate::cases_kit::*;
use crate::support::*;

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn open_on(app: &TestApp, token: &str, day: &str) -> String {
    let mut body = opening();
    body["opened_on"] = json!(day);
    open_case_with(app, token, &body).await
}

#[tokio::test]
async fn each_caller_lists_only_the_cases_in_her_scope() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let a1 = open_case(&app, &t.volunteer_a1).await;
    let a2 = open_case(&app, &t.volunteer_a2).await;
    let b1 = open_case(&app, &t.volunteer_b1).await;
    let a1_second = open_case_at(&app, &t.supervisor_a, world.address_a1_second).await;
    let scoped = |list: Value| {
        let mut found = ids(&list);
        found.sort();
        found
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(
        scoped(get(&app, &t.volunteer_a1, "/cases").await.json()),
        [a1.as_str()]
    );
    assert_eq!(
        scoped(get(&app, &t.volunteer_b1, "/cases").await.json()),
        [b1.as_str()]
    );
    assert_eq!(
        scoped(get(&app, &t.supervisor_a, "/cases").await.json()),
        sorted(vec![a1.clone(), a2.clone(), a1_second])
    );
    assert_eq!(
        scoped(get(&app, &t.supervisor_commune_a2, "/cases").await.json()),
        [a2]
    );
    assert_eq!(
        scoped(get(&app, &t.supervisor_b, "/cases").await.json()),
        [b1]
    );
    for token in [&t.admin, &t.reporter_a] {
        let reply = get(&app, token, "/cases").await;
        assert_eq!(reply.status, 403);
        assert!(!reply.text.contains(CANARY));
    }
}

#[tokio::test]
async fn a_list_item_says_where_and_how_the_case_stands_and_nothing_personal() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let id = open_case(&app, &token).await;
    schedule(&app, &token, &id, "2026-12-01").await;
    schedule(&app, &token, &id, "2026-11-25").await;
    let reply = get(&app, &token, "/cases").await;
    assert_eq!(reply.status, 200);
    assert!(!reply.text.contains(CANARY), "{}", reply.text);
    let item = &reply.json()["items"][0];
    assert_eq!(
        item,
        &json!({"id": id, "status": "open", "trusted_address": world.address_a1.to_string(),
                "opened_on": "2026-11-18", "risk_level": "high", "next_follow_up": "2026-11-25"})
    );
    assert_eq!(reply.json()["next"], Value::Null);
}

#[tokio::test]
async fn cases_are_filtered_by_status_address_risk_and_overdue_follow_ups() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let supervisor = app.token_for(world.supervisor_a);
    let volunteer = app.token_for(world.volunteer_a1);
    let overdue = open_case(&app, &volunteer).await;
    schedule(&app, &volunteer, &overdue, "2026-11-19").await;
    let low = open_case(&app, &volunteer).await;
    post(
        &app,
        &volunteer,
        &format!("/cases/{low}/risk"),
        &json!({"level": "low"}),
    )
    .await;
    let closed = open_case(&app, &volunteer).await;
    let close = json!({"reason": "safe", "closed_on": "2026-11-20"});
    assert_eq!(
        post(&app, &supervisor, &format!("/cases/{closed}/close"), &close)
            .await
            .status,
        201
    );
    let elsewhere = open_case(&app, &app.token_for(world.volunteer_a2)).await;
    let erased = open_case(&app, &volunteer).await;
    let gone = delete(
        &app,
        &supervisor,
        &format!("/cases/{erased}?reason=duplicate"),
    )
    .await;
    assert_eq!(gone.status, 204);

    let list = |query: &'static str| {
        let (app, supervisor) = (&app, &supervisor);
        async move {
            let reply = get(app, supervisor, &format!("/cases{query}")).await;
            assert_eq!(reply.status, 200, "{query}: {}", reply.text);
            let mut found = ids(&reply.json());
            found.sort();
            found
        }
    };
    let sorted = |mut v: Vec<&String>| {
        v.sort();
        v.into_iter().cloned().collect::<Vec<String>>()
    };
    assert_eq!(
        list("").await,
        sorted(vec![&overdue, &low, &closed, &elsewhere])
    );
    assert_eq!(list("?status=closed").await, [closed.as_str()]);
    assert_eq!(list("?status=erased").await, [erased.as_str()]);
    assert_eq!(list("?status=open&risk_level=low").await, [low.as_str()]);
    assert_eq!(list("?overdue=true").await, [overdue.as_str()]);
    let at_a2 = format!("?trusted_address={}", world.address_a2);
    let reply = get(&app, &supervisor, &format!("/cases{at_a2}")).await;
    assert_eq!(ids(&reply.json()), [elsewhere]);
}

#[tokio::test]
async fn bad_filters_are_refused_and_a_foreign_address_is_not_found() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    for (query, field) in [
        ("?status=pending", "status"),
        ("?risk_level=extreme", "risk_level"),
        ("?overdue=yes", "overdue"),
        ("?trusted_address=x", "trusted_address"),
        ("?limit=0", "limit"),
        ("?limit=many", "limit"),
    ] {
        let reply = get(&app, &token, &format!("/cases{query}")).await;
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (422, "validation_failed"),
            "{query}"
        );
        assert_eq!(reply.fields(), [field], "{query}");
    }
    let reply = get(&app, &token, "/cases?cursor=garbage!").await;
    assert_eq!((reply.status, reply.code().as_str()), (400, "bad_request"));
    let foreign = format!("/cases?trusted_address={}", world.address_a2);
    assert_eq!(get(&app, &token, &foreign).await.status, 404);
}

#[tokio::test]
async fn pages_follow_each_other_newest_first_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let mut opened = Vec::new();
    for day in [
        "2026-11-01",
        "2026-11-03",
        "2026-11-03",
        "2026-11-02",
        "2026-11-05",
    ] {
        opened.push((day, open_on(&app, &token, day).await));
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            None => "/cases?limit=2".to_owned(),
            Some(cursor) => format!("/cases?limit=2&cursor={cursor}"),
        };
        let page = get(&app, &token, &path).await.json();
        pages += 1;
        seen.extend(ids(&page));
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut expected = opened.clone();
    expected.sort_by(|a, b| b.0.cmp(a.0).then(a.1.cmp(&b.1)));
    let expected: Vec<String> = expected.into_iter().map(|(_, id)| id).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn a_command_is_visible_in_the_very_next_read() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let id = open_case(&app, &token).await;
    for level in ["low", "medium", "high", "low"] {
        let reply = post(
            &app,
            &token,
            &format!("/cases/{id}/risk"),
            &json!({"level": level}),
        )
        .await;
        assert_eq!(reply.status, 201);
        let list = get(&app, &token, "/cases").await.json();
        assert_eq!(list["items"][0]["risk_level"], level);
        assert_eq!(view(&app, &token, &id).await["risk_level"], level);
    }
}
