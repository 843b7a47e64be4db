//! Backups: one file holding a consistent snapshot of a log, and a verified restore of it
//! into an empty data directory. SECURITY-SENSITIVE: a backup holds only what the data
//! directory holds at rest (ciphertext, wrapped keys, the key check value, cleartext record
//! headers), so a stolen backup is as useless without the master key as a stolen disk.
//!
//! - [`export`](export::export): the snapshot. It takes the durable head first and copies
//!   the records up to it, then the wrapped keys of the streams those records belong to and
//!   the idempotency entries of appends that end at or before it. Appends that land meanwhile
//!   are simply not in it, so it is safe on a live server, and every append acknowledged
//!   before the backup started is in it.
//! - [`scan`](scan::scan): reads a backup without the key: checksum, structure, counts,
//!   positions gap-free up to the head, the head's MAC, and no erased case with a live key.
//! - [`restore`](restore::restore): scan, check the master key against the backup's key
//!   check value before writing anything, write into an empty directory (format marker
//!   last), then reopen it and verify the whole chain against the backup's head.
//!
//! # File format (version 1). DO NOT CHANGE without a new version and a reader for this one.
//!
//! ```text
//! magic   "TINCAY-BACKUP-1\n"                           16 bytes
//! frames  tag u8 ‖ length u32 ‖ body[length]           integers big-endian
//!   'H'   header, JSON: tincay_backup (1), data_format, log_id (hex or null), key_epoch,
//!         key_check_value (hex), head ({position, mac} or null), taken_at (RFC 3339), tincay
//!   'R'   record: position u64 ‖ stream version u64 ‖ stream len u8 ‖ stream ‖ sealed record
//!   'K'   wrapped key: id len u16 ‖ id ‖ state u8 (1 wrapped, 2 destroyed) ‖ wrapped bytes
//!   'I'   idempotency entry: key [32] ‖ value (the log's opaque layout)
//!   'C'   counts, JSON: records, streams, keys, destroyed_keys, idempotency
//!   'E'   SHA-256 of every byte before this frame; the last frame
//! ```
//!
//! Order: `H`, every `R` by position, every `K`, every `I`, `C`, `E`. The checksum catches
//! accidental damage before anything is written; tampering is caught by the chain (records),
//! the AEAD of wrapped keys (keys), and comparing the head with one published elsewhere.

pub mod export;
mod frame;
pub mod restore;
pub mod scan;

use serde::{Deserialize, Serialize};

use crate::store::crypto::Mac;
use crate::store::engine::StoreError;
use crate::store::log::OpenError;
use crate::store::verify::VerifyError;

pub use export::{BackupSummary, export};
pub use restore::{RestoreReport, restore};
pub use scan::{BackupInfo, scan};

/// The first bytes of every backup file.
pub const MAGIC: &[u8; 16] = b"TINCAY-BACKUP-1\n";

/// The backup file format this build writes and reads.
pub const BACKUP_VERSION: u32 = 1;

/// The file name extension of a backup.
pub const EXTENSION: &str = "tcbak";

/// The largest frame accepted (a record is far smaller; this bounds damaged input).
const MAX_FRAME: usize = 16 * 1024 * 1024;

const TAG_HEADER: u8 = b'H';
const TAG_RECORD: u8 = b'R';
const TAG_KEY: u8 = b'K';
const TAG_IDEMPOTENCY: u8 = b'I';
const TAG_COUNTS: u8 = b'C';
const TAG_END: u8 = b'E';

const KEY_WRAPPED: u8 = 1;
const KEY_DESTROYED: u8 = 2;

/// The backup's header: what it is a snapshot of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub tincay_backup: u32,
    /// The data directory format ([`crate::store::format`]) of the log it was taken from.
    pub data_format: u32,
    pub log_id: Option<String>,
    pub key_epoch: u32,
    pub key_check_value: String,
    pub head: Option<HeadJson>,
    /// RFC 3339, UTC.
    pub taken_at: String,
    /// The version of tincay that wrote it.
    pub tincay: String,
}

/// A chain head in a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadJson {
    pub position: u64,
    #[serde(with = "mac_hex")]
    pub mac: Mac,
}

/// What a backup holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    pub records: u64,
    pub streams: u64,
    pub keys: u64,
    pub destroyed_keys: u64,
    pub idempotency: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} is not a tincay backup")]
    NotABackup(String),
    #[error("the backup is damaged: {0}")]
    Damaged(String),
    #[error(
        "the backup holds data directory format {found}, newer than this tincay's format \
         {current}: restore it with the newer tincay that wrote it",
        current = crate::store::format::CURRENT
    )]
    NewerFormat { found: u32 },
    #[error(
        "the master key does not match this backup: use the key of the data directory it was \
         taken from, as it was when the backup was taken (before any later `rotate-key`)"
    )]
    WrongMasterKey,
    #[error(
        "{0} is not empty: a restore goes into an empty or new directory only, so that it \
         never mixes with or overwrites data"
    )]
    NotEmpty(String),
    #[error("the data directory is not initialised: there is nothing to back up")]
    NotInitialised,
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error("the restored log does not match the backup: {0}")]
    Mismatch(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("the restored log does not verify: {0}")]
    Verify(#[from] VerifyError),
    #[error("the erasures made after the backup cannot be re-applied: {0}")]
    Ledger(crate::store::erasure_ledger::LedgerError),
}

impl BackupError {
    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            what: what.into(),
            source,
        }
    }
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Lowercase or uppercase hex of exactly `N` bytes.
pub(crate) fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.as_bytes();
    if text.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(out)
}

mod mac_hex {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::store::crypto::Mac;

    pub fn serialize<S: Serializer>(mac: &Mac, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&mac.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Mac, D::Error> {
        let text = String::deserialize(deserializer)?;
        super::unhex::<32>(&text)
            .map(Mac)
            .ok_or_else(|| serde::de::Error::custom("a MAC is 64 hex digits"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_other_lengths() {
        let bytes = [0x00, 0x7f, 0xab, 0xff];
        assert_eq!(hex(&bytes), "007fabff");
        assert_eq!(unhex::<4>("007fabff"), Some(bytes));
        assert_eq!(unhex::<4>("007fab"), None);
        assert_eq!(unhex::<2>("zzzz"), None);
    }
}
