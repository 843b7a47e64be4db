//! Durability: forcing the write-ahead log, and at checkpoints sled's files and directories,
//! to disk.
//!
//! Owns the open handles of sled's files, the fsyncs, the poisoned state and the sync
//! counters. What must never change: an acknowledgement follows the write of its group *and
//! then* an fsync of the file that holds it, and a failed write or fsync is never retried.
//!
//! Since data format 4 an acknowledgement rests on the write-ahead log
//! ([`crate::store::sled_store::wal`]): the group's frame is written to the current segment
//! ([`SyncStep::Flushed`]) and that segment alone is `fdatasync`ed
//! ([`Synced::DataFile`]): [`Durability::log_written`]. sled itself is forced to disk only at
//! a *checkpoint* ([`Durability::sync`]), as below; what follows describes that.
//!
//! sled 0.34.7's `flush()` writes its log buffers with `sync_file_range(WAIT_BEFORE | WRITE |
//! WAIT_AFTER)` on Linux (`pagecache/iobuf.rs`), which starts and waits for writeback of the
//! data pages but neither flushes the drive's volatile cache nor writes the metadata needed to
//! find the data again (file size, block allocation): it is not durable (sled issue #1452).
//! Nor does sled ever fsync the other files it writes: `conf` (written once at creation),
//! the files under `blobs/` (one per page fragment larger than a quarter of a 512 KiB segment,
//! i.e. 131,052 bytes: a large record or a leaf node of large records), or the store and
//! `blobs/` directories whose entries name them. A log segment that survives a crash while the
//! blob it points to does not is skipped on recovery, silently.
//!
//! So after sled's flush, [`Durability::sync`] forces, in this order:
//! 1. every file under `blobs/` that is new or has grown since the last sync, then the `blobs/`
//!    directory if its entries changed;
//! 2. the `db` file (`fdatasync`: its size is the only metadata that matters);
//! 3. every other file in the store directory that is new or has grown (`conf`, `snap.*`),
//!    then the store directory itself if its entries changed.
//!
//! A directory is forced only when its entries changed: on ext4 an `fsync`, even of a clean
//! directory, can flush the drive's cache, which would double the cost of a group commit for
//! nothing. sled creates top-level entries only while opening, so after the first sync (at
//! open, which forces every file and both directories) only `blobs/` changes. Listing the two
//! directories per sync costs a `getdents` and a `stat` per blob: cheap while blobs are few.
//! Measured: 300 records of up to 8 KiB make no blob; of 64 KiB, 34; of 200 KiB, 364.
//!
//! **A failed flush or fsync is fatal.** The first failure is returned as
//! [`StoreError::Io`] and *poisons* the store: every later sync (and every write, see
//! [`Durability::check`]) fails with an error of the same kind, without touching the disk.
//! Retrying would be a lie: after a failed `fsync` Linux may already have dropped the dirty
//! pages and marked them clean, so a second `fsync` can succeed although the data never
//! reached the disk ("fsyncgate", PostgreSQL 2018). Only a restart, which re-reads what is
//! really on disk, recovers.
//!
//! For tests: a [`SyncObserver`] is told every step, so a test can prove that an acknowledgement
//! follows a real fsync; [`FsyncFault`] makes the next fsync fail.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::store::engine::StoreError;
use crate::store::sled_store::DATA_FILE;

/// sled's directory of large page fragments, in the store directory.
const BLOB_DIR: &str = "blobs";

/// What a single fsync forced to disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Synced {
    /// The file acknowledged data is in: the write-ahead log's current segment (a group
    /// commit), or sled's `db` file (a checkpoint).
    DataFile,
    /// A new or grown file under `blobs/`.
    BlobFile,
    /// The `blobs/` directory, after its entries changed.
    BlobDir,
    /// Another new or grown file of the store directory (`conf`, `snap.*`).
    OtherFile,
    /// The store directory, after its entries changed.
    StoreDir,
}

/// One step of a sync, in the order they happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncStep {
    /// The data was written but is not durable yet: a group's frame written to the log's
    /// segment, or sled's own flush at a checkpoint.
    Flushed,
    /// An fsync returned successfully.
    Fsynced { what: Synced },
}

/// Told every step of every sync, on the syncing thread. For tests and metrics; it must not
/// block.
pub trait SyncObserver: Send + Sync {
    fn observe(&self, step: SyncStep);
}

/// Test hook: [`FsyncFault::fail_next`] makes the next fsync fail with an I/O error instead
/// of reaching the disk. Cloned handles share the switch.
#[derive(Clone, Debug, Default)]
pub struct FsyncFault(Arc<AtomicBool>);

impl FsyncFault {
    pub fn fail_next(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn take(&self) -> bool {
        self.0.swap(false, Ordering::SeqCst)
    }
}

/// Owns the handles of sled's files and forces them to disk; see the module documentation.
pub struct Durability {
    /// Held for a whole sync, so concurrent syncs are serialised and each sees a settled
    /// picture of what the previous one forced.
    files: Mutex<Files>,
    observer: Option<Arc<dyn SyncObserver>>,
    fault: Option<FsyncFault>,
    /// The first failure `(kind, message)`; once set, nothing is retried.
    poisoned: OnceLock<(io::ErrorKind, String)>,
    /// Completed syncs, the one at open included.
    syncs: AtomicU64,
    /// fsync calls attempted, failed ones included.
    fsync_attempts: AtomicU64,
}

struct Files {
    /// Kept open so a sync does not pay an `open` per file. Opened read-only: Linux allows
    /// `fsync` on any descriptor, and fs2's `flock` (sled's lock) is per open file description,
    /// so this handle neither takes nor releases sled's lock.
    db: File,
    store_dir: WatchedDir,
    blob_dir: WatchedDir,
}

/// A directory whose new or grown files, and whose changed entries, must be forced to disk.
struct WatchedDir {
    path: PathBuf,
    handle: File,
    /// Every entry as of the last sync, with the length a file had when it was forced (0 for
    /// a directory or a file this watcher skips).
    entries: HashMap<OsString, u64>,
    /// False until the first sync, which forces the directory whatever it holds.
    forced: bool,
}

impl Durability {
    /// Opens the handles of the sled store in `dir` (which sled must already have created).
    /// Nothing is forced until the first [`Durability::sync`].
    pub fn open(
        dir: &Path,
        observer: Option<Arc<dyn SyncObserver>>,
        fault: Option<FsyncFault>,
    ) -> io::Result<Self> {
        let files = Files {
            db: File::open(dir.join(DATA_FILE))?,
            store_dir: WatchedDir::open(dir.to_path_buf())?,
            blob_dir: WatchedDir::open(dir.join(BLOB_DIR))?,
        };
        Ok(Self {
            files: Mutex::new(files),
            observer,
            fault,
            poisoned: OnceLock::new(),
            syncs: AtomicU64::new(0),
            fsync_attempts: AtomicU64::new(0),
        })
    }

    /// sled's flush, then every fsync the module documentation lists. Returns only when all
    /// of it succeeded; the first failure poisons this `Durability` for good.
    pub fn sync(&self, db: &sled::Db) -> Result<(), StoreError> {
        self.check()?;
        let mut files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        // A sync that failed while this one waited for the lock poisoned us.
        self.check()?;
        match self.flush_and_force(db, &mut files) {
            Ok(()) => {
                self.syncs.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
            Err(e) => Err(self.poison(e)),
        }
    }

    /// A group commit: its frames were written to `segment` (the write-ahead log's current
    /// segment); `fdatasync` it. Returns only when that succeeded; a failure poisons this
    /// `Durability` for good.
    pub fn log_written(&self, segment: &File) -> Result<(), StoreError> {
        self.check()?;
        self.observe(SyncStep::Flushed);
        match self.fsync(segment, Synced::DataFile) {
            Ok(()) => {
                self.syncs.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
            Err(e) => Err(self.poison(e)),
        }
    }

    /// Fails if an earlier flush or fsync failed. Writers call this first: once durability
    /// is in doubt the store must stop accepting anything.
    pub fn check(&self) -> Result<(), StoreError> {
        match self.poisoned.get() {
            None => Ok(()),
            Some((kind, message)) => Err(StoreError::Io(io::Error::new(
                *kind,
                format!("the store stopped after a failed flush or fsync ({message}); restart it"),
            ))),
        }
    }

    /// Records `error` as fatal (if it is the first) and returns it as a [`StoreError`].
    pub fn poison(&self, error: io::Error) -> StoreError {
        let _first = self.poisoned.set((error.kind(), error.to_string()));
        tracing::error!(%error, "storage failed; the store accepts no more writes");
        StoreError::Io(error)
    }

    pub fn is_poisoned(&self) -> bool {
        self.poisoned.get().is_some()
    }

    /// Completed syncs, the one at open included.
    pub fn syncs(&self) -> u64 {
        self.syncs.load(Ordering::SeqCst)
    }

    /// fsync calls attempted, failed ones included.
    pub fn fsync_attempts(&self) -> u64 {
        self.fsync_attempts.load(Ordering::SeqCst)
    }

    fn flush_and_force(&self, db: &sled::Db, files: &mut Files) -> io::Result<()> {
        db.flush().map_err(sled_io_error)?;
        self.observe(SyncStep::Flushed);
        files
            .blob_dir
            .force_changes(None, Synced::BlobFile, Synced::BlobDir, self)?;
        self.fsync(&files.db, Synced::DataFile)?;
        files.store_dir.force_changes(
            Some(OsStr::new(DATA_FILE)),
            Synced::OtherFile,
            Synced::StoreDir,
            self,
        )
    }

    fn fsync(&self, file: &File, what: Synced) -> io::Result<()> {
        self.fsync_attempts.fetch_add(1, Ordering::SeqCst);
        if self.fault.as_ref().is_some_and(FsyncFault::take) {
            return Err(io::Error::other("injected fsync failure"));
        }
        match what {
            // File data and the size needed to read it back; not timestamps.
            Synced::DataFile | Synced::BlobFile | Synced::OtherFile => file.sync_data()?,
            Synced::BlobDir | Synced::StoreDir => file.sync_all()?,
        }
        self.observe(SyncStep::Fsynced { what });
        Ok(())
    }

    fn observe(&self, step: SyncStep) {
        if let Some(observer) = &self.observer {
            observer.observe(step);
        }
    }
}

impl WatchedDir {
    fn open(path: PathBuf) -> io::Result<Self> {
        Ok(Self {
            handle: File::open(&path)?,
            path,
            entries: HashMap::new(),
            forced: false,
        })
    }

    /// Forces every regular file (but `skip`) that is new or longer than when last forced,
    /// then the directory itself if an entry appeared or disappeared. A file is forced with
    /// the length read *before* its fsync, so a file still being written when listed is
    /// forced again by the next sync.
    fn force_changes(
        &mut self,
        skip: Option<&OsStr>,
        file: Synced,
        dir: Synced,
        durability: &Durability,
    ) -> io::Result<()> {
        let mut seen = HashMap::with_capacity(self.entries.len());
        let mut entries_changed = !self.forced;
        for entry in fs::read_dir(&self.path)? {
            let entry = entry?;
            let name = entry.file_name();
            let metadata = match entry.metadata() {
                Ok(metadata) => metadata,
                // Removed by sled (a replaced blob) since the listing.
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            let known = self.entries.get(&name).copied();
            entries_changed |= known.is_none();
            let forced_len = if metadata.is_file() && skip != Some(name.as_os_str()) {
                let len = metadata.len();
                if known != Some(len) {
                    match File::open(entry.path()) {
                        Ok(handle) => durability.fsync(&handle, file)?,
                        Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                        Err(e) => return Err(e),
                    }
                }
                len
            } else {
                0
            };
            seen.insert(name, forced_len);
        }
        // No entry is new, so fewer entries means some were removed.
        entries_changed |= seen.len() < self.entries.len();
        if entries_changed {
            durability.fsync(&self.handle, dir)?;
        }
        self.entries = seen;
        self.forced = true;
        Ok(())
    }
}

/// sled reports I/O failures as `Error::Io`; anything else from a flush is just as fatal.
fn sled_io_error(error: sled::Error) -> io::Error {
    match error {
        sled::Error::Io(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

impl std::fmt::Debug for Durability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Durability")
            .field("poisoned", &self.is_poisoned())
            .field("syncs", &self.syncs())
            .field("fsync_attempts", &self.fsync_attempts())
            .finish_non_exhaustive()
    }
}
