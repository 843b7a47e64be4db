//! What a supervisor's form does with its use case's answer: the command's body made from
//! the form for the use case, and then post/redirect/get on success, the same form again (the case
//! as it is now, her input kept) on a refusal a form can answer, an error page otherwise;
//! [`Posted::send`] does it all for the supervision commands.

use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;
use uuid::Uuid;

use crate::app::actor::{CurrentUser, Supervisor};
use crate::app::cases::commands as use_case;
use crate::app::error::AppError;
use crate::app::input::Body;
use crate::domain::ids::CaseId;
use crate::edge::state::AppState;
use crate::web::error::WebError;
use crate::web::form::FormFields;
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
        result: Result<T, AppError>,
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
            .map_err(|error| WebError::app(error, self.user.lang))?;
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

/// The supervisor's commands a [`Posted`] form runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Supervise {
    Review,
    Transfer,
    Reopen,
}

impl Posted<'_> {
    /// Runs the form, as `body` (the command's body in the API's names), through its use
    /// case (`review_case`, `transfer_case`, `reopen_case`), with the version and the
    /// idempotency key from its hidden fields; then answers as [`Answer::to`] does, going to
    /// the case's page on success.
    pub async fn send(
        &self,
        body: Value,
        command: Supervise,
        words: impl Fn(&str) -> Option<&'static str>,
        again: impl FnOnce(&CurrentUser, &CaseAtHand, &Refusal) -> Response,
    ) -> Result<Response, WebError> {
        let lang = self.user.lang;
        let me = supervisor(self.user)?;
        let id = case_id(self.case).map_err(|error| WebError::app(error, lang))?;
        let given = preconditions(self.fields).map_err(|error| WebError::app(error, lang))?;
        let body = Body::of(&body).map_err(|error| WebError::app(error, lang))?;
        let (app, supervisor, case) = (
            self.state.app(),
            Supervisor(me.clone()),
            CaseId::from_uuid(id),
        );
        let result = match command {
            Supervise::Review => {
                use_case::review_case(&app, &supervisor, case, &given, &body).await
            }
            Supervise::Transfer => {
                use_case::transfer_case(&app, &supervisor, case, &given, &body).await
            }
            Supervise::Reopen => {
                use_case::reopen_case(&app, &supervisor, case, &given, &body).await
            }
        };
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
