//! The peers tincay's appends are compared with, each built as its users would build it:
//!
//! - **the disk**: one 8 KiB write over a file already written (as a preallocated log segment
//!   is) followed by `fdatasync`, as PostgreSQL's `pg_test_fsync` measures it: the most
//!   durable appends per second one thread can make without sharing a sync;
//! - **SQLite** (WAL, `synchronous=FULL`): ONE writer thread owning the connection, doing
//!   group commit: it takes the first waiting append, then every other one already waiting,
//!   writes them all in one transaction and answers each after the commit. The writers hand
//!   their records to it over a channel and wait for the answer, as tincay's do;
//! - **PostgreSQL**: one INSERT per event from N connections (`postgres::plain_appends`, on
//!   the cluster the benchmark starts the way the tests start theirs).

use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use crate::{RawRecord, rate};

/// How long the disk probe writes.
const DISK_PROBE: Duration = Duration::from_secs(2);

/// The disk's own rate: 8 KiB `pwrite` at offset 0 of a file already written, then
/// `fdatasync`, for [`DISK_PROBE`]. Returns (syncs per second, microseconds each).
pub fn disk_fdatasync_rate(root: &Path) -> (f64, f64) {
    let path = root.join("fdatasync-probe");
    let mut file = std::fs::File::create(&path).unwrap();
    let block = vec![0x5a_u8; 8 * 1024];
    // Written and synced once, so each write below changes data only, not the file's size.
    file.write_all(&block).unwrap();
    file.sync_all().unwrap();
    let started = Instant::now();
    let mut count = 0usize;
    while started.elapsed() < DISK_PROBE {
        file.write_all_at(&block, 0).unwrap();
        file.sync_data().unwrap();
        count += 1;
    }
    let elapsed = started.elapsed();
    drop(file);
    let _ = std::fs::remove_file(&path);
    (
        rate(count, elapsed),
        elapsed.as_secs_f64() * 1e6 / count.max(1) as f64,
    )
}

/// One append waiting for SQLite's writer thread, and where to answer it.
struct Job {
    record: RawRecord,
    done: mpsc::Sender<()>,
}

/// The same records appended to SQLite by `writers` client threads through ONE writer thread
/// doing group commit. Durable appends per second and the average group.
pub fn sqlite_group_commit(path: &Path, writers: usize, records: &[RawRecord]) -> (f64, f64) {
    let mut db = rusqlite::Connection::open(path).unwrap();
    db.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
         CREATE TABLE records (position INTEGER PRIMARY KEY, stream TEXT NOT NULL,
             version INTEGER NOT NULL, bytes BLOB NOT NULL, UNIQUE (stream, version));",
    )
    .unwrap();
    let (queue, jobs) = mpsc::channel::<Job>();
    let writer = std::thread::spawn(move || {
        let (mut groups, mut appends) = (0usize, 0usize);
        while let Ok(first) = jobs.recv() {
            let mut group = vec![first];
            while let Ok(job) = jobs.try_recv() {
                group.push(job);
            }
            let tx = db
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .unwrap();
            {
                let mut insert = tx
                    .prepare_cached(
                        "INSERT INTO records (stream, version, bytes) VALUES (?1, ?2, ?3)",
                    )
                    .unwrap();
                for job in &group {
                    let (stream, version, bytes) = &job.record;
                    insert
                        .execute(rusqlite::params![stream, version, bytes])
                        .unwrap();
                }
            }
            tx.commit().unwrap();
            groups += 1;
            appends += group.len();
            for job in group {
                let _ = job.done.send(());
            }
        }
        appends as f64 / groups.max(1) as f64
    });
    let records = Arc::new(records.to_vec());
    let barrier = Arc::new(Barrier::new(writers + 1));
    let clients: Vec<_> = (0..writers)
        .map(|client| {
            let (records, barrier, queue) =
                (Arc::clone(&records), Arc::clone(&barrier), queue.clone());
            std::thread::spawn(move || {
                let (done, answered) = mpsc::channel();
                barrier.wait();
                for record in records.iter().skip(client).step_by(writers) {
                    queue
                        .send(Job {
                            record: record.clone(),
                            done: done.clone(),
                        })
                        .unwrap();
                    answered.recv().unwrap();
                }
            })
        })
        .collect();
    drop(queue);
    barrier.wait();
    let started = Instant::now();
    for client in clients {
        client.join().unwrap();
    }
    let elapsed = started.elapsed();
    let avg_group = writer.join().unwrap();
    (rate(records.len(), elapsed), avg_group)
}
