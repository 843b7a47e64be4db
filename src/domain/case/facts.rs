//! The `facts` part of each case event: coded, non-identifying fields, encrypted under the
//! store's facts key and kept when a case is erased, so statistics never change. Nothing here
//! may name, locate or date a person to the day: months, codes and ids only.
//!
//! These structs are the stored format of the current versions: never change a field; add a
//! new event version and an upcaster instead (see `events/README.md`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::calendar::{IsoDate, YearMonth};
use crate::domain::ids::{AreaCode, FollowUpId, ReferralId, TrustedAddressId};
use crate::domain::vocab::{
    AgeBand, CloseReason, ErasureReason, Ethnicity, FollowUpMethod, FollowUpOutcome, GbvimsType,
    Perpetrator, ReferralOutcome, ReferralTarget, ReferredBy, ReviewDecision, RiskLevel, Sex,
    SupportType, ViolenceType,
};

/// A case was opened (`case_opened` v2).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseOpenedFacts {
    /// Where the survivor came.
    pub trusted_address: TrustedAddressId,
    /// The commune of that address, as coded when the case was opened.
    pub commune: AreaCode,
    /// The month the case was opened.
    pub month: YearMonth,
    pub referred_by: ReferredBy,
    pub sex: Sex,
    /// Derived from the year of birth when the case was opened.
    pub age_band: AgeBand,
    pub ethnicity: Ethnicity,
    pub disability: bool,
    /// The forms of violence under Law 13/2022/QH15: non-empty, without repeats, sorted.
    pub violence_types: Vec<ViolenceType>,
    /// Derived from `violence_types` by the GBVIMS decision order.
    pub gbvims_type: GbvimsType,
    pub perpetrator: Perpetrator,
    pub risk_level: RiskLevel,
    pub consent: Consent,
    /// A random secret drawn when the case was opened: the case's record key for the
    /// statistics' cell-key perturbation. Never shown.
    pub record_key: u32,
}

// Every field but the record key, which is a secret of the statistics.
redacted_debug!(
    CaseOpenedFacts,
    trusted_address,
    commune,
    month,
    referred_by,
    sex,
    age_band,
    ethnicity,
    disability,
    violence_types,
    gbvims_type,
    perpetrator,
    risk_level,
    consent
);

/// The survivor's three separate consents (GBVIMS practice).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// To receive services.
    pub services: bool,
    /// To be referred to other agencies.
    pub referral: bool,
    /// To have non-identifiable data used in disaggregated reporting.
    pub reporting: bool,
}

/// `risk_assessed` v1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskAssessedFacts {
    pub risk_level: RiskLevel,
    pub month: YearMonth,
}

/// `support_provided` v1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SupportProvidedFacts {
    pub support_type: SupportType,
    /// Nights of shelter; only for `shelter`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nights: Option<u16>,
    pub month: YearMonth,
}

/// `referral_made` v1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralMadeFacts {
    pub referral_id: ReferralId,
    pub target: ReferralTarget,
    pub month: YearMonth,
}

/// `referral_outcome_recorded` v1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralOutcomeRecordedFacts {
    pub referral_id: ReferralId,
    pub outcome: ReferralOutcome,
    pub month: YearMonth,
}

/// `follow_up_scheduled` v1 (no personal part).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpScheduledFacts {
    pub follow_up_id: FollowUpId,
    /// Any date, past or future.
    #[serde(with = "IsoDate")]
    pub due_on: Date,
    pub method: FollowUpMethod,
}

/// `follow_up_completed` v1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpCompletedFacts {
    pub follow_up_id: FollowUpId,
    pub outcome: FollowUpOutcome,
    pub month: YearMonth,
    /// Whether it was completed on or before its due date.
    pub on_time: bool,
}

/// `note_added` v1: nothing coded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteAddedFacts {}

/// `case_reviewed` v1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseReviewedFacts {
    pub decision: ReviewDecision,
}

/// `case_closure_requested` v1: a volunteer asked to close; a supervisor decides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseClosureRequestedFacts {
    pub reason: CloseReason,
    pub month: YearMonth,
}

/// `case_transferred` v1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseTransferredFacts {
    /// The new trusted address.
    pub trusted_address: TrustedAddressId,
    /// Its commune.
    pub commune: AreaCode,
}

/// `case_closed` v1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseClosedFacts {
    pub reason: CloseReason,
    pub month: YearMonth,
}

/// `case_reopened` v1: nothing coded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseReopenedFacts {}

/// `case_erased` v1 (no personal part: the case's data key is destroyed with it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseErasedFacts {
    pub reason: ErasureReason,
}
