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
            full_name: None,
        },
        held: false,
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
    let change = || UserCommand::ChangePassword {
        pii: UserPasswordChangedPii {
            password_hash: "$argon2id$v=19$new".into(),
        },
        held: false,
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

#[test]
fn only_accounts_that_can_read_cases_need_a_supervisors_approval() {
    assert!(user::needs_approval(Role::Volunteer));
    assert!(user::needs_approval(Role::Supervisor));
    assert!(!user::needs_approval(Role::Admin));
    assert!(!user::needs_approval(Role::Reporting));
}

#[test]
fn a_held_account_is_pending_until_approved_and_a_held_reset_makes_it_pending_again() {
    let UserCommand::Create { facts, pii, .. } = create(Role::Volunteer, None, Some(ADDRESS))
    else {
        unreachable!()
    };
    let held = UserCommand::Create {
        facts,
        pii,
        held: true,
    };
    let mut events = user::decide(&UserState::default(), held).unwrap();
    assert_eq!(events.len(), 2, "created and held in one append");
    assert!(UserState::from_events(&events).pending);
    events.extend(user::decide(&UserState::from_events(&events), UserCommand::Approve).unwrap());
    let approved = UserState::from_events(&events);
    assert!(!approved.pending && approved.active);
    assert_eq!(
        user::decide(&approved, UserCommand::Approve),
        Err(RegistryRejection::UserNotPending)
    );

    let reset = UserCommand::ChangePassword {
        pii: UserPasswordChangedPii {
            password_hash: "$argon2id$v=19$reset".into(),
        },
        held: true,
    };
    events.extend(user::decide(&approved, reset).unwrap());
    assert!(UserState::from_events(&events).pending);
    events.extend(user::decide(&UserState::from_events(&events), UserCommand::Refuse).unwrap());
    let refused = UserState::from_events(&events);
    assert!(!refused.pending && !refused.active);
}

#[test]
fn an_account_that_is_not_pending_cannot_be_refused() {
    let events = user::decide(&UserState::default(), create(Role::Admin, None, None)).unwrap();
    assert_eq!(
        user::decide(&UserState::from_events(&events), UserCommand::Refuse),
        Err(RegistryRejection::UserNotPending)
    );
}
