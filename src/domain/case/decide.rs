//! [`decide`]: the case lifecycle rules. Given the current state, a command and today's date,
//! either the events that record it or the [`Rejection`] that refuses it.
//!
//! Checks run in one order for every command: existence (404/409), erased (410), closed (only
//! reopen and erase pass), then the command's own lookups and rules, then its fields. This
//! file holds the lifecycle (open, review, close, reopen, erase); [`record`](super::record)
//! the commands that record work on an open case.

use crate::domain::bounds::{self, FieldCode};
use time::Date;

use super::command::*;
use super::events::CaseEvent;
use super::facts::*;
use super::pii::*;
use super::record::{self, in_the_past};
use super::rejection::Rejection;
use super::state::{CaseState, CaseStatus};
use crate::domain::calendar::YearMonth;
use crate::domain::vocab::{AgeBand, ReviewDecision, gbvims_type};

/// Decides what `command` records on the case in `state`, on `today`.
pub fn decide(
    state: &CaseState,
    command: CaseCommand,
    today: Date,
) -> Result<Vec<CaseEvent>, Rejection> {
    let Some(status) = state.status else {
        return match command {
            CaseCommand::OpenCase(c) => open_case(c, today),
            _ => Err(Rejection::CaseNotFound),
        };
    };
    if status == CaseStatus::Erased {
        return Err(Rejection::CaseErased);
    }
    match command {
        CaseCommand::OpenCase(_) => Err(Rejection::CaseAlreadyExists),
        CaseCommand::ReopenCase(c) => reopen_case(status, c),
        CaseCommand::EraseCase(c) => Ok(vec![CaseEvent::CaseErased {
            facts: CaseErasedFacts { reason: c.reason },
        }]),
        _ if status == CaseStatus::Closed => Err(Rejection::CaseClosed),
        CaseCommand::AssessRisk(c) => record::assess_risk(c, today).map(one),
        CaseCommand::ProvideSupport(c) => record::provide_support(c, today).map(one),
        CaseCommand::MakeReferral(c) => record::make_referral(state, c, today).map(one),
        CaseCommand::RecordReferralOutcome(c) => {
            record::record_referral_outcome(state, c, today).map(one)
        }
        CaseCommand::ScheduleFollowUp(c) => record::schedule_follow_up(state, c, today).map(one),
        CaseCommand::CompleteFollowUp(c) => record::complete_follow_up(state, c, today).map(one),
        CaseCommand::AddNote(c) => record::add_note(c).map(one),
        CaseCommand::TransferCase(c) => record::transfer_case(state, c).map(one),
        CaseCommand::ReviewCase(c) => review_case(state, c),
        CaseCommand::CloseCase(c) => close_case(status, c, today).map(one),
    }
}

fn one(event: CaseEvent) -> Vec<CaseEvent> {
    vec![event]
}

fn open_case(c: OpenCase, today: Date) -> Result<Vec<CaseEvent>, Rejection> {
    in_the_past(c.opened_on, today, "opened_on")?;
    let mut violence_types = c.violence_types;
    violence_types.sort_unstable();
    violence_types.dedup();
    let gbvims_type = gbvims_type(&violence_types).ok_or(Rejection::Invalid {
        field: "violence_types",
        code: FieldCode::Required,
        reason: "at least one is required",
    })?;
    let survivor = c.survivor;
    if survivor.name.trim().is_empty() {
        return Err(Rejection::Invalid {
            field: "survivor.name",
            code: FieldCode::Required,
            reason: "a name or pseudonym is required",
        });
    }
    if bounds::birth_years(today)
        .check::<i32>(i64::from(survivor.birth_year))
        .is_err()
    {
        return Err(Rejection::Invalid {
            field: "survivor.birth_year",
            code: FieldCode::OutOfRange,
            reason: "must be from 1900 to this year",
        });
    }
    let age_band =
        AgeBand::from_birth_year(survivor.birth_year, c.opened_on).ok_or(Rejection::Invalid {
            field: "survivor.birth_year",
            code: FieldCode::OutOfRange,
            reason: "gives an age outside 0 to 130",
        })?;
    let facts = CaseOpenedFacts {
        trusted_address: c.trusted_address,
        commune: c.commune,
        month: YearMonth::of(c.opened_on),
        referred_by: c.referred_by,
        sex: survivor.sex,
        age_band,
        ethnicity: survivor.ethnicity,
        disability: survivor.disability,
        violence_types,
        gbvims_type,
        perpetrator: c.perpetrator,
        risk_level: c.risk_level,
        consent: c.consent,
        record_key: c.record_key,
    };
    let pii = CaseOpenedPii {
        opened_on: c.opened_on,
        name: survivor.name,
        birth_year: survivor.birth_year,
        contact: survivor.contact,
        address: survivor.address,
        children_with_her: survivor.children_with_her,
        narrative: c.narrative,
        informant: c.informant,
    };
    Ok(vec![CaseEvent::CaseOpened {
        facts,
        pii: Some(pii),
    }])
}

/// A review; approving a pending closure request also closes the case as requested.
fn review_case(state: &CaseState, c: ReviewCase) -> Result<Vec<CaseEvent>, Rejection> {
    let reviewed = CaseEvent::CaseReviewed {
        facts: CaseReviewedFacts {
            decision: c.decision,
        },
        pii: Some(CaseReviewedPii { comment: c.comment }),
    };
    match (&state.closure_request, c.decision) {
        (Some(request), ReviewDecision::Approved) => {
            let details = request
                .pii
                .as_ref()
                .ok_or(Rejection::ClosureRequestUnreadable)?;
            let closed = CaseEvent::CaseClosed {
                facts: CaseClosedFacts {
                    reason: request.facts.reason,
                    month: request.facts.month,
                },
                pii: Some(CaseClosedPii {
                    closed_on: details.closed_on,
                    notes: details.notes.clone(),
                }),
            };
            Ok(vec![reviewed, closed])
        }
        _ => Ok(vec![reviewed]),
    }
}

/// A volunteer's close is a request for a supervisor; a supervisor's close is final.
fn close_case(status: CaseStatus, c: CloseCase, today: Date) -> Result<CaseEvent, Rejection> {
    if c.by == Actor::Volunteer && status == CaseStatus::ClosureRequested {
        return Err(Rejection::ClosureAlreadyRequested);
    }
    in_the_past(c.closed_on, today, "closed_on")?;
    let month = YearMonth::of(c.closed_on);
    Ok(match c.by {
        Actor::Volunteer => CaseEvent::CaseClosureRequested {
            facts: CaseClosureRequestedFacts {
                reason: c.reason,
                month,
            },
            pii: Some(CaseClosureRequestedPii {
                closed_on: c.closed_on,
                notes: c.notes,
            }),
        },
        Actor::Supervisor => CaseEvent::CaseClosed {
            facts: CaseClosedFacts {
                reason: c.reason,
                month,
            },
            pii: Some(CaseClosedPii {
                closed_on: c.closed_on,
                notes: c.notes,
            }),
        },
    })
}

fn reopen_case(status: CaseStatus, c: ReopenCase) -> Result<Vec<CaseEvent>, Rejection> {
    if status != CaseStatus::Closed {
        return Err(Rejection::NotClosed);
    }
    Ok(vec![CaseEvent::CaseReopened {
        facts: CaseReopenedFacts {},
        pii: Some(CaseReopenedPii { reason: c.reason }),
    }])
}
