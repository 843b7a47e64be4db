//! The access matrix: every case endpoint × every role × in scope or out of scope (another
//! address in the same commune, another commune, another province) → the status it must
//! answer; and no refusal ever carries case data (the canary in the survivor's name and the
//! narrative never appears in a non-2xx body). Accounts an admin made (or whose password
//! she reset) are pending until a supervisor approves them: their tokens read nothing (401),
//! whatever their role and area.

use reqwest::Method;
use serde_json::{Value, json};
use tincay::domain::ids::CaseId;
use tincay::domain::vocab::Role;
use tincay::store::stream::StreamId;

use crate::cases_kit::*;
use crate::support::*;

/// What a caller is to the case under test (a case at `address_a1`, commune a1, province a).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Standing {
    Anonymous,
    /// A volunteer or supervisor account an admin made or reset, not yet approved.
    Pending,
    /// Admin or reporting officer: never.
    NeverCases,
    Volunteer {
        in_scope: bool,
    },
    Supervisor {
        in_scope: bool,
    },
}

struct Caller {
    label: &'static str,
    token: Option<String>,
    standing: Standing,
}

/// A case prepared for one endpoint: opened by the volunteer, with a referral and a
/// follow-up; closed if the endpoint is `reopen`.
struct Prepared {
    id: String,
    referral: String,
    follow_up: String,
}

struct Endpoint {
    name: &'static str,
    method: Method,
    supervisors_only: bool,
    success: u16,
}

impl Endpoint {
    fn path(&self, case: &Prepared) -> String {
        let id = &case.id;
        match self.name {
            "view" => format!("/cases/{id}"),
            "access-log" => format!("/cases/{id}/access-log"),
            "erase" => format!("/cases/{id}?reason=duplicate"),
            "outcome" => format!("/cases/{id}/referrals/{}/outcome", case.referral),
            "complete" => format!("/cases/{id}/follow-ups/{}/complete", case.follow_up),
            other => format!("/cases/{id}/{other}"),
        }
    }

    fn body(&self, world: &World) -> Option<Value> {
        Some(match self.name {
            "support" => json!({"type": "counselling", "provided_on": "2026-11-20"}),
            "referrals" => json!({"target": "health", "made_on": "2026-11-20"}),
            "outcome" => json!({"outcome": "completed", "recorded_on": "2026-11-20"}),
            "follow-ups" => json!({"due_on": "2026-12-01", "method": "phone"}),
            "complete" => json!({"completed_on": "2026-11-20", "outcome": "safe"}),
            "notes" => json!({"text": "ghi chú"}),
            "risk" => json!({"level": "low"}),
            "close" => json!({"reason": "safe", "closed_on": "2026-11-20"}),
            "reviews" => json!({"decision": "approved"}),
            "transfer" => json!({"trusted_address": world.address_a1_second.to_string()}),
            "reopen" => json!({"reason": "bạo lực tái diễn"}),
            _ => return None,
        })
    }

    fn expected(&self, standing: Standing) -> u16 {
        match standing {
            Standing::Anonymous | Standing::Pending => 401,
            Standing::NeverCases => 403,
            Standing::Volunteer { .. } if self.supervisors_only => 403,
            Standing::Volunteer { in_scope } | Standing::Supervisor { in_scope } => {
                if in_scope {
                    self.success
                } else {
                    404
                }
            }
        }
    }
}

fn endpoints() -> Vec<Endpoint> {
    let endpoint = |name, method, supervisors_only, success| Endpoint {
        name,
        method,
        supervisors_only,
        success,
    };
    vec![
        endpoint("view", Method::GET, false, 200),
        endpoint("support", Method::POST, false, 201),
        endpoint("referrals", Method::POST, false, 201),
        endpoint("outcome", Method::POST, false, 201),
        endpoint("follow-ups", Method::POST, false, 201),
        endpoint("complete", Method::POST, false, 201),
        endpoint("notes", Method::POST, false, 201),
        endpoint("risk", Method::POST, false, 201),
        endpoint("close", Method::POST, false, 201),
        endpoint("reviews", Method::POST, true, 201),
        endpoint("transfer", Method::POST, true, 201),
        endpoint("reopen", Method::POST, true, 201),
        endpoint("erase", Method::DELETE, true, 204),
        endpoint("access-log", Method::GET, true, 200),
    ]
}

async fn callers(app: &TestApp, world: &World) -> Vec<Caller> {
    let same_commune = volunteer_at(app, "tnv.a1.hai", world.address_a1_second).await;
    let district = app
        .seed_user(
            "gs.huyen",
            PASSWORD,
            Role::Supervisor,
            Some(&world.district_a),
            None,
        )
        .await;
    let commune = app
        .seed_user(
            "gs.xa",
            PASSWORD,
            Role::Supervisor,
            Some(&world.commune_a1),
            None,
        )
        .await;
    let admin = app.token_for(world.admin);
    let made_by_admin = |body: Value| {
        let admin = admin.clone();
        async move {
            let reply = crate::requests::post(app, "/users", Some(&admin), body).await;
            assert_eq!(reply.status, 201, "{}", reply.text);
            assert_eq!(reply.json["status"], "pending");
            let id = uuid::Uuid::parse_str(reply.json["id"].as_str().unwrap()).unwrap();
            tincay::domain::ids::UserId::from_uuid(id)
        }
    };
    let pending_supervisor = made_by_admin(json!({
        "username": "gs.cho.duyet", "password": PASSWORD, "role": "supervisor",
        "area": world.province_a.as_str(),
    }))
    .await;
    let pending_volunteer = made_by_admin(json!({
        "username": "tnv.cho.duyet", "password": PASSWORD, "role": "volunteer",
        "trusted_address": world.address_a1.to_string(),
    }))
    .await;
    let caller = |label, user: Option<tincay::domain::ids::UserId>, standing| Caller {
        label,
        token: user.map(|user| app.token_for(user)),
        standing,
    };
    use Standing::*;
    vec![
        caller("no token", None, Anonymous),
        caller(
            "supervisor of the province made by an admin, pending",
            Some(pending_supervisor),
            Pending,
        ),
        caller(
            "volunteer of the address made by an admin, pending",
            Some(pending_volunteer),
            Pending,
        ),
        caller("admin", Some(world.admin), NeverCases),
        caller("reporting officer", Some(world.reporter_a), NeverCases),
        caller(
            "volunteer of the address",
            Some(world.volunteer_a1),
            Volunteer { in_scope: true },
        ),
        caller(
            "volunteer, same commune",
            Some(same_commune),
            Volunteer { in_scope: false },
        ),
        caller(
            "volunteer, other commune",
            Some(world.volunteer_a2),
            Volunteer { in_scope: false },
        ),
        caller(
            "volunteer, other province",
            Some(world.volunteer_b1),
            Volunteer { in_scope: false },
        ),
        caller(
            "supervisor, province",
            Some(world.supervisor_a),
            Supervisor { in_scope: true },
        ),
        caller(
            "supervisor, district",
            Some(district),
            Supervisor { in_scope: true },
        ),
        caller(
            "supervisor, commune",
            Some(commune),
            Supervisor { in_scope: true },
        ),
        caller(
            "supervisor, other commune",
            Some(world.supervisor_commune_a2),
            Supervisor { in_scope: false },
        ),
        caller(
            "supervisor, other province",
            Some(world.supervisor_b),
            Supervisor { in_scope: false },
        ),
    ]
}

async fn prepare(app: &TestApp, world: &World, endpoint: &Endpoint) -> Prepared {
    let volunteer = app.token_for(world.volunteer_a1);
    let id = open_case(app, &volunteer).await;
    let referral = refer(app, &volunteer, &id).await;
    let follow_up = schedule(app, &volunteer, &id, "2026-11-25").await;
    if endpoint.name == "reopen" {
        let close = json!({"reason": "safe", "closed_on": "2026-11-20"});
        let supervisor = app.token_for(world.supervisor_a);
        assert_eq!(
            post(app, &supervisor, &format!("/cases/{id}/close"), &close)
                .await
                .status,
            201
        );
    }
    Prepared {
        id,
        referral,
        follow_up,
    }
}

fn stream_length(app: &TestApp, id: &str) -> usize {
    let case = CaseId::from_uuid(id.parse().unwrap());
    app.state
        .log
        .read_stream(&StreamId::case(&case))
        .unwrap()
        .len()
}

#[tokio::test]
async fn every_case_endpoint_answers_every_role_in_and_out_of_scope_as_the_contract_says() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let callers = callers(&app, &world).await;
    for endpoint in endpoints() {
        let shared = prepare(&app, &world, &endpoint).await;
        let before = stream_length(&app, &shared.id);
        for caller in &callers {
            let expected = endpoint.expected(caller.standing);
            let succeeds = expected < 300;
            let fresh;
            let case = if succeeds {
                fresh = prepare(&app, &world, &endpoint).await;
                &fresh
            } else {
                &shared
            };
            let body = endpoint.body(&world);
            let reply = send(
                &app,
                endpoint.method.clone(),
                &endpoint.path(case),
                caller.token.as_deref(),
                body.as_ref(),
                &[],
            )
            .await;
            let what = format!("{} by {}", endpoint.name, caller.label);
            assert_eq!(reply.status, expected, "{what}: {}", reply.text);
            if !succeeds {
                assert!(
                    !reply.text.contains(CANARY),
                    "{what} leaked: {}",
                    reply.text
                );
                assert!(
                    !reply.text.contains("thôn 3"),
                    "{what} leaked: {}",
                    reply.text
                );
                assert!(
                    reply
                        .header("content-type")
                        .starts_with("application/problem+json"),
                    "{what}"
                );
            }
        }
        assert_eq!(
            stream_length(&app, &shared.id),
            before,
            "{}: refused calls wrote nothing",
            endpoint.name
        );
    }
}

#[tokio::test]
async fn lists_queues_and_openings_follow_the_same_matrix() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let volunteer = app.token_for(world.volunteer_a1);
    let id = open_case(&app, &volunteer).await;
    schedule(&app, &volunteer, &id, "2026-11-19").await;
    for caller in callers(&app, &world).await {
        let token = caller.token.as_deref();
        let list = send(&app, Method::GET, "/cases", token, None, &[]).await;
        let queue = send(&app, Method::GET, "/follow-ups", token, None, &[]).await;
        let mut opening_here = opening();
        opening_here["trusted_address"] = json!(world.address_a1.to_string());
        let open = send(
            &app,
            Method::POST,
            "/cases",
            token,
            Some(&opening_here),
            &[],
        )
        .await;
        let what = caller.label;
        let (list_status, open_status) =
            match caller.standing {
                Standing::Anonymous | Standing::Pending => (401, 401),
                Standing::NeverCases => (403, 403),
                Standing::Volunteer { in_scope: true }
                | Standing::Supervisor { in_scope: true } => (200, 201),
                Standing::Volunteer { in_scope: false }
                | Standing::Supervisor { in_scope: false } => (200, 422),
            };
        assert_eq!(list.status, list_status, "list by {what}");
        assert_eq!(queue.status, list_status, "queue by {what}");
        assert_eq!(open.status, open_status, "open by {what}: {}", open.text);
        for reply in [&list, &queue] {
            if reply.status == 200 {
                let in_scope = matches!(
                    caller.standing,
                    Standing::Volunteer { in_scope: true }
                        | Standing::Supervisor { in_scope: true }
                );
                assert_eq!(reply.text.contains(&id), in_scope, "{what}: {}", reply.text);
            }
            assert!(!reply.text.contains(CANARY), "{what}");
        }
        if open.status != 201 {
            assert!(!open.text.contains(CANARY), "{what}");
        }
    }
}
