//! Property: any sequence of commands, valid or not, keeps `decide` total and the state's
//! version equal to the number of events applied.

use proptest::prelude::*;
use time::Date;
use uuid::Uuid;

use super::fixtures::*;
use crate::domain::case::*;
use crate::domain::ids::{FollowUpId, ReferralId};
use crate::domain::vocab::*;

fn pick<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(all)
}

/// Days around `TODAY`, so some dates are in the future.
fn day() -> impl Strategy<Value = Date> {
    (-40_i64..5).prop_map(|offset| TODAY + time::Duration::days(offset))
}

/// Few ids, so commands often hit existing referrals and follow-ups.
fn referral() -> impl Strategy<Value = ReferralId> {
    (0_u128..3).prop_map(|n| ReferralId::from_uuid(Uuid::from_u128(n)))
}

fn follow_up() -> impl Strategy<Value = FollowUpId> {
    (0_u128..3).prop_map(|n| FollowUpId::from_uuid(Uuid::from_u128(n)))
}

fn command() -> impl Strategy<Value = CaseCommand> {
    prop_oneof![
        (
            day(),
            proptest::collection::vec(pick(ViolenceType::ALL), 0..3)
        )
            .prop_map(|(opened_on, violence_types)| {
                OpenCase {
                    opened_on,
                    violence_types,
                    ..open_case()
                }
                .into()
            }),
        (pick(RiskLevel::ALL), day()).prop_map(|(risk_level, assessed_on)| AssessRisk {
            risk_level,
            assessed_on,
            notes: None
        }
        .into()),
        (
            pick(SupportType::ALL),
            day(),
            proptest::option::of(0_u16..400)
        )
            .prop_map(|(support_type, provided_on, nights)| {
                ProvideSupport {
                    support_type,
                    provided_on,
                    nights,
                    by: None,
                    notes: None,
                }
                .into()
            }),
        (referral(), pick(ReferralTarget::ALL), day()).prop_map(
            |(referral_id, target, made_on)| {
                MakeReferral {
                    referral_id,
                    target,
                    made_on,
                    organisation: None,
                    contact_person: None,
                    notes: None,
                }
                .into()
            }
        ),
        (referral(), pick(ReferralOutcome::ALL), day()).prop_map(
            |(referral_id, outcome, recorded_on)| {
                RecordReferralOutcome {
                    referral_id,
                    outcome,
                    recorded_on,
                    notes: None,
                }
                .into()
            }
        ),
        (follow_up(), day(), pick(FollowUpMethod::ALL)).prop_map(
            |(follow_up_id, due_on, method)| ScheduleFollowUp {
                follow_up_id,
                due_on,
                method
            }
            .into()
        ),
        (follow_up(), pick(FollowUpOutcome::ALL), day()).prop_map(
            |(follow_up_id, outcome, completed_on)| {
                CompleteFollowUp {
                    follow_up_id,
                    outcome,
                    completed_on,
                    notes: None,
                }
                .into()
            }
        ),
        "[a-z ]{0,3}".prop_map(|text| AddNote { text }.into()),
        pick(ReviewDecision::ALL).prop_map(|decision| ReviewCase {
            decision,
            comment: None
        }
        .into()),
        any::<bool>().prop_map(|other| {
            let (trusted_address, commune) = if other {
                (OTHER_ADDRESS, other_commune())
            } else {
                (ADDRESS, commune())
            };
            TransferCase {
                trusted_address,
                commune,
                reason: None,
            }
            .into()
        }),
        (any::<bool>(), pick(CloseReason::ALL), day()).prop_map(
            |(volunteer, reason, closed_on)| {
                let by = if volunteer {
                    Actor::Volunteer
                } else {
                    Actor::Supervisor
                };
                CloseCase {
                    by,
                    reason,
                    closed_on,
                    notes: None,
                }
                .into()
            }
        ),
        Just(reopen().into()),
        pick(ErasureReason::ALL).prop_map(|reason| EraseCase { reason }.into()),
    ]
}

proptest! {
    #[test]
    fn any_command_sequence_keeps_the_version_equal_to_the_events_applied(
        start_opened in any::<bool>(),
        commands in proptest::collection::vec(command(), 0..40)
    ) {
        // Half the runs start from an opened case, so most commands reach their own rules.
        let mut state = CaseState::default();
        let mut applied = 0_u64;
        if start_opened {
            state.apply(&opened());
            applied += 1;
        }
        for command in commands {
            if let Ok(events) = decide(&state, command, TODAY) {
                prop_assert!(!events.is_empty());
                for event in &events {
                    state.apply(event);
                    applied += 1;
                }
            }
            prop_assert_eq!(state.version, applied);
        }
    }
}
