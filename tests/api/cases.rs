//! `POST /cases` and `GET /cases/{id}`: opening a case (as a volunteer and as a
//! supervisor), idempotent retries, every error the opening can give, and the case view with
//! its timeline and its access-log entry.

use reqwest::Method;
use serde_json::json;

use crate::cases_kit::*;
use crate::support::*;

#[tokio::test]
async fn a_volunteer_opens_a_case_at_her_own_address() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let reply = post(&app, &token, "/cases", &opening()).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let id = reply.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(reply.json()["version"], 1);
    assert_eq!(reply.header("etag"), "\"1\"");
    assert_eq!(reply.header("location"), format!("/api/v1/cases/{id}"));
    let case = view(&app, &token, &id).await;
    assert_eq!(case["trusted_address"], world.address_a1.to_string());
    assert_eq!(case["status"], "open");
    assert_eq!(case["opened_on"], "2026-11-18");
    assert_eq!(case["survivor"]["name"], format!("Nguyễn Thị {CANARY}"));
    assert_eq!(case["survivor"]["age_band"], "26-40");
    assert_eq!(case["violence_types"], json!(["physical", "psychological"]));
    assert_eq!(case["gbvims_type"], "physical_assault");
}

#[tokio::test]
async fn a_supervisor_opens_a_case_at_an_address_in_her_area_only() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.supervisor_a);
    let id = open_case_at(&app, &token, world.address_a2).await;
    assert_eq!(
        view(&app, &token, &id).await["trusted_address"],
        world.address_a2.to_string()
    );
    let mut elsewhere = opening();
    elsewhere["trusted_address"] = json!(world.address_b1.to_string());
    let reply = post(&app, &token, "/cases", &elsewhere).await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.fields(), ["trusted_address"]);
    let reply = post(&app, &token, "/cases", &opening()).await;
    assert_eq!(reply.status, 422, "a supervisor must name the address");
    assert_eq!(reply.fields(), ["trusted_address"]);
}

#[tokio::test]
async fn a_volunteer_cannot_open_a_case_at_another_address() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let mut body = opening();
    body["trusted_address"] = json!(world.address_a1_second.to_string());
    let reply = post(&app, &token, "/cases", &body).await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.fields(), ["trusted_address"]);
    body["trusted_address"] = json!(world.address_a1.to_string());
    assert_eq!(post(&app, &token, "/cases", &body).await.status, 201);
}

#[tokio::test]
async fn opening_a_case_needs_a_session_and_a_case_role() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let none = send(&app, Method::POST, "/cases", None, Some(&opening()), &[]).await;
    assert_eq!((none.status, none.code().as_str()), (401, "unauthorized"));
    let stale = send(
        &app,
        Method::POST,
        "/cases",
        Some("nope"),
        Some(&opening()),
        &[],
    )
    .await;
    assert_eq!(stale.status, 401);
    for user in [world.admin, world.reporter_a] {
        let reply = post(&app, &app.token_for(user), "/cases", &opening()).await;
        assert_eq!((reply.status, reply.code().as_str()), (403, "forbidden"));
        assert!(
            reply
                .header("content-type")
                .starts_with("application/problem+json"),
            "{:?}",
            reply.headers
        );
    }
}

#[tokio::test]
async fn a_malformed_opening_is_a_bad_request_that_quotes_nothing_back() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let reply = post_raw(&app, &token, "/cases", "{\"opened_on\": ").await;
    assert_eq!((reply.status, reply.code().as_str()), (400, "bad_request"));

    let mut unknown = opening();
    unknown["survivor"]["nickname"] = json!(CANARY);
    let mut wrong_type = opening();
    wrong_type["survivor"]["birth_year"] = json!(format!("born {CANARY}"));
    let mut missing = opening();
    missing.as_object_mut().unwrap().remove("perpetrator");
    let mut consent_missing = opening();
    consent_missing["consent"]
        .as_object_mut()
        .unwrap()
        .remove("reporting");
    for body in [unknown, wrong_type, missing, consent_missing] {
        let reply = post(&app, &token, "/cases", &body).await;
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (400, "bad_request"),
            "{}",
            reply.text
        );
        assert!(!reply.text.contains(CANARY), "{}", reply.text);
    }
    let text = send(&app, Method::POST, "/cases", Some(&token), None, &[]).await;
    assert_eq!(text.status, 400);
}

#[tokio::test]
async fn codes_outside_their_vocabularies_are_named_together() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let mut body = opening();
    body["referred_by"] = json!("aunt");
    body["violence_types"] = json!(["physical", "slapping"]);
    body["risk_level"] = json!(CANARY);
    body["survivor"]["ethnicity"] = json!("55");
    body["survivor"]["sex"] = json!("f");
    body["opened_on"] = json!("18/11/2026");
    let reply = post(&app, &token, "/cases", &body).await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (422, "validation_failed")
    );
    let mut fields = reply.fields();
    fields.sort();
    assert_eq!(
        fields,
        [
            "opened_on",
            "referred_by",
            "risk_level",
            "survivor.ethnicity",
            "survivor.sex",
            "violence_types[1]"
        ]
    );
    assert!(!reply.text.contains(CANARY));
    let mut empty = opening();
    empty["violence_types"] = json!([]);
    assert_eq!(
        post(&app, &token, "/cases", &empty).await.fields(),
        ["violence_types"]
    );
}

#[tokio::test]
async fn a_case_cannot_be_opened_in_the_future_or_for_someone_not_yet_born() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let mut future = opening();
    future["opened_on"] = json!("2026-11-21");
    let reply = post(&app, &token, "/cases", &future).await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (422, "validation_failed")
    );
    assert_eq!(reply.fields(), ["opened_on"]);
    let mut unborn = opening();
    unborn["survivor"]["birth_year"] = json!(2030);
    assert_eq!(
        post(&app, &token, "/cases", &unborn).await.fields(),
        ["survivor.birth_year"]
    );
    let mut late_paper = opening();
    late_paper["opened_on"] = json!("2019-03-02");
    assert_eq!(post(&app, &token, "/cases", &late_paper).await.status, 201);
}

#[tokio::test]
async fn a_retried_opening_with_the_same_key_creates_one_case() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let key = [("Idempotency-Key", "phone-42")];
    let first = post_with(&app, &token, "/cases", &opening(), &key).await;
    assert_eq!(first.status, 201);
    let head = app.state.log.head().unwrap().position;
    let again = post_with(&app, &token, "/cases", &opening(), &key).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.json(), first.json());
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(
        app.state.log.head().unwrap().position,
        head,
        "nothing written"
    );
    let list = get(&app, &token, "/cases").await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    let mut other = opening();
    other["risk_level"] = json!("low");
    let reply = post_with(&app, &token, "/cases", &other, &key).await;
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (422, "validation_failed")
    );
    assert_eq!(reply.fields(), ["Idempotency-Key"]);
}

#[tokio::test]
async fn idempotency_keys_belong_to_one_user() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let key = [("Idempotency-Key", "same-key")];
    let mine = post_with(
        &app,
        &app.token_for(world.volunteer_a1),
        "/cases",
        &opening(),
        &key,
    )
    .await;
    let theirs = post_with(
        &app,
        &app.token_for(world.volunteer_a2),
        "/cases",
        &opening(),
        &key,
    )
    .await;
    assert_eq!((mine.status, theirs.status), (201, 201));
    assert_ne!(mine.json()["id"], theirs.json()["id"]);
}

#[tokio::test]
async fn the_case_view_has_the_timeline_with_facts_and_personal_fields_but_no_record_key() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    let id = open_case(&app, &token).await;
    let referral = refer(&app, &token, &id).await;
    let follow_up = schedule(&app, &token, &id, "2026-11-27").await;
    let reply = get(&app, &token, &format!("/cases/{id}")).await;
    assert_eq!(reply.header("etag"), "\"3\"");
    assert_eq!(reply.header("cache-control"), "no-store");
    let case = reply.json();
    assert_eq!(case["version"], 3);
    let timeline = case["timeline"].as_array().unwrap();
    let types: Vec<&str> = timeline
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ["case_opened", "referral_made", "follow_up_scheduled"]
    );
    let opened = &timeline[0];
    assert_eq!(opened["version"], 1);
    assert_eq!(opened["actor"], world.volunteer_a1.to_string());
    assert!(
        opened["recorded_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-20T03:00:00")
    );
    assert_eq!(opened["data"]["risk_level"], "high");
    assert_eq!(opened["data"]["name"], format!("Nguyễn Thị {CANARY}"));
    assert!(opened["data"].get("record_key").is_none());
    assert!(!reply.text.contains("record_key"));
    assert_eq!(case["referrals"][0]["id"], referral);
    assert_eq!(case["referrals"][0]["target"], "legal_aid");
    assert_eq!(case["follow_ups"][0]["id"], follow_up);
    assert_eq!(case["follow_ups"][0]["status"], "open");
    assert_eq!(case["informant"]["name"], format!("Informant {CANARY}"));
}

#[tokio::test]
async fn reading_a_case_is_in_its_access_log_before_it_is_answered() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let id = open_case(&app, &app.token_for(world.volunteer_a1)).await;
    view(&app, &app.token_for(world.volunteer_a1), &id).await;
    let case = tincay::domain::ids::CaseId::from_uuid(id.parse().unwrap());
    let entries = tincay::access_log::for_case(&app.state.log, &case).unwrap();
    assert_eq!(entries.len(), 1, "durable when the answer came");
    assert_eq!(
        entries[0].action,
        tincay::domain::vocab::AccessAction::CaseRead
    );
    assert_eq!(entries[0].user, Some(*world.volunteer_a1.as_uuid()));
}

#[tokio::test]
async fn an_unknown_or_malformed_case_id_is_not_found() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.supervisor_a);
    for path in [
        format!("/cases/{}", uuid::Uuid::new_v4()),
        "/cases/not-a-uuid".to_owned(),
    ] {
        let reply = get(&app, &token, &path).await;
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (404, "not_found"),
            "{path}"
        );
    }
}
