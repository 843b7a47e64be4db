//! Taking a backup: a consistent snapshot of a log, written as one backup file. Needs no
//! master key (it copies ciphertext and wrapped keys as they are) and writes nothing to the
//! store, so it runs the same on a live server and on a directory held by the command line.
//!
//! Consistency without stopping appends: the durable head `H` is read first, and everything
//! else is chosen relative to it. Records are gap-free up to `H`. A stream's data key is
//! created in the transaction of its first record, so every key a copied record needs exists
//! before `H` was durable, and is copied; keys of streams created after `H` are left out. An
//! erasure that lands during the backup may leave its key destroyed in the backup while its
//! `case_erased` record is not: erasure wins, never the other way round. Idempotency entries
//! are kept only for appends that end at or before `H`.

use std::collections::HashSet;
use std::io::Write;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::frame::FrameWriter;
use super::{
    BACKUP_VERSION, BackupError, Counts, HeadJson, Header, KEY_DESTROYED, KEY_WRAPPED, TAG_COUNTS,
    TAG_HEADER, TAG_IDEMPOTENCY, TAG_KEY, TAG_RECORD, hex,
};
use crate::store::engine::{EventStore, KeyId, KeyState, StoreError};
use crate::store::format;
use crate::store::log::idempotency::last_position;
use crate::store::log::open::check_value_name;
use crate::store::record::RecordView;
use crate::store::stream::StreamId;

/// How many records are read at a time.
const CHUNK: usize = 4096;

/// What a backup holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupSummary {
    pub header: Header,
    pub counts: Counts,
    /// The size of the backup file.
    pub bytes: u64,
}

/// Write a consistent backup of `store` to `out` (see the module documentation).
pub fn export(
    store: &dyn EventStore,
    taken_at: OffsetDateTime,
    out: &mut dyn Write,
) -> Result<BackupSummary, BackupError> {
    let data_format = format::read(store)?.ok_or(BackupError::NotInitialised)?;
    let log_id = format::log_id(store)?;
    let key_epoch = store.key_epoch()?;
    let check_value = store
        .meta(&check_value_name(key_epoch))?
        .ok_or_else(|| BackupError::Damaged("the data directory has no key check value".into()))?;
    // Everything below is relative to this head: appends after it are not in the backup.
    let head_position = *store.subscribe().borrow();
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

    let mut writer = FrameWriter::start(out)?;
    writer.frame(TAG_HEADER, &[&header_json])?;
    let mut counts = Counts::default();
    let streams = write_records(store, head_position, &mut writer, &mut counts)?;
    write_keys(store, &streams, &mut writer, &mut counts)?;
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
    store: &dyn EventStore,
    streams: &HashSet<StreamId>,
    writer: &mut FrameWriter<'_>,
    counts: &mut Counts,
) -> Result<(), BackupError> {
    let wanted: HashSet<KeyId> = streams
        .iter()
        .map(KeyId::stream)
        .chain([KeyId::facts(), KeyId::chain()])
        .collect();
    for (id, state) in store.keys()? {
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
