//! Restoring a backup into an empty (or new) data directory, verified.
//!
//! In order: refuse a directory that holds anything; open the backup once and
//! [`scan`](super::scan) it with the master key (key check value, MAC over the whole file,
//! structure, erasures both ways), so a wrong key or an altered file is refused before
//! anything is written; then, reading the same open file again from its start (its MAC is
//! checked again at its end, so a file changed in between fails the restore), write the key
//! epoch, the records (through the
//! engine's own atomic appends, each idempotency entry with the append it belongs to, several
//! hundred records' appends to one engine transaction), the log id, and last the format
//! marker, so an interrupted restore leaves a directory that refuses to open; then reopen the directory and verify the whole chain, requiring the same
//! head, record count and stream count as the backup. Any failure removes what the restore
//! wrote, leaving the directory as empty as it was.
//!
//! Erasures made after the backup was taken are not in it: given the erasure ledger, the
//! restore then re-applies every listed erasure whose case came back with its key
//! ([`crate::store::erasure_ledger`]). A ledger that does not verify fails the restore like
//! anything else: a restored directory is complete, erasures included, or it is not there.

use std::io::{BufReader, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use super::frame::FrameReader;
use super::scan::{BackupInfo, parse_record, scan_file};
use super::{BackupError, BackupKey, Counts, Header, TAG_RECORD, unhex};
use crate::store::crypto::MasterKey;
use crate::store::engine::{AppendBatch, EventStore, StoredRecord};
use crate::store::erasure_ledger::{self, Reapplied};
use crate::store::format::{self, LogId};
use crate::store::log::open::check_value_name;
use crate::store::log::{EventLog, LogOptions};
use crate::store::sled_store::{SledOptions, SledStore};
use crate::store::verify::{TypeCheck, VerifyReport, verify};

/// The most records one restoring append writes, and about the most one engine transaction
/// writes: the appends of consecutive records are written together ([`Group`]).
const MAX_BATCH: usize = 512;

/// What a restore wrote and verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestoreReport {
    pub header: Header,
    pub counts: Counts,
    /// The restored log's verification (before erasures were re-applied).
    pub verified: VerifyReport,
    /// What the erasure ledger re-applied; `None` without a ledger (or for a format-1 backup,
    /// older than the ledger).
    pub erasures: Option<Reapplied>,
}

/// Restore `backup` into `target`, then re-apply the erasures in `ledger` (see the module
/// documentation).
pub fn restore(
    backup: &Path,
    target: &Path,
    master: MasterKey,
    type_check: TypeCheck<'_>,
    ledger: Option<&Path>,
) -> Result<RestoreReport, BackupError> {
    let emptiness = Target::check(target)?;
    let name = backup.display().to_string();
    let mut file = std::fs::File::open(backup)
        .map_err(|e| BackupError::io(format!("cannot open {name}"), e))?;
    let info = scan_file(&file, &name, &master)?;
    let check_value = unhex::<32>(&info.header.key_check_value)
        .ok_or_else(|| BackupError::Damaged("the key check value is malformed".into()))?;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| BackupError::io(format!("cannot read {name}"), e))?;
    let key = BackupKey::of(&master);
    let log_id = match &info.header.log_id {
        None => None,
        Some(text) => Some(
            LogId::parse(text)
                .ok_or_else(|| BackupError::Damaged("the log id is malformed".into()))?,
        ),
    };
    if info.header.key_epoch == 0 {
        return Err(BackupError::Damaged("key epoch 0 holds no keys".into()));
    }
    let second = MasterKey::parse(master.to_base64().as_bytes())
        .map_err(|_| BackupError::Damaged("the master key cannot be copied".into()))?;
    emptiness.create(target)?;
    let restored = write(&file, &name, &key, target, &info, &check_value, log_id)
        .and_then(|()| check(target, master, type_check, &info))
        .and_then(|verified| {
            let erasures = match (ledger, log_id) {
                (Some(ledger), Some(log_id)) => {
                    Some(reapply_erasures(target, second, ledger, log_id)?)
                }
                _ => None,
            };
            Ok((verified, erasures))
        });
    match restored {
        Ok((verified, erasures)) => Ok(RestoreReport {
            header: info.header,
            counts: info.counts,
            verified,
            erasures,
        }),
        Err(error) => {
            if let Err(cleanup) = emptiness.clean(target) {
                tracing::error!(%cleanup, "restore failed and its partial data could not be removed");
            }
            Err(error)
        }
    }
}

/// Keys, records, log id, then the format marker.
fn write(
    backup: &std::fs::File,
    name: &str,
    key: &BackupKey,
    target: &Path,
    info: &BackupInfo,
    check_value: &[u8; 32],
    log_id: Option<LogId>,
) -> Result<(), BackupError> {
    // Each record is written once and not read back: a larger cache only holds pages that
    // are already in sled's file.
    let options = SledOptions::default().cache_capacity(SledOptions::ONE_PASS_CACHE_CAPACITY);
    let store = SledStore::open(target, options)?;
    let epoch = info.header.key_epoch;
    store.stage_keys(epoch, info.keys.clone())?;
    store.put_meta(&check_value_name(epoch), check_value)?;
    store.activate_key_epoch(epoch)?;

    let mut reader = FrameReader::start(BufReader::new(backup), name, key)?;
    let mut group = Group::default();
    let mut batch: Option<AppendBatch> = None;
    while let Some((tag, body)) = reader.next()? {
        if tag != TAG_RECORD {
            continue;
        }
        let record = parse_record(body)?;
        if batch
            .as_ref()
            .is_some_and(|batch| batch.stream != record.stream)
        {
            group.add(&store, batch.take())?;
        }
        let position = record.position;
        let current = batch.get_or_insert_with(|| start(&record));
        current.records.push(record);
        if let Some((key, value)) = info.idempotency.get(&position) {
            current.idempotency = Some((*key, value.clone()));
            group.add(&store, batch.take())?;
        } else if current.records.len() >= MAX_BATCH {
            group.add(&store, batch.take())?;
        }
    }
    group.add(&store, batch.take())?;
    group.write(&store)?;
    store.sync()?;
    if let Some(id) = log_id {
        format::write_log_id(&store, id)?;
    }
    format::write(&store, info.header.data_format)?;
    Ok(())
}

fn start(first: &StoredRecord) -> AppendBatch {
    AppendBatch {
        stream: first.stream.clone(),
        expected_version: first.stream_version.saturating_sub(1),
        records: Vec::new(),
        idempotency: None,
        key_change: None,
    }
}

/// The appends of consecutive records, written in one engine transaction once they hold
/// [`MAX_BATCH`] records. The log's records interleave many cases, so most appends hold one
/// record, and a transaction each made a million-event restore spend most of its time
/// sealing sled's I/O buffers. Each append is still checked against the ones before it.
#[derive(Default)]
struct Group {
    batches: Vec<AppendBatch>,
    records: usize,
}

impl Group {
    fn add(&mut self, store: &SledStore, batch: Option<AppendBatch>) -> Result<(), BackupError> {
        if let Some(batch) = batch {
            self.records += batch.records.len();
            self.batches.push(batch);
        }
        if self.records >= MAX_BATCH {
            self.write(store)?;
        }
        Ok(())
    }

    fn write(&mut self, store: &SledStore) -> Result<(), BackupError> {
        let (Some(first), Some(last)) = (self.batches.first(), self.batches.last()) else {
            return Ok(());
        };
        let first = first.records.first().map_or(0, |record| record.position);
        let last = last.records.last().map_or(0, |record| record.position);
        store.append_group(&self.batches).map_err(|e| {
            BackupError::Damaged(format!(
                "records {first} to {last} cannot all be restored: {e}"
            ))
        })?;
        self.batches.clear();
        self.records = 0;
        Ok(())
    }
}

/// Reopen the restored directory and verify it against the backup.
fn check(
    target: &Path,
    master: MasterKey,
    type_check: TypeCheck<'_>,
    info: &BackupInfo,
) -> Result<VerifyReport, BackupError> {
    // The chain is walked once, front to back, as `tincay verify` does.
    let store = SledStore::open(target, SledOptions::replay())?;
    let report = verify(&store, master, type_check)?;
    let head = report.head.map(|head| (head.position, head.mac));
    let expected = info.header.head.map(|head| (head.position, head.mac));
    if head != expected {
        return Err(BackupError::Mismatch(
            "the restored head is not the backup's".into(),
        ));
    }
    if report.records != info.counts.records || report.streams != info.counts.streams {
        return Err(BackupError::Mismatch(format!(
            "{} records in {} streams restored, the backup holds {} in {}",
            report.records, report.streams, info.counts.records, info.counts.streams
        )));
    }
    Ok(report)
}

/// Open the restored log (without a ledger: the erasures are listed already) and re-apply
/// the ledger's erasures.
fn reapply_erasures(
    target: &Path,
    master: MasterKey,
    ledger: &Path,
    log_id: LogId,
) -> Result<Reapplied, BackupError> {
    let store: Arc<dyn EventStore> = Arc::new(SledStore::open(target, SledOptions::default())?);
    let log = EventLog::open(store, master, LogOptions::default())?;
    let done = erasure_ledger::read(ledger, log.keyring(), log_id)
        .and_then(|entries| erasure_ledger::reapply(&log, &entries));
    log.close();
    done.map_err(BackupError::Ledger)
}

/// Whether the target directory existed (empty) or the restore creates it.
#[derive(Clone, Copy)]
enum Target {
    New,
    Empty,
}

impl Target {
    fn check(target: &Path) -> Result<Self, BackupError> {
        let shown = target.display().to_string();
        match std::fs::read_dir(target) {
            Ok(mut entries) => match entries.next() {
                None => Ok(Self::Empty),
                Some(_) => Err(BackupError::NotEmpty(shown)),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::New),
            Err(e) => Err(BackupError::io(format!("cannot use {shown}"), e)),
        }
    }

    /// Create a new target, readable by its owner only.
    fn create(self, target: &Path) -> Result<(), BackupError> {
        if let Self::New = self {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder
                .create(target)
                .map_err(|e| BackupError::io(format!("cannot create {}", target.display()), e))?;
            let parent = match target.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent,
                _ => Path::new("."),
            };
            std::fs::File::open(parent)
                .and_then(|dir| dir.sync_all())
                .map_err(|e| BackupError::io("cannot sync the new directory's parent", e))?;
        }
        Ok(())
    }

    /// Remove what the restore wrote.
    fn clean(self, target: &Path) -> std::io::Result<()> {
        match self {
            Self::New => std::fs::remove_dir_all(target),
            Self::Empty => {
                for entry in std::fs::read_dir(target)? {
                    let path = entry?.path();
                    if path.is_dir() {
                        std::fs::remove_dir_all(&path)?;
                    } else {
                        std::fs::remove_file(&path)?;
                    }
                }
                Ok(())
            }
        }
    }
}
