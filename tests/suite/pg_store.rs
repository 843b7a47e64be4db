//! What only the PostgreSQL engine promises: several servers (here, several stores and logs in
//! one process, each with its own pool, listener and writer) appending to one log, none
//! trusting a stream version it remembers once another appended, and each forgetting a key
//! another's erasure destroyed without appending; erasure vacuuming the wrapped key out of the
//! key table's files, beside appends rather than in their way; single-owner job locks; the
//! refusal of a database that would acknowledge before the WAL is flushed; and a group
//! pipelined behind one that failed never committing on its own.

use std::sync::Arc;

use serde_json::json;
use tincay::store::engine::{EventStore, KeyId, KeyState, StoreError};
use tincay::store::log::{EventCheck, EventLog, ExpectedVersion, Idempotency, LogOptions};
use tincay::store::pg_store::{PgOptions, PgStore};
use tincay::store::verify::verify;

use crate::pg_server::{PgServer, fresh_database};
use crate::support::*;

fn open(url: &str) -> (Arc<PgStore>, EventLog) {
    let store = Arc::new(PgStore::open(url, PgOptions::default()).unwrap());
    let log = EventLog::open(
        Arc::clone(&store) as Arc<dyn EventStore>,
        master(),
        LogOptions {
            check: EventCheck::Unchecked,
            ..LogOptions::default()
        },
    )
    .unwrap();
    (store, log)
}

#[test]
fn two_servers_on_one_database_interleave_appends_gap_free_and_each_follows_the_other() {
    let (_, url) = fresh_database();
    let (first_store, first) = open(&url);
    let (_, second) = open(&url);
    const PER_WRITER: u64 = 30;
    let total = 4 * PER_WRITER;
    let followers: Vec<_> = [&first, &second]
        .into_iter()
        .map(|log| {
            let mut subscription = log.subscribe(1);
            std::thread::spawn(move || {
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
                    seen.extend(batch.iter().map(|e| e.position));
                }
                seen
            })
        })
        .collect();
    // Two writers on each server: both shared and own streams, exact versions on own ones.
    let writers: Vec<_> = (0..4_u64)
        .map(|n| {
            let log = if n % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            std::thread::spawn(move || {
                for i in 0..PER_WRITER {
                    let own = format!("case-{n:08x}-0000-4000-8000-000000000000");
                    let expected = if i == 0 {
                        ExpectedVersion::NoStream
                    } else {
                        ExpectedVersion::Exact(i)
                    };
                    log.append_blocking(request(&own, expected, vec![note(&format!("{n} {i}"))]))
                        .unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    for follower in followers {
        assert_eq!(follower.join().unwrap(), (1..=total).collect::<Vec<_>>());
    }
    // A stale version is refused whichever server the other append went through.
    let stale = second.append_blocking(request(
        "case-00000000-0000-4000-8000-000000000000",
        ExpectedVersion::Exact(PER_WRITER - 1),
        vec![note("late")],
    ));
    assert!(stale.is_err(), "{stale:?}");
    let report = verify(first_store.as_ref(), master(), &|_| Ok(())).unwrap();
    assert_eq!(report.records, total);
}

#[test]
fn an_idempotency_key_used_on_one_server_is_replayed_by_the_other() {
    let (_, url) = fresh_database();
    let (_, first) = open(&url);
    let (_, second) = open(&url);
    let keyed = |text: &str| {
        let mut req = request(
            "case-0a000000-0000-4000-8000-000000000001",
            ExpectedVersion::NoStream,
            vec![note(text)],
        );
        req.idempotency = Some(tincay::store::log::Idempotency {
            key: b"user/cases/k1".to_vec(),
            fingerprint: fingerprint("body"),
        });
        req
    };
    let written = first.append_blocking(keyed("once")).unwrap();
    // The second server's writer last saw an empty log: it must find the head moved.
    let retried = second.append_blocking(keyed("once")).unwrap();
    assert!(retried.replayed);
    assert_eq!(retried.last_position, written.last_position);
    let other = second
        .append_blocking(request(
            "case-0b000000-0000-4000-8000-000000000002",
            ExpectedVersion::NoStream,
            vec![note("next")],
        ))
        .unwrap();
    assert_eq!(other.first_position, 2);
}

#[test]
fn an_erasure_on_one_server_stops_the_other_writing_personal_data_to_that_case() {
    let (_, url) = fresh_database();
    let (_, first) = open(&url);
    let (_, second) = open(&url);
    let case = "case-0a000000-0000-4000-8000-000000000001";
    first
        .append_blocking(request(
            case,
            ExpectedVersion::NoStream,
            vec![note("before")],
        ))
        .unwrap();
    // The second server learns the case's key.
    second
        .append_blocking(request(
            case,
            ExpectedVersion::Exact(1),
            vec![note("second")],
        ))
        .unwrap();
    let mut erase = request(
        case,
        ExpectedVersion::Any,
        vec![event("case_erased", json!({}), None)],
    );
    erase.erase = true;
    first.append_blocking(erase).unwrap();
    let after = second.append_blocking(request(case, ExpectedVersion::Any, vec![note("after")]));
    assert!(
        matches!(after, Err(tincay::store::log::AppendError::StreamErased)),
        "{after:?}"
    );
}

#[test]
fn an_erased_key_leaves_the_key_tables_files() {
    let (name, url) = fresh_database();
    let (store, log) = open(&url);
    let case = "case-0a000000-0000-4000-8000-000000000001";
    log.append_blocking(request(
        case,
        ExpectedVersion::NoStream,
        vec![note("secret")],
    ))
    .unwrap();
    let KeyState::Wrapped(wrapped) = store.key(&KeyId::stream(&stream(case))).unwrap() else {
        panic!("no wrapped key");
    };
    let server = PgServer::shared();
    let heap = |server: &PgServer| {
        server.psql(&name, "CHECKPOINT");
        let file = server.psql(&name, "SELECT pg_relation_filepath('tincay_keys')");
        std::fs::read(server.data().join(file)).unwrap()
    };
    assert!(
        contains(&heap(server), &wrapped),
        "the key should be stored before erasure"
    );
    let mut erase = request(
        case,
        ExpectedVersion::Any,
        vec![event("case_erased", json!({}), None)],
    );
    erase.erase = true;
    log.append_blocking(erase).unwrap();
    assert_eq!(
        store.key(&KeyId::stream(&stream(case))).unwrap(),
        KeyState::Destroyed
    );
    store.wait_for_vacuum().unwrap();
    assert!(
        !contains(&heap(server), &wrapped),
        "the erased key's old row version is still in the key table's file"
    );
}

/// The vacuum after an erasure runs on its own connection: held up behind a transaction that
/// reads the key table, it leaves the erasure acknowledged and appends to existing cases
/// going on, and it completes once that transaction ends.
#[test]
fn appends_go_on_while_the_key_table_is_vacuumed_after_an_erasure() {
    let (name, url) = fresh_database();
    let (store, log) = open(&url);
    let kept = "case-0a000000-0000-4000-8000-000000000001";
    let erased = "case-0b000000-0000-4000-8000-000000000002";
    for case in [kept, erased] {
        log.append_blocking(request(
            case,
            ExpectedVersion::NoStream,
            vec![note("first")],
        ))
        .unwrap();
    }
    let KeyState::Wrapped(wrapped) = store.key(&KeyId::stream(&stream(erased))).unwrap() else {
        panic!("no wrapped key");
    };
    // A reader of the key table in an open transaction: VACUUM FULL must wait for it.
    let (runtime, reader) = open_transaction(&url, "BEGIN; SELECT count(*) FROM tincay_keys");
    let mut erase = request(
        erased,
        ExpectedVersion::Any,
        vec![event("case_erased", json!({}), None)],
    );
    erase.erase = true;
    // The erasure is acknowledged although its vacuum cannot run yet (it ran on the writer's
    // connection before, and the acknowledgement waited for it).
    let (done, acknowledged) = std::sync::mpsc::channel();
    let erasing = log.clone();
    std::thread::spawn(move || {
        let _ = done.send(
            erasing
                .append_blocking(erase)
                .map(|outcome| outcome.last_position),
        );
    });
    let erased_at = acknowledged
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the erasure waited for the key table's vacuum")
        .unwrap();
    // The vacuum is running: waiting for the reader's lock (it gives way after a second and
    // tries again, so wait until it is seen waiting).
    let server = PgServer::shared();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while server.psql(
        &name,
        "SELECT count(*) FROM pg_stat_activity \
         WHERE application_name = 'tincay-vacuum' AND wait_event_type = 'Lock'",
    ) != "1"
    {
        assert!(std::time::Instant::now() < deadline, "the vacuum never ran");
    }
    for i in 0..20 {
        let outcome = log
            .append_blocking(request(
                kept,
                ExpectedVersion::Any,
                vec![note(&format!("{i}"))],
            ))
            .unwrap();
        assert_eq!(outcome.last_position, erased_at + 1 + i);
    }
    assert!(store.vacuum_pending(), "the vacuum cannot have run yet");
    runtime.block_on(reader.batch_execute("COMMIT")).unwrap();
    store.wait_for_vacuum().unwrap();
    assert!(!store.vacuum_pending());
    server.psql(&name, "CHECKPOINT");
    let file = server.psql(&name, "SELECT pg_relation_filepath('tincay_keys')");
    assert!(
        !contains(&std::fs::read(server.data().join(file)).unwrap(), &wrapped),
        "the erased key's old row version is still in the key table's file"
    );
}

/// A transaction that took its snapshot before an erasure (a long report, a `pg_dump`) and
/// never touches the key table does not stop `VACUUM FULL`, but makes it copy the erased
/// key's old row version into the new file, because that snapshot may still see it. The
/// vacuum must not count such a run: it stays pending, runs again once the snapshot is
/// gone, and only then is the key out of the table's file.
#[test]
fn an_old_snapshot_keeps_the_vacuum_pending_until_the_erased_key_is_really_gone() {
    let (name, url) = fresh_database();
    let (store, log) = open(&url);
    let erased = "case-0c000000-0000-4000-8000-000000000003";
    log.append_blocking(request(
        erased,
        ExpectedVersion::NoStream,
        vec![note("first")],
    ))
    .unwrap();
    let KeyState::Wrapped(wrapped) = store.key(&KeyId::stream(&stream(erased))).unwrap() else {
        panic!("no wrapped key");
    };
    let (runtime, report) = open_transaction(
        &url,
        "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM tincay_records",
    );
    let mut erase = request(
        erased,
        ExpectedVersion::Any,
        vec![event("case_erased", json!({}), None)],
    );
    erase.erase = true;
    let server = PgServer::shared();
    let before = server.psql(&name, "SELECT pg_relation_filenode('tincay_keys')");
    log.append_blocking(erase).unwrap();
    let file_holds_key = || {
        server.psql(&name, "CHECKPOINT");
        let file = server.psql(&name, "SELECT pg_relation_filepath('tincay_keys')");
        contains(&std::fs::read(server.data().join(file)).unwrap(), &wrapped)
    };
    // The vacuum has run at least once (the key table's file was replaced) and kept the row.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while server.psql(&name, "SELECT pg_relation_filenode('tincay_keys')") == before {
        assert!(std::time::Instant::now() < deadline, "the vacuum never ran");
        std::thread::yield_now();
    }
    assert!(
        file_holds_key(),
        "the old snapshot still sees the erased key's row: VACUUM FULL had to keep it"
    );
    assert!(
        store.vacuum_pending(),
        "a vacuum that kept the erased key's row version counted as done"
    );
    runtime.block_on(report.batch_execute("COMMIT")).unwrap();
    store.wait_for_vacuum().unwrap();
    assert!(
        !file_holds_key(),
        "the erased key's old row version is still in the key table's file"
    );
}

/// Server B has a case's key in memory; an erasure on server A makes B forget it as soon as
/// B hears of it, without B appending: B then reads the case's earlier events without their
/// personal data.
#[test]
fn an_erasure_on_one_server_makes_the_other_forget_the_key_without_appending() {
    let (_, url) = fresh_database();
    let (_, first) = open(&url);
    let (_, second) = open(&url);
    let case = "case-0a000000-0000-4000-8000-000000000001";
    first
        .append_blocking(request(
            case,
            ExpectedVersion::NoStream,
            vec![note("bí mật")],
        ))
        .unwrap();
    let read = second.read_stream(&stream(case)).unwrap();
    assert!(
        pii_json(&read[0]).is_some(),
        "the second server reads the note"
    );
    assert!(second.keys().holds_key(&stream(case)));
    let mut erase = request(
        case,
        ExpectedVersion::Any,
        vec![event("case_erased", json!({}), None)],
    );
    erase.erase = true;
    let erased = first.append_blocking(erase).unwrap();
    // The second server hears of the erasure through the database's notifications.
    let mut heads = second.store().subscribe();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime
        .block_on(heads.wait_for(|head| *head >= erased.last_position))
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while second.keys().holds_key(&stream(case)) {
        assert!(
            std::time::Instant::now() < deadline,
            "the second server still holds the erased case's key"
        );
        std::thread::yield_now();
    }
    let read = second.read_stream(&stream(case)).unwrap();
    assert!(
        matches!(read[0].pii, tincay::store::log::RecordedPii::Erased),
        "the second server still decrypts the erased case's note"
    );
}

/// A server remembers the versions its own appends left; once another server appended to
/// the stream, it must not plan with them.
#[test]
fn a_version_one_server_remembers_is_not_trusted_after_another_appended() {
    let (_, url) = fresh_database();
    let (_, first) = open(&url);
    let (_, second) = open(&url);
    let case = "case-0a000000-0000-4000-8000-000000000001";
    first
        .append_blocking(request(case, ExpectedVersion::NoStream, vec![note("1")]))
        .unwrap();
    second
        .append_blocking(request(case, ExpectedVersion::Exact(1), vec![note("2")]))
        .unwrap();
    let stale = first.append_blocking(request(case, ExpectedVersion::Exact(1), vec![note("x")]));
    assert!(
        matches!(
            stale,
            Err(tincay::store::log::AppendError::WrongVersion { actual: 2 })
        ),
        "{stale:?}"
    );
    let next = first
        .append_blocking(request(case, ExpectedVersion::Any, vec![note("3")]))
        .unwrap();
    assert_eq!((next.first_position, next.stream_version), (3, 3));
    let report = verify(first.store().as_ref(), master(), &|_| Ok(())).unwrap();
    assert_eq!(report.records, 3);
}

/// The writer plans the next group after the one still committing, chained to its last
/// record, and starts it at once. When that one is refused (here: another server appended
/// the record it planned at its first position), the next one may well follow the head by
/// position (the other server wrote as many records as the refused group), but it is chained
/// to a record that is not in the log: the database refuses it too, and both are planned
/// again. Every append is acknowledged once, at its own position, and the chain verifies.
#[test]
fn a_group_pipelined_behind_a_refused_one_is_refused_too_and_planned_again() {
    let (name, url) = fresh_database();
    // One job per group, so the two jobs queued together go out as two pipelined groups.
    let store = Arc::new(PgStore::open(&url, PgOptions::default()).unwrap());
    let log = EventLog::open(
        Arc::clone(&store) as Arc<dyn EventStore>,
        master(),
        LogOptions {
            check: EventCheck::Unchecked,
            max_group: 1,
            ..LogOptions::default()
        },
    )
    .unwrap();
    let (_, other) = open(&url);
    let first = "case-0d000000-0000-4000-8000-000000000001";
    log.append_blocking(request(first, ExpectedVersion::NoStream, vec![note("1")]))
        .unwrap();
    // Another server appends one record: this writer does not know yet.
    let theirs = other
        .append_blocking(request(
            "case-0d000000-0000-4000-8000-000000000002",
            ExpectedVersion::NoStream,
            vec![note("theirs")],
        ))
        .unwrap();
    assert_eq!(theirs.first_position, 2);
    // Hold the writer while it reads the idempotency table for the first job, so the next
    // two are queued behind it when it goes on.
    let (runtime, holder) = open_transaction(
        &url,
        "BEGIN; LOCK TABLE tincay_idempotency IN ACCESS EXCLUSIVE MODE",
    );
    let mut keyed = request(
        "case-0d000000-0000-4000-8000-000000000003",
        ExpectedVersion::NoStream,
        vec![note("keyed")],
    );
    keyed.idempotency = Some(Idempotency {
        key: b"a client's key".to_vec(),
        fingerprint: [7; 32],
    });
    let keyed = log.append(keyed);
    let server = PgServer::shared();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while server.psql(
        &name,
        "SELECT count(*) FROM pg_locks WHERE NOT granted \
         AND relation = 'tincay_idempotency'::regclass",
    ) != "1"
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the writer never read"
        );
    }
    let behind = log.append(request(first, ExpectedVersion::Exact(1), vec![note("2")]));
    let last = log.append(request(
        "case-0d000000-0000-4000-8000-000000000004",
        ExpectedVersion::NoStream,
        vec![note("last")],
    ));
    runtime.block_on(holder.batch_execute("ROLLBACK")).unwrap();
    let outcomes: Vec<_> = [keyed, behind, last]
        .into_iter()
        .map(|append| runtime.block_on(append).unwrap())
        .collect();
    let positions: Vec<u64> = outcomes.iter().map(|o| o.first_position).collect();
    assert_eq!(positions, vec![3, 4, 5], "{outcomes:?}");
    assert_eq!(outcomes[1].stream_version, 2);
    let report = verify(store.as_ref(), master(), &|_| Ok(())).unwrap();
    assert_eq!(report.records, 5);
    let stored = log.read_from(1, 10).unwrap();
    assert_eq!(stored.len(), 5);
    for outcome in &outcomes {
        let record = &stored[usize::try_from(outcome.first_position - 1).unwrap()];
        assert_eq!(record.stream, outcome.stream);
        assert_eq!(record.stream_version, outcome.stream_version);
    }
}

/// Another session on the database, left inside the transaction `sql` begins; committed or
/// rolled back by the caller through the returned runtime.
fn open_transaction(url: &str, sql: &str) -> (tokio::runtime::Runtime, tokio_postgres::Client) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        client.batch_execute(sql).await.unwrap();
        client
    });
    (runtime, client)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[test]
fn a_job_lock_has_one_owner_among_servers_until_it_is_released() {
    let (_, url) = fresh_database();
    let first = PgStore::open(&url, PgOptions::default()).unwrap();
    let second = PgStore::open(&url, PgOptions::default()).unwrap();
    let held = first.try_job_lock("retention").unwrap();
    assert!(held.is_some());
    assert!(second.try_job_lock("retention").unwrap().is_none());
    assert!(second.try_job_lock("other").unwrap().is_some());
    drop(held);
    assert!(second.try_job_lock("retention").unwrap().is_some());
}

#[test]
fn a_database_that_acknowledges_before_flushing_the_wal_is_refused() {
    let (name, url) = fresh_database();
    PgServer::shared().psql(
        "postgres",
        &format!("ALTER DATABASE {name} SET synchronous_commit = off"),
    );
    let refused = PgStore::open(&url, PgOptions::default());
    assert!(
        matches!(&refused, Err(StoreError::Engine(message)) if message.contains("synchronous_commit")),
        "{refused:?}"
    );
}
