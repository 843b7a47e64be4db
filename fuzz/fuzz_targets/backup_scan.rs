//! The backup reader (`src/store/backup/scan.rs` over `frame.rs`): the checks a restore
//! makes before it writes anything. Never panics, whatever the file.
//!
//! Each input is read twice: as the whole file, and as a file whose closing checksum frame
//! is appended here (the input being everything before it), so that the fuzzer reaches the
//! checks behind the checksum (frame order, counts, the head, erased cases' keys) instead of
//! stopping at a SHA-256 it cannot forge. The seeds are real backups without that frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};
use tincay::store::backup::scan::scan_from;

#[global_allocator]
static ALLOCATOR: tincay_fuzz::Limited = tincay_fuzz::Limited;

fuzz_target!(|data: &[u8]| {
    let _ = scan_from(data, "fuzz");
    let mut file = data.to_vec();
    let checksum = Sha256::digest(data);
    file.push(b'E');
    file.extend_from_slice(&32u32.to_be_bytes());
    file.extend_from_slice(&checksum);
    let _ = scan_from(file.as_slice(), "fuzz");
});
