//! Copying a log from one engine to another (`tincay migrate-store`): sled to PostgreSQL and
//! back. Records, wrapped keys and idempotency entries are copied as they are stored (nothing
//! is decrypted or re-sealed, so the chain and its head stay the same), then both logs are
//! verified with the master key and must agree on head, record count and stream count.
//!
//! In order: refuse a target that holds anything; the key epoch (wrapped keys, tombstones
//! included, and its key check value); the records, through the engine's own atomic appends
//! (each idempotency entry with the append it belongs to, about [`GROUP`] records to one
//! engine transaction); the log id; and last the format marker, so an interrupted copy leaves
//! a target that refuses to open. Writers must be stopped while it runs.

use std::collections::HashMap;

use crate::store::crypto::MasterKey;
use crate::store::engine::{AppendBatch, EventStore, StoreError, StoredRecord};
use crate::store::format;
use crate::store::log::OpenError;
use crate::store::log::idempotency::last_position;
use crate::store::log::open::{check_master_key, check_value_name, is_initialised};
use crate::store::verify::{TypeCheck, VerifyError, VerifyReport, verify};

/// About the most records one engine transaction of the copy writes.
const GROUP: usize = 512;

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("the target already holds a log or records: a copy goes only into an empty store")]
    TargetNotEmpty,
    #[error("the source holds no tincay log")]
    SourceEmpty,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("the {which} log does not verify: {error}")]
    Verify {
        which: &'static str,
        error: VerifyError,
    },
    #[error("the copy differs from its source: {0}")]
    Differs(String),
}

/// Both logs' verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyReport {
    pub source: VerifyReport,
    pub target: VerifyReport,
}

/// Copies `source` into the empty `target`, then verifies both. See the module documentation.
pub fn copy(
    source: &dyn EventStore,
    target: &dyn EventStore,
    master: &MasterKey,
    type_check: TypeCheck<'_>,
) -> Result<CopyReport, CopyError> {
    if is_initialised(target)? || target.last_record()?.is_some() {
        return Err(CopyError::TargetNotEmpty);
    }
    if !is_initialised(source)? {
        return Err(CopyError::SourceEmpty);
    }
    check_master_key(source, master)?;
    let epoch = source.key_epoch()?;
    let check = source
        .meta(&check_value_name(epoch))?
        .ok_or_else(|| StoreError::Corrupt("the source has no key check value".into()))?;
    target.stage_keys(epoch, source.keys()?)?;
    target.put_meta(&check_value_name(epoch), &check)?;
    target.activate_key_epoch(epoch)?;
    copy_records(source, target)?;
    if let Some(id) = format::log_id(source)? {
        format::write_log_id(target, id)?;
    }
    let data_format = format::read(source)?.ok_or(CopyError::SourceEmpty)?;
    format::write(target, data_format)?;
    let report = CopyReport {
        source: checked(source, master, type_check, "source")?,
        target: checked(target, master, type_check, "copied")?,
    };
    let (a, b) = (&report.source, &report.target);
    if (a.head, a.records, a.streams) != (b.head, b.records, b.streams) {
        return Err(CopyError::Differs(format!(
            "source: {} records in {} streams, copy: {} records in {} streams, or another head",
            a.records, a.streams, b.records, b.streams
        )));
    }
    Ok(report)
}

fn checked(
    store: &dyn EventStore,
    master: &MasterKey,
    type_check: TypeCheck<'_>,
    which: &'static str,
) -> Result<VerifyReport, CopyError> {
    // `verify` takes the key by value; a copy of it, zeroized when dropped like the original.
    let key = MasterKey::parse(master.to_base64().as_bytes())
        .map_err(|_| StoreError::Engine("the master key cannot be copied".into()))?;
    verify(store, key, type_check).map_err(|error| CopyError::Verify { which, error })
}

/// Every record, in appends of one stream's consecutive records, with the idempotency entry
/// that ends at an append's last position.
fn copy_records(source: &dyn EventStore, target: &dyn EventStore) -> Result<(), CopyError> {
    let mut entries = HashMap::new();
    source.for_each_idempotency(&mut |key, value| {
        let last = last_position(value)
            .ok_or_else(|| StoreError::Corrupt("an idempotency entry is malformed".into()))?;
        entries.insert(last, (*key, value.to_vec()));
        Ok(())
    })?;
    let mut group: Vec<AppendBatch> = Vec::new();
    let mut in_group = 0;
    let mut next = 1;
    loop {
        let records = source.read_from(next, GROUP)?;
        let Some(last) = records.last() else { break };
        next = last.position.saturating_add(1);
        for record in records {
            let position = record.position;
            let continues = group
                .last()
                .is_some_and(|batch| batch.stream == record.stream && batch.idempotency.is_none());
            if continues {
                if let Some(batch) = group.last_mut() {
                    batch.records.push(record);
                }
            } else {
                group.push(start(record));
            }
            if let (Some(entry), Some(batch)) = (entries.remove(&position), group.last_mut()) {
                batch.idempotency = Some(entry);
            }
            in_group += 1;
            if in_group >= GROUP {
                target.append_group(&group)?;
                group.clear();
                in_group = 0;
            }
        }
    }
    if !group.is_empty() {
        target.append_group(&group)?;
    }
    target.sync()?;
    Ok(())
}

fn start(record: StoredRecord) -> AppendBatch {
    AppendBatch {
        stream: record.stream.clone(),
        expected_version: record.stream_version.saturating_sub(1),
        records: vec![record],
        idempotency: None,
        key_change: None,
    }
}
