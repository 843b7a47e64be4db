//! The access recorder: entries that arrive while an append is being made durable share the
//! next one, as one `access_batch_recorded` event; nobody is answered before their entry is
//! durable, and a case's access log reads a batch back as the entries it holds.

use std::sync::Arc;

use time::Duration;
use tincay::access_log::{AccessEntry, AccessRecorder, for_case};
use tincay::domain::access::AccessEvent;
use tincay::domain::ids::{CaseId, UserId};
use tincay::domain::vocab::AccessAction;
use tincay::store::engine::EventStore;
use tincay::store::log::{EventLog, LogOptions};
use tincay::store::sled_store::{SledOptions, SledStore};
use tincay::store::stream::StreamId;
use tincay::store::verify::verify;
use uuid::Uuid;

use crate::support::*;

fn read_by(user: UserId, case: CaseId, n: i64) -> AccessEntry {
    AccessEntry {
        actor: Some(user),
        action: AccessAction::CaseRead,
        case: Some(case),
        from: Some(format!("10.0.0.{n}")),
        username: None,
        at: now() + Duration::milliseconds(n),
    }
}

#[test]
fn reads_that_queue_during_an_append_share_the_next_one() {
    let dir = tempfile::tempdir().unwrap();
    let gate = Arc::new(Gate::default());
    let options = SledOptions::default().observer(gate.clone());
    let store = Arc::new(SledStore::open(dir.path(), options).unwrap());
    let log = EventLog::open(
        store.clone() as Arc<dyn EventStore>,
        master(),
        LogOptions::default(),
    )
    .unwrap();
    let recorder = Arc::new(AccessRecorder::new(log.clone()));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let case = CaseId::from_uuid(Uuid::new_v4());
    let users: Vec<UserId> = (0..3).map(|_| UserId::from_uuid(Uuid::new_v4())).collect();

    // The first entry's append is held in its sync while 40 more arrive.
    let (entered, release) = gate.arm();
    let first = runtime.spawn({
        let (recorder, entry) = (Arc::clone(&recorder), read_by(users[0], case, 0));
        async move { recorder.record(entry).await }
    });
    entered.recv().unwrap();
    let rest: Vec<_> = (1..=40)
        .map(|n| {
            let recorder = Arc::clone(&recorder);
            let entry = read_by(users[n as usize % 3], case, n);
            runtime.spawn(async move { recorder.record(entry).await })
        })
        .collect();
    // Every later entry is queued, none answered: the first append is not durable yet.
    while recorder.queued() < 40 {
        std::thread::yield_now();
    }
    assert!(rest.iter().all(|task| !task.is_finished()));
    assert!(!first.is_finished());
    release.send(()).unwrap();
    runtime.block_on(first).unwrap().unwrap();
    for task in rest {
        runtime.block_on(task).unwrap().unwrap();
    }

    let stream = log.read_stream(&StreamId::case_access(&case)).unwrap();
    let kinds: Vec<_> = stream.iter().map(|e| e.event_type.clone()).collect();
    assert_eq!(kinds, ["access_recorded", "access_batch_recorded"]);
    match stream[1].decode::<AccessEvent>().unwrap() {
        AccessEvent::BatchRecorded { facts, pii } => {
            assert_eq!(facts.entries.len(), 40);
            assert_eq!(pii.unwrap().entries.len(), 40);
        }
        other => panic!("{other:?}"),
    }
    let mut records = for_case(&log, &case).unwrap();
    assert_eq!(records.len(), 41);
    records.sort_by_key(|record| record.at);
    for (n, record) in records.iter().enumerate() {
        let n = n as i64;
        assert_eq!(record.at, now() + Duration::milliseconds(n));
        assert_eq!(record.user, Some(*users[n as usize % 3].as_uuid()));
        assert_eq!(record.action, AccessAction::CaseRead);
        assert_eq!(record.from, Some(format!("10.0.0.{n}")));
    }
    log.close();
    let report = verify(store.as_ref(), master(), &tincay::store::verify::decodes).unwrap();
    assert_eq!(report.records, 2);
}
