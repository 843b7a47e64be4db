//! The HTTP API against API.md: one test binary, a real server on port 0 with a temporary
//! data directory per test (`spawn_app`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr
)]

#[allow(dead_code)]
mod support;

mod hardening;
mod openapi;
mod ops;
mod smoke;
