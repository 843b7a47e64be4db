//! Decode before append: before an event is sealed, its bytes are decoded into the domain
//! type its stream's kind reads, encoded again, and compared. An event that does not come
//! back byte for byte (a value its codec can write but not read, an old schema version, an
//! event type the stream does not know) is refused, so nothing the projections, `verify` or
//! a restore cannot read is ever appended.
//!
//! The check runs on the caller's thread, before the job is queued, so the single writer
//! thread does no decoding. It applies to every engine: it sits above the store trait.

use zeroize::Zeroize;

use crate::domain::access::AccessEvent;
use crate::domain::case::CaseEvent;
use crate::domain::codec::{EncodedEvent, EventCodec, PiiState, StoredEvent};
use crate::domain::held::HeldEvent;
use crate::domain::registry::area::AreaEvent;
use crate::domain::registry::trusted_address::TrustedAddressEvent;
use crate::domain::registry::user::UserEvent;
use crate::store::stream::StreamId;

/// How the log checks each event before it is sealed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EventCheck {
    /// Every event must decode into its stream's domain type and encode back to the same
    /// bytes ([`round_trips`]).
    #[default]
    RoundTrip,
    /// **Tests and benchmarks only**: no check. Tests of the log's mechanics append made-up
    /// payloads, the quarantine tests append events no projection can decode, and the
    /// benchmark measures the check's cost against this.
    #[doc(hidden)]
    Unchecked,
}

/// Whether `event`, appended to `stream`, decodes into its domain type and encodes back to
/// exactly the same type, version and bytes. Streams of a kind tincay does not write are
/// refused.
pub fn round_trips(stream: &StreamId, event: &EncodedEvent) -> bool {
    match stream.kind() {
        "case" => round_trips_as::<CaseEvent>(event),
        "area" => round_trips_as::<AreaEvent>(event),
        "address" => round_trips_as::<TrustedAddressEvent>(event),
        "user" => round_trips_as::<UserEvent>(event),
        "access" => round_trips_as::<AccessEvent>(event),
        "held" => round_trips_as::<HeldEvent>(event),
        _ => false,
    }
}

fn round_trips_as<E: EventCodec>(event: &EncodedEvent) -> bool {
    let stored = StoredEvent {
        event_type: event.event_type,
        schema_version: event.schema_version,
        facts: &event.facts,
        pii: match &event.pii {
            Some(plain) => PiiState::Present(plain),
            None => PiiState::Absent,
        },
    };
    let Ok(decoded) = E::decode(stored) else {
        return false;
    };
    let Ok(mut again) = decoded.encode() else {
        return false;
    };
    let same = again.event_type == event.event_type
        && again.schema_version == event.schema_version
        && again.facts == event.facts
        && again.pii == event.pii;
    // The second copy of the personal part is not needed any more.
    if let Some(plain) = again.pii.as_mut() {
        plain.zeroize();
    }
    same
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::facts::NoteAddedFacts;
    use crate::domain::case::pii::NoteAddedPii;

    fn note() -> EncodedEvent {
        CaseEvent::NoteAdded {
            facts: NoteAddedFacts {},
            pii: Some(NoteAddedPii {
                text: "Chị đến lúc 21 giờ".to_owned(),
            }),
        }
        .encode()
        .unwrap()
    }

    fn case() -> StreamId {
        StreamId::parse("case-0a000000-0000-4000-8000-000000000001").unwrap()
    }

    #[test]
    fn an_event_the_codec_wrote_reads_back() {
        assert!(round_trips(&case(), &note()));
    }

    #[test]
    fn bytes_that_decode_to_another_encoding_are_refused() {
        let mut spaced = note();
        spaced.facts = b"{ }".to_vec();
        assert!(!round_trips(&case(), &spaced));
    }

    #[test]
    fn an_old_schema_version_is_refused_since_the_writer_writes_only_the_newest() {
        let example: serde_json::Value = serde_json::from_str(include_str!(
            "../../../events/case/case_opened/examples/v1-single-violence-type.json"
        ))
        .unwrap();
        let v1 = EncodedEvent {
            event_type: "case_opened",
            schema_version: 1,
            facts: serde_json::to_vec(&example["facts"]).unwrap(),
            pii: Some(serde_json::to_vec(&example["pii"]).unwrap()),
        };
        assert!(!round_trips(&case(), &v1));
    }

    #[test]
    fn an_event_on_a_stream_of_another_kind_or_an_unknown_kind_is_refused() {
        let user = StreamId::parse("user-0a000000-0000-4000-8000-000000000001").unwrap();
        assert!(!round_trips(&user, &note()));
        let unknown = StreamId::parse("bench-1").unwrap();
        assert!(!round_trips(&unknown, &note()));
    }

    #[test]
    fn a_personal_part_that_is_missing_or_not_json_is_refused() {
        let mut missing = note();
        missing.pii = None;
        assert!(!round_trips(&case(), &missing));
        let mut garbage = note();
        garbage.pii = Some(vec![0xff, 0x00]);
        assert!(!round_trips(&case(), &garbage));
    }
}
