//! [`AppError`]: every way a use case can refuse or fail, typed. A rule keeps its
//! [`RuleCode`], a field problem its [`FieldCode`]; English words ride along for the API's
//! `detail` and `message`, but no adapter decides anything on them. The adapters map this
//! one type: `http` to problem+json (`ApiError: From<AppError>`), `web` to pages.

use serde::Serialize;

use crate::domain::bounds::{FieldCode, Refused};
use crate::domain::rejection::RuleCode;

/// One field that failed validation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    /// Why, from a closed list (the OpenAPI document lists it): what a client translates.
    #[schema(value_type = String)]
    pub code: FieldCode,
    /// What was expected, in English; never the value sent.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: FieldCode, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }

    /// A domain refusal of `field`.
    pub fn refused(field: impl Into<String>, refused: Refused) -> Self {
        Self::new(field, refused.code, refused.message)
    }
}

/// What a 422 says of an `Idempotency-Key` sent again with another request.
pub const KEY_REUSED: &str = "this key was already used with a different request";

/// Why a use case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body is not of the command's shape (not JSON, a stray or mistyped field); the
    /// words name fields and types, never values.
    #[error("{0}")]
    Malformed(String),
    /// A query parameter that is not one this server gave out (a forged or foreign cursor):
    /// 400, with the parameter and its code.
    #[error("{}", .0.message)]
    BadParameter(FieldError),
    /// Fields out of their vocabulary, range or format.
    #[error("validation failed")]
    Invalid(Vec<FieldError>),
    /// A rule refuses the command: its stable code, and the rule in English words.
    #[error("{1}")]
    Rule(RuleCode, String),
    /// No such thing, or not the actor's to see (the same answer, so scope leaks nothing).
    #[error("not found")]
    NotFound,
    /// The case was erased.
    #[error("the case was erased")]
    Gone,
    /// The actor's role may not do this.
    #[error("this role may not do this")]
    Forbidden,
    /// The expected version is not the case's: someone else changed it.
    #[error("case is at version {version}")]
    Stale { version: u64 },
    /// The case holds an event this server cannot read.
    #[error("the case holds an event this server cannot read; an operator must repair it")]
    CaseUnavailable,
    /// A reporting officer's statistics budget for the rolling 30 days is spent.
    #[error("the statistics budget is spent until {renews_on}")]
    BudgetExhausted { renews_on: time::Date },
    /// Too many writers raced for one case.
    #[error("the server is busy")]
    Overloaded { retry_after_secs: u64 },
    /// Something broke inside; the message (no personal data) is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// One field problem.
    pub fn invalid(field: impl Into<String>, code: FieldCode, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, code, message)])
    }

    /// An idempotency key sent again with another request: a field problem of the key.
    pub fn key_reused() -> Self {
        Self::invalid("Idempotency-Key", FieldCode::KeyReused, KEY_REUSED)
    }

    /// An internal failure; its message (never personal data: store and codec errors name
    /// positions and types only) is logged, not sent.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        AppError::Internal(error.to_string())
    }

    /// The field problems, if this is a refusal of fields.
    pub fn fields(&self) -> &[FieldError] {
        match self {
            AppError::Invalid(errors) => errors,
            AppError::BadParameter(error) => std::slice::from_ref(error),
            _ => &[],
        }
    }
}
