//! The data directory's format version, its log id, and upgrading an older directory in place.
//!
//! The `meta` entry `format` (u32, big-endian) says which layout a directory has; it is
//! written last when a directory is initialised or restored, so a directory without it is
//! unfinished. Versions so far:
//!
//! | format | what it adds |
//! |---|---|
//! | 1 | the log itself: records, indexes, wrapped keys per key epoch, key check values |
//! | 2 | `log_id`: 16 random bytes naming this log, made once and kept by backups and restores; backups and the erasure ledger carry it, so one of another deployment is refused by name |
//! | 3 | the sled engine writes records eight to a block (`sled_store::layout`), which a tincay of format 2 would not read; records written before stay as they are and read back as before (a backup restored into a new directory is written in blocks) |
//! | 4 | the write-ahead log (`wal/`, [`crate::store::sled_store::wal`]): an append is durable once its group is in a segment there, and sled is forced to disk only at checkpoints, so a tincay of format 3, which would ignore the log, could lose acknowledged appends |
//!
//! A binary opens only its own format ([`CURRENT`]). An older directory is refused with
//! advice; [`migrate`] upgrades it in place, one step at a time, and is only ever called (by
//! `tincay migrate`) after a backup of the directory has been written and read back. A newer
//! directory is refused: an older binary cannot know what it would damage.
//!
//! Each step writes what its format adds and then the new `format` value, so a crash in the
//! middle leaves the old format with harmless extra entries, and running the step again
//! finishes it.

use std::fmt;

use crate::store::engine::{EventStore, StoreError};

/// The data directory format this build writes and reads.
pub const CURRENT: u32 = 4;

/// The `meta` entry holding the format.
pub const FORMAT_META: &str = "format";

/// The `meta` entry holding the log id (format 2).
pub const LOG_ID_META: &str = "log_id";

/// A log's random name. Not secret and not personal: it tells one deployment's log (and its
/// backups and restores) from another's.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct LogId(pub [u8; 16]);

impl LogId {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
        Self(bytes)
    }

    /// Lowercase hex, as [`fmt::Display`] writes it.
    pub fn parse(text: &str) -> Option<Self> {
        crate::store::hex::unhex::<16>(text).map(Self)
    }

    fn of(raw: &[u8]) -> Result<Self, StoreError> {
        <[u8; 16]>::try_from(raw)
            .map(Self)
            .map_err(|_| StoreError::Corrupt("meta log_id: expected 16 bytes".into()))
    }
}

impl fmt::Display for LogId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::store::hex::hex(&self.0))
    }
}

impl fmt::Debug for LogId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LogId({self})")
    }
}

/// The directory's format; `None` if it was never (completely) initialised.
pub fn read(store: &dyn EventStore) -> Result<Option<u32>, StoreError> {
    match store.meta(FORMAT_META)? {
        None => Ok(None),
        Some(raw) => <[u8; 4]>::try_from(raw.as_slice())
            .map(|bytes| Some(u32::from_be_bytes(bytes)))
            .map_err(|_| StoreError::Corrupt("meta format: expected 4 bytes".into())),
    }
}

/// Write the format marker (last, when initialising, restoring or migrating).
pub fn write(store: &dyn EventStore, format: u32) -> Result<(), StoreError> {
    store.put_meta(FORMAT_META, &format.to_be_bytes())
}

/// The log id; `None` on a format-1 directory.
pub fn log_id(store: &dyn EventStore) -> Result<Option<LogId>, StoreError> {
    store
        .meta(LOG_ID_META)?
        .map(|raw| LogId::of(&raw))
        .transpose()
}

/// Write the log id (initialising, restoring, migrating).
pub fn write_log_id(store: &dyn EventStore, id: LogId) -> Result<(), StoreError> {
    store.put_meta(LOG_ID_META, &id.0)
}

/// What [`migrate`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Migration {
    pub from: u32,
    pub to: u32,
    pub log_id: LogId,
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("the data directory is not initialised: there is nothing to upgrade")]
    NotInitialised,
    #[error(
        "this data directory has format {found}, newer than this tincay's format {CURRENT}: \
         use the newer tincay that wrote it"
    )]
    Newer { found: u32 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Upgrade an older directory to [`CURRENT`] in place. The caller holds the directory
/// exclusively, has checked the master key, and has taken a backup first. A directory at
/// the current format is left as it is.
pub fn migrate(store: &dyn EventStore) -> Result<Migration, MigrateError> {
    let from = read(store)?.ok_or(MigrateError::NotInitialised)?;
    if from > CURRENT {
        return Err(MigrateError::Newer { found: from });
    }
    let mut format = from;
    while format < CURRENT {
        // 1 → 2: the log id. An interrupted earlier run may have written it: keep it.
        if format == 1 && log_id(store)?.is_none() {
            write_log_id(store, LogId::generate())?;
        }
        // 2 → 3: nothing to write. The engine reads records stored one by one as before, and
        // packs only the blocks appends complete from now on.
        // 3 → 4: nothing to write. Opening the store created `wal/` and checkpointed sled;
        // appends go through the log from now on.
        format += 1;
        write(store, format)?;
    }
    let log_id = log_id(store)?.ok_or_else(|| StoreError::Corrupt("no log id".into()))?;
    Ok(Migration {
        from,
        to: CURRENT,
        log_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_id_reads_back_from_its_hex() {
        let id = LogId::generate();
        assert_eq!(LogId::parse(&id.to_string()), Some(id));
        assert_eq!(id.to_string().len(), 32);
        assert_eq!(LogId::parse("zz"), None);
        assert_eq!(LogId::parse(&"g".repeat(32)), None);
    }
}
