//! Reading a backup and checking it with the master key, before a restore writes anything
//! (and after `tincay backup` wrote the file, to be sure it reads back).
//!
//! Checked: the magic; the header, and the master key against its key check value; the MAC
//! over the whole file (so nothing below can have been altered by whoever lacks the key);
//! records gap-free from position 1 to the head, each stream's versions gap-free, each
//! record's cleartext header agreeing with its frame, the head's MAC being the last record's;
//! the counts; and erasures both ways: a stream whose log holds `case_erased` has a destroyed
//! key (a backup never brings an erased case back), and a destroyed key belongs to a stream
//! whose log holds `case_erased` (a backup never makes a live case unreadable).

use std::collections::{HashMap, HashSet};
use std::io::{BufReader, Read};
use std::path::Path;

use super::frame::{Body, FrameReader};
use super::{
    BACKUP_VERSION, BackupError, BackupKey, Counts, Header, KEY_DESTROYED, KEY_WRAPPED, TAG_COUNTS,
    TAG_HEADER, TAG_IDEMPOTENCY, TAG_KEY, TAG_RECORD, unhex,
};
use crate::store::crypto::MasterKey;
use crate::store::engine::{KeyId, KeyState, StoredRecord};
use crate::store::erasure_check::{self, stream_of};
use crate::store::log::idempotency::last_position;
use crate::store::record::RecordView;
use crate::store::stream::StreamId;

/// A backup, read and checked.
#[derive(Debug)]
pub struct BackupInfo {
    pub header: Header,
    pub counts: Counts,
    /// Every wrapped key and tombstone, as they go into the restored key epoch.
    pub keys: Vec<(KeyId, KeyState)>,
    /// Idempotency entries by the last position of the append they remember.
    pub idempotency: HashMap<u64, ([u8; 32], Vec<u8>)>,
    pub bytes: u64,
}

/// Read and check the backup at `path` with `master` (see the module documentation).
pub fn scan(path: &Path, master: &MasterKey) -> Result<BackupInfo, BackupError> {
    let file = std::fs::File::open(path)
        .map_err(|e| BackupError::io(format!("cannot open {}", path.display()), e))?;
    scan_file(&file, &path.display().to_string(), master)
}

/// [`scan`] of an open file, read from where it stands; `name` names it in errors.
pub fn scan_file(
    file: &std::fs::File,
    name: &str,
    master: &MasterKey,
) -> Result<BackupInfo, BackupError> {
    let bytes = file
        .metadata()
        .map_err(|e| BackupError::io(format!("cannot read {name}"), e))?
        .len();
    let mut info = scan_from(BufReader::new(file), name, master)?;
    info.bytes = bytes;
    Ok(info)
}

/// [`scan`] from any reader; `name` names it in errors.
pub fn scan_from(
    input: impl Read,
    name: &str,
    master: &MasterKey,
) -> Result<BackupInfo, BackupError> {
    let mut reader = FrameReader::start(input, name, &BackupKey::of(master))?;
    let header = match reader.next()? {
        Some((TAG_HEADER, body)) => parse_header(body)?,
        _ => {
            return Err(BackupError::Damaged(
                "it does not start with a header".into(),
            ));
        }
    };
    // Before the MAC, so that the usual mistake gets the plain answer.
    let check_value = unhex::<32>(&header.key_check_value)
        .ok_or_else(|| BackupError::Damaged("the key check value is malformed".into()))?;
    if !master.matches(&check_value) {
        return Err(BackupError::WrongMasterKey);
    }
    let mut walk = Walk::default();
    let mut keys = Vec::new();
    let mut destroyed = HashSet::new();
    let mut key_states: HashMap<String, KeyState> = HashMap::new();
    let mut idempotency = HashMap::new();
    let mut written_counts = None;
    let mut section = TAG_RECORD;
    while let Some((tag, body)) = reader.next()? {
        if order(tag) < order(section) || written_counts.is_some() {
            return Err(BackupError::Damaged(format!(
                "a {:?} frame is out of order",
                char::from(tag)
            )));
        }
        section = tag;
        match tag {
            TAG_RECORD => walk.record(&parse_record(body)?)?,
            TAG_KEY => {
                let (id, state) = parse_key(body)?;
                if state == KeyState::Destroyed {
                    destroyed.insert(id.clone());
                }
                if let Some(stream) = stream_of(&id) {
                    key_states.insert(stream.to_owned(), state.clone());
                }
                keys.push((id, state));
            }
            TAG_IDEMPOTENCY => {
                let mut body = Body(body);
                let key = body.array::<32>()?;
                let value = body.rest().to_vec();
                let last = last_position(&value)
                    .filter(|&last| last >= 1 && last <= walk.next.saturating_sub(1))
                    .ok_or_else(|| {
                        BackupError::Damaged("an idempotency entry is malformed".into())
                    })?;
                if idempotency.insert(last, (key, value)).is_some() {
                    return Err(BackupError::Damaged(
                        "two idempotency entries end at one position".into(),
                    ));
                }
            }
            TAG_COUNTS => {
                written_counts = Some(
                    serde_json::from_slice::<Counts>(body)
                        .map_err(|_| BackupError::Damaged("the counts are malformed".into()))?,
                );
            }
            other => {
                return Err(BackupError::Damaged(format!(
                    "unknown frame {:?}",
                    char::from(other)
                )));
            }
        }
    }
    let counts = Counts {
        records: walk.next - 1,
        streams: walk.versions.len() as u64,
        keys: keys.len() as u64,
        destroyed_keys: destroyed.len() as u64,
        idempotency: idempotency.len() as u64,
    };
    if written_counts != Some(counts) {
        return Err(BackupError::Damaged(format!(
            "it holds {counts:?}, but says {written_counts:?}"
        )));
    }
    match (&header.head, walk.last_mac) {
        (None, None) => {}
        (Some(head), Some((position, mac))) if head.position == position && head.mac == mac => {}
        _ => {
            return Err(BackupError::Damaged(
                "its records do not end at the head its header names".into(),
            ));
        }
    }
    check_erasures(&walk, &key_states)?;
    Ok(BackupInfo {
        header,
        counts,
        keys,
        idempotency,
        bytes: 0,
    })
}

/// Erasures both ways: every erased stream has a destroyed key (not merely none), and every
/// destroyed key belongs to an erased stream of the backup.
fn check_erasures(walk: &Walk, keys: &HashMap<String, KeyState>) -> Result<(), BackupError> {
    for stream in &walk.erased {
        let key = keys.get(stream.as_str()).unwrap_or(&KeyState::Missing);
        if *key != KeyState::Destroyed {
            return Err(BackupError::Erasure(
                erasure_check::ErasureMismatch::ErasedWithLiveKey {
                    stream: stream.to_string(),
                },
            ));
        }
    }
    for (stream, key) in keys {
        let erased = StreamId::parse(stream).is_ok_and(|id| walk.erased.contains(&id));
        erasure_check::check(stream, erased, Some(key)).map_err(BackupError::Erasure)?;
    }
    Ok(())
}

/// Sections come in this order; a frame may not go back to an earlier one.
fn order(tag: u8) -> u8 {
    match tag {
        TAG_RECORD => 0,
        TAG_KEY => 1,
        TAG_IDEMPOTENCY => 2,
        TAG_COUNTS => 3,
        _ => 4,
    }
}

fn parse_header(body: &[u8]) -> Result<Header, BackupError> {
    let header: Header = serde_json::from_slice(body)
        .map_err(|_| BackupError::Damaged("the header is malformed".into()))?;
    if header.tincay_backup != BACKUP_VERSION {
        return Err(BackupError::Damaged(format!(
            "backup file version {} is not {BACKUP_VERSION}",
            header.tincay_backup
        )));
    }
    if header.data_format > crate::store::format::CURRENT {
        return Err(BackupError::NewerFormat {
            found: header.data_format,
        });
    }
    Ok(header)
}

/// A record frame (see the parent module).
pub(super) fn parse_record(body: &[u8]) -> Result<StoredRecord, BackupError> {
    let mut body = Body(body);
    let position = body.u64()?;
    let stream_version = body.u64()?;
    let stream_len = body.u8()?;
    let stream = std::str::from_utf8(body.take(usize::from(stream_len))?)
        .ok()
        .and_then(|raw| StreamId::parse(raw).ok())
        .ok_or_else(|| BackupError::Damaged(format!("record {position}: bad stream id")))?;
    Ok(StoredRecord {
        position,
        stream,
        stream_version,
        bytes: body.rest().to_vec(),
    })
}

fn parse_key(body: &[u8]) -> Result<(KeyId, KeyState), BackupError> {
    let mut body = Body(body);
    let id_len = body.u16()?;
    let id = std::str::from_utf8(body.take(usize::from(id_len))?)
        .map_err(|_| BackupError::Damaged("a key id is not UTF-8".into()))?;
    let id = KeyId::from_stored(id);
    let state = match body.u8()? {
        KEY_WRAPPED if !body.0.is_empty() => KeyState::Wrapped(body.rest().to_vec()),
        KEY_DESTROYED if body.0.is_empty() => KeyState::Destroyed,
        _ => return Err(BackupError::Damaged("a key entry is malformed".into())),
    };
    Ok((id, state))
}

/// Positions and stream versions seen so far.
struct Walk {
    next: u64,
    versions: HashMap<StreamId, u64>,
    last_mac: Option<(u64, crate::store::crypto::Mac)>,
    erased: HashSet<StreamId>,
}

impl Default for Walk {
    fn default() -> Self {
        Self {
            next: 1,
            versions: HashMap::new(),
            last_mac: None,
            erased: HashSet::new(),
        }
    }
}

impl Walk {
    fn record(&mut self, record: &StoredRecord) -> Result<(), BackupError> {
        let position = record.position;
        let fail = |what: &str| BackupError::Damaged(format!("record {position}: {what}"));
        if position != self.next {
            return Err(BackupError::Damaged(format!(
                "record {} is missing",
                self.next
            )));
        }
        let view = RecordView::parse(&record.bytes).map_err(|e| fail(&e.to_string()))?;
        if view.position != position
            || view.stream != record.stream.as_str()
            || view.stream_version != record.stream_version
        {
            return Err(fail("its header does not match its place"));
        }
        let version = self.versions.entry(record.stream.clone()).or_insert(0);
        if record.stream_version != *version + 1 {
            return Err(fail("its stream version does not follow the previous one"));
        }
        *version = record.stream_version;
        if erasure_check::erases(view.event_type) {
            self.erased.insert(record.stream.clone());
        }
        self.last_mac = Some((position, view.mac));
        self.next += 1;
        Ok(())
    }
}
