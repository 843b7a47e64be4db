//! The list use cases: what a user may see of many cases at once, scoped as one case is
//! ([`crate::app::scope`]: out of scope is simply not listed), paged behind cursors this
//! server gave out, with their queries parsed into field problems with codes. The API's
//! handlers and the web app's pages both call these; neither calls the other.
//!
//! - [`cases`]: the case list (`GET /cases`, the web app's case list), recorded in the
//!   access log as `case_listed`.
//! - [`cursor`]: the case list's cursor, sealed and bound to the user it was given to.
//! - [`follow_ups`]: the follow-up queue (`GET /follow-ups`, the supervisor's dashboard).
//! - [`access`]: a case's access log as a supervisor reads it, this read recorded first.

pub mod access;
pub mod cases;
pub mod cursor;
pub mod follow_ups;
