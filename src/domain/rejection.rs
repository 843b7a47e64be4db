//! How a refused command maps onto the HTTP contract. Each domain rejection enum
//! ([`case::Rejection`](crate::domain::case::Rejection),
//! [`registry::RegistryRejection`](crate::domain::registry::RegistryRejection)) says which
//! [`RejectionKind`] it is, and the HTTP layer owns the one table from kind to status and
//! problem code, so the domain never speaks HTTP.

use crate::domain::bounds::FieldCode;

/// The class of a rejection, as the HTTP layer will answer it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RejectionKind {
    /// 404 `not_found`: the case, or a referral or follow-up within it, does not exist.
    NotFound,
    /// 410 `gone`: the case was erased.
    Gone,
    /// 409: the object to create already exists.
    Conflict,
    /// 422 `validation_failed`: a value is out of range or a date of something that happened
    /// is in the future; `field` names the offending input, `code` says why.
    Validation {
        field: &'static str,
        code: FieldCode,
    },
    /// 422 `rule_violated`: a lifecycle rule refuses the command; the code names it.
    Rule(RuleCode),
}

/// The stable code of every rule a command can be refused on (`rule_violated`'s `rule`):
/// a closed list, so clients and translations key on it rather than on English words.
/// A code never changes meaning; a new rule gets a new code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuleCode {
    /// Nothing is recorded on a closed case except reopening or erasing it.
    CaseClosed,
    /// Only a closed case can be reopened.
    CaseNotClosed,
    /// A volunteer's closure request already waits for a supervisor.
    ClosureAlreadyRequested,
    /// The closure request to approve cannot be read.
    ClosureRequestUnreadable,
    /// A completed follow-up cannot be completed again.
    FollowUpAlreadyCompleted,
    /// A referral needs the survivor's referral consent.
    ReferralConsentMissing,
    /// A case is transferred to another trusted address, not its own.
    SameTrustedAddress,
    /// A retired area cannot be retired again.
    AreaAlreadyRetired,
    /// A closed trusted address cannot be closed again.
    TrustedAddressAlreadyClosed,
    /// A deactivated user can do nothing.
    UserDeactivated,
    /// A deactivated user cannot be deactivated again.
    UserAlreadyDeactivated,
    /// Only a pending account (or password) can be approved.
    UserNotPending,
    /// An admin cannot deactivate her own account.
    OwnAccount,
    /// The case, referral or follow-up a command would create exists already (a client
    /// cannot choose these ids, so only a retry without its idempotency key meets it).
    AlreadyExists,
}

impl RuleCode {
    /// Every code, in the order the OpenAPI document lists them.
    pub const ALL: [RuleCode; 14] = [
        RuleCode::CaseClosed,
        RuleCode::CaseNotClosed,
        RuleCode::ClosureAlreadyRequested,
        RuleCode::ClosureRequestUnreadable,
        RuleCode::FollowUpAlreadyCompleted,
        RuleCode::ReferralConsentMissing,
        RuleCode::SameTrustedAddress,
        RuleCode::AreaAlreadyRetired,
        RuleCode::TrustedAddressAlreadyClosed,
        RuleCode::UserDeactivated,
        RuleCode::UserAlreadyDeactivated,
        RuleCode::UserNotPending,
        RuleCode::OwnAccount,
        RuleCode::AlreadyExists,
    ];

    /// The code as the API sends it.
    pub fn code(self) -> &'static str {
        match self {
            RuleCode::CaseClosed => "case_closed",
            RuleCode::CaseNotClosed => "case_not_closed",
            RuleCode::ClosureAlreadyRequested => "closure_already_requested",
            RuleCode::ClosureRequestUnreadable => "closure_request_unreadable",
            RuleCode::FollowUpAlreadyCompleted => "follow_up_already_completed",
            RuleCode::ReferralConsentMissing => "referral_consent_missing",
            RuleCode::SameTrustedAddress => "same_trusted_address",
            RuleCode::AreaAlreadyRetired => "area_already_retired",
            RuleCode::TrustedAddressAlreadyClosed => "trusted_address_already_closed",
            RuleCode::UserDeactivated => "user_deactivated",
            RuleCode::UserAlreadyDeactivated => "user_already_deactivated",
            RuleCode::UserNotPending => "user_not_pending",
            RuleCode::OwnAccount => "own_account",
            RuleCode::AlreadyExists => "already_exists",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_codes_are_distinct_snake_case_and_all_listed() {
        let codes: std::collections::HashSet<_> =
            RuleCode::ALL.iter().map(|rule| rule.code()).collect();
        assert_eq!(codes.len(), RuleCode::ALL.len());
        for code in codes {
            assert!(
                code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{code}"
            );
        }
    }
}
