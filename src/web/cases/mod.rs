//! The case pages of volunteers and supervisors (the same pages; what each sees is scoped by
//! the application core's checks): the case list, the new-case form, a case's page with its
//! timeline, and the forms that record work on it.
//!
//! Every page reads and writes through the application core's use cases, as the API does
//! ([`crate::app::cases`], [`crate::app::lists`]), so the rules, the scope check (out of scope
//! is the 404 page) and the access log have one code path.
//!
//! - [`list`]: `GET /cases`; [`new_case`]: `GET`/`POST /cases/new`, with the form in
//!   [`new_case_form`] and its API body in [`opening`].
//! - [`case_page`]: `GET /cases/{id}`, built from [`case_facts`], [`timeline`] and the
//!   [`command_forms`]; [`commands`]: the `POST`s of those forms.
//! - [`body_form`]: a form drawn from its command body's list of fields.
//! - [`kept`]: what a refused form keeps (her input, and the refusal with each field's key);
//!   [`inputs`]: a form's widgets bound to what it keeps.
//! - [`badges`]: status, risk and overdue marks; [`overdue`]: days overdue, from the
//!   follow-up queue's projection.
//! - [`messages`]: the words of these pages.

pub mod badges;
pub mod body_form;
pub mod case_facts;
pub mod case_page;
pub mod command_forms;
pub mod commands;
pub mod inputs;
pub mod kept;
pub mod list;
pub mod messages;
pub mod new_case;
pub mod new_case_form;
pub mod opening;
pub mod overdue;
pub mod timeline;

use axum::Router;
use axum::routing::{get, post};
use time::Date;
use uuid::Uuid;

use crate::app::actor::CaseWorker;
use crate::edge::state::AppState;
use crate::web::error::WebError;
use crate::web::session::WebUser;

pub use messages::MESSAGES;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases", get(list::case_list))
        .route(
            "/cases/new",
            get(new_case::new_case_page).post(new_case::open_case),
        )
        .route("/cases/{id}", get(case_page::case_page))
        .route("/cases/{id}/support", post(commands::support))
        .route("/cases/{id}/referrals", post(commands::referral))
        .route(
            "/cases/{id}/referrals/{rid}/outcome",
            post(commands::referral_outcome),
        )
        .route("/cases/{id}/follow-ups", post(commands::follow_up))
        .route(
            "/cases/{id}/follow-ups/{fid}/complete",
            post(commands::complete_follow_up),
        )
        .route("/cases/{id}/notes", post(commands::note))
        .route("/cases/{id}/risk", post(commands::risk))
        .route("/cases/{id}/close", post(commands::close))
}

/// The signed-in user as the API's case worker: a volunteer or a supervisor; any other role
/// gets the 403 page, as the API's `CaseWorker` extractor answers 403.
pub fn case_worker(user: &WebUser) -> Result<CaseWorker, WebError> {
    user.as_role()
}

/// An id from the path; anything that is not one names no case (the 404 page).
pub fn path_id(raw: &str, user: &WebUser) -> Result<Uuid, WebError> {
    crate::app::input::path_id(raw).map_err(|error| WebError::app(error, user.lang))
}

/// A day as the API and `<input type="date">` write it: `YYYY-MM-DD`.
pub fn iso(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// A `YYYY-MM-DD` day, as the API's list gives it.
pub fn parse_iso(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, format).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_as_iso() {
        let day = time::macros::date!(2026 - 03 - 09);
        assert_eq!(iso(day), "2026-03-09");
        assert_eq!(parse_iso("2026-03-09"), Some(day));
        assert_eq!(parse_iso("09/03/2026"), None);
    }
}
