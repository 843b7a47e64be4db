//! Upcasting of user events: the one place where old versions of user events become the
//! current ones, as [`crate::domain::case::upcast`] does for cases.
//!
//! | type | old version | change to the next |
//! |---|---|---|
//! | `user_created` | v1 | the personal part gained an optional `full_name` (absent in v1: `None`) |
//!
//! Adding a version: keep the old struct here (its schema stays in the catalogue), write its
//! conversion to the next version, and add a row above.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::user::UserCreatedPii;
use crate::domain::codec::{DecodeError, StoredEvent};
use crate::domain::parts;

/// The first version of `user_created`.
pub const USER_CREATED_V1: (&str, u32) = ("user_created", 1);

/// `user_created` v1 personal part.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
// Named in its schema as it was when v1 was current: the published schema does not change.
#[schemars(rename = "UserCreatedPii")]
pub struct UserCreatedPiiV1 {
    pub username: String,
    /// A PHC string (Argon2id), never the password.
    pub password_hash: String,
}

redacted_debug!(UserCreatedPiiV1);

impl From<UserCreatedPiiV1> for UserCreatedPii {
    fn from(v1: UserCreatedPiiV1) -> Self {
        Self {
            username: v1.username,
            password_hash: v1.password_hash,
            full_name: None,
        }
    }
}

/// The personal part of a stored `user_created` in the current version: `None` if it was
/// erased. A v1 part is read as v1 (so a field v1 never had is still refused), then
/// converted.
pub fn created_pii(stored: &StoredEvent<'_>) -> Result<Option<UserCreatedPii>, DecodeError> {
    if (stored.event_type, stored.schema_version) == USER_CREATED_V1 {
        let v1: Option<UserCreatedPiiV1> = parts::pii(stored)?;
        return Ok(v1.map(UserCreatedPii::from));
    }
    parts::pii(stored)
}

#[cfg(test)]
mod tests {
    use crate::domain::codec::{EventCodec, PiiState, StoredEvent};
    use crate::domain::registry::user::UserEvent;

    const V1_EXAMPLE: &str =
        include_str!("../../../events/user/user_created/examples/v1-volunteer.json");

    fn decode(version: u32, facts: &[u8], pii: &[u8]) -> Result<UserEvent, String> {
        UserEvent::decode(StoredEvent {
            event_type: "user_created",
            schema_version: version,
            facts,
            pii: PiiState::Present(pii),
        })
        .map_err(|error| error.to_string())
    }

    #[test]
    fn a_v1_user_created_reads_as_v2_without_a_full_name() {
        let example: serde_json::Value = serde_json::from_str(V1_EXAMPLE).unwrap();
        let facts = serde_json::to_vec(&example["facts"]).unwrap();
        let pii = serde_json::to_vec(&example["pii"]).unwrap();
        let UserEvent::Created { pii, .. } = decode(1, &facts, &pii).unwrap() else {
            panic!("not a user_created");
        };
        let pii = pii.unwrap();
        assert_eq!(pii.username, "ylan");
        assert_eq!(pii.full_name, None);
    }

    #[test]
    fn a_v1_user_created_with_a_full_name_is_malformed() {
        let facts = br#"{"role":"admin"}"#;
        let pii = br#"{"username":"a","password_hash":"h","full_name":"X"}"#;
        let error = decode(1, facts, pii).unwrap_err();
        assert!(error.contains("pii part of user_created v1"), "{error}");
        assert!(decode(2, facts, pii).is_ok());
    }
}
