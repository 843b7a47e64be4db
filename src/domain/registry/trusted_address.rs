//! Trusted addresses: `trusted_address_established` and `trusted_address_closed`. An address
//! is usually a villager's home, so its name is personal data, kept apart from the coded
//! commune and dates that the programme indicators count.

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

const ESTABLISHED: (&str, u32) = ("trusted_address_established", 1);
const CLOSED: (&str, u32) = ("trusted_address_closed", 1);

/// `trusted_address_established` v1 facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustedAddressEstablishedFacts {
    pub commune: AreaCode,
    #[serde(with = "IsoDate")]
    pub established_on: Date,
}

/// `trusted_address_established` v1 personal part.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustedAddressEstablishedPii {
    /// How the address is known locally, often the host's name.
    pub name: String,
}

redacted_debug!(TrustedAddressEstablishedPii);

/// `trusted_address_closed` v1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustedAddressClosedFacts {
    #[serde(with = "IsoDate")]
    pub closed_on: Date,
}

/// An event of a trusted address stream. `pii` is `None` only if its key was destroyed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrustedAddressEvent {
    Established {
        facts: TrustedAddressEstablishedFacts,
        pii: Option<TrustedAddressEstablishedPii>,
    },
    Closed {
        facts: TrustedAddressClosedFacts,
    },
}

impl EventCodec for TrustedAddressEvent {
    const WRITES: &'static [(&'static str, u32)] = &[ESTABLISHED, CLOSED];
    const READS: &'static [(&'static str, u32)] = Self::WRITES;

    fn encode(&self) -> Result<EncodedEvent, serde_json::Error> {
        match self {
            Self::Established { facts, pii } => parts::encode_with_pii(ESTABLISHED, facts, pii),
            Self::Closed { facts } => parts::encode_facts(CLOSED, facts),
        }
    }

    fn decode(stored: StoredEvent<'_>) -> Result<Self, DecodeError> {
        let s = &stored;
        match parts::current_type(s, Self::READS, Self::WRITES)? {
            ESTABLISHED => Ok(Self::Established {
                facts: parts::facts(s, s.facts)?,
                pii: parts::pii(s)?,
            }),
            CLOSED => {
                parts::no_pii(s)?;
                Ok(Self::Closed {
                    facts: parts::facts(s, s.facts)?,
                })
            }
            _ => Err(parts::unknown_type(s)),
        }
    }
}

impl Catalogued for TrustedAddressEvent {
    const STREAM: &'static str = "trusted_address";

    fn schema(event_type: &str, version: u32) -> Option<Value> {
        let schema = match (event_type, version) {
            ESTABLISHED => {
                event_schema::<TrustedAddressEstablishedFacts, TrustedAddressEstablishedPii>
            }
            CLOSED => event_schema::<TrustedAddressClosedFacts, ()>,
            _ => return None,
        };
        Some(schema(event_type, version))
    }
}

/// What an admin asks of a trusted address.
#[derive(Clone, Debug)]
pub enum TrustedAddressCommand {
    Establish {
        facts: TrustedAddressEstablishedFacts,
        pii: TrustedAddressEstablishedPii,
    },
    Close(TrustedAddressClosedFacts),
}

/// The state of one trusted address stream.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedAddressState {
    pub version: u64,
    /// `None` until established.
    pub established: Option<TrustedAddressEstablishedFacts>,
    pub closed_on: Option<Date>,
}

impl TrustedAddressState {
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a TrustedAddressEvent>) -> Self {
        let mut state = Self::default();
        events.into_iter().for_each(|event| state.apply(event));
        state
    }

    pub fn apply(&mut self, event: &TrustedAddressEvent) {
        self.version += 1;
        match event {
            TrustedAddressEvent::Established { facts, .. } => {
                self.established = Some(facts.clone())
            }
            TrustedAddressEvent::Closed { facts } => self.closed_on = Some(facts.closed_on),
        }
    }
}

/// Decides what a trusted address command records on `today`.
pub fn decide(
    state: &TrustedAddressState,
    command: TrustedAddressCommand,
    today: Date,
) -> Result<Vec<TrustedAddressEvent>, RegistryRejection> {
    match command {
        TrustedAddressCommand::Establish { facts, pii } => {
            if state.established.is_some() {
                return Err(RegistryRejection::AlreadyExists("trusted address"));
            }
            required_text(&pii.name, "name")?;
            in_the_past(facts.established_on, today, "established_on")?;
            Ok(vec![TrustedAddressEvent::Established {
                facts,
                pii: Some(pii),
            }])
        }
        TrustedAddressCommand::Close(facts) => {
            let established = state
                .established
                .as_ref()
                .ok_or(RegistryRejection::NotFound("trusted address"))?;
            if state.closed_on.is_some() {
                return Err(RegistryRejection::TrustedAddressAlreadyClosed);
            }
            in_the_past(facts.closed_on, today, "closed_on")?;
            if facts.closed_on < established.established_on {
                return Err(RegistryRejection::Invalid {
                    field: "closed_on",
                    code: FieldCode::Inconsistent,
                    reason: "is before established_on",
                });
            }
            Ok(vec![TrustedAddressEvent::Closed { facts }])
        }
    }
}

fn in_the_past(date: Date, today: Date, field: &'static str) -> Result<(), RegistryRejection> {
    if date > today {
        Err(RegistryRejection::FutureDate { field })
    } else {
        Ok(())
    }
}
