//! Logs and checkpoints written by older code still read. The witnesses are in
//! `tests/vectors/`: a demo's backup (without its closing frame) and its projection checkpoint
//! (stream unsealed), copied from the fuzz seeds that
//! `cargo test --test suite fuzz_seeds -- --ignored` wrote before `user_created` v2 existed
//! (commit 7c048fa), so every user in them was recorded as `user_created` v1. They are never
//! regenerated: that is their point.

use std::path::Path;
use std::sync::Arc;

use tincay::projections::runner::Projections;
use tincay::store::backup::restore;
use tincay::store::format;
use tincay::store::log::{EventLog, LogOptions};
use tincay::store::sled_store::{SledOptions, SledStore};
use tincay::store::verify::decodes;

use crate::support::master;

fn vector(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    std::fs::read(path).unwrap()
}

#[test]
fn users_recorded_as_user_created_v1_read_with_no_full_name() {
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("old.tcbak");
    // Stored without its closing frame (as the fuzz target takes it).
    std::fs::write(
        &backup,
        tincay::fuzzing::close_backup(&vector("demo-backup-user-created-v1.bin")),
    )
    .unwrap();
    let target = dir.path().join("restored");
    // Every record decodes as this code reads it, the old user_created v1 among them.
    restore(&backup, &target, master(), &decodes, None).unwrap();

    // The backup is of a directory of an older format: upgraded as `tincay migrate` does.
    let store = Arc::new(SledStore::open(&target, SledOptions::default()).unwrap());
    let migration = format::migrate(store.as_ref()).unwrap();
    assert!(migration.from < migration.to, "{migration:?}");
    let log = EventLog::open(store, master(), LogOptions::default()).unwrap();
    let projections = Projections::new();
    projections.catch_up(&log).unwrap();
    let users = projections.registry.users();
    assert!(users.len() >= 4, "the demo's users: {}", users.len());
    for user in &users {
        assert!(!user.username.is_empty());
        assert_eq!(user.full_name, None, "{}", user.username);
    }
}

#[test]
fn a_checkpoint_written_before_full_names_existed_still_loads() {
    let cases =
        tincay::fuzzing::read_checkpoint(&vector("demo-checkpoint-user-created-v1.bin")).unwrap();
    assert!(cases > 0);
}
