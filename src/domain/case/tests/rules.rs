//! The rules of single commands: lookups, consent, dates and field validation.

use time::macros::date;

use super::fixtures::*;
use super::given;
use crate::domain::case::*;
use crate::domain::vocab::*;

fn invalid(field: &'static str) -> impl Fn(Rejection) -> bool {
    move |rejection| matches!(rejection, Rejection::Invalid { field: f, .. } if f == field)
}

#[test]
fn completing_a_follow_up_that_was_never_scheduled_is_refused_as_not_found() {
    given([opened()])
        .when(complete_follow_up(TODAY), TODAY)
        .then_rejects(Rejection::FollowUpNotFound);
}

#[test]
fn completing_a_follow_up_twice_is_refused() {
    let past = [opened(), follow_up_scheduled(TODAY)];
    let completed = given(past.clone())
        .when(complete_follow_up(TODAY), TODAY)
        .events();
    given(past.into_iter().chain(completed))
        .when(complete_follow_up(TODAY), TODAY)
        .then_rejects(Rejection::FollowUpAlreadyCompleted);
}

#[test]
fn scheduling_a_follow_up_with_an_id_in_use_is_refused() {
    let command = ScheduleFollowUp {
        follow_up_id: FOLLOW_UP,
        due_on: TODAY,
        method: FollowUpMethod::Phone,
    };
    given([opened(), follow_up_scheduled(TODAY)])
        .when(command, TODAY)
        .then_rejects(Rejection::FollowUpAlreadyExists);
}

#[test]
fn a_referral_outcome_needs_a_referral() {
    let command = RecordReferralOutcome {
        referral_id: REFERRAL,
        outcome: ReferralOutcome::Accepted,
        recorded_on: TODAY,
        notes: None,
    };
    given([opened()])
        .when(command, TODAY)
        .then_rejects(Rejection::ReferralNotFound);
}

fn refer() -> MakeReferral {
    MakeReferral {
        referral_id: REFERRAL,
        target: ReferralTarget::LegalAid,
        made_on: TODAY,
        organisation: Some("legal aid centre".into()),
        contact_person: None,
        notes: None,
    }
}

#[test]
fn a_referral_with_an_id_in_use_is_refused() {
    given([opened(), referral_made()])
        .when(refer(), TODAY)
        .then_rejects(Rejection::ReferralAlreadyExists);
}

#[test]
fn a_referral_needs_the_survivors_consent_to_referral() {
    given([opened_without_referral_consent()])
        .when(refer(), TODAY)
        .then_rejects(Rejection::NoReferralConsent);
}

#[test]
fn dates_of_things_that_happened_cannot_be_after_today() {
    let d = TOMORROW;
    let commands: Vec<(CaseCommand, &str)> = vec![
        (
            AssessRisk {
                risk_level: RiskLevel::Low,
                assessed_on: d,
                notes: None,
            }
            .into(),
            "assessed_on",
        ),
        (
            ProvideSupport {
                support_type: SupportType::Legal,
                provided_on: d,
                nights: None,
                by: None,
                notes: None,
            }
            .into(),
            "provided_on",
        ),
        (
            MakeReferral {
                made_on: d,
                ..refer()
            }
            .into(),
            "made_on",
        ),
        (
            CloseCase {
                closed_on: d,
                ..close_by(Actor::Volunteer)
            }
            .into(),
            "closed_on",
        ),
        (
            CloseCase {
                closed_on: d,
                ..close_by(Actor::Supervisor)
            }
            .into(),
            "closed_on",
        ),
    ];
    for (command, field) in commands {
        given([opened()])
            .when(command, TODAY)
            .then_rejects(Rejection::FutureDate { field });
    }
    given([])
        .when(
            OpenCase {
                opened_on: d,
                ..open_case()
            },
            TODAY,
        )
        .then_rejects(Rejection::FutureDate { field: "opened_on" });
    let outcome = RecordReferralOutcome {
        referral_id: REFERRAL,
        outcome: ReferralOutcome::Declined,
        recorded_on: d,
        notes: None,
    };
    given([opened(), referral_made()])
        .when(outcome, TODAY)
        .then_rejects(Rejection::FutureDate {
            field: "recorded_on",
        });
    given([opened(), follow_up_scheduled(TODAY)])
        .when(complete_follow_up(d), TODAY)
        .then_rejects(Rejection::FutureDate {
            field: "completed_on",
        });
}

#[test]
fn a_date_of_today_is_not_in_the_future() {
    given([])
        .when(
            OpenCase {
                opened_on: TODAY,
                ..open_case()
            },
            TODAY,
        )
        .events();
}

#[test]
fn a_follow_up_may_be_due_within_five_years_either_side_of_today() {
    for due_on in [date!(2022 - 01 - 01), date!(2030 - 12 - 31)] {
        let command = ScheduleFollowUp {
            follow_up_id: FOLLOW_UP,
            due_on,
            method: FollowUpMethod::Visit,
        };
        given([opened()])
            .when(command, TODAY)
            .then_events(vec![follow_up_scheduled(due_on)]);
    }
}

#[test]
fn a_follow_up_due_further_away_is_refused() {
    for due_on in [
        date!(2020 - 01 - 01),
        date!(2032 - 01 - 01),
        date!(9999 - 12 - 31),
    ] {
        let command = ScheduleFollowUp {
            follow_up_id: FOLLOW_UP,
            due_on,
            method: FollowUpMethod::Visit,
        };
        let rejection = given([opened()]).when(command, TODAY).then_rejection();
        assert!(invalid("due_on")(rejection.clone()), "{rejection:?}");
    }
}

#[test]
fn opening_a_case_without_violence_types_is_refused() {
    let command = OpenCase {
        violence_types: vec![],
        ..open_case()
    };
    let rejection = given([]).when(command, TODAY).then_rejection();
    assert!(invalid("violence_types")(rejection));
}

#[test]
fn opening_a_case_with_an_impossible_year_of_birth_is_refused() {
    for birth_year in [2027, 1890] {
        let mut command = open_case();
        command.survivor.birth_year = birth_year;
        let rejection = given([]).when(command, TODAY).then_rejection();
        assert!(
            invalid("survivor.birth_year")(rejection.clone()),
            "{rejection:?}"
        );
        assert_eq!(
            rejection.kind(),
            crate::domain::rejection::RejectionKind::Validation {
                field: "survivor.birth_year",
                code: crate::domain::bounds::FieldCode::OutOfRange,
            }
        );
    }
}

#[test]
fn opening_a_case_without_a_name_or_pseudonym_is_refused() {
    let mut command = open_case();
    command.survivor.name = "  ".into();
    assert!(invalid("survivor.name")(
        given([]).when(command, TODAY).then_rejection()
    ));
}

fn support(support_type: SupportType, nights: Option<u16>) -> ProvideSupport {
    ProvideSupport {
        support_type,
        provided_on: TODAY,
        nights,
        by: None,
        notes: None,
    }
}

#[test]
fn nights_are_recorded_only_for_shelter() {
    let rejection = given([opened()])
        .when(support(SupportType::Medical, Some(1)), TODAY)
        .then_rejection();
    assert!(invalid("nights")(rejection));
}

#[test]
fn shelter_nights_are_between_1_and_366() {
    for nights in [0, 367, u16::MAX] {
        let rejection = given([opened()])
            .when(support(SupportType::Shelter, Some(nights)), TODAY)
            .then_rejection();
        assert!(invalid("nights")(rejection), "{nights}");
    }
    for nights in [1, 366] {
        given([opened()])
            .when(support(SupportType::Shelter, Some(nights)), TODAY)
            .events();
    }
}

#[test]
fn an_empty_note_is_refused() {
    assert!(invalid("text")(
        given([opened()]).when(note(" \n"), TODAY).then_rejection()
    ));
}

#[test]
fn transferring_a_case_to_its_own_address_is_refused() {
    let command = TransferCase {
        trusted_address: ADDRESS,
        commune: commune(),
        reason: None,
    };
    given([opened()])
        .when(command, TODAY)
        .then_rejects(Rejection::SameTrustedAddress);
}
