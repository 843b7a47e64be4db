//! Taking a backup: a consistent snapshot of a log, written as one backup file. It copies
//! ciphertext and wrapped keys as they are and writes nothing to the store, so it runs the
//! same on a live server and on a directory held by the command line; the master key only
//! keys the file's MAC (and must match the store's).
//!
//! Consistency without stopping appends: the durable head `H` is read first, then every
//! wrapped key, and everything is chosen relative to `H`. Records are gap-free up to `H`. A
//! stream's data key is created in the transaction of its first record, so every key a
//! copied record needs existed before `H` was durable, and is in the keys read; keys of
//! streams created after `H` are left out. Erasure destroys a key in the transaction of its
//! `case_erased`, so an erasure at or before `H` has its key destroyed in the keys read; one
//! that lands between the two reads has its key destroyed while its record is after `H`, and
//! a backup holding that would be refused (a destroyed key without `case_erased`,
//! [`crate::store::erasure_check`]): then both are read again, a few times (the erasure's
//! record is durable within one group commit), before the backup gives up, naming the stream:
//! to be run again, or, if it persists, a key store altered behind the log's back. Idempotency entries are kept only for appends that end
//! at or before `H`.

use std::collections::HashSet;
use std::io::Write;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::frame::FrameWriter;
use super::{
    BACKUP_VERSION, BackupError, BackupKey, Counts, HeadJson, Header, KEY_DESTROYED, KEY_WRAPPED,
    TAG_COUNTS, TAG_HEADER, TAG_IDEMPOTENCY, TAG_KEY, TAG_RECORD, hex,
};
use crate::store::crypto::MasterKey;
use crate::store::engine::{EventStore, KeyId, KeyState, StoreError};
use crate::store::erasure_check::{ErasureMismatch, is_erasure, stream_of};
use crate::store::format;
use crate::store::log::idempotency::last_position;
use crate::store::log::open::check_value_name;
use crate::store::record::RecordView;
use crate::store::stream::StreamId;

/// How many records are read at a time.
const CHUNK: usize = 4096;

/// How many times the head and the keys are read before a backup gives up on erasures that
/// keep landing between the two reads.
const ATTEMPTS: usize = 8;

/// What a backup holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupSummary {
    pub header: Header,
    pub counts: Counts,
    /// The size of the backup file.
    pub bytes: u64,
}

/// Write a consistent backup of `store` to `out`, authenticated under `master` (the store's
/// master key; see the module documentation).
pub fn export(
    store: &dyn EventStore,
    master: &MasterKey,
    taken_at: OffsetDateTime,
    out: &mut dyn Write,
) -> Result<BackupSummary, BackupError> {
    let data_format = format::read(store)?.ok_or(BackupError::NotInitialised)?;
    let log_id = format::log_id(store)?;
    let key_epoch = store.key_epoch()?;
    let check_value = store
        .meta(&check_value_name(key_epoch))?
        .ok_or_else(|| BackupError::Damaged("the data directory has no key check value".into()))?;
    if !master.matches(&check_value) {
        return Err(BackupError::WrongMasterKey);
    }
    // Everything below is relative to this head: appends after it are not in the backup.
    let (head_position, keys) = snapshot(store)?;
    let head = match head_position {
        0 => None,
        position => {
            let last = store.read_from(position, 1)?;
            let record = last
                .first()
                .filter(|record| record.position == position)
                .ok_or_else(|| BackupError::Damaged(format!("record {position} is missing")))?;
            let view = RecordView::parse(&record.bytes)
                .map_err(|e| BackupError::Damaged(format!("record {position}: {e}")))?;
            Some(HeadJson {
                position,
                mac: view.mac,
            })
        }
    };
    let header = Header {
        tincay_backup: BACKUP_VERSION,
        data_format,
        log_id: log_id.map(|id| id.to_string()),
        key_epoch,
        key_check_value: hex(&check_value),
        head,
        taken_at: taken_at
            .to_offset(time::UtcOffset::UTC)
            .format(&Rfc3339)
            .map_err(|_| BackupError::Damaged("the time cannot be written".into()))?,
        tincay: crate::VERSION.to_owned(),
    };
    let header_json = serde_json::to_vec(&header)
        .map_err(|_| BackupError::Damaged("the header cannot be written".into()))?;

    let mut writer = FrameWriter::start(out, &BackupKey::of(master))?;
    writer.frame(TAG_HEADER, &[&header_json])?;
    let mut counts = Counts::default();
    let streams = write_records(store, head_position, &mut writer, &mut counts)?;
    write_keys(keys, &streams, &mut writer, &mut counts)?;
    let mut failed = None;
    let listed = store.for_each_idempotency(&mut |key, value| {
        if last_position(value).is_some_and(|last| last <= head_position) {
            if let Err(error) = writer.frame(TAG_IDEMPOTENCY, &[key, value]) {
                failed = Some(error);
                return Err(StoreError::Engine("the backup stopped".into()));
            }
            counts.idempotency += 1;
        }
        Ok(())
    });
    if let Some(error) = failed {
        return Err(error);
    }
    listed?;
    let counts_json = serde_json::to_vec(&counts)
        .map_err(|_| BackupError::Damaged("the counts cannot be written".into()))?;
    writer.frame(TAG_COUNTS, &[&counts_json])?;
    let bytes = writer.finish()?;
    Ok(BackupSummary {
        header,
        counts,
        bytes,
    })
}

/// The durable head and the keys, read in that order until every destroyed key's erasure is
/// at or before the head (see the module documentation).
fn snapshot(store: &dyn EventStore) -> Result<(u64, Vec<(KeyId, KeyState)>), BackupError> {
    let mut last = None;
    for _ in 0..ATTEMPTS {
        let head = *store.subscribe().borrow();
        let keys = store.keys()?;
        match erasure_after(store, head, &keys)? {
            None => return Ok((head, keys)),
            Some(stream) => last = Some(stream),
        }
        std::thread::yield_now();
    }
    Err(BackupError::Inconsistent(
        ErasureMismatch::DestroyedWithoutErasure {
            stream: last.unwrap_or_default(),
        },
    ))
}

/// The first stream with records at or before `head` whose key is destroyed but whose
/// `case_erased` is not at or before `head`.
fn erasure_after(
    store: &dyn EventStore,
    head: u64,
    keys: &[(KeyId, KeyState)],
) -> Result<Option<String>, BackupError> {
    for (id, state) in keys {
        let (KeyState::Destroyed, Some(raw)) = (state, stream_of(id)) else {
            continue;
        };
        let Ok(stream) = StreamId::parse(raw) else {
            continue;
        };
        let records = store.read_stream(&stream, 1)?;
        let mut before = records
            .iter()
            .filter(|record| record.position <= head)
            .peekable();
        if before.peek().is_some() && !before.any(|record| is_erasure(&record.bytes)) {
            return Ok(Some(raw.to_owned()));
        }
    }
    Ok(None)
}

/// Every record from 1 to `head`, in order; returns the streams they belong to.
fn write_records(
    store: &dyn EventStore,
    head: u64,
    writer: &mut FrameWriter<'_>,
    counts: &mut Counts,
) -> Result<HashSet<StreamId>, BackupError> {
    let mut streams = HashSet::new();
    let mut next = 1;
    while next <= head {
        let chunk = store.read_from(next, CHUNK)?;
        if chunk.is_empty() {
            return Err(BackupError::Damaged(format!("record {next} is missing")));
        }
        for record in chunk.iter().take_while(|record| record.position <= head) {
            if record.position != next {
                return Err(BackupError::Damaged(format!("record {next} is missing")));
            }
            let stream = record.stream.as_str().as_bytes();
            let stream_len = u8::try_from(stream.len())
                .map_err(|_| BackupError::Damaged("a stream id is too long".into()))?;
            writer.frame(
                TAG_RECORD,
                &[
                    &record.position.to_be_bytes(),
                    &record.stream_version.to_be_bytes(),
                    &[stream_len],
                    stream,
                    &record.bytes,
                ],
            )?;
            if !streams.contains(&record.stream) {
                streams.insert(record.stream.clone());
            }
            counts.records += 1;
            next += 1;
        }
    }
    counts.streams = streams.len() as u64;
    Ok(streams)
}

/// The store-wide keys, and the data key (or tombstone) of every stream in the backup.
fn write_keys(
    keys: Vec<(KeyId, KeyState)>,
    streams: &HashSet<StreamId>,
    writer: &mut FrameWriter<'_>,
    counts: &mut Counts,
) -> Result<(), BackupError> {
    let wanted: HashSet<KeyId> = streams
        .iter()
        .map(KeyId::stream)
        .chain([KeyId::facts(), KeyId::chain()])
        .collect();
    for (id, state) in keys {
        if !wanted.contains(&id) {
            continue;
        }
        let id_bytes = id.as_str().as_bytes();
        let id_len = u16::try_from(id_bytes.len())
            .map_err(|_| BackupError::Damaged("a key id is too long".into()))?;
        match state {
            KeyState::Wrapped(wrapped) => writer.frame(
                TAG_KEY,
                &[&id_len.to_be_bytes(), id_bytes, &[KEY_WRAPPED], &wrapped],
            )?,
            KeyState::Destroyed => {
                writer.frame(
                    TAG_KEY,
                    &[&id_len.to_be_bytes(), id_bytes, &[KEY_DESTROYED]],
                )?;
                counts.destroyed_keys += 1;
            }
            KeyState::Missing => continue,
        }
        counts.keys += 1;
    }
    Ok(())
}
