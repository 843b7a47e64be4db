//! tincay: the case log for Vietnam's trusted addresses (*địa chỉ tin cậy*).
//!
//! An append-only, encrypted, tamper-evident event log of survivors' cases, with the case
//! lifecycle rules in a pure domain layer. See `README.md` for the threat model.
//!
//! # Layout
//!
//! The layers point one way: `domain` ← `store` ← `cli`. Nothing in `domain` performs I/O,
//! reads the clock or draws randomness; nothing in `store` knows HTTP.
//!
//! - [`domain`]: vocabularies, identifiers, case and registry events, commands,
//!   `decide`/`apply`, and the event codec with upcasting.
//! - [`store`]: the storage-engine trait and its sled engine, envelope encryption, the HMAC
//!   chain, group commit and durability, verification and key rotation.
//! - [`cli`]: the `tincay` command line.
//! - [`clock`]: the only module that reads the wall clock.

#![forbid(unsafe_code)]

pub mod auth;
pub mod cli;
pub mod clock;
pub mod domain;
pub mod http;
pub mod projections;
pub mod store;
