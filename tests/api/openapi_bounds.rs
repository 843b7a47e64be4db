//! The OpenAPI document states what the server accepts (issue 18): vocabularies as `enum`,
//! days as `format: date`, counts with `minimum`/`maximum`, texts with `maxLength`, query
//! parameters too, and the closed lists of field error and problem codes. And the server
//! agrees with it: for every bounded field of the case commands, a value just past the
//! document's bound is refused with 422 naming that field, and one at the bound is accepted.

use serde_json::{Value, json};

use crate::cases_kit::*;
use crate::support::*;

async fn document(app: &TestApp) -> Value {
    app.client
        .get(app.api("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn schema<'a>(document: &'a Value, name: &str) -> &'a Value {
    &document["components"]["schemas"][name]["properties"]
}

fn query<'a>(document: &'a Value, path: &str, method: &str, name: &str) -> &'a Value {
    document["paths"][path][method]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|parameter| parameter["name"] == name)
        .map(|parameter| &parameter["schema"])
        .unwrap()
}

#[tokio::test]
async fn the_document_states_vocabularies_days_ranges_lengths_and_codes() {
    let app = spawn_app().await;
    let document = document(&app).await;

    let support = schema(&document, "SupportBody");
    assert!(
        support["type"]["enum"]
            .as_array()
            .unwrap()
            .contains(&json!("shelter"))
    );
    assert_eq!(support["provided_on"]["format"], "date");
    let pattern = regex::Regex::new(support["provided_on"]["pattern"].as_str().unwrap()).unwrap();
    let day = |date: time::Date| date.to_string();
    // A day that happened: from 1900-01-01 to today, real calendar days only.
    for accepted in [day(TODAY), "1900-01-01".into(), "2024-02-29".into()] {
        assert!(pattern.is_match(&accepted), "{accepted}");
    }
    let tomorrow = TODAY.next_day().unwrap();
    for refused in [
        day(tomorrow),
        "1899-12-31".into(),
        "2023-02-29".into(),
        "2025-04-31".into(),
    ] {
        assert!(!pattern.is_match(&refused), "{refused}");
    }
    // Nights only with shelter, said in the schema.
    assert_eq!(
        document["components"]["schemas"]["SupportBody"]["anyOf"][1]["properties"]["nights"]["type"],
        "null"
    );
    assert_eq!(support["nights"]["minimum"], 1);
    assert_eq!(support["nights"]["maximum"], 366);
    assert_eq!(support["notes"]["maxLength"], 4000);
    let survivor = schema(&document, "SurvivorBody");
    assert_eq!(survivor["birth_year"]["minimum"], 1900);
    assert_eq!(survivor["birth_year"]["maximum"], TODAY.year());
    assert_eq!(survivor["name"]["maxLength"], 200);
    let opening = schema(&document, "OpenCaseBody");
    assert_eq!(opening["violence_types"]["minItems"], 1);
    assert!(opening["violence_types"]["items"]["enum"].is_array());
    assert_eq!(
        schema(&document, "FollowUpBody")["due_on"]["format"],
        "date"
    );
    assert_eq!(schema(&document, "NewUser")["password"]["minLength"], 10);
    assert!(schema(&document, "NewUser")["role"]["enum"].is_array());
    let required: Vec<&str> = document["components"]["schemas"]["SupportBody"]["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| name.as_str().unwrap())
        .collect();
    assert_eq!(required, ["type", "provided_on"]);

    let measure = query(&document, "/api/v1/stats", "get", "measure");
    assert!(
        measure["enum"]
            .as_array()
            .unwrap()
            .contains(&json!("cases_opened"))
    );
    assert!(query(&document, "/api/v1/stats", "get", "period")["pattern"].is_string());
    assert!(query(&document, "/api/v1/cases", "get", "status")["enum"].is_array());
    assert_eq!(
        query(&document, "/api/v1/follow-ups", "get", "before")["format"],
        "date"
    );

    // A header is text or absent: never "string or null" (a client would send `null`).
    let note = &document["paths"]["/api/v1/cases/{id}/notes"]["post"]["parameters"];
    for parameter in note.as_array().unwrap() {
        if parameter["in"] == "header" {
            assert_eq!(parameter["schema"]["type"], "string", "{parameter}");
        }
    }
    let erase = &document["paths"]["/api/v1/cases/{id}"]["delete"]["parameters"];
    let reason = erase
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "reason")
        .unwrap();
    assert_eq!(reason["required"], true);

    let codes = &document["components"]["schemas"]["FieldError"]["properties"]["code"]["enum"];
    for code in [
        "required",
        "not_in_vocabulary",
        "out_of_range",
        "too_long",
        "future_date",
        "invalid_format",
        "taken",
    ] {
        assert!(codes.as_array().unwrap().contains(&json!(code)), "{code}");
    }
    let problems = &document["components"]["schemas"]["Problem"]["properties"]["code"]["enum"];
    assert!(
        problems
            .as_array()
            .unwrap()
            .contains(&json!("validation_failed"))
    );
}

/// A value just past `bound` of `property`'s schema, and the code the server must answer.
fn past_the_bound(property: &Value) -> Vec<(Value, &'static str)> {
    let mut values = Vec::new();
    if let Some(max) = property["maxLength"].as_u64() {
        values.push((json!("ễ".repeat(max as usize + 1)), "too_long"));
    }
    if let Some(max) = property["maximum"].as_i64() {
        values.push((json!(max + 1), "out_of_range"));
    }
    if let Some(min) = property["minimum"].as_i64() {
        values.push((json!(min - 1), "out_of_range"));
    }
    if property["enum"].is_array() {
        values.push((json!("not-a-code"), "not_in_vocabulary"));
    }
    if property["format"] == "date" {
        values.push((json!("1899-12-31"), "out_of_range"));
        values.push((json!("-2026-11-20"), "invalid_format"));
    }
    values
}

#[tokio::test]
async fn the_server_refuses_what_the_document_says_it_refuses() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let referral = refer(&app, &t.volunteer_a1, &case).await;
    let follow_up = schedule(&app, &t.volunteer_a1, &case, "2026-11-25").await;
    let document = document(&app).await;
    let position = app.head();

    let commands = [
        (
            "SupportBody",
            "support".to_owned(),
            json!({"type": "shelter", "provided_on": "2026-11-20"}),
        ),
        (
            "ReferralBody",
            "referrals".to_owned(),
            json!({"target": "legal_aid", "made_on": "2026-11-20"}),
        ),
        (
            "ReferralOutcomeBody",
            format!("referrals/{referral}/outcome"),
            json!({"outcome": "accepted", "recorded_on": "2026-11-20"}),
        ),
        (
            "FollowUpBody",
            "follow-ups".to_owned(),
            json!({"due_on": "2026-12-01", "method": "visit"}),
        ),
        (
            "CompleteFollowUpBody",
            format!("follow-ups/{follow_up}/complete"),
            json!({"completed_on": "2026-11-20", "outcome": "safe"}),
        ),
        ("NoteBody", "notes".to_owned(), json!({"text": "a note"})),
        ("RiskBody", "risk".to_owned(), json!({"level": "low"})),
        (
            "CloseBody",
            "close".to_owned(),
            json!({"reason": "safe", "closed_on": "2026-11-20"}),
        ),
    ];
    let mut tried = 0;
    for (name, path, valid) in commands {
        let properties = schema(&document, name).as_object().unwrap();
        for (field, property) in properties {
            for (value, code) in past_the_bound(property) {
                let mut body = valid.clone();
                body[field.as_str()] = value;
                let reply = post(
                    &app,
                    &t.volunteer_a1,
                    &format!("/cases/{case}/{path}"),
                    &body,
                )
                .await;
                assert_eq!(reply.status, 422, "{name}.{field}: {}", reply.text);
                assert_eq!(
                    reply.json()["errors"][0]["field"],
                    field.as_str(),
                    "{}",
                    reply.text
                );
                assert_eq!(reply.json()["errors"][0]["code"], code, "{name}.{field}");
                tried += 1;
            }
        }
    }
    assert!(tried > 25, "only {tried} bounds tried");
    assert_eq!(app.head(), position, "nothing was appended");

    let at_the_bound = json!({"type": "shelter", "provided_on": "1900-01-01", "nights": 366,
                              "notes": "ễ".repeat(4000), "by": "ễ".repeat(300)});
    let reply = post(
        &app,
        &t.volunteer_a1,
        &format!("/cases/{case}/support"),
        &at_the_bound,
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
}
