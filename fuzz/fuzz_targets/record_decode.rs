//! The stored record decoder (`src/store/record.rs`): never panics, and its promise that the
//! encoding is canonical holds: whatever decodes encodes back to exactly the bytes read, and
//! the borrowing parser (`RecordView`) agrees with the copying one, AAD included.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tincay::store::record::{Part, RecordView, SealedRecord, aad};

#[global_allocator]
static ALLOCATOR: tincay_fuzz::Limited = tincay_fuzz::Limited;

fuzz_target!(|data: &[u8]| {
    let view = RecordView::parse(data);
    let Ok(record) = SealedRecord::decode(data) else {
        return;
    };
    let Ok(view) = view else {
        panic!("decode accepts what the view refuses");
    };
    assert!(
        record.try_encode().as_deref() == Ok(data),
        "a decoded record does not encode back to its bytes"
    );
    let unsigned = SealedRecord::unsigned_part(data).map(<[u8]>::len);
    assert_eq!(
        unsigned,
        Ok(data.len() - 32),
        "the unsigned part is not all but the MAC"
    );
    let mut buffer = Vec::new();
    for part in [Part::Facts, Part::Pii] {
        view.aad_into(part, &mut buffer);
        assert!(
            buffer == aad(&record.header, part),
            "the view's AAD differs"
        );
    }
});
