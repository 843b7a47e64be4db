//! `POST /outbox` (issue 23): records a phone sealed while offline, sealed here as the
//! browser seals them (the Rust side of the format), sent with a web session. Each promise
//! beside its attack: sent twice, recorded once; one byte altered (ciphertext or associated
//! data), refused with nothing written; another volunteer's record refused for this one and
//! kept for its owner; an unknown key, a malformed record, no session or no CSRF token:
//! refused, nothing written.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tincay::domain::ids::UserId;
use tincay::store::crypto::outbox::seal;

use crate::cases_kit::*;
use crate::support::*;
use crate::web_kit::*;

/// The routing facts, in their canonical form (src/web/outbox/aad.rs).
pub fn aad(user: UserId, form: &str, case: &str, item: &str, version: &str, key: &str) -> String {
    format!(
        "tincay-outbox-v1\nuser={}\noutbox=7f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f\nform={form}\n\
         case={case}\nitem={item}\nversion={version}\nkey={key}\nsealed=1796083200000\n",
        user.as_uuid()
    )
}

/// A record sealed to the key the server serves, as the browser seals it.
pub async fn sealed(session: &WebSession<'_>, aad: &str, fields: &[(&str, &str)]) -> Value {
    let key = session.get("/outbox/key").await;
    assert_eq!(key.status, 200);
    let key: Value = serde_json::from_str(&key.body).unwrap();
    let public = STANDARD.decode(key["key"].as_str().unwrap()).unwrap();
    let plaintext: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let ephemeral = p256::SecretKey::random(&mut rand_core::OsRng);
    let nonce: [u8; 12] = rand_core::RngCore::next_u64(&mut rand_core::OsRng)
        .to_be_bytes()
        .into_iter()
        .chain([1, 2, 3, 4])
        .collect::<Vec<u8>>()
        .try_into()
        .unwrap();
    let (epk, ciphertext) = seal(
        &public,
        &ephemeral,
        nonce,
        aad.as_bytes(),
        plaintext.as_bytes(),
    )
    .unwrap();
    json!({
        "format": "tincay-outbox-v1",
        "kid": key["kid"],
        "epk": STANDARD.encode(epk),
        "nonce": STANDARD.encode(nonce),
        "aad": aad,
        "ciphertext": STANDARD.encode(ciphertext),
    })
}

pub async fn send(session: &WebSession<'_>, record: &Value) -> Page {
    let csrf = session.csrf();
    session.post_json("/outbox", record, Some(&csrf)).await
}

fn problem_code(page: &Page) -> String {
    assert_eq!(page.header("content-type"), "application/problem+json");
    let problem: Value = serde_json::from_str(&page.body).unwrap();
    problem["code"].as_str().unwrap_or_default().to_owned()
}

/// The case's version and how many events it holds.
pub async fn shape(app: &TestApp, token: &str, case: &str) -> (u64, usize) {
    let case = view(app, token, case).await;
    (
        case["version"].as_u64().unwrap(),
        case["timeline"].as_array().unwrap().len(),
    )
}

pub async fn version_of(app: &TestApp, token: &str, case: &str) -> String {
    view(app, token, case).await["version"].to_string()
}

#[tokio::test]
async fn a_note_sealed_offline_is_recorded_once_however_often_it_is_sent() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let version = version_of(&app, &t.volunteer_a1, &case).await;
    let text = format!("Đã gọi lại {CANARY}");
    let record = sealed(
        &session,
        &aad(world.volunteer_a1, "note", &case, "", &version, "note-1"),
        &[
            ("text", &text),
            ("version", "999"),
            ("idempotency_key", "x"),
        ],
    )
    .await;
    assert!(!record.to_string().contains(CANARY), "sealed");
    let first = send(&session, &record).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = send(&session, &record).await;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(first.body, again.body);
    let state = view(&app, &t.volunteer_a1, &case).await;
    let notes: Vec<&Value> = state["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["type"] == "note_added")
        .collect();
    assert_eq!(notes.len(), 1, "{state}");
    assert_eq!(notes[0]["data"]["text"], text.as_str());
}

#[tokio::test]
async fn a_new_case_sealed_offline_opens_one_case() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let name = format!("Lò Thị {CANARY}");
    let fields = [
        ("opened_on", "2026-11-18"),
        ("referred_by", "village_head"),
        ("survivor.name", name.as_str()),
        ("survivor.birth_year", "1990"),
        ("survivor.sex", "female"),
        ("survivor.ethnicity", "03"),
        ("survivor.disability", "no"),
        ("violence_types", "physical"),
        ("perpetrator", "spouse"),
        ("risk_level", "medium"),
        ("consent.services", "yes"),
        ("consent.referral", "no"),
        ("consent.reporting", "yes"),
        ("narrative", "Offline"),
    ];
    let record = sealed(
        &session,
        &aad(world.volunteer_a1, "new-case", "", "", "", "case-1"),
        &fields,
    )
    .await;
    let first = send(&session, &record).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = send(&session, &record).await;
    assert_eq!(first.body, again.body);
    let id = serde_json::from_str::<Value>(&first.body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let case = view(&app, &t.volunteer_a1, &id).await;
    assert_eq!(case["survivor"]["name"], name.as_str());
    assert_eq!(case["trusted_address"], json!(world.address_a1.to_string()));
    let listed = get(&app, &t.volunteer_a1, "/cases").await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_record_altered_by_one_byte_is_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let version = version_of(&app, &t.volunteer_a1, &case).await;
    let record = sealed(
        &session,
        &aad(world.volunteer_a1, "note", &case, "", &version, "note-1"),
        &[("text", "một ghi chú")],
    )
    .await;
    let before = shape(&app, &t.volunteer_a1, &case).await;

    let mut ciphertext = STANDARD
        .decode(record["ciphertext"].as_str().unwrap())
        .unwrap();
    let mut altered = Vec::new();
    for at in [0, ciphertext.len() / 2, ciphertext.len() - 1] {
        ciphertext[at] ^= 1;
        let mut copy = record.clone();
        copy["ciphertext"] = json!(STANDARD.encode(&ciphertext));
        altered.push(copy);
        ciphertext[at] ^= 1;
    }
    // The associated data: another idempotency key, another version, another case's form.
    let aad_text = record["aad"].as_str().unwrap();
    for (from, to) in [("key=note-1", "key=note-2"), ("form=note", "form=risk")] {
        let mut copy = record.clone();
        copy["aad"] = json!(aad_text.replace(from, to));
        altered.push(copy);
    }
    let mut copy = record.clone();
    let mut nonce = STANDARD.decode(record["nonce"].as_str().unwrap()).unwrap();
    nonce[5] ^= 0x10;
    copy["nonce"] = json!(STANDARD.encode(&nonce));
    altered.push(copy);
    for copy in altered {
        let refused = send(&session, &copy).await;
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert_eq!(problem_code(&refused), "bad_request");
        assert!(refused.body.contains("does not open"), "{}", refused.body);
    }
    assert_eq!(shape(&app, &t.volunteer_a1, &case).await, before);
    // The record as sealed still goes through.
    assert_eq!(send(&session, &record).await.status, 201);
}

#[tokio::test]
async fn a_record_sealed_by_another_volunteer_is_refused_and_kept_for_her() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let owner = WebSession::signed_in(&app, world.volunteer_a1);
    let other = WebSession::signed_in(&app, world.volunteer_a2);
    let version = version_of(&app, &t.volunteer_a1, &case).await;
    let record = sealed(
        &owner,
        &aad(
            world.volunteer_a1,
            "note",
            &case,
            "",
            &version,
            "shared-phone",
        ),
        &[("text", "của chị A")],
    )
    .await;
    let before = shape(&app, &t.volunteer_a1, &case).await;
    let refused = send(&other, &record).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(problem_code(&refused), "forbidden");
    assert_eq!(shape(&app, &t.volunteer_a1, &case).await, before);
    // Nor when she names herself in a record she seals: a volunteer of another address
    // still may not write to this case.
    let hers = sealed(
        &other,
        &aad(world.volunteer_a2, "note", &case, "", &version, "mine"),
        &[("text", "x")],
    )
    .await;
    assert_eq!(send(&other, &hers).await.status, 404);
    assert_eq!(shape(&app, &t.volunteer_a1, &case).await, before);
    // Its owner sends it when she signs in.
    let sent = send(&owner, &record).await;
    assert_eq!(sent.status, 201, "{}", sent.body);
}

#[tokio::test]
async fn no_session_no_token_an_unknown_key_or_a_malformed_record_writes_nothing() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let version = version_of(&app, &t.volunteer_a1, &case).await;
    let record = sealed(
        &session,
        &aad(world.volunteer_a1, "note", &case, "", &version, "k"),
        &[("text", "ghi chú")],
    )
    .await;
    let before = shape(&app, &t.volunteer_a1, &case).await;

    let anonymous = WebSession::anonymous(&app);
    let page = anonymous.post_json("/outbox", &record, Some("x")).await;
    assert_eq!(
        (page.status, problem_code(&page).as_str()),
        (401, "unauthorized")
    );
    let page = session.post_json("/outbox", &record, None).await;
    assert_eq!(
        (page.status, problem_code(&page).as_str()),
        (403, "forbidden")
    );
    let page = session.post_json("/outbox", &record, Some("forged")).await;
    assert_eq!(page.status, 403);

    let mut unknown_key = record.clone();
    unknown_key["kid"] = json!("0000000000000000");
    let page = send(&session, &unknown_key).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("does not hold"), "{}", page.body);

    let mut malformed = Vec::new();
    for (field, value) in [
        ("epk", json!("not base64")),
        ("nonce", json!(STANDARD.encode([0u8; 8]))),
        ("format", json!("tincay-outbox-v9")),
        ("ciphertext", json!(7)),
    ] {
        let mut copy = record.clone();
        copy[field] = value;
        malformed.push(copy);
    }
    let mut extra = record.clone();
    extra["plaintext"] = json!("ghi chú");
    malformed.push(extra);
    malformed.push(json!({}));
    for copy in malformed {
        let page = send(&session, &copy).await;
        assert_eq!(page.status, 400, "{copy} {}", page.body);
        assert_eq!(problem_code(&page), "bad_request");
    }
    // Associated data that is sealed but not canonical (a version with a leading zero).
    let not_canonical = sealed(
        &session,
        &aad(
            world.volunteer_a1,
            "note",
            &case,
            "",
            &format!("0{version}"),
            "k2",
        ),
        &[("text", "ghi chú")],
    )
    .await;
    let page = send(&session, &not_canonical).await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert_eq!(shape(&app, &t.volunteer_a1, &case).await, before);
}

#[tokio::test]
async fn a_note_written_against_an_old_version_applies_but_a_risk_change_is_held() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let t = tokens(&app, &world);
    let case = open_case(&app, &t.volunteer_a1).await;
    let session = WebSession::signed_in(&app, world.volunteer_a1);
    let old = version_of(&app, &t.volunteer_a1, &case).await;
    let moved = post(
        &app,
        &t.volunteer_a1,
        &format!("/cases/{case}/notes"),
        &json!({"text": "online meanwhile"}),
    )
    .await;
    assert_eq!(moved.status, 201, "{}", moved.text);

    let note = sealed(
        &session,
        &aad(world.volunteer_a1, "note", &case, "", &old, "late-note"),
        &[("text", "viết khi mất sóng")],
    )
    .await;
    assert_eq!(send(&session, &note).await.status, 201);

    let before = shape(&app, &t.volunteer_a1, &case).await;
    let risk = sealed(
        &session,
        &aad(world.volunteer_a1, "risk", &case, "", &old, "late-risk"),
        &[("level", "low"), ("notes", "")],
    )
    .await;
    let held = send(&session, &risk).await;
    assert_eq!(held.status, 202, "{}", held.body);
    assert_eq!(
        serde_json::from_str::<Value>(&held.body).unwrap()["reason"],
        "stale"
    );
    assert_eq!(shape(&app, &t.volunteer_a1, &case).await, before);
}

#[tokio::test]
async fn the_public_key_is_served_to_anyone_with_its_id() {
    let app = spawn_app().await;
    let page = WebSession::anonymous(&app).get("/outbox/key").await;
    assert_eq!(page.status, 200);
    let key: Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(key["format"], "tincay-outbox-v1");
    assert_eq!(key["kid"], app.state.outbox.kid());
    let raw = STANDARD.decode(key["key"].as_str().unwrap()).unwrap();
    assert_eq!(raw.as_slice(), app.state.outbox.public());
    assert_eq!(
        tincay::store::crypto::outbox::key_id(&raw),
        key["kid"].as_str().unwrap()
    );
}

#[tokio::test]
async fn post_outbox_is_in_the_openapi_document_with_its_held_answer() {
    let app = spawn_app().await;
    let document: Value = app
        .client
        .get(app.api("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let post = &document["paths"]["/outbox"]["post"];
    for status in ["201", "202", "400", "401", "403", "404", "410", "422"] {
        assert!(post["responses"][status].is_object(), "{status}: {post}");
    }
    assert_eq!(post["security"][0]["session"], json!([]));
    assert_eq!(
        document["components"]["securitySchemes"]["session"]["in"],
        "cookie"
    );
    for schema in ["SealedRecordBody", "HeldAnswer", "OutboxPublicKey"] {
        assert!(
            document["components"]["schemas"][schema].is_object(),
            "{schema}"
        );
    }
    assert!(document["paths"]["/outbox/key"]["get"].is_object());
}
