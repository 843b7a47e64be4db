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
    /// 422 `rule_violated`: a lifecycle rule refuses the command.
    Rule,
}
