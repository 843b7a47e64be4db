//! The case codec: every event survives encode → decode, erasure reads as `None`, and no
//! error or `Debug` output carries personal data.

use super::fixtures::*;
use super::samples::one_of_each;
use crate::domain::case::*;
use crate::domain::codec::{DecodeError, EventCodec, PiiState, StoredEvent};

fn stored<'a>(
    event_type: &'a str,
    version: u32,
    facts: &'a [u8],
    pii: PiiState<'a>,
) -> StoredEvent<'a> {
    StoredEvent {
        event_type,
        schema_version: version,
        facts,
        pii,
    }
}

#[test]
fn every_event_type_survives_encoding_and_decoding() {
    let events = one_of_each();
    assert_eq!(
        events.len(),
        CaseEvent::WRITES.len(),
        "one_of_each misses a type"
    );
    for event in events {
        let encoded = event.encode().unwrap();
        assert_eq!(
            (encoded.event_type, encoded.schema_version),
            event.type_version()
        );
        let pii = match &encoded.pii {
            Some(bytes) => PiiState::Present(bytes),
            None => PiiState::Absent,
        };
        let decoded = CaseEvent::decode(stored(
            encoded.event_type,
            encoded.schema_version,
            &encoded.facts,
            pii,
        ))
        .unwrap();
        assert_eq!(decoded, event);
    }
}

#[test]
fn every_type_written_is_also_read() {
    for written in CaseEvent::WRITES {
        assert!(CaseEvent::READS.contains(written), "{written:?}");
    }
}

#[test]
fn an_erased_personal_part_decodes_as_none() {
    let encoded = opened().encode().unwrap();
    let decoded =
        CaseEvent::decode(stored("case_opened", 2, &encoded.facts, PiiState::Erased)).unwrap();
    assert!(matches!(decoded, CaseEvent::CaseOpened { pii: None, .. }));
}

#[test]
fn a_personal_part_missing_where_one_is_required_is_an_error() {
    let encoded = opened().encode().unwrap();
    let error =
        CaseEvent::decode(stored("case_opened", 2, &encoded.facts, PiiState::Absent)).unwrap_err();
    assert!(matches!(error, DecodeError::MissingPii { .. }), "{error}");
}

#[test]
fn a_personal_part_on_a_type_without_one_is_malformed() {
    let encoded = erased().encode().unwrap();
    assert_eq!(encoded.pii, None);
    let error = CaseEvent::decode(stored(
        "case_erased",
        1,
        &encoded.facts,
        PiiState::Present(b"{}"),
    ))
    .unwrap_err();
    assert!(
        matches!(error, DecodeError::Malformed { part: "pii", .. }),
        "{error}"
    );
}

#[test]
fn an_unknown_type_or_version_is_refused() {
    let error = CaseEvent::decode(stored("case_vanished", 1, b"{}", PiiState::Absent)).unwrap_err();
    assert!(matches!(error, DecodeError::UnknownType { .. }), "{error}");
    let error = CaseEvent::decode(stored("case_opened", 3, b"{}", PiiState::Absent)).unwrap_err();
    assert!(
        matches!(error, DecodeError::UnknownVersion { version: 3, .. }),
        "{error}"
    );
}

#[test]
fn a_decode_error_never_quotes_the_payload() {
    let pii = br#"{"text": 42, "secret": "Nguyen Thi Secret"}"#;
    let error =
        CaseEvent::decode(stored("note_added", 1, b"{}", PiiState::Present(pii))).unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, DecodeError::Malformed { part: "pii", .. }),
        "{message}"
    );
    assert!(
        !message.contains("Secret") && !message.contains("42"),
        "{message}"
    );
}

#[test]
fn an_event_whose_personal_part_was_erased_cannot_be_written_again() {
    let CaseEvent::CaseOpened { facts, .. } = opened() else {
        unreachable!()
    };
    assert!(CaseEvent::CaseOpened { facts, pii: None }.encode().is_err());
}

#[test]
fn debug_output_shows_no_personal_data_and_no_record_key() {
    let shown = format!("{:?} {:?}", one_of_each(), open_case());
    for secret in [
        "Y Hơ Niê",
        "0912",
        "thôn 3",
        "narrative",
        "neighbour\"",
        "sister",
        "called her",
        "2026-11-02",
        "1994",
    ] {
        assert!(!shown.contains(secret), "{secret} leaked into {shown}");
    }
    assert!(
        !shown.contains(&0x5eed_1234_u32.to_string()),
        "record key leaked"
    );
    assert!(shown.contains("CaseOpenedPii { .. }"), "{shown}");
}
