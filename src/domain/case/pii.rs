//! The `pii` part of each case event: what identifies the survivor, the informant or the
//! people around them, encrypted under the case's own data key and destroyed with it on
//! erasure. Free text counts as personal: notes and narratives name people and places.
//!
//! `Debug` never shows any of it (see `redacted_debug!`). These structs are the stored format
//! of the current versions: never change a field; add a new event version instead.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::calendar::IsoDate;

/// `case_opened`: who the survivor is and what happened.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseOpenedPii {
    #[serde(with = "IsoDate")]
    pub opened_on: Date,
    /// Name or pseudonym.
    pub name: String,
    pub birth_year: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children_with_her: Option<u8>,
    /// The incident, in the survivor's or volunteer's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    /// Who reported the case; the law requires their identity be kept confidential too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub informant: Option<Informant>,
}

/// The person who reported a case.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Informant {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// `risk_assessed`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskAssessedPii {
    #[serde(with = "IsoDate")]
    pub assessed_on: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// `support_provided`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SupportProvidedPii {
    #[serde(with = "IsoDate")]
    pub provided_on: Date,
    /// Who gave the support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// `referral_made`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralMadePii {
    #[serde(with = "IsoDate")]
    pub made_on: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_person: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// `referral_outcome_recorded`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralOutcomeRecordedPii {
    #[serde(with = "IsoDate")]
    pub recorded_on: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// `follow_up_completed`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpCompletedPii {
    #[serde(with = "IsoDate")]
    pub completed_on: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// `note_added`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteAddedPii {
    pub text: String,
}

/// `case_reviewed`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseReviewedPii {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// `case_closure_requested`: the closure the volunteer proposes.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseClosureRequestedPii {
    #[serde(with = "IsoDate")]
    pub closed_on: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// `case_transferred`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseTransferredPii {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `case_closed`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseClosedPii {
    #[serde(with = "IsoDate")]
    pub closed_on: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// `case_reopened`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseReopenedPii {
    pub reason: String,
}

redacted_debug!(CaseOpenedPii);
redacted_debug!(Informant);
redacted_debug!(RiskAssessedPii);
redacted_debug!(SupportProvidedPii);
redacted_debug!(ReferralMadePii);
redacted_debug!(ReferralOutcomeRecordedPii);
redacted_debug!(FollowUpCompletedPii);
redacted_debug!(NoteAddedPii);
redacted_debug!(CaseReviewedPii);
redacted_debug!(CaseClosureRequestedPii);
redacted_debug!(CaseTransferredPii);
redacted_debug!(CaseClosedPii);
redacted_debug!(CaseReopenedPii);
