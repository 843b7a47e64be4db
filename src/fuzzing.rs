//! Entry points for the fuzz targets in `fuzz/` (`cargo +nightly fuzz`, see `fuzz/README.md`)
//! and their seed generator (`examples/fuzz_seeds.rs`): thin wrappers over readers that are
//! not public, with no behaviour of their own. Not part of tincay's API.
//!
//! Every other reader the targets fuzz is public already (the record decoder, the event
//! codecs, the request bodies and `decide`, the web forms).

use std::sync::OnceLock;

use crate::app::lists::cursor;
use crate::domain::ids::UserId;
use crate::projections::cases::CaseCursor;
use crate::projections::checkpoint;
use crate::projections::runner::Projections;
use crate::store::backup::{self, BackupError, BackupInfo};
use crate::store::crypto::{DataKey, KeyMaterial, MasterKey};
use crate::store::log::EventLog;

/// The master key of the fuzz targets' backups: the one the test suite's logs are under
/// (`tests/suite/support.rs`), so that the seeds it exports read back.
pub const MASTER_KEY: [u8; 32] = [7; 32];

/// A backup file read and checked as a restore does first, under [`MASTER_KEY`].
pub fn scan_backup(file: &[u8]) -> Result<BackupInfo, BackupError> {
    backup::scan::scan_from(file, "fuzz", &MasterKey::from_bytes(MASTER_KEY))
}

/// `bytes` (a backup's magic and frames) closed with the end frame and MAC a backup under
/// [`MASTER_KEY`] has, so that a fuzzer reaches the checks behind the MAC.
pub fn close_backup(bytes: &[u8]) -> Vec<u8> {
    let mut file = bytes.to_vec();
    file.extend(backup::end_frame(&MasterKey::from_bytes(MASTER_KEY), bytes));
    file
}

/// The key the fuzz targets' cursors are sealed under (fixed, so seeds stay valid).
fn cursor_key() -> &'static DataKey {
    static KEY: OnceLock<DataKey> = OnceLock::new();
    KEY.get_or_init(|| DataKey::from_material(KeyMaterial::from_bytes([0x5a; 32])))
}

/// The user the fuzz targets' cursors are sealed for (a cursor is bound to its user).
fn cursor_owner() -> UserId {
    UserId::from_uuid(uuid::Uuid::nil())
}

/// `GET /cases`'s `cursor`, read as the server reads it (under the fuzzing key).
pub fn decode_cursor(text: &str) -> Option<CaseCursor> {
    cursor::open(cursor_key(), &cursor_owner(), text)
}

/// A cursor as the server writes it (under the fuzzing key).
pub fn encode_cursor(cursor: CaseCursor) -> String {
    cursor::seal(cursor_key(), &cursor_owner(), cursor)
}

/// Any `plain` bytes sealed as the server seals a cursor's text (under the fuzzing key), so
/// a fuzzer reaches the parsing behind the AEAD.
pub fn seal_cursor(plain: &[u8]) -> String {
    cursor::seal_plain(cursor_key(), &cursor_owner(), plain)
}

/// A projection checkpoint whose stream is given unsealed, read as a start reads one (every
/// case key counts as destroyed); the number of cases it restores.
pub fn read_checkpoint(file: &[u8]) -> Result<usize, &'static str> {
    checkpoint::read_unsealed(file)
}

/// The checkpoint of `projections` over `log`, its stream unsealed, as
/// [`read_checkpoint`] reads it.
pub fn write_checkpoint(
    log: &EventLog,
    projections: &Projections,
) -> Result<Vec<u8>, checkpoint::CheckpointError> {
    checkpoint::write_unsealed(log, projections)
}
