//! [`CaseView`]: what `GET /cases/{id}` shows, built from the case's decrypted events: the
//! current state, the survivor, referrals and follow-ups with their outcomes, and the whole
//! timeline, each event's coded and personal fields together. The statistics' secret record
//! key is never shown.

use serde::Serialize;
use serde_json::{Map, Value};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::error::AppError;
use crate::domain::calendar::IsoDate;
use crate::domain::case::{
    CaseEvent, CaseOpenedFacts, CaseOpenedPii, CaseState, CaseStatus, Consent,
};
use crate::domain::codec::EventCodec;
use crate::domain::vocab::{
    AgeBand, Ethnicity, FollowUpMethod, FollowUpOutcome, GbvimsType, Perpetrator, ReferralOutcome,
    ReferralTarget, ReferredBy, RiskLevel, Sex, ViolenceType,
};
use crate::store::log::RecordedEvent;

/// Facts that stay inside the server.
const SECRET_FACTS: &[&str] = &["record_key"];

/// A case, whole.
#[derive(Serialize, ToSchema)]
pub struct CaseView {
    pub id: Uuid,
    pub version: u64,
    /// `open`, `closure_requested`, `closed` (an erased case answers 410).
    #[schema(value_type = String, example = "open")]
    pub status: CaseStatus,
    /// Where the case is now.
    pub trusted_address: Uuid,
    #[serde(with = "IsoDate")]
    #[schema(value_type = String, format = Date)]
    pub opened_on: Date,
    #[schema(value_type = String)]
    pub referred_by: ReferredBy,
    pub survivor: SurvivorView,
    #[schema(value_type = Vec<String>)]
    pub violence_types: Vec<ViolenceType>,
    /// The GBVIMS core type derived from `violence_types`.
    #[schema(value_type = String)]
    pub gbvims_type: GbvimsType,
    #[schema(value_type = String)]
    pub perpetrator: Perpetrator,
    #[schema(value_type = Option<String>)]
    pub risk_level: Option<RiskLevel>,
    #[schema(value_type = Object)]
    pub consent: Consent,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub informant: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    pub referrals: Vec<ReferralView>,
    pub follow_ups: Vec<FollowUpView>,
    pub timeline: Vec<TimelineEntry>,
}

/// The survivor.
#[derive(Serialize, ToSchema)]
pub struct SurvivorView {
    pub name: String,
    pub birth_year: i32,
    #[schema(value_type = String)]
    pub age_band: AgeBand,
    #[schema(value_type = String)]
    pub sex: Sex,
    /// The General Statistics Office's two-digit code.
    #[schema(value_type = String)]
    pub ethnicity: Ethnicity,
    pub disability: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children_with_her: Option<u8>,
}

/// A referral and its latest outcome.
#[derive(Serialize, ToSchema)]
pub struct ReferralView {
    pub id: Uuid,
    #[schema(value_type = String)]
    pub target: ReferralTarget,
    #[serde(with = "IsoDate")]
    #[schema(value_type = String, format = Date)]
    pub made_on: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_person: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[schema(value_type = Option<String>)]
    pub outcome: Option<ReferralOutcome>,
}

/// A follow-up, open or done.
#[derive(Serialize, ToSchema)]
pub struct FollowUpView {
    pub id: Uuid,
    #[serde(with = "IsoDate")]
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    #[schema(value_type = String)]
    pub method: FollowUpMethod,
    /// `open` or `completed`.
    pub status: &'static str,
    #[schema(value_type = Option<String>)]
    pub outcome: Option<FollowUpOutcome>,
}

/// One event of the case.
#[derive(Serialize, ToSchema)]
pub struct TimelineEntry {
    pub version: u64,
    /// The event type, e.g. `support_provided`.
    #[serde(rename = "type")]
    pub event_type: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: OffsetDateTime,
    /// The user who recorded it.
    pub actor: Option<Uuid>,
    /// The fields the event recorded, coded and personal together.
    #[schema(value_type = Object)]
    pub data: Value,
    /// The event itself, for pages that show it in words (not sent).
    #[serde(skip)]
    pub event: CaseEvent,
}

opaque_debug!(
    CaseView,
    SurvivorView,
    ReferralView,
    FollowUpView,
    TimelineEntry
);

impl CaseView {
    /// The view of case `id` from its events, in order. The case must not be erased.
    pub fn build(id: Uuid, recorded: &[RecordedEvent]) -> Result<Self, AppError> {
        let mut state = CaseState::default();
        let mut opened: Option<(CaseOpenedFacts, CaseOpenedPii)> = None;
        let mut referrals: Vec<ReferralView> = Vec::new();
        let mut timeline = Vec::with_capacity(recorded.len());
        for record in recorded {
            let event: CaseEvent = record.decode().map_err(AppError::internal)?;
            state.apply(&event);
            timeline.push(TimelineEntry {
                version: record.stream_version,
                event_type: record.event_type.clone(),
                recorded_at: record.recorded_at,
                actor: record.actor,
                data: data_of(&event)?,
                event: event.clone(),
            });
            match event {
                CaseEvent::CaseOpened {
                    facts,
                    pii: Some(pii),
                } => opened = Some((facts, pii)),
                CaseEvent::ReferralMade {
                    facts,
                    pii: Some(pii),
                } => referrals.push(ReferralView {
                    id: *facts.referral_id.as_uuid(),
                    target: facts.target,
                    made_on: pii.made_on,
                    organisation: pii.organisation,
                    contact_person: pii.contact_person,
                    notes: pii.notes,
                    outcome: None,
                }),
                _ => {}
            }
        }
        for referral in &mut referrals {
            referral.outcome = state
                .referrals
                .iter()
                .find(|(id, _)| id.as_uuid() == &referral.id)
                .and_then(|(_, found)| found.last_outcome);
        }
        let (Some((facts, pii)), Some(status), Some(address)) =
            (opened, state.status, state.trusted_address)
        else {
            return Err(AppError::internal("a case view needs a readable opening"));
        };
        let informant = match &pii.informant {
            Some(informant) => Some(serde_json::to_value(informant).map_err(AppError::internal)?),
            None => None,
        };
        Ok(Self {
            id,
            version: state.version,
            status,
            trusted_address: *address.as_uuid(),
            opened_on: pii.opened_on,
            referred_by: facts.referred_by,
            survivor: SurvivorView {
                name: pii.name,
                birth_year: pii.birth_year,
                age_band: facts.age_band,
                sex: facts.sex,
                ethnicity: facts.ethnicity,
                disability: facts.disability,
                contact: pii.contact,
                address: pii.address,
                children_with_her: pii.children_with_her,
            },
            violence_types: facts.violence_types,
            gbvims_type: facts.gbvims_type,
            perpetrator: facts.perpetrator,
            risk_level: state.risk_level,
            consent: state.consent,
            informant,
            narrative: pii.narrative,
            referrals,
            follow_ups: follow_ups(&state),
            timeline,
        })
    }
}

/// The case's follow-ups, earliest due first.
fn follow_ups(state: &CaseState) -> Vec<FollowUpView> {
    let mut all: Vec<FollowUpView> = state
        .follow_ups
        .iter()
        .map(|(id, follow_up)| FollowUpView {
            id: *id.as_uuid(),
            due_on: follow_up.due_on,
            method: follow_up.method,
            status: if follow_up.outcome.is_some() {
                "completed"
            } else {
                "open"
            },
            outcome: follow_up.outcome,
        })
        .collect();
    all.sort_by_key(|follow_up| (follow_up.due_on, follow_up.id));
    all
}

/// An event's facts and personal fields as one JSON object, without the secret facts.
fn data_of(event: &CaseEvent) -> Result<Value, AppError> {
    let encoded = event.encode().map_err(AppError::internal)?;
    let mut data: Map<String, Value> =
        serde_json::from_slice(&encoded.facts).map_err(AppError::internal)?;
    if let Some(pii) = &encoded.pii {
        let personal: Map<String, Value> =
            serde_json::from_slice(pii).map_err(AppError::internal)?;
        data.extend(personal);
    }
    for secret in SECRET_FACTS {
        data.remove(*secret);
    }
    Ok(Value::Object(data))
}
