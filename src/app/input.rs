//! What a command brings besides the acting user and the ids in its path:
//!
//! - [`Body`]: the body's bytes, kept whole so an idempotency key can be checked against a
//!   SHA-256 of exactly what was sent, and parsed into a raw body type only after the case
//!   was found and its version checked (so 404, 410 and 412 come before 400 and 422). The
//!   API hands over what the client sent; the web app the same JSON made from its form.
//! - [`Preconditions`]: the expected version and the idempotency key, with the one limit
//!   on a key ([`idempotency_key`], [`MAX_KEY_LEN`]) both adapters apply.
//! - [`path_id`]: an id from a path (one that does not parse is not found).
//! - [`without_values`]: serde's messages with the values they quote removed.

use std::borrow::Cow;

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::app::error::AppError;

/// The longest idempotency key accepted.
pub const MAX_KEY_LEN: usize = 255;

/// A command's body, not parsed yet.
#[derive(Debug)]
pub struct Body {
    bytes: Bytes,
    is_json: bool,
}

impl Body {
    /// A body as received, and whether its content type said JSON.
    pub fn new(bytes: impl Into<Bytes>, is_json: bool) -> Self {
        Self {
            bytes: bytes.into(),
            is_json,
        }
    }

    /// A JSON body made on the server (the web app turns its forms into the API's bodies).
    pub fn json(bytes: impl Into<Bytes>) -> Self {
        Self::new(bytes, true)
    }

    /// The JSON of `value` (a form's fields in the API's names).
    pub fn of(value: &impl serde::Serialize) -> Result<Self, AppError> {
        serde_json::to_vec(value)
            .map(Self::json)
            .map_err(AppError::internal)
    }

    /// Parses the body into a raw body type: [`AppError::Malformed`] for anything that is
    /// not JSON of that shape (unknown fields, wrong types, missing fields), with no value
    /// quoted back.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        if !self.is_json {
            return Err(AppError::Malformed(
                "send the body as application/json".into(),
            ));
        }
        match axum::Json::<T>::from_bytes(&self.bytes) {
            Ok(axum::Json(value)) => Ok(value),
            Err(JsonRejection::JsonDataError(error)) => {
                Err(AppError::Malformed(without_values(&error.body_text())))
            }
            Err(_) => Err(AppError::Malformed("the body is not valid JSON".into())),
        }
    }

    /// SHA-256 of the bytes as sent: what an idempotent retry must repeat.
    pub fn fingerprint(&self) -> [u8; 32] {
        Sha256::digest(&self.bytes).into()
    }
}

/// The conditions a command is given under.
#[derive(Clone, Debug, Default)]
pub struct Preconditions {
    /// The version the client last saw (`If-Match`, a form's version field).
    pub if_match: Option<u64>,
    /// The client's idempotency key, within [`MAX_KEY_LEN`].
    pub idempotency_key: Option<String>,
}

/// An id from a path: one that is not a UUID names nothing, so it is not found (never a
/// 400 that would tell a well-formed id from another), in both adapters.
pub fn path_id(raw: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

/// An idempotency key as sent: 1 to [`MAX_KEY_LEN`] characters, else malformed (400), by
/// the API and the web app alike.
pub fn idempotency_key(raw: &str) -> Result<String, AppError> {
    if !raw.is_empty() && raw.len() <= MAX_KEY_LEN {
        Ok(raw.to_owned())
    } else {
        Err(AppError::Malformed(
            "Idempotency-Key must be 1 to 255 visible characters".into(),
        ))
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
    use super::{AppError, MAX_KEY_LEN, idempotency_key, path_id, without_values};

    #[test]
    fn one_key_limit_refuses_an_empty_or_over_long_key_as_malformed() {
        assert_eq!(idempotency_key("k").unwrap(), "k");
        let longest = "k".repeat(MAX_KEY_LEN);
        assert_eq!(idempotency_key(&longest).unwrap(), longest);
        for bad in [String::new(), "k".repeat(MAX_KEY_LEN + 1)] {
            assert!(matches!(idempotency_key(&bad), Err(AppError::Malformed(_))));
        }
    }

    #[test]
    fn an_id_that_does_not_parse_is_not_found() {
        assert!(path_id("00000000-0000-0000-0000-000000000009").is_ok());
        for bad in ["", "9", "../x", "00000000-0000-0000-0000-00000000000g"] {
            assert!(matches!(path_id(bad), Err(AppError::NotFound)), "{bad}");
        }
    }

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
