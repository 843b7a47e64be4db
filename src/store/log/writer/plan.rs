//! Planning a group commit: each job of a group is checked (idempotency key, expected
//! version, the stream's data key), sealed and chained *before* the group's single engine
//! transaction, against the engine's state plus what the jobs before it in the group will
//! write ([`Pending`]). A job refused here gets its own error and takes no position, so the
//! others in the group still commit and positions stay gap-free.
//!
//! Nothing here writes: the keyring learns of a created or destroyed key only after the
//! engine committed the group ([`KeyEffect`]).

use std::collections::HashMap;
use std::sync::Arc;

use crate::store::crypto::DataKey;
use crate::store::engine::{
    AppendBatch, EventStore, GroupState, KeyChange, KeyId, StoreError, StoredRecord,
};
use crate::store::keyring::{Keyring, StreamKey};
use crate::store::log::idempotency::{self, IdempotencyEntry};
use crate::store::log::{AppendError, AppendOutcome, AppendRequest, ExpectedVersion, LogHead};
use crate::store::record::{Part, RecordHeader, SealedRecord, aad};
use crate::store::stream::StreamId;

/// What the keyring must learn once the engine has committed a planned append.
pub(super) enum KeyEffect {
    None,
    /// A new stream's data key: keep it in memory.
    Remember(StreamId, Arc<DataKey>),
    /// Erasure destroyed the stream's key: forget it.
    Forget(StreamId),
}

/// One job's part of a group: the engine batch, its outcome once committed, and its key
/// effect.
pub(super) struct Planned {
    pub batch: AppendBatch,
    pub outcome: AppendOutcome,
    pub effect: KeyEffect,
}

/// What planned appends leave for the jobs planned after them, before the engine has
/// committed them: streams' versions, stream keys created (`Some`) or destroyed (`None`), and
/// idempotency entries. The writer plans the next group on it while the current one commits.
#[derive(Clone, Default)]
pub(super) struct Overlay {
    pub versions: HashMap<StreamId, u64>,
    stream_keys: HashMap<StreamId, Option<Arc<DataKey>>>,
    idempotency: HashMap<[u8; 32], Vec<u8>>,
}

/// What a job comes to before the engine is asked.
pub(super) enum Step {
    /// An idempotent retry: nothing to write.
    Replayed(AppendOutcome),
    Write(Planned),
}

/// The state later jobs of a group must see: what the planned ones will have written.
pub(super) struct Pending<'a> {
    store: &'a dyn EventStore,
    keys: &'a Keyring,
    /// The position and MAC of the last planned record (the written head to start with).
    pub head: LogHead,
    /// Streams' versions after the planned appends.
    versions: HashMap<StreamId, u64>,
    /// Stream keys created (`Some`) or destroyed (`None`) by planned appends.
    stream_keys: HashMap<StreamId, Option<Arc<DataKey>>>,
    /// Idempotency entries of planned appends.
    idempotency: HashMap<[u8; 32], Vec<u8>>,
    /// The engine's state known for the whole group before planning (streams' versions and
    /// idempotency entries); what it does not cover is read from the engine one by one.
    known: GroupState,
    /// Whether `known` holds every idempotency entry of the group's keys that is stored.
    idempotency_read: bool,
    /// What the group still committing before this one leaves ([`Pending::after`]).
    seed: Overlay,
}

impl<'a> Pending<'a> {
    pub fn new(store: &'a dyn EventStore, keys: &'a Keyring, head: LogHead) -> Self {
        Self::knowing(store, keys, head, GroupState::default(), false)
    }

    /// [`Pending::new`] with the engine's state for the group already known; with
    /// `idempotency_read`, every stored entry of the group's idempotency keys is in it.
    pub fn knowing(
        store: &'a dyn EventStore,
        keys: &'a Keyring,
        head: LogHead,
        known: GroupState,
        idempotency_read: bool,
    ) -> Self {
        Self {
            store,
            keys,
            head,
            versions: HashMap::new(),
            stream_keys: HashMap::new(),
            idempotency: HashMap::new(),
            known,
            idempotency_read,
            seed: Overlay::default(),
        }
    }

    /// Plans after appends that are planned but not yet committed (the group before, still
    /// committing), as if they had been planned here.
    pub fn after(mut self, overlay: Overlay) -> Self {
        self.seed = overlay;
        self
    }

    /// What the appends planned here leave (not those of [`Pending::after`]'s group, which
    /// will have committed before the group planned on this is), for the group planned after
    /// this one; planning further jobs here reads the engine again.
    pub fn take_overlay(&mut self) -> Overlay {
        Overlay {
            versions: std::mem::take(&mut self.versions),
            stream_keys: std::mem::take(&mut self.stream_keys),
            idempotency: std::mem::take(&mut self.idempotency),
        }
    }

    /// Every planned stream's version after the planned appends (the engine's once they
    /// commit); planning further jobs after this reads them from the engine again.
    pub fn take_versions(&mut self) -> HashMap<StreamId, u64> {
        std::mem::take(&mut self.versions)
    }

    /// Checks, seals and chains one job after the ones planned so far. Reads the engine but
    /// never writes; a refusal changes nothing.
    pub fn plan(&mut self, request: &AppendRequest) -> Result<Step, AppendError> {
        if request.events.is_empty() {
            return Err(AppendError::Empty);
        }
        let chain = Arc::clone(self.keys.chain());
        let idempotency = request
            .idempotency
            .as_ref()
            .map(|given| IdempotencyEntry::hash(&chain, given));
        if let Some(entry) = &idempotency {
            if let Some(stored) = self.idempotency_value(&entry.key)? {
                return idempotency::replay(entry, &stored).map(Step::Replayed);
            }
        }
        let current = self.stream_version(&request.stream)?;
        let version_ok = match request.expected {
            ExpectedVersion::Any => true,
            ExpectedVersion::NoStream => current == 0,
            ExpectedVersion::Exact(expected) => current == expected,
        };
        if !version_ok {
            return Err(AppendError::WrongVersion { actual: current });
        }
        let (stream_key, created) = self.stream_key(request, current)?;
        // Erasure replaces any key change: even a new stream erased in its first append only
        // leaves a tombstone.
        let (key_change, effect) = if request.erase {
            let id = KeyId::stream(&request.stream);
            (
                Some(KeyChange::Destroy { id }),
                KeyEffect::Forget(request.stream.clone()),
            )
        } else {
            match (created, &stream_key) {
                (Some(change), Some(key)) => (
                    Some(change),
                    KeyEffect::Remember(request.stream.clone(), Arc::clone(key)),
                ),
                _ => (None, KeyEffect::None),
            }
        };
        let (records, mac) = self.seal(request, current, stream_key.as_deref())?;
        let count = records.len() as u64;
        let first_position = self.head.position + 1;
        let outcome = AppendOutcome {
            stream: request.stream.clone(),
            first_position,
            last_position: first_position + count - 1,
            stream_version: current + count,
            replayed: false,
        };
        let idempotency = idempotency.map(|entry| (entry.key, entry.value(&outcome)));
        // Only now, with nothing left to refuse, does the job count for the ones after it.
        self.head = LogHead {
            position: outcome.last_position,
            mac,
        };
        self.versions
            .insert(request.stream.clone(), outcome.stream_version);
        match &effect {
            KeyEffect::Remember(stream, key) => {
                self.stream_keys
                    .insert(stream.clone(), Some(Arc::clone(key)));
            }
            KeyEffect::Forget(stream) => {
                self.stream_keys.insert(stream.clone(), None);
            }
            KeyEffect::None => {}
        }
        if let Some((key, value)) = &idempotency {
            self.idempotency.insert(*key, value.clone());
        }
        Ok(Step::Write(Planned {
            batch: AppendBatch {
                stream: request.stream.clone(),
                expected_version: current,
                records,
                idempotency,
                key_change,
            },
            outcome,
            effect,
        }))
    }

    /// The job's records, sealed and chained after [`Pending::head`], and the last MAC.
    fn seal(
        &self,
        request: &AppendRequest,
        current: u64,
        stream_key: Option<&DataKey>,
    ) -> Result<(Vec<StoredRecord>, crate::store::crypto::Mac), AppendError> {
        let chain = self.keys.chain();
        let first_position = self.head.position + 1;
        let mut mac = self.head.mac;
        let recorded_at_ms =
            i64::try_from(request.recorded_at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
        let mut records = Vec::with_capacity(request.events.len());
        for (offset, event) in request.events.iter().enumerate() {
            let offset = offset as u64;
            let header = RecordHeader {
                position: first_position + offset,
                stream: request.stream.clone(),
                stream_version: current + 1 + offset,
                event_type: event.event_type.to_owned(),
                schema_version: event.schema_version,
                recorded_at_ms,
                key_epoch: self.keys.epoch(),
                actor: request.actor.map(|actor| actor.into_bytes()),
            };
            let facts = self
                .keys
                .facts()
                .seal(&aad(&header, Part::Facts), &event.facts);
            let pii = match (event.pii.as_ref(), stream_key) {
                (None, _) => None,
                (Some(plain), Some(key)) => Some(key.seal(&aad(&header, Part::Pii), plain)),
                (Some(_), None) => return Err(AppendError::StreamErased),
            };
            let mut bytes = SealedRecord::try_unsigned_bytes(&header, &facts, pii.as_ref())
                .map_err(AppendError::Invalid)?;
            mac = chain.link(&mac, &bytes);
            bytes.extend_from_slice(&mac.0);
            records.push(StoredRecord {
                position: header.position,
                stream: header.stream,
                stream_version: header.stream_version,
                bytes,
            });
        }
        Ok((records, mac))
    }

    fn idempotency_value(&self, key: &[u8; 32]) -> Result<Option<Vec<u8>>, AppendError> {
        if let Some(value) = self
            .idempotency
            .get(key)
            .or_else(|| self.seed.idempotency.get(key))
        {
            return Ok(Some(value.clone()));
        }
        if self.idempotency_read {
            // The group's keys were all read at once: one not found is not stored.
            return Ok(self.known.idempotency.get(key).cloned());
        }
        Ok(self.store.idempotency(key)?)
    }

    fn stream_version(&self, stream: &StreamId) -> Result<u64, AppendError> {
        match self
            .versions
            .get(stream)
            .or_else(|| self.seed.versions.get(stream))
            .or_else(|| self.known.versions.get(stream))
        {
            Some(version) => Ok(*version),
            None => Ok(self.store.stream_version(stream)?),
        }
    }

    /// The data key for this append's personal parts, and a key change if the stream is new.
    fn stream_key(
        &self,
        request: &AppendRequest,
        current: u64,
    ) -> Result<(Option<Arc<DataKey>>, Option<KeyChange>), AppendError> {
        if current == 0 {
            let (key, change) = self.keys.new_stream_key(&request.stream);
            return Ok((Some(key), Some(change)));
        }
        if let Some(pending) = self
            .stream_keys
            .get(&request.stream)
            .or_else(|| self.seed.stream_keys.get(&request.stream))
        {
            return Ok((pending.clone(), None));
        }
        match self.keys.stream_key(self.store, &request.stream)? {
            StreamKey::Present(key) => Ok((Some(key), None)),
            StreamKey::Destroyed => Ok((None, None)),
            StreamKey::Missing => Err(AppendError::Store(StoreError::Corrupt(format!(
                "stream {} has records but no data key",
                request.stream
            )))),
        }
    }
}
