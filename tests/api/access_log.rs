//! Issue 19, attack 6: the access log could be flooded and was unpaged. 2,000 reads of one
//! case by one volunteer in 15 s made that case's access log 2,002 rows, and a supervisor saw
//! 18 identical "viewed" rows for one volunteer's session. Now repeated reads within the window
//! are one item with a count and the first and last time, the log comes in pages behind a
//! cursor, and a per-user request rate answers a runaway client 429 before it reads or
//! records anything.

use serde_json::Value;
use tincay::http::state::HttpSettings;

use crate::cases_kit::*;
use crate::support::*;

/// Every item of the case's access log, by `token`.
async fn access_items(app: &TestApp, token: &str, case: &str) -> Vec<Value> {
    let reply = get(app, token, &format!("/cases/{case}/access-log")).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json()["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn fifty_reads_in_the_window_are_one_item_with_a_count_of_fifty() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let id = open_case(&app, &t.volunteer_a1).await;
    for _ in 0..50 {
        view(&app, &t.volunteer_a1, &id).await;
        app.clock.advance(time::Duration::seconds(10));
    }
    // Eleven minutes after the first read: a new item.
    app.clock.advance(time::Duration::seconds(160));
    view(&app, &t.volunteer_a1, &id).await;

    let items = access_items(&app, &t.supervisor_a, &id).await;

    let volunteer = world.volunteer_a1.to_string();
    let summary: Vec<(&str, &str, u64, &str, &str)> = items
        .iter()
        .map(|item| {
            (
                item["user"].as_str().unwrap(),
                item["action"].as_str().unwrap(),
                item["count"].as_u64().unwrap(),
                item["first"].as_str().unwrap(),
                item["last"].as_str().unwrap(),
            )
        })
        .collect();
    let supervisor = world.supervisor_a.to_string();
    assert_eq!(
        summary,
        [
            (
                volunteer.as_str(),
                "case_read",
                50,
                "2026-11-20T03:00:00Z",
                "2026-11-20T03:08:10Z"
            ),
            (
                volunteer.as_str(),
                "case_read",
                1,
                "2026-11-20T03:11:00Z",
                "2026-11-20T03:11:00Z"
            ),
            (
                supervisor.as_str(),
                "access_log_read",
                1,
                "2026-11-20T03:11:00Z",
                "2026-11-20T03:11:00Z"
            ),
        ]
    );
    assert_eq!(items[0]["at"], items[0]["first"]);
}

#[tokio::test]
async fn the_access_log_pages_with_a_cursor_and_loses_nothing() {
    // A zero window shows every read on its own: 120 reads are 120 items.
    let app = spawn_app_with(HttpSettings {
        access_log_window: time::Duration::ZERO,
        ..HttpSettings::default()
    })
    .await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let id = open_case(&app, &t.volunteer_a1).await;
    for _ in 0..120 {
        view(&app, &t.volunteer_a1, &id).await;
    }
    let path = format!("/cases/{id}/access-log");

    let first = get(&app, &t.supervisor_a, &path).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let first = first.json();
    let next = first["next"].as_str().expect("a second page").to_owned();
    let second = get(&app, &t.supervisor_a, &format!("{path}?cursor={next}")).await;
    assert_eq!(second.status, 200, "{}", second.text);
    let second = second.json();

    let page_one = first["items"].as_array().unwrap();
    let page_two = second["items"].as_array().unwrap();
    assert_eq!(page_one.len(), 100);
    assert_eq!(second["next"], Value::Null, "the last page");
    let actions: Vec<&str> = page_one
        .iter()
        .chain(page_two)
        .map(|item| item["action"].as_str().unwrap())
        .collect();
    let mut expected = vec!["case_read"; 120];
    expected.extend(["access_log_read", "access_log_read"]);
    assert_eq!(
        actions, expected,
        "every entry once, in order, over both pages"
    );

    for bad in ["nope", "YWNjZXNzLWxvZzotMQ", "%00"] {
        let reply = get(&app, &t.supervisor_a, &format!("{path}?cursor={bad}")).await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.text);
        assert_eq!(reply.code(), "bad_request");
    }
}

#[tokio::test]
async fn a_runaway_client_gets_429_before_anything_is_read_or_recorded() {
    let app = spawn_app_with(HttpSettings {
        user_requests_per_minute: 10,
        ..HttpSettings::default()
    })
    .await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let id = open_case(&app, &t.volunteer_a1).await;
    for _ in 0..9 {
        view(&app, &t.volunteer_a1, &id).await;
    }
    let head = app.head();

    let refused = get(&app, &t.volunteer_a1, &format!("/cases/{id}")).await;

    assert_eq!(refused.status, 429, "{}", refused.text);
    assert_eq!(refused.code(), "rate_limited");
    assert_eq!(refused.header("retry-after"), "6");
    assert!(!refused.text.contains(CANARY));
    assert_eq!(app.head(), head, "the refused read is not recorded");
    let items = access_items(&app, &t.supervisor_a, &id).await;
    assert_eq!(items[0]["count"], 9, "{items:?}");
    app.clock.advance(time::Duration::seconds(6));
    view(&app, &t.volunteer_a1, &id).await;
}
