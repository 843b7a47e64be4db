//! `rule_violated` names its rule with a stable code (API.md): every lifecycle rule a case
//! command can break through the API answers 422 with its own `rule`, from the closed list
//! the OpenAPI document publishes, and records nothing.

use serde_json::{Value, json};

use crate::cases_kit::*;
use crate::support::*;

/// The `rule` codes the OpenAPI document lists on the Problem schema.
async fn published_rules(app: &TestApp) -> Vec<String> {
    let document: Value = reqwest::get(app.api("/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    document["components"]["schemas"]["Problem"]["properties"]["rule"]["enum"]
        .as_array()
        .expect("the Problem schema lists the rule codes")
        .iter()
        .map(|code| code.as_str().unwrap().to_owned())
        .collect()
}

/// Posts `body` to `path` and checks the refusal names `rule` and appends nothing.
async fn refused(app: &TestApp, token: &str, path: &str, body: &Value, rule: &str) {
    let head = app.head();
    let reply = post(app, token, path, body).await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (422, "rule_violated"),
        "{path}: {}",
        reply.text
    );
    assert_eq!(reply.json()["rule"], rule, "{path}: {}", reply.text);
    assert_eq!(app.head(), head, "{path}: a refusal appended");
}

#[tokio::test]
async fn every_case_rule_answers_its_own_code_from_the_published_list() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let volunteer = app.token_for(world.volunteer_a1);
    let supervisor = app.token_for(world.supervisor_a);
    let published = published_rules(&app).await;
    for rule in tincay::domain::rejection::RuleCode::ALL {
        assert!(published.iter().any(|p| p == rule.code()), "{rule:?}");
    }

    let mut no_consent = opening();
    no_consent["consent"]["referral"] = json!(false);
    let id = open_case_with(&app, &volunteer, &no_consent).await;
    let case = |path: &str| format!("/cases/{id}/{path}");
    let referral = json!({"target": "police", "made_on": "2026-11-20"});
    refused(
        &app,
        &volunteer,
        &case("referrals"),
        &referral,
        "referral_consent_missing",
    )
    .await;

    let follow_up = schedule(&app, &volunteer, &id, "2026-11-19").await;
    let done = json!({"completed_on": "2026-11-20", "outcome": "safe"});
    let complete = case(&format!("follow-ups/{follow_up}/complete"));
    assert_eq!(post(&app, &volunteer, &complete, &done).await.status, 201);
    refused(
        &app,
        &volunteer,
        &complete,
        &done,
        "follow_up_already_completed",
    )
    .await;

    let same = json!({"trusted_address": world.address_a1.to_string()});
    refused(
        &app,
        &supervisor,
        &case("transfer"),
        &same,
        "same_trusted_address",
    )
    .await;
    let reopen = json!({"reason": "x"});
    refused(
        &app,
        &supervisor,
        &case("reopen"),
        &reopen,
        "case_not_closed",
    )
    .await;

    let close = json!({"reason": "safe", "closed_on": "2026-11-20"});
    assert_eq!(
        post(&app, &volunteer, &case("close"), &close).await.status,
        201
    );
    refused(
        &app,
        &volunteer,
        &case("close"),
        &close,
        "closure_already_requested",
    )
    .await;
    let approve = json!({"decision": "approved"});
    assert_eq!(
        post(&app, &supervisor, &case("reviews"), &approve)
            .await
            .status,
        201
    );
    let note = json!({"text": "x"});
    refused(&app, &volunteer, &case("notes"), &note, "case_closed").await;
    let support = json!({"type": "medical", "provided_on": "2026-11-20"});
    refused(&app, &volunteer, &case("support"), &support, "case_closed").await;
}

#[tokio::test]
async fn registry_rules_answer_their_own_codes() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let own = delete(&app, &admin, &format!("/users/{}", world.admin)).await;
    assert_eq!(
        (own.status, own.json()["rule"].clone()),
        (422, json!("own_account"))
    );
    let path = format!("/users/{}", world.volunteer_a2);
    assert_eq!(delete(&app, &admin, &path).await.status, 204);
    let again = delete(&app, &admin, &path).await;
    assert_eq!(
        (again.status, again.json()["rule"].clone()),
        (422, json!("user_already_deactivated"))
    );
}
