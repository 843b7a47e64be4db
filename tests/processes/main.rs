//! Tests that start child processes: kills during appends and rotations, sled's lock across
//! processes, and the `tincay` binary itself: its commands, SIGKILL while clients append over
//! HTTP ([`kill_server`]), canaries sent through HTTP that must reach neither its log nor
//! its disk ([`canary_http`]), two servers on one PostgreSQL database and `migrate-store`
//! both ways ([`pg_serve`]), and operations ([`backup`]): online backups under load,
//! restores, the restore drill, data format upgrades, the configuration file, the systemd
//! units.
//!
//! They live in their own test binary, and take [`serial`] for their whole run, because a
//! child started while another test drops a store briefly inherits that store's locked file
//! (between fork and exec), so an unrelated reopen would see the directory as held.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr
)]

#[allow(dead_code)]
#[path = "../suite/support.rs"]
mod support;

#[allow(dead_code)]
#[path = "../suite/pg_server.rs"]
mod pg_server;

mod areas_import;
mod backup;
mod canary_http;
mod cli;
mod crash;
mod kill_server;
mod locking;
mod pg_serve;
mod user_add;
mod wal_crash;

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Held by each test of this binary for its whole run.
pub fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}
mod rotation_crash;

/// Re-run this test binary as a child that runs only `test`, with `variable` set to `dir`,
/// its stdout piped to the parent.
pub fn spawn_test_child(test: &str, variable: &str, dir: &std::path::Path) -> std::process::Child {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(variable, dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}
mod serve;
