//! Signing in and out (`POST /sessions`, `DELETE /sessions/current`, `GET /me`): the answer's
//! shape, one indistinguishable refusal, throttling, and the access log.

use serde_json::json;
use tincay::domain::access::AccessEvent;
use tincay::domain::vocab::AccessAction;
use tincay::store::stream::StreamId;

use crate::requests::*;
use crate::support::*;

#[tokio::test]
async fn signing_in_gives_a_token_its_expiry_and_the_user() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;

    let reply = sign_in(&app, "tnv.a1", PASSWORD).await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    let token = reply.json["token"].as_str().unwrap();
    assert!(token.len() >= 43, "256 bits, base64");
    assert_eq!(reply.json["expires_at"], "2026-11-20T15:00:00Z");
    assert_eq!(
        reply.json["user"],
        json!({
            "id": world.volunteer_a1.to_string(),
            "username": "tnv.a1",
            "role": "volunteer",
            "area": null,
            "trusted_address": world.address_a1.to_string(),
        })
    );
    assert_eq!(get(&app, "/me", Some(token)).await.status, 200);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_401() {
    let app = spawn_app().await;
    seed_world(&app).await;

    let wrong_password = sign_in(&app, "tnv.a1", "not the password at all").await;
    let unknown_user = sign_in(&app, "nobody.here", PASSWORD).await;

    assert_eq!(wrong_password.status, 401);
    assert_eq!(wrong_password.code(), "unauthorized");
    assert_eq!(wrong_password.text, unknown_user.text);
    assert_eq!(
        wrong_password.headers["content-type"],
        unknown_user.headers["content-type"]
    );
    assert_eq!(
        wrong_password.headers["content-type"],
        "application/problem+json"
    );
}

#[tokio::test]
async fn a_malformed_sign_in_is_a_400() {
    let app = spawn_app().await;
    let reply = post(&app, "/sessions", None, json!({"username": "a"})).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "bad_request");
}

#[tokio::test]
async fn a_deactivated_user_cannot_sign_in_and_their_token_dies() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = token_of(&app, "tnv.a1").await;
    let admin = app.token_for(world.admin);
    let refused = sign_in(&app, "nobody.here", PASSWORD).await;

    let path = format!("/users/{}", world.volunteer_a1);
    assert_eq!(delete(&app, &path, Some(&admin)).await.status, 204);

    assert_eq!(get(&app, "/me", Some(&token)).await.status, 401);
    let again = sign_in(&app, "tnv.a1", PASSWORD).await;
    assert_eq!(again.status, 401);
    assert_eq!(again.text, refused.text);
}

#[tokio::test]
async fn signing_out_kills_the_token() {
    let app = spawn_app().await;
    seed_world(&app).await;
    let token = token_of(&app, "gs.a").await;
    let other = token_of(&app, "gs.a").await;

    assert_eq!(
        delete(&app, "/sessions/current", Some(&token)).await.status,
        204
    );

    assert_eq!(get(&app, "/me", Some(&token)).await.status, 401);
    assert_eq!(
        delete(&app, "/sessions/current", Some(&token)).await.status,
        401
    );
    assert_eq!(
        get(&app, "/me", Some(&other)).await.status,
        200,
        "only that session ends"
    );
}

#[tokio::test]
async fn me_describes_the_caller_and_needs_a_live_token() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;

    let me = get(&app, "/me", Some(&app.token_for(world.supervisor_a))).await;

    assert_eq!(me.status, 200);
    assert_eq!(
        me.json,
        json!({
            "id": world.supervisor_a.to_string(),
            "username": "gs.a",
            "role": "supervisor",
            "area": "62",
            "trusted_address": null,
        })
    );
    assert_eq!(get(&app, "/me", None).await.status, 401);
    assert_eq!(get(&app, "/me", Some("made-up")).await.status, 401);
}

#[tokio::test]
async fn six_failed_sign_ins_from_one_client_lock_the_account_there_for_a_minute() {
    let app = spawn_app().await;
    seed_world(&app).await;
    for _ in 0..5 {
        assert_eq!(sign_in(&app, "gs.a", "wrong password!").await.status, 401);
    }

    let sixth = sign_in(&app, "gs.a", "wrong password!").await;
    assert_eq!(sixth.status, 429);
    assert_eq!(sixth.code(), "rate_limited");
    assert_eq!(sixth.headers["retry-after"], "60");

    app.clock.advance(time::Duration::seconds(30));
    let right = sign_in(&app, "gs.a", PASSWORD).await;
    assert_eq!(
        right.status, 429,
        "even the right password waits, from this client"
    );
    assert_eq!(right.headers["retry-after"], "30");

    app.clock.advance(time::Duration::seconds(30));
    assert_eq!(sign_in(&app, "gs.a", PASSWORD).await.status, 201);
}

#[tokio::test]
async fn guesses_sent_in_parallel_get_no_more_tries_than_guesses_sent_in_turn() {
    let app = spawn_app().await;
    seed_world(&app).await;
    let mut guesses = tokio::task::JoinSet::new();
    for n in 0..10 {
        let request = app
            .client
            .post(app.api("/sessions"))
            .json(&json!({"username": "gs.b", "password": format!("guess number {n}")}));
        guesses.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }

    let statuses = guesses.join_all().await;

    let tried = statuses.iter().filter(|status| **status == 401).count();
    let refused = statuses.iter().filter(|status| **status == 429).count();
    assert_eq!((tried, refused), (5, 5), "{statuses:?}");
}

#[tokio::test]
async fn failures_from_one_address_at_other_accounts_do_not_lock_an_account() {
    let app = spawn_app().await;
    seed_world(&app).await;
    for name in ["tnv.a1", "tnv.a2", "gs.b", "bc.a", "nobody.here"] {
        assert_eq!(sign_in(&app, name, "wrong password!").await.status, 401);
    }

    let other_account = sign_in(&app, "admin", PASSWORD).await;

    assert_eq!(other_account.status, 201);
}

#[tokio::test]
async fn the_access_log_records_every_sign_in_with_its_address() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;

    assert_eq!(
        sign_in(&app, "khong.co", "wrong password!").await.status,
        401
    );
    assert_eq!(sign_in(&app, "tnv.b1", PASSWORD).await.status, 201);

    let records = app
        .state
        .log
        .read_stream(&StreamId::access_month(2026, 11))
        .unwrap();
    let entries: Vec<_> = records
        .iter()
        .map(|record| {
            let AccessEvent::Recorded { facts, pii } = record.decode::<AccessEvent>().unwrap()
            else {
                panic!("a sign-in is recorded on its own");
            };
            let pii = pii.unwrap();
            (record.actor, facts.action, pii.from, pii.username)
        })
        .collect();
    let from = Some("127.0.0.1".to_owned());
    // Issue 19, attack 7: the typed name is kept as a keyed hash, never as typed (it may be
    // a password typed into the wrong field).
    let typed = entries[0].3.clone().unwrap();
    assert!(
        typed.starts_with("hmac:") && !typed.contains("khong"),
        "{typed}"
    );
    assert_eq!(
        entries,
        [
            (None, AccessAction::SignInFailed, from.clone(), Some(typed)),
            (
                Some(*world.volunteer_b1.as_uuid()),
                AccessAction::SignedIn,
                from,
                None
            ),
        ]
    );
    assert_eq!(records[1].recorded_at, START);
}

#[tokio::test]
async fn no_reply_carries_a_password_or_a_token_except_the_token_field() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let admin = app.token_for(world.admin);
    let new_password = "một mật khẩu mới 2026";

    let signed_in = sign_in(&app, "tnv.a2", PASSWORD).await;
    let token = signed_in.json["token"].as_str().unwrap().to_owned();
    let mut without_token = signed_in.json.clone();
    without_token.as_object_mut().unwrap().remove("token");
    let replies = [
        sign_in(&app, "tnv.a2", "wrong password!").await,
        sign_in(&app, "nobody.here", PASSWORD).await,
        get(&app, "/me", Some(&token)).await,
        post(
            &app,
            "/users",
            Some(&admin),
            json!({"username": "tnv.moi", "password": new_password, "role": "volunteer",
                   "trusted_address": world.address_a2.to_string()}),
        )
        .await,
        post(
            &app,
            "/users",
            Some(&admin),
            json!({"username": "tnv.moi2", "password": "ngắn quá", "role": "volunteer"}),
        )
        .await,
        post(
            &app,
            &format!("/users/{}/password", world.volunteer_a2),
            Some(&admin),
            json!({"password": new_password}),
        )
        .await,
        delete(&app, "/sessions/current", Some(&token)).await,
    ];

    assert!(!without_token.to_string().contains(&token));
    assert!(!without_token.to_string().contains(PASSWORD));
    for reply in replies.iter() {
        let headers = format!("{:?}", reply.headers);
        for secret in [
            token.as_str(),
            PASSWORD,
            new_password,
            "ngắn quá",
            "$argon2",
        ] {
            assert!(!reply.text.contains(secret), "{}", reply.text);
            assert!(!headers.contains(secret), "{headers}");
        }
    }
    assert_eq!(replies[4].status, 422);
}
