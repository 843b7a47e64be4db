//! The log's benchmark: durable appends per second with 1, 8 and 64 concurrent writers, side
//! by side, in the same run, with honest peers ([`peers`]): the disk's own `fdatasync` rate
//! (measured first), SQLite with one writer thread doing group commit (WAL,
//! `synchronous=FULL`), and PostgreSQL with one INSERT per event from N connections; then the
//! replay rate (events decrypted, decoded and folded into case state per second).
//!
//! Each tincay run is paired with one of the same appends without decode before append
//! (`EventCheck::Unchecked`), so the check's cost is a ratio measured in one run.
//!
//! `cargo bench --bench log` prints the machine it ran on, its load average (the cores are
//! shared) and the median of several runs.
//! tincay on PostgreSQL follows ([`postgres`]: a local cluster the benchmark starts, and a
//! plain-SQL baseline); `TINCAY_BENCH_PG=0` skips it and the PostgreSQL peer,
//! `TINCAY_BENCH_ONLY=postgres` runs only it.
//! `TINCAY_BENCH_QUICK=1` runs fewer, smaller rounds. For profiling one part:
//! `TINCAY_BENCH_ONLY=appends` or `TINCAY_BENCH_ONLY=replay`, and
//! `TINCAY_BENCH_REPLAY_EVENTS=N` to replay another number of events and
//! `TINCAY_BENCH_REPLAY_RUNS=N` to replay them N times (3 by default; more for comparing two
//! versions on a noisy machine), `TINCAY_BENCH_APPENDS=N` for N appends per run (1,024 by
//! default) and, on PostgreSQL, `TINCAY_BENCH_WRITERS=64` for one number of writers only.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

#[path = "../common/machine.rs"]
mod machine;

/// The allocator the `tincay` binary uses (see `src/main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod fixtures;
mod peers;
#[path = "../../tests/suite/pg_server.rs"]
#[allow(dead_code)]
mod pg_server;
mod postgres;
mod replay;

use machine::{median, print_load, print_machine};

use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use serde_json::json;
use time::macros::datetime;
use tincay::domain::codec::EncodedEvent;
use tincay::store::crypto::MasterKey;
use tincay::store::engine::EventStore;
use tincay::store::log::{AppendRequest, EventCheck, EventLog, ExpectedVersion, LogOptions};
use tincay::store::sled_store::{SledOptions, SledStore};
use tincay::store::stream::StreamId;

#[derive(Debug)]
pub struct Settings {
    pub runs: usize,
    /// Total appends per run, spread over the writers.
    pub appends: usize,
    pub replay_events: usize,
    pub replay_runs: usize,
}

fn main() {
    let quick = std::env::var("TINCAY_BENCH_QUICK").is_ok();
    let mut settings = if quick {
        Settings {
            runs: 3,
            appends: 256,
            replay_events: 50_000,
            replay_runs: 3,
        }
    } else {
        Settings {
            runs: 5,
            appends: 1_024,
            replay_events: 1_000_000,
            replay_runs: 3,
        }
    };
    if let Some(events) = std::env::var("TINCAY_BENCH_REPLAY_EVENTS")
        .ok()
        .and_then(|raw| raw.parse().ok())
    {
        settings.replay_events = events;
    }
    if let Some(runs) = std::env::var("TINCAY_BENCH_REPLAY_RUNS")
        .ok()
        .and_then(|raw| raw.parse().ok())
    {
        settings.replay_runs = runs;
    }
    if let Some(appends) = std::env::var("TINCAY_BENCH_APPENDS")
        .ok()
        .and_then(|raw| raw.parse().ok())
    {
        settings.appends = appends;
    }
    let only = std::env::var("TINCAY_BENCH_ONLY").unwrap_or_default();
    print_machine();
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-log");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();

    let mut sled = Vec::new();
    if only != "replay" && only != "postgres" {
        sled = appends(&root, &settings);
    }
    if only != "appends" && only != "postgres" {
        replay::run(&root, &settings);
    }
    if std::env::var("TINCAY_BENCH_PG").as_deref() != Ok("0")
        && (only.is_empty() || only == "postgres")
    {
        postgres::run(&root, &settings, &sled);
    }
    print_load("at the end");
}

/// Durable appends per second with 1, 8 and 64 writers, tincay beside its peers; tincay's
/// medians.
fn appends(root: &Path, settings: &Settings) -> Vec<f64> {
    let (disk, micros) = peers::disk_fdatasync_rate(root);
    println!(
        "\nthe disk: {disk:.0} fdatasyncs/s ({micros:.0} µs each: 8 KiB written over a file \
         already written, then fdatasync, one thread)"
    );
    let with_pg = std::env::var("TINCAY_BENCH_PG").as_deref() != Ok("0");
    println!(
        "\ndurable appends/s (median of {} runs; one event per append; peers: SQLite WAL \
         synchronous=FULL with one writer thread doing group commit, PostgreSQL \
         synchronous_commit=on with one INSERT per event from N connections)",
        settings.runs
    );
    println!(
        "{:>8} {:>12} {:>10} {:>12} {:>9} {:>10} {:>12} {:>9} {:>14} {:>10}",
        "writers",
        "tincay/sled",
        "avg group",
        "sqlite 1w",
        "/sqlite",
        "sql group",
        "pg inserts",
        "/pg",
        "no decode chk",
        "chk/no chk"
    );
    let (mut single, mut many) = (0.0, 0.0);
    let mut medians = Vec::new();
    for writers in [1usize, 8, 64] {
        let mut tincay_rates = Vec::new();
        let mut unchecked_rates = Vec::new();
        let (mut sqlite_rates, mut sqlite_groups) = (Vec::new(), Vec::new());
        let mut pg_rates = Vec::new();
        let mut groups = Vec::new();
        for run in 0..settings.runs {
            let dir = root.join(format!("sled-{writers}-{run}"));
            let unchecked_dir = root.join(format!("sled-unchecked-{writers}-{run}"));
            // Which goes first alternates, so a drift in the machine's load favours neither.
            let unchecked_first = run % 2 == 1;
            if unchecked_first {
                let (rate, _, _) = tincay_appends(
                    &unchecked_dir,
                    writers,
                    settings.appends,
                    EventCheck::Unchecked,
                );
                unchecked_rates.push(rate);
            }
            let (rate, records, avg_group) =
                tincay_appends(&dir, writers, settings.appends, EventCheck::RoundTrip);
            tincay_rates.push(rate);
            groups.push(avg_group);
            if !unchecked_first {
                let (rate, _, _) = tincay_appends(
                    &unchecked_dir,
                    writers,
                    settings.appends,
                    EventCheck::Unchecked,
                );
                unchecked_rates.push(rate);
            }
            let _ = std::fs::remove_dir_all(&unchecked_dir);
            let db = root.join(format!("sqlite-{writers}-{run}.db"));
            let (rate, group) = peers::sqlite_group_commit(&db, writers, &records);
            sqlite_rates.push(rate);
            sqlite_groups.push(group);
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            if with_pg {
                let (_, url) = pg_server::fresh_database();
                pg_rates.push(postgres::plain_appends(&url, writers, settings.appends));
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
        let (ours, sqlite) = (median(&mut tincay_rates), median(&mut sqlite_rates));
        let unchecked = median(&mut unchecked_rates);
        let pg = if pg_rates.is_empty() {
            f64::NAN
        } else {
            median(&mut pg_rates)
        };
        medians.push(ours);
        match writers {
            1 => single = ours,
            64 => many = ours,
            _ => {}
        }
        println!(
            "{writers:>8} {ours:>12.0} {:>10.1} {sqlite:>12.0} {:>8.2}x {:>10.1} {pg:>12.0} {:>8.2}x {unchecked:>14.0} {:>9.3}x",
            median(&mut groups),
            ours / sqlite,
            median(&mut sqlite_groups),
            ours / pg,
            ours / unchecked
        );
    }
    println!(
        "64 writers / 1 writer on tincay: {:.2}x; 1 writer / the disk's fdatasync rate: {:.2}",
        many / single,
        single / disk
    );
    println!(
        "issue 26's targets: 1 writer >= 8,000/s and >= 1.2x SQLite; 64 writers >= 50,000/s \
         and >= 2x PostgreSQL"
    );
    medians
}

pub fn master() -> MasterKey {
    MasterKey::from_bytes([42; 32])
}

pub fn open_log(dir: &Path) -> (Arc<SledStore>, EventLog) {
    open_log_with(dir, EventCheck::RoundTrip)
}

fn open_log_with(dir: &Path, check: EventCheck) -> (Arc<SledStore>, EventLog) {
    let store = Arc::new(SledStore::open(dir, SledOptions::default()).unwrap());
    let options = LogOptions {
        check,
        ..LogOptions::default()
    };
    let log = EventLog::open(store.clone() as Arc<dyn EventStore>, master(), options).unwrap();
    (store, log)
}

/// A note of realistic size (a few hundred bytes of personal text).
pub fn note_event(i: usize) -> EncodedEvent {
    EncodedEvent {
        event_type: "note_added",
        schema_version: 1,
        facts: b"{}".to_vec(),
        pii: Some(
            serde_json::to_vec(&json!({
                "text": format!("{i}: Chị đến nhà lúc 21 giờ, con nhỏ đi cùng; đã gọi cán bộ phụ nữ xã, hẹn mai đi khám tại trạm y tế. Không muốn báo công an lúc này, sẽ hỏi lại sau. {}", "x".repeat(120))
            }))
            .unwrap(),
        ),
    }
}

/// A stored record as the SQLite baseline writes it: stream, version, sealed bytes.
pub type RawRecord = (String, u64, Vec<u8>);

/// Durable appends per second, the stored records (for the SQLite baseline), and the average
/// group-commit size.
fn tincay_appends(
    dir: &Path,
    writers: usize,
    total: usize,
    check: EventCheck,
) -> (f64, Vec<RawRecord>, f64) {
    let (store, log) = open_log_with(dir, check);
    let (rate, avg_group) = drive_appends(&log, writers, total);
    let records = store
        .read_from(1, usize::MAX)
        .unwrap()
        .into_iter()
        .map(|r| (r.stream.to_string(), r.stream_version, r.bytes))
        .collect();
    log.close();
    (rate, records, avg_group)
}

/// `writers` threads, started together, each appending `total / writers` one-event notes to
/// a stream of its own and waiting for each to be durable: appends per second and the
/// average group-commit size. Any engine; the log stays open.
pub fn drive_appends(log: &EventLog, writers: usize, total: usize) -> (f64, f64) {
    let per_writer = total / writers;
    let barrier = Arc::new(Barrier::new(writers + 1));
    let threads: Vec<_> = (0..writers)
        .map(|writer| {
            let (log, barrier) = (log.clone(), Arc::clone(&barrier));
            std::thread::spawn(move || {
                let stream = StreamId::parse(&format!("case-bench-{writer}")).unwrap();
                barrier.wait();
                for i in 0..per_writer {
                    log.append_blocking(AppendRequest {
                        stream: stream.clone(),
                        expected: ExpectedVersion::Any,
                        events: vec![note_event(i)],
                        idempotency: None,
                        actor: None,
                        recorded_at: datetime!(2026-11-20 10:00 UTC),
                        erase: false,
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    for thread in threads {
        thread.join().unwrap();
    }
    let elapsed = started.elapsed();
    let stats = log.stats();
    let groups = stats
        .groups
        .load(std::sync::atomic::Ordering::Relaxed)
        .max(1);
    let appends = stats.appends.load(std::sync::atomic::Ordering::Relaxed);
    (
        rate(per_writer * writers, elapsed),
        appends as f64 / groups as f64,
    )
}

/// CPU time used so far by every thread of this process (user and system), from
/// `/proc/self/stat`, in clock ticks of 10 ms; zero where that is not available.
pub fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name, in parentheses, may hold spaces: count fields after its end.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    // utime and stime: fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|v| v.parse::<u64>().ok()))
        .sum();
    Duration::from_millis(ticks * 10)
}

pub fn rate(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}
