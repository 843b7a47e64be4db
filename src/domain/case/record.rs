//! The commands that record work on an existing, not closed case: risk, support, referrals,
//! follow-ups, notes and transfers. [`decide`](super::decide) has already checked the case's
//! lifecycle; each function here checks its own lookups, rules and fields.

use crate::domain::bounds::{self, FieldCode};
use time::Date;

use super::command::*;
use super::events::CaseEvent;
use super::facts::*;
use super::pii::*;
use super::rejection::Rejection;
use super::state::CaseState;
use crate::domain::calendar::YearMonth;
use crate::domain::vocab::SupportType;

/// Most nights of shelter one support event may record.
const MAX_NIGHTS: u16 = 366;

pub(super) fn assess_risk(c: AssessRisk, today: Date) -> Result<CaseEvent, Rejection> {
    in_the_past(c.assessed_on, today, "assessed_on")?;
    Ok(CaseEvent::RiskAssessed {
        facts: RiskAssessedFacts {
            risk_level: c.risk_level,
            month: YearMonth::of(c.assessed_on),
        },
        pii: Some(RiskAssessedPii {
            assessed_on: c.assessed_on,
            notes: c.notes,
        }),
    })
}

pub(super) fn provide_support(c: ProvideSupport, today: Date) -> Result<CaseEvent, Rejection> {
    in_the_past(c.provided_on, today, "provided_on")?;
    match (c.support_type, c.nights) {
        (SupportType::Shelter, Some(nights)) if !(1..=MAX_NIGHTS).contains(&nights) => {
            return Err(Rejection::Invalid {
                field: "nights",
                code: FieldCode::OutOfRange,
                reason: "must be 1 to 366",
            });
        }
        (support_type, Some(_)) if support_type != SupportType::Shelter => {
            return Err(Rejection::Invalid {
                field: "nights",
                code: FieldCode::Inconsistent,
                reason: "only shelter counts nights",
            });
        }
        _ => {}
    }
    Ok(CaseEvent::SupportProvided {
        facts: SupportProvidedFacts {
            support_type: c.support_type,
            nights: c.nights,
            month: YearMonth::of(c.provided_on),
        },
        pii: Some(SupportProvidedPii {
            provided_on: c.provided_on,
            by: c.by,
            notes: c.notes,
        }),
    })
}

pub(super) fn make_referral(
    state: &CaseState,
    c: MakeReferral,
    today: Date,
) -> Result<CaseEvent, Rejection> {
    if state.referrals.contains_key(&c.referral_id) {
        return Err(Rejection::ReferralAlreadyExists);
    }
    if !state.consent.referral {
        return Err(Rejection::NoReferralConsent);
    }
    in_the_past(c.made_on, today, "made_on")?;
    Ok(CaseEvent::ReferralMade {
        facts: ReferralMadeFacts {
            referral_id: c.referral_id,
            target: c.target,
            month: YearMonth::of(c.made_on),
        },
        pii: Some(ReferralMadePii {
            made_on: c.made_on,
            organisation: c.organisation,
            contact_person: c.contact_person,
            notes: c.notes,
        }),
    })
}

pub(super) fn record_referral_outcome(
    state: &CaseState,
    c: RecordReferralOutcome,
    today: Date,
) -> Result<CaseEvent, Rejection> {
    if !state.referrals.contains_key(&c.referral_id) {
        return Err(Rejection::ReferralNotFound);
    }
    in_the_past(c.recorded_on, today, "recorded_on")?;
    Ok(CaseEvent::ReferralOutcomeRecorded {
        facts: ReferralOutcomeRecordedFacts {
            referral_id: c.referral_id,
            outcome: c.outcome,
            month: YearMonth::of(c.recorded_on),
        },
        pii: Some(ReferralOutcomeRecordedPii {
            recorded_on: c.recorded_on,
            notes: c.notes,
        }),
    })
}

/// Any due date is fine: follow-ups are planned ahead, and late paper records are entered too.
pub(super) fn schedule_follow_up(
    state: &CaseState,
    c: ScheduleFollowUp,
    today: Date,
) -> Result<CaseEvent, Rejection> {
    if state.follow_ups.contains_key(&c.follow_up_id) {
        return Err(Rejection::FollowUpAlreadyExists);
    }
    if bounds::check_due(c.due_on, today).is_err() {
        return Err(Rejection::Invalid {
            field: "due_on",
            code: FieldCode::OutOfRange,
            reason: "must be within 5 years of today",
        });
    }
    Ok(CaseEvent::FollowUpScheduled {
        facts: FollowUpScheduledFacts {
            follow_up_id: c.follow_up_id,
            due_on: c.due_on,
            method: c.method,
        },
    })
}

pub(super) fn complete_follow_up(
    state: &CaseState,
    c: CompleteFollowUp,
    today: Date,
) -> Result<CaseEvent, Rejection> {
    let follow_up = state
        .follow_ups
        .get(&c.follow_up_id)
        .ok_or(Rejection::FollowUpNotFound)?;
    if follow_up.outcome.is_some() {
        return Err(Rejection::FollowUpAlreadyCompleted);
    }
    in_the_past(c.completed_on, today, "completed_on")?;
    Ok(CaseEvent::FollowUpCompleted {
        facts: FollowUpCompletedFacts {
            follow_up_id: c.follow_up_id,
            outcome: c.outcome,
            month: YearMonth::of(c.completed_on),
            on_time: c.completed_on <= follow_up.due_on,
        },
        pii: Some(FollowUpCompletedPii {
            completed_on: c.completed_on,
            notes: c.notes,
        }),
    })
}

pub(super) fn add_note(c: AddNote) -> Result<CaseEvent, Rejection> {
    if c.text.trim().is_empty() {
        return Err(Rejection::Invalid {
            field: "text",
            code: FieldCode::Required,
            reason: "a note cannot be empty",
        });
    }
    Ok(CaseEvent::NoteAdded {
        facts: NoteAddedFacts {},
        pii: Some(NoteAddedPii { text: c.text }),
    })
}

pub(super) fn transfer_case(state: &CaseState, c: TransferCase) -> Result<CaseEvent, Rejection> {
    if state.trusted_address == Some(c.trusted_address) {
        return Err(Rejection::SameTrustedAddress);
    }
    Ok(CaseEvent::CaseTransferred {
        facts: CaseTransferredFacts {
            trusted_address: c.trusted_address,
            commune: c.commune,
        },
        pii: Some(CaseTransferredPii { reason: c.reason }),
    })
}

/// Refuses a date of something that happened if it is after `today`.
/// A day something happened on: from [`bounds::EARLIEST_DAY`] to `today`.
pub(super) fn in_the_past(date: Date, today: Date, field: &'static str) -> Result<(), Rejection> {
    if date > today {
        Err(Rejection::FutureDate { field })
    } else if date < bounds::EARLIEST_DAY {
        Err(Rejection::Invalid {
            field,
            code: FieldCode::OutOfRange,
            reason: "must be 1900-01-01 or later",
        })
    } else {
        Ok(())
    }
}
