//! [`CaseState`]: what [`decide`](super::decide) needs to know about a case, folded from its
//! events by [`CaseState::apply`]. Applying never fails: events are facts that already
//! happened, so even an odd stream gives some state, and `version` always counts the events.

use serde::{Deserialize, Serialize};
use time::Date;

use super::events::CaseEvent;
use super::facts::{CaseClosureRequestedFacts, Consent};
use super::pii::CaseClosureRequestedPii;
use crate::domain::calendar::YearMonth;
use crate::domain::id_map::IdMap;
use crate::domain::ids::{AreaCode, FollowUpId, ReferralId, TrustedAddressId};
use crate::domain::vocab::{
    FollowUpMethod, FollowUpOutcome, ReferralOutcome, ReferralTarget, ReviewDecision, RiskLevel,
};

/// Where a case is in its lifecycle (`API.md`: `open`, `closure_requested`, `closed`,
/// `erased`). A stream with no events has no status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    ClosureRequested,
    Closed,
    Erased,
}

/// A referral and the last outcome recorded for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub target: ReferralTarget,
    pub last_outcome: Option<ReferralOutcome>,
}

/// A scheduled follow-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub due_on: Date,
    pub method: FollowUpMethod,
    /// `Some` once completed.
    pub outcome: Option<FollowUpOutcome>,
}

/// A volunteer's closure awaiting a supervisor: kept whole, because approving it closes the
/// case with this reason, date and notes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosureRequest {
    pub facts: CaseClosureRequestedFacts,
    pub pii: Option<CaseClosureRequestedPii>,
}

/// The current state of one case stream.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseState {
    /// `None` until the case is opened.
    pub status: Option<CaseStatus>,
    /// The number of events applied: the stream version.
    pub version: u64,
    pub trusted_address: Option<TrustedAddressId>,
    pub commune: Option<AreaCode>,
    /// The month the case was opened.
    pub opened_in: Option<YearMonth>,
    pub consent: Consent,
    pub risk_level: Option<RiskLevel>,
    /// The month the case was closed, while it is closed (retention counts from it).
    #[serde(default)]
    pub closed_in: Option<YearMonth>,
    /// The pending closure request while `status` is `ClosureRequested`.
    pub closure_request: Option<ClosureRequest>,
    pub referrals: IdMap<ReferralId, Referral>,
    pub follow_ups: IdMap<FollowUpId, FollowUp>,
}

impl CaseState {
    /// The state after `events`, in stream order.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a CaseEvent>) -> Self {
        let mut state = Self::default();
        for event in events {
            state.apply(event);
        }
        state
    }

    /// Folds one more event in.
    pub fn apply(&mut self, event: &CaseEvent) {
        self.version += 1;
        match event {
            CaseEvent::CaseOpened { facts, .. } => {
                self.status = Some(CaseStatus::Open);
                self.trusted_address = Some(facts.trusted_address);
                self.commune = Some(facts.commune.clone());
                self.opened_in = Some(facts.month);
                self.consent = facts.consent;
                self.risk_level = Some(facts.risk_level);
            }
            CaseEvent::RiskAssessed { facts, .. } => self.risk_level = Some(facts.risk_level),
            CaseEvent::SupportProvided { .. } | CaseEvent::NoteAdded { .. } => {}
            CaseEvent::ReferralMade { facts, .. } => {
                let referral = Referral {
                    target: facts.target,
                    last_outcome: None,
                };
                self.referrals.insert(facts.referral_id, referral);
            }
            CaseEvent::ReferralOutcomeRecorded { facts, .. } => {
                if let Some(referral) = self.referrals.get_mut(&facts.referral_id) {
                    referral.last_outcome = Some(facts.outcome);
                }
            }
            CaseEvent::FollowUpScheduled { facts } => {
                let follow_up = FollowUp {
                    due_on: facts.due_on,
                    method: facts.method,
                    outcome: None,
                };
                self.follow_ups.insert(facts.follow_up_id, follow_up);
            }
            CaseEvent::FollowUpCompleted { facts, .. } => {
                if let Some(follow_up) = self.follow_ups.get_mut(&facts.follow_up_id) {
                    follow_up.outcome = Some(facts.outcome);
                }
            }
            CaseEvent::CaseReviewed { facts, .. } => {
                let pending = self.status == Some(CaseStatus::ClosureRequested);
                if pending && facts.decision == ReviewDecision::ActionRequested {
                    self.reopen();
                }
            }
            CaseEvent::CaseClosureRequested { facts, pii } => {
                self.status = Some(CaseStatus::ClosureRequested);
                self.closure_request = Some(ClosureRequest {
                    facts: facts.clone(),
                    pii: pii.clone(),
                });
            }
            CaseEvent::CaseTransferred { facts, .. } => {
                self.trusted_address = Some(facts.trusted_address);
                self.commune = Some(facts.commune.clone());
            }
            CaseEvent::CaseClosed { facts, .. } => {
                self.status = Some(CaseStatus::Closed);
                self.closed_in = Some(facts.month);
                self.closure_request = None;
            }
            CaseEvent::CaseReopened { .. } => self.reopen(),
            CaseEvent::CaseErased { .. } => {
                self.status = Some(CaseStatus::Erased);
                self.closure_request = None;
            }
        }
    }

    fn reopen(&mut self) {
        self.status = Some(CaseStatus::Open);
        self.closed_in = None;
        self.closure_request = None;
    }
}
