//! Reading the log back: records are decoded, checked against the engine's index, and their
//! parts decrypted into [`RecordedEvent`]s. Decrypted bytes live only in memory
//! ([`Plaintext`] zeroizes on drop) and are never written anywhere.

mod opener;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::domain::codec::{DecodeError, EventCodec, PiiState, StoredEvent};
use crate::store::crypto::{CryptoError, Plaintext};
use crate::store::engine::{EventStore, StoreError, StoredRecord};
use crate::store::keyring::{Keyring, KeyringError, KeysKept, WrappedKeys};
use crate::store::log::EventLog;
use crate::store::record::RecordError;
use crate::store::stream::StreamId;

use opener::Opener;

/// The personal part of a recorded event.
#[derive(Debug)]
pub enum RecordedPii {
    /// The event type has no personal part.
    Absent,
    Present(Plaintext),
    /// The stream was erased: its data key is gone.
    Erased,
    /// There is a personal part, but the reader asked not to decrypt it (a projection that
    /// reads only facts of this event type; see [`PiiWanted`]).
    NotRead,
}

/// Which event types a reader wants the personal part of. Reading only what is needed
/// spares a projection rebuild most of the decryption and decoding.
pub type PiiWanted = fn(&str) -> bool;

/// What a reader turns each event into, on the thread that decrypted it.
pub(super) type EventMap<'a, T> = &'a (dyn Fn(RecordedEvent) -> T + Sync);

/// A range of events read in position order, each turned into a `T` by an [`EventMap`].
#[derive(Debug)]
pub(super) struct Mapped<T> {
    pub(super) events: Vec<T>,
    /// The position of the last event read; `None` when there was none.
    pub(super) last: Option<u64>,
}

/// Every personal part (the default).
pub fn all_pii(_event_type: &str) -> bool {
    true
}

/// One decrypted event with its cleartext metadata.
#[derive(Debug)]
pub struct RecordedEvent {
    pub position: u64,
    pub stream: StreamId,
    pub stream_version: u64,
    pub event_type: String,
    pub schema_version: u32,
    pub recorded_at: OffsetDateTime,
    pub actor: Option<Uuid>,
    /// JSON of the coded part (non-identifying).
    pub facts: Plaintext,
    pub pii: RecordedPii,
}

impl RecordedEvent {
    pub fn as_stored(&self) -> StoredEvent<'_> {
        StoredEvent {
            event_type: &self.event_type,
            schema_version: self.schema_version,
            facts: self.facts.as_bytes(),
            pii: match &self.pii {
                RecordedPii::Absent => PiiState::Absent,
                // Not available to this reader: decoded as an erased event's is, without it.
                RecordedPii::NotRead => PiiState::Erased,
                RecordedPii::Present(plain) => PiiState::Present(plain.as_bytes()),
                RecordedPii::Erased => PiiState::Erased,
            },
        }
    }

    /// Decode (upcasting old versions) into a domain event.
    pub fn decode<E: EventCodec>(&self) -> Result<E, DecodeError> {
        E::decode(self.as_stored())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("record at position {position} is malformed: {source}")]
    Record { position: u64, source: RecordError },
    #[error("record at position {position} does not match its index entry")]
    Misplaced { position: u64 },
    #[error("the {part} part of the record at position {position} does not decrypt: {source}")]
    Decrypt {
        position: u64,
        part: &'static str,
        source: CryptoError,
    },
    #[error("record at position {position}: {source}")]
    Keys { position: u64, source: KeyringError },
    #[error("record at position {position} has personal data but its stream has no key")]
    NoKey { position: u64 },
}

impl ReadError {
    /// The position the error concerns, if any.
    pub fn position(&self) -> Option<u64> {
        match self {
            ReadError::Store(_) => None,
            ReadError::Record { position, .. }
            | ReadError::Misplaced { position }
            | ReadError::Decrypt { position, .. }
            | ReadError::Keys { position, .. }
            | ReadError::NoKey { position } => Some(*position),
        }
    }
}

impl EventLog {
    /// Every durable event of a stream, in order.
    pub fn read_stream(&self, stream: &StreamId) -> Result<Vec<RecordedEvent>, ReadError> {
        let records = self.inner.store.read_stream(stream, 1)?;
        open_all(records, self.opener(), &|event| event)
    }

    /// Up to `limit` durable events from `position` on, in global order.
    ///
    /// A batch of at least [`PARALLEL_MIN`] durable events is read by the reading threads of
    /// [`EventLog::read_ahead`] (up to [`MAX_THREADS`], one per core), which take ranges of
    /// [`RANGE`] positions in turn. Positions are gap-free, so the ranges join up in order;
    /// should one come short (only a damaged store could do that), the events up to its end
    /// are returned and the next call goes on from there. The result is therefore what reading
    /// record by record gives, or a prefix of it, with the first error in position order.
    pub fn read_from(&self, position: u64, limit: usize) -> Result<Vec<RecordedEvent>, ReadError> {
        self.read_from_with(position, limit, all_pii)
    }

    /// [`EventLog::read_from`], decrypting only the personal parts `wanted` names.
    pub fn read_from_with(
        &self,
        position: u64,
        limit: usize,
        wanted: PiiWanted,
    ) -> Result<Vec<RecordedEvent>, ReadError> {
        let position = position.max(1);
        let durable = self.head().map_or(0, |head| head.position);
        let available = durable.saturating_add(1).saturating_sub(position);
        let batch = usize::try_from(available).map_or(limit, |available| available.min(limit));
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(MAX_THREADS);
        if batch < PARALLEL_MIN || threads < 2 {
            return Ok(self
                .read_range(position, limit, wanted, None, &|event| event)?
                .events);
        }
        let ranges = batch.div_ceil(RANGE);
        let last = u64::try_from(ranges - 1).unwrap_or(u64::MAX);
        let mut events = Vec::with_capacity(batch);
        for chunk in self.read_ranges(position, ranges, Some(last), wanted, None, |event| event) {
            events.extend(chunk?);
        }
        // The last range may reach past `limit`.
        events.truncate(batch);
        Ok(events)
    }

    /// Decode, check and decrypt one stored record.
    pub fn open_record(&self, stored: &StoredRecord) -> Result<RecordedEvent, ReadError> {
        open_record(self.inner.store.as_ref(), &self.inner.keys, None, stored)
    }

    /// Up to `limit` events from `position` on, read, decrypted and mapped on this thread.
    ///
    /// Stream keys come from `scanned` where it has them (a replay of the whole log).
    pub(super) fn read_range<T>(
        &self,
        position: u64,
        limit: usize,
        wanted: PiiWanted,
        scanned: Option<&WrappedKeys>,
        map: EventMap<'_, T>,
    ) -> Result<Mapped<T>, ReadError> {
        let records = self.inner.store.read_from(position, limit)?;
        let last = records.last().map(|record| record.position);
        let fetched = match scanned {
            Some(_) => None,
            None => self.range_keys(&records)?,
        };
        let scanned = scanned.or(fetched.as_ref());
        let opener = self
            .opener()
            .wanting(wanted)
            .keeping(KeysKept::NotKept)
            .scanned(scanned);
        let events = open_all(records, opener, map)?;
        Ok(Mapped { events, last })
    }

    /// The wrapped keys of a range's streams whose keys are not in memory, read at once where
    /// the store reads them faster so (PostgreSQL: one query, not one per case).
    fn range_keys(&self, records: &[StoredRecord]) -> Result<Option<WrappedKeys>, StoreError> {
        let mut streams = std::collections::HashSet::new();
        let mut previous = None;
        for record in records {
            // An append's events are consecutive: most records follow one of their stream.
            if previous == Some(&record.stream) {
                continue;
            }
            previous = Some(&record.stream);
            if !streams.contains(&record.stream) && !self.inner.keys.holds_key(&record.stream) {
                streams.insert(record.stream.clone());
            }
        }
        WrappedKeys::of_streams(self.inner.store.as_ref(), streams.iter())
    }

    /// An opener of this log's records: every personal part, keys kept.
    fn opener(&self) -> Opener<'_> {
        Opener::new(self.inner.store.as_ref(), &self.inner.keys)
    }
}

/// Open stored records one after another, each mapped as soon as it is decrypted.
fn open_all<T>(
    records: Vec<StoredRecord>,
    mut opener: Opener<'_>,
    map: EventMap<'_, T>,
) -> Result<Vec<T>, ReadError> {
    records
        .into_iter()
        .map(|record| opener.open_owned(record).map(map))
        .collect()
}

/// Durable events in a batch below which one thread reads them all (two ranges).
pub const PARALLEL_MIN: usize = 2 * RANGE;
/// Positions per range a thread takes at a time: about a millisecond of work, so a thread
/// start (tens of microseconds) is small beside it and a held-up thread delays the batch by
/// little.
pub const RANGE: usize = 256;
/// The most threads one batch is read on.
pub const MAX_THREADS: usize = 4;

/// Decode, check and decrypt one stored record with `keys`; its stream's key from `scanned`
/// if it has it (a walk of the whole log that nothing appends to meanwhile), else from the
/// store.
pub fn open_record(
    store: &dyn EventStore,
    keys: &Keyring,
    scanned: Option<&WrappedKeys>,
    stored: &StoredRecord,
) -> Result<RecordedEvent, ReadError> {
    Opener::new(store, keys).scanned(scanned).open(stored)
}
