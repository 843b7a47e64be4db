//! What a refused form keeps: the fields she posted (put back as typed) and the refusal
//! they met ([`crate::web::refusal`]: the status, whether it was a 412 conflict, the words
//! above the form, the catalogue key under each refused input). The API's field names
//! (`survivor.birth_year`, `violence_types[1]`) are the forms' input names, so an error
//! finds its input by name; its English message is matched to a sentence of the catalogue
//! ([`problem_key`]), never shown.

use crate::domain::bounds::FieldCode;
use crate::http::error::{ApiError, FieldError};
use crate::web::error::WebError;
use crate::web::form::FormFields;
use crate::web::i18n::Lang;
use crate::web::refusal::{FIELDS_REFUSED, Refusal};
use crate::web::widgets::IDEMPOTENCY_FIELD;

/// Said above the form when its idempotency key was used for another request.
const KEY_REUSED: &str = "case_error.idempotency";

/// A posted form shown again after a refusal.
#[derive(Debug)]
pub struct Kept {
    pub fields: FormFields,
    pub refusal: Refusal,
}

impl Kept {
    /// The form again after the API's `error`, or the error page for a refusal no form can
    /// answer (404, 410, 403, 5xx, …).
    pub fn of(error: ApiError, fields: FormFields, lang: Lang) -> Result<Self, WebError> {
        let refusal = Refusal::of(error, lang, explain)?;
        Ok(Self { fields, refusal })
    }

    /// The form again after problems found before the API was asked (a number that is not
    /// one, a question not answered): 422, as the API answers for a field.
    pub fn local(errors: &[FieldError], fields: FormFields) -> Self {
        Self {
            fields,
            refusal: Refusal::on_fields(errors, explain),
        }
    }

    /// The key of the words under input `name`, if it was refused.
    pub fn error(&self, name: &str) -> Option<&'static str> {
        self.refusal.key(name)
    }

    /// Whether any input was refused (the form's summary of field errors is shown).
    pub fn refused_inputs(&self) -> bool {
        !self.refusal.fields.is_empty()
    }

    /// The key of the words above the form besides the field errors: a reused idempotency
    /// key, or a refusal of the whole command (a rule, a body the API could not take).
    pub fn message(&self) -> Option<&'static str> {
        let reused = self
            .refusal
            .fields
            .iter()
            .any(|(_, key)| *key == KEY_REUSED);
        if reused {
            return Some(KEY_REUSED);
        }
        let summary = self.refusal.summary;
        (!self.refusal.conflict && summary != FIELDS_REFUSED).then_some(summary)
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

/// A case form explains every field error by its code, or, where one code covers several
/// explanations, by its message.
fn explain(error: &FieldError) -> Option<&'static str> {
    Some(match error.code {
        FieldCode::TooLong => "case_error.too_long",
        FieldCode::FutureDate => "case_error.future",
        FieldCode::NotInVocabulary => "case_error.choose",
        FieldCode::KeyReused => KEY_REUSED,
        // Every day of a case form is named `…_on`.
        FieldCode::OutOfRange if error.field.ends_with("_on") => "case_error.day_range",
        _ => problem_key(&error.message),
    })
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
        ("different request", KEY_REUSED),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::cases::opening::refused as field;

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
        let kept = Kept::local(
            &[field(
                "violence_types[0]",
                FieldCode::NotInVocabulary,
                "vocabulary",
            )],
            fields,
        );
        assert_eq!(kept.error("violence_types"), Some("case_error.choose"));
        assert_eq!(value(Some(&kept), "narrative", "x"), "<b>");
        assert_eq!(value(Some(&kept), "missing", "x"), "");
        assert_eq!(value(None, "narrative", "x"), "x");
        assert_eq!(ticked(Some(&kept), "violence_types", &[]), vec!["nope"]);
    }

    #[test]
    fn only_errors_a_form_can_show_are_refusals() {
        let kept = |error| Kept::of(error, FormFields::default(), Lang::Vi);
        let conflict = kept(ApiError::PreconditionFailed("v".into()));
        assert!(conflict.is_ok_and(|kept| kept.refusal.conflict && kept.message().is_none()));
        let rule = kept(ApiError::RuleViolated(
            crate::domain::rejection::RuleCode::AlreadyExists,
            "x".into(),
        ));
        assert!(rule.is_ok_and(|kept| kept.message() == Some("rule.other")));
        assert!(kept(ApiError::NotFound).is_err());
        assert!(kept(ApiError::Gone).is_err());
    }

    #[test]
    fn a_reused_key_is_said_above_the_form_and_not_kept() {
        let fields = FormFields::parse(b"idempotency_key=k1");
        let reused = ApiError::invalid(
            "Idempotency-Key",
            crate::domain::bounds::FieldCode::KeyReused,
            "was used for a different request",
        );
        let kept = Kept::of(reused, fields, Lang::En).unwrap();
        assert_eq!(kept.message(), Some(KEY_REUSED));
        assert_eq!(kept.idempotency_key(), None);
        let local = Kept::local(
            &[field(
                "nights",
                FieldCode::InvalidFormat,
                "must be a whole number",
            )],
            kept.fields,
        );
        assert!(local.refused_inputs() && local.message().is_none());
    }
}
