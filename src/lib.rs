//! tincay: the case log for Vietnam's trusted addresses (*địa chỉ tin cậy*).
//!
//! An append-only, encrypted, tamper-evident event log of survivors' cases, with the case
//! lifecycle rules in a pure domain layer. See `README.md` for the threat model.
//!
//! # Layout
//!
//! The layers point one way: `domain` ← `store` ← `projections` ← `app` ← `edge` ← `http`
//! and `web` (two sibling adapters over what they share in `edge`) ← `server` ← `cli`. Nothing
//! in `domain` performs I/O, reads the clock or draws randomness; nothing in `store` knows
//! HTTP; neither `http` nor `web` imports the other; `clock`, `auth` and `stats` (the pure
//! disclosure core) sit below the adapters.
//!
//! - [`domain`]: vocabularies, identifiers, case and registry events, commands,
//!   `decide`/`apply`, and the event codec with upcasting.
//! - [`store`]: the storage-engine trait and its sled engine, envelope encryption, the HMAC
//!   chain, group commit and durability, verification and key rotation.
//! - [`projections`]: in-memory views folded from the log (registry, case index, statistics),
//!   the runner that keeps them current, and their encrypted checkpoints.
//! - [`retention`]: the job that erases cases closed longer ago than the retention period.
//! - [`auth`]: password hashing, session tokens, login throttling.
//! - [`access_log`]: recording and reading who accessed what.
//! - [`app`]: the application core: one function per use case, with the scope check,
//!   idempotency, read-your-writes and typed refusals ([`app::error::AppError`]), once.
//! - [`edge`]: what the two HTTP adapters share, below both: the axum state, the client's
//!   address, the charge to a signed-in user's rate.
//! - [`http`]: the JSON API (axum), a thin adapter over `app`: JSON in, JSON and
//!   problem+json out.
//! - [`web`]: the web app (server-rendered pages in Vietnamese and English), a thin adapter
//!   over the same use cases and refusals.
//! - [`stats`]: programme statistics and their disclosure control (perturbation,
//!   suppression), pure: the projection that feeds it is `projections::stats`.
//! - [`server`]: building and running the service with graceful shutdown; its `routes`
//!   put the API, the web app and the operational routes together, hardened.
//! - [`control`]: the control socket through which the command line reaches a running server.
//! - [`demo`]: the fictional demo data set `tincay demo` loads, written through the domain
//!   and the log like any other.
//! - [`cli`]: the `tincay` command line.
//! - [`clock`]: the only module that reads the wall clock, and the `Clock` handlers hold.
//! - `fuzzing` (hidden): entry points for the fuzz targets in `fuzz/`.

#![forbid(unsafe_code)]

/// The version and the git commit it was built from (`tincay --version`, backups).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("TINCAY_GIT_COMMIT"),
    ")"
);

/// A `Debug` that names the type only: for request and response types that carry personal
/// data (the application core's bodies, the API's views).
macro_rules! opaque_debug {
    ($($ty:ident),+ $(,)?) => {
        $(impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(concat!(stringify!($ty), "(<redacted>)"))
            }
        })+
    };
}

pub mod access_log;
pub mod app;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod control;
pub mod demo;
pub mod domain;
pub mod edge;
#[doc(hidden)]
pub mod fuzzing;
pub mod http;
#[cfg(test)]
mod layers;
pub mod projections;
pub mod retention;
pub mod server;
pub mod stats;
pub mod store;
pub mod web;
