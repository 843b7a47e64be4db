//! Tests of the case stream, in given/when/then form: *given* these past events, *when* this
//! command arrives on this day, *then* these events are recorded, or this rejection.

mod codec;
mod fixtures;
mod lifecycle;
mod props;
mod recording;
mod rules;
mod samples;

use serde_json::Value;
use time::Date;

use super::{CaseCommand, CaseEvent, CaseState, Rejection, decide};
use crate::domain::codec::EventCodec;

/// The past of a case.
pub(super) struct Given(CaseState);

/// What `decide` answered.
pub(super) struct Then(Result<Vec<CaseEvent>, Rejection>);

pub(super) fn given(events: impl IntoIterator<Item = CaseEvent>) -> Given {
    let events: Vec<CaseEvent> = events.into_iter().collect();
    Given(CaseState::from_events(&events))
}

impl Given {
    pub(super) fn when(self, command: impl Into<CaseCommand>, today: Date) -> Then {
        Then(decide(&self.0, command.into(), today))
    }

    pub(super) fn state(&self) -> &CaseState {
        &self.0
    }
}

impl Then {
    #[track_caller]
    pub(super) fn then_events(self, expected: Vec<CaseEvent>) {
        match self.0 {
            // Compare the JSON first: event Debug output is redacted, JSON is not.
            Ok(actual) => {
                assert_eq!(as_json(&actual), as_json(&expected));
                assert_eq!(actual, expected);
            }
            Err(rejection) => panic!("expected events, got the rejection {rejection:?}"),
        }
    }

    #[track_caller]
    pub(super) fn then_rejects(self, expected: Rejection) {
        match self.0 {
            Ok(events) => panic!("expected {expected:?}, got events {:?}", as_json(&events)),
            Err(rejection) => assert_eq!(rejection, expected),
        }
    }

    /// The rejection, for tests that check only part of it.
    #[track_caller]
    pub(super) fn then_rejection(self) -> Rejection {
        match self.0 {
            Ok(events) => panic!("expected a rejection, got events {:?}", as_json(&events)),
            Err(rejection) => rejection,
        }
    }

    /// The events, for tests that check the resulting state.
    #[track_caller]
    pub(super) fn events(self) -> Vec<CaseEvent> {
        match self.0 {
            Ok(events) => events,
            Err(rejection) => panic!("expected events, got the rejection {rejection:?}"),
        }
    }
}

/// Each event as `(type, facts, pii)` JSON.
pub(super) fn as_json(events: &[CaseEvent]) -> Vec<(&'static str, Value, Option<Value>)> {
    let parse = |bytes: &[u8]| serde_json::from_slice::<Value>(bytes).unwrap();
    events
        .iter()
        .map(|event| {
            let encoded = event.encode().unwrap();
            (
                encoded.event_type,
                parse(&encoded.facts),
                encoded.pii.as_deref().map(parse),
            )
        })
        .collect()
}
