//! Reading ahead: a [`ReadAhead`] hands out the log's durable events in batches, reading and
//! decrypting the next batch on a background thread while its caller handles the current
//! one, so a replay keeps every core busy (decryption on the log's side, decoding and folding
//! on the caller's).
//!
//! Decrypted events wait in memory only: at most two batches beyond the one the caller holds.

use std::sync::mpsc;

use crate::store::engine::StoreError;
use crate::store::log::read::{PiiWanted, all_pii};
use crate::store::log::{EventLog, ReadError, RecordedEvent};

/// Batches of events from a position to the durable head, read one batch ahead.
///
/// Ends after the first empty read (the durable head at that moment) or after handing out an
/// error. Dropping it stops the background thread once the batch it is reading is done.
#[derive(Debug)]
pub struct ReadAhead {
    batches: mpsc::Receiver<Result<Vec<RecordedEvent>, ReadError>>,
}

impl EventLog {
    /// Every durable event from `position` on, in batches of up to `limit` read with
    /// [`EventLog::read_from`] on a background thread, one batch ahead of the caller.
    pub fn read_ahead(&self, position: u64, limit: usize) -> ReadAhead {
        self.read_ahead_with(position, limit, all_pii)
    }

    /// [`EventLog::read_ahead`], decrypting only the personal parts `wanted` names.
    pub fn read_ahead_with(&self, position: u64, limit: usize, wanted: PiiWanted) -> ReadAhead {
        let (sender, batches) = mpsc::sync_channel(1);
        let log = self.clone();
        let reader = move || {
            let mut next = position.max(1);
            loop {
                let batch = log.read_from_with(next, limit, wanted);
                // Where the next batch starts; none after an error.
                let after = match &batch {
                    Ok(events) => match events.last() {
                        Some(last) => Some(last.position.saturating_add(1)),
                        None => return,
                    },
                    Err(_) => None,
                };
                if sender.send(batch).is_err() {
                    return;
                }
                match after {
                    Some(after) => next = after,
                    None => return,
                }
            }
        };
        let spawned = std::thread::Builder::new()
            .name("tincay-read-ahead".into())
            .spawn(reader);
        if let Err(error) = spawned {
            let (sender, failed) = mpsc::sync_channel(1);
            let _ = sender.send(Err(ReadError::Store(StoreError::Io(error))));
            return ReadAhead { batches: failed };
        }
        ReadAhead { batches }
    }
}

impl Iterator for ReadAhead {
    type Item = Result<Vec<RecordedEvent>, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.batches.recv().ok()
    }
}
