//! The event codecs of every stream kind, for every event type and schema version they read
//! (`src/domain/codec.rs`, the kind-to-codec dispatch of `src/store/log/round_trip.rs`):
//! decoding never panics, and bytes → event → bytes is stable. Whatever decodes (an old
//! version is upcast) encodes, the encoding decodes to the same event and encodes to the same
//! bytes again, and the writer's decode-before-append check accepts it.
//!
//! Input: a selector byte (which `(stream kind, event type, version)` of `READS`), a byte
//! for the personal part's state (absent, present, erased), then the facts JSON, and after
//! a `0xFF` byte (never in UTF-8) the personal JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tincay::domain::access::AccessEvent;
use tincay::domain::case::CaseEvent;
use tincay::domain::codec::{EventCodec, PiiState, StoredEvent};
use tincay::domain::registry::area::AreaEvent;
use tincay::domain::registry::trusted_address::TrustedAddressEvent;
use tincay::domain::registry::user::UserEvent;
use tincay::store::log::round_trip::round_trips;
use tincay::store::stream::StreamId;

#[global_allocator]
static ALLOCATOR: tincay_fuzz::Limited = tincay_fuzz::Limited;

/// A stream of each kind, how many `(event type, version)`s its codec reads, and the check.
type Kind = (&'static str, usize, fn(&str, usize, u8, &[u8]));

const KINDS: [Kind; 5] = [
    (
        "case-0a000000-0000-4000-8000-000000000001",
        CaseEvent::READS.len(),
        check::<CaseEvent>,
    ),
    ("area-23287", AreaEvent::READS.len(), check::<AreaEvent>),
    (
        "address-0a000000-0000-4000-8000-000000000002",
        TrustedAddressEvent::READS.len(),
        check::<TrustedAddressEvent>,
    ),
    (
        "user-0a000000-0000-4000-8000-000000000003",
        UserEvent::READS.len(),
        check::<UserEvent>,
    ),
    (
        "access-0a000000-0000-4000-8000-000000000004",
        AccessEvent::READS.len(),
        check::<AccessEvent>,
    ),
];

fuzz_target!(|data: &[u8]| {
    let [selector, state, rest @ ..] = data else {
        return;
    };
    let mut selector = usize::from(*selector);
    for (stream, reads, check) in KINDS {
        if selector < reads {
            return check(stream, selector, *state, rest);
        }
        selector -= reads;
    }
});

/// The `selector`th `(event type, version)` that `E` reads, stored as the module says.
fn check<E: EventCodec + PartialEq>(stream: &str, selector: usize, state: u8, rest: &[u8]) {
    let Some(&(event_type, schema_version)) = E::READS.get(selector) else {
        return;
    };
    let (facts, pii) = match rest.iter().position(|&b| b == 0xff) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &[][..]),
    };
    let pii = match state % 3 {
        0 => PiiState::Absent,
        1 => PiiState::Present(pii),
        _ => PiiState::Erased,
    };
    let erased = matches!(pii, PiiState::Erased);
    let stored = StoredEvent {
        event_type,
        schema_version,
        facts,
        pii,
    };
    let Ok(event) = E::decode(stored) else {
        return;
    };
    if erased {
        // An event whose personal part was erased is read, never written again.
        return;
    }
    let Ok(encoded) = event.encode() else {
        panic!("{event_type} v{schema_version} decodes but does not encode");
    };
    let again = StoredEvent {
        event_type: encoded.event_type,
        schema_version: encoded.schema_version,
        facts: &encoded.facts,
        pii: match &encoded.pii {
            Some(plain) => PiiState::Present(plain),
            None => PiiState::Absent,
        },
    };
    let Ok(decoded) = E::decode(again) else {
        panic!("{event_type} v{schema_version} encodes to bytes it cannot decode");
    };
    assert!(
        decoded == event,
        "{event_type} v{schema_version} decodes to another event"
    );
    let Ok(twice) = decoded.encode() else {
        panic!("{event_type} v{schema_version} re-encodes with an error");
    };
    assert!(
        twice.event_type == encoded.event_type
            && twice.schema_version == encoded.schema_version
            && twice.facts == encoded.facts
            && twice.pii == encoded.pii,
        "{event_type} v{schema_version}: bytes -> event -> bytes is not stable"
    );
    assert!(
        round_trips(&StreamId::parse(stream).unwrap(), &encoded),
        "{event_type} v{schema_version}: the writer would refuse what the codec wrote"
    );
}
