//! Issue 19, attack 3: separation of duties was only on paper. An admin made a supervisor of
//! the province (or reset a supervisor's password), signed in as that account and read every
//! case. Now an account that can read cases, and any password reset of one, waits for a
//! supervisor whose area contains its scope.

use serde_json::{Value, json};
use tincay::domain::access::AccessEvent;
use tincay::domain::ids::UserId;
use tincay::domain::vocab::{AccountAction, Role};
use tincay::store::stream::StreamId;

use crate::cases_kit::open_case;
use crate::requests::*;
use crate::support::*;
use crate::web_kit::*;

const NEW_PASSWORD: &str = "một mật khẩu mới rất dài 77";

async fn admin_creates(app: &TestApp, world: &World, body: Value) -> (UserId, String) {
    let admin = app.token_for(world.admin);
    let reply = post(app, "/users", Some(&admin), body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let id = uuid::Uuid::parse_str(reply.json["id"].as_str().unwrap()).unwrap();
    (
        UserId::from_uuid(id),
        reply.json["status"].as_str().unwrap().to_owned(),
    )
}

fn supervisor_of(area: &str, username: &str) -> Value {
    json!({"username": username, "password": PASSWORD, "role": "supervisor", "area": area})
}

/// (actor, action, account) of every account entry in this month's access log.
fn account_entries(app: &TestApp) -> Vec<(Option<uuid::Uuid>, AccountAction, uuid::Uuid)> {
    app.state
        .log
        .read_stream(&StreamId::access_month(2026, 11))
        .unwrap()
        .iter()
        .filter_map(|record| match record.decode::<AccessEvent>().unwrap() {
            AccessEvent::AccountRecorded { facts, .. } => {
                Some((record.actor, facts.action, *facts.account.as_uuid()))
            }
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_supervisor_an_admin_makes_cannot_sign_in_or_read_a_case_until_approved() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let case = open_case(&app, &app.token_for(world.volunteer_a1)).await;
    let (id, status) = admin_creates(
        &app,
        &world,
        supervisor_of(world.province_a.as_str(), "gs.moi"),
    )
    .await;
    assert_eq!(status, "pending");

    let refused = sign_in(&app, "gs.moi", PASSWORD).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(refused.code(), "account_pending");
    assert!(refused.json.get("token").is_none());
    // Even a token made behind the sign-in's back reads nothing.
    let smuggled = app.token_for(id);
    assert_eq!(
        get(&app, &format!("/cases/{case}"), Some(&smuggled))
            .await
            .status,
        401
    );

    // A supervisor of another province cannot see it, let alone approve it.
    let other = app.token_for(world.supervisor_b);
    let path = format!("/users/{}/approve", id.as_uuid());
    assert_eq!(post(&app, &path, Some(&other), json!({})).await.status, 404);
    // A supervisor of a commune inside the province does not contain a province.
    let commune = app.token_for(world.supervisor_commune_a2);
    assert_eq!(
        post(&app, &path, Some(&commune), json!({})).await.status,
        404
    );
    // Nor can the admin approve it.
    let admin = app.token_for(world.admin);
    assert_eq!(post(&app, &path, Some(&admin), json!({})).await.status, 403);
    assert_eq!(sign_in(&app, "gs.moi", PASSWORD).await.status, 403);

    let province = app.token_for(world.supervisor_a);
    assert_eq!(
        post(&app, &path, Some(&province), json!({})).await.status,
        204
    );
    assert_eq!(
        post(&app, &path, Some(&province), json!({})).await.code(),
        "rule_violated",
        "approved once"
    );

    let token = token_of(&app, "gs.moi").await;
    assert_eq!(
        get(&app, &format!("/cases/{case}"), Some(&token))
            .await
            .status,
        200
    );
    let entries = account_entries(&app);
    let (admin_id, province_id) = (*world.admin.as_uuid(), *world.supervisor_a.as_uuid());
    assert!(entries.contains(&(Some(admin_id), AccountAction::Created, *id.as_uuid())));
    assert!(entries.contains(&(
        Some(*id.as_uuid()),
        AccountAction::SignInPending,
        *id.as_uuid()
    )));
    assert!(entries.contains(&(Some(province_id), AccountAction::Approved, *id.as_uuid())));
}

#[tokio::test]
async fn an_admins_password_reset_of_a_supervisor_waits_for_another_supervisor() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let case = open_case(&app, &app.token_for(world.volunteer_a1)).await;
    let second = app
        .seed_user(
            "gs.a.hai",
            PASSWORD,
            Role::Supervisor,
            Some(&world.province_a),
            None,
        )
        .await;
    let old_session = token_of(&app, "gs.a").await;
    let admin = app.token_for(world.admin);
    let reset = format!("/users/{}/password", world.supervisor_a.as_uuid());

    let reply = post(
        &app,
        &reset,
        Some(&admin),
        json!({"password": NEW_PASSWORD}),
    )
    .await;
    assert_eq!(reply.status, 204, "{}", reply.text);

    assert_eq!(get(&app, "/me", Some(&old_session)).await.status, 401);
    let refused = sign_in(&app, "gs.a", NEW_PASSWORD).await;
    assert_eq!(refused.code(), "account_pending");
    assert_eq!(
        sign_in(&app, "gs.a", PASSWORD).await.status,
        401,
        "the old one is gone"
    );

    let approve = format!("/users/{}/approve", world.supervisor_a.as_uuid());
    let other_province = app.token_for(world.supervisor_b);
    assert_eq!(
        post(&app, &approve, Some(&other_province), json!({}))
            .await
            .status,
        404
    );
    let reply = post(&app, &approve, Some(&app.token_for(second)), json!({})).await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    let token = sign_in(&app, "gs.a", NEW_PASSWORD).await;
    assert_eq!(token.status, 201);
    let token = token.json["token"].as_str().unwrap();
    assert_eq!(
        get(&app, &format!("/cases/{case}"), Some(token))
            .await
            .status,
        200
    );
    let entries = account_entries(&app);
    let account = *world.supervisor_a.as_uuid();
    assert!(entries.contains(&(
        Some(*world.admin.as_uuid()),
        AccountAction::PasswordReset,
        account
    )));
}

#[tokio::test]
async fn a_volunteer_waits_for_a_supervisor_whose_area_holds_her_address_and_can_be_refused() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let body = json!({"username": "tnv.moi", "password": PASSWORD, "role": "volunteer",
                      "trusted_address": world.address_a1.to_string()});
    let (id, status) = admin_creates(&app, &world, body).await;
    assert_eq!(status, "pending");
    let refuse = format!("/users/{}/refuse", id.as_uuid());
    // The supervisor of commune a2 does not hold commune a1's address.
    let commune_a2 = app.token_for(world.supervisor_commune_a2);
    assert_eq!(
        post(&app, &refuse, Some(&commune_a2), json!({}))
            .await
            .status,
        404
    );
    // A volunteer is never an approver.
    let volunteer = app.token_for(world.volunteer_a1);
    assert_eq!(
        post(&app, &refuse, Some(&volunteer), json!({}))
            .await
            .status,
        403
    );

    let province = app.token_for(world.supervisor_a);
    assert_eq!(
        post(&app, &refuse, Some(&province), json!({})).await.status,
        204
    );

    assert_eq!(
        sign_in(&app, "tnv.moi", PASSWORD).await.status,
        401,
        "deactivated"
    );
    let approve = format!("/users/{}/approve", id.as_uuid());
    assert_eq!(
        post(&app, &approve, Some(&province), json!({}))
            .await
            .status,
        422
    );
    assert!(account_entries(&app).contains(&(
        Some(*world.supervisor_a.as_uuid()),
        AccountAction::Refused,
        *id.as_uuid()
    )));
}

#[tokio::test]
async fn reporting_and_admin_accounts_keep_todays_flow() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let reporter = json!({"username": "bc.moi", "password": PASSWORD, "role": "reporting",
                          "area": world.province_a.as_str()});
    let admin = json!({"username": "admin.moi", "password": PASSWORD, "role": "admin"});
    for body in [reporter, admin] {
        let (_, status) = admin_creates(&app, &world, body).await;
        assert_eq!(status, "active");
    }
    assert_eq!(sign_in(&app, "bc.moi", PASSWORD).await.status, 201);
    assert_eq!(sign_in(&app, "admin.moi", PASSWORD).await.status, 201);
}

#[tokio::test]
async fn the_supervisors_dashboard_lists_accounts_waiting_in_her_area_and_approves_them() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let body = json!({"username": "tnv.cho", "password": PASSWORD, "role": "volunteer",
                      "trusted_address": world.address_a1.to_string()});
    let (id, _) = admin_creates(&app, &world, body).await;

    let elsewhere = WebSession::signed_in(&app, world.supervisor_b);
    assert!(!elsewhere.get("/dashboard").await.contains("tnv.cho"));
    let session = WebSession::signed_in(&app, world.supervisor_a);
    let dashboard = session.get("/dashboard").await;
    assert_eq!(dashboard.status, 200);
    assert!(dashboard.contains("tnv.cho"), "{}", dashboard.body);
    let action = format!("/accounts/{}/approve", id.as_uuid());
    assert!(dashboard.contains(&action));

    let done = session.post(&action, &[]).await;

    assert_eq!(done.status, 303);
    assert_eq!(done.location(), "/dashboard");
    assert!(!session.get("/dashboard").await.contains("tnv.cho"));
    assert_eq!(sign_in(&app, "tnv.cho", PASSWORD).await.status, 201);
}
