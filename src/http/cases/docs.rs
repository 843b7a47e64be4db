//! The error responses of the case routes, grouped for `#[utoipa::path(responses(...))]`, so
//! the OpenAPI document lists every problem each route can answer with. Only documentation:
//! the errors themselves are [`ApiError`](crate::http::error::ApiError)s.

use utoipa::IntoResponses;

use crate::http::error::Problem;

/// Who is calling, and whether the role may ever do this.
#[derive(Debug, IntoResponses)]
pub enum AuthErrors {
    /// `unauthorized`: no token, or an unknown or expired one.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// `forbidden`: this role may never do this (admins and reporting officers never see a
    /// case).
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// `rate_limited`: the caller has spent her requests a minute
    /// (`--user-requests-per-minute`); `Retry-After` says when to try again.
    #[response(status = 429, content_type = "application/problem+json")]
    RateLimited(Problem),
}

/// Whether the case is there for the caller.
#[derive(Debug, IntoResponses)]
pub enum CaseErrors {
    /// `not_found`: no such case (or referral, or follow-up), or not in the caller's scope.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// `gone`: the case was erased.
    #[response(status = 410, content_type = "application/problem+json")]
    Gone(Problem),
}

/// What a command's body and headers can get wrong.
#[derive(Debug, IntoResponses)]
pub enum BodyErrors {
    /// `bad_request`: malformed JSON, a wrong type, an unknown or missing field, or a
    /// malformed header.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// `payload_too_large`: the body is over the limit.
    #[response(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Problem),
    /// `validation_failed` (a value out of its vocabulary or range, a date of something that
    /// happened in the future, an `Idempotency-Key` reused with another body; `errors` names
    /// each field) or `rule_violated` (a lifecycle rule refuses the command).
    #[response(status = 422, content_type = "application/problem+json")]
    Unprocessable(Problem),
}

/// A conditional command on a case that moved on.
#[derive(Debug, IntoResponses)]
pub enum VersionErrors {
    /// `precondition_failed`: `If-Match` names a version that is not the current one.
    #[response(status = 412, content_type = "application/problem+json")]
    PreconditionFailed(Problem),
}

/// What a query string can get wrong.
#[derive(Debug, IntoResponses)]
pub enum QueryErrors {
    /// `bad_request`: a malformed query (e.g. a cursor this server did not issue).
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// `validation_failed`: a filter out of its vocabulary or range.
    #[response(status = 422, content_type = "application/problem+json")]
    Unprocessable(Problem),
}

/// The headers every command takes.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct CommandHeaders {
    /// The case version the client last saw, as `"7"`; if the case has moved on: 412.
    #[param(rename = "If-Match")]
    pub if_match: Option<String>,
    /// A key of the client's choosing: a retry with the same key and body answers with the
    /// first result and records nothing again.
    #[param(rename = "Idempotency-Key")]
    pub idempotency_key: Option<String>,
}
