//! Tests that start child processes: kills during appends and rotations, sled's lock across
//! processes, and the `tincay` binary itself.
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

mod cli;
mod crash;
mod locking;

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Held by each test of this binary for its whole run.
pub fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}
mod rotation_crash;
mod serve;
