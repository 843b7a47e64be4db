//! Who may use the supervisor's pages, and the case a page is about.
//!
//! A page learns the case's status, version and trusted address through the application
//! core's [`accessible`] (the case index's state, judged again
//! on the case's stream before a refusal, as commands do), never its personal data: out of
//! scope is 404, erased is 410.

use time::Date;
use uuid::Uuid;

use crate::app::actor::{CurrentUser, Supervisor};
use crate::app::cases::flow::accessible;
use crate::app::error::AppError;
use crate::domain::calendar::YearMonth;
use crate::domain::case::{CaseState, CaseStatus};
use crate::domain::ids::{CaseId, TrustedAddressId};
use crate::domain::vocab::CloseReason;
use crate::edge::state::AppState;
use crate::web::error::WebError;
use crate::web::session::WebUser;

/// The signed-in supervisor, or a 403 page for any other role.
pub fn supervisor(user: &WebUser) -> Result<CurrentUser, WebError> {
    user.as_role().map(|Supervisor(me)| me)
}

/// A case id from the path; anything else names no case (404).
pub fn case_id(text: &str) -> Result<Uuid, AppError> {
    crate::app::input::path_id(text)
}

/// What a supervisor's page shows of a case: no personal data.
#[derive(Clone, Debug)]
pub struct CaseAtHand {
    pub id: Uuid,
    pub status: CaseStatus,
    /// The version a form is made from (sent back as `If-Match`).
    pub version: u64,
    pub trusted_address: TrustedAddressId,
    /// The closure a volunteer requested, while it waits: its coded reason and month.
    pub closure: Option<(CloseReason, YearMonth)>,
    /// The day it was opened, as the case lists show it: with the code and the trusted
    /// address, what tells one case from another on a page that acts on it.
    pub opened_on: Option<Date>,
}

/// Case `id` as `user` may see it now: 404 if it does not exist or is not hers, 410 if it
/// was erased.
pub fn case_at_hand(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<CaseAtHand, AppError> {
    let case_id = CaseId::from_uuid(id);
    let case = accessible(&state.app(), user, &case_id)?;
    let opened_on = state.projections.cases.opened_on(&case_id);
    at_hand(id, &case, opened_on).ok_or(AppError::NotFound)
}

fn at_hand(id: Uuid, case: &CaseState, opened_on: Option<Date>) -> Option<CaseAtHand> {
    Some(CaseAtHand {
        opened_on,
        id,
        status: case.status?,
        version: case.version,
        trusted_address: case.trusted_address?,
        closure: case
            .closure_request
            .as_ref()
            .map(|request| (request.facts.reason, request.facts.month)),
    })
}

/// The case of a page, or the error page that replaces it.
pub fn page_case(
    state: &AppState,
    user: &WebUser,
    id: &str,
) -> Result<(CurrentUser, CaseAtHand), WebError> {
    let me = supervisor(user)?;
    let case = case_id(id)
        .and_then(|id| case_at_hand(state, &me, id))
        .map_err(|error| WebError::app(error, user.lang))?;
    Ok((me, case))
}
