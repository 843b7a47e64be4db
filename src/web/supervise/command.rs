//! What a supervisor's form does with the API's answer: a JSON body made from the form for
//! the API's handler, and then post/redirect/get on success, the same form again (the case
//! as it is now, her input kept) on a refusal a form can answer, an error page otherwise;
//! [`Posted::send`] does it all for the supervision commands.

use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;
use uuid::Uuid;

use axum::extract::State;

use crate::http::auth::{CurrentUser, Supervisor};
use crate::http::cases::extract::{Ids, Preconditions, RawBody};
use crate::http::cases::flow::Created;
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::web::error::WebError;
use crate::web::form::{FormFields, api_body};
use crate::web::refusal::Refusal;
use crate::web::session::WebUser;
use crate::web::supervise::gate::{CaseAtHand, case_at_hand, case_id, supervisor};
use crate::web::widgets::preconditions;

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

/// A supervisor's form about one case, as posted.
#[derive(Debug)]
pub struct Posted<'a> {
    pub state: &'a AppState,
    pub user: &'a WebUser,
    pub fields: &'a FormFields,
    /// The case id as the path gave it.
    pub case: &'a str,
    /// What the case page says once it went through (`?saved=`: see
    /// [`crate::web::cases::case_page`]), so the supervisor sees it was done.
    pub done: &'static str,
}

impl Posted<'_> {
    /// Sends the form, as `body`, to one of the API's supervision handlers (`review_case`,
    /// `transfer_case`, `reopen_case`: the same extractors), with `If-Match` and the
    /// idempotency key from its hidden fields; then answers as [`Answer::to`] does, going to
    /// the case's page on success.
    pub async fn send<Fut>(
        &self,
        body: Value,
        handler: impl FnOnce(State<AppState>, Supervisor, Ids<Uuid>, Preconditions, RawBody) -> Fut,
        words: impl Fn(&str) -> Option<&'static str>,
        again: impl FnOnce(&CurrentUser, &CaseAtHand, &Refusal) -> Response,
    ) -> Result<Response, WebError>
    where
        Fut: Future<Output = Result<Created, ApiError>>,
    {
        let me = supervisor(self.user)?;
        let id = case_id(self.case).map_err(|error| WebError::api(error, self.user.lang))?;
        let result = handler(
            State(self.state.clone()),
            Supervisor(me.clone()),
            Ids(id),
            preconditions(self.fields).map_err(|error| WebError::app(error, self.user.lang))?,
            api_body(&body, self.user.lang)?,
        )
        .await;
        let answer = Answer {
            state: self.state,
            user: self.user,
            me: &me,
            id,
        };
        let done = crate::web::cases::case_page::saved_path(id, self.done);
        answer.to(result, done, words, |case, refusal| {
            again(&me, case, refusal)
        })
    }
}
