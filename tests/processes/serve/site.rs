//! A working site, made the way an operator makes one: the first admin with `tincay user
//! add` before the server starts, then, over HTTP as that admin, a province (`01`), a
//! commune in it (`00001`), two trusted addresses there, a volunteer bound to the first
//! and a supervisor of the province.

use serde_json::{Value, json};

use super::Server;

/// A username and password.
#[derive(Clone, Debug)]
pub struct Account {
    pub username: String,
    pub password: String,
}

impl Account {
    pub fn new(username: &str, password: &str) -> Self {
        Self {
            username: username.to_owned(),
            password: password.to_owned(),
        }
    }
}

/// What the site is made of, by name: a test may put canaries in any of it.
#[derive(Clone, Debug)]
pub struct Plan {
    pub admin: Account,
    pub volunteer: Account,
    pub supervisor: Account,
    /// The names of the two trusted addresses.
    pub addresses: [String; 2],
    /// The volunteer's full name, given by the admin who makes her account.
    pub volunteer_full_name: String,
}

impl Plan {
    /// Plain names and passwords.
    pub fn plain() -> Self {
        Self {
            admin: Account::new("admin", "mật khẩu quản trị 2026"),
            volunteer: Account::new("tnv.lan", "mật khẩu tình nguyện 2026"),
            supervisor: Account::new("gs.hoa", "mật khẩu giám sát 2026"),
            addresses: ["Nhà bà Tư".to_owned(), "Nhà cô Năm".to_owned()],
            volunteer_full_name: "Nguyễn Thị Lan".to_owned(),
        }
    }
}

/// The ids of what was made, and the admin's session.
#[derive(Debug)]
pub struct Site {
    pub plan: Plan,
    /// The volunteer's trusted address, then the second one.
    pub addresses: [String; 2],
    pub admin_token: String,
}

/// Make the registry of `plan` on `server` as its admin (added before with
/// [`Fixture::add_admin`](super::Fixture::add_admin)): the province's supervisor on the
/// operator's console (`key` is the server's key file), the volunteer by the admin and
/// approved by the supervisor (four eyes).
pub fn set_up(fx: &super::Fixture, key: &str, server: &Server, plan: &Plan) -> Site {
    let admin_token = sign_in(server, &plan.admin);
    let token = Some(admin_token.as_str());
    let areas = [
        json!({"code": "01", "name": "Tỉnh Thử", "level": "province", "valid_from": "2020-01-01"}),
        json!({"code": "00001", "name": "Xã Thử", "level": "commune", "parent": "01",
               "valid_from": "2020-01-01"}),
    ];
    for area in &areas {
        created(server.api("POST", "/areas", token, Some(area)));
    }
    let addresses = plan.addresses.clone().map(|name| {
        let address = json!({"name": name, "commune": "00001", "established_on": "2024-01-01"});
        created(server.api("POST", "/trusted-addresses", token, Some(&address)))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    });
    let [first, _] = &addresses;
    let supervisor = &plan.supervisor;
    let role = ["--role", "supervisor", "--area", "01"];
    add_user_seen_by(
        fx,
        server,
        key,
        &supervisor.username,
        &supervisor.password,
        &role,
    );
    let volunteer = json!({"username": plan.volunteer.username, "password": plan.volunteer.password,
                           "role": "volunteer", "trusted_address": first,
                           "full_name": plan.volunteer_full_name});
    let volunteer = created(server.api("POST", "/users", token, Some(&volunteer)));
    assert_eq!(volunteer["status"], "pending");
    let approve = format!("/users/{}/approve", volunteer["id"].as_str().unwrap());
    let supervisor_token = sign_in(server, supervisor);
    let (status, body) = server.api("POST", &approve, Some(&supervisor_token), None);
    assert_eq!(status, 204, "{body}");
    Site {
        plan: plan.clone(),
        addresses,
        admin_token,
    }
}

/// `tincay user add`, and on PostgreSQL (where the command appends to the database beside the
/// running server, which learns of it by NOTIFY and follows) until `server` has applied it:
/// its projections' applied position, from `/metrics`, moves past where it was before.
pub fn add_user_seen_by(
    fx: &super::Fixture,
    server: &Server,
    key: &str,
    username: &str,
    password: &str,
    role: &[&str],
) {
    let before = applied(server);
    fx.add_user(key, username, password, role);
    wait_until_applied_past(fx, server, before);
}

/// [`Fixture::add_admin`](super::Fixture::add_admin) beside a running `server`, and on
/// PostgreSQL until `server` has applied it, as [`add_user_seen_by`] waits (signing in before
/// then is refused as an unknown account: deploy/POSTGRES.md).
pub fn add_admin_seen_by(
    fx: &super::Fixture,
    server: &Server,
    key: &str,
    username: &str,
    password: &str,
) {
    let before = applied(server);
    fx.add_admin(key, username, password);
    wait_until_applied_past(fx, server, before);
}

/// On PostgreSQL, where `user add` appends to the database beside the running server, wait
/// until `server` has applied past `before` (its projections' applied position, from
/// `/metrics`); on sled `user add` went through the server itself, which answered once it had.
fn wait_until_applied_past(fx: &super::Fixture, server: &Server, before: u64) {
    if !fx.is_postgres() {
        return;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while applied(server) <= before {
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not apply the new account within 60 s"
        );
    }
}

/// The last position `server`'s projections have applied.
fn applied(server: &Server) -> u64 {
    server.gauge("tincay_projections_applied_position")
}

/// `POST /sessions` as `account`: its token.
pub fn sign_in(server: &Server, account: &Account) -> String {
    let body = json!({"username": account.username, "password": account.password});
    created(server.api("POST", "/sessions", None, Some(&body)))["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The JSON body of a 201, or a failure naming what came instead.
pub fn created((status, body): (u16, String)) -> Value {
    assert_eq!(status, 201, "{body}");
    serde_json::from_str(&body).unwrap()
}
