//! sled locks its directory against a second process.

use std::path::Path;

use tincay::store::engine::StoreError;
use tincay::store::sled_store::{SledOptions, SledStore};

/// Set in the child process of the test below: the directory it must fail to open.
const LOCKED_DIR: &str = "TINCAY_TEST_LOCKED_DIR";

#[test]
fn another_process_cannot_open_a_held_directory() {
    if let Some(dir) = std::env::var_os(LOCKED_DIR) {
        let second = SledStore::open(Path::new(&dir), SledOptions::default());
        assert!(matches!(second, Err(StoreError::Locked)), "{second:?}");
        return;
    }
    let _serial = crate::serial();
    let dir = tempfile::tempdir().unwrap();
    let _held = SledStore::open(dir.path(), SledOptions::default()).unwrap();

    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "locking::another_process_cannot_open_a_held_directory",
        ])
        .env(LOCKED_DIR, dir.path())
        .output()
        .unwrap();

    let report = String::from_utf8_lossy(&child.stdout);
    assert!(child.status.success(), "{report}");
    assert!(report.contains("1 passed"), "{report}");
}
