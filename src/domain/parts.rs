//! The two parts of an event, shared by every codec: turning typed facts and pii into the
//! JSON an [`EncodedEvent`] carries, and back, with errors that never quote the payload.
//!
//! A personal part can be missing on read for one reason only: the stream was erased (its
//! data key destroyed). Event types that carry personal data therefore decode it as an
//! `Option`, `None` meaning erased.

use serde::{Serialize, de::DeserializeOwned};

use crate::domain::codec::{DecodeError, EncodedEvent, PiiState, StoredEvent, describe_json_error};

/// Encodes an event of a type without a personal part.
pub fn encode_facts<F: Serialize>(
    (event_type, schema_version): (&'static str, u32),
    facts: &F,
) -> Result<EncodedEvent, serde_json::Error> {
    Ok(EncodedEvent {
        event_type,
        schema_version,
        facts: serde_json::to_vec(facts)?,
        pii: None,
    })
}

/// Encodes an event of a type with a personal part. An event read back after erasure (`pii`
/// is `None`) cannot be written again.
pub fn encode_with_pii<F: Serialize, P: Serialize>(
    type_version: (&'static str, u32),
    facts: &F,
    pii: &Option<P>,
) -> Result<EncodedEvent, serde_json::Error> {
    let pii = pii.as_ref().ok_or_else(|| {
        serde::ser::Error::custom(format!(
            "{}: the personal part was erased and cannot be written",
            type_version.0
        ))
    })?;
    let mut encoded = encode_facts(type_version, facts)?;
    encoded.pii = Some(serde_json::to_vec(pii)?);
    Ok(encoded)
}

/// Deserializes the facts (already brought to the current version).
pub fn facts<T: DeserializeOwned>(
    stored: &StoredEvent<'_>,
    facts: &[u8],
) -> Result<T, DecodeError> {
    serde_json::from_slice(facts).map_err(|error| malformed(stored, "facts", &error))
}

/// Deserializes the personal part of a type that has one: `None` if it was erased.
pub fn pii<T: DeserializeOwned>(stored: &StoredEvent<'_>) -> Result<Option<T>, DecodeError> {
    match stored.pii {
        PiiState::Present(bytes) => serde_json::from_slice(bytes)
            .map(Some)
            .map_err(|error| malformed(stored, "pii", &error)),
        PiiState::Erased => Ok(None),
        PiiState::Absent => Err(DecodeError::MissingPii {
            event_type: stored.event_type.to_owned(),
        }),
    }
}

/// Checks that a type without a personal part was stored without one.
pub fn no_pii(stored: &StoredEvent<'_>) -> Result<(), DecodeError> {
    match stored.pii {
        PiiState::Absent | PiiState::Erased => Ok(()),
        PiiState::Present(_) => Err(DecodeError::Malformed {
            event_type: stored.event_type.to_owned(),
            version: stored.schema_version,
            part: "pii",
            reason: "this event type has no personal part".to_owned(),
        }),
    }
}

/// The current `(type, version)` of a stored event's type, after checking that its own
/// version is one of `reads`; names which half is unknown otherwise.
pub fn current_type(
    stored: &StoredEvent<'_>,
    reads: &[(&'static str, u32)],
    writes: &[(&'static str, u32)],
) -> Result<(&'static str, u32), DecodeError> {
    let current = writes
        .iter()
        .find(|(event_type, _)| *event_type == stored.event_type);
    match current {
        Some(&current) if reads.contains(&(stored.event_type, stored.schema_version)) => {
            Ok(current)
        }
        Some(_) => Err(DecodeError::UnknownVersion {
            event_type: stored.event_type.to_owned(),
            version: stored.schema_version,
        }),
        None => Err(unknown_type(stored)),
    }
}

/// A [`DecodeError::UnknownType`] for `stored`.
pub fn unknown_type(stored: &StoredEvent<'_>) -> DecodeError {
    DecodeError::UnknownType {
        event_type: stored.event_type.to_owned(),
    }
}

/// A [`DecodeError::Malformed`] for one part, described without any payload text.
pub fn malformed(
    stored: &StoredEvent<'_>,
    part: &'static str,
    error: &serde_json::Error,
) -> DecodeError {
    DecodeError::Malformed {
        event_type: stored.event_type.to_owned(),
        version: stored.schema_version,
        part,
        reason: describe_json_error(error),
    }
}
