//! Users: bindings per role, password changes, deactivation.

use uuid::Uuid;

use super::{code, invalid};
use crate::domain::ids::TrustedAddressId;
use crate::domain::registry::user::{
    self, UserCreatedFacts, UserCreatedPii, UserPasswordChangedPii,
};
use crate::domain::registry::*;
use crate::domain::vocab::Role;

pub(super) const ADDRESS: TrustedAddressId = TrustedAddressId::from_uuid(Uuid::from_u128(7));

pub(super) fn create(
    role: Role,
    area: Option<&str>,
    trusted_address: Option<TrustedAddressId>,
) -> UserCommand {
    UserCommand::Create {
        facts: UserCreatedFacts {
            role,
            area: area.map(code),
            trusted_address,
        },
        pii: UserCreatedPii {
            username: "lan.volunteer".into(),
            password_hash: "$argon2id$v=19$fictional".into(),
        },
    }
}

#[test]
fn each_role_needs_exactly_its_binding() {
    let decide = |command| user::decide(&UserState::default(), command);
    assert!(decide(create(Role::Volunteer, None, Some(ADDRESS))).is_ok());
    assert!(decide(create(Role::Supervisor, Some("62"), None)).is_ok());
    assert!(decide(create(Role::Reporting, Some("623"), None)).is_ok());
    assert!(decide(create(Role::Admin, None, None)).is_ok());
    assert!(invalid(
        "trusted_address",
        decide(create(Role::Volunteer, None, None))
    ));
    assert!(invalid(
        "area",
        decide(create(Role::Supervisor, None, None))
    ));
    assert!(invalid("area", decide(create(Role::Reporting, None, None))));
    assert!(invalid(
        "area",
        decide(create(Role::Volunteer, Some("62"), Some(ADDRESS)))
    ));
    assert!(invalid(
        "trusted_address",
        decide(create(Role::Admin, None, Some(ADDRESS)))
    ));
}

#[test]
fn a_user_can_change_password_until_deactivated_and_be_deactivated_once() {
    let mut events = user::decide(&UserState::default(), create(Role::Admin, None, None)).unwrap();
    let change = || {
        UserCommand::ChangePassword(UserPasswordChangedPii {
            password_hash: "$argon2id$v=19$new".into(),
        })
    };
    events.extend(user::decide(&UserState::from_events(&events), change()).unwrap());
    events.extend(user::decide(&UserState::from_events(&events), UserCommand::Deactivate).unwrap());
    let state = UserState::from_events(&events);
    assert!(!state.active);
    assert_eq!(state.version, 3);
    assert_eq!(
        user::decide(&state, UserCommand::Deactivate),
        Err(RegistryRejection::UserAlreadyDeactivated)
    );
    assert_eq!(
        user::decide(&state, change()),
        Err(RegistryRejection::UserDeactivated)
    );
    assert_eq!(
        user::decide(&state, create(Role::Admin, None, None)),
        Err(RegistryRejection::AlreadyExists("user"))
    );
}

#[test]
fn commands_on_an_unknown_user_are_refused() {
    assert_eq!(
        user::decide(&UserState::default(), UserCommand::Deactivate),
        Err(RegistryRejection::NotFound("user"))
    );
}
