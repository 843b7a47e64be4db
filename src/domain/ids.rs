//! Identifiers: typed wrappers over UUIDs for cases, referrals, follow-ups, users and trusted
//! addresses, so one kind of id can never be passed where another is expected, and
//! [`AreaCode`], the administrative code of a province, district or commune.
//!
//! The domain never draws a random id: new ids arrive inside commands, made by the caller.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, de};
use uuid::Uuid;

use crate::domain::catalogue::string_schema;

macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(Serialize, Deserialize, JsonSchema)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

uuid_id!(
    /// A case: one survivor's record, one event stream (`case-<uuid>`).
    CaseId
);
uuid_id!(
    /// A referral within a case.
    ReferralId
);
uuid_id!(
    /// A scheduled follow-up within a case.
    FollowUpId
);
uuid_id!(
    /// A user account.
    UserId
);
uuid_id!(
    /// A trusted address (*địa chỉ tin cậy*).
    TrustedAddressId
);

/// The code of an administrative unit: digits only, 2 to 5 of them (provinces have 2,
/// districts 3, communes 5). Codes are data, not meaning: the area registry says which unit a
/// code names and when it was valid.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct AreaCode(String);

/// Why text is not an [`AreaCode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an area code is 2 to 5 digits")]
pub struct InvalidAreaCode;

/// An area code's form, as the OpenAPI document states it.
pub const AREA_CODE_PATTERN: &str = "^[0-9]{2,5}$";
/// A commune's code (5 digits), as the OpenAPI document states it.
pub const COMMUNE_CODE_PATTERN: &str = "^[0-9]{5}$";

impl AreaCode {
    pub fn parse(text: &str) -> Result<Self, InvalidAreaCode> {
        if (2..=5).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(text.to_owned()))
        } else {
            Err(InvalidAreaCode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AreaCode({})", self.0)
    }
}

impl<'de> Deserialize<'de> for AreaCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<str>::deserialize(deserializer)?;
        Self::parse(&text).map_err(de::Error::custom)
    }
}

impl JsonSchema for AreaCode {
    fn schema_name() -> Cow<'static, str> {
        "AreaCode".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        string_schema(&[("pattern", "^[0-9]{2,5}$".into())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_codes_are_two_to_five_digits() {
        for good in ["01", "001", "00004", "79"] {
            assert_eq!(AreaCode::parse(good).unwrap().as_str(), good);
        }
        for bad in ["", "1", "123456", "1a", " 12", "١٢"] {
            assert_eq!(AreaCode::parse(bad), Err(InvalidAreaCode), "{bad:?}");
        }
    }

    #[test]
    fn an_area_code_refuses_bad_json() {
        assert!(serde_json::from_str::<AreaCode>("\"7\"").is_err());
        let code: AreaCode = serde_json::from_str("\"26734\"").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"26734\"");
    }

    #[test]
    fn ids_serialize_as_bare_uuids() {
        let uuid = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        let id = CaseId::from_uuid(uuid);
        assert_eq!(id.as_uuid(), &uuid);
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"01234567-89ab-cdef-0123-456789abcdef\""
        );
        assert_eq!(id.to_string(), uuid.to_string());
    }
}
