//! The one API error type, and the one table from error to HTTP status and problem code
//! (API.md). Every error leaves as `application/problem+json`; a 5xx body says nothing
//! internal: its cause is logged once, inside the request's span, and never contains
//! personal data.
//!
//! Below both adapters: the API answers with it, so does the web app's one JSON route
//! (`POST /outbox`), and a page refused by a use case has the status [`status_of`] gives.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::app::error::AppError;
pub use crate::app::error::FieldError;
use crate::domain::bounds::FieldCode;
use crate::domain::rejection::RuleCode;

/// The problem codes of API.md's table (the OpenAPI document lists them).
pub const PROBLEM_CODES: &[&str] = &[
    "bad_request",
    "unauthorized",
    "forbidden",
    "account_pending",
    "not_found",
    "gone",
    "precondition_failed",
    "payload_too_large",
    "validation_failed",
    "rule_violated",
    "rate_limited",
    "budget_exhausted",
    "unavailable",
    "case_unavailable",
    "internal",
];

/// Everything an endpoint can answer with instead of success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    /// A query parameter this server did not give out (a cursor): 400 `bad_request`, naming
    /// the parameter and its code in `errors`.
    #[error("{}", .0.message)]
    BadParameter(FieldError),
    #[error("authentication required")]
    Unauthorized,
    #[error("this role may not do this")]
    Forbidden,
    /// The right password of an account (or a new password) that waits for a supervisor.
    #[error("the account waits for a supervisor's approval")]
    AccountPending,
    #[error("not found")]
    NotFound,
    #[error("the case was erased")]
    Gone,
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("the request body is too large")]
    PayloadTooLarge,
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// A rule refuses the command: its stable code, and the rule in English words.
    #[error("{1}")]
    RuleViolated(RuleCode, String),
    #[error("too many requests")]
    RateLimited { retry_after_secs: u64 },
    /// A reporting officer's statistics budget for the rolling 30 days is spent.
    #[error("the statistics budget is spent until {renews_on}")]
    BudgetExhausted { renews_on: time::Date },
    #[error("the server is busy")]
    Overloaded { retry_after_secs: u64 },
    /// The case holds an event this server cannot read; the rest of the service works.
    #[error("the case holds an event this server cannot read; an operator must repair it")]
    CaseUnavailable,
    /// Something broke inside. The message is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The problem+json body (RFC 9457) with API.md's `code`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// With `rule_violated`: which rule, from a closed list (the OpenAPI document lists it):
    /// what a client keys on and translates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
    /// With `budget_exhausted`: the day (`YYYY-MM-DD`) the budget renews.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renews_on: Option<String>,
}

impl ApiError {
    /// The status table: status and problem code for every error.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) | ApiError::BadParameter(_) => {
                (StatusCode::BAD_REQUEST, "bad_request")
            }
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::AccountPending => (StatusCode::FORBIDDEN, "account_pending"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Gone => (StatusCode::GONE, "gone"),
            ApiError::PreconditionFailed(_) => {
                (StatusCode::PRECONDITION_FAILED, "precondition_failed")
            }
            ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            ApiError::RuleViolated(..) => (StatusCode::UNPROCESSABLE_ENTITY, "rule_violated"),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::BudgetExhausted { .. } => (StatusCode::TOO_MANY_REQUESTS, "budget_exhausted"),
            ApiError::Overloaded { .. } => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::CaseUnavailable => (StatusCode::SERVICE_UNAVAILABLE, "case_unavailable"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// One validation error.
    pub fn invalid(field: impl Into<String>, code: FieldCode, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, code, message)])
    }

    fn problem(&self) -> Problem {
        let (status, code) = self.status_and_code();
        let detail = match self {
            ApiError::BadRequest(detail)
            | ApiError::PreconditionFailed(detail)
            | ApiError::RuleViolated(_, detail) => Some(detail.clone()),
            ApiError::Validation(_) => Some("a value is out of its vocabulary or range".into()),
            ApiError::Internal(_) => None,
            other => Some(other.to_string()),
        };
        Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            code,
            detail,
            errors: match self {
                ApiError::Validation(errors) => Some(errors.clone()),
                ApiError::BadParameter(error) => Some(vec![error.clone()]),
                _ => None,
            },
            rule: match self {
                ApiError::RuleViolated(rule, _) => Some(rule.code()),
                _ => None,
            },
            renews_on: match self {
                ApiError::BudgetExhausted { renews_on } => Some(renews_on.to_string()),
                _ => None,
            },
        }
    }
}

/// A signed-in user past her request rate: 429 `rate_limited`.
impl From<crate::edge::rate::RateLimited> for ApiError {
    fn from(limited: crate::edge::rate::RateLimited) -> Self {
        ApiError::RateLimited {
            retry_after_secs: limited.retry_after_secs,
        }
    }
}

/// The application core's refusals in HTTP: the one map from [`AppError`] to the status
/// table above.
impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Malformed(detail) => ApiError::BadRequest(detail),
            AppError::BadParameter(error) => ApiError::BadParameter(error),
            AppError::Invalid(errors) => ApiError::Validation(errors),
            AppError::Rule(rule, words) => ApiError::RuleViolated(rule, words),
            AppError::NotFound => ApiError::NotFound,
            AppError::Gone => ApiError::Gone,
            AppError::Forbidden => ApiError::Forbidden,
            AppError::Stale { version } => {
                ApiError::PreconditionFailed(format!("case is at version {version}"))
            }
            AppError::CaseUnavailable => ApiError::CaseUnavailable,
            AppError::Overloaded { retry_after_secs } => ApiError::Overloaded { retry_after_secs },
            AppError::BudgetExhausted { renews_on } => ApiError::BudgetExhausted { renews_on },
            AppError::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

/// The status of a use case's refusal, as the table above gives it: its problem's, and the
/// status of the page that says it.
pub fn status_of(error: &AppError) -> StatusCode {
    match error {
        AppError::Malformed(_) | AppError::BadParameter(_) => StatusCode::BAD_REQUEST,
        AppError::Invalid(_) | AppError::Rule(..) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Gone => StatusCode::GONE,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::Stale { .. } => StatusCode::PRECONDITION_FAILED,
        AppError::CaseUnavailable | AppError::Overloaded { .. } => StatusCode::SERVICE_UNAVAILABLE,
        AppError::BudgetExhausted { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(cause = %cause, "request failed");
        }
        let problem = self.problem();
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let ApiError::RateLimited { retry_after_secs }
        | ApiError::Overloaded { retry_after_secs } = self
        {
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pages' statuses ([`status_of`]) are the problems' for every refusal of a use case.
    #[test]
    fn a_refusal_has_one_status_for_the_api_and_the_pages() {
        let field = || FieldError::new("f", FieldCode::Required, "m");
        let every = [
            AppError::Malformed("x".into()),
            AppError::BadParameter(field()),
            AppError::Invalid(vec![field()]),
            AppError::Rule(RuleCode::CaseClosed, "x".into()),
            AppError::NotFound,
            AppError::Gone,
            AppError::Forbidden,
            AppError::Stale { version: 3 },
            AppError::CaseUnavailable,
            AppError::BudgetExhausted {
                renews_on: time::macros::date!(2026 - 01 - 01),
            },
            AppError::Overloaded {
                retry_after_secs: 1,
            },
            AppError::Internal("x".into()),
        ];
        for error in every {
            let page = status_of(&error);
            assert_eq!(page, ApiError::from(error).status_and_code().0);
        }
    }

    #[test]
    fn every_error_has_the_status_and_code_of_the_contract() {
        let table = [
            (ApiError::BadRequest("x".into()), 400, "bad_request"),
            (ApiError::Unauthorized, 401, "unauthorized"),
            (ApiError::Forbidden, 403, "forbidden"),
            (ApiError::AccountPending, 403, "account_pending"),
            (ApiError::NotFound, 404, "not_found"),
            (ApiError::Gone, 410, "gone"),
            (
                ApiError::PreconditionFailed("x".into()),
                412,
                "precondition_failed",
            ),
            (ApiError::PayloadTooLarge, 413, "payload_too_large"),
            (
                ApiError::invalid("f", FieldCode::Required, "m"),
                422,
                "validation_failed",
            ),
            (
                ApiError::RuleViolated(RuleCode::CaseClosed, "x".into()),
                422,
                "rule_violated",
            ),
            (
                ApiError::RateLimited {
                    retry_after_secs: 1,
                },
                429,
                "rate_limited",
            ),
            (
                ApiError::BudgetExhausted {
                    renews_on: time::macros::date!(2026 - 12 - 05),
                },
                429,
                "budget_exhausted",
            ),
            (
                ApiError::Overloaded {
                    retry_after_secs: 1,
                },
                503,
                "unavailable",
            ),
            (ApiError::CaseUnavailable, 503, "case_unavailable"),
            (ApiError::Internal("x".into()), 500, "internal"),
        ];
        for (error, status, code) in table {
            assert!(
                PROBLEM_CODES.contains(&code),
                "{code} is not in the OpenAPI document's list of problem codes"
            );
            let (actual_status, actual_code) = error.status_and_code();
            assert_eq!(
                (actual_status.as_u16(), actual_code),
                (status, code),
                "{error:?}"
            );
        }
    }

    #[test]
    fn an_internal_error_says_nothing_of_its_cause() {
        let problem = ApiError::Internal("sled: secret path /x".into()).problem();
        let body = serde_json::to_string(&problem).unwrap();
        assert!(!body.contains("sled"), "{body}");
        assert_eq!(problem.code, "internal");
    }

    #[test]
    fn a_rule_violation_names_its_rule_and_no_other_problem_does() {
        let body = |error: ApiError| serde_json::to_value(error.problem()).unwrap();
        let rule = body(ApiError::RuleViolated(
            RuleCode::ReferralConsentMissing,
            "the survivor did not consent to referral".into(),
        ));
        assert_eq!(rule["code"], "rule_violated");
        assert_eq!(rule["rule"], "referral_consent_missing");
        assert!(body(ApiError::NotFound).get("rule").is_none());
    }

    #[test]
    fn a_rate_limit_says_when_to_retry() {
        let response = ApiError::RateLimited {
            retry_after_secs: 30,
        }
        .into_response();
        assert_eq!(response.headers()[header::RETRY_AFTER], "30");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
    }
}
