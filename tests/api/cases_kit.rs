//! Helpers for the case tests: requests as a given user, a full opening body whose personal
//! fields carry a canary, and shortcuts to open a case and give it a referral and a
//! follow-up.

use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use tincay::domain::ids::{TrustedAddressId, UserId};

use crate::support::*;

/// A string in the survivor's name, contact, the narrative and notes: it must never appear
/// in an error body, a list, or anything a caller without access receives.
pub const CANARY: &str = "CANARY-d1a7c3";

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    /// The problem code of an error.
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_owned()
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    /// The fields a 422 `validation_failed` names.
    pub fn fields(&self) -> Vec<String> {
        self.json()["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|error| error["field"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// One request: `token` may be absent; `body` is sent as JSON.
pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
    headers: &[(&str, &str)],
) -> Reply {
    let mut request = app.client.request(method, app.api(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    Reply {
        status,
        headers,
        text,
    }
}

pub async fn get(app: &TestApp, token: &str, path: &str) -> Reply {
    send(app, Method::GET, path, Some(token), None, &[]).await
}

pub async fn post(app: &TestApp, token: &str, path: &str, body: &Value) -> Reply {
    send(app, Method::POST, path, Some(token), Some(body), &[]).await
}

pub async fn post_with(
    app: &TestApp,
    token: &str,
    path: &str,
    body: &Value,
    headers: &[(&str, &str)],
) -> Reply {
    send(app, Method::POST, path, Some(token), Some(body), headers).await
}

pub async fn delete(app: &TestApp, token: &str, path: &str) -> Reply {
    send(app, Method::DELETE, path, Some(token), None, &[]).await
}

/// A body with raw text (for malformed JSON).
pub async fn post_raw(app: &TestApp, token: &str, path: &str, body: &str) -> Reply {
    let response = app
        .client
        .post(app.api(path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    Reply {
        status,
        headers,
        text: response.text().await.unwrap(),
    }
}

/// A complete `POST /cases` body, as in API.md, with the canary in its personal fields.
pub fn opening() -> Value {
    json!({
        "opened_on": "2026-11-18",
        "referred_by": "neighbour",
        "survivor": {"name": format!("Nguyễn Thị {CANARY}"), "birth_year": 1994, "sex": "female",
                     "ethnicity": "11", "disability": false, "contact": format!("0912 {CANARY}"),
                     "address": "thôn 3", "children_with_her": 2},
        "violence_types": ["physical", "psychological"],
        "perpetrator": "spouse",
        "risk_level": "high",
        "consent": {"services": true, "referral": true, "reporting": true},
        "informant": {"name": format!("Informant {CANARY}")},
        "narrative": format!("What happened, {CANARY}")
    })
}

/// Opens a case as `token` (a volunteer: at her address), returns its id.
pub async fn open_case(app: &TestApp, token: &str) -> String {
    open_case_with(app, token, &opening()).await
}

pub async fn open_case_with(app: &TestApp, token: &str, body: &Value) -> String {
    let reply = post(app, token, "/cases", body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.json()["id"].as_str().unwrap().to_owned()
}

/// Opens a case at `address` as a supervisor.
pub async fn open_case_at(app: &TestApp, token: &str, address: TrustedAddressId) -> String {
    let mut body = opening();
    body["trusted_address"] = json!(address.to_string());
    open_case_with(app, token, &body).await
}

/// Makes a referral on a case, returns its id.
pub async fn refer(app: &TestApp, token: &str, case: &str) -> String {
    let body = json!({"target": "legal_aid", "made_on": "2026-11-19", "notes": CANARY});
    let reply = post(app, token, &format!("/cases/{case}/referrals"), &body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.json()["id"].as_str().unwrap().to_owned()
}

/// Schedules a follow-up on a case, returns its id.
pub async fn schedule(app: &TestApp, token: &str, case: &str, due_on: &str) -> String {
    let body = json!({"due_on": due_on, "method": "visit"});
    let reply = post(app, token, &format!("/cases/{case}/follow-ups"), &body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.json()["id"].as_str().unwrap().to_owned()
}

/// The case's current view, as `token`.
pub async fn view(app: &TestApp, token: &str, case: &str) -> Value {
    let reply = get(app, token, &format!("/cases/{case}")).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json()
}

/// A volunteer at `address`, with a session.
pub async fn volunteer_at(app: &TestApp, name: &str, address: TrustedAddressId) -> UserId {
    app.seed_user(
        name,
        PASSWORD,
        tincay::domain::vocab::Role::Volunteer,
        None,
        Some(address),
    )
    .await
}

/// Every user's token, by role and place.
pub struct Tokens {
    pub volunteer_a1: String,
    pub volunteer_a2: String,
    pub volunteer_b1: String,
    pub supervisor_a: String,
    pub supervisor_commune_a2: String,
    pub supervisor_b: String,
    pub reporter_a: String,
    pub admin: String,
}

pub fn tokens(app: &TestApp, world: &World) -> Tokens {
    Tokens {
        volunteer_a1: app.token_for(world.volunteer_a1),
        volunteer_a2: app.token_for(world.volunteer_a2),
        volunteer_b1: app.token_for(world.volunteer_b1),
        supervisor_a: app.token_for(world.supervisor_a),
        supervisor_commune_a2: app.token_for(world.supervisor_commune_a2),
        supervisor_b: app.token_for(world.supervisor_b),
        reporter_a: app.token_for(world.reporter_a),
        admin: app.token_for(world.admin),
    }
}
