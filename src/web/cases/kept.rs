//! What a refused form keeps: the fields she posted (put back as typed) and the refusal
//! they met ([`crate::web::refusal`]: the status, whether it was a 412 conflict, the words
//! above the form, the catalogue key under each refused input). The API's field names
//! (`survivor.birth_year`, `violence_types[1]`) are the forms' input names, so an error
//! finds its input by name; its code (and, where one code covers several explanations, the
//! field it names) chooses a sentence of the catalogue ([`explain`]). The English message is
//! never read: rewording it changes no page.

use crate::app::error::{AppError, FieldError};
use crate::domain::bounds::FieldCode;
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
    /// The form again after its use case's `error`, or the error page for a refusal no form
    /// can answer (404, 410, 403, 5xx, …).
    pub fn of(error: AppError, fields: FormFields, lang: Lang) -> Result<Self, WebError> {
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

/// A case form explains every field error by its code, and, where one code covers several
/// explanations, by the field it names (the forms' own names, which are the API's).
pub fn explain(error: &FieldError) -> Option<&'static str> {
    let field = error.field.as_str();
    Some(match error.code {
        FieldCode::TooLong => "case_error.too_long",
        FieldCode::FutureDate => "case_error.future",
        FieldCode::NotInVocabulary => "case_error.choose",
        FieldCode::KeyReused => KEY_REUSED,
        FieldCode::WrongType => "case_error.number",
        // Every day of a case form is named `…_on`.
        FieldCode::OutOfRange if field.ends_with("_on") => "case_error.day_range",
        FieldCode::OutOfRange if field == BIRTH_YEAR => "case_error.birth_year",
        FieldCode::OutOfRange => "case_error.range",
        FieldCode::InvalidFormat if field.ends_with("_on") => "case_error.date",
        FieldCode::Required if field == VIOLENCE_TYPES => "case_error.at_least_one",
        FieldCode::Required if is_yes_no(field) => "case_error.answer",
        FieldCode::Required => "case_error.required",
        FieldCode::Inconsistent if field == NIGHTS => "case_error.nights_shelter",
        FieldCode::Inconsistent | FieldCode::Unknown | FieldCode::Retired
            if field == TRUSTED_ADDRESS =>
        {
            "case_error.address"
        }
        FieldCode::InvalidFormat
        | FieldCode::Inconsistent
        | FieldCode::Unknown
        | FieldCode::Taken
        | FieldCode::Retired
        | FieldCode::ParentRetired
        | FieldCode::WrongLevel
        | FieldCode::NotUsed
        | FieldCode::WeakPassword
        | FieldCode::TooShort
        | FieldCode::DisallowedCharacter
        | FieldCode::MixedScripts => "case_error.invalid",
    })
}

/// The inputs whose refusals have words of their own.
const BIRTH_YEAR: &str = "survivor.birth_year";
const VIOLENCE_TYPES: &str = "violence_types";
const NIGHTS: &str = "nights";
const TRUSTED_ADDRESS: &str = "trusted_address";

/// A yes/no question of the new-case form (the survivor's disability, each consent).
fn is_yes_no(field: &str) -> bool {
    field == "survivor.disability" || field.starts_with("consent.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::cases::opening::refused as field;
    use crate::web::i18n::tr;

    /// The fields of the case forms, with every code each may meet.
    const FIELDS: [&str; 12] = [
        "opened_on",
        "survivor.birth_year",
        "survivor.children_with_her",
        "survivor.disability",
        "consent.referral",
        "violence_types",
        "violence_types[0]",
        "nights",
        "trusted_address",
        "notes",
        "type",
        "Idempotency-Key",
    ];

    #[test]
    fn every_code_on_every_field_has_words_in_both_languages() {
        for code in FieldCode::ALL {
            for field in FIELDS {
                let key = explain(&field_error(field, *code, "m")).unwrap();
                for lang in [Lang::Vi, Lang::En] {
                    assert_ne!(tr(lang, key), key, "{field} {code}");
                }
            }
        }
    }

    #[test]
    fn codes_and_fields_choose_the_words() {
        let cases = [
            ("opened_on", FieldCode::FutureDate, "case_error.future"),
            ("opened_on", FieldCode::InvalidFormat, "case_error.date"),
            ("opened_on", FieldCode::OutOfRange, "case_error.day_range"),
            ("type", FieldCode::NotInVocabulary, "case_error.choose"),
            ("children", FieldCode::OutOfRange, "case_error.range"),
            ("nights", FieldCode::OutOfRange, "case_error.range"),
            (
                "nights",
                FieldCode::Inconsistent,
                "case_error.nights_shelter",
            ),
            ("nights", FieldCode::WrongType, "case_error.number"),
            (
                "violence_types",
                FieldCode::Required,
                "case_error.at_least_one",
            ),
            (
                "survivor.birth_year",
                FieldCode::OutOfRange,
                "case_error.birth_year",
            ),
            ("trusted_address", FieldCode::Unknown, "case_error.address"),
            (
                "trusted_address",
                FieldCode::Inconsistent,
                "case_error.address",
            ),
            ("text", FieldCode::Required, "case_error.required"),
            ("consent.services", FieldCode::Required, "case_error.answer"),
            ("referral", FieldCode::InvalidFormat, "case_error.invalid"),
        ];
        for (field, code, key) in cases {
            assert_eq!(
                explain(&field_error(field, code, "m")),
                Some(key),
                "{field} {code}"
            );
        }
    }

    /// The attack: the API's English is reworded (or a future version says it otherwise);
    /// every sentence a Vietnamese page shows stays the same.
    #[test]
    fn rewording_any_english_message_leaves_every_vietnamese_page_unchanged() {
        let reworded = ["is required", "Completely new words, 42 of them", ""];
        for code in FieldCode::ALL {
            for field in FIELDS {
                let pages: Vec<String> = reworded
                    .iter()
                    .map(|message| {
                        let kept = Kept::local(
                            &[field_error(field, *code, message)],
                            FormFields::default(),
                        );
                        let under: Vec<(String, &str)> = kept
                            .refusal
                            .fields
                            .iter()
                            .map(|(name, key)| (name.clone(), tr(Lang::Vi, key)))
                            .collect();
                        let above = kept.message().map(|key| tr(Lang::Vi, key));
                        format!("{under:?} {above:?} {}", tr(Lang::Vi, kept.refusal.summary))
                    })
                    .collect();
                assert!(
                    pages.windows(2).all(|pair| pair.first() == pair.get(1)),
                    "{field} {code}"
                );
            }
        }
        for rule in crate::domain::rejection::RuleCode::ALL {
            let pages: Vec<Option<&str>> = reworded
                .iter()
                .map(|message| {
                    let error = AppError::Rule(rule, (*message).to_owned());
                    Kept::of(error, FormFields::default(), Lang::Vi)
                        .ok()
                        .and_then(|kept| kept.message())
                        .map(|key| tr(Lang::Vi, key))
                })
                .collect();
            assert!(
                pages.windows(2).all(|pair| pair.first() == pair.get(1)),
                "{rule:?}"
            );
        }
    }

    fn field_error(field: &str, code: FieldCode, message: &str) -> FieldError {
        FieldError::new(field, code, message)
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
        let conflict = kept(AppError::Stale { version: 2 });
        assert!(conflict.is_ok_and(|kept| kept.refusal.conflict && kept.message().is_none()));
        let rule = kept(AppError::Rule(
            crate::domain::rejection::RuleCode::AlreadyExists,
            "x".into(),
        ));
        assert!(rule.is_ok_and(|kept| kept.message() == Some("rule.other")));
        assert!(kept(AppError::NotFound).is_err());
        assert!(kept(AppError::Gone).is_err());
    }

    #[test]
    fn a_reused_key_is_said_above_the_form_and_not_kept() {
        let fields = FormFields::parse(b"idempotency_key=k1");
        let reused = AppError::invalid(
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
                FieldCode::WrongType,
                "must be a whole number",
            )],
            kept.fields,
        );
        assert!(local.refused_inputs() && local.message().is_none());
    }
}
