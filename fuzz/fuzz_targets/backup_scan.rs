//! The backup reader (`src/store/backup/scan.rs` over `frame.rs`): the checks a restore
//! makes before it writes anything, under the fuzzing master key. Never panics.
//!
//! Each input is read twice: as the whole file, and as a file whose closing MAC frame
//! is appended here (the input being everything before it), so that the fuzzer reaches the
//! checks behind the MAC (frame order, counts, the head, erased cases' keys) instead of
//! stopping at a MAC it cannot forge. The seeds are real backups without that frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tincay::fuzzing::{close_backup, scan_backup};

#[global_allocator]
static ALLOCATOR: tincay_fuzz::Limited = tincay_fuzz::Limited;

fuzz_target!(|data: &[u8]| {
    let _ = scan_backup(data);
    let _ = scan_backup(&close_backup(data));
});
