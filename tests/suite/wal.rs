//! The write-ahead log in front of sled (data format 4): its segments are the data
//! directory's own (`0600` in a `0700` directory), a torn tail is discarded while every
//! acknowledged group is kept, a log that skips positions is refused, and a directory of the
//! previous format opens once `migrate` has upgraded it. The kill between a segment's
//! `fdatasync` and sled's own checkpoint is `tests/processes/wal_crash.rs`.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tincay::store::engine::{EventStore, StoreError};
use tincay::store::format::{self, CURRENT};
use tincay::store::log::{EventLog, ExpectedVersion, LogOptions, OpenError};
use tincay::store::sled_store::wal::WAL_DIR;
use tincay::store::sled_store::{SledOptions, SledStore};
use tincay::store::verify::verify;

use crate::support::*;

const CASE: &str = "case-wal";

fn segments(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir.join(WAL_DIR))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    found.sort();
    found
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn segments_are_private_files_of_the_data_directory() {
    let t = TestLog::new();
    t.append(request(CASE, ExpectedVersion::Any, vec![note("a")]));
    assert_eq!(mode(&t.dir.path().join(WAL_DIR)), 0o700);
    let segments = segments(t.dir.path());
    assert_eq!(segments.len(), 1, "{segments:?}");
    for segment in &segments {
        assert_eq!(mode(segment), 0o600, "{}", segment.display());
        let bytes = std::fs::read(segment).unwrap();
        // Sealed records only: the note's text is not in the segment.
        assert!(
            !bytes.windows(7).any(|w| w == b"\"text\":"),
            "plaintext in the log"
        );
    }
}

#[test]
fn a_torn_tail_is_discarded_and_every_acknowledged_group_is_kept() {
    let t = TestLog::new();
    let mut acked = Vec::new();
    for i in 0..5 {
        let text = format!("kept {i}");
        t.append(request(CASE, ExpectedVersion::Any, vec![note(&text)]));
        acked.push(text);
    }
    let segment = segments(t.dir.path()).pop().unwrap();
    let TestLog { dir, store, log } = t;
    log.close();
    drop((log, store));
    // A frame whose write was cut short: its length promises more than is there.
    let end = first_zero_frame(&std::fs::read(&segment).unwrap());
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(&segment)
        .unwrap();
    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(end as u64)).unwrap();
    file.write_all(&[0, 0, 1, 0, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3])
        .unwrap();
    drop(file);

    let (store, log) = open_at(dir.path(), master());
    let events = log.read_stream(&stream(CASE)).unwrap();
    let texts: Vec<String> = events
        .iter()
        .map(|e| pii_json(e).unwrap()["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(texts, acked);
    log.append_blocking(request(
        CASE,
        ExpectedVersion::Exact(5),
        vec![note("after")],
    ))
    .unwrap();
    verify(store.as_ref(), master(), &|_| Ok(())).unwrap();
}

/// Where the zeros after the last frame start.
fn first_zero_frame(bytes: &[u8]) -> usize {
    let mut at = 0;
    loop {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        if len == 0 {
            return at;
        }
        at += 8 + len;
    }
}

/// A directory copied while closed, its log's segment empty; then the original takes two
/// acknowledged groups (positions 1, then 2 and 3). The copy, and the segment holding those
/// groups: sled in the copy has never seen them, as after a crash that came before sled's
/// own checkpoint.
fn a_store_behind_its_log() -> (tempfile::TempDir, PathBuf, Vec<u8>) {
    let original = TestLog::new();
    let TestLog { dir, store, log } = original;
    log.close();
    drop((log, store));
    let copy = tempfile::tempdir().unwrap();
    copy_dir(dir.path(), copy.path());
    let (store, log) = open_at(dir.path(), master());
    append_two_groups(&log);
    let segment = segments(dir.path()).pop().unwrap();
    let frames = std::fs::read(&segment).unwrap();
    log.close();
    drop((log, store));
    let name = copy.path().join(WAL_DIR).join(segment.file_name().unwrap());
    (copy, name, frames)
}

/// Two groups: the note "a", then "b" and "c" in one append (positions 1, then 2 and 3).
fn append_two_groups(log: &EventLog) {
    log.append_blocking(request(CASE, ExpectedVersion::Any, vec![note("a")]))
        .unwrap();
    log.append_blocking(request(
        CASE,
        ExpectedVersion::Any,
        vec![note("b"), note("c")],
    ))
    .unwrap();
}

/// The notes' texts of the test's case, in order.
fn texts_of(log: &EventLog) -> Vec<String> {
    log.read_stream(&stream(CASE))
        .unwrap()
        .iter()
        .map(|e| pii_json(e).unwrap()["text"].as_str().unwrap().to_owned())
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn groups_only_in_the_log_are_written_into_sled_as_the_store_opens() {
    let (copy, segment, frames) = a_store_behind_its_log();
    {
        let (store, log) = open_at(copy.path(), master());
        assert_eq!(store.replayed_at_open(), 0);
        assert_eq!(log.head().map(|h| h.position), None);
    }
    std::fs::write(&segment, &frames).unwrap();
    let (store, log) = open_at(copy.path(), master());
    assert_eq!(store.replayed_at_open(), 2, "both groups came from the log");
    assert_eq!(texts_of(&log), ["a", "b", "c"]);
    verify(store.as_ref(), master(), &|_| Ok(())).unwrap();
    log.close();
    drop((log, store));
    // Replayed once: sled holds them now, and the log's old segment is gone.
    let (store, log) = open_at(copy.path(), master());
    assert_eq!(store.replayed_at_open(), 0);
    assert_eq!(log.head().map(|h| h.position), Some(3));
}

#[test]
fn a_group_sled_holds_only_part_of_is_completed_from_the_log_as_the_store_opens() {
    // sled is written with plain inserts, not a transaction (issue 26), the records last: a
    // crash can leave sled with the start of a group (here its stream index and head, and its
    // first record, but not its last) while the log holds the whole group.
    let TestLog { dir, store, log } = TestLog::new();
    append_two_groups(&log);
    let segment = segments(dir.path()).pop().unwrap();
    let frames = std::fs::read(&segment).unwrap();
    store.tamper_remove(3).unwrap();
    log.close();
    drop((log, store));
    std::fs::write(&segment, &frames).unwrap();

    let (store, log) = open_at(dir.path(), master());
    assert_eq!(
        store.replayed_at_open(),
        1,
        "the cut group came from the log, whole"
    );
    assert_eq!(texts_of(&log), ["a", "b", "c"]);
    assert_eq!(store.stream_version(&stream(CASE)).unwrap(), 3);
    verify(store.as_ref(), master(), &|_| Ok(())).unwrap();
    // The next append continues it.
    log.append_blocking(request(CASE, ExpectedVersion::Exact(3), vec![note("d")]))
        .unwrap();
}

#[test]
fn a_log_that_does_not_continue_the_store_is_refused() {
    let (copy, segment, frames) = a_store_behind_its_log();
    // Only the second group: position 1 is missing.
    let len = u32::from_be_bytes(frames[..4].try_into().unwrap()) as usize;
    std::fs::write(&segment, &frames[8 + len..]).unwrap();
    let error = SledStore::open(copy.path(), SledOptions::default()).unwrap_err();
    assert!(matches!(error, StoreError::Corrupt(_)), "{error}");
    assert!(error.to_string().contains("write-ahead log"), "{error}");
}

#[test]
fn a_directory_of_format_3_is_refused_until_migrated_and_then_opens_with_its_events() {
    let t = TestLog::new();
    t.append(request(CASE, ExpectedVersion::Any, vec![note("kept")]));
    let head = t.log.head();
    let TestLog { dir, store, log } = t;
    log.close();
    drop((log, store));
    // Format 3, as the previous tincay wrote it: no write-ahead log.
    std::fs::remove_dir_all(dir.path().join(WAL_DIR)).unwrap();
    let db = raw_sled(dir.path());
    db.open_tree("meta")
        .unwrap()
        .insert("format", &3u32.to_be_bytes())
        .unwrap();
    db.flush().unwrap();
    drop(db);

    let store: Arc<dyn EventStore> =
        Arc::new(SledStore::open(dir.path(), SledOptions::default()).unwrap());
    let refused = EventLog::open(Arc::clone(&store), master(), LogOptions::default());
    assert!(
        matches!(refused, Err(OpenError::OlderFormat { found: 3 })),
        "{:?}",
        refused.err()
    );
    verify(store.as_ref(), master(), &|_| Ok(())).unwrap();
    let migration = format::migrate(store.as_ref()).unwrap();
    assert_eq!((migration.from, migration.to), (3, CURRENT));
    assert_eq!(CURRENT, 4);
    drop(store);

    let (store, log) = open_at(dir.path(), master());
    assert_eq!(log.head(), head);
    log.append_blocking(request(CASE, ExpectedVersion::Exact(1), vec![note("new")]))
        .unwrap();
    assert_eq!(log.read_stream(&stream(CASE)).unwrap().len(), 2);
    verify(store.as_ref(), master(), &|_| Ok(())).unwrap();
}
