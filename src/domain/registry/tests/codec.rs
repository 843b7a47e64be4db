//! Registry codecs: every event round-trips; Debug hides personal data.

use super::area::{commune_defined, merged_into};
use super::trusted_address::{TODAY, establish};
use super::user::{ADDRESS, create};
use crate::domain::codec::{EventCodec, PiiState, StoredEvent};
use crate::domain::registry::trusted_address::TrustedAddressClosedFacts;
use crate::domain::registry::user::UserPasswordChangedPii;
use crate::domain::registry::*;
use crate::domain::vocab::Role;

fn round_trip<E: EventCodec + PartialEq + std::fmt::Debug>(event: E) {
    let encoded = event.encode().unwrap();
    let pii = encoded
        .pii
        .as_deref()
        .map_or(PiiState::Absent, PiiState::Present);
    let stored = StoredEvent {
        event_type: encoded.event_type,
        schema_version: encoded.schema_version,
        facts: &encoded.facts,
        pii,
    };
    assert_eq!(E::decode(stored).unwrap(), event);
}

#[test]
fn every_registry_event_survives_encoding_and_decoding() {
    round_trip(AreaEvent::AreaDefined(commune_defined()));
    round_trip(AreaEvent::AreaRetired(merged_into("23290")));
    let TrustedAddressCommand::Establish { facts, pii } = establish() else {
        unreachable!()
    };
    round_trip(TrustedAddressEvent::Established {
        facts,
        pii: Some(pii),
    });
    round_trip(TrustedAddressEvent::Closed {
        facts: TrustedAddressClosedFacts { closed_on: TODAY },
    });
    let UserCommand::Create { facts, pii, .. } = create(Role::Volunteer, None, Some(ADDRESS))
    else {
        unreachable!()
    };
    round_trip(UserEvent::Created {
        facts,
        pii: Some(pii),
    });
    round_trip(UserEvent::PasswordChanged {
        pii: Some(UserPasswordChangedPii {
            password_hash: "h".into(),
        }),
    });
    round_trip(UserEvent::Deactivated);
    round_trip(UserEvent::ApprovalRequested(
        user::UserApprovalRequestedFacts {
            reason: crate::domain::vocab::ApprovalReason::PasswordReset,
        },
    ));
    round_trip(UserEvent::Approved);
    round_trip(UserEvent::Refused);
}

#[test]
fn registry_debug_output_hides_names_usernames_and_hashes() {
    let shown = format!("{:?} {:?}", establish(), create(Role::Admin, None, None));
    for secret in ["H'Lan", "lan.volunteer", "argon2id"] {
        assert!(!shown.contains(secret), "{secret} leaked into {shown}");
    }
}
