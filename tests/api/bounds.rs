//! Issue 18's attack: values a client can send that the facts codec cannot write and read
//! back (a signed year, year 0, a five-digit year, a follow-up due in year 9999) and values
//! outside their ranges and lengths. Each is 422 `validation_failed` naming the field with a
//! code from the closed list, the log head stays where it was, the server stays ready, and
//! it restarts. The web forms and the account code the CLI runs share the same limits.

use serde_json::{Value, json};

use crate::cases_kit::*;
use crate::support::*;
use crate::web_kit::*;

/// `reply` is a 422 naming exactly `field` with `code`.
fn refused(reply: &Reply, field: &str, code: &str) {
    assert_eq!(reply.status, 422, "{field}: {}", reply.text);
    assert_eq!(reply.code(), "validation_failed", "{}", reply.text);
    let errors = reply.json()["errors"].clone();
    assert_eq!(errors[0]["field"], field, "{}", reply.text);
    assert_eq!(errors[0]["code"], code, "{}", reply.text);
}

async fn ready(app: &TestApp) -> u16 {
    app.client
        .get(app.url("/readyz"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn log_head(app: &TestApp, token: &str) -> Value {
    let reply = get(app, token, "/log/head").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json()
}

#[tokio::test]
async fn dates_the_codec_cannot_write_are_refused_and_the_log_is_unchanged() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let head = log_head(&app, &t.supervisor_a).await;
    let position = app.head();

    let attacks = [
        ("support", "provided_on", "-0001-01-01", "invalid_format"),
        ("support", "provided_on", "0000-01-01", "out_of_range"),
        ("support", "provided_on", "10000-01-01", "invalid_format"),
        ("support", "provided_on", "+2026-11-20", "invalid_format"),
        ("support", "provided_on", "1899-12-31", "out_of_range"),
        ("referrals", "made_on", "-0001-01-01", "invalid_format"),
        ("referrals", "made_on", "0000-01-01", "out_of_range"),
        ("referrals", "made_on", "10000-01-01", "invalid_format"),
        ("follow-ups", "due_on", "9999-12-31", "out_of_range"),
        ("follow-ups", "due_on", "2032-01-01", "out_of_range"),
        ("follow-ups", "due_on", "1900-01-01", "out_of_range"),
        ("follow-ups", "due_on", "-0001-01-01", "invalid_format"),
        ("close", "closed_on", "0000-01-01", "out_of_range"),
    ];
    for (command, field, day, code) in attacks {
        let body = match command {
            "support" => json!({"type": "shelter", "provided_on": day}),
            "referrals" => json!({"target": "legal_aid", "made_on": day}),
            "follow-ups" => json!({"due_on": day, "method": "visit"}),
            _ => json!({"reason": "safe", "closed_on": day}),
        };
        let reply = post(
            &app,
            &t.volunteer_a1,
            &format!("/cases/{case}/{command}"),
            &body,
        )
        .await;
        refused(&reply, field, code);
        assert!(!reply.text.contains(day), "the value is not quoted");
    }
    let opened = {
        let mut body = opening();
        body["opened_on"] = json!("-0001-01-01");
        post(&app, &t.volunteer_a1, "/cases", &body).await
    };
    refused(&opened, "opened_on", "invalid_format");

    assert_eq!(app.head(), position, "nothing was appended");
    assert_eq!(log_head(&app, &t.supervisor_a).await, head);
    assert_eq!(ready(&app).await, 200);
    let support = json!({"type": "shelter", "provided_on": "2026-11-20", "nights": 2});
    let reply = post(
        &app,
        &t.volunteer_a1,
        &format!("/cases/{case}/support"),
        &support,
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let due = json!({"due_on": "2031-11-20", "method": "visit"});
    let reply = post(
        &app,
        &t.volunteer_a1,
        &format!("/cases/{case}/follow-ups"),
        &due,
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);

    let app = app.restart().await;
    assert_eq!(ready(&app).await, 200);
    let volunteer = app.token_for(world.volunteer_a1);
    assert_eq!(view(&app, &volunteer, &case).await["version"], 3);
}

#[tokio::test]
async fn numbers_and_texts_outside_their_limits_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let position = app.head();
    let long = |chars: usize| "ễ".repeat(chars);

    let commands = [
        (
            "support",
            json!({"type": "shelter", "provided_on": "2026-11-20", "nights": 367}),
            "nights",
            "out_of_range",
        ),
        (
            "support",
            json!({"type": "shelter", "provided_on": "2026-11-20", "nights": i64::MAX}),
            "nights",
            "out_of_range",
        ),
        (
            "support",
            json!({"type": "medical", "provided_on": "2026-11-20", "notes": long(4001)}),
            "notes",
            "too_long",
        ),
        (
            "support",
            json!({"type": "medical", "provided_on": "2026-11-20", "by": long(301)}),
            "by",
            "too_long",
        ),
        (
            "referrals",
            json!({"target": "legal_aid", "made_on": "2026-11-20", "organisation": long(301)}),
            "organisation",
            "too_long",
        ),
        ("notes", json!({"text": long(4001)}), "text", "too_long"),
        ("notes", json!({"text": "  "}), "text", "required"),
        (
            "risk",
            json!({"level": "high", "notes": long(4001)}),
            "notes",
            "too_long",
        ),
        (
            "support",
            json!({"type": "spa", "provided_on": "2026-11-20"}),
            "type",
            "not_in_vocabulary",
        ),
        (
            "support",
            json!({"type": "medical", "provided_on": "2026-11-21"}),
            "provided_on",
            "future_date",
        ),
    ];
    for (command, body, field, code) in commands {
        let reply = post(
            &app,
            &t.volunteer_a1,
            &format!("/cases/{case}/{command}"),
            &body,
        )
        .await;
        refused(&reply, field, code);
    }
    for (pointer, value, field, code) in [
        (
            "/survivor/birth_year",
            json!(1899),
            "survivor.birth_year",
            "out_of_range",
        ),
        (
            "/survivor/birth_year",
            json!(2027),
            "survivor.birth_year",
            "out_of_range",
        ),
        (
            "/survivor/birth_year",
            json!(i64::MAX),
            "survivor.birth_year",
            "out_of_range",
        ),
        (
            "/survivor/children_with_her",
            json!(31),
            "survivor.children_with_her",
            "out_of_range",
        ),
        (
            "/survivor/name",
            json!(long(201)),
            "survivor.name",
            "too_long",
        ),
        (
            "/survivor/address",
            json!(long(501)),
            "survivor.address",
            "too_long",
        ),
        ("/narrative", json!(long(16001)), "narrative", "too_long"),
    ] {
        let mut body = opening();
        *body.pointer_mut(pointer).unwrap() = value;
        let reply = post(&app, &t.volunteer_a1, "/cases", &body).await;
        refused(&reply, field, code);
    }
    assert_eq!(app.head(), position, "nothing was appended");
    let mut body = opening();
    body["survivor"]["name"] = json!(long(200));
    body["survivor"]["birth_year"] = json!(1900);
    open_case_with(&app, &t.volunteer_a1, &body).await;
}

#[tokio::test]
async fn the_web_form_shares_the_limits() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let page = session.get(&format!("/cases/{case}")).await;
    let version = page.input_value("version").unwrap();
    let key = uuid::Uuid::new_v4().to_string();
    let notes = "ễ".repeat(4001);
    for (day, notes) in [("-0001-01-01", ""), ("2026-11-20", notes.as_str())] {
        let page = session
            .post(
                &format!("/cases/{case}/support"),
                &[
                    ("version", version.as_str()),
                    ("idempotency_key", key.as_str()),
                    ("type", "shelter"),
                    ("provided_on", day),
                    ("notes", notes),
                ],
            )
            .await;
        assert_eq!(page.status, 422);
    }
    // (Reading the case page records an access, so the case's version is what must not move.)
    assert_eq!(view(&app, &t.volunteer_a1, &case).await["version"], 1);
    assert_eq!(ready(&app).await, 200);
}

#[tokio::test]
async fn the_account_code_the_cli_runs_shares_the_limits() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let position = app.head();
    let admin = app.token_for(world.admin);
    for (body, field, code) in [
        (
            json!({"username": "x".repeat(65), "password": PASSWORD, "role": "admin"}),
            "username",
            "too_long",
        ),
        (
            json!({"username": "new", "password": "ngắn", "role": "admin"}),
            "password",
            "weak_password",
        ),
        (
            json!({"username": "new", "password": "x".repeat(1025), "role": "admin"}),
            "password",
            "too_long",
        ),
    ] {
        let reply = post(&app, &admin, "/users", &body).await;
        refused(&reply, field, code);
    }
    let body = json!({"code": "61099", "name": "ễ".repeat(201), "level": "commune",
                      "parent": "610", "valid_from": "-0001-01-01"});
    let reply = post(&app, &admin, "/areas", &body).await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.fields(), ["name", "valid_from"]);
    assert_eq!(app.head(), position, "nothing was appended");
}
