//! Programme statistics for reporting officers and supervisors: anonymised counts that must
//! never reveal a person (API.md, "Statistics").
//!
//! - [`disclosure`]: the pure disclosure-control core — record and cell keys, the cell-key
//!   perturbation table, small-cell suppression, and exact mode's complementary suppression.
//!   No I/O, no clock, no randomness: record keys and the deployment secret arrive as data.

pub mod disclosure;
pub mod projection;
