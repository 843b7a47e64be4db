//! [`CaseEvent`]: everything that can happen to a case, as a past-tense event with its coded
//! facts and, for most types, its personal part. Type names (`case_opened`, …) and current
//! schema versions are the stored contract and live here, once.

use super::facts::*;
use super::pii::*;

/// An event type's stable name and the schema version this code writes.
pub type TypeVersion = (&'static str, u32);

pub const CASE_OPENED: TypeVersion = ("case_opened", 2);
pub const RISK_ASSESSED: TypeVersion = ("risk_assessed", 1);
pub const SUPPORT_PROVIDED: TypeVersion = ("support_provided", 1);
pub const REFERRAL_MADE: TypeVersion = ("referral_made", 1);
pub const REFERRAL_OUTCOME_RECORDED: TypeVersion = ("referral_outcome_recorded", 1);
pub const FOLLOW_UP_SCHEDULED: TypeVersion = ("follow_up_scheduled", 1);
pub const FOLLOW_UP_COMPLETED: TypeVersion = ("follow_up_completed", 1);
pub const NOTE_ADDED: TypeVersion = ("note_added", 1);
pub const CASE_REVIEWED: TypeVersion = ("case_reviewed", 1);
pub const CASE_CLOSURE_REQUESTED: TypeVersion = ("case_closure_requested", 1);
pub const CASE_TRANSFERRED: TypeVersion = ("case_transferred", 1);
pub const CASE_CLOSED: TypeVersion = ("case_closed", 1);
pub const CASE_REOPENED: TypeVersion = ("case_reopened", 1);
pub const CASE_ERASED: TypeVersion = ("case_erased", 1);

/// An event of a case stream. `pii` is `None` only when read back after the case was erased
/// (its data key destroyed); events made by [`decide`](super::decide) always carry it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseEvent {
    CaseOpened {
        facts: CaseOpenedFacts,
        pii: Option<CaseOpenedPii>,
    },
    RiskAssessed {
        facts: RiskAssessedFacts,
        pii: Option<RiskAssessedPii>,
    },
    SupportProvided {
        facts: SupportProvidedFacts,
        pii: Option<SupportProvidedPii>,
    },
    ReferralMade {
        facts: ReferralMadeFacts,
        pii: Option<ReferralMadePii>,
    },
    ReferralOutcomeRecorded {
        facts: ReferralOutcomeRecordedFacts,
        pii: Option<ReferralOutcomeRecordedPii>,
    },
    FollowUpScheduled {
        facts: FollowUpScheduledFacts,
    },
    FollowUpCompleted {
        facts: FollowUpCompletedFacts,
        pii: Option<FollowUpCompletedPii>,
    },
    NoteAdded {
        facts: NoteAddedFacts,
        pii: Option<NoteAddedPii>,
    },
    CaseReviewed {
        facts: CaseReviewedFacts,
        pii: Option<CaseReviewedPii>,
    },
    CaseClosureRequested {
        facts: CaseClosureRequestedFacts,
        pii: Option<CaseClosureRequestedPii>,
    },
    CaseTransferred {
        facts: CaseTransferredFacts,
        pii: Option<CaseTransferredPii>,
    },
    CaseClosed {
        facts: CaseClosedFacts,
        pii: Option<CaseClosedPii>,
    },
    CaseReopened {
        facts: CaseReopenedFacts,
        pii: Option<CaseReopenedPii>,
    },
    CaseErased {
        facts: CaseErasedFacts,
    },
}

impl CaseEvent {
    /// The stable type name and the version this code writes it at.
    pub fn type_version(&self) -> TypeVersion {
        match self {
            Self::CaseOpened { .. } => CASE_OPENED,
            Self::RiskAssessed { .. } => RISK_ASSESSED,
            Self::SupportProvided { .. } => SUPPORT_PROVIDED,
            Self::ReferralMade { .. } => REFERRAL_MADE,
            Self::ReferralOutcomeRecorded { .. } => REFERRAL_OUTCOME_RECORDED,
            Self::FollowUpScheduled { .. } => FOLLOW_UP_SCHEDULED,
            Self::FollowUpCompleted { .. } => FOLLOW_UP_COMPLETED,
            Self::NoteAdded { .. } => NOTE_ADDED,
            Self::CaseReviewed { .. } => CASE_REVIEWED,
            Self::CaseClosureRequested { .. } => CASE_CLOSURE_REQUESTED,
            Self::CaseTransferred { .. } => CASE_TRANSFERRED,
            Self::CaseClosed { .. } => CASE_CLOSED,
            Self::CaseReopened { .. } => CASE_REOPENED,
            Self::CaseErased { .. } => CASE_ERASED,
        }
    }

    /// The stable type name, e.g. `case_opened`.
    pub fn event_type(&self) -> &'static str {
        self.type_version().0
    }
}
