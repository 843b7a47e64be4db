//! Small-cell suppression, the protection both modes share: the threshold [`K`], what a
//! published number looks like ([`Published`]), and the primary rule — a cell or total to
//! which 0..k−1 *distinct cases* contribute is suppressed, whatever the measure counts (six
//! support events for one woman are still one woman). An empty cell is published exactly
//! like a small one, so which cells exist tells nothing. Sums (shelter nights) follow the
//! same rule; in perturbed mode they get the magnitude noise of [`super::magnitude`].

use serde::ser::{Serialize, SerializeMap, Serializer};

/// The suppression threshold: a number to which fewer than `k` distinct cases contribute is
/// never published. The deployment's, never a query parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct K(u32);

/// Why a number is not a valid [`K`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("k must be at least {min}, got {got}", min = K::MIN.0)]
pub struct KTooSmall {
    pub got: u32,
}

impl K {
    /// Below 3, a cell of two could be one woman and someone who knows her.
    pub const MIN: Self = Self(3);
    pub const DEFAULT: Self = Self(5);

    pub const fn new(k: u32) -> Result<Self, KTooSmall> {
        if k < Self::MIN.0 {
            Err(KTooSmall { got: k })
        } else {
            Ok(Self(k))
        }
    }

    pub const fn get(self) -> u32 {
        self.0
    }

    /// `k` as a count, for comparisons with counts.
    pub fn count(self) -> u64 {
        u64::from(self.0)
    }

    /// Whether a number with this many distinct contributing cases is suppressed: 0..k−1
    /// (an empty cell looks exactly like a small one).
    pub fn suppresses(self, distinct_cases: u64) -> bool {
        distinct_cases < self.count()
    }
}

impl Default for K {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Why a number was withheld. Never sent: telling a reader which suppressions are primary
/// would tell her which cells hold 0..k−1 cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suppression {
    /// 0..k−1 distinct cases contribute.
    TooFewCases,
    /// Withheld so that another suppressed number cannot be derived from the ones shown
    /// (exact mode only).
    Complementary,
}

/// One number as a response publishes it. Serializes as `{"count": 12}` or
/// `{"count": null, "suppressed": true}`, so a cell's coordinates can be flattened beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Published {
    Count(u64),
    Suppressed(Suppression),
}

impl Published {
    pub fn count(self) -> Option<u64> {
        match self {
            Self::Count(count) => Some(count),
            Self::Suppressed(_) => None,
        }
    }

    pub fn is_suppressed(self) -> bool {
        matches!(self, Self::Suppressed(_))
    }
}

impl Serialize for Published {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Count(count) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("count", count)?;
                map.end()
            }
            Self::Suppressed(_) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("count", &None::<u64>)?;
                map.serialize_entry("suppressed", &true)?;
                map.end()
            }
        }
    }
}

/// The nearest multiple of 5 (remainders 0–2 round down, 3–4 up; an integer is never
/// halfway).
pub fn round_to_five(value: u64) -> u64 {
    let down = value - value % 5;
    if value % 5 >= 3 {
        down.saturating_add(5)
    } else {
        down
    }
}
