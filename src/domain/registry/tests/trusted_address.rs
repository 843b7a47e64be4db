//! Trusted addresses: established once, closed once, never in the future.

use time::macros::date;

use super::code;
use crate::domain::registry::trusted_address::{
    self, TrustedAddressClosedFacts, TrustedAddressEstablishedFacts, TrustedAddressEstablishedPii,
};
use crate::domain::registry::*;

pub(super) fn establish() -> TrustedAddressCommand {
    TrustedAddressCommand::Establish {
        facts: TrustedAddressEstablishedFacts {
            commune: code("23287"),
            established_on: date!(2026 - 03 - 08),
        },
        pii: TrustedAddressEstablishedPii {
            name: "Nhà bà H'Lan (hư cấu)".into(),
        },
    }
}

pub(super) const TODAY: time::Date = date!(2026 - 11 - 20);

#[test]
fn a_trusted_address_is_established_then_closed() {
    let events =
        trusted_address::decide(&TrustedAddressState::default(), establish(), TODAY).unwrap();
    let state = TrustedAddressState::from_events(&events);
    let close = TrustedAddressCommand::Close(TrustedAddressClosedFacts { closed_on: TODAY });
    let closed = trusted_address::decide(&state, close.clone(), TODAY).unwrap();
    assert_eq!(
        closed,
        vec![TrustedAddressEvent::Closed {
            facts: TrustedAddressClosedFacts { closed_on: TODAY }
        }]
    );
    let state = TrustedAddressState::from_events(events.iter().chain(&closed));
    assert_eq!(
        trusted_address::decide(&state, close, TODAY),
        Err(RegistryRejection::TrustedAddressAlreadyClosed)
    );
}

#[test]
fn a_trusted_address_cannot_be_established_twice_or_in_the_future() {
    let events =
        trusted_address::decide(&TrustedAddressState::default(), establish(), TODAY).unwrap();
    let state = TrustedAddressState::from_events(&events);
    assert_eq!(
        trusted_address::decide(&state, establish(), TODAY),
        Err(RegistryRejection::AlreadyExists("trusted address"))
    );
    let result = trusted_address::decide(
        &TrustedAddressState::default(),
        establish(),
        date!(2026 - 03 - 07),
    );
    assert_eq!(
        result,
        Err(RegistryRejection::FutureDate {
            field: "established_on"
        })
    );
}

#[test]
fn closing_an_unknown_trusted_address_is_refused() {
    let close = TrustedAddressCommand::Close(TrustedAddressClosedFacts { closed_on: TODAY });
    let result = trusted_address::decide(&TrustedAddressState::default(), close, TODAY);
    assert_eq!(result, Err(RegistryRejection::NotFound("trusted address")));
}
