//! Issue 19, attack 1: anyone could lock every user out of signing in. Behind the shipped
//! Caddyfile every client was 127.0.0.1, failures counted against the account before the
//! password was checked, and five unknown names from one address blocked every valid user
//! there. Now the throttle keys (typed name, client), believes `X-Forwarded-For` only from a
//! trusted proxy, and still slows a real brute force from one client.

use serde_json::json;
use tincay::domain::access::AccessEvent;
use tincay::http::state::HttpSettings;
use tincay::store::stream::StreamId;

use crate::support::*;

/// A server that trusts the proxy on loopback (as deploy/Caddyfile and the example config
/// set it up).
async fn behind_proxy() -> TestApp {
    spawn_app_with(HttpSettings {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..HttpSettings::default()
    })
    .await
}

/// `POST /sessions` as the proxy would forward it for `client`: (status, Retry-After).
async fn sign_in_from(
    app: &TestApp,
    client: &str,
    username: &str,
    password: &str,
) -> (u16, String) {
    let response = app
        .client
        .post(app.api("/sessions"))
        .header("x-forwarded-for", client)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status().as_u16(), retry)
}

#[tokio::test]
async fn wrong_passwords_from_one_client_never_lock_the_account_for_another() {
    let app = behind_proxy().await;
    seed_world(&app).await;
    for _ in 0..20 {
        let (status, _) = sign_in_from(&app, "203.0.113.9", "gs.a", "wrong password!").await;
        assert!(status == 401 || status == 429, "{status}");
    }
    assert_eq!(
        sign_in_from(&app, "203.0.113.9", "gs.a", PASSWORD).await.0,
        429
    );

    let (status, _) = sign_in_from(&app, "198.51.100.7", "gs.a", PASSWORD).await;

    assert_eq!(status, 201, "the real supervisor, from her own address");
}

#[tokio::test]
async fn unknown_names_from_one_address_never_block_a_valid_user_there() {
    let app = spawn_app().await;
    seed_world(&app).await;
    for n in 0..12 {
        let (status, _) =
            sign_in_from(&app, "ignored", &format!("khong.co.{n}"), "wrong password!").await;
        assert!(status == 401 || status == 429, "{status}");
    }

    let (status, _) = sign_in_from(&app, "ignored", "tnv.a1", PASSWORD).await;

    assert_eq!(status, 201);
}

#[tokio::test]
async fn a_forged_forwarded_header_is_ignored_without_a_trusted_proxy() {
    let app = spawn_app().await;
    seed_world(&app).await;
    for n in 0..5 {
        let forged = format!("198.51.100.{n}");
        assert_eq!(
            sign_in_from(&app, &forged, "gs.b", "wrong password!")
                .await
                .0,
            401
        );
    }
    let (status, _) = sign_in_from(&app, "198.51.100.99", "gs.b", "wrong password!").await;
    assert_eq!(status, 429, "a new forged address is the same client");
}

#[tokio::test]
async fn a_brute_force_from_one_client_is_slowed_to_the_documented_rate() {
    let app = behind_proxy().await;
    seed_world(&app).await;
    let attacker = "203.0.113.9";
    for _ in 0..5 {
        assert_eq!(
            sign_in_from(&app, attacker, "gs.a", "wrong password!")
                .await
                .0,
            401
        );
    }
    for wait in [60, 120, 240] {
        assert_eq!(
            sign_in_from(&app, attacker, "gs.a", "wrong password!").await,
            (429, wait.to_string())
        );
        app.clock.advance(time::Duration::seconds(wait));
        assert_eq!(
            sign_in_from(&app, attacker, "gs.a", "wrong password!")
                .await
                .0,
            401
        );
    }
    assert_eq!(
        sign_in_from(&app, attacker, "gs.a", PASSWORD).await,
        (429, "480".into())
    );
}

#[tokio::test]
async fn behind_the_proxy_the_access_log_records_the_real_clients_address() {
    let app = behind_proxy().await;
    seed_world(&app).await;
    assert_eq!(
        sign_in_from(&app, "198.51.100.7", "tnv.b1", PASSWORD)
            .await
            .0,
        201
    );
    let records = app
        .state
        .log
        .read_stream(&StreamId::access_month(2026, 11))
        .unwrap();
    let from: Vec<Option<String>> = records
        .iter()
        .filter_map(|record| match record.decode::<AccessEvent>().unwrap() {
            AccessEvent::Recorded { pii, .. } => Some(pii.unwrap().from),
            _ => None,
        })
        .collect();
    assert_eq!(from, [Some("198.51.100.7".to_owned())]);
}

/// `POST /sessions` for `client` through the trusted proxy: (status, Retry-After, body).
async fn whole_answer(
    app: &TestApp,
    client: &str,
    username: &str,
) -> (u16, String, serde_json::Value) {
    let response = app
        .client
        .post(app.api("/sessions"))
        .header("x-forwarded-for", client)
        .json(&json!({"username": username, "password": "wrong password!"}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, retry, response.json().await.unwrap())
}

#[tokio::test]
async fn a_sprayers_429_is_the_same_for_a_name_that_exists_and_one_that_does_not() {
    let app = behind_proxy().await;
    seed_world(&app).await;
    // Two sprayers with the same history: eleven unknown names each, then locked out of
    // wrong answers.
    for sprayer in ["203.0.113.9", "203.0.113.10"] {
        for n in 0..11 {
            whole_answer(&app, sprayer, &format!("khong.co.{n}")).await;
        }
    }
    app.clock.advance(time::Duration::seconds(30));

    let known = whole_answer(&app, "203.0.113.9", "gs.a").await;
    let unknown = whole_answer(&app, "203.0.113.10", "khong.co.99").await;

    assert_eq!(known.0, 429);
    assert_eq!(known, unknown, "status, Retry-After and body alike");
}
