//! The event codec: the boundary between typed domain events and the bytes the store
//! encrypts. An event is written as `(event_type, schema_version, facts JSON, pii JSON)`;
//! reading accepts every catalogued version and upcasts old ones to the newest in
//! [`upcast`](crate::domain::case::upcast) before deserializing, so the rest of the code only
//! ever sees current types.

use std::fmt;

/// An event ready to be sealed: its stable type name, its schema version, and the JSON of
/// its two parts. `pii` is `None` for event types without personal data.
pub struct EncodedEvent {
    /// Stable snake_case name, e.g. `case_opened`. Carries no personal data.
    pub event_type: &'static str,
    /// The schema version this writer produces (always the newest).
    pub schema_version: u32,
    /// JSON of the coded, non-identifying part.
    pub facts: Vec<u8>,
    /// JSON of the personal part, if the type has one.
    pub pii: Option<Vec<u8>>,
}

impl fmt::Debug for EncodedEvent {
    // The pii bytes are personal data: never print them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncodedEvent")
            .field("event_type", &self.event_type)
            .field("schema_version", &self.schema_version)
            .field("facts_len", &self.facts.len())
            .field("has_pii", &self.pii.is_some())
            .finish()
    }
}

/// What the store hands back for decoding.
#[derive(Clone, Copy)]
pub struct StoredEvent<'a> {
    pub event_type: &'a str,
    pub schema_version: u32,
    pub facts: &'a [u8],
    pub pii: PiiState<'a>,
}

impl fmt::Debug for StoredEvent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredEvent")
            .field("event_type", &self.event_type)
            .field("schema_version", &self.schema_version)
            .finish_non_exhaustive()
    }
}

/// The personal part of a stored event, as far as the reader can see it.
#[derive(Clone, Copy)]
pub enum PiiState<'a> {
    /// The event type has no personal part.
    Absent,
    /// Decrypted JSON.
    Present(&'a [u8]),
    /// The stream's data key was destroyed (erasure): the personal part is gone for good.
    Erased,
}

impl fmt::Debug for PiiState<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PiiState::Absent => "Absent",
            PiiState::Present(_) => "Present(<redacted>)",
            PiiState::Erased => "Erased",
        })
    }
}

/// Why stored bytes could not become a domain event. Never contains payload bytes.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown event type {event_type:?}")]
    UnknownType { event_type: String },
    #[error("event type {event_type} has no schema version {version}")]
    UnknownVersion { event_type: String, version: u32 },
    #[error("the {part} part of {event_type} v{version} does not match its schema: {reason}")]
    Malformed {
        event_type: String,
        version: u32,
        part: &'static str,
        /// serde's message with line/column only; it never quotes input.
        reason: String,
    },
    #[error("event type {event_type} must have a personal part")]
    MissingPii { event_type: String },
}

/// A family of events that share a stream kind (case events, registry events).
pub trait EventCodec: Sized {
    /// Every `(event_type, schema_version)` this code can *write*. The catalogue test checks
    /// each is in `events/catalog.toml` with a schema and an example.
    const WRITES: &'static [(&'static str, u32)];
    /// Every `(event_type, schema_version)` this code can *read* (writes plus old versions).
    const READS: &'static [(&'static str, u32)];

    fn encode(&self) -> Result<EncodedEvent, serde_json::Error>;
    fn decode(stored: StoredEvent<'_>) -> Result<Self, DecodeError>;
}

/// serde's error message without the input: serde_json messages quote field *names* and
/// expected types, never values, but strip anything after a colon-quoted fragment to be sure.
pub fn describe_json_error(error: &serde_json::Error) -> String {
    format!(
        "{:?} error at line {} column {}",
        error.classify(),
        error.line(),
        error.column()
    )
}
