//! A refused command in the page's words. The API's refusals are English and name fields:
//! each form says which catalogue key explains an error on each of its fields, and the
//! refusal becomes a line above the form (or the `.conflict` box of a 412) and words under
//! the fields. Refusals no form can answer (404, 410, 403, 5xx…) become error pages.

use axum::http::StatusCode;
use maud::{Markup, html};

use crate::http::error::ApiError;
use crate::web::error::{WebError, refusal_key};
use crate::web::i18n::{Lang, tr};

/// Why a form is shown again.
#[derive(Clone, Debug)]
pub struct Refusal {
    pub status: StatusCode,
    /// The sentence above the form.
    pub summary: &'static str,
    /// The words under each refused field: (field name, catalogue key).
    pub fields: Vec<(String, &'static str)>,
    /// Someone else changed the case since the form was made (412).
    pub conflict: bool,
}

impl Refusal {
    /// The refusal of `error` on a form whose field errors `words` explains (`None`: not a
    /// field of this form, explained above it instead), or the error page for a refusal a
    /// form cannot answer.
    pub fn of(
        error: ApiError,
        lang: Lang,
        words: impl Fn(&str) -> Option<&'static str>,
    ) -> Result<Self, WebError> {
        let status = error.status_and_code().0;
        let refusal = |summary, fields| Refusal {
            status,
            summary,
            fields,
            conflict: false,
        };
        match &error {
            ApiError::PreconditionFailed(_) => Ok(Refusal {
                conflict: true,
                ..refusal("error.conflict", Vec::new())
            }),
            ApiError::Validation(errors) => {
                let mut fields = Vec::new();
                let mut summary = "form.errors";
                for error in errors {
                    match words(&error.field) {
                        Some(key) => fields.push((error.field.clone(), key)),
                        None => summary = "error.invalid",
                    }
                }
                Ok(refusal(summary, fields))
            }
            ApiError::RuleViolated(_) | ApiError::BadRequest(_) | ApiError::PayloadTooLarge => {
                Ok(refusal(refusal_key(&error), Vec::new()))
            }
            _ => Err(WebError::api(error, lang)),
        }
    }

    /// A refusal of the page itself, on one field (422).
    pub fn on_field(field: &str, key: &'static str) -> Self {
        Refusal {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            summary: "form.errors",
            fields: vec![(field.to_owned(), key)],
            conflict: false,
        }
    }

    /// The words under `field`, if it was refused.
    pub fn field(&self, lang: Lang, field: &str) -> Option<&'static str> {
        self.fields
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, key)| tr(lang, key))
    }
}

/// The words under `field` of a form that may have been refused.
pub fn field_error(refusal: Option<&Refusal>, lang: Lang, field: &str) -> Option<&'static str> {
    refusal.and_then(|refusal| refusal.field(lang, field))
}

/// What stands above a refused form: the `.conflict` box of a 412, else the summary.
pub fn banner(lang: Lang, refusal: Option<&Refusal>) -> Markup {
    html! {
        @if let Some(refusal) = refusal {
            @if refusal.conflict {
                div.conflict #conflict role="alert" { p { (tr(lang, "error.conflict")) } }
            } @else {
                p.error-message #form-error role="alert" { (tr(lang, refusal.summary)) }
            }
        }
    }
}

/// The status of a form page: its refusal's, else 200.
pub fn status_of(refusal: Option<&Refusal>) -> StatusCode {
    refusal.map_or(StatusCode::OK, |refusal| refusal.status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::error::FieldError;

    fn words(field: &str) -> Option<&'static str> {
        (field == "reason").then_some("supervise.reopen.reason_error")
    }

    #[test]
    fn a_stale_version_is_a_conflict() {
        let refusal = Refusal::of(
            ApiError::PreconditionFailed("case is at version 4".into()),
            Lang::Vi,
            words,
        )
        .unwrap();
        assert!(refusal.conflict);
        assert_eq!(refusal.status, StatusCode::PRECONDITION_FAILED);
        assert!(
            banner(Lang::Vi, Some(&refusal))
                .into_string()
                .contains("class=\"conflict\"")
        );
    }

    #[test]
    fn field_errors_are_put_in_the_forms_words() {
        let error = ApiError::Validation(vec![
            FieldError {
                field: "reason".into(),
                message: "a reason is required".into(),
            },
            FieldError {
                field: "Idempotency-Key".into(),
                message: "used".into(),
            },
        ]);
        let refusal = Refusal::of(error, Lang::En, words).unwrap();
        assert_eq!(refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            refusal.field(Lang::En, "reason"),
            Some(tr(Lang::En, "supervise.reopen.reason_error"))
        );
        assert_eq!(refusal.summary, "error.invalid");
        assert!(
            !banner(Lang::En, Some(&refusal))
                .into_string()
                .contains("required")
        );
    }

    #[test]
    fn a_missing_case_is_an_error_page() {
        assert!(Refusal::of(ApiError::NotFound, Lang::Vi, words).is_err());
        assert!(Refusal::of(ApiError::Gone, Lang::Vi, words).is_err());
    }
}
