//! The reporting officer's pages (supervisors may use them too, exactly as the API's
//! [`StatsReader`]; other roles get 403): the statistics explorer with its table, chart and
//! CSV, and the printable programme report; and the audit of statistics queries for
//! supervisors and admins.
//!
//! - [`explorer`]: `GET /stats`, `GET /stats.csv` (in words, [`csv`]) and
//!   `GET /stats-codes.csv`; [`programme`]: `GET /reports/programme`
//!   and `GET /reports/programme.csv`. Each calls the application core's use case
//!   ([`crate::app::stats::table::stats_table`], [`crate::app::stats::programme::programme`]),
//!   as the API does, so the checks, scope, protection and access log are one.
//! - [`query`]: the pages' query strings as the API's queries; [`pickers`]: the forms'
//!   choices; [`labels`]: measures, dimensions and values in words; [`table`]: a table and
//!   the note on protection as HTML; [`cross`]: a two-dimension table as a cross-table;
//!   [`chart`]: the SVG bar chart; [`outcome`]: the form
//!   again after a refusal (a field, or a spent budget with its renewal day);
//!   [`words`]: the catalogue.
//! - [`usage`]: `GET /stats/usage`, the audit of officers' statistics queries (the API's
//!   [`StatsAuditor`](crate::app::actor::StatsAuditor): supervisors and admins).

pub mod chart;
pub mod cross;
pub mod csv;
pub mod explorer;
pub mod labels;
pub mod outcome;
pub mod pickers;
pub mod programme;
pub mod query;
pub mod table;
pub mod usage;
pub mod words;

use axum::Router;
use axum::routing::get;

use crate::app::actor::StatsReader;
use crate::edge::state::AppState;
use crate::web::error::WebError;
use crate::web::session::WebUser;

pub use words::MESSAGES;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/stats", get(explorer::explorer))
        .route(explorer::CSV_PATH, get(explorer::explorer_csv))
        .route(explorer::CODES_CSV_PATH, get(explorer::explorer_codes_csv))
        .route("/reports/programme", get(programme::report))
        .route("/reports/programme.csv", get(programme::report_csv))
        .route(usage::PATH, get(usage::page))
}

/// The signed-in user as the API's [`StatsReader`]: the roles its extractor admits
/// (reporting officers and supervisors); any other is refused as the API refuses her.
pub fn reader(user: &WebUser) -> Result<StatsReader, WebError> {
    user.as_role()
}
