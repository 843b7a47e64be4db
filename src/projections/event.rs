//! One log event as the projections see it: decoded once (upcast to the newest version) and
//! tagged with the entity its stream belongs to, so every projection reads the same value
//! instead of decoding the JSON again.

use time::OffsetDateTime;

use crate::domain::case::{CaseEvent, events};
use crate::domain::codec::DecodeError;
use crate::domain::held::HeldEvent;
use crate::domain::ids::{AreaCode, CaseId, TrustedAddressId, UserId};
use crate::domain::registry::area::AreaEvent;
use crate::domain::registry::trusted_address::TrustedAddressEvent;
use crate::domain::registry::user::UserEvent;
use crate::store::log::RecordedEvent;

/// A decoded event with where it sits in the log.
#[derive(Debug)]
pub struct ProjectedEvent {
    pub position: u64,
    /// The event's version within its stream (1 for the first).
    pub stream_version: u64,
    pub recorded_at: OffsetDateTime,
    pub body: Projected,
}

/// What the event is about.
#[derive(Debug)]
pub enum Projected {
    Case {
        id: CaseId,
        event: CaseEvent,
    },
    Area {
        code: AreaCode,
        event: AreaEvent,
    },
    Address {
        id: TrustedAddressId,
        event: TrustedAddressEvent,
    },
    User {
        id: UserId,
        event: UserEvent,
    },
    /// A held record of the offline outbox (`held-<uuid>`; its facts only).
    Held {
        id: uuid::Uuid,
        event: HeldEvent,
    },
    /// A stream no projection reads (the access log, `held-index`).
    Other,
}

/// The case event types every projection reads from their facts alone.
const FACTS_ONLY: [&str; 10] = [
    events::RISK_ASSESSED.0,
    events::SUPPORT_PROVIDED.0,
    events::REFERRAL_MADE.0,
    events::REFERRAL_OUTCOME_RECORDED.0,
    events::FOLLOW_UP_COMPLETED.0,
    events::NOTE_ADDED.0,
    events::CASE_REVIEWED.0,
    events::CASE_TRANSFERRED.0,
    events::CASE_CLOSED.0,
    events::CASE_REOPENED.0,
];

/// Whether any projection reads the personal part of this event type: the day a case was
/// opened, a closure request's notes (approving it closes the case with them), and the
/// registry's names do; the case events in [`FACTS_ONLY`] and the access log (which no
/// projection reads) and held records (likewise) do not, so a catch-up leaves their personal parts encrypted. A type not
/// named is read whole.
pub fn pii_needed(event_type: &str) -> bool {
    !(FACTS_ONLY.contains(&event_type)
        || event_type.starts_with("access_")
        || event_type.starts_with("held_"))
}

impl ProjectedEvent {
    /// Decode a recorded event. A stream id whose entity part does not parse is `Other`:
    /// the writers never produce one, and no projection could place it.
    pub fn decode(recorded: &RecordedEvent) -> Result<Self, DecodeError> {
        let body = match recorded.stream.kind() {
            "case" => match recorded.stream.uuid_of("case") {
                Some(id) => Projected::Case {
                    id: CaseId::from_uuid(id),
                    event: recorded.decode()?,
                },
                None => Projected::Other,
            },
            "area" => match recorded
                .stream
                .as_str()
                .strip_prefix("area-")
                .and_then(|raw| AreaCode::parse(raw).ok())
            {
                Some(code) => Projected::Area {
                    code,
                    event: recorded.decode()?,
                },
                None => Projected::Other,
            },
            "address" => match recorded.stream.uuid_of("address") {
                Some(id) => Projected::Address {
                    id: TrustedAddressId::from_uuid(id),
                    event: recorded.decode()?,
                },
                None => Projected::Other,
            },
            "user" => match recorded.stream.uuid_of("user") {
                Some(id) => Projected::User {
                    id: UserId::from_uuid(id),
                    event: recorded.decode()?,
                },
                None => Projected::Other,
            },
            "held" => match recorded.stream.uuid_of("held") {
                Some(id) => Projected::Held {
                    id,
                    event: recorded.decode()?,
                },
                None => Projected::Other,
            },
            _ => Projected::Other,
        };
        Ok(Self {
            position: recorded.position,
            stream_version: recorded.stream_version,
            recorded_at: recorded.recorded_at,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::codec::EventCodec;

    #[test]
    fn the_personal_parts_projections_use_are_read_and_only_those_are_skipped() {
        for needed in [events::CASE_OPENED.0, events::CASE_CLOSURE_REQUESTED.0] {
            assert!(pii_needed(needed), "{needed}");
        }
        for (registry_type, _) in UserEvent::WRITES
            .iter()
            .chain(TrustedAddressEvent::WRITES)
            .chain(AreaEvent::WRITES)
        {
            assert!(pii_needed(registry_type), "{registry_type}");
        }
        for skipped in FACTS_ONLY {
            assert!(CaseEvent::WRITES.iter().any(|(name, _)| *name == skipped));
            assert!(!pii_needed(skipped), "{skipped}");
        }
        assert!(!pii_needed("access_recorded"));
        assert!(
            pii_needed("some_future_event"),
            "unknown types are read whole"
        );
    }
}
