//! Replay: decrypt every event from position 1, decode it into its domain type and fold it
//! into per-case state, as a projection rebuild does.
//!
//! The log reads ahead
//! ([`EventLog::read_ahead_mapped`](tincay::store::log::EventLog::read_ahead_mapped)): it
//! reads, decrypts and decodes the next batch (on both cores) while this thread folds the
//! current one in order.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use tincay::domain::case::CaseState;
use tincay::store::log::read::all_pii;
use tincay::store::stream::StreamId;

use crate::machine::median;
use crate::{Settings, open_log, rate};

/// Events per batch read.
const BATCH: usize = 4096;

pub fn run(root: &Path, settings: &Settings) {
    let dir = root.join("replay");
    let (_store, log) = open_log(&dir);
    let started = Instant::now();
    crate::fixtures::fill(&log, settings.replay_events);
    println!(
        "\nfilled {} events in {:.1} s (cases of about ten events, appended in batches)",
        settings.replay_events,
        started.elapsed().as_secs_f64()
    );
    let mut rates = Vec::new();
    let mut cpu_rates = Vec::new();
    let mut cases = HashMap::new();
    for _ in 0..settings.replay_runs {
        let cpu = crate::cpu_time();
        let started = Instant::now();
        cases = HashMap::<StreamId, CaseState>::new();
        let mut count = 0;
        for events in log.read_ahead_mapped(1, BATCH, all_pii, crate::fixtures::decode) {
            let events = events.unwrap();
            count += events.len();
            for event in events {
                crate::fixtures::fold(&mut cases, event);
            }
        }
        rates.push(rate(count, started.elapsed()));
        if std::env::var("TINCAY_BENCH_VERBOSE").is_ok() {
            println!(
                "replay run: {:.0} events/s",
                rates.last().copied().unwrap_or_default()
            );
        }
        cpu_rates.push(rate(count, crate::cpu_time().saturating_sub(cpu)));
        assert_eq!(count, settings.replay_events);
        let folded: u64 = cases.values().map(|case| case.version).sum();
        assert_eq!(
            folded, count as u64,
            "the cases' versions add up to the events"
        );
    }
    println!(
        "replay: {:.0} events/s (median of {}; {} events decrypted, decoded and folded into {} cases)",
        median(&mut rates),
        rates.len(),
        settings.replay_events,
        cases.len()
    );
    println!(
        "replay: {:.0} events per CPU-second (all threads; less sensitive to the load)",
        median(&mut cpu_rates)
    );
    log.close();
}
