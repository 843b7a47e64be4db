//! What a refused form keeps: the fields she posted (put back as typed) and, for each field
//! the API refused, the catalogue key of the words shown under it. The API's field names
//! (`survivor.birth_year`, `violence_types[1]`) are the forms' input names, so an error
//! finds its input by name; its English message is matched to a sentence of the catalogue,
//! never shown.
//!
//! [`Refusal`] is the whole answer to a refused form: the status of the API's error, the
//! words above the form, whether it was a 412 conflict, and what is kept.

use axum::http::StatusCode;

use crate::http::error::{ApiError, FieldError};
use crate::web::error::refusal_key;
use crate::web::form::FormFields;
use crate::web::widgets::IDEMPOTENCY_FIELD;

/// A refused field and the key of its words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldProblem {
    /// The input's name (the API's field, without a list index).
    pub field: String,
    pub key: &'static str,
}

/// A posted form shown again.
#[derive(Debug, Default)]
pub struct Kept {
    pub fields: FormFields,
    pub problems: Vec<FieldProblem>,
}

impl Kept {
    pub fn new(fields: FormFields, errors: &[FieldError]) -> Self {
        Self {
            fields,
            problems: errors.iter().map(problem).collect(),
        }
    }

    /// The key of the words under input `name`, if it was refused.
    pub fn error(&self, name: &str) -> Option<&'static str> {
        self.problems
            .iter()
            .find(|problem| problem.field == name)
            .map(|problem| problem.key)
    }

    /// The idempotency key the form was posted with (kept, so a retry is the same request);
    /// none when the API said the key was already used for something else, so the next
    /// submission is a new request.
    pub fn idempotency_key(&self) -> Option<&str> {
        if self.error("Idempotency-Key").is_some() {
            return None;
        }
        self.fields.text(IDEMPOTENCY_FIELD)
    }
}

/// The value of input `name`: as posted when the form is shown again, else `default`.
pub fn value<'a>(kept: Option<&'a Kept>, name: &str, default: &'a str) -> &'a str {
    match kept {
        Some(kept) => kept.fields.get(name).unwrap_or(""),
        None => default,
    }
}

/// The ticked values of a group of choices: as posted, else `default`.
pub fn ticked<'a>(kept: Option<&'a Kept>, name: &str, default: &[&'a str]) -> Vec<&'a str> {
    match kept {
        Some(kept) => kept.fields.all(name),
        None => default.to_vec(),
    }
}

/// The key of the error under input `name`.
pub fn error_of(kept: Option<&Kept>, name: &str) -> Option<&'static str> {
    kept.and_then(|kept| kept.error(name))
}

fn problem(error: &FieldError) -> FieldProblem {
    let field = error
        .field
        .split_once('[')
        .map_or(error.field.as_str(), |(name, _)| name);
    FieldProblem {
        field: field.to_owned(),
        key: problem_key(&error.message),
    }
}

/// The catalogue key for an API field message (English, naming no value).
pub fn problem_key(message: &str) -> &'static str {
    let table: [(&str, &'static str); 11] = [
        ("in the future", "case_error.future"),
        ("must be a date", "case_error.date"),
        ("vocabulary", "case_error.choose"),
        ("at least one", "case_error.at_least_one"),
        ("only shelter", "case_error.nights_shelter"),
        ("age outside", "case_error.birth_year"),
        ("trusted address", "case_error.address"),
        ("different request", "case_error.idempotency"),
        ("cannot be empty", "case_error.required"),
        ("is required", "case_error.required"),
        ("answer", "case_error.answer"),
    ];
    if let Some((_, key)) = table.iter().find(|(words, _)| message.contains(words)) {
        return key;
    }
    if message.starts_with("must be from") || message.contains("must be 1 to") {
        return "case_error.range";
    }
    if message.contains("whole number") {
        return "case_error.number";
    }
    "case_error.invalid"
}

/// A refused form: what to say and what to keep.
#[derive(Debug)]
pub struct Refusal {
    pub status: StatusCode,
    /// Someone else updated the case first (412).
    pub conflict: bool,
    /// The key of the words above the form, besides the field errors.
    pub message: Option<&'static str>,
    pub kept: Kept,
}

impl Refusal {
    /// The refusal for an API error that a form can be shown again for; `Err` gives back
    /// an error that is a page of its own (404, 410, 403, 5xx, …).
    pub fn of(error: ApiError, fields: FormFields) -> Result<Self, ApiError> {
        let status = error.status_and_code().0;
        let refusal = match &error {
            ApiError::Validation(errors) => {
                let kept = Kept::new(fields, errors);
                let message = kept
                    .problems
                    .iter()
                    .any(|problem| problem.key == "case_error.idempotency")
                    .then_some("case_error.idempotency");
                Self {
                    status,
                    conflict: false,
                    message,
                    kept,
                }
            }
            ApiError::PreconditionFailed(_) => Self {
                status,
                conflict: true,
                message: None,
                kept: Kept::new(fields, &[]),
            },
            ApiError::RuleViolated(_) | ApiError::BadRequest(_) | ApiError::PayloadTooLarge => {
                Self {
                    status,
                    conflict: false,
                    message: Some(refusal_key(&error)),
                    kept: Kept::new(fields, &[]),
                }
            }
            _ => return Err(error),
        };
        Ok(refusal)
    }

    /// Problems found before the API was asked (a number that is not one, a question not
    /// answered): 422, as the API answers for a field.
    pub fn local(errors: &[FieldError], fields: FormFields) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            conflict: false,
            message: None,
            kept: Kept::new(fields, errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(field: &str, message: &str) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }

    #[test]
    fn api_messages_become_catalogue_keys() {
        let cases = [
            ("opened_on is in the future", "case_error.future"),
            ("must be a date as YYYY-MM-DD", "case_error.date"),
            (
                "is not a code of its vocabulary (see GET /vocabularies)",
                "case_error.choose",
            ),
            ("must be from 0 to 30", "case_error.range"),
            ("nights: must be 1 to 366", "case_error.range"),
            (
                "violence_types: at least one is required",
                "case_error.at_least_one",
            ),
            (
                "nights: only shelter counts nights",
                "case_error.nights_shelter",
            ),
            (
                "survivor.birth_year: gives an age outside 0 to 130",
                "case_error.birth_year",
            ),
            (
                "is not an open trusted address in your area",
                "case_error.address",
            ),
            ("text: a note cannot be empty", "case_error.required"),
            (
                "survivor.name: a name or pseudonym is required",
                "case_error.required",
            ),
            ("something new", "case_error.invalid"),
        ];
        for (message, key) in cases {
            assert_eq!(problem_key(message), key, "{message}");
            assert_ne!(crate::web::i18n::tr(crate::web::i18n::Lang::Vi, key), key);
        }
    }

    #[test]
    fn a_list_error_lands_on_its_group_and_input_is_kept() {
        let fields = FormFields::parse(b"violence_types=nope&narrative=%3Cb%3E");
        let kept = Kept::new(fields, &[field("violence_types[0]", "vocabulary")]);
        assert_eq!(kept.error("violence_types"), Some("case_error.choose"));
        assert_eq!(value(Some(&kept), "narrative", "x"), "<b>");
        assert_eq!(value(Some(&kept), "missing", "x"), "");
        assert_eq!(value(None, "narrative", "x"), "x");
        assert_eq!(ticked(Some(&kept), "violence_types", &[]), vec!["nope"]);
    }

    #[test]
    fn only_errors_a_form_can_show_are_refusals() {
        let conflict = Refusal::of(
            ApiError::PreconditionFailed("v".into()),
            FormFields::default(),
        );
        assert!(conflict.is_ok_and(|refusal| refusal.conflict && refusal.status == 412));
        let rule = Refusal::of(ApiError::RuleViolated("x".into()), FormFields::default());
        assert!(rule.is_ok_and(|refusal| refusal.message == Some("rule.other")));
        assert!(Refusal::of(ApiError::NotFound, FormFields::default()).is_err());
        assert!(Refusal::of(ApiError::Gone, FormFields::default()).is_err());
    }
}
