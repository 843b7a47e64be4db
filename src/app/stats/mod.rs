//! The statistics use cases. The disclosure core (cell-key perturbation, suppression, the
//! budget's ledger) is [`crate::stats`], pure; these decide who may ask what (role, an area
//! within hers: else not found, exact counts for supervisors only), check the query, charge
//! and record it in the access log before it is answered, and call the core.
//!
//! - [`settings`]: the deployment's threshold, budget and ledger ([`StatsSettings`](settings::StatsSettings)).
//! - [`record`]: the mode and area a user may ask for, and charging and recording a query.
//! - [`table`]: a statistics table (the API's `GET /stats`, the web app's explorer).
//! - [`programme`]: the programme report (`GET /reports/programme`, the printable report).
//! - [`usage`]: the audit of officers' queries (supervisors and admins).
//! - [`csv`]: a table or report as CSV with its protection, for both adapters.

pub mod csv;
pub mod programme;
pub mod record;
pub mod settings;
pub mod table;
pub mod usage;
