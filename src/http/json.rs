//! A JSON body extractor whose every failure is a problem+json 400 (malformed JSON, wrong
//! type, unknown field, missing field) or 413 (too large), never axum's plain-text rejection.
//! Bodies deserialize into raw request types with `deny_unknown_fields`; handlers then parse
//! them into domain types.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::http::error::ApiError;

/// `Json<T>` with API errors.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(reject(rejection)),
        }
    }
}

fn reject(rejection: JsonRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::PayloadTooLarge;
    }
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::BadRequest("send the body as application/json".into())
        }
        JsonRejection::JsonDataError(error) => {
            ApiError::BadRequest(without_values(&error.body_text()))
        }
        JsonRejection::JsonSyntaxError(_) => {
            ApiError::BadRequest("the body is not valid JSON".into())
        }
        other => ApiError::BadRequest(other.body_text()),
    }
}

/// serde's message with the values it quotes removed: field names (in backticks) and
/// expected types stay; strings the client sent (in double quotes) and unknown variants go,
/// since they may be personal data typed into the wrong field.
pub fn without_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_quotes = false;
    for ch in message.chars() {
        match (ch, in_quotes) {
            ('"', false) => {
                in_quotes = true;
                out.push_str("\"…");
            }
            ('"', true) => in_quotes = false,
            (_, true) => {}
            (ch, false) => out.push(ch),
        }
    }
    match out.find("unknown variant `") {
        Some(start) => {
            let value_start = start + "unknown variant `".len();
            match out.get(value_start..).and_then(|rest| rest.find('`')) {
                Some(len) => format!(
                    "{}…{}",
                    out.get(..value_start).unwrap_or_default(),
                    out.get(value_start + len..).unwrap_or_default()
                ),
                None => out,
            }
        }
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::without_values;

    #[test]
    fn quoted_values_are_dropped_and_field_names_kept() {
        let message = "survivor.birth_year: invalid type: string \"Nguyễn Thị A\", expected i32";
        assert_eq!(
            without_values(message),
            "survivor.birth_year: invalid type: string \"…, expected i32"
        );
        assert_eq!(
            without_values("sex: unknown variant `Lan`, expected one of `female`"),
            "sex: unknown variant `…`, expected one of `female`"
        );
        assert_eq!(
            without_values("missing field `opened_on`"),
            "missing field `opened_on`"
        );
    }
}
