//! The `POST`s of a case page's forms. Each turns its form into the command's body (the
//! same JSON body the API takes) and runs its use case ([`crate::app::cases::commands`])
//! with the form's version and idempotency key; recorded: 303 back to the case.
//! Refused: the case page again, showing the case as it is now, the same form open with
//! her input kept and the errors under their fields; after a 412 also a conflict box, and
//! the new version in the form so her next submission goes through. A case she may not see
//! is the 404 page, as the API answers. A form opened from the "needs attention" list names
//! its held record (`held`), resolved once the form is saved.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Map, Value, json};

use crate::app::actor::CaseWorker;
use crate::app::cases::bodies::{
    CloseBody, CompleteFollowUpBody, FollowUpBody, NoteBody, ReferralBody, ReferralOutcomeBody,
    RiskBody, SupportBody,
};
use crate::app::cases::commands as use_case;
use crate::app::cases::flow::Recorded;
use crate::app::context::App;
use crate::app::error::{AppError, FieldError};
use crate::app::input::{Body, Preconditions};
use crate::app::validate::FieldBounds;
use crate::domain::ids::{CaseId, FollowUpId, ReferralId};
use crate::edge::client::ClientAddr;
use crate::edge::state::AppState;
use crate::web::cases::body_form::{Part, part};
use crate::web::cases::case_page::{refused_page, saved_path};
use crate::web::cases::command_forms::CaseForm;
use crate::web::cases::kept::Kept;
use crate::web::cases::opening::whole_number;
use crate::web::cases::{case_worker, path_id};
use crate::web::error::WebError;
use crate::web::form::{FormFields, SignedInForm};
use crate::web::outbox::held_pages::resolve_adjusted;
use crate::web::widgets::preconditions;

pub async fn support(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ClientAddr(from): ClientAddr,
    form: SignedInForm,
) -> Result<Response, WebError> {
    submit(&state, from, &id, CaseForm::Support, form).await
}

pub async fn referral(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ClientAddr(from): ClientAddr,
    form: SignedInForm,
) -> Result<Response, WebError> {
    submit(&state, from, &id, CaseForm::Referral, form).await
}

pub async fn referral_outcome(
    State(state): State<AppState>,
    Path((id, referral)): Path<(String, String)>,
    ClientAddr(from): ClientAddr,
    form: SignedInForm,
) -> Result<Response, WebError> {
    let referral = path_id(&referral, &form.user)?;
    submit(&state, from, &id, CaseForm::Outcome(referral), form).await
}

pub async fn follow_up(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ClientAddr(from): ClientAddr,
    form: SignedInForm,
) -> Result<Response, WebError> {
    submit(&state, from, &id, CaseForm::FollowUp, form).await
}

pub async fn complete_follow_up(
    State(state): State<AppState>,
    Path((id, follow_up)): Path<(String, String)>,
    ClientAddr(from): ClientAddr,
    form: SignedInForm,
) -> Result<Response, WebError> {
    let follow_up = path_id(&follow_up, &form.user)?;
    submit(&state, from, &id, CaseForm::Complete(follow_up), form).await
}

pub async fn note(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ClientAddr(from): ClientAddr,
    form: SignedInForm,
) -> Result<Response, WebError> {
    submit(&state, from, &id, CaseForm::Note, form).await
}

pub async fn risk(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ClientAddr(from): ClientAddr,
    form: SignedInForm,
) -> Result<Response, WebError> {
    submit(&state, from, &id, CaseForm::Risk, form).await
}

pub async fn close(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ClientAddr(from): ClientAddr,
    form: SignedInForm,
) -> Result<Response, WebError> {
    submit(&state, from, &id, CaseForm::Close, form).await
}

/// Runs form `which` on case `id`: the command, then the case page or the refusal.
async fn submit(
    state: &AppState,
    from: Option<String>,
    id: &str,
    which: CaseForm,
    form: SignedInForm,
) -> Result<Response, WebError> {
    let SignedInForm { user, fields } = form;
    let lang = user.lang;
    let worker = case_worker(&user)?;
    let case = path_id(id, &user)?;
    let kept = match command_body(which, &fields) {
        Err(problems) => Kept::local(&problems, fields),
        Ok(body) => {
            let given = preconditions(&fields).map_err(|error| WebError::app(error, lang))?;
            let body = Body::of(&body).map_err(|error| WebError::app(error, lang))?;
            let app = state.app();
            match run(&app, &worker, which, CaseId::from_uuid(case), &given, &body).await {
                Ok(_) => {
                    resolve_adjusted(state, &worker, &fields).await;
                    return Ok(Redirect::to(&saved_path(case, &which.prefix())).into_response());
                }
                Err(error) => Kept::of(error, fields, lang)?,
            }
        }
    };
    refused_page(state, &user, from, case, which, &kept).await
}

/// The use case of form `which`. A posted form and a sealed record from the phone's outbox
/// ([`crate::web::outbox`]) both come through here.
pub async fn run(
    app: &App<'_>,
    worker: &CaseWorker,
    which: CaseForm,
    case: CaseId,
    given: &Preconditions,
    body: &Body,
) -> Result<Recorded, AppError> {
    match which {
        CaseForm::Support => use_case::record_support(app, worker, case, given, body).await,
        CaseForm::Referral => use_case::make_referral(app, worker, case, given, body).await,
        CaseForm::Outcome(referral) => {
            let referral = ReferralId::from_uuid(referral);
            use_case::record_referral_outcome(app, worker, case, referral, given, body).await
        }
        CaseForm::FollowUp => use_case::schedule_follow_up(app, worker, case, given, body).await,
        CaseForm::Complete(follow_up) => {
            let follow_up = FollowUpId::from_uuid(follow_up);
            use_case::complete_follow_up(app, worker, case, follow_up, given, body).await
        }
        CaseForm::Note => use_case::add_note(app, worker, case, given, body).await,
        CaseForm::Risk => use_case::assess_risk(app, worker, case, given, body).await,
        CaseForm::Close => use_case::close_case(app, worker, case, given, body).await,
    }
}

/// The fields of each form: its command body's own list ([`super::body_form`]), named as
/// the API's body names them.
fn fields(which: CaseForm) -> FieldBounds {
    match which {
        CaseForm::Support => SupportBody::accepts(),
        CaseForm::Referral => ReferralBody::accepts(),
        CaseForm::Outcome(_) => ReferralOutcomeBody::accepts(),
        CaseForm::FollowUp => FollowUpBody::accepts(),
        CaseForm::Complete(_) => CompleteFollowUpBody::accepts(),
        CaseForm::Note => NoteBody::accepts(),
        CaseForm::Risk => RiskBody::accepts(),
        CaseForm::Close => CloseBody::accepts(),
    }
}

/// The API's body for form `which`, or the fields JSON cannot carry.
pub fn command_body(which: CaseForm, fields: &FormFields) -> Result<Value, Vec<FieldError>> {
    let mut body = Map::new();
    let mut problems = Vec::new();
    for (name, accepts) in self::fields(which) {
        let value = match part(&accepts) {
            Part::Text => Some(json!(fields.get(name).map_or("", str::trim))),
            Part::Optional => fields.text(name).map(|text| json!(text)),
            Part::Number => fields
                .text(name)
                .and_then(|raw| whole_number(raw, name, &mut problems))
                .map(|number| json!(number)),
        };
        if let Some(value) = value {
            body.insert(name.to_owned(), value);
        }
    }
    if problems.is_empty() {
        Ok(Value::Object(body))
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_support_form_is_the_apis_body() {
        let fields = FormFields::parse(
            b"type=shelter&provided_on=2026-11-19&nights=3&by=&notes=+slept+well+&_csrf=x",
        );
        assert_eq!(
            command_body(CaseForm::Support, &fields).unwrap_or_default(),
            json!({"type": "shelter", "provided_on": "2026-11-19", "nights": 3,
                   "notes": "slept well"})
        );
    }

    #[test]
    fn a_number_that_is_not_one_is_refused_under_its_field() {
        let fields = FormFields::parse(b"type=shelter&provided_on=2026-11-19&nights=ba");
        let Err(problems) = command_body(CaseForm::Support, &fields) else {
            panic!("accepted");
        };
        assert_eq!(
            problems.first().map(|problem| problem.field.as_str()),
            Some("nights")
        );
    }

    #[test]
    fn required_fields_are_sent_even_when_blank_for_the_api_to_judge() {
        let fields = FormFields::parse(b"");
        assert_eq!(
            command_body(CaseForm::Note, &fields).unwrap_or_default(),
            json!({"text": ""})
        );
        assert_eq!(
            command_body(CaseForm::FollowUp, &fields).unwrap_or_default(),
            json!({"due_on": "", "method": ""})
        );
    }
}
