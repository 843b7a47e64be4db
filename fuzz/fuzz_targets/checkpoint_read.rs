//! The projection checkpoint reader (`src/projections/checkpoint.rs`, with the statistics'
//! packed snapshot of `src/stats/snapshot.rs`): the header line, then the state frames and
//! the packed statistics. Never panics and never allocates beyond what the input can fill.
//!
//! The file's stream is sealed under a key derived from the log's chain key, which a fuzzer
//! cannot forge; the input is therefore the file with its stream unsealed, read as a start
//! reads the opened stream (`tincay::fuzzing::read_checkpoint`), every case key destroyed.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOCATOR: tincay_fuzz::Limited = tincay_fuzz::Limited;

fuzz_target!(|data: &[u8]| {
    let _ = tincay::fuzzing::read_checkpoint(data);
});
