//! Projection checkpoints: every projection's state at one log position, saved in the data
//! directory so a restart catches up from there instead of replaying the whole log.
//! SECURITY-SENSITIVE: the projections hold personal data.
//!
//! # The file
//!
//! `projections.checkpoint`, written to a temporary name, fsynced, renamed over the old one,
//! and the directory fsynced, so a crash leaves the old checkpoint or the new one. It is a
//! JSON header line, then the state as one stream sealed segment by segment
//! ([`crate::store::crypto::stream`]), so that neither saving nor loading ever holds the whole
//! state as plaintext or as ciphertext:
//!
//! ```text
//! {"format":2,"position":P,"record":"<sha-256 of the stored record at P>"}\n
//! <the sealed stream>
//! ```
//!
//! The stream is sealed under the *checkpoint key*, derived from the store's chain key
//! (`keyed_hash("projections/checkpoint-key/v1")`), so it needs no key of its own and a master
//! key rotation does not touch it. Its associated data binds the format, the position and the
//! record hash. Inside it: a frame (length u32 little-endian, then JSON) with the registry,
//! the offline outbox's held records (no personal data), the number of cases and the
//! statistics' places and counts; one frame per case; then the
//! statistics' packed cases and links ([`StatsSnapshot::write_packed`]).
//!
//! Each case's personal data (the day it was opened, a pending closure request's notes) is
//! sealed once more under *that case's* data key, so erasing a case (destroying its key)
//! shreds it in the checkpoint too: a case whose key is gone at load is restored without it,
//! as erasure would have left it.
//!
//! # When it is used
//!
//! At load, the checkpoint is used only if the log still holds, at its position, the very
//! record it was taken after (same hash): a checkpoint from another directory, from before a
//! restore, or ahead of a log that lost its tail is ignored, and the projections are rebuilt
//! from the first event. So is a checkpoint of another format (format 1 was one sealed JSON
//! body), or one that does not open to its end. Any doubt means rebuilding, never serving a
//! wrong answer.

use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Date;
use zeroize::Zeroizing;

use crate::domain::case::{CaseClosureRequestedPii, CaseState, CaseStatus};
use crate::domain::ids::CaseId;
use crate::projections::cases::{CaseTable, IndexedCase};
use crate::projections::held::HeldTable;
use crate::projections::registry::RegistryData;
use crate::projections::runner::{Projections, Restored, Snapshot};
use crate::stats::snapshot::{StatsHead, StatsSnapshot};
use crate::store::crypto::{DataKey, PlaintextBuffer, Sealed};
use crate::store::hex::hex;
use crate::store::keyring::StreamKey;
use crate::store::log::EventLog;
use crate::store::stream::StreamId;

/// The checkpoint's file name inside the data directory.
pub const FILE_NAME: &str = "projections.checkpoint";

/// The checkpoint file format this code writes and reads.
const FORMAT: u32 = 2;

/// The file is written and read through buffers of this size.
const FILE_BUFFER: usize = 1 << 20;

/// The header line is at most this long.
const HEADER_LIMIT: u64 = 4096;

/// No frame is larger (the registry's is the largest).
const FRAME_LIMIT: usize = 256 << 20;

/// At most this many cases are allocated for before they are read: the count is only what
/// the file claims (a claimed 10^8 once allocated gigabytes before failing; fuzz target
/// `checkpoint_read`).
const PREALLOCATED_CASES: usize = 1 << 12;

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
    /// A checkpoint would forget which case streams are set aside (they are not saved), so
    /// none is saved while one is: a start replays from the last one and meets them again.
    #[error(
        "no projection checkpoint is saved while {cases} case stream(s) are set aside \
         (first undecodable event at position {position})"
    )]
    SetAside { cases: u64, position: u64 },
}

/// The header line.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: u32,
    position: u64,
    record: String,
}

/// The stream's first frame: what comes before the cases, and how many cases follow.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Head {
    registry: RegistryData,
    /// Absent from checkpoints written before held records were projected: such a
    /// checkpoint is not used (the projections are rebuilt from the first event).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    held: Option<HeldTable>,
    cases: u64,
    stats: StatsHead,
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
    let aside = projections.set_aside.summary();
    if aside.cases > 0 {
        return Err(CheckpointError::SetAside {
            cases: aside.cases,
            position: aside.first_position,
        });
    }
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
    let header = Header {
        format: FORMAT,
        position,
        record,
    };
    let aad = aad(position, &header.record);
    write_atomically(data_dir, |file| {
        serde_json::to_writer(&mut *file, &header).map_err(|_| CheckpointError::Encode)?;
        file.write_all(b"\n")?;
        let mut sealed = checkpoint_key(log).seal_stream(&aad, file)?;
        write_state(&mut sealed, snapshot, |id, private, plain| {
            seal_private(log, id, private, plain)
        })?;
        sealed.finish()?;
        Ok(())
    })
}

/// The state, as the stream holds it (module documentation).
fn write_state(
    out: &mut impl Write,
    snapshot: Snapshot,
    mut seal: impl FnMut(
        &CaseId,
        &Private,
        &mut PlaintextBuffer,
    ) -> Result<Option<SealedPrivate>, CheckpointError>,
) -> Result<(), CheckpointError> {
    // Reused for every case: each grows a few times at most, zeroizing what it outgrows.
    let (mut frame, mut private_plain) = (PlaintextBuffer::default(), PlaintextBuffer::default());
    let head = Head {
        registry: snapshot.registry,
        held: Some(snapshot.held),
        cases: snapshot.cases.len() as u64,
        stats: snapshot.stats.head().clone(),
    };
    write_frame(out, &mut frame, &head)?;
    for (id, case) in snapshot.cases {
        let IndexedCase {
            mut state,
            opened_on,
        } = case;
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
            seal(&id, &private, &mut private_plain)?
        };
        write_frame(out, &mut frame, &CaseEntry { id, state, private })?;
    }
    snapshot.stats.write_packed(out)?;
    Ok(())
}

/// A frame: the value's JSON length (u32, little-endian), then its JSON.
fn write_frame(
    out: &mut impl Write,
    frame: &mut PlaintextBuffer,
    value: &impl Serialize,
) -> Result<(), CheckpointError> {
    frame.clear();
    serde_json::to_writer(&mut *frame, value).map_err(|_| CheckpointError::Encode)?;
    let length = u32::try_from(frame.as_bytes().len()).map_err(|_| CheckpointError::Encode)?;
    out.write_all(&length.to_le_bytes())?;
    out.write_all(frame.as_bytes())?;
    Ok(())
}

/// Load the directory's checkpoint into `projections` (fresh, nothing applied) if there is
/// one that belongs to this log. Returns the position it restored, or `None` (no usable
/// checkpoint: the caller catches up from the first event). Never fails the start: a
/// checkpoint that cannot be used is logged and ignored.
pub fn load(data_dir: &Path, log: &EventLog, projections: &Projections) -> Option<u64> {
    let file = match fs::File::open(path(data_dir)) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
        Err(error) => {
            tracing::warn!(%error, "the projection checkpoint cannot be read; rebuilding");
            return None;
        }
    };
    match read(file, log) {
        Ok(Some((position, restored))) => {
            projections.restore(position, restored);
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

/// The checkpoint's state, read and opened as it streams from the file: one case's
/// plaintext at a time, never the whole. Nothing is restored unless the stream opens to its
/// authenticated end.
fn read(input: impl Read, log: &EventLog) -> Result<Option<(u64, Restored)>, &'static str> {
    let mut input = BufReader::with_capacity(FILE_BUFFER, input);
    let header = read_header(&mut input)?;
    let position = header.position;
    let current = record_hash(log, position).map_err(|_| "the log cannot be read")?;
    if current.as_deref() != Some(header.record.as_str()) {
        return Ok(None);
    }
    let mut plain = checkpoint_key(log)
        .open_stream(&aad(position, &header.record), input)
        .map_err(|_| CUT_OR_ALTERED)?;
    let (restored, held) = read_state(&mut plain, |id, sealed| open_private(log, id, sealed))?;
    plain.ensure_end().map_err(|_| CUT_OR_ALTERED)?;
    let held = held.ok_or("written before held records were projected")?;
    Ok(Some((position, Restored { held, ..restored })))
}

/// The header line, in this format.
fn read_header(input: &mut impl BufRead) -> Result<Header, &'static str> {
    let mut line = Vec::new();
    input
        .take(HEADER_LIMIT)
        .read_until(b'\n', &mut line)
        .map_err(|_| "the header cannot be read")?;
    // Format 1 was a single JSON object, with no header line.
    let header = line
        .strip_suffix(b"\n")
        .and_then(|line| serde_json::from_slice::<Header>(line).ok())
        .ok_or("another checkpoint format, or no header")?;
    if header.format != FORMAT {
        return Err("another checkpoint format");
    }
    Ok(header)
}

/// The state from the opened stream `plain` (up to its end, which the caller checks);
/// `open` opens a case's sealed personal part, or says its key is gone. The held records
/// beside it, when the checkpoint has them (`Restored::held` is then empty).
fn read_state(
    plain: &mut impl Read,
    open: impl Fn(&CaseId, &SealedPrivate) -> Result<Option<Private>, &'static str>,
) -> Result<(Restored, Option<HeldTable>), &'static str> {
    let head: Head = read_frame(plain)?;
    let count = usize::try_from(head.cases).map_err(|_| "too many cases")?;
    let mut cases = CaseTable::with_capacity(count.min(PREALLOCATED_CASES));
    for _ in 0..count {
        let (id, case) = restore_case(read_frame(plain)?, &open)?;
        cases.insert(id, case);
    }
    let stats = StatsSnapshot::unpack(head.stats, plain).map_err(|_| CUT_OR_ALTERED)?;
    Ok((
        Restored {
            registry: head.registry,
            cases,
            held: HeldTable::new(),
            stats,
        },
        head.held,
    ))
}

/// For the fuzz targets ([`crate::fuzzing`]): a checkpoint file whose stream is given as the
/// plaintext it seals, read as [`load`] reads it, with every case's key destroyed. Returns
/// how many cases it restored.
pub(crate) fn read_unsealed(mut file: &[u8]) -> Result<usize, &'static str> {
    read_header(&mut file)?;
    let (restored, _) = read_state(&mut file, |_, _| Ok(None))?;
    Ok(restored.cases.len())
}

/// For the seed corpus of the fuzz targets: the checkpoint [`save`] would write of
/// `projections`, with its stream left unsealed (each case's personal part is sealed, as in
/// the file).
pub(crate) fn write_unsealed(
    log: &EventLog,
    projections: &Projections,
) -> Result<Vec<u8>, CheckpointError> {
    let (position, snapshot) = projections.snapshot();
    let record = record_hash(log, position)?.unwrap_or_default();
    let mut out = Vec::new();
    serde_json::to_writer(
        &mut out,
        &Header {
            format: FORMAT,
            position,
            record,
        },
    )
    .map_err(|_| CheckpointError::Encode)?;
    out.push(b'\n');
    write_state(&mut out, snapshot, |id, private, plain| {
        seal_private(log, id, private, plain)
    })?;
    Ok(out)
}

const CUT_OR_ALTERED: &str = "the checkpoint does not open: altered, cut off, or malformed";

/// The next frame's value (see [`write_frame`]).
fn read_frame<T: DeserializeOwned>(input: &mut impl Read) -> Result<T, &'static str> {
    let mut length = [0u8; 4];
    input.read_exact(&mut length).map_err(|_| CUT_OR_ALTERED)?;
    let length = usize::try_from(u32::from_le_bytes(length)).map_err(|_| CUT_OR_ALTERED)?;
    if length > FRAME_LIMIT {
        return Err(CUT_OR_ALTERED);
    }
    let mut frame = Zeroizing::new(vec![0u8; length]);
    input.read_exact(&mut frame).map_err(|_| CUT_OR_ALTERED)?;
    serde_json::from_slice(&frame).map_err(|_| "an unreadable frame")
}

/// A case as the index holds it, its personal part opened under its key (or, when the key
/// was destroyed since, only the month it was opened, as erasure leaves a case).
fn restore_case(
    entry: CaseEntry,
    open: impl Fn(&CaseId, &SealedPrivate) -> Result<Option<Private>, &'static str>,
) -> Result<(CaseId, IndexedCase), &'static str> {
    let CaseEntry {
        id,
        mut state,
        private,
    } = entry;
    let private = match private {
        Some(sealed) => open(&id, &sealed)?,
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
        None => state.opened_in.and_then(|month| month.first_day()),
    };
    Ok((id, IndexedCase { state, opened_on }))
}

/// Delete the directory's checkpoint (before a rebuild). Absent is fine.
pub fn remove(data_dir: &Path) -> Result<(), CheckpointError> {
    match fs::remove_file(path(data_dir)) {
        Ok(()) => Ok(sync_dir(data_dir)?),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error.into()),
    }
}

/// A case's personal part sealed under its key, serialized in `plain` (emptied first).
fn seal_private(
    log: &EventLog,
    id: &CaseId,
    private: &Private,
    plain: &mut PlaintextBuffer,
) -> Result<Option<SealedPrivate>, CheckpointError> {
    let StreamKey::Present(key) = log
        .keys()
        .stream_key_once(log.store().as_ref(), &StreamId::case(id))?
    else {
        return Ok(None);
    };
    plain.clear();
    serde_json::to_writer(&mut *plain, private).map_err(|_| CheckpointError::Encode)?;
    let sealed = key.seal(&private_aad(id), plain.as_bytes());
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
    log.keys().chain().derived_key(KEY_LABEL)
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

/// Write through `write` to a staging file, then put it in place; a failed write removes
/// the staging file and leaves the old checkpoint.
fn write_atomically(
    data_dir: &Path,
    write: impl FnOnce(&mut BufWriter<fs::File>) -> Result<(), CheckpointError>,
) -> Result<(), CheckpointError> {
    let staging = data_dir.join(format!("{FILE_NAME}.tmp"));
    let written = (|| {
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = BufWriter::with_capacity(FILE_BUFFER, options.open(&staging)?);
        write(&mut file)?;
        file.into_inner()
            .map_err(std::io::IntoInnerError::into_error)?
            .sync_all()?;
        Ok(())
    })();
    if let Err(error) = written {
        let _ = fs::remove_file(&staging);
        return Err(error);
    }
    fs::rename(&staging, path(data_dir))?;
    Ok(sync_dir(data_dir)?)
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    fs::File::open(dir)?.sync_all()
}
