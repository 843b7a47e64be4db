//! One log event as the projections see it: decoded once (upcast to the newest version) and
//! tagged with the entity its stream belongs to, so every projection reads the same value
//! instead of decoding the JSON again.

use time::OffsetDateTime;

use crate::domain::case::CaseEvent;
use crate::domain::codec::DecodeError;
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
    /// A stream no projection reads (the access log).
    Other,
}

impl ProjectedEvent {
    /// Decode a recorded event. A stream id whose entity part does not parse is `Other`:
    /// the writers never produce one, and no projection could place it.
    pub fn decode(recorded: &RecordedEvent) -> Result<Self, DecodeError> {
        let stream = recorded.stream.as_str();
        let body = match recorded.stream.kind() {
            "case" => match uuid_after(stream, "case-") {
                Some(id) => Projected::Case {
                    id: CaseId::from_uuid(id),
                    event: recorded.decode()?,
                },
                None => Projected::Other,
            },
            "area" => match stream
                .strip_prefix("area-")
                .and_then(|raw| AreaCode::parse(raw).ok())
            {
                Some(code) => Projected::Area {
                    code,
                    event: recorded.decode()?,
                },
                None => Projected::Other,
            },
            "address" => match uuid_after(stream, "address-") {
                Some(id) => Projected::Address {
                    id: TrustedAddressId::from_uuid(id),
                    event: recorded.decode()?,
                },
                None => Projected::Other,
            },
            "user" => match uuid_after(stream, "user-") {
                Some(id) => Projected::User {
                    id: UserId::from_uuid(id),
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

fn uuid_after(stream: &str, prefix: &str) -> Option<uuid::Uuid> {
    stream
        .strip_prefix(prefix)
        .and_then(|raw| uuid::Uuid::parse_str(raw).ok())
}
