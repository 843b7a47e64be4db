//! The event catalogue's schemas, generated from the Rust types: for every catalogued
//! `(event_type, version)`, a JSON Schema (draft 2020-12) of the stored pair
//! `{"facts": …, "pii": …}`. `events/` holds the checked-in copies and `tests/catalogue.rs`
//! fails when they drift from what the types say, so the stored format cannot change by
//! accident.

use schemars::{JsonSchema, Schema, generate::SchemaSettings};
use serde_json::{Map, Value, json};

use crate::domain::codec::EventCodec;

/// A codec whose event types are catalogued under `events/<STREAM>/`.
pub trait Catalogued: EventCodec {
    /// The stream kind, as named in `events/catalog.toml` (`case`, `area`, …).
    const STREAM: &'static str;

    /// The schema of one readable `(event_type, version)`; `None` for anything not in
    /// [`EventCodec::READS`].
    fn schema(event_type: &str, version: u32) -> Option<Value>;
}

/// The schema of an event whose facts are `F` and whose personal part is `P`; use `()` for
/// `P` when the type has no personal part (its `pii` is then always `null`).
pub fn event_schema<F: JsonSchema, P: JsonSchema>(event_type: &str, version: u32) -> Value {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let facts = generator.subschema_for::<F>();
    let pii = generator.subschema_for::<P>();
    let definitions = generator.take_definitions(true);
    let meta = generator.settings().meta_schema.as_deref().map(Value::from);
    let mut schema = json!({
        "$schema": meta,
        "title": format!("{event_type} v{version}"),
        "type": "object",
        "properties": { "facts": facts, "pii": pii },
        "required": ["facts", "pii"],
        "additionalProperties": false,
    });
    if let (Some(object), false) = (schema.as_object_mut(), definitions.is_empty()) {
        object.insert("$defs".into(), Value::Object(definitions));
    }
    schema
}

/// A `{"type": "string", …}` schema with the given extra keywords; for hand-written
/// [`JsonSchema`] impls of string-encoded domain types.
pub fn string_schema(keywords: &[(&str, Value)]) -> Schema {
    let mut object = Map::new();
    object.insert("type".into(), "string".into());
    for (key, value) in keywords {
        object.insert((*key).into(), value.clone());
    }
    Schema::from(object)
}
