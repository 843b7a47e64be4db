//! The write-ahead log in front of sled (data format 4): what makes an append durable.
//!
//! Each group commit is written to the current *segment* file in the data directory's `wal/`
//! directory as one frame, and ONE `fdatasync` of that segment acknowledges the group.
//! sled holds the same writes (records, indexes, stream heads, idempotency entries, wrapped
//! keys) for reading, and is forced to disk lazily, at a *checkpoint*: when a segment is full,
//! when the store opens, and with every metadata or key-epoch write. So sled's flush
//! (`sync_file_range` with waits, sled issue #1452) and its unsynced blob files and
//! directories are no longer on an append's path, and no longer matter for durability.
//!
//! **Frame**: `length u32 ‖ CRC-32 of the group u32 ‖ group` ([`group`], big-endian). A
//! segment is written front to back and never rewritten; the bytes after its last frame are
//! zeros, written ahead in [`ZERO_AHEAD`] chunks so that an append overwrites data blocks the
//! file already has instead of growing it (an `fdatasync` that must also journal a new size
//! and block allocation costs several times one that does not, measured in
//! `benches/README.md`). A length of zero ends the segment.
//!
//! **Recovery**, as the store opens ([`read_all`]): every segment, oldest first, frame by
//! frame; a frame whose length runs past the file or whose checksum fails is a torn tail (it
//! was never acknowledged: its `fdatasync` never returned) and ends that segment. Groups that
//! sled already holds are skipped; the rest are written into sled in order, each as the
//! transaction it was, and must continue sled's last position exactly. Then sled is
//! checkpointed and the old segments are removed; appends go to a new one.
//!
//! Files are `0600` in a `0700` directory (the data directory's modes, [`file_modes`]). What
//! is in them is what sled holds: sealed records and wrapped keys, never plaintext.

pub mod group;

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::store::engine::StoreError;
use crate::store::file_modes;

/// The write-ahead log's directory, in the data directory.
pub const WAL_DIR: &str = "wal";

/// A segment is closed (and sled checkpointed) once it holds this much.
pub const SEGMENT_BYTES: u64 = 32 * 1024 * 1024;

/// Zeros written ahead of the last frame, at a time.
pub const ZERO_AHEAD: u64 = 1024 * 1024;

/// Frame header: length and checksum.
const HEADER: usize = 8;

/// The open segment appends go to.
pub struct Wal {
    dir: PathBuf,
    dir_handle: File,
    segment: Segment,
}

struct Segment {
    number: u64,
    file: File,
    /// Where the next frame goes.
    end: u64,
    /// The file's length: zeros from `end` to here.
    zeroed: u64,
}

impl Wal {
    /// The `wal/` directory of the data directory `dir`, created `0700` if missing.
    pub fn create_dir(dir: &Path) -> io::Result<PathBuf> {
        let wal = dir.join(WAL_DIR);
        file_modes::create_private_dir(&wal)?;
        Ok(wal)
    }

    /// Starts a new, empty segment after every existing one and removes the existing ones.
    /// Only once sled holds, durably, everything they hold (a checkpoint).
    pub fn restart(wal_dir: &Path) -> io::Result<Self> {
        let old = segments(wal_dir)?;
        let number = old.last().map_or(1, |(number, _)| number.saturating_add(1));
        let dir_handle = File::open(wal_dir)?;
        let segment = Segment::create(wal_dir, number)?;
        // The new segment's entry first: it must be on disk before its first acknowledgement.
        dir_handle.sync_all()?;
        for (_, path) in old {
            fs::remove_file(path)?;
        }
        dir_handle.sync_all()?;
        Ok(Self {
            dir: wal_dir.to_path_buf(),
            dir_handle,
            segment,
        })
    }

    /// Whether `frames` more bytes fit in the current segment (a segment always takes its
    /// first frame, however large).
    pub fn fits(&self, frames: usize) -> bool {
        self.segment.end == 0 || self.segment.end.saturating_add(len64(frames)) <= SEGMENT_BYTES
    }

    /// Closes the current segment and starts the next. Only after a checkpoint: the segments
    /// before the new one are removed.
    pub fn roll(&mut self) -> io::Result<()> {
        let next = Self::restart(&self.dir)?;
        *self = next;
        Ok(())
    }

    /// Writes `frames` (see [`frame`]) after the last frame, with zeros ahead of them; not
    /// durable until [`Wal::file`] is synced.
    pub fn write(&mut self, frames: &[u8]) -> io::Result<()> {
        let segment = &mut self.segment;
        let end = segment.end.saturating_add(len64(frames.len()));
        segment.file.write_all_at(frames, segment.end)?;
        if end > segment.zeroed.saturating_sub(len64(HEADER)) {
            let zeroed = end.saturating_add(ZERO_AHEAD);
            let zeros = vec![0u8; usize::try_from(zeroed - end).unwrap_or(0)];
            segment.file.write_all_at(&zeros, end)?;
            segment.zeroed = zeroed;
        }
        segment.end = end;
        Ok(())
    }

    /// The current segment, to `fdatasync`.
    pub fn file(&self) -> &File {
        &self.segment.file
    }

    /// The `wal/` directory's handle.
    pub fn dir_handle(&self) -> &File {
        &self.dir_handle
    }
}

impl Segment {
    fn create(dir: &Path, number: u64) -> io::Result<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(file_modes::FILE_MODE)
            .open(dir.join(segment_name(number)))?;
        Ok(Self {
            number,
            file,
            end: 0,
            zeroed: 0,
        })
    }
}

/// Appends one frame holding `group` (an encoded [`group`]) to `out`.
pub fn frame(group: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&u32::try_from(group.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(&crc32fast::hash(group).to_be_bytes());
    out.extend_from_slice(group);
}

/// Every group in the segments of `wal_dir`, oldest first, up to each segment's torn tail.
pub fn read_all(wal_dir: &Path) -> Result<Vec<group::Group>, StoreError> {
    let mut groups = Vec::new();
    for (_, path) in segments(wal_dir)? {
        let bytes = fs::read(&path)?;
        let mut rest = bytes.as_slice();
        while let Some((group, after)) = next_frame(rest) {
            groups.push(group::decode(group)?);
            rest = after;
        }
    }
    Ok(groups)
}

/// The next frame's group and what follows it; `None` at the end of the segment or at a
/// torn frame.
fn next_frame(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let header = bytes.get(..HEADER)?;
    let len = u32::from_be_bytes(header.get(..4)?.try_into().ok()?);
    let crc = u32::from_be_bytes(header.get(4..)?.try_into().ok()?);
    if len == 0 {
        return None;
    }
    let end = HEADER.checked_add(usize::try_from(len).ok()?)?;
    let group = bytes.get(HEADER..end)?;
    (crc32fast::hash(group) == crc).then(|| (group, bytes.get(end..).unwrap_or_default()))
}

/// The segments in `wal_dir`, by number.
fn segments(wal_dir: &Path) -> io::Result<Vec<(u64, PathBuf)>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(wal_dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if let Some(number) = name.to_str().and_then(segment_number) {
            found.push((number, entry.path()));
        }
    }
    found.sort();
    Ok(found)
}

fn segment_name(number: u64) -> String {
    format!("{number:016x}.seg")
}

fn segment_number(name: &str) -> Option<u64> {
    let hex = name.strip_suffix(".seg")?;
    (hex.len() == 16)
        .then(|| u64::from_str_radix(hex, 16).ok())
        .flatten()
}

fn len64(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}

impl std::fmt::Debug for Wal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wal")
            .field("segment", &self.segment.number)
            .field("end", &self.segment.end)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_or_corrupted_frame_ends_the_segment() {
        let mut bytes = Vec::new();
        frame(b"one", &mut bytes);
        frame(b"two", &mut bytes);
        let (first, rest) = next_frame(&bytes).unwrap();
        assert_eq!(first, b"one");
        let (second, rest) = next_frame(rest).unwrap();
        assert_eq!(second, b"two");
        assert!(next_frame(rest).is_none());
        // Torn: the frame's end is missing.
        assert!(next_frame(&bytes[..bytes.len() - 1 - (HEADER + 3)]).is_none());
        // A flipped bit in the group.
        let mut flipped = bytes.clone();
        if let Some(byte) = flipped.get_mut(HEADER) {
            *byte ^= 1;
        }
        assert!(next_frame(&flipped).is_none());
        // Zeros written ahead end it.
        assert!(next_frame(&[0; 64]).is_none());
        assert_eq!(segment_number(&segment_name(42)), Some(42));
        assert_eq!(segment_number("42.seg"), None);
    }

    #[test]
    fn frames_written_read_back_and_zeros_are_written_ahead() {
        let dir = tempfile::tempdir().unwrap();
        let wal_dir = Wal::create_dir(dir.path()).unwrap();
        let mut wal = Wal::restart(&wal_dir).unwrap();
        let mut frames = Vec::new();
        group::encode(1, 0, &[], &mut Vec::new());
        let mut encoded = Vec::new();
        group::encode(5, 6, &[], &mut encoded);
        frame(&encoded, &mut frames);
        wal.write(&frames).unwrap();
        assert!(wal.file().metadata().unwrap().len() >= ZERO_AHEAD);
        let groups = read_all(&wal_dir).unwrap();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups.first().map(|g| (g.first, g.last)), Some((5, 6)));
        // Restarting starts a new segment and removes the old one.
        drop(wal);
        let _wal = Wal::restart(&wal_dir).unwrap();
        assert!(read_all(&wal_dir).unwrap().is_empty());
        assert_eq!(segments(&wal_dir).unwrap().len(), 1);
    }
}
