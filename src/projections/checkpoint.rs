//! Projection checkpoints: every projection's state at one log position, saved in the data
//! directory so a restart catches up from there instead of replaying the whole log.
//! SECURITY-SENSITIVE: the projections hold personal data.
//!
//! # The file
//!
//! `projections.checkpoint`, written to a temporary name, fsynced, renamed over the old one,
//! and the directory fsynced, so a crash leaves the old checkpoint or the new one. It is JSON:
//!
//! ```text
//! {"format":1, "position":P, "record":"<sha-256 of the stored record at P>",
//!  "nonce":"…", "body":"…"}            (base64)
//! ```
//!
//! `body` is AES-256-GCM under the *checkpoint key*, derived from the store's chain key
//! (`keyed_hash("projections/checkpoint-key/v1")`), so it needs no key of its own and a master
//! key rotation does not touch it. The associated data binds the format, the position and the
//! record hash.
//!
//! Inside, each case's personal data (the day it was opened, a pending closure request's
//! notes) is sealed once more under *that case's* data key, so erasing a case (destroying its
//! key) shreds it in the checkpoint too: a case whose key is gone at load is restored
//! without it, as erasure would have left it.
//!
//! # When it is used
//!
//! At load, the checkpoint is used only if the log still holds, at its position, the very
//! record it was taken after (same hash): a checkpoint from another directory, from before a
//! restore, or ahead of a log that lost its tail is ignored, and the projections are rebuilt
//! from the first event. Any doubt means rebuilding, never serving a wrong answer.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Date;

use crate::domain::case::{CaseClosureRequestedPii, CaseState, CaseStatus};
use crate::domain::ids::CaseId;
use crate::projections::registry::RegistryData;
use crate::projections::runner::{Projections, Snapshot};
use crate::stats::projection::StatsSnapshot;
use crate::store::crypto::{DataKey, KeyMaterial, PlaintextBuffer, Sealed};
use crate::store::keyring::StreamKey;
use crate::store::log::EventLog;
use crate::store::stream::StreamId;

/// The checkpoint's file name inside the data directory.
pub const FILE_NAME: &str = "projections.checkpoint";

/// The checkpoint file format this code writes and reads.
const FORMAT: u32 = 1;

/// The file is written through a buffer of this size.
const WRITE_BUFFER: usize = 1 << 20;

/// The label the checkpoint key is derived under.
const KEY_LABEL: &str = "projections/checkpoint-key/v1";

/// The checkpoint of a data directory.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("cannot write the projection checkpoint: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot read the log for the projection checkpoint: {0}")]
    Store(#[from] crate::store::engine::StoreError),
    #[error("cannot read a case key for the projection checkpoint: {0}")]
    Keys(#[from] crate::store::keyring::KeyringError),
    #[error("the projection checkpoint cannot be encoded")]
    Encode,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    registry: RegistryData,
    cases: Vec<CaseEntry>,
    stats: StatsSnapshot,
}

/// One case: its state without personal data, and the personal part sealed under its key.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseEntry {
    id: CaseId,
    state: CaseState,
    /// `None` when the case has nothing personal (erased), or no key to seal it under.
    private: Option<SealedPrivate>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SealedPrivate {
    nonce: String,
    body: String,
}

/// A case's personal part of the index.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Private {
    opened_on: Option<Date>,
    closure_pii: Option<CaseClosureRequestedPii>,
}

/// Save `projections` as the directory's checkpoint. Returns the position saved.
pub fn save(
    data_dir: &Path,
    log: &EventLog,
    projections: &Projections,
) -> Result<u64, CheckpointError> {
    let (position, snapshot) = projections.snapshot();
    write(data_dir, log, position, snapshot)?;
    Ok(position)
}

/// Write a snapshot taken at `position` as the directory's checkpoint.
pub fn write(
    data_dir: &Path,
    log: &EventLog,
    position: u64,
    snapshot: Snapshot,
) -> Result<(), CheckpointError> {
    if position == 0 {
        return Ok(());
    }
    let Some(record) = record_hash(log, position)? else {
        // The log does not hold the position the projections applied: nothing to save.
        return Ok(());
    };
    let mut cases = Vec::with_capacity(snapshot.cases.len());
    for (id, mut state, opened_on) in snapshot.cases {
        let closure_pii = state
            .closure_request
            .as_mut()
            .and_then(|request| request.pii.take());
        let private = Private {
            opened_on,
            closure_pii,
        };
        let private = if state.status == Some(CaseStatus::Erased) {
            None
        } else {
            seal_private(log, &id, &private)?
        };
        cases.push(CaseEntry { id, state, private });
    }
    let body = Body {
        registry: snapshot.registry,
        cases,
        stats: snapshot.stats,
    };
    // The state is held once more as plaintext, encrypted where it lies, and base64-encoded
    // straight into the file: no other copy of its size is made.
    let mut plain = PlaintextBuffer::default();
    serde_json::to_writer(&mut plain, &body).map_err(|_| CheckpointError::Encode)?;
    drop(body);
    let sealed = checkpoint_key(log).seal_owned(&aad(position, &record), plain);
    write_atomically(data_dir, |file| {
        write_envelope(file, position, &record, &sealed)
    })?;
    Ok(())
}

/// The file's bytes exactly as `serde_json` writes an [`Envelope`], with the body encoded
/// into `out` piece by piece rather than into a string first. Hex and base64 need no JSON
/// escaping.
fn write_envelope(
    out: &mut impl Write,
    position: u64,
    record: &str,
    sealed: &Sealed,
) -> std::io::Result<()> {
    let nonce = BASE64.encode(sealed.nonce);
    write!(
        out,
        r#"{{"format":{FORMAT},"position":{position},"record":"{record}","nonce":"{nonce}","body":""#
    )?;
    {
        let mut body = base64::write::EncoderWriter::new(&mut *out, &BASE64);
        body.write_all(&sealed.ciphertext)?;
        body.finish()?;
    }
    out.write_all(br#""}"#)
}

/// Load the directory's checkpoint into `projections` (fresh, nothing applied) if there is
/// one that belongs to this log. Returns the position it restored, or `None` (no usable
/// checkpoint: the caller catches up from the first event). Never fails the start: a
/// checkpoint that cannot be used is logged and ignored.
pub fn load(data_dir: &Path, log: &EventLog, projections: &Projections) -> Option<u64> {
    let file = path(data_dir);
    let bytes = match fs::read(&file) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
        Err(error) => {
            tracing::warn!(%error, "the projection checkpoint cannot be read; rebuilding");
            return None;
        }
    };
    match decode(bytes, log) {
        Ok(Some((position, snapshot))) => {
            projections.restore(position, snapshot);
            tracing::info!(position, "projections restored from their checkpoint");
            Some(position)
        }
        Ok(None) => {
            tracing::warn!("the projection checkpoint does not match this log; rebuilding");
            None
        }
        Err(reason) => {
            tracing::warn!(
                reason,
                "the projection checkpoint cannot be used; rebuilding"
            );
            None
        }
    }
}

/// Delete the directory's checkpoint (before a rebuild). Absent is fine.
pub fn remove(data_dir: &Path) -> Result<(), CheckpointError> {
    match fs::remove_file(path(data_dir)) {
        Ok(()) => Ok(sync_dir(data_dir)?),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error.into()),
    }
}

/// The file's JSON (see the module documentation). Read with its body borrowed from the
/// file's bytes (base64 needs no JSON escaping, so the text is never copied); written by
/// [`write_envelope`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope<'a> {
    format: u32,
    position: u64,
    record: String,
    nonce: String,
    body: &'a str,
}

/// The file's bytes are decoded from base64 into the ciphertext, dropped, and the ciphertext
/// decrypted where it lies, so loading holds at most the file and the ciphertext at once,
/// then the plaintext and what is parsed from it.
fn decode(bytes: Vec<u8>, log: &EventLog) -> Result<Option<(u64, Snapshot)>, &'static str> {
    let envelope: Envelope<'_> =
        serde_json::from_slice(&bytes).map_err(|_| "unreadable envelope")?;
    if envelope.format != FORMAT {
        return Err("another checkpoint format");
    }
    let (position, record) = (envelope.position, envelope.record);
    let current = record_hash(log, position).map_err(|_| "the log cannot be read")?;
    if current.as_deref() != Some(record.as_str()) {
        return Ok(None);
    }
    let sealed = from_base64(&envelope.nonce, envelope.body).ok_or("bad nonce or body")?;
    drop(bytes);
    let plain = checkpoint_key(log)
        .open_owned(&aad(position, &record), sealed)
        .map_err(|_| "the checkpoint does not decrypt")?;
    let body: Body = serde_json::from_slice(plain.as_bytes()).map_err(|_| "unreadable body")?;
    drop(plain);
    let mut cases = Vec::with_capacity(body.cases.len());
    for entry in body.cases {
        let CaseEntry {
            id,
            mut state,
            private,
        } = entry;
        let private = match private {
            Some(sealed) => open_private(log, &id, &sealed)?,
            None => None,
        };
        let opened_on = match private {
            Some(private) => {
                if let (Some(request), Some(pii)) =
                    (state.closure_request.as_mut(), private.closure_pii)
                {
                    request.pii = Some(pii);
                }
                private.opened_on
            }
            // Erased (or erased since): only the month survives, as erasure leaves it.
            None => state.opened_in.and_then(|month| month.first_day()),
        };
        cases.push((id, state, opened_on));
    }
    Ok(Some((
        position,
        Snapshot {
            registry: body.registry,
            cases,
            stats: body.stats,
        },
    )))
}

fn seal_private(
    log: &EventLog,
    id: &CaseId,
    private: &Private,
) -> Result<Option<SealedPrivate>, CheckpointError> {
    let StreamKey::Present(key) = log
        .keys()
        .stream_key_once(log.store().as_ref(), &StreamId::case(id))?
    else {
        return Ok(None);
    };
    let plain =
        zeroize::Zeroizing::new(serde_json::to_vec(private).map_err(|_| CheckpointError::Encode)?);
    let sealed = key.seal(&private_aad(id), &plain);
    Ok(Some(SealedPrivate {
        nonce: BASE64.encode(sealed.nonce),
        body: BASE64.encode(&sealed.ciphertext),
    }))
}

/// A case's personal part, or `None` when its key was destroyed (erased since).
fn open_private(
    log: &EventLog,
    id: &CaseId,
    sealed: &SealedPrivate,
) -> Result<Option<Private>, &'static str> {
    let key = match log
        .keys()
        .stream_key_once(log.store().as_ref(), &StreamId::case(id))
    {
        Ok(StreamKey::Present(key)) => key,
        Ok(StreamKey::Destroyed | StreamKey::Missing) => return Ok(None),
        Err(_) => return Err("a case key cannot be read"),
    };
    let sealed = from_base64(&sealed.nonce, &sealed.body).ok_or("bad case nonce or body")?;
    let plain = key
        .open(&private_aad(id), &sealed)
        .map_err(|_| "a case's part does not decrypt")?;
    serde_json::from_slice(plain.as_bytes())
        .map(Some)
        .map_err(|_| "unreadable case part")
}

/// SHA-256 of the stored record at `position`, hex; `None` if the log has no such record.
fn record_hash(log: &EventLog, position: u64) -> Result<Option<String>, CheckpointError> {
    let records = log.store().read_from(position, 1)?;
    Ok(records
        .first()
        .filter(|record| record.position == position)
        .map(|record| hex(&Sha256::digest(&record.bytes))))
}

/// A nonce and a ciphertext as the file writes them (base64).
fn from_base64(nonce: &str, ciphertext: impl AsRef<[u8]>) -> Option<Sealed> {
    Some(Sealed {
        nonce: BASE64.decode(nonce).ok()?.try_into().ok()?,
        ciphertext: BASE64.decode(ciphertext).ok()?,
    })
}

fn checkpoint_key(log: &EventLog) -> DataKey {
    let material = log.keys().chain().keyed_hash(KEY_LABEL, b"");
    DataKey::from_material(KeyMaterial::from_bytes(material))
}

fn aad(position: u64, record: &str) -> Vec<u8> {
    let mut aad = format!("tincay/projections/checkpoint/v{FORMAT}\0").into_bytes();
    aad.extend_from_slice(&position.to_be_bytes());
    aad.extend_from_slice(record.as_bytes());
    aad
}

fn private_aad(id: &CaseId) -> Vec<u8> {
    format!(
        "tincay/projections/checkpoint-case/v{FORMAT}\0{}",
        id.as_uuid()
    )
    .into_bytes()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn write_atomically(
    data_dir: &Path,
    write: impl FnOnce(&mut BufWriter<fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let staging = data_dir.join(format!("{FILE_NAME}.tmp"));
    {
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = BufWriter::with_capacity(WRITE_BUFFER, options.open(&staging)?);
        write(&mut file)?;
        file.into_inner()
            .map_err(std::io::IntoInnerError::into_error)?
            .sync_all()?;
    }
    fs::rename(&staging, path(data_dir))?;
    sync_dir(data_dir)
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_is_written_byte_for_byte_as_serde_json_writes_it() {
        // Bodies of every length modulo 3 (base64 padding) and one larger than the encoder's
        // internal buffer.
        for length in [0, 1, 2, 3, 100, 5_000] {
            let sealed = Sealed {
                nonce: std::array::from_fn(|i| u8::try_from(i * 37 % 256).unwrap()),
                ciphertext: (0..length)
                    .map(|i| u8::try_from(i % 251).unwrap())
                    .collect(),
            };
            let record = hex(&Sha256::digest(b"a record"));
            let mut streamed = Vec::new();
            write_envelope(&mut streamed, 1_053_412, &record, &sealed).unwrap();
            let envelope = Envelope {
                format: FORMAT,
                position: 1_053_412,
                record,
                nonce: BASE64.encode(sealed.nonce),
                body: &BASE64.encode(&sealed.ciphertext),
            };
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                serde_json::to_string(&envelope).unwrap()
            );
        }
    }
}
