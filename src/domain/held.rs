//! Held records (issue 23, "needs attention"): a record a phone sealed while offline that the
//! server opened but could not apply (the case was closed, transferred or erased, a referral's
//! outcome was recorded meanwhile, or the case moved on under a form that does not commute).
//! Never dropped, never last-write-wins: it waits for the volunteer or her supervisor to apply,
//! adjust or discard it.
//!
//! Each held record is a stream of its own, `held-<uuid>`, so what she wrote is encrypted under
//! that stream's own data key: resolving it (applied, adjusted, discarded) appends
//! `held_record_resolved` and destroys that key, after which nothing she wrote can be read.
//! The stream `held-index` lists every held record with where it belongs (its trusted address
//! and commune, for the scope check), so a list needs no scan of the log.
//!
//! Stored format: `held_record_received` v1, `held_record_resolved` v1, `held_record_listed` v1
//! (`events/held/`). Never change them; add a version.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::domain::catalogue::{Catalogued, event_schema};
use crate::domain::codec::{DecodeError, EncodedEvent, EventCodec, StoredEvent};
use crate::domain::ids::{AreaCode, CaseId, TrustedAddressId, UserId};
use crate::domain::parts;

pub const RECEIVED: (&str, u32) = ("held_record_received", 1);
pub const RESOLVED: (&str, u32) = ("held_record_resolved", 1);
pub const LISTED: (&str, u32) = ("held_record_listed", 1);

/// Which form a held record carries (the sealed record's `form=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HeldForm {
    NewCase,
    Support,
    Referral,
    ReferralOutcome,
    FollowUp,
    CompleteFollowUp,
    Note,
    Risk,
    Close,
}

/// Why the server could not apply it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HeldReason {
    /// The case was closed meanwhile.
    Closed,
    /// The case was transferred to another trusted address.
    Transferred,
    /// The case was erased: the record can only be discarded.
    Erased,
    /// The referral's outcome was recorded meanwhile.
    OutcomeRecorded,
    /// The case moved on since the version the form was written against, and the form
    /// does not commute with what happened.
    Stale,
    /// Another rule of the case refuses it now.
    Refused,
}

/// How a held record was resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HeldResolution {
    /// Run as sent, on the case as it is now.
    Applied,
    /// Sent again through its form, corrected.
    Adjusted,
    /// Dropped, on purpose (recorded in the access log).
    Discarded,
}

/// `held_record_received` v1 facts: the record's routing facts and why it is held. Codes and
/// ids only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeldFacts {
    /// The volunteer (or supervisor) who sealed it.
    pub owner: UserId,
    pub form: HeldForm,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseId>,
    /// The referral or follow-up the form names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<Uuid>,
    /// The case version the form was written against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    /// When the phone sealed it, milliseconds since 1970.
    pub sealed_at_ms: u64,
    pub reason: HeldReason,
    /// Where it belongs: the scope check's trusted address and commune.
    pub trusted_address: TrustedAddressId,
    pub commune: AreaCode,
}

/// One field of the form as she sent it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeldField {
    pub name: String,
    pub value: String,
}

redacted_debug!(HeldField);

/// `held_record_received` v1 personal part: what she wrote, and the record's idempotency key.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeldPii {
    pub idempotency_key: String,
    pub fields: Vec<HeldField>,
}

redacted_debug!(HeldPii);

/// `held_record_resolved` v1 facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeldResolvedFacts {
    pub resolution: HeldResolution,
}

/// `held_record_listed` v1 facts (in `held-index`): a held record and where it belongs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeldListedFacts {
    pub held: Uuid,
    pub trusted_address: TrustedAddressId,
    pub commune: AreaCode,
}

/// The events of `held-<uuid>` and `held-index`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeldEvent {
    Received {
        facts: HeldFacts,
        /// `None` once the record is resolved (its key destroyed).
        pii: Option<HeldPii>,
    },
    Resolved {
        facts: HeldResolvedFacts,
    },
    Listed {
        facts: HeldListedFacts,
    },
}

impl EventCodec for HeldEvent {
    const WRITES: &'static [(&'static str, u32)] = &[RECEIVED, RESOLVED, LISTED];
    const READS: &'static [(&'static str, u32)] = Self::WRITES;

    fn encode(&self) -> Result<EncodedEvent, serde_json::Error> {
        match self {
            Self::Received { facts, pii } => parts::encode_with_pii(RECEIVED, facts, pii),
            Self::Resolved { facts } => parts::encode_facts(RESOLVED, facts),
            Self::Listed { facts } => parts::encode_facts(LISTED, facts),
        }
    }

    fn decode(stored: StoredEvent<'_>) -> Result<Self, DecodeError> {
        match parts::current_type(&stored, Self::READS, Self::WRITES)? {
            RECEIVED => Ok(Self::Received {
                facts: parts::facts(&stored, stored.facts)?,
                pii: parts::pii(&stored)?,
            }),
            RESOLVED => {
                parts::no_pii(&stored)?;
                Ok(Self::Resolved {
                    facts: parts::facts(&stored, stored.facts)?,
                })
            }
            LISTED => {
                parts::no_pii(&stored)?;
                Ok(Self::Listed {
                    facts: parts::facts(&stored, stored.facts)?,
                })
            }
            _ => Err(parts::unknown_type(&stored)),
        }
    }
}

impl Catalogued for HeldEvent {
    const STREAM: &'static str = "held";

    fn schema(event_type: &str, version: u32) -> Option<Value> {
        match (event_type, version) {
            RECEIVED => Some(event_schema::<HeldFacts, HeldPii>(event_type, version)),
            RESOLVED => Some(event_schema::<HeldResolvedFacts, ()>(event_type, version)),
            LISTED => Some(event_schema::<HeldListedFacts, ()>(event_type, version)),
            _ => None,
        }
    }
}
