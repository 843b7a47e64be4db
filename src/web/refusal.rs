//! A refused form in catalogue keys, for every page: the one table of which refusals of a
//! use case ([`AppError`]) a form answers (shown again, with its status, a line above it and
//! words under its fields) and which become error pages (403, 404, 410, 429, 5xx…).
//!
//! A refusal names fields and codes, never values. A page says how it
//! explains a field error (by the field's name, or by its message) with a closure from
//! [`FieldError`] to a catalogue key; an error it cannot explain is not under any of its
//! fields and turns the line above the form into "the request was invalid". How the
//! refusal is drawn (a summary, a `.conflict` box) stays with each page.

use axum::http::StatusCode;

use crate::app::error::{AppError, FieldError};
use crate::edge::problem;
use crate::web::error::{WebError, refusal_key};
use crate::web::i18n::{Lang, tr};

/// The line above a form whose fields were refused.
pub const FIELDS_REFUSED: &str = "form.errors";

/// Why a form is shown again, as catalogue keys.
#[derive(Clone, Debug)]
pub struct Refusal {
    pub status: StatusCode,
    /// The sentence above the form.
    pub summary: &'static str,
    /// The words under each refused input: (input name, catalogue key).
    pub fields: Vec<(String, &'static str)>,
    /// Someone else changed the case since the form was made (412).
    pub conflict: bool,
}

impl Refusal {
    /// The refusal of `error` on a form whose field errors `explain` puts in words (`None`:
    /// not one of its fields), or the error page for a refusal no form can answer.
    pub fn of(
        error: AppError,
        lang: Lang,
        explain: impl Fn(&FieldError) -> Option<&'static str>,
    ) -> Result<Self, WebError> {
        let status = problem::status_of(&error);
        let above = |summary, conflict| Refusal {
            status,
            summary,
            fields: Vec::new(),
            conflict,
        };
        match &error {
            AppError::Invalid(errors) => Ok(Self::on_fields(errors, explain)),
            AppError::Stale { .. } => Ok(above("error.conflict", true)),
            AppError::Rule(..) | AppError::Malformed(_) | AppError::BadParameter(_) => {
                Ok(above(refusal_key(&error), false))
            }
            _ => Err(WebError::app(error, lang)),
        }
    }

    /// A refusal of fields (422): the use case's, or the page's own found before asking it.
    pub fn on_fields(
        errors: &[FieldError],
        explain: impl Fn(&FieldError) -> Option<&'static str>,
    ) -> Self {
        let mut summary = FIELDS_REFUSED;
        let mut fields = Vec::new();
        for error in errors {
            match explain(error) {
                Some(key) => fields.push((input_name(&error.field).to_owned(), key)),
                None => summary = "error.invalid",
            }
        }
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            summary,
            fields,
            conflict: false,
        }
    }

    /// A refusal of the page's own (a confirmation not ticked), on one field (422).
    pub fn on_field(field: &str, key: &'static str) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            summary: FIELDS_REFUSED,
            fields: vec![(field.to_owned(), key)],
            conflict: false,
        }
    }

    /// The catalogue key of the words under input `name`, if it was refused.
    pub fn key(&self, name: &str) -> Option<&'static str> {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, key)| *key)
    }

    /// The words under input `name`, if it was refused.
    pub fn error(&self, lang: Lang, name: &str) -> Option<&'static str> {
        self.key(name).map(|key| tr(lang, key))
    }
}

/// The input a field's error lands on: the field itself, or for an item of a list
/// (`violence_types[1]`) the list's input.
fn input_name(field: &str) -> &str {
    field.split_once('[').map_or(field, |(name, _)| name)
}

/// The words under input `name` of a form that may have been refused.
pub fn field_error(refusal: Option<&Refusal>, lang: Lang, name: &str) -> Option<&'static str> {
    refusal.and_then(|refusal| refusal.error(lang, name))
}

/// The status of a form page: its refusal's, else 200.
pub fn status_of(refusal: Option<&Refusal>) -> StatusCode {
    refusal.map_or(StatusCode::OK, |refusal| refusal.status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(field: &str, message: &str) -> FieldError {
        FieldError::new(field, crate::domain::bounds::FieldCode::Required, message)
    }

    fn by_name(error: &FieldError) -> Option<&'static str> {
        (error.field == "reason").then_some("supervise.reopen.reason_error")
    }

    #[test]
    fn a_stale_version_is_a_conflict() {
        let stale = AppError::Stale { version: 4 };
        let refusal = Refusal::of(stale, Lang::Vi, by_name).unwrap();
        assert!(refusal.conflict);
        assert_eq!(refusal.status, StatusCode::PRECONDITION_FAILED);
        assert!(refusal.fields.is_empty());
    }

    #[test]
    fn field_errors_land_on_their_inputs_and_others_make_the_summary_general() {
        let error = AppError::Invalid(vec![
            field("reason", "a reason is required"),
            field("Idempotency-Key", "used"),
        ]);
        let refusal = Refusal::of(error, Lang::En, by_name).unwrap();
        assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            refusal.error(Lang::En, "reason"),
            Some(tr(Lang::En, "supervise.reopen.reason_error"))
        );
        assert_eq!(refusal.key("Idempotency-Key"), None);
        assert_eq!(refusal.summary, "error.invalid");
        let listed = Refusal::on_fields(&[field("violence_types[1]", "x")], |_| Some("k"));
        assert_eq!(listed.key("violence_types"), Some("k"));
        assert_eq!(listed.summary, FIELDS_REFUSED);
    }

    #[test]
    fn rule_and_body_refusals_are_said_above_the_form() {
        let rule = Refusal::of(
            AppError::Rule(
                crate::domain::rejection::RuleCode::AlreadyExists,
                "x".into(),
            ),
            Lang::En,
            by_name,
        )
        .unwrap();
        assert_eq!(rule.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(rule.summary, "rule.other");
        let malformed = Refusal::of(AppError::Malformed("x".into()), Lang::En, by_name).unwrap();
        assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
        assert!(!malformed.conflict);
    }

    #[test]
    fn what_no_form_can_answer_is_an_error_page() {
        for error in [AppError::NotFound, AppError::Gone, AppError::Forbidden] {
            assert!(Refusal::of(error, Lang::Vi, by_name).is_err());
        }
        assert_eq!(status_of(None), StatusCode::OK);
    }
}
