//! Backups: one file holding a consistent snapshot of a log, and a verified restore of it
//! into an empty data directory. SECURITY-SENSITIVE: a backup holds only what the data
//! directory holds at rest (ciphertext, wrapped keys, the key check value, cleartext record
//! headers), so a stolen backup is as useless without the master key as a stolen disk.
//!
//! - [`export`](export::export): the snapshot. It takes the durable head first, then the
//!   wrapped keys (again, if an erasure landed between the two, so that every destroyed key's
//!   `case_erased` is in the backup), and copies the records up to the head, the keys of the
//!   streams those records belong to, and the idempotency entries of appends that end at or
//!   before it. Appends that land meanwhile are simply not in it, so it is safe on a live
//!   server, and every append acknowledged before the backup started is in it.
//! - [`scan`](scan::scan): reads a backup with the master key, before anything is written:
//!   the key check value, the MAC, structure, counts, positions gap-free up to the head, the
//!   head's MAC, and erasures both ways (a key is destroyed if and only if its stream holds
//!   `case_erased`, [`crate::store::erasure_check`]).
//! - [`restore`](restore::restore): scan, write into an empty directory (format marker last)
//!   from the same open file, then reopen it and verify the whole chain against the backup's
//!   head.
//!
//! # File format (version 2). DO NOT CHANGE without a new version.
//!
//! ```text
//! magic   "TINCAY-BACKUP-2\n"                           16 bytes
//! frames  tag u8 ‖ length u32 ‖ body[length]           integers big-endian
//!   'H'   header, JSON: tincay_backup (2), data_format, log_id (hex or null), key_epoch,
//!         key_check_value (hex), head ({position, mac} or null), taken_at (RFC 3339), tincay
//!   'R'   record: position u64 ‖ stream version u64 ‖ stream len u8 ‖ stream ‖ sealed record
//!   'K'   wrapped key: id len u16 ‖ id ‖ state u8 (1 wrapped, 2 destroyed) ‖ wrapped bytes
//!   'I'   idempotency entry: key [32] ‖ value (the log's opaque layout)
//!   'C'   counts, JSON: records, streams, keys, destroyed_keys, idempotency
//!   'E'   HMAC-SHA-256(backup key, every byte before this frame, magic included); the last
//! backup key  MasterKey::derived_key("backup-mac/v2") (crate::store::crypto::keys)
//! ```
//!
//! Order: `H`, every `R` by position, every `K`, every `I`, `C`, `E`. The MAC is under a key
//! only the master key gives, so whoever can write a backup file but does not hold the key
//! can change nothing in it (a key's state, a count, the head, a dropped tail) without the
//! restore refusing it before anything is written. The chain (records), the AEAD of wrapped
//! keys and a head published elsewhere still check what they checked before.
//!
//! Version 1 (`TINCAY-BACKUP-1`) ended with an unkeyed SHA-256, which anyone can recompute
//! after changing the file: it is refused with [`BackupError::Unauthenticated`], since
//! nothing can tell an altered one from a genuine one. Restore such a file only with the
//! tincay that wrote it, only if the copy is known to be untouched, and take a new backup.

pub mod export;
mod frame;
pub mod restore;
pub mod scan;

use serde::{Deserialize, Serialize};

use hmac::Hmac;
use sha2::Sha256;

use crate::store::crypto::{KeyMaterial, Mac, MasterKey};
use crate::store::engine::StoreError;
use crate::store::erasure_check::ErasureMismatch;
use crate::store::log::OpenError;
use crate::store::verify::VerifyError;

pub use export::{BackupSummary, export};
pub use restore::{RestoreReport, restore};
pub use scan::{BackupInfo, scan};

/// The first bytes of every backup file.
pub const MAGIC: &[u8; 16] = b"TINCAY-BACKUP-2\n";

/// The first bytes of a version 1 backup (unauthenticated; refused).
const MAGIC_V1: &[u8; 16] = b"TINCAY-BACKUP-1\n";

/// The backup file format this build writes and reads.
pub const BACKUP_VERSION: u32 = 2;

/// The label of the backup key derived from the master key.
const MAC_LABEL: &str = "backup-mac/v2";

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

/// The key of a backup's MAC, derived from the master key. Redacted `Debug`, no `Clone`,
/// zeroized on drop.
pub(crate) struct BackupKey(KeyMaterial);

impl BackupKey {
    pub(crate) fn of(master: &MasterKey) -> Self {
        Self(master.derived_key(MAC_LABEL))
    }

    fn hmac(&self) -> Hmac<Sha256> {
        self.0.hmac_sha256()
    }
}

/// For the fuzz targets ([`crate::fuzzing`]): the end frame a backup under `master` whose
/// bytes before it are `bytes` closes with.
pub(crate) fn end_frame(master: &MasterKey, bytes: &[u8]) -> Vec<u8> {
    use hmac::Mac as _;
    let mut mac = BackupKey::of(master).hmac();
    mac.update(bytes);
    let mut frame = vec![TAG_END];
    frame.extend_from_slice(&32u32.to_be_bytes());
    frame.extend_from_slice(&mac.finalize().into_bytes());
    frame
}

impl std::fmt::Debug for BackupKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BackupKey(<redacted>)")
    }
}

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
        "the backup does not authenticate under this master key: it was changed after it was \
         written (even one byte, a dropped tail or a rewritten header), or written under \
         another master key. Nothing was written; restore another copy"
    )]
    NotAuthentic,
    #[error(
        "this is a version 1 backup, which carries no MAC: nothing can tell whether it was \
         altered, so this tincay does not restore it. Take a new backup with this tincay; \
         restore an old one only with the tincay that wrote it, and only from a copy you \
         know to be untouched"
    )]
    Unauthenticated,
    #[error("the backup's erasures do not check out: {0}")]
    Erasure(ErasureMismatch),
    #[error(
        "no consistent backup can be taken: {0}. If a case was being erased just as the backup \
         started, run it again; otherwise the data directory was altered: run `tincay verify`"
    )]
    Inconsistent(ErasureMismatch),
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

pub(crate) use crate::store::hex::{hex, unhex};

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
