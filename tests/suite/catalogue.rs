//! The event catalogue (`events/`) against the code: every type and version the codecs write
//! or read is catalogued with a schema and an example, every example decodes, current examples
//! re-encode to the same JSON, the checked-in schemas are what the Rust types generate, and
//! `pii_fields` name exactly the fields of each personal part. Together these keep the stored
//! format from changing by accident.
//!
//! `TINCAY_BLESS=1 cargo test --test suite catalogue` rewrites the schema files from the types.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Value, json};
use tincay::domain::access::AccessEvent;
use tincay::domain::case::CaseEvent;
use tincay::domain::catalogue::Catalogued;
use tincay::domain::codec::{EventCodec, PiiState, StoredEvent};
use tincay::domain::held::HeldEvent;
use tincay::domain::registry::{AreaEvent, TrustedAddressEvent, UserEvent};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalogue {
    event: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    stream: String,
    #[serde(rename = "type")]
    event_type: String,
    versions: Vec<u32>,
    current: u32,
    pii_fields: Vec<String>,
}

/// One codec, seen through plain function pointers so all four can be walked alike.
struct Stream {
    name: &'static str,
    writes: &'static [(&'static str, u32)],
    reads: &'static [(&'static str, u32)],
    schema: fn(&str, u32) -> Option<Value>,
    /// Decodes an example and encodes the event again, as `{"facts", "pii"}`.
    round_trip: fn(&str, u32, &Value) -> Result<Value, String>,
}

fn stream<E: Catalogued>() -> Stream {
    Stream {
        name: E::STREAM,
        writes: E::WRITES,
        reads: E::READS,
        schema: E::schema,
        round_trip: round_trip::<E>,
    }
}

fn streams() -> [Stream; 6] {
    [
        stream::<AccessEvent>(),
        stream::<HeldEvent>(),
        stream::<CaseEvent>(),
        stream::<AreaEvent>(),
        stream::<TrustedAddressEvent>(),
        stream::<UserEvent>(),
    ]
}

fn round_trip<E: EventCodec>(
    event_type: &str,
    version: u32,
    example: &Value,
) -> Result<Value, String> {
    let facts = serde_json::to_vec(&example["facts"]).unwrap();
    let pii_bytes = serde_json::to_vec(&example["pii"]).unwrap();
    let pii = if example["pii"].is_null() {
        PiiState::Absent
    } else {
        PiiState::Present(&pii_bytes)
    };
    let stored = StoredEvent {
        event_type,
        schema_version: version,
        facts: &facts,
        pii,
    };
    let event = E::decode(stored).map_err(|error| format!("does not decode: {error}"))?;
    let encoded = event
        .encode()
        .map_err(|error| format!("does not encode: {error}"))?;
    let parse = |bytes: &[u8]| serde_json::from_slice::<Value>(bytes).unwrap();
    Ok(json!({
        "facts": parse(&encoded.facts),
        "pii": encoded.pii.as_deref().map_or(Value::Null, parse),
    }))
}

fn events_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("events")
}

fn catalogue() -> Catalogue {
    let text = fs::read_to_string(events_dir().join("catalog.toml")).expect("events/catalog.toml");
    toml::from_str(&text).expect("catalog.toml is malformed")
}

fn type_dir(stream: &str, event_type: &str) -> PathBuf {
    events_dir().join(stream).join(event_type)
}

fn schema_path(stream: &str, event_type: &str, version: u32) -> PathBuf {
    type_dir(stream, event_type).join(format!("v{version}.schema.json"))
}

/// The example files of one version, `examples/v<N>-<name>.json`.
fn examples(stream: &str, event_type: &str, version: u32) -> Vec<(PathBuf, Value)> {
    let prefix = format!("v{version}-");
    let Ok(dir) = fs::read_dir(type_dir(stream, event_type).join("examples")) else {
        return Vec::new();
    };
    let mut found: Vec<(PathBuf, Value)> = dir
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.starts_with(&prefix) && name.ends_with(".json")
        })
        .map(|path| {
            let text = fs::read_to_string(&path).unwrap();
            let value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, value)
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// `TINCAY_BLESS=1`: rewrite the schema files instead of comparing them.
fn blessing() -> bool {
    std::env::var("TINCAY_BLESS").is_ok_and(|value| value == "1")
}

fn pretty(schema: &Value) -> String {
    serde_json::to_string_pretty(schema).unwrap() + "\n"
}

/// Fails with every problem at once, so one run shows all that drifted.
#[track_caller]
fn assert_none(problems: Vec<String>) {
    assert!(problems.is_empty(), "\n  {}\n", problems.join("\n  "));
}

#[test]
fn every_type_and_version_the_code_writes_or_reads_is_catalogued_with_a_schema_and_an_example() {
    let catalogue = catalogue();
    let mut problems = Vec::new();
    for stream in streams() {
        for &(event_type, version) in stream.reads {
            let at = format!("{}/{event_type} v{version}", stream.name);
            let entry = catalogue
                .event
                .iter()
                .find(|e| e.stream == stream.name && e.event_type == event_type);
            let Some(entry) = entry else {
                problems.push(format!("{at}: the type is not in catalog.toml"));
                continue;
            };
            if !entry.versions.contains(&version) {
                problems.push(format!("{at} is not among its catalogued versions"));
            }
            if stream.writes.contains(&(event_type, version)) && entry.current != version {
                problems.push(format!(
                    "{at} is written but catalog.toml has current = {}",
                    entry.current
                ));
            }
            // While blessing, the schema test is writing the file.
            if !blessing() && !schema_path(stream.name, event_type, version).is_file() {
                problems.push(format!("{at} has no schema file"));
            }
            if examples(stream.name, event_type, version).is_empty() {
                problems.push(format!("{at} has no example"));
            }
        }
    }
    assert_none(problems);
}

#[test]
fn the_catalogue_lists_nothing_the_code_cannot_read() {
    let streams = streams();
    let mut problems = Vec::new();
    for entry in catalogue().event {
        let Some(stream) = streams.iter().find(|s| s.name == entry.stream) else {
            problems.push(format!(
                "catalog.toml names an unknown stream {:?}",
                entry.stream
            ));
            continue;
        };
        let at = format!("{}/{}", entry.stream, entry.event_type);
        for &version in &entry.versions {
            if !stream.reads.contains(&(entry.event_type.as_str(), version)) {
                problems.push(format!(
                    "{at} v{version} is catalogued but the code cannot read it"
                ));
            }
        }
        if !entry.versions.contains(&entry.current) {
            problems.push(format!(
                "{at}: current v{} is not among its versions",
                entry.current
            ));
        }
    }
    assert_none(problems);
}

#[test]
fn every_example_decodes_and_current_ones_encode_back_to_the_same_json() {
    let mut problems = Vec::new();
    for stream in streams() {
        for &(event_type, version) in stream.reads {
            let current = stream.writes.contains(&(event_type, version));
            for (path, example) in examples(stream.name, event_type, version) {
                let name = path
                    .strip_prefix(events_dir())
                    .unwrap()
                    .display()
                    .to_string();
                match (stream.round_trip)(event_type, version, &example) {
                    Err(problem) => problems.push(format!("{name} {problem}")),
                    Ok(again) if current && again != example => {
                        problems.push(format!("{name} encodes back differently:\n    {again}"));
                    }
                    Ok(_) => {}
                }
            }
        }
    }
    assert_none(problems);
}

#[test]
fn the_checked_in_schemas_are_what_the_rust_types_generate() {
    let bless = blessing();
    let mut problems = Vec::new();
    for stream in streams() {
        for &(event_type, version) in stream.reads {
            let generated =
                (stream.schema)(event_type, version).expect("every readable version has a schema");
            let path = schema_path(stream.name, event_type, version);
            if bless {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, pretty(&generated)).unwrap();
                continue;
            }
            let Ok(text) = fs::read_to_string(&path) else {
                problems.push(format!("{} is missing", path.display()));
                continue;
            };
            let checked_in: Value = serde_json::from_str(&text).unwrap();
            if checked_in != generated || text != pretty(&generated) {
                problems.push(format!(
                    "{} differs from the Rust types (TINCAY_BLESS=1 regenerates it)",
                    path.display()
                ));
            }
        }
    }
    assert_none(problems);
}

/// The field names of the personal part a schema describes (none for `"pii": null`).
fn pii_fields(schema: &Value) -> BTreeSet<String> {
    let pii = &schema["properties"]["pii"];
    let Some(reference) = pii["$ref"].as_str() else {
        assert_eq!(pii, &json!({"type": "null"}), "pii is a $ref or null-only");
        return BTreeSet::new();
    };
    let name = reference.strip_prefix("#/$defs/").unwrap();
    schema["$defs"][name]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

#[test]
fn catalogued_pii_fields_are_exactly_the_fields_of_each_personal_part() {
    let streams = streams();
    let mut problems = Vec::new();
    for entry in catalogue().event {
        let Some(stream) = streams.iter().find(|s| s.name == entry.stream) else {
            continue;
        };
        let Some(schema) = (stream.schema)(&entry.event_type, entry.current) else {
            continue;
        };
        let expected = pii_fields(&schema);
        let listed: BTreeSet<String> = entry.pii_fields.iter().cloned().collect();
        if listed != expected || listed.len() != entry.pii_fields.len() {
            problems.push(format!(
                "{}/{}: pii_fields should be {expected:?}",
                entry.stream, entry.event_type
            ));
        }
    }
    assert_none(problems);
}
