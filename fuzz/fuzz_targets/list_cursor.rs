//! `GET /cases`'s cursor (`src/http/cases/list.rs`): decoding any text never panics; any
//! plaintext sealed as a cursor is (so the parsing behind the AEAD is reached) decodes only
//! to a cursor that encodes and decodes back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tincay::fuzzing::{decode_cursor, encode_cursor, seal_cursor};

#[global_allocator]
static ALLOCATOR: tincay_fuzz::Limited = tincay_fuzz::Limited;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = decode_cursor(text);
    }
    if let Some(cursor) = decode_cursor(&seal_cursor(data)) {
        assert!(
            decode_cursor(&encode_cursor(cursor)) == Some(cursor),
            "a cursor does not read back"
        );
    }
});
