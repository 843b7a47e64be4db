//! The store's promises, tested once and run against both engines: sled (embedded) and
//! PostgreSQL (a real server started by [`crate::pg_server`]). Each test is a function over an
//! [`Engine`]; `both_engines!` makes a `sled::` and a `postgres::` test of it.
//!
//! Covered here for both: reading back, global positions and stream versions, stale expected
//! versions, idempotent retries (also after a reopen) and a key reused with another request,
//! erasure, a wrong master key, tampering named by `verify`, concurrent appenders with a live
//! subscriber (positions exactly 1..N, versions gap-free, every event seen once, in order),
//! and a property test of random appends and reopens.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use proptest::prelude::*;
use serde_json::json;
use tempfile::TempDir;
use tincay::store::crypto::MasterKey;
use tincay::store::engine::EventStore;
use tincay::store::log::{
    AppendError, AppendRequest, EventCheck, EventLog, ExpectedVersion, Idempotency, LogOptions,
    OpenError, RecordedPii,
};
use tincay::store::pg_store::{PgOptions, PgStore};
use tincay::store::sled_store::{SledOptions, SledStore};
use tincay::store::verify::{VerifyError, verify};

use crate::pg_server::{PgServer, fresh_database};
use crate::support::*;

const CASE_A: &str = "case-0a000000-0000-4000-8000-000000000001";
const CASE_B: &str = "case-0b000000-0000-4000-8000-000000000002";

/// Which engine a test runs on.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Sled,
    Postgres,
}

/// A fresh, empty store of one kind, and how to open it (again).
pub struct Engine {
    pub kind: Kind,
    _dir: TempDir,
    path: PathBuf,
    /// The PostgreSQL database's name and URL.
    pub database: Option<(String, String)>,
}

impl Engine {
    pub fn new(kind: Kind) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        let database = matches!(kind, Kind::Postgres).then(fresh_database);
        Self {
            kind,
            _dir: dir,
            path,
            database,
        }
    }

    pub fn store(&self) -> (Arc<dyn EventStore>, Option<Arc<SledStore>>) {
        match (&self.kind, &self.database) {
            (Kind::Postgres, Some((_, url))) => (
                Arc::new(PgStore::open(url, PgOptions::default()).unwrap()),
                None,
            ),
            _ => {
                let sled = Arc::new(SledStore::open(&self.path, SledOptions::default()).unwrap());
                (Arc::clone(&sled) as Arc<dyn EventStore>, Some(sled))
            }
        }
    }

    pub fn open_with(&self, key: MasterKey) -> Result<Opened, OpenError> {
        let (store, sled) = self.store();
        // Made-up payloads, as in the log's other mechanics tests: no decode before append.
        let options = LogOptions {
            check: EventCheck::Unchecked,
            ..LogOptions::default()
        };
        let log = EventLog::open(Arc::clone(&store), key, options)?;
        Ok(Opened { store, sled, log })
    }

    pub fn open(&self) -> Opened {
        self.open_with(master()).unwrap()
    }

    /// Flips the last byte (the MAC's) of the stored record at `position`.
    pub fn flip_last_byte(&self, opened: &Opened, position: u64) {
        match (&self.database, &opened.sled) {
            (Some((name, _)), _) => {
                PgServer::shared().psql(
                    name,
                    &format!(
                        "UPDATE tincay_records SET bytes = set_byte(bytes, length(bytes) - 1, \
                         get_byte(bytes, length(bytes) - 1) # 1) WHERE position = {position}"
                    ),
                );
            }
            (None, Some(sled)) => {
                let mut value = sled.tamper_value(position).unwrap();
                *value.last_mut().unwrap() ^= 1;
                sled.tamper_set_value(position, Some(&value)).unwrap();
            }
            (None, None) => unreachable!(),
        }
    }

    /// Deletes the stored record at `position`.
    pub fn delete(&self, opened: &Opened, position: u64) {
        match (&self.database, &opened.sled) {
            (Some((name, _)), _) => {
                PgServer::shared().psql(
                    name,
                    &format!("DELETE FROM tincay_records WHERE position = {position}"),
                );
            }
            (None, Some(sled)) => sled.tamper_set_value(position, None).unwrap(),
            (None, None) => unreachable!(),
        }
    }
}

/// An open store and its log.
pub struct Opened {
    pub store: Arc<dyn EventStore>,
    /// The sled engine itself, for tampering.
    pub sled: Option<Arc<SledStore>>,
    pub log: EventLog,
}

impl Opened {
    pub fn append(&self, request: AppendRequest) -> tincay::store::log::AppendOutcome {
        self.log.append_blocking(request).unwrap()
    }

    /// Closes the log and drops the store (sled releases its directory).
    pub fn close(self) {
        self.log.close();
    }
}

macro_rules! both_engines {
    ($($name:ident),* $(,)?) => {
        mod sled {
            $( #[test] fn $name() { super::$name(super::Kind::Sled) } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::$name(super::Kind::Postgres) } )*
        }
    };
}

both_engines!(
    appended_events_read_back_with_global_positions_and_stream_versions,
    a_stale_expected_version_is_refused_and_writes_nothing,
    an_idempotent_retry_returns_the_first_result_even_after_a_reopen,
    the_same_idempotency_key_with_another_request_is_refused,
    erasure_makes_pii_unreadable_keeps_facts_and_refuses_new_pii,
    a_wrong_master_key_is_refused,
    verify_names_a_changed_record_and_a_deleted_one,
    concurrent_appenders_and_a_live_subscriber_see_positions_one_to_n_once_in_order,
    random_appends_and_reopens_leave_a_gap_free_verifiable_log,
);

fn with_key(mut req: AppendRequest, key: &str, body: &str) -> AppendRequest {
    req.idempotency = Some(Idempotency {
        key: key.as_bytes().to_vec(),
        fingerprint: fingerprint(body),
    });
    req
}

fn appended_events_read_back_with_global_positions_and_stream_versions(kind: Kind) {
    let engine = Engine::new(kind);
    let t = engine.open();
    let a = t.append(request(
        CASE_A,
        ExpectedVersion::NoStream,
        vec![note("a1"), note("a2")],
    ));
    let b = t.append(request(CASE_B, ExpectedVersion::NoStream, vec![note("b1")]));
    let a2 = t.append(request(CASE_A, ExpectedVersion::Exact(2), vec![note("a3")]));
    assert_eq!(
        (a.first_position, a.last_position, a.stream_version),
        (1, 2, 2)
    );
    assert_eq!((b.first_position, b.stream_version), (3, 1));
    assert_eq!((a2.first_position, a2.stream_version), (4, 3));
    t.close();
    let t = engine.open();
    let events = t.log.read_stream(&stream(CASE_A)).unwrap();
    let texts: Vec<_> = events
        .iter()
        .map(|e| pii_json(e).unwrap()["text"].clone())
        .collect();
    assert_eq!(texts, vec![json!("a1"), json!("a2"), json!("a3")]);
    let all: Vec<_> = t
        .log
        .read_from(1, 100)
        .unwrap()
        .iter()
        .map(|e| (e.position, e.stream_version))
        .collect();
    assert_eq!(all, vec![(1, 1), (2, 2), (3, 1), (4, 3)]);
    assert_eq!(t.log.head().unwrap().position, 4);
}

fn a_stale_expected_version_is_refused_and_writes_nothing(kind: Kind) {
    let engine = Engine::new(kind);
    let t = engine.open();
    t.append(request(CASE_A, ExpectedVersion::NoStream, vec![note("1")]));
    let stale = t
        .log
        .append_blocking(request(CASE_A, ExpectedVersion::NoStream, vec![note("2")]));
    assert!(
        matches!(stale, Err(AppendError::WrongVersion { actual: 1 })),
        "{stale:?}"
    );
    let ahead = t
        .log
        .append_blocking(request(CASE_A, ExpectedVersion::Exact(5), vec![note("2")]));
    assert!(
        matches!(ahead, Err(AppendError::WrongVersion { actual: 1 })),
        "{ahead:?}"
    );
    assert_eq!(t.log.read_from(1, 100).unwrap().len(), 1);
    assert_eq!(t.store.stream_version(&stream(CASE_A)).unwrap(), 1);
}

fn an_idempotent_retry_returns_the_first_result_even_after_a_reopen(kind: Kind) {
    let engine = Engine::new(kind);
    let t = engine.open();
    let first = t.append(with_key(
        request(CASE_A, ExpectedVersion::NoStream, vec![note("once")]),
        "k",
        "body",
    ));
    let retry = t.append(with_key(
        request(CASE_A, ExpectedVersion::NoStream, vec![note("once")]),
        "k",
        "body",
    ));
    assert!(retry.replayed);
    assert_eq!(
        (retry.first_position, retry.last_position),
        (first.first_position, first.last_position)
    );
    t.close();
    let t = engine.open();
    let again = t.append(with_key(
        request(CASE_A, ExpectedVersion::NoStream, vec![note("once")]),
        "k",
        "body",
    ));
    assert!(again.replayed);
    assert_eq!(again.last_position, first.last_position);
    assert_eq!(t.log.read_from(1, 100).unwrap().len(), 1);
}

fn the_same_idempotency_key_with_another_request_is_refused(kind: Kind) {
    let engine = Engine::new(kind);
    let t = engine.open();
    t.append(with_key(
        request(CASE_A, ExpectedVersion::NoStream, vec![note("one")]),
        "k",
        "body one",
    ));
    let other = t.log.append_blocking(with_key(
        request(CASE_A, ExpectedVersion::Any, vec![note("two")]),
        "k",
        "body two",
    ));
    assert!(
        matches!(other, Err(AppendError::IdempotencyMismatch)),
        "{other:?}"
    );
    assert_eq!(t.log.read_from(1, 100).unwrap().len(), 1);
}

fn erasure_makes_pii_unreadable_keeps_facts_and_refuses_new_pii(kind: Kind) {
    let engine = Engine::new(kind);
    let t = engine.open();
    t.append(request(
        CASE_A,
        ExpectedVersion::NoStream,
        vec![event(
            "case_opened",
            json!({"sex": "female"}),
            Some(json!({"name": "An"})),
        )],
    ));
    t.append(request(
        CASE_B,
        ExpectedVersion::NoStream,
        vec![note("other case")],
    ));
    let mut erase = request(
        CASE_A,
        ExpectedVersion::Exact(1),
        vec![event("case_erased", json!({}), None)],
    );
    erase.erase = true;
    t.append(erase);
    t.close();
    let t = engine.open();
    let events = t.log.read_stream(&stream(CASE_A)).unwrap();
    assert!(matches!(events[0].pii, RecordedPii::Erased));
    assert_eq!(facts_json(&events[0]), json!({"sex": "female"}));
    let other = t.log.read_stream(&stream(CASE_B)).unwrap();
    assert_eq!(pii_json(&other[0]), Some(json!({"text": "other case"})));
    let after = t
        .log
        .append_blocking(request(CASE_A, ExpectedVersion::Any, vec![note("after")]));
    assert!(matches!(after, Err(AppendError::StreamErased)), "{after:?}");
    assert_eq!(t.log.read_from(1, 100).unwrap().len(), 3);
    assert!(verify(t.store.as_ref(), master(), &|_| Ok(())).is_ok());
}

fn a_wrong_master_key_is_refused(kind: Kind) {
    let engine = Engine::new(kind);
    let t = engine.open();
    t.append(request(CASE_A, ExpectedVersion::NoStream, vec![note("x")]));
    t.close();
    let wrong = engine.open_with(MasterKey::from_bytes([9; 32]));
    assert!(
        matches!(wrong, Err(OpenError::WrongMasterKey)),
        "{:?}",
        wrong.err()
    );
}

fn five_records(engine: &Engine) -> Opened {
    let t = engine.open();
    t.append(request(
        CASE_A,
        ExpectedVersion::NoStream,
        vec![note("a1"), note("a2")],
    ));
    t.append(request(CASE_B, ExpectedVersion::NoStream, vec![note("b1")]));
    t.append(request(
        CASE_A,
        ExpectedVersion::Exact(2),
        vec![note("a3"), note("a4")],
    ));
    t
}

fn first_bad(t: &Opened) -> u64 {
    match verify(t.store.as_ref(), master(), &|_| Ok(())) {
        Err(VerifyError::Broken(failure)) => failure.position,
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

fn verify_names_a_changed_record_and_a_deleted_one(kind: Kind) {
    let engine = Engine::new(kind);
    let t = five_records(&engine);
    assert_eq!(
        verify(t.store.as_ref(), master(), &|_| Ok(()))
            .unwrap()
            .records,
        5
    );
    engine.flip_last_byte(&t, 3);
    assert_eq!(first_bad(&t), 3);
    let engine = Engine::new(kind);
    let t = five_records(&engine);
    engine.delete(&t, 4);
    assert_eq!(first_bad(&t), 4);
}

/// Eight threads append to their own and to shared streams (with `Any` and exact versions)
/// while a subscriber follows from position 1.
fn concurrent_appenders_and_a_live_subscriber_see_positions_one_to_n_once_in_order(kind: Kind) {
    let engine = Engine::new(kind);
    let t = engine.open();
    const THREADS: u64 = 8;
    const APPENDS: u64 = 25;
    let total = THREADS * APPENDS;
    let mut subscription = t.log.subscribe(1);
    let follower = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut seen = Vec::new();
        while (seen.len() as u64) < total {
            let batch = runtime
                .block_on(subscription.next_batch(64))
                .unwrap()
                .unwrap();
            seen.extend(
                batch
                    .iter()
                    .map(|e| (e.position, e.stream.to_string(), e.stream_version)),
            );
        }
        seen
    });
    let writers: Vec<_> = (0..THREADS)
        .map(|n| {
            let log = t.log.clone();
            std::thread::spawn(move || {
                for i in 0..APPENDS {
                    let own = format!("case-{n:08x}-0000-4000-8000-000000000000");
                    let (name, expected) = if i % 2 == 0 {
                        (
                            own,
                            if i == 0 {
                                ExpectedVersion::NoStream
                            } else {
                                ExpectedVersion::Exact(i / 2)
                            },
                        )
                    } else {
                        (format!("case-shared{}", i % 3), ExpectedVersion::Any)
                    };
                    log.append_blocking(request(&name, expected, vec![note(&format!("{n} {i}"))]))
                        .unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let seen = follower.join().unwrap();
    let positions: Vec<u64> = seen.iter().map(|(p, _, _)| *p).collect();
    assert_eq!(positions, (1..=total).collect::<Vec<_>>());
    let mut versions: HashMap<String, u64> = HashMap::new();
    for (_, name, version) in &seen {
        let last = versions.entry(name.clone()).or_insert(0);
        assert_eq!(*version, *last + 1, "{name}'s versions skip");
        *last = *version;
    }
    assert_eq!(
        verify(t.store.as_ref(), master(), &|_| Ok(()))
            .unwrap()
            .records,
        total
    );
}

const STREAMS: [&str; 3] = ["case-p0", "case-p1", "user-p2"];

#[derive(Clone, Debug)]
enum Op {
    Append {
        stream: usize,
        stale: bool,
        events: usize,
        key: Option<u8>,
    },
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (0..STREAMS.len(), any::<bool>(), 1..4usize, proptest::option::of(0..3u8))
            .prop_map(|(stream, stale, events, key)| Op::Append { stream, stale, events, key }),
        1 => Just(Op::Reopen),
    ]
}

/// Random appends (right and stale versions, idempotent retries) and reopens: exactly the
/// events a model accepts, at gap-free positions, and a chain that verifies.
fn random_appends_and_reopens_leave_a_gap_free_verifiable_log(kind: Kind) {
    let cases = match kind {
        Kind::Sled => 16,
        Kind::Postgres => 8,
    };
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases,
        ..ProptestConfig::default()
    });
    runner
        .run(&proptest::collection::vec(op(), 1..30), |ops| {
            let engine = Engine::new(kind);
            let mut t = engine.open();
            let mut accepted: Vec<(usize, String)> = Vec::new();
            let mut keys: HashMap<u8, (usize, u64)> = HashMap::new();
            for (step, op) in ops.into_iter().enumerate() {
                match op {
                    Op::Reopen => {
                        t.close();
                        t = engine.open();
                    }
                    Op::Append {
                        stream: s,
                        stale,
                        events,
                        key,
                    } => {
                        let version = accepted.iter().filter(|(x, _)| *x == s).count() as u64;
                        let expected = if stale {
                            ExpectedVersion::Exact(version + 1)
                        } else {
                            ExpectedVersion::Exact(version)
                        };
                        let texts: Vec<String> =
                            (0..events).map(|i| format!("s{step}-e{i}")).collect();
                        let mut req = request(
                            STREAMS[s],
                            expected,
                            texts.iter().map(|x| note(x)).collect(),
                        );
                        if let Some(key) = key {
                            req = with_key(req, &format!("key{key}"), &format!("{key}"));
                        }
                        let outcome = t.log.append_blocking(req);
                        match (key.and_then(|k| keys.get(&k).copied()), outcome) {
                            (Some((_, last)), Ok(o)) => {
                                prop_assert!(o.replayed);
                                prop_assert_eq!(o.last_position, last);
                            }
                            (Some(_), Err(AppendError::IdempotencyMismatch)) => {}
                            (None, Ok(o)) => {
                                prop_assert!(!stale);
                                prop_assert_eq!(o.first_position, accepted.len() as u64 + 1);
                                accepted.extend(texts.into_iter().map(|x| (s, x)));
                                if let Some(key) = key {
                                    keys.insert(key, (s, o.last_position));
                                }
                            }
                            (None, Err(AppendError::WrongVersion { actual })) => {
                                prop_assert!(stale);
                                prop_assert_eq!(actual, version);
                            }
                            (_, other) => prop_assert!(false, "unexpected {:?}", other),
                        }
                    }
                }
            }
            let all = t.log.read_from(1, 10_000).unwrap();
            let got: Vec<(u64, String)> = all
                .iter()
                .map(|e| {
                    (
                        e.position,
                        pii_json(e).unwrap()["text"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            let want: Vec<(u64, String)> = accepted
                .iter()
                .enumerate()
                .map(|(i, (_, x))| (i as u64 + 1, x.clone()))
                .collect();
            prop_assert_eq!(got, want);
            prop_assert_eq!(
                verify(t.store.as_ref(), master(), &|_| Ok(()))
                    .unwrap()
                    .records,
                accepted.len() as u64
            );
            t.close();
            Ok(())
        })
        .unwrap();
}
