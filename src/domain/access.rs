//! The access log's event: who read, exported or erased what, or signed in, when and from
//! where. "Who" is the acting user in the record header (or, for a failed sign-in, the name
//! that was tried, kept personal); "when" is the record's time; "from where" is the client
//! address, personal data of the staff member.
//!
//! Entries about a case go to the stream `access-<case>`; others (sign-ins) to
//! `access-<yyyy>-<mm>`. Nothing can delete them through the API.
//!
//! Usually one event records one entry (`access_recorded`). When several entries for one
//! stream are recorded at the same moment (many reads of one case at once), one
//! `access_batch_recorded` event holds them all, each with its own user and time, which the
//! single-entry event keeps in its record header; read back, a batch is the same entries.
//!
//! What happens to accounts (created, password reset, approved, refused, a sign-in refused
//! because the account waits for approval) is `access_account_recorded`, in the monthly
//! stream: the actor in the record header, the account in the facts.
//!
//! What someone did with a held record of the offline outbox (a discard) is
//! `access_held_recorded`, in the case's stream (or the month's, for a new case): who and when
//! in the record header, which held record in the facts.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::domain::catalogue::{Catalogued, event_schema};
use crate::domain::codec::{DecodeError, EncodedEvent, EventCodec, StoredEvent};
use crate::domain::held::HeldResolution;
use crate::domain::ids::{CaseId, UserId};
use crate::domain::parts;
use crate::domain::vocab::{AccessAction, AccountAction};

const RECORDED: (&str, u32) = ("access_recorded", 1);
const BATCH_RECORDED: (&str, u32) = ("access_batch_recorded", 1);
const ACCOUNT_RECORDED: (&str, u32) = ("access_account_recorded", 1);
const HELD_RECORDED: (&str, u32) = ("access_held_recorded", 1);

/// The coded part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessFacts {
    pub action: AccessAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseId>,
    /// A statistics query, normalised (`measure=…&period=…&area=…&by=…`): what was asked,
    /// for the query budget and the audit. Codes only, nothing personal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
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

/// One entry of a batch: who and when (a single entry's record header says that), and what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessBatchEntry {
    /// When, in milliseconds since 1970-01-01 UTC (the precision of a record header's time).
    pub at_ms: i64,
    /// The acting user, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<UserId>,
    pub action: AccessAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseId>,
}

/// The coded part of a batch: its entries, in the order they were recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessBatchFacts {
    pub entries: Vec<AccessBatchEntry>,
}

/// The personal part of a batch: each entry's personal part, in the same order.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessBatchPii {
    pub entries: Vec<AccessPii>,
}

redacted_debug!(AccessBatchPii);

/// `access_account_recorded` v1 facts: what happened to which account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessAccountFacts {
    pub action: AccountAction,
    pub account: UserId,
}

/// `access_account_recorded` v1 personal part: the client's address, if known.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessAccountPii {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

redacted_debug!(AccessAccountPii);

/// `access_held_recorded` v1 facts: what someone did with a held record of the offline
/// outbox (`domain::held`), and the case it named.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessHeldFacts {
    pub action: HeldResolution,
    pub held: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseId>,
}

/// The access log's events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccessEvent {
    Recorded {
        facts: AccessFacts,
        pii: Option<AccessPii>,
    },
    /// Several entries for one stream, recorded together.
    BatchRecorded {
        facts: AccessBatchFacts,
        pii: Option<AccessBatchPii>,
    },
    /// Something that happened to an account.
    AccountRecorded {
        facts: AccessAccountFacts,
        pii: Option<AccessAccountPii>,
    },
    /// Something done with a held record (a discard); the client's address as for an account.
    HeldRecorded {
        facts: AccessHeldFacts,
        pii: Option<AccessAccountPii>,
    },
}

impl EventCodec for AccessEvent {
    const WRITES: &'static [(&'static str, u32)] =
        &[RECORDED, BATCH_RECORDED, ACCOUNT_RECORDED, HELD_RECORDED];
    const READS: &'static [(&'static str, u32)] = Self::WRITES;

    fn encode(&self) -> Result<EncodedEvent, serde_json::Error> {
        match self {
            Self::Recorded { facts, pii } => parts::encode_with_pii(RECORDED, facts, pii),
            Self::BatchRecorded { facts, pii } => {
                parts::encode_with_pii(BATCH_RECORDED, facts, pii)
            }
            Self::AccountRecorded { facts, pii } => {
                parts::encode_with_pii(ACCOUNT_RECORDED, facts, pii)
            }
            Self::HeldRecorded { facts, pii } => parts::encode_with_pii(HELD_RECORDED, facts, pii),
        }
    }

    fn decode(stored: StoredEvent<'_>) -> Result<Self, DecodeError> {
        match parts::current_type(&stored, Self::READS, Self::WRITES)? {
            RECORDED => Ok(Self::Recorded {
                facts: parts::facts(&stored, stored.facts)?,
                pii: parts::pii(&stored)?,
            }),
            BATCH_RECORDED => {
                let facts: AccessBatchFacts = parts::facts(&stored, stored.facts)?;
                let pii: Option<AccessBatchPii> = parts::pii(&stored)?;
                if pii
                    .as_ref()
                    .is_some_and(|pii| pii.entries.len() != facts.entries.len())
                {
                    return Err(DecodeError::Malformed {
                        event_type: stored.event_type.to_owned(),
                        version: stored.schema_version,
                        part: "pii",
                        reason: "not one personal part per entry".to_owned(),
                    });
                }
                Ok(Self::BatchRecorded { facts, pii })
            }
            ACCOUNT_RECORDED => Ok(Self::AccountRecorded {
                facts: parts::facts(&stored, stored.facts)?,
                pii: parts::pii(&stored)?,
            }),
            HELD_RECORDED => Ok(Self::HeldRecorded {
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
            BATCH_RECORDED => Some(event_schema::<AccessBatchFacts, AccessBatchPii>(
                event_type, version,
            )),
            ACCOUNT_RECORDED => Some(event_schema::<AccessAccountFacts, AccessAccountPii>(
                event_type, version,
            )),
            HELD_RECORDED => Some(event_schema::<AccessHeldFacts, AccessAccountPii>(
                event_type, version,
            )),
            _ => None,
        }
    }
}
