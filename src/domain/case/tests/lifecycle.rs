//! The lifecycle: open → (closure requested) → closed → reopened, erased at any point.

use super::fixtures::*;
use super::given;
use super::samples::one_of_each;
use crate::domain::case::*;
use crate::domain::vocab::*;

/// One of each command that records work on an open case.
fn recording_commands() -> Vec<CaseCommand> {
    vec![
        AssessRisk {
            risk_level: RiskLevel::Low,
            assessed_on: TODAY,
            notes: None,
        }
        .into(),
        ProvideSupport {
            support_type: SupportType::Counselling,
            provided_on: TODAY,
            nights: None,
            by: None,
            notes: None,
        }
        .into(),
        MakeReferral {
            referral_id: REFERRAL,
            target: ReferralTarget::Police,
            made_on: TODAY,
            organisation: None,
            contact_person: None,
            notes: None,
        }
        .into(),
        ScheduleFollowUp {
            follow_up_id: FOLLOW_UP,
            due_on: TODAY,
            method: FollowUpMethod::Phone,
        }
        .into(),
        note("a note").into(),
        review(ReviewDecision::Approved).into(),
        TransferCase {
            trusted_address: OTHER_ADDRESS,
            commune: other_commune(),
            reason: None,
        }
        .into(),
        close_by(Actor::Volunteer).into(),
        close_by(Actor::Supervisor).into(),
    ]
}

#[test]
fn a_command_on_a_case_that_does_not_exist_is_refused_as_not_found() {
    for command in recording_commands()
        .into_iter()
        .chain([reopen().into(), erase().into()])
    {
        given([])
            .when(command, TODAY)
            .then_rejects(Rejection::CaseNotFound);
    }
}

#[test]
fn opening_a_case_that_already_exists_is_refused() {
    given([opened()])
        .when(open_case(), TODAY)
        .then_rejects(Rejection::CaseAlreadyExists);
}

#[test]
fn anything_on_an_erased_case_is_refused_as_gone() {
    let commands = recording_commands().into_iter().chain([
        open_case().into(),
        reopen().into(),
        erase().into(),
    ]);
    for command in commands {
        given([opened(), erased()])
            .when(command, TODAY)
            .then_rejects(Rejection::CaseErased);
    }
}

#[test]
fn nothing_is_recorded_on_a_closed_case() {
    for command in recording_commands() {
        given([opened(), closed()])
            .when(command, TODAY)
            .then_rejects(Rejection::CaseClosed);
    }
}

#[test]
fn a_closed_case_can_be_reopened() {
    let expected = CaseEvent::CaseReopened {
        facts: CaseReopenedFacts {},
        pii: Some(CaseReopenedPii {
            reason: "violence resumed".into(),
        }),
    };
    given([opened(), closed()])
        .when(reopen(), TODAY)
        .then_events(vec![expected.clone()]);
    assert_eq!(
        CaseState::from_events(&[opened(), closed(), expected]).status,
        Some(CaseStatus::Open)
    );
}

#[test]
fn reopening_a_case_that_is_not_closed_is_refused() {
    given([opened()])
        .when(reopen(), TODAY)
        .then_rejects(Rejection::NotClosed);
    given([opened(), closure_requested()])
        .when(reopen(), TODAY)
        .then_rejects(Rejection::NotClosed);
}

#[test]
fn an_open_or_closed_case_can_be_erased() {
    given([opened()])
        .when(erase(), TODAY)
        .then_events(vec![erased()]);
    given([opened(), closed()])
        .when(erase(), TODAY)
        .then_events(vec![erased()]);
    assert_eq!(
        CaseState::from_events(&[opened(), erased()]).status,
        Some(CaseStatus::Erased)
    );
}

#[test]
fn a_volunteers_close_is_a_request_for_a_supervisor() {
    let given_case = given([opened()]);
    given_case
        .when(close_by(Actor::Volunteer), TODAY)
        .then_events(vec![closure_requested()]);
    let state = CaseState::from_events(&[opened(), closure_requested()]);
    assert_eq!(state.status, Some(CaseStatus::ClosureRequested));
    assert!(state.closure_request.is_some());
}

#[test]
fn a_second_closure_request_while_one_is_pending_is_refused() {
    given([opened(), closure_requested()])
        .when(close_by(Actor::Volunteer), TODAY)
        .then_rejects(Rejection::ClosureAlreadyRequested);
}

#[test]
fn a_supervisors_close_closes_the_case() {
    given([opened()])
        .when(close_by(Actor::Supervisor), TODAY)
        .then_events(vec![closed()]);
    assert_eq!(
        CaseState::from_events(&[opened(), closed()]).status,
        Some(CaseStatus::Closed)
    );
}

#[test]
fn a_supervisor_can_close_a_case_awaiting_closure_directly() {
    given([opened(), closure_requested()])
        .when(close_by(Actor::Supervisor), TODAY)
        .then_events(vec![closed()]);
}

#[test]
fn approving_a_closure_request_closes_the_case_as_requested() {
    given([opened(), closure_requested()])
        .when(review(ReviewDecision::Approved), TODAY)
        .then_events(vec![reviewed(ReviewDecision::Approved), closed()]);
    let state = CaseState::from_events(&[
        opened(),
        closure_requested(),
        reviewed(ReviewDecision::Approved),
        closed(),
    ]);
    assert_eq!(state.status, Some(CaseStatus::Closed));
    assert_eq!(state.closure_request, None);
}

#[test]
fn requesting_action_on_a_closure_request_puts_the_case_back_to_open() {
    given([opened(), closure_requested()])
        .when(review(ReviewDecision::ActionRequested), TODAY)
        .then_events(vec![reviewed(ReviewDecision::ActionRequested)]);
    let state = CaseState::from_events(&[
        opened(),
        closure_requested(),
        reviewed(ReviewDecision::ActionRequested),
    ]);
    assert_eq!(state.status, Some(CaseStatus::Open));
    assert_eq!(state.closure_request, None);
}

#[test]
fn approving_a_closure_request_whose_details_are_unreadable_is_refused() {
    let CaseEvent::CaseClosureRequested { facts, .. } = closure_requested() else {
        unreachable!()
    };
    let unreadable = CaseEvent::CaseClosureRequested { facts, pii: None };
    given([opened(), unreadable])
        .when(review(ReviewDecision::Approved), TODAY)
        .then_rejects(Rejection::ClosureRequestUnreadable);
}

#[test]
fn work_can_still_be_recorded_while_a_closure_awaits_a_supervisor() {
    let past = given([opened(), closure_requested()]);
    assert_eq!(past.state().status, Some(CaseStatus::ClosureRequested));
    past.when(note("still here"), TODAY)
        .then_events(vec![CaseEvent::NoteAdded {
            facts: NoteAddedFacts {},
            pii: Some(NoteAddedPii {
                text: "still here".into(),
            }),
        }]);
}

#[test]
fn the_version_counts_every_event_applied() {
    let events = one_of_each();
    assert_eq!(CaseState::from_events(&events).version, events.len() as u64);
    assert_eq!(CaseState::default().version, 0);
    assert_eq!(CaseState::default().status, None);
}
