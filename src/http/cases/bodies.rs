//! The bodies of the commands open to volunteers and supervisors alike, as sent (`deny_unknown_fields`: a stray, misspelt or
//! mistyped field is 400), and their parsing into [`CaseCommand`]s: codes against their
//! vocabularies, dates and numbers against their ranges (422 naming each field). What the
//! command needs besides the body (a new id, the id in the path, today, who acts) is passed
//! in; the lifecycle rules are `decide`'s.

use serde::Deserialize;
use time::Date;
use utoipa::ToSchema;

use crate::domain::case::{
    Actor, AddNote, AssessRisk, CaseCommand, CloseCase, CompleteFollowUp, MakeReferral,
    ProvideSupport, RecordReferralOutcome, ScheduleFollowUp,
};
use crate::domain::ids::{FollowUpId, ReferralId};
use crate::domain::vocab::{
    CloseReason, FollowUpMethod, FollowUpOutcome, ReferralOutcome, ReferralTarget, RiskLevel,
    SupportType,
};
use crate::http::cases::validate::{Checks, text};
use crate::http::error::ApiError;

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
    /// Any date, past or future.
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
    pub fn parse(self) -> Result<CaseCommand, ApiError> {
        let mut checks = Checks::default();
        let support_type = checks.code("type", &self.support_type, SupportType::parse);
        let provided_on = checks.date("provided_on", &self.provided_on);
        let nights = match self.nights {
            None => Some(None),
            Some(nights) => checks.number("nights", nights, 1..=366).map(Some),
        };
        let (Some(support_type), Some(provided_on), Some(nights)) =
            (support_type, provided_on, nights)
        else {
            return Err(checks.into_error());
        };
        Ok(ProvideSupport {
            support_type,
            provided_on,
            nights,
            by: text(self.by),
            notes: text(self.notes),
        }
        .into())
    }
}

impl ReferralBody {
    pub fn parse(self, referral_id: ReferralId) -> Result<CaseCommand, ApiError> {
        let mut checks = Checks::default();
        let target = checks.code("target", &self.target, ReferralTarget::parse);
        let made_on = checks.date("made_on", &self.made_on);
        let (Some(target), Some(made_on)) = (target, made_on) else {
            return Err(checks.into_error());
        };
        Ok(MakeReferral {
            referral_id,
            target,
            made_on,
            organisation: text(self.organisation),
            contact_person: text(self.contact_person),
            notes: text(self.notes),
        }
        .into())
    }
}

impl ReferralOutcomeBody {
    pub fn parse(self, referral_id: ReferralId) -> Result<CaseCommand, ApiError> {
        let mut checks = Checks::default();
        let outcome = checks.code("outcome", &self.outcome, ReferralOutcome::parse);
        let recorded_on = checks.date("recorded_on", &self.recorded_on);
        let (Some(outcome), Some(recorded_on)) = (outcome, recorded_on) else {
            return Err(checks.into_error());
        };
        Ok(RecordReferralOutcome {
            referral_id,
            outcome,
            recorded_on,
            notes: text(self.notes),
        }
        .into())
    }
}

impl FollowUpBody {
    pub fn parse(self, follow_up_id: FollowUpId) -> Result<CaseCommand, ApiError> {
        let mut checks = Checks::default();
        let due_on = checks.date("due_on", &self.due_on);
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
    pub fn parse(self, follow_up_id: FollowUpId) -> Result<CaseCommand, ApiError> {
        let mut checks = Checks::default();
        let completed_on = checks.date("completed_on", &self.completed_on);
        let outcome = checks.code("outcome", &self.outcome, FollowUpOutcome::parse);
        let (Some(completed_on), Some(outcome)) = (completed_on, outcome) else {
            return Err(checks.into_error());
        };
        Ok(CompleteFollowUp {
            follow_up_id,
            outcome,
            completed_on,
            notes: text(self.notes),
        }
        .into())
    }
}

impl NoteBody {
    pub fn parse(self) -> CaseCommand {
        AddNote { text: self.text }.into()
    }
}

impl RiskBody {
    pub fn parse(self, today: Date) -> Result<CaseCommand, ApiError> {
        let mut checks = Checks::default();
        let Some(risk_level) = checks.code("level", &self.level, RiskLevel::parse) else {
            return Err(checks.into_error());
        };
        Ok(AssessRisk {
            risk_level,
            assessed_on: today,
            notes: text(self.notes),
        }
        .into())
    }
}

impl CloseBody {
    pub fn parse(self, by: Actor) -> Result<CaseCommand, ApiError> {
        let mut checks = Checks::default();
        let reason = checks.code("reason", &self.reason, CloseReason::parse);
        let closed_on = checks.date("closed_on", &self.closed_on);
        let (Some(reason), Some(closed_on)) = (reason, closed_on) else {
            return Err(checks.into_error());
        };
        Ok(CloseCase {
            by,
            reason,
            closed_on,
            notes: text(self.notes),
        }
        .into())
    }
}
