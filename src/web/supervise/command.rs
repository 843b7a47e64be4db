//! What a supervisor's form does with the API's answer: a JSON body made from the form for
//! the API's handler, and then post/redirect/get on success, the same form again (the case
//! as it is now, her input kept) on a refusal a form can answer, an error page otherwise.

use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;
use uuid::Uuid;

use crate::http::auth::CurrentUser;
use crate::http::cases::extract::RawBody;
use crate::http::cases::flow::internal;
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::web::error::WebError;
use crate::web::refusal::Refusal;
use crate::web::session::WebUser;
use crate::web::supervise::gate::{CaseAtHand, case_at_hand};

/// The API's JSON body.
pub fn json_body(value: &Value, user: &WebUser) -> Result<RawBody, WebError> {
    serde_json::to_vec(value)
        .map(RawBody::json)
        .map_err(|error| WebError::api(internal(error), user.lang))
}

/// The answer to a form posted about case `id`.
#[derive(Debug)]
pub struct Answer<'a> {
    pub state: &'a AppState,
    pub user: &'a WebUser,
    pub me: &'a CurrentUser,
    pub id: Uuid,
}

impl Answer<'_> {
    /// 303 to `done` on success; else the form again, drawn by `again` from the case as it
    /// is now and the refusal in words (`words`: the key explaining an error on each field).
    pub fn to<T>(
        &self,
        result: Result<T, ApiError>,
        done: String,
        words: impl Fn(&str) -> Option<&'static str>,
        again: impl FnOnce(&CaseAtHand, &Refusal) -> Response,
    ) -> Result<Response, WebError> {
        match result {
            Ok(_) => Ok(Redirect::to(&done).into_response()),
            Err(error) => {
                let refusal = Refusal::of(error, self.user.lang, |error| words(&error.field))?;
                Ok(self.again(&refusal, again)?)
            }
        }
    }

    /// The form again after `refusal`.
    pub fn again(
        &self,
        refusal: &Refusal,
        again: impl FnOnce(&CaseAtHand, &Refusal) -> Response,
    ) -> Result<Response, WebError> {
        let case = case_at_hand(self.state, self.me, self.id)
            .map_err(|error| WebError::api(error, self.user.lang))?;
        Ok(again(&case, refusal))
    }
}
