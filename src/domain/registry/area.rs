//! Administrative areas: `area_defined` and `area_retired`, no personal data. Areas are data,
//! not code: the registry keeps each unit's code, level, parent and validity, and which unit
//! succeeded it, so a case recorded in a commune that has since merged still counts, and a
//! report can be given in today's units.

use crate::domain::bounds::FieldCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;

use super::{RegistryRejection, required_text};
use crate::domain::calendar::IsoDate;
use crate::domain::catalogue::{Catalogued, event_schema};
use crate::domain::codec::{DecodeError, EncodedEvent, EventCodec, StoredEvent};
use crate::domain::ids::AreaCode;
use crate::domain::parts;
use crate::domain::vocab::AreaLevel;

const AREA_DEFINED: (&str, u32) = ("area_defined", 1);
const AREA_RETIRED: (&str, u32) = ("area_retired", 1);

/// `area_defined` v1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaDefinedFacts {
    pub code: AreaCode,
    /// The official name, e.g. "Xã Đăk Hà".
    pub name: String,
    pub level: AreaLevel,
    /// The unit it belongs to; none for a province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<AreaCode>,
    #[serde(with = "IsoDate")]
    pub valid_from: Date,
}

/// `area_retired` v1: the unit ceased to exist, e.g. merged into `successor`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaRetiredFacts {
    /// The last day it existed.
    #[serde(with = "IsoDate")]
    pub valid_to: Date,
    /// The unit that took over its territory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<AreaCode>,
}

/// An event of an area stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AreaEvent {
    AreaDefined(AreaDefinedFacts),
    AreaRetired(AreaRetiredFacts),
}

impl EventCodec for AreaEvent {
    const WRITES: &'static [(&'static str, u32)] = &[AREA_DEFINED, AREA_RETIRED];
    const READS: &'static [(&'static str, u32)] = Self::WRITES;

    fn encode(&self) -> Result<EncodedEvent, serde_json::Error> {
        match self {
            Self::AreaDefined(facts) => parts::encode_facts(AREA_DEFINED, facts),
            Self::AreaRetired(facts) => parts::encode_facts(AREA_RETIRED, facts),
        }
    }

    fn decode(stored: StoredEvent<'_>) -> Result<Self, DecodeError> {
        let current = parts::current_type(&stored, Self::READS, Self::WRITES)?;
        parts::no_pii(&stored)?;
        match current {
            AREA_DEFINED => parts::facts(&stored, stored.facts).map(Self::AreaDefined),
            AREA_RETIRED => parts::facts(&stored, stored.facts).map(Self::AreaRetired),
            _ => Err(parts::unknown_type(&stored)),
        }
    }
}

impl Catalogued for AreaEvent {
    const STREAM: &'static str = "area";

    fn schema(event_type: &str, version: u32) -> Option<Value> {
        let schema = match (event_type, version) {
            AREA_DEFINED => event_schema::<AreaDefinedFacts, ()>,
            AREA_RETIRED => event_schema::<AreaRetiredFacts, ()>,
            _ => return None,
        };
        Some(schema(event_type, version))
    }
}

/// What an admin asks of an area.
#[derive(Clone, Debug)]
pub enum AreaCommand {
    Define(AreaDefinedFacts),
    Retire(AreaRetiredFacts),
}

/// The state of one area stream.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AreaState {
    pub version: u64,
    /// `None` until defined.
    pub defined: Option<AreaDefinedFacts>,
    pub retired: Option<AreaRetiredFacts>,
}

impl AreaState {
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a AreaEvent>) -> Self {
        let mut state = Self::default();
        events.into_iter().for_each(|event| state.apply(event));
        state
    }

    pub fn apply(&mut self, event: &AreaEvent) {
        self.version += 1;
        match event {
            AreaEvent::AreaDefined(facts) => self.defined = Some(facts.clone()),
            AreaEvent::AreaRetired(facts) => self.retired = Some(facts.clone()),
        }
    }
}

/// Decides what an area command records. Validity dates may lie ahead: reforms are announced
/// before they take effect.
pub fn decide(
    state: &AreaState,
    command: AreaCommand,
) -> Result<Vec<AreaEvent>, RegistryRejection> {
    match command {
        AreaCommand::Define(facts) => {
            if state.defined.is_some() {
                return Err(RegistryRejection::AlreadyExists("area"));
            }
            required_text(&facts.name, "name")?;
            check_code_and_parent(&facts)?;
            Ok(vec![AreaEvent::AreaDefined(facts)])
        }
        AreaCommand::Retire(facts) => {
            let defined = state
                .defined
                .as_ref()
                .ok_or(RegistryRejection::NotFound("area"))?;
            if state.retired.is_some() {
                return Err(RegistryRejection::AreaAlreadyRetired);
            }
            if facts.valid_to < defined.valid_from {
                return Err(RegistryRejection::Invalid {
                    field: "valid_to",
                    code: FieldCode::Inconsistent,
                    reason: "is before valid_from",
                });
            }
            if facts.successor.as_ref() == Some(&defined.code) {
                return Err(RegistryRejection::Invalid {
                    field: "successor",
                    code: FieldCode::Inconsistent,
                    reason: "an area cannot succeed itself",
                });
            }
            Ok(vec![AreaEvent::AreaRetired(facts)])
        }
    }
}

/// The digits of a code at `level`: 2 for a province, 3 for a district, 5 for a commune.
pub fn code_digits(level: AreaLevel) -> usize {
    match level {
        AreaLevel::Province => 2,
        AreaLevel::District => 3,
        AreaLevel::Commune => 5,
    }
}

/// Codes have [`code_digits`]; every level but a province has a parent, whose code is
/// shorter (a higher level).
fn check_code_and_parent(facts: &AreaDefinedFacts) -> Result<(), RegistryRejection> {
    let digits = code_digits(facts.level);
    if facts.code.as_str().len() != digits {
        return Err(RegistryRejection::Invalid {
            field: "code",
            code: FieldCode::Inconsistent,
            reason: "has the wrong length for its level",
        });
    }
    match (&facts.parent, facts.level) {
        (None, AreaLevel::Province) => Ok(()),
        (Some(_), AreaLevel::Province) => Err(RegistryRejection::Invalid {
            field: "parent",
            code: FieldCode::NotUsed,
            reason: "a province has none",
        }),
        (None, _) => Err(RegistryRejection::Invalid {
            field: "parent",
            code: FieldCode::Required,
            reason: "is required below a province",
        }),
        (Some(parent), _) if parent.as_str().len() >= digits => Err(RegistryRejection::Invalid {
            field: "parent",
            code: FieldCode::WrongLevel,
            reason: "must be a higher level",
        }),
        (Some(_), _) => Ok(()),
    }
}
