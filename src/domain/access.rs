//! The access log's event: who read, exported or erased what, or signed in, when and from
//! where. "Who" is the acting user in the record header (or, for a failed sign-in, the name
//! that was tried, kept personal); "when" is the record's time; "from where" is the client
//! address, personal data of the staff member.
//!
//! Entries about a case go to the stream `access-<case>`; others (sign-ins) to
//! `access-<yyyy>-<mm>`. Nothing can delete them through the API.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::catalogue::{Catalogued, event_schema};
use crate::domain::codec::{DecodeError, EncodedEvent, EventCodec, StoredEvent};
use crate::domain::ids::CaseId;
use crate::domain::parts;
use crate::domain::vocab::AccessAction;

const RECORDED: (&str, u32) = ("access_recorded", 1);

/// The coded part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessFacts {
    pub action: AccessAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseId>,
}

/// The personal part: the client's address, and for a failed sign-in the name tried.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessPii {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

redacted_debug!(AccessPii);

/// The access log's one event type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccessEvent {
    Recorded {
        facts: AccessFacts,
        pii: Option<AccessPii>,
    },
}

impl EventCodec for AccessEvent {
    const WRITES: &'static [(&'static str, u32)] = &[RECORDED];
    const READS: &'static [(&'static str, u32)] = Self::WRITES;

    fn encode(&self) -> Result<EncodedEvent, serde_json::Error> {
        match self {
            Self::Recorded { facts, pii } => parts::encode_with_pii(RECORDED, facts, pii),
        }
    }

    fn decode(stored: StoredEvent<'_>) -> Result<Self, DecodeError> {
        match parts::current_type(&stored, Self::READS, Self::WRITES)? {
            RECORDED => Ok(Self::Recorded {
                facts: parts::facts(&stored, stored.facts)?,
                pii: parts::pii(&stored)?,
            }),
            _ => Err(parts::unknown_type(&stored)),
        }
    }
}

impl Catalogued for AccessEvent {
    const STREAM: &'static str = "access";

    fn schema(event_type: &str, version: u32) -> Option<Value> {
        match (event_type, version) {
            RECORDED => Some(event_schema::<AccessFacts, AccessPii>(event_type, version)),
            _ => None,
        }
    }
}
