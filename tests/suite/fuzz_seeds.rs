//! The fuzz targets' seed corpus (`fuzz/corpus/<target>/`, see `fuzz/README.md`): a handful
//! of real encodings per target, each in the input layout its target's header describes,
//! written by this ignored test:
//!
//! ```text
//! cargo test --test suite fuzz_seeds -- --ignored
//! ```
//!
//! Run it again when an encoding changes; the fuzzers add what they find on top.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use time::macros::date;
use tincay::domain::access::AccessEvent;
use tincay::domain::case::CaseEvent;
use tincay::domain::codec::EventCodec;
use tincay::domain::ids::CaseId;
use tincay::domain::registry::area::AreaEvent;
use tincay::domain::registry::trusted_address::TrustedAddressEvent;
use tincay::domain::registry::user::UserEvent;
use tincay::projections::cases::CaseCursor;
use tincay::projections::runner::Projections;
use tincay::store::backup::export;
use tincay::store::engine::EventStore;
use tincay::store::record::RecordView;
use uuid::Uuid;

use crate::support::{KEY, TestLog, master, now};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Writes seeds of `target` (over those of the same name; inputs that once crashed stay).
fn seeds(target: &str, files: Vec<(String, Vec<u8>)>) {
    let dir = root().join("fuzz/corpus").join(target);
    fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in files {
        fs::write(dir.join(name), bytes).unwrap();
    }
}

#[test]
#[ignore = "writes fuzz/corpus: run by hand when an encoding changes"]
fn write_the_fuzz_seed_corpus() {
    assert_eq!(KEY, tincay::fuzzing::MASTER_KEY);
    let log = TestLog::checked();
    let data = tincay::demo::generate(now(), date!(2026 - 11 - 20), 18, 3, &|name| {
        format!("pw-{name}")
    })
    .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime
        .block_on(tincay::demo::load(&log.log, data))
        .unwrap();

    // One stored record of each event type.
    let mut types = BTreeSet::new();
    let mut records = Vec::new();
    for stored in log.store.read_from(1, usize::MAX).unwrap() {
        let event_type = RecordView::parse(&stored.bytes).unwrap().event_type;
        if types.insert(event_type.to_owned()) {
            records.push((event_type.to_owned(), stored.bytes.clone()));
        }
    }
    seeds("record_decode", records);

    seeds("event_codec", event_examples());
    seeds("case_command", command_bodies());

    // The backup, without its closing MAC frame (the target appends it).
    let mut backup = Vec::new();
    export(log.store.as_ref(), &master(), now(), &mut backup).unwrap();
    assert!(tincay::fuzzing::scan_backup(&backup).is_ok());
    backup.truncate(backup.len() - (1 + 4 + 32));
    assert!(tincay::fuzzing::scan_backup(&tincay::fuzzing::close_backup(&backup)).is_ok());
    seeds("backup_scan", vec![("demo".into(), backup)]);

    let projections = Projections::new();
    projections.catch_up(&log.log).unwrap();
    let checkpoint = tincay::fuzzing::write_checkpoint(&log.log, &projections).unwrap();
    assert!(tincay::fuzzing::read_checkpoint(&checkpoint).is_ok_and(|cases| cases > 0));
    seeds("checkpoint_read", vec![("demo".into(), checkpoint)]);

    let cursor = CaseCursor {
        opened_on: date!(2026 - 11 - 18),
        id: CaseId::from_uuid(Uuid::from_u128(0xca5e)),
    };
    let sealed = tincay::fuzzing::encode_cursor(cursor);
    assert_eq!(tincay::fuzzing::decode_cursor(&sealed), Some(cursor));
    seeds(
        "list_cursor",
        vec![
            ("sealed".into(), sealed.into_bytes()),
            (
                "plain".into(),
                format!("2026-11-18.{}", Uuid::from_u128(0xca5e)).into_bytes(),
            ),
        ],
    );

    seeds("web_form", forms());
}

/// Every example in `events/`, for the event codec target: selector (the `(type, version)`'s
/// place in the codecs' `READS`, kinds in the target's order), personal part present or
/// absent, facts JSON, `0xFF`, personal JSON.
fn event_examples() -> Vec<(String, Vec<u8>)> {
    let kinds: [(&str, &[(&str, u32)]); 5] = [
        ("case", CaseEvent::READS),
        ("area", AreaEvent::READS),
        ("trusted_address", TrustedAddressEvent::READS),
        ("user", UserEvent::READS),
        ("access", AccessEvent::READS),
    ];
    let mut files = Vec::new();
    let mut offset = 0;
    for (kind, reads) in kinds {
        for (index, (event_type, version)) in reads.iter().enumerate() {
            let dir = root()
                .join("events")
                .join(kind)
                .join(event_type)
                .join("examples");
            let mut names: Vec<_> = fs::read_dir(&dir)
                .unwrap()
                .map(|entry| entry.unwrap().file_name().into_string().unwrap())
                .filter(|name| name.starts_with(&format!("v{version}-")))
                .collect();
            names.sort();
            for name in names {
                let example: Value =
                    serde_json::from_str(&fs::read_to_string(dir.join(&name)).unwrap()).unwrap();
                let pii = example.get("pii").filter(|pii| !pii.is_null());
                let mut bytes = vec![
                    u8::try_from(offset + index).unwrap(),
                    u8::from(pii.is_some()),
                ];
                bytes.extend(serde_json::to_vec(&example["facts"]).unwrap());
                if let Some(pii) = pii {
                    bytes.push(0xff);
                    bytes.extend(serde_json::to_vec(pii).unwrap());
                }
                files.push((
                    format!("{event_type}-{}", name.trim_end_matches(".json")),
                    bytes,
                ));
            }
        }
        offset += reads.len();
    }
    files
}

/// A body of each command, by the case command target's selector.
fn command_bodies() -> Vec<(String, Vec<u8>)> {
    let bodies: [(&str, &str); 12] = [
        (
            "open",
            r#"{"opened_on": "2026-11-18", "referred_by": "neighbour",
                "survivor": {"name": "Y Hơ Niê", "birth_year": 1994, "sex": "female",
                             "ethnicity": "11", "disability": false, "contact": "0912 000 000",
                             "address": "thôn 3", "children_with_her": 2},
                "violence_types": ["physical", "psychological"], "perpetrator": "spouse",
                "risk_level": "high", "consent": {"services": true, "referral": true,
                "reporting": true}, "informant": {"name": "a neighbour"},
                "narrative": "fictional"}"#,
        ),
        (
            "support",
            r#"{"type": "shelter", "provided_on": "2026-11-19", "nights": 3, "by": "Chủ nhà", "notes": "Ở lại 3 đêm."}"#,
        ),
        (
            "referral",
            r#"{"target": "legal_aid", "made_on": "2026-11-19", "organisation": "Trung tâm", "contact_person": "Chị Lan", "notes": "n"}"#,
        ),
        (
            "outcome",
            r#"{"outcome": "accepted", "recorded_on": "2026-11-20", "notes": "n"}"#,
        ),
        (
            "follow_up",
            r#"{"due_on": "2026-12-01", "method": "visit"}"#,
        ),
        (
            "complete",
            r#"{"completed_on": "2026-11-20", "outcome": "safe", "notes": "n"}"#,
        ),
        ("note", r#"{"text": "Chị đến lúc 21 giờ"}"#),
        ("risk", r#"{"level": "medium", "notes": "n"}"#),
        (
            "close_volunteer",
            r#"{"reason": "safe", "closed_on": "2026-11-20", "notes": "n"}"#,
        ),
        (
            "close_supervisor",
            r#"{"reason": "safe", "closed_on": "2026-11-20"}"#,
        ),
        ("review", r#"{"decision": "approved", "comment": "ok"}"#),
        ("reopen", r#"{"reason": "she came back"}"#),
    ];
    bodies
        .iter()
        .enumerate()
        .map(|(selector, (name, body))| {
            let mut bytes = vec![u8::try_from(selector).unwrap()];
            bytes.extend_from_slice(body.as_bytes());
            ((*name).to_owned(), bytes)
        })
        .collect()
}

/// A posted form of each kind, by the web form target's selector.
fn forms() -> Vec<(String, Vec<u8>)> {
    let forms: [(&str, &str); 9] = [
        (
            "new_case",
            "_csrf=x&opened_on=2026-11-18&referred_by=neighbour&survivor.name=Y+H%C6%A1+Ni%C3%AA\
             &survivor.birth_year=1994&survivor.sex=female&survivor.ethnicity=11\
             &survivor.disability=no&survivor.children_with_her=2&violence_types=physical\
             &violence_types=psychological&perpetrator=spouse&risk_level=high\
             &consent.services=yes&consent.referral=yes&consent.reporting=no\
             &informant.name=a+neighbour&narrative=fictional",
        ),
        (
            "support",
            "_csrf=x&type=shelter&provided_on=2026-11-19&nights=3&by=&notes=+slept+well+",
        ),
        (
            "referral",
            "target=legal_aid&made_on=2026-11-19&organisation=Trung+t%C3%A2m",
        ),
        ("outcome", "outcome=accepted&recorded_on=2026-11-20"),
        ("follow_up", "due_on=2026-12-01&method=visit"),
        ("complete", "completed_on=2026-11-20&outcome=safe&notes=ok"),
        ("note", "text=Ch%E1%BB%8B+%C4%91%E1%BA%BFn"),
        ("risk", "level=medium&notes="),
        ("close", "reason=safe&closed_on=2026-11-20"),
    ];
    forms
        .iter()
        .enumerate()
        .map(|(selector, (name, body))| {
            let mut bytes = vec![u8::try_from(selector).unwrap()];
            bytes.extend_from_slice(body.as_bytes());
            ((*name).to_owned(), bytes)
        })
        .collect()
}
