//! A JSON body extractor whose every failure is a problem+json 400 (malformed JSON, wrong
//! type, unknown field, missing field) or 413 (too large), never axum's plain-text rejection.
//! Bodies deserialize into raw request types with `deny_unknown_fields`; handlers then parse
//! them into domain types.

use std::borrow::Cow;

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
/// expected types stay; strings the client sent (in double quotes), unknown variants and
/// unknown field names go, since they may be personal data typed into the wrong place.
pub fn without_values(message: &str) -> String {
    let message = without_unknown_field(message);
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

/// serde names an unknown field as the client sent it: in backticks in its message and,
/// behind a path (`survivor.NAME: unknown field ...`), as the path's last segment. Both go;
/// the path to the field's parent stays. If the copies cannot be told apart from the rest,
/// no detail is kept at all.
fn without_unknown_field(message: &str) -> Cow<'_, str> {
    const MARK: &str = "unknown field `";
    const VAGUE: &str = "the body has a field that is not allowed here";
    let Some((before, rest)) = message.split_once(MARK) else {
        return Cow::Borrowed(message);
    };
    let end = ["`, expected", "`, there are no fields"]
        .iter()
        .filter_map(|tail| rest.rfind(tail))
        .max();
    let Some((name, tail)) = end.and_then(|end| Some((rest.get(..end)?, rest.get(end + 1..)?)))
    else {
        return Cow::Borrowed(VAGUE);
    };
    let before = match before.strip_suffix(": ") {
        None => before.to_owned(),
        Some(path) => match path.strip_suffix(name) {
            Some(parent) => format!("{parent}…: "),
            None => return Cow::Borrowed(VAGUE),
        },
    };
    Cow::Owned(format!("{before}{MARK}…`{tail}"))
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

    #[test]
    fn unknown_field_names_are_dropped_from_the_path_and_the_message() {
        let prefix = "Failed to deserialize the JSON body into the target type: ";
        let nested = format!(
            "{prefix}survivor.Nguyễn Thị A.: unknown field `Nguyễn Thị A.`, expected one of `name` at line 1 column 9"
        );
        assert_eq!(
            without_values(&nested),
            format!(
                "{prefix}survivor.…: unknown field `…`, expected one of `name` at line 1 column 9"
            )
        );
        let top = format!("{prefix}Lan: unknown field `Lan`, there are no fields");
        assert_eq!(
            without_values(&top),
            format!("{prefix}…: unknown field `…`, there are no fields")
        );
        let unmatched = format!("{prefix}x: unknown field `Lan`, expected `text`");
        assert!(!without_values(&unmatched).contains("Lan"));
        assert_eq!(
            without_values("unknown field `Lan`, expected `text` at line 1 column 6"),
            "unknown field `…`, expected `text` at line 1 column 6"
        );
    }
}
