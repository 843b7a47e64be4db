//! [`Opener`]: checks and decrypts stored records one after another. It reuses its associated
//! data buffer and the data key of the stream it opened last, and decrypts each ciphertext
//! straight from the stored bytes into its plaintext's buffer, so opening a record allocates
//! only what the [`RecordedEvent`] it returns holds.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::store::crypto::{DataKey, Plaintext};
use crate::store::engine::{EventStore, StoredRecord};
use crate::store::keyring::{Keyring, KeysKept, StreamKey, WrappedKeys};
use crate::store::log::read::{PiiWanted, ReadError, RecordedEvent, RecordedPii, all_pii};
use crate::store::record::{Part, RecordView, SealedRef};
use crate::store::stream::StreamId;

pub(super) struct Opener<'a> {
    store: &'a dyn EventStore,
    keys: &'a Keyring,
    /// The associated data of the part being opened.
    aad: Vec<u8>,
    /// The stream of the last record with a personal part, and its key: an append's events
    /// are consecutive, so runs of records of one stream are common.
    last_key: Option<(StreamId, StreamKey)>,
    /// Which personal parts to decrypt.
    wanted: PiiWanted,
    /// Whether a stream key unwrapped from the store is kept in the keyring.
    keys_kept: KeysKept,
    /// A replay's scan of the wrapped keys, looked in before the store.
    scanned: Option<&'a WrappedKeys>,
}

/// A record opened, all but its stream: the caller moves or copies that in.
struct Opened {
    position: u64,
    stream_version: u64,
    event_type: String,
    schema_version: u32,
    recorded_at: OffsetDateTime,
    actor: Option<Uuid>,
    facts: Plaintext,
    pii: RecordedPii,
}

impl Opened {
    fn with_stream(self, stream: StreamId) -> RecordedEvent {
        RecordedEvent {
            position: self.position,
            stream,
            stream_version: self.stream_version,
            event_type: self.event_type,
            schema_version: self.schema_version,
            recorded_at: self.recorded_at,
            actor: self.actor,
            facts: self.facts,
            pii: self.pii,
        }
    }
}

impl<'a> Opener<'a> {
    pub(super) fn new(store: &'a dyn EventStore, keys: &'a Keyring) -> Self {
        Self {
            store,
            keys,
            aad: Vec::new(),
            last_key: None,
            wanted: all_pii,
            keys_kept: KeysKept::Kept,
            scanned: None,
        }
    }

    /// Take stream keys from a replay's scan of the wrapped keys where it has them.
    pub(super) fn scanned(mut self, scanned: Option<&'a WrappedKeys>) -> Self {
        self.scanned = scanned;
        self
    }

    pub(super) fn keeping(mut self, keys_kept: KeysKept) -> Self {
        self.keys_kept = keys_kept;
        self
    }

    /// Decrypt only the personal parts of the event types `wanted` names.
    pub(super) fn wanting(mut self, wanted: PiiWanted) -> Self {
        self.wanted = wanted;
        self
    }

    /// Decode, check and decrypt one stored record.
    pub(super) fn open(&mut self, stored: &StoredRecord) -> Result<RecordedEvent, ReadError> {
        Ok(self
            .open_in_place(stored)?
            .with_stream(stored.stream.clone()))
    }

    /// [`Opener::open`] of a record the caller is done with: its stream id moves into the
    /// event instead of being copied.
    pub(super) fn open_owned(&mut self, stored: StoredRecord) -> Result<RecordedEvent, ReadError> {
        let opened = self.open_in_place(&stored)?;
        Ok(opened.with_stream(stored.stream))
    }

    fn open_in_place(&mut self, stored: &StoredRecord) -> Result<Opened, ReadError> {
        let position = stored.position;
        let record = RecordView::parse(&stored.bytes)
            .map_err(|source| ReadError::Record { position, source })?;
        if record.position != position
            || record.stream != stored.stream.as_str()
            || record.stream_version != stored.stream_version
        {
            return Err(ReadError::Misplaced { position });
        }
        let keys = self.keys;
        let facts = self.decrypt(keys.facts(), &record, Part::Facts, record.facts)?;
        let pii = match record.pii {
            None => RecordedPii::Absent,
            Some(_) if !(self.wanted)(record.event_type) => RecordedPii::NotRead,
            Some(sealed) => match self.stream_key(stored)? {
                StreamKey::Present(key) => {
                    RecordedPii::Present(self.decrypt(&key, &record, Part::Pii, sealed)?)
                }
                StreamKey::Destroyed => RecordedPii::Erased,
                StreamKey::Missing => return Err(ReadError::NoKey { position }),
            },
        };
        let recorded_at = OffsetDateTime::from_unix_timestamp_nanos(
            i128::from(record.recorded_at_ms) * 1_000_000,
        )
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        Ok(Opened {
            position,
            stream_version: record.stream_version,
            event_type: record.event_type.to_owned(),
            schema_version: record.schema_version,
            recorded_at,
            actor: record.actor.map(Uuid::from_bytes),
            facts,
            pii,
        })
    }

    fn decrypt(
        &mut self,
        key: &DataKey,
        record: &RecordView<'_>,
        part: Part,
        sealed: SealedRef<'_>,
    ) -> Result<Plaintext, ReadError> {
        record.aad_into(part, &mut self.aad);
        key.open_parts(&self.aad, &sealed.nonce, sealed.ciphertext)
            .map_err(|source| ReadError::Decrypt {
                position: record.position,
                part: match part {
                    Part::Facts => "facts",
                    Part::Pii => "pii",
                },
                source,
            })
    }

    fn stream_key(&mut self, stored: &StoredRecord) -> Result<StreamKey, ReadError> {
        if let Some((stream, key)) = &self.last_key {
            if *stream == stored.stream {
                return Ok(key.clone());
            }
        }
        let key = self
            .keys
            .lookup_in(self.store, self.scanned, &stored.stream, self.keys_kept)
            .map_err(|source| ReadError::Keys {
                position: stored.position,
                source,
            })?;
        self.last_key = Some((stored.stream.clone(), key.clone()));
        Ok(key)
    }
}
