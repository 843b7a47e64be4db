//! A small registry (one province, one district, three communes, the third merged into the
//! second) and builders for case events as the projection receives them.

use time::macros::{date, datetime};
use uuid::Uuid;

use crate::domain::calendar::YearMonth;
use crate::domain::case::CaseEvent;
use crate::domain::case::facts::*;
use crate::domain::ids::{AreaCode, CaseId, FollowUpId, ReferralId, TrustedAddressId};
use crate::domain::registry::area::{AreaDefinedFacts, AreaEvent, AreaRetiredFacts};
use crate::domain::vocab::*;
use crate::projections::event::{Projected, ProjectedEvent};
use crate::projections::registry::Registry;
use crate::projections::stats::StatsProjection;
use crate::stats::disclosure::StatisticsSecret;

pub const PROVINCE: &str = "62";
pub const DISTRICT: &str = "610";
pub const COMMUNE_A: &str = "23284";
pub const COMMUNE_B: &str = "23287";
/// Merged into `COMMUNE_B`.
pub const COMMUNE_OLD: &str = "23290";

pub fn code(text: &str) -> AreaCode {
    AreaCode::parse(text).unwrap()
}

pub fn secret() -> StatisticsSecret {
    StatisticsSecret::new(&[7; 32]).unwrap()
}

fn area_event(code_text: &str, event: AreaEvent) -> ProjectedEvent {
    ProjectedEvent {
        position: 0,
        stream_version: 1,
        recorded_at: datetime!(2026-01-01 0:00 UTC),
        body: Projected::Area {
            code: code(code_text),
            event,
        },
    }
}

/// The registry, with `COMMUNE_OLD` retired into `COMMUNE_B`.
pub fn registry() -> Registry {
    let registry = Registry::default();
    let define = |c: &str, level: AreaLevel, parent: Option<&str>| {
        area_event(
            c,
            AreaEvent::AreaDefined(AreaDefinedFacts {
                code: code(c),
                name: format!("Khu vực {c}"),
                level,
                parent: parent.map(code),
                valid_from: date!(2020 - 01 - 01),
            }),
        )
    };
    registry.apply(&define(PROVINCE, AreaLevel::Province, None));
    registry.apply(&define(DISTRICT, AreaLevel::District, Some(PROVINCE)));
    for commune in [COMMUNE_A, COMMUNE_B, COMMUNE_OLD] {
        registry.apply(&define(commune, AreaLevel::Commune, Some(DISTRICT)));
    }
    registry.apply(&area_event(
        COMMUNE_OLD,
        AreaEvent::AreaRetired(AreaRetiredFacts {
            valid_to: date!(2025 - 06 - 30),
            successor: Some(code(COMMUNE_B)),
        }),
    ));
    registry
}

/// One address per commune, fixed ids.
pub fn address(commune: &str) -> TrustedAddressId {
    let last = commune.bytes().last().unwrap_or(0);
    TrustedAddressId::from_uuid(Uuid::from_u128(0xadd0_0000 + u128::from(last)))
}

pub fn month(text: &str) -> YearMonth {
    YearMonth::parse(text).unwrap()
}

/// A case's attributes.
#[derive(Clone, Debug)]
pub struct Survivor {
    pub commune: &'static str,
    pub month: &'static str,
    pub sex: Sex,
    pub violence: Vec<ViolenceType>,
    pub risk: RiskLevel,
    pub reporting: bool,
    pub key: u32,
}

impl Survivor {
    pub fn new(key: u32) -> Self {
        Self {
            commune: COMMUNE_A,
            month: "2026-03",
            sex: Sex::Female,
            violence: vec![ViolenceType::Physical],
            risk: RiskLevel::High,
            reporting: true,
            key,
        }
    }

    pub fn opened(&self) -> CaseEvent {
        let mut violence = self.violence.clone();
        violence.sort();
        violence.dedup();
        CaseEvent::CaseOpened {
            facts: CaseOpenedFacts {
                trusted_address: address(self.commune),
                commune: code(self.commune),
                month: month(self.month),
                referred_by: ReferredBy::Neighbour,
                sex: self.sex,
                age_band: AgeBand::Age26To40,
                ethnicity: Ethnicity::parse("08").unwrap(),
                disability: false,
                gbvims_type: gbvims_type(&violence).unwrap(),
                violence_types: violence,
                perpetrator: Perpetrator::Spouse,
                risk_level: self.risk,
                consent: Consent {
                    services: true,
                    referral: true,
                    reporting: self.reporting,
                },
                record_key: self.key,
            },
            pii: None,
        }
    }
}

pub fn support(kind: SupportType, at: &str, nights: Option<u16>) -> CaseEvent {
    CaseEvent::SupportProvided {
        facts: SupportProvidedFacts {
            support_type: kind,
            nights,
            month: month(at),
        },
        pii: None,
    }
}

pub fn referral(id: u128, target: ReferralTarget, at: &str) -> CaseEvent {
    CaseEvent::ReferralMade {
        facts: ReferralMadeFacts {
            referral_id: ReferralId::from_uuid(Uuid::from_u128(id)),
            target,
            month: month(at),
        },
        pii: None,
    }
}

pub fn outcome(id: u128, outcome: ReferralOutcome, at: &str) -> CaseEvent {
    CaseEvent::ReferralOutcomeRecorded {
        facts: ReferralOutcomeRecordedFacts {
            referral_id: ReferralId::from_uuid(Uuid::from_u128(id)),
            outcome,
            month: month(at),
        },
        pii: None,
    }
}

pub fn scheduled(id: u128, due_on: time::Date) -> CaseEvent {
    CaseEvent::FollowUpScheduled {
        facts: FollowUpScheduledFacts {
            follow_up_id: FollowUpId::from_uuid(Uuid::from_u128(id)),
            due_on,
            method: FollowUpMethod::Visit,
        },
    }
}

pub fn completed(id: u128, at: &str, on_time: bool) -> CaseEvent {
    CaseEvent::FollowUpCompleted {
        facts: FollowUpCompletedFacts {
            follow_up_id: FollowUpId::from_uuid(Uuid::from_u128(id)),
            outcome: FollowUpOutcome::Safe,
            month: month(at),
            on_time,
        },
        pii: None,
    }
}

pub fn closed(at: &str) -> CaseEvent {
    CaseEvent::CaseClosed {
        facts: CaseClosedFacts {
            reason: CloseReason::Safe,
            month: month(at),
        },
        pii: None,
    }
}

pub fn erased() -> CaseEvent {
    CaseEvent::CaseErased {
        facts: CaseErasedFacts {
            reason: ErasureReason::SurvivorRequest,
        },
    }
}

/// Feeds a case's events to a projection with consecutive stream versions.
pub fn feed(projection: &StatsProjection, case: u128, events: &[CaseEvent]) {
    for (version, event) in (1_u64..).zip(events) {
        projection.apply(&ProjectedEvent {
            position: 0,
            stream_version: version,
            recorded_at: datetime!(2026-01-01 0:00 UTC),
            body: Projected::Case {
                id: CaseId::from_uuid(Uuid::from_u128(case)),
                event: event.clone(),
            },
        });
    }
}
