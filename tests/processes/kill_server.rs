//! `tincay serve` killed with SIGKILL while clients append over HTTP: every write it
//! answered 201 is there after a restart on the same directory (or PostgreSQL database) and
//! key, and the chain verifies. Several rounds on one directory, so later crashes also test what earlier
//! restarts recovered.
//!
//! Each round, [`CLIENTS`] threads open cases and add notes (each text unique), sending
//! every acknowledgement to the test thread; after a random number of them the test kills
//! the server. Answers that were in flight at the kill count too: a 201 is a promise, when
//! ever it arrived. A torn answer (cut off by the kill) counts as no answer.

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::ExitStatusExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use uuid::Uuid;

use crate::serve::site::{self, Plan};
use crate::serve::{Fixture, Server, client};

const ROUNDS: usize = 6;
/// Fewer rounds on PostgreSQL: each start catches the projections up from the database.
const PG_ROUNDS: usize = 3;
const CLIENTS: usize = 8;
const NOTES_PER_CASE: usize = 3;
/// Acknowledged writes before the kill: at least this many, …
const MIN_ACKS: u128 = 10;
/// … and fewer than this many more.
const SPREAD_ACKS: u128 = 190;

/// A write the server answered 201.
#[derive(Debug)]
struct Ack {
    case: String,
    version: u64,
    /// The note's text, for a note.
    note: Option<String>,
}

#[test]
fn every_write_acknowledged_before_a_sigkill_is_there_after_a_restart() {
    survives_kills(&Fixture::new(), ROUNDS);
}

/// The same on PostgreSQL: the server is killed, the database is not, and what it answered
/// 201 was committed (`synchronous_commit` at least `on`), so a new server finds it.
#[test]
fn on_postgres_every_write_acknowledged_before_a_sigkill_is_there_after_a_restart() {
    let (_, url) = crate::pg_server::fresh_database();
    survives_kills(&Fixture::on_postgres(&url), PG_ROUNDS);
}

/// `rounds` times: start a server on the fixture's store, check every earlier
/// acknowledgement, write until killed; then once more, and `verify`.
fn survives_kills(fx: &Fixture, rounds: usize) {
    let key = fx.keygen("tincay.key");
    let plan = Plan::plain();
    // sled: the first admin before the first start, on the new directory; PostgreSQL: the
    // first start creates the tables, and `user add` appends beside the running server.
    if !fx.is_postgres() {
        fx.add_admin(&key, &plan.admin.username, &plan.admin.password);
    }
    // Clients write as fast as they can: durability is tested here, not the per-user rate.
    let serve = [
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--key-file",
        &key,
        "--user-requests-per-minute",
        "1000000",
    ];
    let mut acks = Vec::new();
    for round in 0..rounds {
        let server = fx.start(&serve, &[]);
        if round == 0 {
            if fx.is_postgres() {
                let admin = &plan.admin;
                let role = ["--role", "admin"];
                site::add_user_seen_by(fx, &server, &key, &admin.username, &admin.password, &role);
            }
            site::set_up(fx, &key, &server, &plan);
        }
        let token = site::sign_in(&server, &plan.volunteer);
        assert_all_there(&server, &token, &acks);
        let target = MIN_ACKS + Uuid::new_v4().as_u128() % SPREAD_ACKS;
        let target = usize::try_from(target).unwrap();
        let (acked, killed) = write_until_killed(server, &token, round, target);
        assert_eq!(killed.status.signal(), Some(9), "{killed:?}");
        assert!(acked.len() >= target);
        println!(
            "round {round}: killed after {target} acknowledged writes; {} answered in all",
            acked.len()
        );
        acks.extend(acked);
        verify(fx, &key);
    }
    let server = fx.start(&serve, &[]);
    let token = site::sign_in(&server, &plan.volunteer);
    assert_all_there(&server, &token, &acks);
    let stopped = server.terminate();
    assert!(stopped.status.success(), "{stopped:?}");
    verify(fx, &key);
    let cases: BTreeSet<&str> = acks.iter().map(|ack| ack.case.as_str()).collect();
    println!(
        "{} acknowledged writes to {} cases survived {rounds} kills",
        acks.len(),
        cases.len()
    );
}

/// Run the clients until `target` writes are acknowledged, kill the server, and return
/// every acknowledgement, those that arrived after the kill included.
fn write_until_killed(
    server: Server,
    token: &str,
    round: usize,
    target: usize,
) -> (Vec<Ack>, crate::serve::Stopped) {
    let (acked, received) = mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let writer = Writer {
                addr: server.addr.clone(),
                token: token.to_owned(),
                acked: acked.clone(),
                stop: Arc::clone(&stop),
            };
            std::thread::spawn(move || writer.run(round, client))
        })
        .collect();
    drop(acked);
    let mut acks = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while acks.len() < target {
        let left = deadline.saturating_duration_since(Instant::now());
        match received.recv_timeout(left) {
            Ok(ack) => acks.push(ack),
            Err(error) => panic!("only {} writes acknowledged: {error}", acks.len()),
        }
    }
    let killed = server.kill();
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.join().unwrap();
    }
    acks.extend(received.iter());
    (acks, killed)
}

/// One client: opens a case, adds notes to it, opens the next, until the server is gone.
struct Writer {
    addr: String,
    token: String,
    acked: Sender<Ack>,
    stop: Arc<AtomicBool>,
}

impl Writer {
    fn run(&self, round: usize, client: usize) {
        for serial in 0.. {
            let Some(case) = self.write("/cases", &opening(), None) else {
                return;
            };
            for n in 0..NOTES_PER_CASE {
                let text = format!("r{round} c{client} {serial}.{n} {}", Uuid::new_v4());
                let path = format!("/cases/{case}/notes");
                let body = json!({"text": text});
                if self.write(&path, &body, Some(text)).is_none() {
                    return;
                }
            }
        }
    }

    /// POST `body` to `path`; on 201, report it and return the case id; `None` once the
    /// server is gone.
    fn write(&self, path: &str, body: &Value, note: Option<String>) -> Option<String> {
        if self.stop.load(Ordering::SeqCst) {
            return None;
        }
        let (status, answer) =
            client::api(&self.addr, "POST", path, Some(&self.token), Some(body)).ok()?;
        assert_eq!(status, 201, "{path}: {answer}");
        let answer: Value = serde_json::from_str(&answer).unwrap();
        let case = match note {
            None => answer["id"].as_str().unwrap().to_owned(),
            Some(_) => path.split('/').nth(2).unwrap().to_owned(),
        };
        let version = answer["version"].as_u64().unwrap();
        let _ = self.acked.send(Ack {
            case: case.clone(),
            version,
            note,
        });
        Some(case)
    }
}

/// A valid case with nothing personal in it worth hiding.
fn opening() -> Value {
    json!({
        "opened_on": "2026-01-15",
        "referred_by": "self",
        "survivor": {"name": "Chị B", "birth_year": 1990, "sex": "female", "ethnicity": "01",
                     "disability": false},
        "violence_types": ["physical"],
        "perpetrator": "spouse",
        "risk_level": "medium",
        "consent": {"services": true, "referral": true, "reporting": true}
    })
}

/// Every acknowledged case is at least at its acknowledged version, with every
/// acknowledged note in its timeline.
fn assert_all_there(server: &Server, token: &str, acks: &[Ack]) {
    let mut cases: BTreeMap<&str, (u64, Vec<&str>)> = BTreeMap::new();
    for ack in acks {
        let (version, notes) = cases.entry(&ack.case).or_default();
        *version = (*version).max(ack.version);
        notes.extend(ack.note.as_deref());
    }
    for (case, (version, notes)) in cases {
        let (status, body) = server.api("GET", &format!("/cases/{case}"), Some(token), None);
        assert_eq!(
            status, 200,
            "case {case} acknowledged at version {version}: {body}"
        );
        let view: Value = serde_json::from_str(&body).unwrap();
        let found = view["version"].as_u64().unwrap();
        assert!(
            found >= version,
            "case {case}: {found} < acknowledged {version}"
        );
        let texts: BTreeSet<&str> = view["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|entry| entry["data"]["text"].as_str())
            .collect();
        for note in notes {
            assert!(texts.contains(note), "case {case} lost the note {note:?}");
        }
    }
}

/// `tincay verify` on the store, which no server holds now: exit 0.
fn verify(fx: &Fixture, key: &str) {
    let output = fx
        .command(&["verify", "--key-file", key], &[])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
}
