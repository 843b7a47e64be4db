//! The registries, event-sourced like cases: administrative areas (one stream per area
//! code), trusted addresses and users (one stream per id). Each module holds its events and
//! their codec, a minimal state and `decide`; they share [`RegistryRejection`].
//!
//! - [`area`]: provinces, districts and communes, with validity dates and successors, because
//!   units merge (the 2025 reform abolished districts and renumbered communes).
//! - [`area_list`]: a list of units as a file (the official list, or an office's earlier units);
//!   [`unit_type`]: the types of unit (xã, phường, đặc khu, …), read from a unit's name.
//! - [`trusted_address`]: the homes that shelter survivors; their names are personal data.
//! - [`user`]: accounts, roles and what each is bound to; usernames, password hashes and
//!   staff members' full names are personal data. [`user_upcast`] reads their old versions.

pub mod area;
pub mod area_list;
pub mod trusted_address;
pub mod unit_type;
pub mod user;
pub mod user_upcast;

#[cfg(test)]
mod tests;

pub use area::{AreaCommand, AreaEvent, AreaState};
pub use trusted_address::{TrustedAddressCommand, TrustedAddressEvent, TrustedAddressState};
pub use user::{UserCommand, UserEvent, UserState};

use crate::domain::bounds::FieldCode;
use crate::domain::rejection::{RejectionKind, RuleCode};

/// A registry command the rules refuse. Messages name fields, never values.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegistryRejection {
    #[error("there is no such {0}")]
    NotFound(&'static str),
    #[error("this {0} already exists")]
    AlreadyExists(&'static str),
    #[error("the area is already retired")]
    AreaAlreadyRetired,
    #[error("the trusted address is already closed")]
    TrustedAddressAlreadyClosed,
    #[error("the user is deactivated")]
    UserDeactivated,
    #[error("the user is already deactivated")]
    UserAlreadyDeactivated,
    #[error("the account is not waiting for approval")]
    UserNotPending,
    #[error("{field} is in the future")]
    FutureDate { field: &'static str },
    #[error("{field}: {reason}")]
    Invalid {
        field: &'static str,
        code: FieldCode,
        reason: &'static str,
    },
}

impl RegistryRejection {
    /// How the HTTP layer answers this rejection.
    pub fn kind(&self) -> RejectionKind {
        match self {
            Self::NotFound(_) => RejectionKind::NotFound,
            Self::AlreadyExists(_) => RejectionKind::Conflict,
            Self::FutureDate { field } => RejectionKind::Validation {
                field,
                code: FieldCode::FutureDate,
            },
            Self::Invalid { field, code, .. } => RejectionKind::Validation { field, code: *code },
            Self::AreaAlreadyRetired => RejectionKind::Rule(RuleCode::AreaAlreadyRetired),
            Self::TrustedAddressAlreadyClosed => {
                RejectionKind::Rule(RuleCode::TrustedAddressAlreadyClosed)
            }
            Self::UserDeactivated => RejectionKind::Rule(RuleCode::UserDeactivated),
            Self::UserAlreadyDeactivated => RejectionKind::Rule(RuleCode::UserAlreadyDeactivated),
            Self::UserNotPending => RejectionKind::Rule(RuleCode::UserNotPending),
        }
    }
}

/// Refuses a text field that is empty or only spaces.
fn required_text(text: &str, field: &'static str) -> Result<(), RegistryRejection> {
    if text.trim().is_empty() {
        Err(RegistryRejection::Invalid {
            field,
            code: FieldCode::Required,
            reason: "is required",
        })
    } else {
        Ok(())
    }
}
