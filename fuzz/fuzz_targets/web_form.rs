//! The web app's form decoding (`src/web/form.rs`, `src/web/cases/opening.rs` and
//! `commands.rs`): an urlencoded body into fields, into the API's JSON body for the new-case
//! form or a case page's command form, then into the API's raw body type and its `parse`.
//! Never panics; a body the form decoding accepts always has the shape the API's body type
//! reads (a form never turns into a 400); and parsing it is never a 5xx.
//!
//! Input: a selector byte (the new-case form, then each `CaseForm`), then the posted body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use time::Date;
use time::macros::date;
use tincay::app::cases::bodies::*;
use tincay::app::cases::opening::OpenCaseBody;
use tincay::app::error::AppError;
use tincay::app::input::Body as RawBody;
use tincay::domain::case::Actor;
use tincay::domain::ids::{FollowUpId, ReferralId};
use tincay::http::error::ApiError;
use tincay::web::cases::command_forms::CaseForm;
use tincay::web::cases::commands::command_body;
use tincay::web::cases::opening::opening_body;
use tincay::web::form::FormFields;
use uuid::Uuid;

#[global_allocator]
static ALLOCATOR: tincay_fuzz::Limited = tincay_fuzz::Limited;

const TODAY: Date = date!(2026 - 11 - 20);

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let fields = FormFields::parse(body);
    let id = Uuid::from_u128(9);
    let form = match selector % 9 {
        0 => None,
        1 => Some(CaseForm::Support),
        2 => Some(CaseForm::Referral),
        3 => Some(CaseForm::Outcome(id)),
        4 => Some(CaseForm::FollowUp),
        5 => Some(CaseForm::Complete(id)),
        6 => Some(CaseForm::Note),
        7 => Some(CaseForm::Risk),
        _ => Some(CaseForm::Close),
    };
    let json = match form {
        None => opening_body(&fields),
        Some(form) => command_body(form, &fields),
    };
    let Ok(json) = json else {
        return;
    };
    let Ok(raw) = RawBody::of(&json) else {
        panic!("a form's body does not serialize");
    };
    let parsed = match form {
        None => shaped::<OpenCaseBody>(&raw)
            .parse(TODAY)
            .map(|_| ())
            .map_err(ApiError::from),
        Some(CaseForm::Support) => shaped::<SupportBody>(&raw)
            .parse(TODAY)
            .map(|_| ())
            .map_err(ApiError::from),
        Some(CaseForm::Referral) => shaped::<ReferralBody>(&raw)
            .parse(ReferralId::from_uuid(id), TODAY)
            .map(|_| ())
            .map_err(ApiError::from),
        Some(CaseForm::Outcome(_)) => shaped::<ReferralOutcomeBody>(&raw)
            .parse(ReferralId::from_uuid(id), TODAY)
            .map(|_| ())
            .map_err(ApiError::from),
        Some(CaseForm::FollowUp) => shaped::<FollowUpBody>(&raw)
            .parse(FollowUpId::from_uuid(id), TODAY)
            .map(|_| ())
            .map_err(ApiError::from),
        Some(CaseForm::Complete(_)) => shaped::<CompleteFollowUpBody>(&raw)
            .parse(FollowUpId::from_uuid(id), TODAY)
            .map(|_| ())
            .map_err(ApiError::from),
        Some(CaseForm::Note) => shaped::<NoteBody>(&raw)
            .parse()
            .map(|_| ())
            .map_err(ApiError::from),
        Some(CaseForm::Risk) => shaped::<RiskBody>(&raw)
            .parse(TODAY)
            .map(|_| ())
            .map_err(ApiError::from),
        Some(CaseForm::Close) => shaped::<CloseBody>(&raw)
            .parse(Actor::Volunteer, TODAY)
            .map(|_| ())
            .map_err(ApiError::from),
    };
    if let Err(error) = parsed {
        let (status, _) = error.status_and_code();
        assert!(status.is_client_error(), "a form answered {status}");
    }
});

/// The API's raw body type read from a form's body: that must never fail.
fn shaped<T: serde::de::DeserializeOwned>(raw: &RawBody) -> T {
    match raw.parse::<T>() {
        Ok(body) => body,
        Err(error) => panic!(
            "a form made a body of the wrong shape: {:?}",
            error_code(error)
        ),
    }
}

fn error_code(error: AppError) -> &'static str {
    ApiError::from(error).status_and_code().1
}
