//! Asking the OS to read the store's data file into its page cache ahead of a replay of the
//! whole log: `rebuild`, `verify`, an offline `backup`, and a server that starts without a
//! checkpoint.
//!
//! sled 0.34 keeps every tree in one file, [`DATA_FILE`], much larger than the records in it
//! (1.9 GB for a million events of about 450 bytes), and pulls each page fragment with its
//! own small `pread`s, in the log's order, not the file's: a rebuild of a million events made
//! 545,000 of them, over 186,000 distinct 4 KiB pages of the file. When the file is not in
//! the page cache (after a reboot, or once the machine has reclaimed it while idle), each
//! miss waits for the disk, and the rebuild ran at half its warm speed. Advised front to back,
//! the whole file came in within about a second, while the replay started on what was
//! already there (README, "Performance").
//!
//! The advice costs next to nothing when the file is already cached (under a tenth of a
//! second of page cache lookups for 2 GB, on a thread of its own), and is skipped when the
//! file would not fit in half the memory the kernel says is available: read ahead into a
//! cache too small to hold it, the file's first pages would be evicted before the replay
//! reached them. Nothing is read into this process: the pages are the kernel's, and nothing
//! is decrypted.

use std::fs::File;
use std::path::Path;
use std::thread::JoinHandle;

use crate::store::sled_store::DATA_FILE;

/// How much one piece of advice covers. Linux reads at most the device's readahead window
/// (or its largest request, if larger) for one `WILLNEED` (a single call over 1.9 GB made no
/// difference here), and that window is 128 KiB by default; so the file is advised a window
/// at a time. 15,000 calls for 1.9 GB: under a tenth of a second when the file is cached.
#[cfg(target_os = "linux")]
const STEP: u64 = 128 * 1024;

/// Start reading `dir`'s data file into the page cache, on a thread of its own, if it fits
/// (see the module documentation). `None` if nothing was started. Failures are ignored: a
/// prefetch only ever makes the reads after it faster.
pub fn start(dir: &Path) -> Option<JoinHandle<()>> {
    let file = File::open(dir.join(DATA_FILE)).ok()?;
    let len = file.metadata().ok()?.len();
    if !fits(len, memory_available()) {
        tracing::debug!(
            len,
            "the data file is not prefetched: it would not fit in memory"
        );
        return None;
    }
    std::thread::Builder::new()
        .name("tincay-prefetch".into())
        .spawn(move || advise(&file, len))
        .ok()
}

/// Whether a file of `len` bytes fits in half of `available` memory. Unknown memory: no.
fn fits(len: u64, available: Option<u64>) -> bool {
    available.is_some_and(|available| len <= available / 2)
}

/// `MemAvailable` of `/proc/meminfo`, in bytes.
fn memory_available() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    mem_available_in(&meminfo)
}

fn mem_available_in(meminfo: &str) -> Option<u64> {
    let line = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemAvailable:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    kib.checked_mul(1024)
}

#[cfg(target_os = "linux")]
fn advise(file: &File, len: u64) {
    use std::num::NonZeroU64;

    use rustix::fs::{Advice, fadvise};
    let mut offset = 0;
    while offset < len {
        let step = NonZeroU64::new(STEP.min(len - offset));
        if fadvise(file, offset, step, Advice::WillNeed).is_err() {
            return;
        }
        offset += STEP;
    }
}

#[cfg(not(target_os = "linux"))]
fn advise(_file: &File, _len: u64) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_prefetched_only_if_it_fits_in_half_the_available_memory() {
        let gib = 1024 * 1024 * 1024;
        assert!(fits(gib, Some(2 * gib)));
        assert!(!fits(gib + 1, Some(2 * gib)));
        assert!(!fits(1, None));
        assert!(fits(0, Some(0)));
    }

    #[test]
    fn reads_mem_available_from_meminfo() {
        let meminfo = "MemTotal:       24684092 kB\n\
                       MemFree:        21833668 kB\n\
                       MemAvailable:   23563000 kB\n\
                       Buffers:             856 kB\n";
        assert_eq!(mem_available_in(meminfo), Some(23_563_000 * 1024));
        assert_eq!(mem_available_in("MemTotal: 1 kB\n"), None);
        assert_eq!(mem_available_in("MemAvailable: lots\n"), None);
    }

    #[test]
    fn nothing_is_started_for_a_directory_without_a_data_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(start(dir.path()).is_none());
    }
}
