//! The bodies of the commands on a case, as sent (`deny_unknown_fields`: a stray, misspelt
//! or mistyped field is malformed, 400), and their parsing into [`CaseCommand`]s: codes
//! against their vocabularies, dates and numbers against their ranges (422 naming each
//! field). The API receives them as JSON; the web app writes its forms into the same
//! bodies. What the command needs besides the body (a new id, the id in the path, today,
//! who acts) is passed in; the lifecycle rules are `decide`'s. The supervisor's commands
//! (review, transfer, reopen) are at the end.

use serde::Deserialize;
use time::Date;
use utoipa::ToSchema;

use crate::app::error::AppError;
use crate::app::validate::{Checks, FieldBounds};
use crate::domain::bounds;
use crate::domain::bounds::Accepts;
use crate::domain::case::{
    Actor, AddNote, AssessRisk, CaseCommand, CloseCase, CompleteFollowUp, MakeReferral,
    ProvideSupport, RecordReferralOutcome, ReopenCase, ReviewCase, ScheduleFollowUp,
};
use crate::domain::ids::{FollowUpId, ReferralId};
use crate::domain::vocab::{
    CloseReason, FollowUpMethod, FollowUpOutcome, ReferralOutcome, ReferralTarget, ReviewDecision,
    RiskLevel, SupportType,
};

/// Support given (`POST /cases/{id}/support`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupportBody {
    /// `support_type` code.
    #[serde(rename = "type")]
    #[schema(example = "shelter")]
    pub support_type: String,
    #[schema(example = "2026-11-20")]
    pub provided_on: String,
    /// Nights of shelter (1 to 366), only with `shelter`.
    #[serde(default)]
    pub nights: Option<i64>,
    /// Who gave it.
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A referral to another service.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralBody {
    /// `referral_target` code.
    #[schema(example = "legal_aid")]
    pub target: String,
    pub made_on: String,
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub contact_person: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// What became of a referral.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralOutcomeBody {
    /// `referral_outcome` code.
    #[schema(example = "accepted")]
    pub outcome: String,
    pub recorded_on: String,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A follow-up to schedule.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpBody {
    /// A date within five years either side of today.
    pub due_on: String,
    /// `follow_up_method` code.
    #[schema(example = "visit")]
    pub method: String,
}

/// A follow-up done.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteFollowUpBody {
    pub completed_on: String,
    /// `follow_up_outcome` code.
    #[schema(example = "safe")]
    pub outcome: String,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A note.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    pub text: String,
}

/// A new risk assessment, as of today.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskBody {
    /// `risk_level` code.
    #[schema(example = "medium")]
    pub level: String,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A closure: by a volunteer, a request; by a supervisor, final.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseBody {
    /// `close_reason` code.
    #[schema(example = "safe")]
    pub reason: String,
    pub closed_on: String,
    #[serde(default)]
    pub notes: Option<String>,
}

opaque_debug!(
    SupportBody,
    ReferralBody,
    ReferralOutcomeBody,
    CompleteFollowUpBody,
    NoteBody,
    RiskBody,
    CloseBody
);

impl SupportBody {
    pub fn parse(self, today: Date) -> Result<CaseCommand, AppError> {
        let mut checks = Checks::default();
        let support_type = checks.code("type", &self.support_type, SupportType::parse);
        let provided_on = checks.happened_on("provided_on", &self.provided_on, today);
        let nights = checks.optional_number("nights", self.nights, bounds::NIGHTS);
        let by = checks.text("by", self.by, bounds::LINE);
        let notes = checks.text("notes", self.notes, bounds::NOTES);
        let (Some(support_type), Some(provided_on), Some(nights), Some(by), Some(notes)) =
            (support_type, provided_on, nights, by, notes)
        else {
            return Err(checks.into_error());
        };
        Ok(ProvideSupport {
            support_type,
            provided_on,
            nights,
            by,
            notes,
        }
        .into())
    }
}

impl ReferralBody {
    pub fn parse(self, referral_id: ReferralId, today: Date) -> Result<CaseCommand, AppError> {
        let mut checks = Checks::default();
        let target = checks.code("target", &self.target, ReferralTarget::parse);
        let made_on = checks.happened_on("made_on", &self.made_on, today);
        let organisation = checks.text("organisation", self.organisation, bounds::LINE);
        let contact_person = checks.text("contact_person", self.contact_person, bounds::LINE);
        let notes = checks.text("notes", self.notes, bounds::NOTES);
        let (Some(target), Some(made_on), Some(organisation), Some(contact_person), Some(notes)) =
            (target, made_on, organisation, contact_person, notes)
        else {
            return Err(checks.into_error());
        };
        Ok(MakeReferral {
            referral_id,
            target,
            made_on,
            organisation,
            contact_person,
            notes,
        }
        .into())
    }
}

impl ReferralOutcomeBody {
    pub fn parse(self, referral_id: ReferralId, today: Date) -> Result<CaseCommand, AppError> {
        let mut checks = Checks::default();
        let outcome = checks.code("outcome", &self.outcome, ReferralOutcome::parse);
        let recorded_on = checks.happened_on("recorded_on", &self.recorded_on, today);
        let notes = checks.text("notes", self.notes, bounds::NOTES);
        let (Some(outcome), Some(recorded_on), Some(notes)) = (outcome, recorded_on, notes) else {
            return Err(checks.into_error());
        };
        Ok(RecordReferralOutcome {
            referral_id,
            outcome,
            recorded_on,
            notes,
        }
        .into())
    }
}

impl FollowUpBody {
    pub fn parse(self, follow_up_id: FollowUpId, today: Date) -> Result<CaseCommand, AppError> {
        let mut checks = Checks::default();
        let due_on = checks.due_on("due_on", &self.due_on, today);
        let method = checks.code("method", &self.method, FollowUpMethod::parse);
        let (Some(due_on), Some(method)) = (due_on, method) else {
            return Err(checks.into_error());
        };
        Ok(ScheduleFollowUp {
            follow_up_id,
            due_on,
            method,
        }
        .into())
    }
}

impl CompleteFollowUpBody {
    pub fn parse(self, follow_up_id: FollowUpId, today: Date) -> Result<CaseCommand, AppError> {
        let mut checks = Checks::default();
        let completed_on = checks.happened_on("completed_on", &self.completed_on, today);
        let outcome = checks.code("outcome", &self.outcome, FollowUpOutcome::parse);
        let notes = checks.text("notes", self.notes, bounds::NOTES);
        let (Some(completed_on), Some(outcome), Some(notes)) = (completed_on, outcome, notes)
        else {
            return Err(checks.into_error());
        };
        Ok(CompleteFollowUp {
            follow_up_id,
            outcome,
            completed_on,
            notes,
        }
        .into())
    }
}

impl NoteBody {
    pub fn parse(self) -> Result<CaseCommand, AppError> {
        let mut checks = Checks::default();
        let Some(text) = checks.required_text("text", self.text, bounds::NOTES) else {
            return Err(checks.into_error());
        };
        Ok(AddNote { text }.into())
    }
}

impl RiskBody {
    pub fn parse(self, today: Date) -> Result<CaseCommand, AppError> {
        let mut checks = Checks::default();
        let risk_level = checks.code("level", &self.level, RiskLevel::parse);
        let notes = checks.text("notes", self.notes, bounds::NOTES);
        let (Some(risk_level), Some(notes)) = (risk_level, notes) else {
            return Err(checks.into_error());
        };
        Ok(AssessRisk {
            risk_level,
            assessed_on: today,
            notes,
        }
        .into())
    }
}

impl CloseBody {
    pub fn parse(self, by: Actor, today: Date) -> Result<CaseCommand, AppError> {
        let mut checks = Checks::default();
        let reason = checks.code("reason", &self.reason, CloseReason::parse);
        let closed_on = checks.happened_on("closed_on", &self.closed_on, today);
        let notes = checks.text("notes", self.notes, bounds::NOTES);
        let (Some(reason), Some(closed_on), Some(notes)) = (reason, closed_on, notes) else {
            return Err(checks.into_error());
        };
        Ok(CloseCase {
            by,
            reason,
            closed_on,
            notes,
        }
        .into())
    }
}

// What each field accepts, for the OpenAPI document: the bounds `parse` checks above.
impl SupportBody {
    pub fn accepts() -> FieldBounds {
        vec![
            ("type", Accepts::code(SupportType::CODES)),
            ("provided_on", Accepts::HappenedOn),
            ("nights", Accepts::Count(bounds::NIGHTS)),
            ("by", Accepts::Text(bounds::LINE)),
            ("notes", Accepts::Text(bounds::NOTES)),
        ]
    }
}

impl ReferralBody {
    pub fn accepts() -> FieldBounds {
        vec![
            ("target", Accepts::code(ReferralTarget::CODES)),
            ("made_on", Accepts::HappenedOn),
            ("organisation", Accepts::Text(bounds::LINE)),
            ("contact_person", Accepts::Text(bounds::LINE)),
            ("notes", Accepts::Text(bounds::NOTES)),
        ]
    }
}

impl ReferralOutcomeBody {
    pub fn accepts() -> FieldBounds {
        vec![
            ("outcome", Accepts::code(ReferralOutcome::CODES)),
            ("recorded_on", Accepts::HappenedOn),
            ("notes", Accepts::Text(bounds::NOTES)),
        ]
    }
}

impl FollowUpBody {
    pub fn accepts() -> FieldBounds {
        vec![
            ("due_on", Accepts::DueOn),
            ("method", Accepts::code(FollowUpMethod::CODES)),
        ]
    }
}

impl CompleteFollowUpBody {
    pub fn accepts() -> FieldBounds {
        vec![
            ("completed_on", Accepts::HappenedOn),
            ("outcome", Accepts::code(FollowUpOutcome::CODES)),
            ("notes", Accepts::Text(bounds::NOTES)),
        ]
    }
}

impl NoteBody {
    pub fn accepts() -> FieldBounds {
        vec![("text", Accepts::RequiredText(bounds::NOTES))]
    }
}

impl RiskBody {
    pub fn accepts() -> FieldBounds {
        vec![
            ("level", Accepts::code(RiskLevel::CODES)),
            ("notes", Accepts::Text(bounds::NOTES)),
        ]
    }
}

impl CloseBody {
    pub fn accepts() -> FieldBounds {
        vec![
            ("reason", Accepts::code(CloseReason::CODES)),
            ("closed_on", Accepts::HappenedOn),
            ("notes", Accepts::Text(bounds::NOTES)),
        ]
    }
}

/// A supervisor's review.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// `approved` (closes a case whose closure was requested) or `action_requested`.
    #[schema(example = "approved")]
    pub decision: String,
    #[serde(default)]
    pub comment: Option<String>,
}

/// A transfer to another trusted address in the supervisor's area.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferBody {
    /// The new trusted address (id).
    pub trusted_address: String,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Reopening a closed case.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenBody {
    pub reason: String,
}

opaque_debug!(ReviewBody, TransferBody, ReopenBody);

impl ReviewBody {
    pub fn parse(self) -> Result<CaseCommand, AppError> {
        let mut checks = Checks::default();
        let decision = checks.code("decision", &self.decision, ReviewDecision::parse);
        let comment = checks.text("comment", self.comment, bounds::NOTES);
        let (Some(decision), Some(comment)) = (decision, comment) else {
            return Err(checks.into_error());
        };
        Ok(ReviewCase { decision, comment }.into())
    }
}

impl ReopenBody {
    pub fn parse(self) -> Result<CaseCommand, AppError> {
        let mut checks = Checks::default();
        match checks.required_text("reason", self.reason, bounds::NOTES) {
            Some(reason) => Ok(ReopenCase { reason }.into()),
            None => Err(checks.into_error()),
        }
    }
}

// What each field accepts, for the OpenAPI document: the bounds `parse` checks above.
impl ReviewBody {
    pub fn accepts() -> FieldBounds {
        vec![
            ("decision", Accepts::code(ReviewDecision::CODES)),
            ("comment", Accepts::Text(bounds::NOTES)),
        ]
    }
}

impl TransferBody {
    pub fn accepts() -> FieldBounds {
        vec![
            ("trusted_address", Accepts::Id),
            ("reason", Accepts::Text(bounds::NOTES)),
        ]
    }
}

impl ReopenBody {
    pub fn accepts() -> FieldBounds {
        vec![("reason", Accepts::RequiredText(bounds::NOTES))]
    }
}
