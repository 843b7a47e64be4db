//! Failover: a primary and a synchronous standby made with `pg_basebackup -R`
//! (`synchronous_standby_names = '*'`), writers appending with idempotency keys through a
//! multi-host URL (`target_session_attrs=read-write`), SIGKILL of the primary's postmaster,
//! `pg_ctl promote` of the standby. The writers retry what was not acknowledged with the same
//! key, as clients must; afterwards every acknowledged append is on the promoted standby, at
//! the position it was acknowledged with, exactly once, and the chain verifies.

use std::sync::{Arc, Condvar, Mutex, mpsc};

use tincay::store::engine::EventStore;
use tincay::store::log::{
    AppendOutcome, EventCheck, EventLog, ExpectedVersion, Idempotency, LogOptions,
};
use tincay::store::pg_store::{PgOptions, PgStore};
use tincay::store::verify::verify;

use crate::pg_server::PgServer;
use crate::support::*;

const WRITERS: usize = 4;
const PER_WRITER: usize = 30;
/// Acknowledged appends before the primary is killed.
const BEFORE_KILL: usize = 40;

fn open(url: &str) -> (Arc<PgStore>, EventLog) {
    let store = Arc::new(PgStore::open(url, PgOptions::default()).unwrap());
    let options = LogOptions {
        on_fatal: Arc::new(|error| panic!("the log stopped: {error}")),
        check: EventCheck::Unchecked,
        ..LogOptions::default()
    };
    let log = EventLog::open(Arc::clone(&store) as Arc<dyn EventStore>, master(), options).unwrap();
    (store, log)
}

#[test]
fn every_acknowledged_append_survives_sigkill_of_the_primary_and_promotion_of_the_standby() {
    let primary = PgServer::init(&[]);
    primary.start(&[
        "wal_level=replica",
        "max_wal_senders=5",
        "synchronous_standby_names='*'",
    ]);
    primary.reap_after(std::process::id());
    let standby = PgServer::init_empty();
    standby.run(
        "pg_basebackup",
        &[
            "-d",
            &format!("host=127.0.0.1 port={} user=postgres", primary.port),
            "-D",
            standby.data().to_str().unwrap(),
            "-R",
            "-X",
            "stream",
        ],
    );
    standby.start(&[]);
    standby.reap_after(std::process::id());
    let url = format!(
        "host=127.0.0.1,127.0.0.1 port={},{} user=postgres dbname=postgres \
         target_session_attrs=read-write connect_timeout=2",
        primary.port, standby.port
    );
    let (_store, log) = open(&url);

    let promoted = Arc::new((Mutex::new(false), Condvar::new()));
    let (acked, acks) = mpsc::channel::<(usize, usize, AppendOutcome)>();
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (log, promoted, acked) = (log.clone(), Arc::clone(&promoted), acked.clone());
            std::thread::spawn(move || {
                let case = format!("case-{w:08x}-0000-4000-8000-000000000000");
                for i in 0..PER_WRITER {
                    let mut tries = 0;
                    loop {
                        let mut req =
                            request(&case, ExpectedVersion::Any, vec![note(&format!("{w} {i}"))]);
                        req.idempotency = Some(Idempotency {
                            key: format!("writer-{w}/append-{i}").into_bytes(),
                            fingerprint: fingerprint(&format!("{w} {i}")),
                        });
                        match log.append_blocking(req) {
                            Ok(outcome) => {
                                acked.send((w, i, outcome)).unwrap();
                                break;
                            }
                            Err(_) => {
                                // Not acknowledged: wait for the promotion, then retry with
                                // the same key (it may have committed on the old primary).
                                let (done, changed) = &*promoted;
                                let mut done = done.lock().unwrap();
                                while !*done {
                                    done = changed.wait(done).unwrap();
                                }
                                tries += 1;
                                assert!(tries < 50, "writer {w} cannot append after the failover");
                            }
                        }
                    }
                }
            })
        })
        .collect();
    drop(acked);
    let mut acknowledged = Vec::new();
    while acknowledged.len() < BEFORE_KILL {
        acknowledged.push(acks.recv().unwrap());
    }
    let pid = std::fs::read_to_string(primary.data().join("postmaster.pid")).unwrap();
    let pid = pid.lines().next().unwrap().trim().to_owned();
    assert!(
        std::process::Command::new("kill")
            .args(["-9", &pid])
            .status()
            .unwrap()
            .success()
    );
    standby.run(
        "pg_ctl",
        &["-D", standby.data().to_str().unwrap(), "-w", "promote"],
    );
    {
        let (done, changed) = &*promoted;
        *done.lock().unwrap() = true;
        changed.notify_all();
    }
    acknowledged.extend(acks.iter());
    for writer in writers {
        writer.join().unwrap();
    }
    log.close();
    assert_eq!(acknowledged.len(), WRITERS * PER_WRITER);

    // Everything acknowledged is on the promoted standby, where it was acknowledged, once.
    let (store, _log) = open(&url);
    let records = store.read_from(1, 100_000).unwrap();
    assert_eq!(
        records.iter().map(|r| r.position).collect::<Vec<_>>(),
        (1..=records.len() as u64).collect::<Vec<_>>()
    );
    assert_eq!(
        records.len(),
        WRITERS * PER_WRITER,
        "an append was written twice or lost"
    );
    for (w, _, outcome) in &acknowledged {
        let record = &records[outcome.last_position as usize - 1];
        assert_eq!(
            record.stream.as_str(),
            format!("case-{w:08x}-0000-4000-8000-000000000000")
        );
        assert_eq!(record.stream_version, outcome.stream_version);
    }
    let report = verify(store.as_ref(), master(), &|_| Ok(())).unwrap();
    assert_eq!(report.records, (WRITERS * PER_WRITER) as u64);
    standby.stop();
}
