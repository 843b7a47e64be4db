//! The same appends and replay on PostgreSQL (a local cluster the benchmark starts itself,
//! `synchronous_commit = on`, fsync on), beside a plain-SQL baseline of the same inserts
//! written by hand: one INSERT of one sealed record per append, in its own transaction, one
//! connection per writer. `TINCAY_BENCH_PG=0` skips this part.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use tincay::domain::case::CaseState;
use tincay::store::engine::EventStore;
use tincay::store::log::read::all_pii;
use tincay::store::log::{EventLog, LogOptions};
use tincay::store::pg_store::{PgOptions, PgStore};
use tincay::store::stream::StreamId;

use crate::machine::median;
use crate::pg_server::{PgServer, fresh_database};
use crate::{Settings, drive_appends, master, rate};

fn open(url: &str) -> (Arc<PgStore>, EventLog) {
    let store = Arc::new(PgStore::open(url, PgOptions { pool_size: 8 }).unwrap());
    let log = EventLog::open(
        Arc::clone(&store) as Arc<dyn EventStore>,
        master(),
        LogOptions::default(),
    )
    .unwrap();
    (store, log)
}

pub fn run(_root: &Path, settings: &Settings, sled: &[f64]) {
    let server = PgServer::shared();
    println!(
        "\nPostgreSQL {} (local, synchronous_commit = on): durable appends/s (median of {} runs)",
        server.psql("postgres", "SHOW server_version"),
        settings.runs
    );
    println!(
        "{:>8} {:>14} {:>14} {:>14} {:>10} {:>12}",
        "writers", "tincay/sled", "tincay/pg", "plain SQL", "pg/plain", "avg group"
    );
    let only: Option<usize> = std::env::var("TINCAY_BENCH_WRITERS")
        .ok()
        .and_then(|raw| raw.parse().ok());
    for (i, writers) in [1usize, 8, 64].into_iter().enumerate() {
        if only.is_some_and(|only| only != writers) {
            continue;
        }
        let (mut ours, mut plain, mut groups) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..settings.runs {
            let (_, url) = fresh_database();
            let (rate, avg_group) = tincay_appends(&url, writers, settings.appends);
            ours.push(rate);
            groups.push(avg_group);
            let (_, url) = fresh_database();
            plain.push(plain_appends(&url, writers, settings.appends));
        }
        let (ours, plain) = (median(&mut ours), median(&mut plain));
        println!(
            "{writers:>8} {:>14.0} {ours:>14.0} {plain:>14.0} {:>9.2}x {:>12.1}",
            sled.get(i).copied().unwrap_or_default(),
            ours / plain,
            median(&mut groups)
        );
    }
    replay(settings);
}

fn tincay_appends(url: &str, writers: usize, total: usize) -> (f64, f64) {
    let (_store, log) = open(url);
    let measured = drive_appends(&log, writers, total);
    log.close();
    measured
}

/// The baseline: each writer its own connection, each append one INSERT committed alone
/// (positions from a sequence), with a sealed record's worth of bytes.
pub fn plain_appends(url: &str, writers: usize, total: usize) -> f64 {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let per_writer = total / writers;
    let bytes = Arc::new(vec![7u8; 600]);
    runtime.block_on(async {
        let (setup, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        setup
            .batch_execute(
                "CREATE TABLE records (position bigserial PRIMARY KEY, stream text NOT NULL, \
                 version bigint NOT NULL, bytes bytea NOT NULL, UNIQUE (stream, version))",
            )
            .await
            .unwrap();
        let mut clients = Vec::new();
        for _ in 0..writers {
            let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(connection);
            clients.push(client);
        }
        let started = Instant::now();
        let tasks: Vec<_> = clients
            .into_iter()
            .enumerate()
            .map(|(writer, client)| {
                let bytes = Arc::clone(&bytes);
                tokio::spawn(async move {
                    let insert = client
                        .prepare("INSERT INTO records (stream, version, bytes) VALUES ($1, $2, $3)")
                        .await
                        .unwrap();
                    let stream = format!("case-bench-{writer}");
                    for version in 1..=per_writer as i64 {
                        client
                            .execute(&insert, &[&stream, &version, &*bytes])
                            .await
                            .unwrap();
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        rate(per_writer * writers, started.elapsed())
    })
}

/// Replay from PostgreSQL: every event read, decrypted, decoded and folded, as a projection
/// rebuild of a server on PostgreSQL does.
fn replay(settings: &Settings) {
    let (_, url) = fresh_database();
    let (_store, log) = open(&url);
    let started = Instant::now();
    crate::fixtures::fill(&log, settings.replay_events);
    println!(
        "\nPostgreSQL: filled {} events in {:.1} s",
        settings.replay_events,
        started.elapsed().as_secs_f64()
    );
    let mut rates = Vec::new();
    for _ in 0..settings.replay_runs {
        let started = Instant::now();
        let mut cases = HashMap::<StreamId, CaseState>::new();
        let mut count = 0;
        for events in log.read_ahead_mapped(1, 4096, all_pii, crate::fixtures::decode) {
            let events = events.unwrap();
            count += events.len();
            for event in events {
                crate::fixtures::fold(&mut cases, event);
            }
        }
        assert_eq!(count, settings.replay_events);
        rates.push(rate(count, started.elapsed()));
    }
    println!(
        "PostgreSQL replay: {:.0} events/s (median of {}; decrypted, decoded and folded)",
        median(&mut rates),
        rates.len()
    );
    log.close();
}
