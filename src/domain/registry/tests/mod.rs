//! The registries' rules and codecs.

mod area;
mod codec;
mod trusted_address;
mod user;

use super::RegistryRejection;
use crate::domain::ids::AreaCode;

pub(super) fn code(text: &str) -> AreaCode {
    AreaCode::parse(text).unwrap()
}

pub(super) fn invalid(
    field: &'static str,
    result: Result<impl std::fmt::Debug, RegistryRejection>,
) -> bool {
    matches!(result, Err(RegistryRejection::Invalid { field: f, .. }) if f == field)
}
