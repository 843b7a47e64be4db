//! [`Opener`]: checks and decrypts stored records one after another. It reuses its buffers
//! and the data key of the stream it opened last, so opening a record allocates only what the
//! [`RecordedEvent`] it returns holds.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::store::crypto::{DataKey, Plaintext, Sealed};
use crate::store::engine::{EventStore, StoredRecord};
use crate::store::keyring::{Keyring, StreamKey};
use crate::store::log::read::{ReadError, RecordedEvent, RecordedPii};
use crate::store::record::{Part, RecordView, SealedRef};
use crate::store::stream::StreamId;

pub(super) struct Opener<'a> {
    store: &'a dyn EventStore,
    keys: &'a Keyring,
    /// The associated data of the part being opened.
    aad: Vec<u8>,
    /// The ciphertext being opened, copied out of the record ([`DataKey::open`] takes a
    /// [`Sealed`]). Ciphertext only: nothing here needs zeroizing.
    sealed: Sealed,
    /// The stream of the last record with a personal part, and its key: an append's events
    /// are consecutive, so runs of records of one stream are common.
    last_key: Option<(&'a StreamId, StreamKey)>,
}

impl<'a> Opener<'a> {
    pub(super) fn new(store: &'a dyn EventStore, keys: &'a Keyring) -> Self {
        Self {
            store,
            keys,
            aad: Vec::new(),
            sealed: Sealed {
                nonce: [0; 12],
                ciphertext: Vec::new(),
            },
            last_key: None,
        }
    }

    /// Decode, check and decrypt one stored record.
    pub(super) fn open(&mut self, stored: &'a StoredRecord) -> Result<RecordedEvent, ReadError> {
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
        Ok(RecordedEvent {
            position,
            stream: stored.stream.clone(),
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
        sealed.copy_into(&mut self.sealed);
        key.open(&self.aad, &self.sealed)
            .map_err(|source| ReadError::Decrypt {
                position: record.position,
                part: match part {
                    Part::Facts => "facts",
                    Part::Pii => "pii",
                },
                source,
            })
    }

    fn stream_key(&mut self, stored: &'a StoredRecord) -> Result<StreamKey, ReadError> {
        if let Some((stream, key)) = &self.last_key {
            if **stream == stored.stream {
                return Ok(key.clone());
            }
        }
        let key = self
            .keys
            .stream_key(self.store, &stored.stream)
            .map_err(|source| ReadError::Keys {
                position: stored.position,
                source,
            })?;
        self.last_key = Some((&stored.stream, key.clone()));
        Ok(key)
    }
}
