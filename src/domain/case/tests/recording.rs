//! Each command's success path: what it records on an open case.

use time::macros::date;

use super::fixtures::*;
use super::given;
use crate::domain::case::*;
use crate::domain::vocab::*;

#[test]
fn opening_a_case_records_coded_facts_apart_from_personal_details() {
    given([])
        .when(open_case(), TODAY)
        .then_events(vec![opened()]);
}

#[test]
fn opening_a_case_sorts_and_deduplicates_violence_types_and_derives_the_gbvims_type() {
    let command = OpenCase {
        violence_types: vec![
            ViolenceType::Economic,
            ViolenceType::Rape,
            ViolenceType::Economic,
        ],
        ..open_case()
    };
    let events = given([]).when(command, TODAY).events();
    let [CaseEvent::CaseOpened { facts, .. }] = events.as_slice() else {
        panic!("expected one case_opened");
    };
    assert_eq!(
        facts.violence_types,
        vec![ViolenceType::Rape, ViolenceType::Economic]
    );
    assert_eq!(facts.gbvims_type, GbvimsType::Rape);
}

#[test]
fn an_opened_case_is_open_at_its_address_with_its_risk_level() {
    let state = CaseState::from_events(&[opened()]);
    assert_eq!(state.status, Some(CaseStatus::Open));
    assert_eq!(state.version, 1);
    assert_eq!(state.trusted_address, Some(ADDRESS));
    assert_eq!(state.commune, Some(commune()));
    assert_eq!(state.opened_in, Some(month(OPENED_ON)));
    assert_eq!(state.risk_level, Some(RiskLevel::High));
    assert_eq!(state.consent, consent_to_all());
}

#[test]
fn assessing_risk_records_the_level_in_the_month_assessed() {
    let command = AssessRisk {
        risk_level: RiskLevel::Low,
        assessed_on: date!(2026 - 10 - 31),
        notes: None,
    };
    let expected = CaseEvent::RiskAssessed {
        facts: RiskAssessedFacts {
            risk_level: RiskLevel::Low,
            month: month(date!(2026 - 10 - 31)),
        },
        pii: Some(RiskAssessedPii {
            assessed_on: date!(2026 - 10 - 31),
            notes: None,
        }),
    };
    given([opened()])
        .when(command, TODAY)
        .then_events(vec![expected.clone()]);
    assert_eq!(
        CaseState::from_events(&[opened(), expected]).risk_level,
        Some(RiskLevel::Low)
    );
}

#[test]
fn providing_shelter_records_its_nights() {
    let command = ProvideSupport {
        support_type: SupportType::Shelter,
        provided_on: TODAY,
        nights: Some(3),
        by: Some("the host".into()),
        notes: None,
    };
    given([opened()])
        .when(command, TODAY)
        .then_events(vec![CaseEvent::SupportProvided {
            facts: SupportProvidedFacts {
                support_type: SupportType::Shelter,
                nights: Some(3),
                month: month(TODAY),
            },
            pii: Some(SupportProvidedPii {
                provided_on: TODAY,
                by: Some("the host".into()),
                notes: None,
            }),
        }]);
}

#[test]
fn counselling_is_recorded_without_nights() {
    let command = ProvideSupport {
        support_type: SupportType::Counselling,
        provided_on: TODAY,
        nights: None,
        by: None,
        notes: Some("first session".into()),
    };
    given([opened()])
        .when(command, TODAY)
        .then_events(vec![CaseEvent::SupportProvided {
            facts: SupportProvidedFacts {
                support_type: SupportType::Counselling,
                nights: None,
                month: month(TODAY),
            },
            pii: Some(SupportProvidedPii {
                provided_on: TODAY,
                by: None,
                notes: Some("first session".into()),
            }),
        }]);
}

#[test]
fn making_a_referral_with_consent_records_it() {
    let command = MakeReferral {
        referral_id: REFERRAL,
        target: ReferralTarget::Health,
        made_on: OPENED_ON,
        organisation: None,
        contact_person: None,
        notes: None,
    };
    given([opened()])
        .when(command, TODAY)
        .then_events(vec![referral_made()]);
}

#[test]
fn recording_a_referral_outcome_records_it_and_keeps_the_last_one() {
    let command = RecordReferralOutcome {
        referral_id: REFERRAL,
        outcome: ReferralOutcome::Completed,
        recorded_on: TODAY,
        notes: None,
    };
    let expected = CaseEvent::ReferralOutcomeRecorded {
        facts: ReferralOutcomeRecordedFacts {
            referral_id: REFERRAL,
            outcome: ReferralOutcome::Completed,
            month: month(TODAY),
        },
        pii: Some(ReferralOutcomeRecordedPii {
            recorded_on: TODAY,
            notes: None,
        }),
    };
    given([opened(), referral_made()])
        .when(command, TODAY)
        .then_events(vec![expected.clone()]);
    let state = CaseState::from_events(&[opened(), referral_made(), expected]);
    let referral = state.referrals.get(&REFERRAL).unwrap();
    assert_eq!(referral.last_outcome, Some(ReferralOutcome::Completed));
}

#[test]
fn scheduling_a_follow_up_records_its_due_date_and_method() {
    let command = ScheduleFollowUp {
        follow_up_id: FOLLOW_UP,
        due_on: date!(2026 - 12 - 01),
        method: FollowUpMethod::Visit,
    };
    given([opened()])
        .when(command, TODAY)
        .then_events(vec![follow_up_scheduled(date!(2026 - 12 - 01))]);
}

#[test]
fn completing_a_follow_up_on_its_due_date_is_on_time() {
    given([opened(), follow_up_scheduled(TODAY)])
        .when(complete_follow_up(TODAY), TODAY)
        .then_events(vec![CaseEvent::FollowUpCompleted {
            facts: FollowUpCompletedFacts {
                follow_up_id: FOLLOW_UP,
                outcome: FollowUpOutcome::Safe,
                month: month(TODAY),
                on_time: true,
            },
            pii: Some(FollowUpCompletedPii {
                completed_on: TODAY,
                notes: None,
            }),
        }]);
}

#[test]
fn completing_a_follow_up_after_its_due_date_is_late() {
    let due = date!(2026 - 11 - 10);
    let events = given([opened(), follow_up_scheduled(due)])
        .when(complete_follow_up(TODAY), TODAY)
        .events();
    let [CaseEvent::FollowUpCompleted { facts, .. }] = events.as_slice() else {
        panic!("expected one follow_up_completed");
    };
    assert!(!facts.on_time);
}

#[test]
fn adding_a_note_records_its_text_as_personal_data() {
    given([opened()])
        .when(note("called her"), TODAY)
        .then_events(vec![CaseEvent::NoteAdded {
            facts: NoteAddedFacts {},
            pii: Some(NoteAddedPii {
                text: "called her".into(),
            }),
        }]);
}

#[test]
fn transferring_a_case_moves_it_to_the_new_address() {
    let command = TransferCase {
        trusted_address: OTHER_ADDRESS,
        commune: other_commune(),
        reason: None,
    };
    let expected = CaseEvent::CaseTransferred {
        facts: CaseTransferredFacts {
            trusted_address: OTHER_ADDRESS,
            commune: other_commune(),
        },
        pii: Some(CaseTransferredPii { reason: None }),
    };
    given([opened()])
        .when(command, TODAY)
        .then_events(vec![expected.clone()]);
    let state = CaseState::from_events(&[opened(), expected]);
    assert_eq!(
        (state.trusted_address, state.commune),
        (Some(OTHER_ADDRESS), Some(other_commune()))
    );
}

#[test]
fn a_supervisor_review_of_an_open_case_records_only_the_review() {
    given([opened()])
        .when(review(ReviewDecision::Approved), TODAY)
        .then_events(vec![reviewed(ReviewDecision::Approved)]);
}
