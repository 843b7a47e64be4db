//! Reading the log back: records are decoded, checked against the engine's index, and their
//! parts decrypted into [`RecordedEvent`]s. Decrypted bytes live only in memory
//! ([`Plaintext`] zeroizes on drop) and are never written anywhere.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::domain::codec::{DecodeError, EventCodec, PiiState, StoredEvent};
use crate::store::crypto::{CryptoError, Plaintext};
use crate::store::engine::{EventStore, StoreError, StoredRecord};
use crate::store::keyring::{Keyring, KeyringError, StreamKey};
use crate::store::log::EventLog;
use crate::store::record::{Part, RecordError, SealedRecord, aad};
use crate::store::stream::StreamId;

/// The personal part of a recorded event.
#[derive(Debug)]
pub enum RecordedPii {
    /// The event type has no personal part.
    Absent,
    Present(Plaintext),
    /// The stream was erased: its data key is gone.
    Erased,
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
        records
            .iter()
            .map(|record| self.open_record(record))
            .collect()
    }

    /// Up to `limit` durable events from `position` on, in global order.
    pub fn read_from(&self, position: u64, limit: usize) -> Result<Vec<RecordedEvent>, ReadError> {
        let records = self.inner.store.read_from(position, limit)?;
        records
            .iter()
            .map(|record| self.open_record(record))
            .collect()
    }

    /// Decode, check and decrypt one stored record.
    pub fn open_record(&self, stored: &StoredRecord) -> Result<RecordedEvent, ReadError> {
        open_record(self.inner.store.as_ref(), &self.inner.keys, stored)
    }
}

/// Decode, check and decrypt one stored record with `keys`.
pub fn open_record(
    store: &dyn EventStore,
    keys: &Keyring,
    stored: &StoredRecord,
) -> Result<RecordedEvent, ReadError> {
    let position = stored.position;
    let record = SealedRecord::decode(&stored.bytes)
        .map_err(|source| ReadError::Record { position, source })?;
    let header = &record.header;
    if header.position != stored.position
        || header.stream != stored.stream
        || header.stream_version != stored.stream_version
    {
        return Err(ReadError::Misplaced { position });
    }
    let facts = keys
        .facts()
        .open(&aad(header, Part::Facts), &record.facts)
        .map_err(|source| ReadError::Decrypt {
            position,
            part: "facts",
            source,
        })?;
    let pii = match &record.pii {
        None => RecordedPii::Absent,
        Some(sealed) => match keys
            .stream_key(store, &header.stream)
            .map_err(|source| ReadError::Keys { position, source })?
        {
            StreamKey::Present(key) => RecordedPii::Present(
                key.open(&aad(header, Part::Pii), sealed)
                    .map_err(|source| ReadError::Decrypt {
                        position,
                        part: "pii",
                        source,
                    })?,
            ),
            StreamKey::Destroyed => RecordedPii::Erased,
            StreamKey::Missing => return Err(ReadError::NoKey { position }),
        },
    };
    let recorded_at =
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(header.recorded_at_ms) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    Ok(RecordedEvent {
        position,
        stream: record.header.stream.clone(),
        stream_version: header.stream_version,
        event_type: header.event_type.clone(),
        schema_version: header.schema_version,
        recorded_at,
        actor: header.actor.map(Uuid::from_bytes),
        facts,
        pii,
    })
}
