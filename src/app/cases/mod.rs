//! The case use cases. Security-sensitive: every one goes through the one scope check
//! ([`flow::check_access`]: out of scope is not found), personal data never enters an
//! error, a log line or a `Debug` output.
//!
//! - [`flow`]: how every command on an existing case runs: load, scope, idempotency,
//!   expected version, decide, append with retry, read-your-writes.
//! - [`open`]: opening a case, with [`opening`]: its body and parsing.
//! - [`commands`]: one function per command (record support, refer, …, review, transfer,
//!   reopen, erase).
//! - [`bodies`]: the commands' raw bodies and their parsing into domain commands.
//! - [`read`]: reading a case, the read in its access log once; [`view`]: what is read.

pub mod bodies;
pub mod commands;
pub mod flow;
pub mod open;
pub mod opening;
pub mod read;
pub mod view;
