//! [`Rejection`]: why [`decide`](super::decide) refused a command. Messages name fields and
//! rules, never values, so a rejection can be logged and returned as is.

use crate::domain::bounds::FieldCode;
use crate::domain::rejection::{RejectionKind, RuleCode};

/// A command the case's rules refuse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("there is no such case")]
    CaseNotFound,
    #[error("the case already exists")]
    CaseAlreadyExists,
    #[error("the case was erased")]
    CaseErased,
    #[error("the case is closed: only reopening or erasing it is possible")]
    CaseClosed,
    #[error("only a closed case can be reopened")]
    NotClosed,
    #[error("a closure of this case is already awaiting a supervisor")]
    ClosureAlreadyRequested,
    #[error("the closure request's details cannot be read")]
    ClosureRequestUnreadable,
    #[error("there is no such follow-up in this case")]
    FollowUpNotFound,
    #[error("a follow-up with this id already exists")]
    FollowUpAlreadyExists,
    #[error("the follow-up is already completed")]
    FollowUpAlreadyCompleted,
    #[error("there is no such referral in this case")]
    ReferralNotFound,
    #[error("a referral with this id already exists")]
    ReferralAlreadyExists,
    #[error("the survivor did not consent to referral")]
    NoReferralConsent,
    #[error("the case is already at this trusted address")]
    SameTrustedAddress,
    #[error("{field} is in the future")]
    FutureDate { field: &'static str },
    #[error("{field}: {reason}")]
    Invalid {
        field: &'static str,
        code: FieldCode,
        reason: &'static str,
    },
}

impl Rejection {
    /// How the HTTP layer answers this rejection.
    pub fn kind(&self) -> RejectionKind {
        match self {
            Self::CaseNotFound | Self::FollowUpNotFound | Self::ReferralNotFound => {
                RejectionKind::NotFound
            }
            Self::CaseErased => RejectionKind::Gone,
            Self::CaseAlreadyExists | Self::FollowUpAlreadyExists | Self::ReferralAlreadyExists => {
                RejectionKind::Conflict
            }
            Self::FutureDate { field } => RejectionKind::Validation {
                field,
                code: FieldCode::FutureDate,
            },
            Self::Invalid { field, code, .. } => RejectionKind::Validation { field, code: *code },
            Self::CaseClosed => RejectionKind::Rule(RuleCode::CaseClosed),
            Self::NotClosed => RejectionKind::Rule(RuleCode::CaseNotClosed),
            Self::ClosureAlreadyRequested => RejectionKind::Rule(RuleCode::ClosureAlreadyRequested),
            Self::ClosureRequestUnreadable => {
                RejectionKind::Rule(RuleCode::ClosureRequestUnreadable)
            }
            Self::FollowUpAlreadyCompleted => {
                RejectionKind::Rule(RuleCode::FollowUpAlreadyCompleted)
            }
            Self::NoReferralConsent => RejectionKind::Rule(RuleCode::ReferralConsentMissing),
            Self::SameTrustedAddress => RejectionKind::Rule(RuleCode::SameTrustedAddress),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rejection_maps_to_its_http_kind() {
        use RejectionKind::*;
        let table = [
            (Rejection::CaseNotFound, NotFound),
            (Rejection::FollowUpNotFound, NotFound),
            (Rejection::ReferralNotFound, NotFound),
            (Rejection::CaseErased, Gone),
            (Rejection::CaseAlreadyExists, Conflict),
            (Rejection::FollowUpAlreadyExists, Conflict),
            (Rejection::ReferralAlreadyExists, Conflict),
            (
                Rejection::FutureDate { field: "made_on" },
                Validation {
                    field: "made_on",
                    code: FieldCode::FutureDate,
                },
            ),
            (
                Rejection::Invalid {
                    field: "nights",
                    code: FieldCode::OutOfRange,
                    reason: "too many",
                },
                Validation {
                    field: "nights",
                    code: FieldCode::OutOfRange,
                },
            ),
            (Rejection::CaseClosed, Rule(RuleCode::CaseClosed)),
            (Rejection::NotClosed, Rule(RuleCode::CaseNotClosed)),
            (
                Rejection::ClosureAlreadyRequested,
                Rule(RuleCode::ClosureAlreadyRequested),
            ),
            (
                Rejection::ClosureRequestUnreadable,
                Rule(RuleCode::ClosureRequestUnreadable),
            ),
            (
                Rejection::FollowUpAlreadyCompleted,
                Rule(RuleCode::FollowUpAlreadyCompleted),
            ),
            (
                Rejection::NoReferralConsent,
                Rule(RuleCode::ReferralConsentMissing),
            ),
            (
                Rejection::SameTrustedAddress,
                Rule(RuleCode::SameTrustedAddress),
            ),
        ];
        for (rejection, kind) in table {
            assert_eq!(rejection.kind(), kind, "{rejection:?}");
        }
    }

    #[test]
    fn a_message_names_the_field_not_its_value() {
        let message = Rejection::FutureDate { field: "opened_on" }.to_string();
        assert_eq!(message, "opened_on is in the future");
    }
}
