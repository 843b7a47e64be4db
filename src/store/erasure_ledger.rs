//! The erasure ledger: every erasure, written to a file kept *outside* the data directory
//! (next to the backups) before the erasure is appended, so that restoring a backup taken
//! before an erasure never brings the erased case back. SECURITY-SENSITIVE.
//!
//! Why: erasure destroys a case's data key, but a backup taken earlier still holds it. A
//! restore therefore re-applies, from the ledger, every erasure whose case still has its key
//! in the restored log ([`reapply`]): it appends the same `case_erased` event again, which
//! destroys the key again. The ledger lives with the backups and travels with them, because
//! the disaster that makes a restore necessary may take the data directory with it.
//!
//! One JSON object per line, appended and fsynced before the erasure is written to the log
//! (so an erasure that is acknowledged is always listed; one that then fails is listed too,
//! and a restore carries it out, as its supervisor asked):
//!
//! ```text
//! {"log": log id hex, "stream": "case-…", "at": RFC 3339, "event": "case_erased", "schema": 1,
//!  "nonce": hex, "facts": base64, "mac": hex}
//! ```
//!
//! `facts` is the event's coded part sealed under the store's facts key (AES-256-GCM, bound
//! to the log id and stream), so the ledger holds no more than the log does in the clear: a
//! random case id, a time, an event type. `mac` is a keyed hash under the chain key over every
//! other field, so nobody without the key can add a line that would erase a case on restore.
//! A last line without its newline is a write that was cut short (its erasure was never
//! appended) and is ignored; any other line that does not verify stops the restore's replay.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::domain::case::CaseEvent;
use crate::domain::codec::{EncodedEvent, EventCodec, PiiState, StoredEvent};
use crate::store::crypto::{Plaintext, Sealed};
use crate::store::engine::{KeyId, KeyState, StoreError};
use crate::store::format::LogId;
use crate::store::hex::{hex, unhex};
use crate::store::keyring::Keyring;
use crate::store::log::{AppendError, AppendRequest, EventLog, ExpectedVersion};
use crate::store::stream::StreamId;

const AAD_LABEL: &[u8] = b"tincay-erasure-ledger-v1";
const MAC_LABEL: &str = "erasure-ledger-v1";

/// An open ledger file, appended to by the log on every erasure.
#[derive(Debug)]
pub struct ErasureLedger {
    path: PathBuf,
    file: Mutex<File>,
}

/// One line as stored.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    log: String,
    stream: String,
    at: String,
    event: String,
    schema: u32,
    nonce: String,
    facts: String,
    mac: String,
}

/// One verified erasure from the ledger.
#[derive(Debug)]
pub struct LedgerEntry {
    pub stream: StreamId,
    pub at: OffsetDateTime,
    pub event_type: String,
    pub schema_version: u32,
    /// The event's coded part (decrypted; never printed).
    pub facts: Plaintext,
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("cannot read the erasure ledger {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "line {line} of the erasure ledger belongs to another log ({found}, not {expected}): \
         is the ledger path that of this deployment?"
    )]
    OtherLog {
        line: usize,
        found: String,
        expected: String,
    },
    #[error(
        "line {line} of the erasure ledger does not verify (altered, or not written with this \
         log's keys): fix or remove that line and run the restore again"
    )]
    Invalid { line: usize },
    #[error("the ledger names an erasure of {stream} that cannot be carried out: {reason}")]
    Replay { stream: String, reason: String },
    #[error(transparent)]
    Append(#[from] AppendError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ErasureLedger {
    /// Open (creating, mode 0600) the ledger at `path` for appending.
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let created = !path.exists();
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path)?;
        if created {
            file.sync_all()?;
            let parent = match path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent,
                _ => Path::new("."),
            };
            File::open(parent)?.sync_all()?;
        }
        Ok(Self {
            path: path.to_owned(),
            file: Mutex::new(file),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// List the erasing events of `request` durably. Called by the log before the append.
    pub fn record(
        &self,
        keys: &Keyring,
        log: LogId,
        request: &AppendRequest,
    ) -> std::io::Result<()> {
        let at = request
            .recorded_at
            .to_offset(time::UtcOffset::UTC)
            .format(&Rfc3339)
            .map_err(std::io::Error::other)?;
        let mut text = String::new();
        for event in &request.events {
            let line = seal_line(keys, log, &request.stream, &at, event);
            let json = serde_json::to_string(&line).map_err(std::io::Error::other)?;
            text.push_str(&json);
            text.push('\n');
        }
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        file.write_all(text.as_bytes())?;
        file.sync_data()
    }
}

fn aad(log: LogId, stream: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(AAD_LABEL.len() + 16 + stream.len());
    aad.extend_from_slice(AAD_LABEL);
    aad.extend_from_slice(&log.0);
    aad.extend_from_slice(stream.as_bytes());
    aad
}

/// The bytes the MAC covers: every field but the MAC, each ended by a zero byte.
fn mac_input(line: &Line) -> Vec<u8> {
    let mut input = Vec::new();
    for field in [
        &line.log,
        &line.stream,
        &line.at,
        &line.event,
        &line.schema.to_string(),
        &line.nonce,
        &line.facts,
    ] {
        input.extend_from_slice(field.as_bytes());
        input.push(0);
    }
    input
}

fn seal_line(
    keys: &Keyring,
    log: LogId,
    stream: &StreamId,
    at: &str,
    event: &EncodedEvent,
) -> Line {
    let sealed = keys.facts().seal(&aad(log, stream.as_str()), &event.facts);
    let mut line = Line {
        log: log.to_string(),
        stream: stream.as_str().to_owned(),
        at: at.to_owned(),
        event: event.event_type.to_owned(),
        schema: event.schema_version,
        nonce: hex(&sealed.nonce),
        facts: STANDARD.encode(&sealed.ciphertext),
        mac: String::new(),
    };
    line.mac = hex(&keys.chain().keyed_hash(MAC_LABEL, &mac_input(&line)));
    line
}

/// Read and verify every erasure in the ledger at `path` for the log `log`. A missing file
/// is an empty ledger.
pub fn read(path: &Path, keys: &Keyring, log: LogId) -> Result<Vec<LedgerEntry>, LedgerError> {
    let io = |source| LedgerError::Io {
        path: path.display().to_string(),
        source,
    };
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(e)),
    };
    let mut reader = BufReader::new(file);
    let mut entries = Vec::new();
    let mut raw = String::new();
    for number in 1.. {
        raw.clear();
        if reader.read_line(&mut raw).map_err(io)? == 0 {
            break;
        }
        let Some(text) = raw.strip_suffix('\n') else {
            tracing::warn!(line = number, "erasure ledger: ignoring a line cut short");
            break;
        };
        if text.trim().is_empty() {
            continue;
        }
        entries.push(open_line(text, number, keys, log)?);
    }
    Ok(entries)
}

fn open_line(
    text: &str,
    number: usize,
    keys: &Keyring,
    log: LogId,
) -> Result<LedgerEntry, LedgerError> {
    let invalid = || LedgerError::Invalid { line: number };
    let line: Line = serde_json::from_str(text).map_err(|_| invalid())?;
    if line.log != log.to_string() {
        return Err(LedgerError::OtherLog {
            line: number,
            found: line.log,
            expected: log.to_string(),
        });
    }
    let mac = unhex::<32>(&line.mac).ok_or_else(invalid)?;
    let expected = keys.chain().keyed_hash(MAC_LABEL, &mac_input(&line));
    if !bool::from(subtle::ConstantTimeEq::ct_eq(&mac[..], &expected[..])) {
        return Err(invalid());
    }
    let stream = StreamId::parse(&line.stream).map_err(|_| invalid())?;
    let at = OffsetDateTime::parse(&line.at, &Rfc3339).map_err(|_| invalid())?;
    let sealed = Sealed {
        nonce: unhex::<12>(&line.nonce).ok_or_else(invalid)?,
        ciphertext: STANDARD.decode(&line.facts).map_err(|_| invalid())?,
    };
    let facts = keys
        .facts()
        .open(&aad(log, stream.as_str()), &sealed)
        .map_err(|_| invalid())?;
    Ok(LedgerEntry {
        stream,
        at,
        event_type: line.event,
        schema_version: line.schema,
        facts,
    })
}

/// What [`reapply`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reapplied {
    /// Cases the ledger names.
    pub listed: usize,
    /// Erased again: their key had come back with the backup.
    pub erased: usize,
    /// Already erased in the restored log.
    pub already: usize,
    /// Not in the restored log at all (created after the backup): nothing to erase.
    pub absent: usize,
}

/// Carry out, on a freshly restored log, every erasure in `entries` whose case still has its
/// data key. `log` must be opened without a ledger (the erasures are listed already).
pub fn reapply(log: &EventLog, entries: &[LedgerEntry]) -> Result<Reapplied, LedgerError> {
    let mut done = Reapplied::default();
    let mut seen = HashSet::new();
    for entry in entries {
        if !seen.insert(entry.stream.clone()) {
            continue;
        }
        done.listed += 1;
        match log.store().key(&KeyId::stream(&entry.stream))? {
            KeyState::Destroyed => done.already += 1,
            KeyState::Missing => done.absent += 1,
            KeyState::Wrapped(_) => {
                let event = erasing_event(entry)?;
                log.append_blocking(AppendRequest {
                    stream: entry.stream.clone(),
                    expected: ExpectedVersion::Any,
                    events: vec![event],
                    idempotency: None,
                    actor: None,
                    recorded_at: entry.at,
                    erase: true,
                })?;
                done.erased += 1;
            }
        }
    }
    Ok(done)
}

/// The entry's event, read through the domain's codec (upcast to the current version), which
/// must be a case erasure.
fn erasing_event(entry: &LedgerEntry) -> Result<EncodedEvent, LedgerError> {
    let replay = |reason: String| LedgerError::Replay {
        stream: entry.stream.to_string(),
        reason,
    };
    let stored = StoredEvent {
        event_type: &entry.event_type,
        schema_version: entry.schema_version,
        facts: entry.facts.as_bytes(),
        pii: PiiState::Absent,
    };
    match CaseEvent::decode(stored) {
        Ok(event @ CaseEvent::CaseErased { .. }) => event
            .encode()
            .map_err(|e| replay(crate::domain::codec::describe_json_error(&e))),
        Ok(_) => Err(replay("its event is not a case erasure".into())),
        Err(error) => Err(replay(error.to_string())),
    }
}
