//! Stream identifiers: `case-<uuid>`, `area-<code>`, `address-<uuid>`, `user-<uuid>`,
//! `access-<yyyy-mm>`, `held-<uuid>`, `held-index`. A stream id is cleartext in the store, so it must never carry personal
//! data: only a kind prefix and a random or coded identifier.

use std::fmt;

use crate::domain::ids::{AreaCode, CaseId, TrustedAddressId, UserId};

/// A validated stream id: lowercase ASCII letters, digits and `-`, 3..=100 bytes, with a
/// kind prefix before the first `-`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamId(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid stream id (lowercase letters, digits and '-', 3 to 100 bytes, kind prefix)")]
pub struct InvalidStreamId;

impl StreamId {
    pub const MAX_LEN: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, InvalidStreamId> {
        if Self::is_valid(raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidStreamId)
        }
    }

    /// Whether [`StreamId::parse`] accepts `raw` (without making a `StreamId`).
    ///
    /// Every record read back is checked with it, so it looks at each byte once without
    /// branching (which the compiler turns into vector instructions).
    pub fn is_valid(raw: &str) -> bool {
        let bytes = raw.as_bytes();
        let allowed = bytes.iter().fold(true, |ok, &b| {
            ok & (b.is_ascii_lowercase() | b.is_ascii_digit() | (b == b'-'))
        });
        let kind_end = bytes.iter().position(|&b| b == b'-');
        (3..=Self::MAX_LEN).contains(&bytes.len())
            && allowed
            && kind_end.is_some_and(|dash| dash > 0 && dash + 1 < bytes.len())
    }

    /// `kind-<id>`, e.g. `StreamId::of("case", &uuid)`.
    pub fn of(kind: &str, id: &dyn fmt::Display) -> Result<Self, InvalidStreamId> {
        Self::parse(&format!("{kind}-{id}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the first `-`: `case`, `user`, ...
    pub fn kind(&self) -> &str {
        self.0
            .split_once('-')
            .map_or(self.0.as_str(), |(kind, _)| kind)
    }

    /// The UUID of a `kind-<uuid>` stream (a case's, an address's, a user's); `None` if the
    /// stream is of another kind or its id is not a UUID.
    pub fn uuid_of(&self, kind: &str) -> Option<uuid::Uuid> {
        self.0
            .strip_prefix(kind)?
            .strip_prefix('-')
            .and_then(|raw| uuid::Uuid::parse_str(raw).ok())
    }
}

/// The stream of each kind of domain object. Kinds are the prefixes `tincay verify` uses to
/// choose a decoder.
impl StreamId {
    pub fn case(id: &CaseId) -> Self {
        Self(format!("case-{}", id.as_uuid()))
    }
    pub fn user(id: &UserId) -> Self {
        Self(format!("user-{}", id.as_uuid()))
    }
    pub fn trusted_address(id: &TrustedAddressId) -> Self {
        Self(format!("address-{}", id.as_uuid()))
    }
    pub fn area(code: &AreaCode) -> Self {
        Self(format!("area-{}", code.as_str()))
    }
    /// The access log of one case.
    pub fn case_access(id: &CaseId) -> Self {
        Self(format!("access-{}", id.as_uuid()))
    }
    /// One held record of the offline outbox (its own data key: see `domain::held`).
    pub fn held(id: &uuid::Uuid) -> Self {
        Self(format!("held-{id}"))
    }
    /// The list of every held record and where it belongs.
    pub fn held_index() -> Self {
        Self("held-index".to_owned())
    }
    /// The access log entries that concern no case (logins), by month.
    pub fn access_month(year: i32, month: u8) -> Self {
        Self(format!("access-{year:04}-{month:02}"))
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StreamId({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uuid_of_a_kind_is_read_only_from_a_stream_of_that_kind() {
        let uuid = uuid::Uuid::from_u128(7);
        let case = StreamId::of("case", &uuid).unwrap();
        assert_eq!(case.uuid_of("case"), Some(uuid));
        assert_eq!(case.uuid_of("address"), None);
        assert_eq!(case.uuid_of("cas"), None, "a kind is a whole prefix");
        assert_eq!(StreamId::parse("case-7").unwrap().uuid_of("case"), None);
        assert_eq!(StreamId::parse("area-23284").unwrap().uuid_of("area"), None);
    }

    #[test]
    fn accepts_kind_and_id() {
        let id = StreamId::parse("case-0b7e6a2c-1d1f-4c1e-9f0e-1a2b3c4d5e6f").unwrap();
        assert_eq!(id.kind(), "case");
    }

    #[test]
    fn rejects_uppercase_spaces_missing_kind_and_overlong() {
        for raw in ["Case-1", "case 1", "-1", "case-", "case", &"a-".repeat(60)] {
            assert_eq!(StreamId::parse(raw), Err(InvalidStreamId), "{raw}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_branch_free_check_agrees_with_the_rule_as_written(raw in "[a-c0-9-]{0,6}|[a-c0-9-]{95,105}|[a-c0-9A_ -]{0,110}") {
            let as_written = (3..=StreamId::MAX_LEN).contains(&raw.len())
                && raw
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && raw
                    .split_once('-')
                    .is_some_and(|(kind, rest)| !kind.is_empty() && !rest.is_empty());
            proptest::prop_assert_eq!(StreamId::is_valid(&raw), as_written);
        }
    }
}
