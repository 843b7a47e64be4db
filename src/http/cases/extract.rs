//! Extractors of the case routes, each failing as problem+json:
//!
//! - [`RawBody`]: the application core's [`Body`](crate::app::input::Body), read as the web
//!   app's outbox reads it ([`crate::edge::body`]).
//! - [`Preconditions`]: `If-Match: "VERSION"` and `Idempotency-Key` (the core's one key
//!   limit, [`idempotency_key`]).
//! - [`Ids`]: ids in the path; one that is not a UUID names no case: 404.

use axum::extract::{FromRequestParts, Path};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::app::input::idempotency_key;
pub use crate::app::input::{Body as RawBody, MAX_KEY_LEN, Preconditions};
use crate::http::error::ApiError;

impl<S: Send + Sync> FromRequestParts<S> for Preconditions {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let if_match = match header_text(&parts.headers, "if-match")? {
            None => None,
            Some(raw) => parse_if_match(raw)?,
        };
        let idempotency_key = match header_text(&parts.headers, "idempotency-key")? {
            None => None,
            Some(key) => Some(idempotency_key(key)?),
        };
        Ok(Self {
            if_match,
            idempotency_key,
        })
    }
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, ApiError> {
    match headers.get(name) {
        None => Ok(None),
        Some(value) => value
            .to_str()
            .map(|text| Some(text.trim()))
            .map_err(|_| ApiError::BadRequest("a header holds invisible characters".into())),
    }
}

/// What `If-Match` accepts, as the OpenAPI document states it: `*`, or a version, quoted or
/// bare ([`parse_if_match`]).
pub const IF_MATCH_PATTERN: &str = r#"^(\*|"[0-9]{1,19}"|[0-9]{1,19})$"#;
/// What `Idempotency-Key` accepts, as the OpenAPI document states it: 1 to [`MAX_KEY_LEN`]
/// visible ASCII characters, spaces only inside.
pub const IDEMPOTENCY_KEY_PATTERN: &str = "^[!-~]([ -~]{0,253}[!-~])?$";

/// `"7"` (or a bare `7`) is version 7; `*` matches any version.
fn parse_if_match(raw: &str) -> Result<Option<u64>, ApiError> {
    if raw == "*" {
        return Ok(None);
    }
    let unquoted = raw
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(raw);
    unquoted
        .parse::<u64>()
        .map(Some)
        .map_err(|_| ApiError::BadRequest("If-Match must be a case version, as \"7\"".into()))
}

/// Ids in the path. Anything that does not parse names no case: 404.
#[derive(Debug)]
pub struct Ids<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Ids<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(ids)| Self(ids))
            .map_err(|_| ApiError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_takes_a_quoted_or_bare_version_or_a_star() {
        assert_eq!(parse_if_match("\"7\"").unwrap(), Some(7));
        assert_eq!(parse_if_match("7").unwrap(), Some(7));
        assert_eq!(parse_if_match("*").unwrap(), None);
        for bad in ["\"x\"", "W/\"7\"", "\"-1\"", ""] {
            assert!(parse_if_match(bad).is_err(), "{bad}");
        }
    }
}
