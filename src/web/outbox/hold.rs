//! When a sealed record cannot be applied: whether it is held for the "needs attention" list
//! ([`crate::app::held`]) and why, and the held record's facts. Conflicts are never settled by
//! the last writer: a record refused because the case moved on, was closed, transferred or
//! erased, or because the referral's outcome was recorded meanwhile, is held on the server
//! (encrypted under its own key) for the volunteer and her supervisor. Any other refusal (a
//! field out of range, a case she never could see) is answered as a normal submission's.

use uuid::Uuid;

use crate::app::actor::CurrentUser;
use crate::app::context::App;
use crate::app::error::AppError;
use crate::app::scope::{CaseLocation, may_access_case};
use crate::domain::case::{CaseEvent, CaseState, CaseStatus};
use crate::domain::held::{HeldFacts, HeldField, HeldForm, HeldPii, HeldReason};
use crate::domain::ids::{CaseId, ReferralId, TrustedAddressId};
use crate::domain::rejection::RuleCode;
use crate::store::stream::StreamId;
use crate::web::cases::command_forms::CaseForm;
use crate::web::form::FormFields;
use crate::web::outbox::aad::{OutboxAad, Target};

/// Why `error`, met by the record `aad` describes, holds the record; `None`: it is answered.
pub fn reason(
    app: &App<'_>,
    user: &CurrentUser,
    aad: &OutboxAad,
    error: &AppError,
) -> Option<HeldReason> {
    let Target::Command { case, form, .. } = aad.target else {
        return matches!(error, AppError::Rule(..)).then_some(HeldReason::Refused);
    };
    let case = CaseId::from_uuid(case);
    match error {
        AppError::Gone => Some(HeldReason::Erased),
        AppError::NotFound => {
            let (_, places) = history(app, &case);
            let seen = places
                .iter()
                .any(|place| may_access_case(user, place, &app.projections.registry));
            seen.then_some(HeldReason::Transferred)
        }
        AppError::Rule(RuleCode::CaseClosed, _) => Some(HeldReason::Closed),
        AppError::Stale { .. } => {
            let (state, _) = history(app, &case);
            let outcome_recorded = match form {
                CaseForm::Outcome(referral) => state
                    .referrals
                    .get(&ReferralId::from_uuid(referral))
                    .is_some_and(|referral| referral.last_outcome.is_some()),
                _ => false,
            };
            Some(if state.status == Some(CaseStatus::Closed) {
                HeldReason::Closed
            } else if outcome_recorded {
                HeldReason::OutcomeRecorded
            } else {
                HeldReason::Stale
            })
        }
        AppError::Rule(..) => Some(HeldReason::Refused),
        _ => None,
    }
}

/// The held record of `aad` and its `fields`, placed where `user` and her supervisor see it:
/// a volunteer's own trusted address; for a supervisor, the case's last place in her area
/// (or the address the new-case form names). `None` when it has no such place.
pub fn held(
    app: &App<'_>,
    user: &CurrentUser,
    aad: &OutboxAad,
    reason: HeldReason,
    fields: &FormFields,
) -> Option<(HeldFacts, HeldPii)> {
    let registry = &app.projections.registry;
    let at = |address: TrustedAddressId| {
        registry
            .trusted_address(&address)
            .map(|found| CaseLocation {
                trusted_address: address,
                commune: found.commune,
            })
    };
    let (form, case, item, version) = match aad.target {
        Target::NewCase => (HeldForm::NewCase, None, None, None),
        Target::Command {
            case,
            form,
            version,
        } => {
            let (kind, item) = held_form(form);
            (kind, Some(CaseId::from_uuid(case)), item, Some(version))
        }
    };
    let place = match (user.trusted_address, case) {
        (Some(own), _) => at(own),
        (None, Some(case)) => history(app, &case)
            .1
            .into_iter()
            .rev()
            .find(|place| may_access_case(user, place, registry)),
        (None, None) => fields
            .text("trusted_address")
            .and_then(|raw| Uuid::try_parse(raw).ok())
            .and_then(|id| at(TrustedAddressId::from_uuid(id))),
    }?;
    let facts = HeldFacts {
        owner: user.id,
        form,
        case,
        item,
        version,
        sealed_at_ms: aad.sealed_at_ms,
        reason,
        trusted_address: place.trusted_address,
        commune: place.commune,
    };
    let pii = HeldPii {
        idempotency_key: aad.idempotency_key.clone(),
        fields: fields
            .iter()
            .filter(|(name, _)| *name != "_csrf")
            .map(|(name, value)| HeldField {
                name: name.to_owned(),
                value: value.to_owned(),
            })
            .collect(),
    };
    Some((facts, pii))
}

/// A case form as a held record names it, and the item it names.
pub fn held_form(form: CaseForm) -> (HeldForm, Option<Uuid>) {
    match form {
        CaseForm::Support => (HeldForm::Support, None),
        CaseForm::Referral => (HeldForm::Referral, None),
        CaseForm::Outcome(referral) => (HeldForm::ReferralOutcome, Some(referral)),
        CaseForm::FollowUp => (HeldForm::FollowUp, None),
        CaseForm::Complete(follow_up) => (HeldForm::CompleteFollowUp, Some(follow_up)),
        CaseForm::Note => (HeldForm::Note, None),
        CaseForm::Risk => (HeldForm::Risk, None),
        CaseForm::Close => (HeldForm::Close, None),
    }
}

/// The case form a held record carries; `None` for the new-case form (or an item missing).
pub fn case_form(form: HeldForm, item: Option<Uuid>) -> Option<CaseForm> {
    Some(match (form, item) {
        (HeldForm::Support, _) => CaseForm::Support,
        (HeldForm::Referral, _) => CaseForm::Referral,
        (HeldForm::ReferralOutcome, Some(referral)) => CaseForm::Outcome(referral),
        (HeldForm::FollowUp, _) => CaseForm::FollowUp,
        (HeldForm::CompleteFollowUp, Some(follow_up)) => CaseForm::Complete(follow_up),
        (HeldForm::Note, _) => CaseForm::Note,
        (HeldForm::Risk, _) => CaseForm::Risk,
        (HeldForm::Close, _) => CaseForm::Close,
        (HeldForm::NewCase | HeldForm::ReferralOutcome | HeldForm::CompleteFollowUp, _) => {
            return None;
        }
    })
}

/// The case as its stream says (its facts: readable after erasure too), and every place it
/// has been, oldest first. Not scoped: the caller decides what the user may learn of it.
fn history(app: &App<'_>, case: &CaseId) -> (CaseState, Vec<CaseLocation>) {
    let mut state = CaseState::default();
    let mut places = Vec::new();
    let Ok(events) = app.log.read_stream(&StreamId::case(case)) else {
        return (state, places);
    };
    for recorded in events {
        let Ok(event) = recorded.decode::<CaseEvent>() else {
            break;
        };
        match &event {
            CaseEvent::CaseOpened { facts, .. } => places.push(CaseLocation {
                trusted_address: facts.trusted_address,
                commune: facts.commune.clone(),
            }),
            CaseEvent::CaseTransferred { facts, .. } => places.push(CaseLocation {
                trusted_address: facts.trusted_address,
                commune: facts.commune.clone(),
            }),
            _ => {}
        }
        state.apply(&event);
    }
    (state, places)
}
