//! Programme statistics for reporting officers and supervisors: anonymised counts that must
//! never reveal a person (API.md, "Statistics").
//!
//! - [`disclosure`]: the pure disclosure-control core — record and cell keys, the cell-key
//!   perturbation table, small-cell suppression, and exact mode's interval audit.
//!   No I/O, no clock, no randomness: record keys and the deployment secret arrive as data.
//! - [`facts`]: the compact rows; [`data`]: the table of them and how a case event changes
//!   it (fed from the log by [`crate::projections::stats`]); [`snapshot`]: its checkpoint
//!   form.
//! - [`measure`] and [`dimension`]: what can be counted, and by what; [`period`]: the fixed
//!   grid of periods (a month, a quarter or a year) and the rules on cutting time.
//! - [`areas`]: where each place counts (the asked area; today's or the time's units).
//! - [`aggregate`]: one pass gathering cells, distinct cases and cell keys; [`query`]: a
//!   request from parsing to the protected table; [`programme`]: the programme indicators.
//! - [`csv`]: the tables as CSV; [`budget`]: the per-officer query budget and its audit.

pub mod aggregate;
pub mod areas;
pub mod budget;
pub mod csv;
pub mod data;
pub mod dimension;
pub mod disclosure;
pub mod facts;
pub mod measure;
pub mod period;
pub mod programme;
pub mod query;
pub mod snapshot;

#[cfg(test)]
mod tests;
