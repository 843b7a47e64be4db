//! Upcasting: the one place where old versions of case events become the current ones.
//! Decoding goes `(type, version)` → [`to_current`] → deserialize as the current type, so the
//! rest of the code only ever sees current types.
//!
//! | type | old version | change to the next |
//! |---|---|---|
//! | `case_opened` | v1 | a single `violence_type` became the list `violence_types`, and the derived `gbvims_type` was added |
//!
//! Adding a version: keep the old facts struct here (its schema stays in the catalogue), write
//! its conversion to the next version, and add a row above.
//!
//! [`install_test_upcaster`] is a **tests only** hook: it stands for the upcaster a new binary
//! would ship to read a form this one cannot, so a test can show a case stream set aside
//! (an event it cannot decode) coming back after `tincay rebuild`, in one process.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{PoisonError, RwLock};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::events::TypeVersion;
use super::facts::{CaseOpenedFacts, Consent};
use crate::domain::calendar::YearMonth;
use crate::domain::codec::{DecodeError, StoredEvent};
use crate::domain::ids::{AreaCode, TrustedAddressId};
use crate::domain::parts;
use crate::domain::vocab::{
    AgeBand, Ethnicity, Perpetrator, ReferredBy, RiskLevel, Sex, ViolenceType,
};

/// The first version of `case_opened`.
pub const CASE_OPENED_V1: TypeVersion = ("case_opened", 1);

/// `case_opened` v1 facts: one violence type per case, no GBVIMS type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseOpenedFactsV1 {
    pub trusted_address: TrustedAddressId,
    pub commune: AreaCode,
    pub month: YearMonth,
    pub referred_by: ReferredBy,
    pub sex: Sex,
    pub age_band: AgeBand,
    pub ethnicity: Ethnicity,
    pub disability: bool,
    /// The single form of violence recorded.
    pub violence_type: ViolenceType,
    pub perpetrator: Perpetrator,
    pub risk_level: RiskLevel,
    pub consent: Consent,
    pub record_key: u32,
}

impl From<CaseOpenedFactsV1> for CaseOpenedFacts {
    fn from(v1: CaseOpenedFactsV1) -> Self {
        Self {
            trusted_address: v1.trusted_address,
            commune: v1.commune,
            month: v1.month,
            referred_by: v1.referred_by,
            sex: v1.sex,
            age_band: v1.age_band,
            ethnicity: v1.ethnicity,
            disability: v1.disability,
            violence_types: vec![v1.violence_type],
            gbvims_type: v1.violence_type.gbvims(),
            perpetrator: v1.perpetrator,
            risk_level: v1.risk_level,
            consent: v1.consent,
            record_key: v1.record_key,
        }
    }
}

/// The facts JSON of `stored` in its type's current version: borrowed as is when already
/// current, converted otherwise. The personal part has not changed shape in any version.
pub fn to_current<'a>(stored: &StoredEvent<'a>) -> Result<Cow<'a, [u8]>, DecodeError> {
    match (stored.event_type, stored.schema_version) {
        CASE_OPENED_V1 => {
            let v1: CaseOpenedFactsV1 = parts::facts(stored, stored.facts)?;
            let current = CaseOpenedFacts::from(v1);
            serde_json::to_vec(&current)
                .map(Cow::Owned)
                .map_err(|error| parts::malformed(stored, "facts", &error))
        }
        _ => Ok(Cow::Borrowed(stored.facts)),
    }
}

/// A test upcaster: the facts of an unreadable form, as the current version's facts JSON.
pub type TestUpcaster = fn(&[u8]) -> Option<Vec<u8>>;

/// The test upcasters installed, by `(type, version)`. Empty in tincay itself.
static TEST_UPCASTERS: RwLock<Vec<(&'static str, u32, TestUpcaster)>> = RwLock::new(Vec::new());

/// Whether any test upcaster was ever installed: every case event's decode (replay, the
/// writer's round trip, a request) asks, and in tincay itself the answer is always no, so it
/// is one relaxed load rather than a shared lock.
static ANY_TEST_UPCASTER: AtomicBool = AtomicBool::new(false);

/// **Tests only.** From now on, in this process, events of `event_type` at `version` (a
/// version no code here reads) are read by `upcast` into the type's current version, as a
/// new binary's upcaster would. Never used by tincay itself.
#[doc(hidden)]
pub fn install_test_upcaster(event_type: &'static str, version: u32, upcast: TestUpcaster) {
    TEST_UPCASTERS
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .push((event_type, version, upcast));
    ANY_TEST_UPCASTER.store(true, Ordering::Release);
}

/// The installed test upcaster for `stored`'s type and version, if any.
pub fn test_upcaster(stored: &StoredEvent<'_>) -> Option<TestUpcaster> {
    if !ANY_TEST_UPCASTER.load(Ordering::Acquire) {
        return None;
    }
    let installed = TEST_UPCASTERS
        .read()
        .unwrap_or_else(PoisonError::into_inner);
    installed
        .iter()
        .find(|(event_type, version, _)| {
            *event_type == stored.event_type && *version == stored.schema_version
        })
        .map(|(_, _, upcast)| *upcast)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::CaseEvent;
    use crate::domain::codec::{EventCodec, PiiState};
    use crate::domain::vocab::GbvimsType;

    const V1_EXAMPLE: &str =
        include_str!("../../../events/case/case_opened/examples/v1-single-violence-type.json");

    #[test]
    fn a_v1_case_opened_reads_as_v2_with_a_list_and_a_gbvims_type() {
        let example: serde_json::Value = serde_json::from_str(V1_EXAMPLE).unwrap();
        let facts = serde_json::to_vec(&example["facts"]).unwrap();
        let pii = serde_json::to_vec(&example["pii"]).unwrap();
        let event = CaseEvent::decode(StoredEvent {
            event_type: "case_opened",
            schema_version: 1,
            facts: &facts,
            pii: PiiState::Present(&pii),
        })
        .unwrap();
        let CaseEvent::CaseOpened { facts, pii } = event else {
            panic!("not a case_opened: {event:?}");
        };
        assert_eq!(facts.violence_types, vec![ViolenceType::Physical]);
        assert_eq!(facts.gbvims_type, GbvimsType::PhysicalAssault);
        assert!(pii.is_some());
    }

    #[test]
    fn a_v1_case_opened_with_an_unknown_field_is_malformed() {
        let facts = br#"{"violence_types": ["physical"]}"#;
        let error = CaseEvent::decode(StoredEvent {
            event_type: "case_opened",
            schema_version: 1,
            facts,
            pii: PiiState::Erased,
        })
        .unwrap_err();
        assert!(
            matches!(
                error,
                DecodeError::Malformed {
                    version: 1,
                    part: "facts",
                    ..
                }
            ),
            "{error}"
        );
    }
}
