//! Replay: decrypt every event from position 1, decode it into its domain type and fold it
//! into per-case state, as a projection rebuild does.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use tincay::store::stream::StreamId;

use crate::{Settings, median, open_log, rate};

pub fn run(root: &Path, settings: &Settings) {
    let dir = root.join("replay");
    let (_store, log) = open_log(&dir);
    crate::fixtures::fill(&log, settings.replay_events);
    let mut rates = Vec::new();
    for _ in 0..settings.runs.min(3) {
        let started = Instant::now();
        let mut cases: HashMap<StreamId, crate::fixtures::Fold> = HashMap::new();
        let mut position = 1;
        let mut count = 0;
        loop {
            let events = log.read_from(position, 4096).unwrap();
            let Some(last) = events.last() else { break };
            position = last.position + 1;
            count += events.len();
            for event in &events {
                cases.entry(event.stream.clone()).or_default().apply(event);
            }
        }
        assert_eq!(count, settings.replay_events);
        rates.push(rate(count, started.elapsed()));
    }
    println!(
        "\nreplay: {:.0} events/s (median of {}; {} events decrypted, decoded and folded)",
        median(&mut rates),
        rates.len(),
        settings.replay_events
    );
    log.close();
}
