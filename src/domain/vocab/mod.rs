//! The closed vocabularies: every code list the API accepts and the events store, each with
//! its stable codes (the contract in `API.md`) and Vietnamese and English labels.
//!
//! Every list is a Rust type, so a value outside the list cannot exist past parsing. Codes are
//! written into stored events: never rename or remove one; add new codes only with a new
//! event version if old readers could not accept them.
//!
//! - [`code_list!`](code_list) defines an enum list: codes, labels, serde as the code string,
//!   JSON Schema as a string enum.
//! - [`lists`]: the plain lists (referral source, perpetrator, support, outcomes, roles…).
//! - [`violence`]: the forms of domestic violence of Law 13/2022/QH15 and the derived GBVIMS
//!   core type.
//! - [`age`]: GBVIMS age bands, derived from a year of birth.
//! - [`ethnicity`]: the 54 ethnic groups with the General Statistics Office's codes.

#[macro_use]
mod code_list;

pub mod age;
pub mod ethnicity;
pub mod lists;
pub mod violence;

#[cfg(test)]
mod tests;

use std::borrow::Cow;

use schemars::Schema;
use serde::{Deserialize, Deserializer, Serialize, de};

pub use age::AgeBand;
pub use ethnicity::Ethnicity;
pub use lists::{
    AccessAction, AccountAction, ApprovalReason, AreaLevel, CloseReason, ErasureReason,
    FollowUpMethod, FollowUpOutcome, Perpetrator, ReferralOutcome, ReferralTarget, ReferredBy,
    ReviewDecision, RiskLevel, Role, Sex, SupportType,
};
pub use violence::{GbvimsType, ViolenceType, gbvims_type};

/// The language of a label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    Vi,
    En,
}

/// What every code list offers, so `GET /vocabularies` and tests can walk them all alike.
pub trait Vocabulary: Copy + Eq + Ord + std::fmt::Debug + 'static {
    /// The list's name in the API (`violence_types`, `referred_by`, …).
    const NAME: &'static str;
    /// Every value, in the list's order.
    fn all() -> impl Iterator<Item = Self>;
    /// The stable code.
    fn code(self) -> &'static str;
    /// The human label.
    fn label(self, lang: Lang) -> &'static str;
}

/// Reads a code string into a list value; the error names the accepted codes.
fn deserialize_code<'de, D, T>(
    deserializer: D,
    parse: fn(&str) -> Option<T>,
    codes: &'static [&'static str],
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let text = Cow::<str>::deserialize(deserializer)?;
    parse(&text).ok_or_else(|| de::Error::unknown_variant(&text, codes))
}

/// The schema of a code list: a string that is one of `codes`.
fn code_schema(codes: &[&str]) -> Schema {
    crate::domain::catalogue::string_schema(&[("enum", codes.into())])
}
