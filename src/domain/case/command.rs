//! [`CaseCommand`]: what a user asks of a case, already parsed into domain types (the HTTP
//! layer turns request bodies into these; nothing here re-checks a code or an id's form).
//! Whether the request is allowed by the case's state is [`decide`](super::decide)'s job.
//!
//! Commands carry personal data, so their `Debug` shows only coded fields and ids.

use time::Date;

use super::facts::Consent;
use super::pii::Informant;
use crate::domain::ids::{AreaCode, CaseId, FollowUpId, ReferralId, TrustedAddressId};
use crate::domain::vocab::{
    CloseReason, ErasureReason, Ethnicity, FollowUpMethod, FollowUpOutcome, Perpetrator,
    ReferralOutcome, ReferralTarget, ReferredBy, ReviewDecision, RiskLevel, Sex, SupportType,
    ViolenceType,
};

/// A request to change a case.
#[derive(Clone, Debug)]
pub enum CaseCommand {
    OpenCase(OpenCase),
    AssessRisk(AssessRisk),
    ProvideSupport(ProvideSupport),
    MakeReferral(MakeReferral),
    RecordReferralOutcome(RecordReferralOutcome),
    ScheduleFollowUp(ScheduleFollowUp),
    CompleteFollowUp(CompleteFollowUp),
    AddNote(AddNote),
    ReviewCase(ReviewCase),
    TransferCase(TransferCase),
    CloseCase(CloseCase),
    ReopenCase(ReopenCase),
    EraseCase(EraseCase),
}

/// Who asks to close a case: a volunteer's close is a request, a supervisor's is final.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Volunteer,
    Supervisor,
}

/// Open a new case. The id and the record key are drawn by the caller.
#[derive(Clone)]
pub struct OpenCase {
    pub case_id: CaseId,
    /// Random secret for the statistics' cell-key perturbation.
    pub record_key: u32,
    pub trusted_address: TrustedAddressId,
    /// The commune of `trusted_address`.
    pub commune: AreaCode,
    pub opened_on: Date,
    pub referred_by: ReferredBy,
    pub survivor: Survivor,
    pub violence_types: Vec<ViolenceType>,
    pub perpetrator: Perpetrator,
    pub risk_level: RiskLevel,
    pub consent: Consent,
    pub informant: Option<Informant>,
    pub narrative: Option<String>,
}

/// The survivor, as `POST /cases` describes her.
#[derive(Clone)]
pub struct Survivor {
    /// Name or pseudonym.
    pub name: String,
    pub birth_year: i32,
    pub sex: Sex,
    pub ethnicity: Ethnicity,
    pub disability: bool,
    pub contact: Option<String>,
    pub address: Option<String>,
    pub children_with_her: Option<u8>,
}

#[derive(Clone)]
pub struct AssessRisk {
    pub risk_level: RiskLevel,
    pub assessed_on: Date,
    pub notes: Option<String>,
}

#[derive(Clone)]
pub struct ProvideSupport {
    pub support_type: SupportType,
    pub provided_on: Date,
    /// Nights of shelter: only with `shelter`, 1..=366.
    pub nights: Option<u16>,
    pub by: Option<String>,
    pub notes: Option<String>,
}

#[derive(Clone)]
pub struct MakeReferral {
    pub referral_id: ReferralId,
    pub target: ReferralTarget,
    pub made_on: Date,
    pub organisation: Option<String>,
    pub contact_person: Option<String>,
    pub notes: Option<String>,
}

#[derive(Clone)]
pub struct RecordReferralOutcome {
    pub referral_id: ReferralId,
    pub outcome: ReferralOutcome,
    pub recorded_on: Date,
    pub notes: Option<String>,
}

/// Schedule a follow-up; carries no personal data.
#[derive(Clone, Debug)]
pub struct ScheduleFollowUp {
    pub follow_up_id: FollowUpId,
    pub due_on: Date,
    pub method: FollowUpMethod,
}

#[derive(Clone)]
pub struct CompleteFollowUp {
    pub follow_up_id: FollowUpId,
    pub outcome: FollowUpOutcome,
    pub completed_on: Date,
    pub notes: Option<String>,
}

#[derive(Clone)]
pub struct AddNote {
    pub text: String,
}

/// A supervisor's review.
#[derive(Clone)]
pub struct ReviewCase {
    pub decision: ReviewDecision,
    pub comment: Option<String>,
}

/// Move a case to another trusted address (supervisor).
#[derive(Clone)]
pub struct TransferCase {
    pub trusted_address: TrustedAddressId,
    /// The commune of the new address.
    pub commune: AreaCode,
    pub reason: Option<String>,
}

#[derive(Clone)]
pub struct CloseCase {
    pub by: Actor,
    pub reason: CloseReason,
    pub closed_on: Date,
    pub notes: Option<String>,
}

/// Reopen a closed case (supervisor).
#[derive(Clone)]
pub struct ReopenCase {
    pub reason: String,
}

/// Erase a case: its personal data is destroyed, its facts stay (supervisor, or retention).
#[derive(Clone, Debug)]
pub struct EraseCase {
    pub reason: ErasureReason,
}

redacted_debug!(
    OpenCase,
    case_id,
    trusted_address,
    commune,
    referred_by,
    violence_types,
    perpetrator,
    risk_level,
    consent
);
redacted_debug!(Survivor);
redacted_debug!(AssessRisk, risk_level);
redacted_debug!(ProvideSupport, support_type, nights);
redacted_debug!(MakeReferral, referral_id, target);
redacted_debug!(RecordReferralOutcome, referral_id, outcome);
redacted_debug!(CompleteFollowUp, follow_up_id, outcome);
redacted_debug!(AddNote);
redacted_debug!(ReviewCase, decision);
redacted_debug!(TransferCase, trusted_address, commune);
redacted_debug!(CloseCase, by, reason);
redacted_debug!(ReopenCase);

macro_rules! into_command {
    ($($variant:ident),+) => {
        $(impl From<$variant> for CaseCommand {
            fn from(command: $variant) -> Self {
                Self::$variant(command)
            }
        })+
    };
}

into_command!(
    OpenCase,
    AssessRisk,
    ProvideSupport,
    MakeReferral,
    RecordReferralOutcome,
    ScheduleFollowUp,
    CompleteFollowUp,
    AddNote,
    ReviewCase,
    TransferCase,
    CloseCase,
    ReopenCase,
    EraseCase
);
