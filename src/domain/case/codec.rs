//! [`EventCodec`] and [`Catalogued`] for [`CaseEvent`]: which `(type, version)` pairs the case
//! stream writes and reads, how each variant becomes its two JSON parts, and back (through
//! [`upcast`](super::upcast) for old versions).

use serde_json::Value;

use super::events::*;
use super::facts::*;
use super::pii::*;
use super::upcast::{self, CASE_OPENED_V1, CaseOpenedFactsV1};
use crate::domain::catalogue::{Catalogued, event_schema};
use crate::domain::codec::{DecodeError, EncodedEvent, EventCodec, StoredEvent};
use crate::domain::parts::{self, encode_facts, encode_with_pii};

impl EventCodec for CaseEvent {
    const WRITES: &'static [(&'static str, u32)] = &[
        CASE_OPENED,
        RISK_ASSESSED,
        SUPPORT_PROVIDED,
        REFERRAL_MADE,
        REFERRAL_OUTCOME_RECORDED,
        FOLLOW_UP_SCHEDULED,
        FOLLOW_UP_COMPLETED,
        NOTE_ADDED,
        CASE_REVIEWED,
        CASE_CLOSURE_REQUESTED,
        CASE_TRANSFERRED,
        CASE_CLOSED,
        CASE_REOPENED,
        CASE_ERASED,
    ];

    const READS: &'static [(&'static str, u32)] = &[
        CASE_OPENED_V1,
        CASE_OPENED,
        RISK_ASSESSED,
        SUPPORT_PROVIDED,
        REFERRAL_MADE,
        REFERRAL_OUTCOME_RECORDED,
        FOLLOW_UP_SCHEDULED,
        FOLLOW_UP_COMPLETED,
        NOTE_ADDED,
        CASE_REVIEWED,
        CASE_CLOSURE_REQUESTED,
        CASE_TRANSFERRED,
        CASE_CLOSED,
        CASE_REOPENED,
        CASE_ERASED,
    ];

    fn encode(&self) -> Result<EncodedEvent, serde_json::Error> {
        let tv = self.type_version();
        match self {
            Self::CaseOpened { facts, pii } => encode_with_pii(tv, facts, pii),
            Self::RiskAssessed { facts, pii } => encode_with_pii(tv, facts, pii),
            Self::SupportProvided { facts, pii } => encode_with_pii(tv, facts, pii),
            Self::ReferralMade { facts, pii } => encode_with_pii(tv, facts, pii),
            Self::ReferralOutcomeRecorded { facts, pii } => encode_with_pii(tv, facts, pii),
            Self::FollowUpScheduled { facts } => encode_facts(tv, facts),
            Self::FollowUpCompleted { facts, pii } => encode_with_pii(tv, facts, pii),
            Self::NoteAdded { facts, pii } => encode_with_pii(tv, facts, pii),
            Self::CaseReviewed { facts, pii } => encode_with_pii(tv, facts, pii),
            Self::CaseClosureRequested { facts, pii } => encode_with_pii(tv, facts, pii),
            Self::CaseTransferred { facts, pii } => encode_with_pii(tv, facts, pii),
            Self::CaseClosed { facts, pii } => encode_with_pii(tv, facts, pii),
            Self::CaseReopened { facts, pii } => encode_with_pii(tv, facts, pii),
            Self::CaseErased { facts } => encode_facts(tv, facts),
        }
    }

    fn decode(stored: StoredEvent<'_>) -> Result<Self, DecodeError> {
        if let Some(test_upcast) = upcast::test_upcaster(&stored) {
            return decode_test_upcast(stored, test_upcast);
        }
        let current = parts::current_type(&stored, Self::READS, Self::WRITES)?;
        let facts = upcast::to_current(&stored)?;
        let (s, f) = (&stored, facts.as_ref());
        Ok(match current {
            CASE_OPENED => Self::CaseOpened {
                facts: parts::facts(s, f)?,
                pii: parts::pii(s)?,
            },
            RISK_ASSESSED => Self::RiskAssessed {
                facts: parts::facts(s, f)?,
                pii: parts::pii(s)?,
            },
            SUPPORT_PROVIDED => Self::SupportProvided {
                facts: parts::facts(s, f)?,
                pii: parts::pii(s)?,
            },
            REFERRAL_MADE => Self::ReferralMade {
                facts: parts::facts(s, f)?,
                pii: parts::pii(s)?,
            },
            REFERRAL_OUTCOME_RECORDED => Self::ReferralOutcomeRecorded {
                facts: parts::facts(s, f)?,
                pii: parts::pii(s)?,
            },
            FOLLOW_UP_SCHEDULED => {
                parts::no_pii(s)?;
                Self::FollowUpScheduled {
                    facts: parts::facts(s, f)?,
                }
            }
            FOLLOW_UP_COMPLETED => Self::FollowUpCompleted {
                facts: parts::facts(s, f)?,
                pii: parts::pii(s)?,
            },
            NOTE_ADDED => Self::NoteAdded {
                facts: parts::facts(s, f)?,
                pii: parts::pii(s)?,
            },
            CASE_REVIEWED => Self::CaseReviewed {
                facts: parts::facts(s, f)?,
                pii: parts::pii(s)?,
            },
            CASE_CLOSURE_REQUESTED => Self::CaseClosureRequested {
                facts: parts::facts(s, f)?,
                pii: parts::pii(s)?,
            },
            CASE_TRANSFERRED => Self::CaseTransferred {
                facts: parts::facts(s, f)?,
                pii: parts::pii(s)?,
            },
            CASE_CLOSED => Self::CaseClosed {
                facts: parts::facts(s, f)?,
                pii: parts::pii(s)?,
            },
            CASE_REOPENED => Self::CaseReopened {
                facts: parts::facts(s, f)?,
                pii: parts::pii(s)?,
            },
            CASE_ERASED => {
                parts::no_pii(s)?;
                Self::CaseErased {
                    facts: parts::facts(s, f)?,
                }
            }
            _ => return Err(parts::unknown_type(s)),
        })
    }
}

/// An event read through a test upcaster ([`upcast::install_test_upcaster`]): its facts
/// become the current version's, then it decodes as that version.
fn decode_test_upcast(
    stored: StoredEvent<'_>,
    test_upcast: upcast::TestUpcaster,
) -> Result<CaseEvent, DecodeError> {
    let Some(&(_, version)) = CaseEvent::WRITES
        .iter()
        .find(|(event_type, _)| *event_type == stored.event_type)
    else {
        return Err(parts::unknown_type(&stored));
    };
    let facts = test_upcast(stored.facts).ok_or_else(|| DecodeError::Malformed {
        event_type: stored.event_type.to_owned(),
        version: stored.schema_version,
        part: "facts",
        reason: "the upcaster cannot read it".to_owned(),
    })?;
    CaseEvent::decode(StoredEvent {
        schema_version: version,
        facts: &facts,
        ..stored
    })
}

impl Catalogued for CaseEvent {
    const STREAM: &'static str = "case";

    fn schema(event_type: &str, version: u32) -> Option<Value> {
        let schema = match (event_type, version) {
            CASE_OPENED_V1 => event_schema::<CaseOpenedFactsV1, CaseOpenedPii>,
            CASE_OPENED => event_schema::<CaseOpenedFacts, CaseOpenedPii>,
            RISK_ASSESSED => event_schema::<RiskAssessedFacts, RiskAssessedPii>,
            SUPPORT_PROVIDED => event_schema::<SupportProvidedFacts, SupportProvidedPii>,
            REFERRAL_MADE => event_schema::<ReferralMadeFacts, ReferralMadePii>,
            REFERRAL_OUTCOME_RECORDED => {
                event_schema::<ReferralOutcomeRecordedFacts, ReferralOutcomeRecordedPii>
            }
            FOLLOW_UP_SCHEDULED => event_schema::<FollowUpScheduledFacts, ()>,
            FOLLOW_UP_COMPLETED => event_schema::<FollowUpCompletedFacts, FollowUpCompletedPii>,
            NOTE_ADDED => event_schema::<NoteAddedFacts, NoteAddedPii>,
            CASE_REVIEWED => event_schema::<CaseReviewedFacts, CaseReviewedPii>,
            CASE_CLOSURE_REQUESTED => {
                event_schema::<CaseClosureRequestedFacts, CaseClosureRequestedPii>
            }
            CASE_TRANSFERRED => event_schema::<CaseTransferredFacts, CaseTransferredPii>,
            CASE_CLOSED => event_schema::<CaseClosedFacts, CaseClosedPii>,
            CASE_REOPENED => event_schema::<CaseReopenedFacts, CaseReopenedPii>,
            CASE_ERASED => event_schema::<CaseErasedFacts, ()>,
            _ => return None,
        };
        Some(schema(event_type, version))
    }
}
