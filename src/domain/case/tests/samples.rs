//! One event of every case type, for the codec and version tests.

use super::fixtures::*;
use crate::domain::case::*;
use crate::domain::vocab::*;

/// One event of every type, each as `decide` could record it.
pub(crate) fn one_of_each() -> Vec<CaseEvent> {
    vec![
        opened(),
        CaseEvent::RiskAssessed {
            facts: RiskAssessedFacts {
                risk_level: RiskLevel::Medium,
                month: month(TODAY),
            },
            pii: Some(RiskAssessedPii {
                assessed_on: TODAY,
                notes: Some("calmer".into()),
            }),
        },
        CaseEvent::SupportProvided {
            facts: SupportProvidedFacts {
                support_type: SupportType::Shelter,
                nights: Some(3),
                month: month(TODAY),
            },
            pii: Some(SupportProvidedPii {
                provided_on: TODAY,
                by: Some("the host".into()),
                notes: None,
            }),
        },
        referral_made(),
        CaseEvent::ReferralOutcomeRecorded {
            facts: ReferralOutcomeRecordedFacts {
                referral_id: REFERRAL,
                outcome: ReferralOutcome::Accepted,
                month: month(TODAY),
            },
            pii: Some(ReferralOutcomeRecordedPii {
                recorded_on: TODAY,
                notes: None,
            }),
        },
        follow_up_scheduled(TODAY),
        CaseEvent::FollowUpCompleted {
            facts: FollowUpCompletedFacts {
                follow_up_id: FOLLOW_UP,
                outcome: FollowUpOutcome::Safe,
                month: month(TODAY),
                on_time: true,
            },
            pii: Some(FollowUpCompletedPii {
                completed_on: TODAY,
                notes: None,
            }),
        },
        CaseEvent::NoteAdded {
            facts: NoteAddedFacts {},
            pii: Some(NoteAddedPii {
                text: "called her".into(),
            }),
        },
        reviewed(ReviewDecision::ActionRequested),
        closure_requested(),
        CaseEvent::CaseTransferred {
            facts: CaseTransferredFacts {
                trusted_address: OTHER_ADDRESS,
                commune: other_commune(),
            },
            pii: Some(CaseTransferredPii {
                reason: Some("moved".into()),
            }),
        },
        closed(),
        CaseEvent::CaseReopened {
            facts: CaseReopenedFacts {},
            pii: Some(CaseReopenedPii {
                reason: "violence resumed".into(),
            }),
        },
        erased(),
    ]
}
