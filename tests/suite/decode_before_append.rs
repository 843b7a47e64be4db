//! Decode before append: the log refuses an event that does not read back as it was written,
//! and the refusal writes nothing (issue 18's `-0001-01-01`).

use time::{Date, Month};
use tincay::domain::calendar::YearMonth;
use tincay::domain::case::CaseEvent;
use tincay::domain::case::facts::SupportProvidedFacts;
use tincay::domain::case::pii::SupportProvidedPii;
use tincay::domain::codec::{EncodedEvent, EventCodec};
use tincay::domain::vocab::SupportType;
use tincay::store::engine::EventStore;
use tincay::store::log::{AppendError, EventCheck, ExpectedVersion, LogOptions};

use crate::support::*;

const CASE: &str = "case-0a000000-0000-4000-8000-000000000018";

/// A `support_provided` event built directly in the domain types, bypassing every parser.
fn support_on(year: i32) -> EncodedEvent {
    let day = Date::from_calendar_date(year, Month::January, 1).unwrap();
    CaseEvent::SupportProvided {
        facts: SupportProvidedFacts {
            support_type: SupportType::Shelter,
            nights: Some(1),
            month: YearMonth::of(day),
        },
        pii: Some(SupportProvidedPii {
            provided_on: day,
            by: None,
            notes: None,
        }),
    }
    .encode()
    .unwrap()
}

#[test]
fn an_event_dated_in_a_year_the_codec_cannot_read_back_is_refused_and_nothing_is_written() {
    let t = TestLog::checked();
    t.append(request(
        CASE,
        ExpectedVersion::NoStream,
        vec![support_on(2026)],
    ));
    let head = t.log.head();
    assert_eq!(head.map(|head| head.position), Some(1));
    // Year 0 is written `0000` and reads back; bounding it is the parsers' job.
    for year in [-1, -2026, -9999] {
        let refused = t.log.append_blocking(request(
            CASE,
            ExpectedVersion::Exact(1),
            vec![support_on(year)],
        ));
        assert!(
            matches!(
                refused,
                Err(AppendError::DoesNotRoundTrip {
                    event_type: "support_provided"
                })
            ),
            "year {year}: {refused:?}"
        );
        assert_eq!(t.log.head(), head, "year {year}");
        assert_eq!(t.store.last_record().unwrap().unwrap().position, 1);
        assert_eq!(t.store.stream_version(&stream(CASE)).unwrap(), 1);
    }
}

#[test]
fn one_bad_event_refuses_its_whole_append() {
    let t = TestLog::checked();
    let refused = t.log.append_blocking(request(
        CASE,
        ExpectedVersion::NoStream,
        vec![support_on(2026), support_on(-1)],
    ));
    assert!(matches!(refused, Err(AppendError::DoesNotRoundTrip { .. })));
    assert_eq!(t.log.head(), None);
    assert_eq!(t.store.stream_version(&stream(CASE)).unwrap(), 0);
}

#[test]
fn the_error_names_the_event_type_and_none_of_its_data() {
    let t = TestLog::checked();
    let mut event = support_on(-1);
    event.pii = Some(br#"{"provided_on":"-001-01-01","notes":"Nguyen Thi A"}"#.to_vec());
    let error = t
        .log
        .append_blocking(request(CASE, ExpectedVersion::NoStream, vec![event]))
        .unwrap_err()
        .to_string();
    assert!(error.contains("support_provided"), "{error}");
    assert!(
        !error.contains("Nguyen") && !error.contains("-001"),
        "{error}"
    );
}

#[test]
fn without_the_check_the_same_event_is_written_which_is_what_the_check_prevents() {
    let dir = tempfile::tempdir().unwrap();
    let options = LogOptions {
        check: EventCheck::Unchecked,
        ..LogOptions::default()
    };
    let (_store, log) = open_with(dir.path(), master(), options);
    let written = log
        .append_blocking(request(
            CASE,
            ExpectedVersion::NoStream,
            vec![support_on(-1)],
        ))
        .unwrap();
    assert_eq!(written.last_position, 1);
}
