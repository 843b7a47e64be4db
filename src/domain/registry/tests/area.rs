//! Areas: defined, retired into a successor, codes that fit their level.

use time::macros::date;

use super::{code, invalid};
use crate::domain::registry::area::{self, AreaDefinedFacts, AreaRetiredFacts};
use crate::domain::registry::*;
use crate::domain::vocab::AreaLevel;

pub(super) fn commune_defined() -> AreaDefinedFacts {
    AreaDefinedFacts {
        code: code("23287"),
        name: "Xã Đăk Pxi".into(),
        level: AreaLevel::Commune,
        parent: Some(code("62")),
        valid_from: date!(2025 - 07 - 01),
    }
}

pub(super) fn merged_into(successor: &str) -> AreaRetiredFacts {
    AreaRetiredFacts {
        valid_to: date!(2026 - 06 - 30),
        successor: Some(code(successor)),
    }
}

#[test]
fn an_area_is_defined_then_retired_into_its_successor() {
    let defined = area::decide(
        &AreaState::default(),
        AreaCommand::Define(commune_defined()),
    )
    .unwrap();
    assert_eq!(defined, vec![AreaEvent::AreaDefined(commune_defined())]);
    let state = AreaState::from_events(&defined);
    let retired = area::decide(&state, AreaCommand::Retire(merged_into("23290"))).unwrap();
    assert_eq!(retired, vec![AreaEvent::AreaRetired(merged_into("23290"))]);
}

#[test]
fn defining_an_area_twice_is_refused() {
    let state = AreaState::from_events(&[AreaEvent::AreaDefined(commune_defined())]);
    let result = area::decide(&state, AreaCommand::Define(commune_defined()));
    assert_eq!(result, Err(RegistryRejection::AlreadyExists("area")));
}

#[test]
fn retiring_an_area_twice_is_refused() {
    let state = AreaState::from_events(&[
        AreaEvent::AreaDefined(commune_defined()),
        AreaEvent::AreaRetired(merged_into("23290")),
    ]);
    let result = area::decide(&state, AreaCommand::Retire(merged_into("23290")));
    assert_eq!(result, Err(RegistryRejection::AreaAlreadyRetired));
}

#[test]
fn retiring_an_unknown_area_is_refused_as_not_found() {
    let result = area::decide(
        &AreaState::default(),
        AreaCommand::Retire(merged_into("23290")),
    );
    assert_eq!(
        result.map_err(|r| r.kind()),
        Err(crate::domain::rejection::RejectionKind::NotFound)
    );
}

#[test]
fn an_area_cannot_succeed_itself_or_end_before_it_began() {
    let state = AreaState::from_events(&[AreaEvent::AreaDefined(commune_defined())]);
    assert!(invalid(
        "successor",
        area::decide(&state, AreaCommand::Retire(merged_into("23287")))
    ));
    let early = AreaRetiredFacts {
        valid_to: date!(2025 - 06 - 30),
        successor: None,
    };
    assert!(invalid(
        "valid_to",
        area::decide(&state, AreaCommand::Retire(early))
    ));
}

#[test]
fn an_area_code_must_fit_its_level_and_parent() {
    let define = |facts| area::decide(&AreaState::default(), AreaCommand::Define(facts));
    assert!(invalid(
        "code",
        define(AreaDefinedFacts {
            code: code("232"),
            ..commune_defined()
        })
    ));
    assert!(invalid(
        "parent",
        define(AreaDefinedFacts {
            parent: None,
            ..commune_defined()
        })
    ));
    assert!(invalid(
        "parent",
        define(AreaDefinedFacts {
            parent: Some(code("23290")),
            ..commune_defined()
        })
    ));
    let province = AreaDefinedFacts {
        code: code("62"),
        level: AreaLevel::Province,
        parent: None,
        ..commune_defined()
    };
    assert!(define(province.clone()).is_ok());
    assert!(invalid(
        "parent",
        define(AreaDefinedFacts {
            parent: Some(code("01")),
            ..province
        })
    ));
    assert!(invalid(
        "name",
        define(AreaDefinedFacts {
            name: " ".into(),
            ..commune_defined()
        })
    ));
}
