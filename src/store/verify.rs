//! `tincay verify`: walk the whole chain from position 1, recompute every MAC, check that
//! positions and stream versions are gap-free and agree with the engine's indexes, decrypt
//! every `facts` part and every `pii` part whose key still exists, decode every event into
//! its domain type, and name the first position that fails. Never panics on bad data.
//!
//! Two kinds of failure are told apart: a broken chain ([`VerifyError::Broken`]: a MAC,
//! a position, a version or a ciphertext does not check out, i.e. tampering or corruption)
//! and an event that cannot be decoded although the chain is intact
//! ([`VerifyError::Undecodable`]: a bug, an old binary; the walk goes on to the end, so the
//! chain is known to be intact, and names the first such position).
//!
//! A third kind: erasures that do not check out both ways ([`VerifyError::Erasure`]): a
//! destroyed data key whose stream holds no `case_erased`, or an erased stream whose key is
//! live ([`crate::store::erasure_check`]). The keys are not in the chain, so this is
//! tampering with the key store (or damage) that the MACs cannot see. It is judged after the
//! walk, which has found the chain intact, and comes before undecodable events.
//!
//! The walk has the log to itself, so the streams' wrapped keys are read in one scan of the
//! key tree before it starts ([`WrappedKeys`]), rather than looked up one case at a time.

use std::collections::{HashMap, HashSet};

use crate::store::crypto::{GENESIS_MAC, Mac, MasterKey};
use crate::store::engine::{EventStore, KeyId, StoreError};
use crate::store::erasure_check::{self, ErasureMismatch, stream_of};
use crate::store::keyring::{Keyring, KeyringError, WrappedKeys};
use crate::store::log::LogHead;
use crate::store::log::open::{OpenError, check_master_key, is_initialised};
use crate::store::log::read::{RecordedEvent, RecordedPii, open_record};
use crate::store::record::SealedRecord;
use crate::store::stream::StreamId;

/// How many records verify reads at a time.
const CHUNK: usize = 4096;

/// What a successful verification saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyReport {
    pub records: u64,
    pub streams: u64,
    pub pii_decrypted: u64,
    /// Personal parts whose stream was erased (unreadable by design).
    pub pii_erased: u64,
    pub head: Option<LogHead>,
}

/// The first position that failed, and why. The reason never contains decrypted data.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("position {position}: {reason}")]
pub struct VerifyFailure {
    pub position: u64,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("the chain is broken at {0}")]
    Broken(#[from] VerifyFailure),
    /// The whole chain checks out, but the event at `first.position` (and `count` events in
    /// all) cannot be decoded by this binary.
    #[error(
        "the chain is intact, but the event at {first} cannot be decoded ({count} such event(s) in all)"
    )]
    Undecodable { first: VerifyFailure, count: u64 },
    /// The chain checks out, but `count` streams' key states contradict their logs; the
    /// first is named.
    #[error(
        "the chain is intact, but erasures do not check out: {first} ({count} such stream(s) in all)"
    )]
    Erasure { first: ErasureMismatch, count: u64 },
    #[error("the data directory holds no tincay log")]
    NotInitialised,
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Keys(#[from] KeyringError),
}

/// A check of each decrypted event against the domain's types (see
/// [`crate::store::verify::decodes`]).
pub type TypeCheck<'a> = &'a dyn Fn(&RecordedEvent) -> Result<(), String>;

/// Verify the whole log. See the module documentation.
pub fn verify(
    store: &dyn EventStore,
    master: MasterKey,
    type_check: TypeCheck<'_>,
) -> Result<VerifyReport, VerifyError> {
    if !is_initialised(store)? {
        return Err(VerifyError::NotInitialised);
    }
    check_master_key(store, &master)?;
    let keys = Keyring::load(store, master)?;
    let scanned = WrappedKeys::read(store)?;
    let mut walk = Walk {
        keys: &keys,
        scanned: &scanned,
        store,
        type_check,
        previous: GENESIS_MAC,
        next: 1,
        versions: HashMap::new(),
        report: VerifyReport::default(),
        undecodable: None,
        erased: HashSet::new(),
    };
    loop {
        let records = read_chunk(store, walk.next)?;
        if records.is_empty() {
            break;
        }
        for stored in &records {
            walk.check(stored)?;
        }
    }
    walk.check_stream_heads()?;
    walk.check_erasures()?;
    walk.report.streams = walk.versions.len() as u64;
    match walk.undecodable {
        Some((first, count)) => Err(VerifyError::Undecodable { first, count }),
        None => Ok(walk.report),
    }
}

/// The next records; if the engine cannot read them, find the first position it cannot read
/// and name it.
fn read_chunk(
    store: &dyn EventStore,
    next: u64,
) -> Result<Vec<crate::store::engine::StoredRecord>, VerifyError> {
    match store.read_from(next, CHUNK) {
        Ok(records) => Ok(records),
        Err(_) => {
            let mut records = Vec::new();
            for position in next..next.saturating_add(CHUNK as u64) {
                match store.read_from(position, 1) {
                    Ok(one) if one.is_empty() => break,
                    Ok(one) => records.extend(one),
                    Err(error) if records.is_empty() => {
                        return Err(VerifyFailure {
                            position,
                            reason: format!("the store cannot read this record: {error}"),
                        }
                        .into());
                    }
                    // Stop before the unreadable one; the next chunk names it.
                    Err(_) => break,
                }
            }
            Ok(records)
        }
    }
}

struct Walk<'a> {
    keys: &'a Keyring,
    scanned: &'a WrappedKeys,
    store: &'a dyn EventStore,
    type_check: TypeCheck<'a>,
    previous: Mac,
    next: u64,
    /// Per stream: (last version seen, position of that version).
    versions: HashMap<StreamId, (u64, u64)>,
    report: VerifyReport,
    /// The first event that did not decode, and how many did not.
    undecodable: Option<(VerifyFailure, u64)>,
    /// Streams that hold `case_erased`.
    erased: HashSet<StreamId>,
}

impl Walk<'_> {
    fn check(&mut self, stored: &crate::store::engine::StoredRecord) -> Result<(), VerifyFailure> {
        let position = self.next;
        let fail = |reason: String| VerifyFailure { position, reason };
        if stored.position != position {
            return Err(fail(format!(
                "record is missing (the next stored record is at position {})",
                stored.position
            )));
        }
        let record = SealedRecord::decode(&stored.bytes)
            .map_err(|error| fail(format!("record is malformed: {error}")))?;
        let header = &record.header;
        if header.position != position {
            return Err(fail(format!(
                "the record stored here says it belongs at position {}",
                header.position
            )));
        }
        if header.stream != stored.stream || header.stream_version != stored.stream_version {
            return Err(fail("record does not match the stream index".into()));
        }
        let unsigned = SealedRecord::unsigned_part(&stored.bytes)
            .map_err(|error| fail(format!("record is malformed: {error}")))?;
        if self.keys.chain().link(&self.previous, unsigned) != record.mac {
            return Err(fail(
                "chain MAC does not match: the record or one before it was altered".into(),
            ));
        }
        let (last_version, _) = self.versions.get(&header.stream).copied().unwrap_or((0, 0));
        if header.stream_version != last_version + 1 {
            return Err(fail(format!(
                "stream version {} follows version {last_version}",
                header.stream_version
            )));
        }
        let event = open_record(self.store, self.keys, Some(self.scanned), stored)
            .map_err(|error| fail(error.to_string()))?;
        match event.pii {
            RecordedPii::Present(_) => self.report.pii_decrypted += 1,
            RecordedPii::Erased => self.report.pii_erased += 1,
            RecordedPii::Absent | RecordedPii::NotRead => {}
        }
        if let Err(reason) = (self.type_check)(&event) {
            // The chain holds: note it and walk on, so the end says whether it is intact.
            match &mut self.undecodable {
                Some((_, count)) => *count += 1,
                None => {
                    self.undecodable =
                        Some((fail(format!("event cannot be decoded: {reason}")), 1));
                }
            }
        }
        if erasure_check::erases(&header.event_type) {
            self.erased.insert(header.stream.clone());
        }
        self.versions
            .insert(header.stream.clone(), (header.stream_version, position));
        self.previous = record.mac;
        self.report.records += 1;
        self.report.head = Some(LogHead {
            position,
            mac: record.mac,
        });
        self.next = position + 1;
        Ok(())
    }

    /// Every stream's key against its log, and every data key against a stream of the log;
    /// the first mismatch by stream id is named.
    fn check_erasures(&self) -> Result<(), VerifyError> {
        let of_streams = self.versions.keys().filter_map(|stream| {
            let key = self.scanned.get(&KeyId::stream(stream));
            erasure_check::check(stream.as_str(), self.erased.contains(stream), key).err()
        });
        // Keys of streams with no record at all: a tombstone there was never an erasure.
        let of_keys = self.scanned.iter().filter_map(|(id, state)| {
            let stream = stream_of(id)?;
            let known = StreamId::parse(stream).is_ok_and(|id| self.versions.contains_key(&id));
            if known {
                return None;
            }
            erasure_check::check(stream, false, Some(state)).err()
        });
        let mut mismatches: Vec<ErasureMismatch> = of_streams.chain(of_keys).collect();
        mismatches.sort_by_key(ToString::to_string);
        let count = mismatches.len() as u64;
        match mismatches.into_iter().next() {
            None => Ok(()),
            Some(first) => Err(VerifyError::Erasure { first, count }),
        }
    }

    fn check_stream_heads(&self) -> Result<(), VerifyError> {
        let mut streams: Vec<_> = self.versions.iter().collect();
        streams.sort_by_key(|(_, (_, position))| *position);
        for (stream, (version, position)) in streams {
            let head = self.store.stream_version(stream)?;
            if head != *version {
                return Err(VerifyFailure {
                    position: *position,
                    reason: format!(
                        "stream head says version {head}, but the log holds {version} versions"
                    ),
                }
                .into());
            }
        }
        Ok(())
    }
}

/// The default type check: every event decodes into its domain type (upcasting old
/// versions), chosen by its stream's kind.
pub fn decodes(event: &RecordedEvent) -> Result<(), String> {
    use crate::domain::access::AccessEvent;
    use crate::domain::case::CaseEvent;
    use crate::domain::codec::EventCodec;
    use crate::domain::registry::area::AreaEvent;
    use crate::domain::registry::trusted_address::TrustedAddressEvent;
    use crate::domain::registry::user::UserEvent;

    fn check<E: EventCodec>(event: &RecordedEvent) -> Result<(), String> {
        event
            .decode::<E>()
            .map(|_| ())
            .map_err(|error| error.to_string())
    }
    match event.stream.kind() {
        "case" => check::<CaseEvent>(event),
        "area" => check::<AreaEvent>(event),
        "address" => check::<TrustedAddressEvent>(event),
        "user" => check::<UserEvent>(event),
        "access" => check::<AccessEvent>(event),
        "held" => check::<crate::domain::held::HeldEvent>(event),
        kind => Err(format!(
            "no event types are known for streams of kind {kind:?}"
        )),
    }
}
