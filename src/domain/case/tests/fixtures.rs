//! A fictional case to test with: ids, commands and the events they record.

use time::{Date, macros::date};
use uuid::Uuid;

use crate::domain::calendar::YearMonth;
use crate::domain::case::*;
use crate::domain::ids::{AreaCode, CaseId, FollowUpId, ReferralId, TrustedAddressId};
use crate::domain::vocab::*;

pub(crate) const TODAY: Date = date!(2026 - 11 - 20);
pub(crate) const TOMORROW: Date = date!(2026 - 11 - 21);
pub(crate) const OPENED_ON: Date = date!(2026 - 11 - 02);

pub(crate) const CASE: CaseId = CaseId::from_uuid(Uuid::from_u128(0xca5e));
pub(crate) const ADDRESS: TrustedAddressId = TrustedAddressId::from_uuid(Uuid::from_u128(0xadd1));
pub(crate) const OTHER_ADDRESS: TrustedAddressId =
    TrustedAddressId::from_uuid(Uuid::from_u128(0xadd2));
pub(crate) const REFERRAL: ReferralId = ReferralId::from_uuid(Uuid::from_u128(0x4ef));
pub(crate) const FOLLOW_UP: FollowUpId = FollowUpId::from_uuid(Uuid::from_u128(0xf011));

pub(crate) fn commune() -> AreaCode {
    AreaCode::parse("23287").unwrap()
}

pub(crate) fn other_commune() -> AreaCode {
    AreaCode::parse("23290").unwrap()
}

pub(crate) fn ede() -> Ethnicity {
    Ethnicity::parse("11").unwrap()
}

pub(crate) fn month(date: Date) -> YearMonth {
    YearMonth::of(date)
}

pub(crate) fn consent_to_all() -> Consent {
    Consent {
        services: true,
        referral: true,
        reporting: true,
    }
}

pub(crate) fn open_case() -> OpenCase {
    OpenCase {
        case_id: CASE,
        record_key: 0x5eed_1234,
        trusted_address: ADDRESS,
        commune: commune(),
        opened_on: OPENED_ON,
        referred_by: ReferredBy::Neighbour,
        survivor: Survivor {
            name: "Y Hơ Niê (fictional)".into(),
            birth_year: 1994,
            sex: Sex::Female,
            ethnicity: ede(),
            disability: false,
            contact: Some("0912 000 000".into()),
            address: Some("thôn 3".into()),
            children_with_her: Some(2),
        },
        violence_types: vec![ViolenceType::Psychological, ViolenceType::Physical],
        perpetrator: Perpetrator::Spouse,
        risk_level: RiskLevel::High,
        consent: consent_to_all(),
        informant: Some(Informant {
            name: Some("a neighbour".into()),
            contact: None,
        }),
        narrative: Some("fictional narrative".into()),
    }
}

/// What [`open_case`] records.
pub(crate) fn opened() -> CaseEvent {
    CaseEvent::CaseOpened {
        facts: CaseOpenedFacts {
            trusted_address: ADDRESS,
            commune: commune(),
            month: month(OPENED_ON),
            referred_by: ReferredBy::Neighbour,
            sex: Sex::Female,
            age_band: AgeBand::Age26To40,
            ethnicity: ede(),
            disability: false,
            violence_types: vec![ViolenceType::Physical, ViolenceType::Psychological],
            gbvims_type: GbvimsType::PhysicalAssault,
            perpetrator: Perpetrator::Spouse,
            risk_level: RiskLevel::High,
            consent: consent_to_all(),
            record_key: 0x5eed_1234,
        },
        pii: Some(CaseOpenedPii {
            opened_on: OPENED_ON,
            name: "Y Hơ Niê (fictional)".into(),
            birth_year: 1994,
            contact: Some("0912 000 000".into()),
            address: Some("thôn 3".into()),
            children_with_her: Some(2),
            narrative: Some("fictional narrative".into()),
            informant: Some(Informant {
                name: Some("a neighbour".into()),
                contact: None,
            }),
        }),
    }
}

/// A case opened without the survivor's consent to referral.
pub(crate) fn opened_without_referral_consent() -> CaseEvent {
    let mut event = opened();
    if let CaseEvent::CaseOpened { facts, .. } = &mut event {
        facts.consent.referral = false;
    }
    event
}

pub(crate) fn referral_made() -> CaseEvent {
    CaseEvent::ReferralMade {
        facts: ReferralMadeFacts {
            referral_id: REFERRAL,
            target: ReferralTarget::Health,
            month: month(OPENED_ON),
        },
        pii: Some(ReferralMadePii {
            made_on: OPENED_ON,
            organisation: None,
            contact_person: None,
            notes: None,
        }),
    }
}

pub(crate) fn follow_up_scheduled(due_on: Date) -> CaseEvent {
    CaseEvent::FollowUpScheduled {
        facts: FollowUpScheduledFacts {
            follow_up_id: FOLLOW_UP,
            due_on,
            method: FollowUpMethod::Visit,
        },
    }
}

pub(crate) fn complete_follow_up(completed_on: Date) -> CompleteFollowUp {
    CompleteFollowUp {
        follow_up_id: FOLLOW_UP,
        outcome: FollowUpOutcome::Safe,
        completed_on,
        notes: None,
    }
}

pub(crate) fn close_by(by: Actor) -> CloseCase {
    CloseCase {
        by,
        reason: CloseReason::Safe,
        closed_on: TODAY,
        notes: Some("safe with her sister".into()),
    }
}

pub(crate) fn closure_requested() -> CaseEvent {
    CaseEvent::CaseClosureRequested {
        facts: CaseClosureRequestedFacts {
            reason: CloseReason::Safe,
            month: month(TODAY),
        },
        pii: Some(CaseClosureRequestedPii {
            closed_on: TODAY,
            notes: Some("safe with her sister".into()),
        }),
    }
}

pub(crate) fn closed() -> CaseEvent {
    CaseEvent::CaseClosed {
        facts: CaseClosedFacts {
            reason: CloseReason::Safe,
            month: month(TODAY),
        },
        pii: Some(CaseClosedPii {
            closed_on: TODAY,
            notes: Some("safe with her sister".into()),
        }),
    }
}

pub(crate) fn erased() -> CaseEvent {
    CaseEvent::CaseErased {
        facts: CaseErasedFacts {
            reason: ErasureReason::SurvivorRequest,
        },
    }
}

pub(crate) fn review(decision: ReviewDecision) -> ReviewCase {
    ReviewCase {
        decision,
        comment: Some("checked".into()),
    }
}

pub(crate) fn reviewed(decision: ReviewDecision) -> CaseEvent {
    CaseEvent::CaseReviewed {
        facts: CaseReviewedFacts { decision },
        pii: Some(CaseReviewedPii {
            comment: Some("checked".into()),
        }),
    }
}

pub(crate) fn note(text: &str) -> AddNote {
    AddNote { text: text.into() }
}

pub(crate) fn reopen() -> ReopenCase {
    ReopenCase {
        reason: "violence resumed".into(),
    }
}

pub(crate) fn erase() -> EraseCase {
    EraseCase {
        reason: ErasureReason::SurvivorRequest,
    }
}
