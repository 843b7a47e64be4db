//! The one scope check every case access goes through: a volunteer sees the cases of her
//! own trusted address; a supervisor the cases of every trusted address in her area (walking
//! the area hierarchy and successions); nobody else sees case content. Out of scope is 404,
//! never 403: the existence of a case is itself sensitive.

use crate::app::actor::CurrentUser;
use crate::domain::ids::{AreaCode, TrustedAddressId};
use crate::domain::vocab::Role;
use crate::projections::registry::Registry;

/// Where a case is: its trusted address and that address's commune when it was recorded.
#[derive(Clone, Debug)]
pub struct CaseLocation {
    pub trusted_address: TrustedAddressId,
    pub commune: AreaCode,
}

/// Whether `user` may see (and work on) a case at `location`.
pub fn may_access_case(user: &CurrentUser, location: &CaseLocation, registry: &Registry) -> bool {
    match user.role {
        Role::Volunteer => user.trusted_address == Some(location.trusted_address),
        Role::Supervisor => user
            .area
            .as_ref()
            .is_some_and(|area| registry.area_contains(area, &location.commune)),
        Role::Admin | Role::Reporting => false,
    }
}

/// Whether `user` may act for a trusted address (open cases there, list them).
pub fn may_access_address(
    user: &CurrentUser,
    address: &TrustedAddressId,
    registry: &Registry,
) -> bool {
    match user.role {
        Role::Volunteer => user.trusted_address.as_ref() == Some(address),
        Role::Supervisor => match (user.area.as_ref(), registry.trusted_address(address)) {
            (Some(area), Some(found)) => registry.area_contains(area, &found.commune),
            _ => false,
        },
        Role::Admin | Role::Reporting => false,
    }
}
