//! `tincay serve` on PostgreSQL, for real: two server processes on one database, each with
//! its own data directory, taking commands from clients at the same time; and
//! `migrate-store` moving a served log from sled to PostgreSQL and back, each engine then
//! serving it. The cluster is the test process's own (see `pg_server`).
//!
//! Sessions live in each server's memory, so a client signs in to each server it talks to
//! (a load balancer in front of several servers keeps a client on one: deploy/POSTGRES.md).
//! Another server's appends reach a server through the database's notification; a test
//! knows a server has them once it has answered a write of its own ([`barrier`]).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::serve::site::{self, Plan};
use crate::serve::{Fixture, Server, client};

/// Writers per server in the two-server test.
const WRITERS: usize = 3;
/// Cases each writer opens (each then gets a note).
const CASES_PER_WRITER: usize = 8;

#[test]
fn two_servers_on_one_database_take_commands_and_each_shows_what_the_other_wrote() {
    let (_, url) = crate::pg_server::fresh_database();
    let fx = Fixture::on_postgres(&url);
    let key = fx.keygen("tincay.key");
    let plan = Plan::plain();
    let serve = |dir: &str| {
        fx.start(
            &[
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--key-file",
                &key,
                "--data-dir",
                dir,
                // Clients and the polls below write and read as fast as they can.
                "--user-requests-per-minute",
                "1000000",
            ],
            &[],
        )
    };
    let a = serve("a");
    site::add_admin_seen_by(&fx, &a, &key, &plan.admin.username, &plan.admin.password);
    site::set_up(&fx, &key, &a, &plan);
    let b = serve("b");
    let servers = [&a, &b];
    let tokens = servers.map(|server| site::sign_in(server, &plan.volunteer));

    // Writers on both servers at once; each reads its own write back from the server that
    // took it at once (read-your-writes), with no waiting.
    let written: Vec<(usize, String, u64, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2 * WRITERS)
            .map(|writer| {
                let on = writer % 2;
                let addr = servers[on].addr.clone();
                let token = tokens[on].clone();
                scope.spawn(move || write_cases(&addr, &token, on, writer))
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().unwrap())
            .collect()
    });
    assert_eq!(written.len(), 2 * WRITERS * CASES_PER_WRITER);

    // Each server shows every case, the other's included, at its version with its note.
    let mut barriers = 0;
    for (on, server) in servers.iter().enumerate() {
        barrier(server, &tokens[on]);
        barriers += 1;
        for (by, case, version, note) in &written {
            let view = view_at(server, &tokens[on], case, *version);
            let texts: Vec<&str> = view["timeline"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|entry| entry["data"]["text"].as_str())
                .collect();
            assert!(
                texts.contains(&note.as_str()),
                "server {on} lacks the note server {by} took on case {case}"
            );
        }
    }

    // Expected versions and idempotency keys are the database's, not one server's.
    let (case, version) = {
        let (_, case, version, _) = &written[0];
        (case.clone(), *version)
    };
    let note = json!({"text": "viết ở máy chủ A"});
    let path = format!("/api/v1/cases/{case}/notes");
    let if_match = format!("\"{version}\"");
    let first = post(&a, &tokens[0], &path, &note, &[("if-match", &if_match)]);
    assert_eq!(first.0, 201, "{}", first.1);
    let stale = post(&b, &tokens[1], &path, &note, &[("if-match", &if_match)]);
    assert_eq!(
        stale.0, 412,
        "a stale If-Match on the other server: {}",
        stale.1
    );
    let key_header = [("idempotency-key", "hai-may-chu-1")];
    let once = post(&a, &tokens[0], "/api/v1/cases", &opening(), &key_header);
    let again = post(&b, &tokens[1], "/api/v1/cases", &opening(), &key_header);
    assert_eq!(once.0, 201, "{}", once.1);
    assert_eq!(
        again, once,
        "a retry on the other server answers the first result"
    );
    let id: Value = serde_json::from_str(&once.1).unwrap();
    for (on, server) in servers.iter().enumerate() {
        barrier(server, &tokens[on]);
        barriers += 1;
    }
    view_at(&b, &tokens[1], id["id"].as_str().unwrap(), 1);
    view_at(&b, &tokens[1], &case, version + 1);
    let all = written.len() + barriers + 1;
    assert_eq!(count_cases(&a, &tokens[0]), all);
    assert_eq!(count_cases(&b, &tokens[1]), all);

    for server in [a, b] {
        let stopped = server.terminate();
        assert!(stopped.status.success(), "{stopped:?}");
    }
    let verified = fx
        .command(&["verify", "--key-file", &key], &[])
        .output()
        .unwrap();
    assert!(verified.status.success(), "{verified:?}");
}

/// A case erased through server A: server B, which had read the case (so holds its data key
/// in memory), drops the key when the database tells it of the erasure, without writing
/// anything itself (reading a case would: its access log). Seen on B's
/// `tincay_stream_keys_in_memory` gauge, which only reading `/metrics` touches.
#[test]
fn an_erasure_through_one_server_drops_the_key_from_the_others_memory_without_it_writing() {
    let (_, url) = crate::pg_server::fresh_database();
    let fx = Fixture::on_postgres(&url);
    let key = fx.keygen("tincay.key");
    let plan = Plan::plain();
    let serve = |dir: &str| {
        fx.start(
            &[
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--key-file",
                &key,
                "--data-dir",
                dir,
            ],
            &[],
        )
    };
    let a = serve("a");
    site::add_admin_seen_by(&fx, &a, &key, &plan.admin.username, &plan.admin.password);
    site::set_up(&fx, &key, &a, &plan);
    let b = serve("b");
    let on_a = site::sign_in(&a, &plan.volunteer);
    let (case, version, note) = open_with_note(&a.addr, &on_a, "xoá");
    // B reads the case, personal data and all: it now holds the case's key.
    let on_b = site::sign_in(&b, &plan.volunteer);
    barrier(&b, &on_b);
    let view = view_at(&b, &on_b, &case, version);
    assert!(view.to_string().contains(&note), "B shows the note");
    let held = keys_in_memory(&b);
    assert!(held >= 1, "B holds the case's key");

    let supervisor = site::sign_in(&a, &plan.supervisor);
    let (status, body) = a.api(
        "DELETE",
        &format!("/cases/{case}?reason=survivor_request"),
        Some(&supervisor),
        None,
    );
    assert_eq!(status, 204, "{body}");
    // Only `/metrics` is asked of B from here on: it appends nothing.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let now = keys_in_memory(&b);
        if now < held {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "B still holds {now} stream keys, the erased case's among them"
        );
    }
    for server in [a, b] {
        assert!(server.terminate().status.success());
    }
}

/// The stream keys a server holds in memory, from its metrics.
fn keys_in_memory(server: &Server) -> u64 {
    server.gauge("tincay_stream_keys_in_memory")
}

#[test]
fn migrate_store_moves_a_served_log_to_postgres_and_back_and_each_engine_serves_it() {
    let (_, url) = crate::pg_server::fresh_database();
    let fx = Fixture::new();
    let key = fx.keygen("tincay.key");
    let plan = Plan::plain();
    fx.add_admin(&key, &plan.admin.username, &plan.admin.password);
    let on_sled = ["serve", "--listen", "127.0.0.1:0", "--key-file", &key];
    let server = fx.start(&on_sled, &[]);
    site::set_up(&fx, &key, &server, &plan);
    let token = site::sign_in(&server, &plan.volunteer);
    let mut cases = BTreeMap::new();
    for _ in 0..5 {
        let (case, version, note) = open_with_note(&server.addr, &token, "sled");
        cases.insert(case, (version, vec![note]));
    }
    assert!(server.terminate().status.success());

    let migrate = |to: &str, dir: &str| {
        fx.command(
            &[
                "migrate-store",
                "--to",
                to,
                "--data-dir",
                dir,
                "--database-url",
                &url,
                "--key-file",
                &key,
            ],
            &[],
        )
        .output()
        .unwrap()
    };
    let moved = migrate("postgres", "tincay-data");
    assert!(moved.status.success(), "{moved:?}");
    let said = String::from_utf8_lossy(&moved.stdout);
    assert!(said.contains("verified both"), "{said}");
    let twice = migrate("postgres", "tincay-data");
    assert!(!twice.status.success(), "a non-empty database is refused");
    assert!(
        String::from_utf8_lossy(&twice.stderr).contains("not empty"),
        "{twice:?}"
    );

    let pg = [("TINCAY_STORE", "postgres"), ("TINCAY_DATABASE_URL", &url)];
    let on_pg = [
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--key-file",
        &key,
        "--data-dir",
        "pg-server",
    ];
    let server = fx.start(&on_pg, &pg);
    let token = site::sign_in(&server, &plan.volunteer);
    // A write of its own first: once answered, this server has applied the whole log.
    let (case, version, note) = open_with_note(&server.addr, &token, "postgres");
    assert_cases(&server, &token, &cases);
    cases.insert(case, (version, vec![note]));
    assert!(server.terminate().status.success());

    let back = migrate("sled", "back");
    assert!(back.status.success(), "{back:?}");
    let again = migrate("sled", "back");
    assert!(
        !again.status.success(),
        "a data directory with a store is refused"
    );
    let on_back = [
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--key-file",
        &key,
        "--data-dir",
        "back",
    ];
    let server = fx.start(&on_back, &[]);
    let token = site::sign_in(&server, &plan.volunteer);
    barrier(&server, &token);
    assert_cases(&server, &token, &cases);
    assert!(server.terminate().status.success());
    let verified = fx
        .command(&["verify", "--key-file", &key, "--data-dir", "back"], &[])
        .output()
        .unwrap();
    assert!(verified.status.success(), "{verified:?}");
}

/// One writer: opens cases and adds a note to each, reading each write back from the same
/// server at once. Returns (server, case, version, note) for each case.
fn write_cases(
    addr: &str,
    token: &str,
    on: usize,
    writer: usize,
) -> Vec<(usize, String, u64, String)> {
    (0..CASES_PER_WRITER)
        .map(|n| {
            let (case, version, note) = open_with_note(addr, token, &format!("w{writer}.{n}"));
            let (status, body) =
                client::api(addr, "GET", &format!("/cases/{case}"), Some(token), None).unwrap();
            assert_eq!(status, 200, "read-your-writes on server {on}: {body}");
            let view: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(view["version"].as_u64(), Some(version), "read-your-writes");
            (on, case, version, note)
        })
        .collect()
}

/// Open a case and add a unique note to it: the case, its version, the note.
fn open_with_note(addr: &str, token: &str, tag: &str) -> (String, u64, String) {
    let created = client::api(addr, "POST", "/cases", Some(token), Some(&opening())).unwrap();
    let case = site::created(created)["id"].as_str().unwrap().to_owned();
    let note = format!("ghi chú {tag} {}", uuid::Uuid::new_v4());
    let body = json!({"text": note});
    let path = format!("/cases/{case}/notes");
    let added = site::created(client::api(addr, "POST", &path, Some(token), Some(&body)).unwrap());
    (case, added["version"].as_u64().unwrap(), note)
}

/// Every case at its version with its notes.
fn assert_cases(server: &Server, token: &str, cases: &BTreeMap<String, (u64, Vec<String>)>) {
    for (case, (version, notes)) in cases {
        let view = view_at(server, token, case, *version);
        for note in notes {
            let found = view["timeline"]
                .as_array()
                .unwrap()
                .iter()
                .any(|entry| entry["data"]["text"].as_str() == Some(note));
            assert!(found, "case {case} lost a note");
        }
    }
}

/// Opens a case on `server` and returns once it answers: a server answers a write only once
/// its projections have applied it (read-your-writes), and positions are global, so by then
/// it has applied everything any server appended before.
fn barrier(server: &Server, token: &str) {
    site::created(server.api("POST", "/cases", Some(token), Some(&opening())));
}

/// The case as `server` shows it, at `version` at least (after a [`barrier`]).
fn view_at(server: &Server, token: &str, case: &str, version: u64) -> Value {
    let (status, body) = server.api("GET", &format!("/cases/{case}"), Some(token), None);
    assert_eq!(status, 200, "case {case}: {body}");
    let view: Value = serde_json::from_str(&body).unwrap();
    assert!(
        view["version"].as_u64() >= Some(version),
        "case {case} is not at version {version}: {body}"
    );
    view
}

/// How many cases `GET /cases` lists, page by page.
fn count_cases(server: &Server, token: &str) -> usize {
    let mut count = 0;
    let mut path = "/cases".to_owned();
    loop {
        let (status, body) = server.api("GET", &path, Some(token), None);
        assert_eq!(status, 200, "{body}");
        let page: Value = serde_json::from_str(&body).unwrap();
        count += page["items"].as_array().unwrap().len();
        match page["next"].as_str() {
            Some(cursor) => path = format!("/cases?cursor={cursor}"),
            None => return count,
        }
    }
}

/// POST a JSON body with extra headers: the status and body.
fn post(
    server: &Server,
    token: &str,
    path: &str,
    body: &Value,
    headers: &[(&str, &str)],
) -> (u16, String) {
    client::request_with(
        &server.addr,
        "POST",
        path,
        Some(token),
        headers,
        Some(&body.to_string()),
    )
    .unwrap()
}

/// A valid opening of a case.
fn opening() -> Value {
    json!({
        "opened_on": "2026-01-15",
        "referred_by": "self",
        "survivor": {"name": "Chị C", "birth_year": 1988, "sex": "female", "ethnicity": "01",
                     "disability": false},
        "violence_types": ["physical"],
        "perpetrator": "spouse",
        "risk_level": "medium",
        "consent": {"services": true, "referral": true, "reporting": true}
    })
}
