//! A refused admin form in words: each field error of the registry API put in words by its
//! code, and, where one code covers several explanations, by the field it names (the forms'
//! input names are the API's). The English message is never read, so rewording it changes
//! no page. Which refusals a form answers, and which stay error pages (403, 404, a failure),
//! is [`crate::web::refusal`]'s table.

use maud::{Markup, html};

use crate::app::error::{AppError, FieldError};
use crate::domain::bounds::{FieldCode, MIN_PASSWORD_CHARS};
use crate::web::error::WebError;
use crate::web::form::FormFields;
use crate::web::i18n::{Lang, tr};
use crate::web::refusal::Refusal;

/// The API's refusal of an admin form in words, or the error page for a refusal a form
/// cannot answer.
pub fn refusal_of(error: AppError, lang: Lang) -> Result<Refusal, WebError> {
    Refusal::of(error, lang, |error| Some(field_key(error)))
}

/// The line above a refused form.
pub fn summary(lang: Lang, refusal: &Refusal) -> Markup {
    html! { p.error-message role="alert" { (tr(lang, refusal.summary)) } }
}

/// A `weak_password` refusal of a password the form can see is shorter than the rule's
/// minimum becomes `too_short`, which has words of its own ("too short: see the rule").
pub fn with_password_length(error: AppError, fields: &FormFields) -> AppError {
    let typed = fields.get("password").unwrap_or_default();
    if typed.chars().count() >= MIN_PASSWORD_CHARS {
        return error;
    }
    match error {
        AppError::Invalid(errors) => AppError::Invalid(
            errors
                .into_iter()
                .map(|error| match error.code {
                    FieldCode::WeakPassword if error.field == "password" => FieldError {
                        code: FieldCode::TooShort,
                        ..error
                    },
                    _ => error,
                })
                .collect(),
        ),
        other => other,
    }
}

/// The catalogue key for a field error of the registry API: by its code, then its field.
pub fn field_key(error: &FieldError) -> &'static str {
    let field = error.field.as_str();
    match error.code {
        FieldCode::Required if field == "parent" => "admin.error.parent_required",
        FieldCode::Required if is_role_field(field) => "admin.error.role_needs",
        FieldCode::Required => "admin.error.required",
        FieldCode::Taken if field == "username" => "admin.error.taken",
        FieldCode::Taken if field == "into" => "admin.error.into_exists",
        FieldCode::Taken => "admin.error.exists",
        FieldCode::KeyReused => "admin.error.key_reused",
        FieldCode::WeakPassword => "admin.error.weak_password",
        FieldCode::TooShort => "admin.error.too_short",
        FieldCode::TooLong => "admin.error.too_long",
        FieldCode::DisallowedCharacter if field == "full_name" => {
            "admin.error.full_name_characters"
        }
        FieldCode::DisallowedCharacter => "admin.error.disallowed_character",
        FieldCode::MixedScripts => "admin.error.mixed_scripts",
        FieldCode::NotInVocabulary => "admin.error.choose",
        FieldCode::FutureDate => "admin.error.future",
        FieldCode::InvalidFormat if field == "username" => "admin.error.spaces",
        FieldCode::InvalidFormat if field == "trusted_address" => "admin.error.no_address",
        FieldCode::InvalidFormat | FieldCode::OutOfRange if is_date_field(field) => {
            "admin.error.date"
        }
        FieldCode::InvalidFormat if is_area_field(field) => "admin.error.area_code",
        FieldCode::OutOfRange if field == "communes" => "admin.error.too_few",
        FieldCode::Unknown if field == "trusted_address" => "admin.error.no_address",
        FieldCode::Unknown => "admin.error.no_area",
        FieldCode::Retired if field == "trusted_address" => "admin.error.address_closed",
        FieldCode::Retired if field == "communes" => "admin.error.includes_retired",
        FieldCode::Retired => "admin.error.area_retired",
        FieldCode::ParentRetired => "admin.error.parent_retired",
        FieldCode::WrongLevel if field == "parent" => "admin.error.parent_level",
        FieldCode::WrongLevel => "admin.error.not_commune",
        FieldCode::NotUsed if field == "parent" => "admin.error.province_no_parent",
        FieldCode::NotUsed if field == "name" => "admin.error.name_unused",
        FieldCode::NotUsed => "admin.error.role_unused",
        FieldCode::Inconsistent if field == "code" => "admin.error.code_length",
        FieldCode::Inconsistent if field == "valid_to" || field == "effective_on" => {
            "admin.error.not_after_start"
        }
        FieldCode::Inconsistent if field == "communes" => "admin.error.parents_differ",
        FieldCode::InvalidFormat
        | FieldCode::OutOfRange
        | FieldCode::Inconsistent
        | FieldCode::WrongType => "admin.error.invalid",
    }
}

/// The inputs a user's role needs or does not use.
fn is_role_field(field: &str) -> bool {
    field == "area" || field == "trusted_address"
}

/// The registry's days.
fn is_date_field(field: &str) -> bool {
    field.ends_with("_on") || field == "valid_from" || field == "valid_to"
}

/// The inputs that take an area code.
fn is_area_field(field: &str) -> bool {
    let name = field.split_once('[').map_or(field, |(name, _)| name);
    matches!(
        name,
        "code" | "parent" | "commune" | "communes" | "into" | "successor" | "area" | "province"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::registry::accounts::password_rule;
    use crate::app::registry::merge;
    use crate::app::registry::parse;
    use crate::domain::username;

    /// Every input of the admin forms.
    const FIELDS: [&str; 16] = [
        "username",
        "password",
        "role",
        "area",
        "trusted_address",
        "code",
        "name",
        "level",
        "parent",
        "valid_from",
        "commune",
        "established_on",
        "communes",
        "into",
        "effective_on",
        "Idempotency-Key",
    ];

    #[test]
    fn every_code_on_every_field_has_words_in_both_languages() {
        for code in FieldCode::ALL {
            for field in FIELDS {
                let key = field_key(&FieldError::new(field, *code, "m"));
                assert_ne!(tr(Lang::Vi, key), key, "{field} {code}");
                assert_ne!(tr(Lang::En, key), key, "{field} {code}");
            }
        }
    }

    #[test]
    fn the_apis_refusals_have_their_own_words() {
        let key = |field: &str, refused: crate::domain::bounds::Refused| {
            field_key(&FieldError::refused(field, refused))
        };
        let weak = password_rule("aaaaaaaaaa", "a").unwrap_err();
        assert_eq!(key("password", weak), "admin.error.weak_password");
        let long = password_rule(&"x".repeat(2000), "a").unwrap_err();
        assert_eq!(key("password", long), "admin.error.too_long");
        let invisible = username::parse("tnv.l\u{200b}an").unwrap_err();
        assert_eq!(
            key("username", invisible),
            "admin.error.disallowed_character"
        );
        let mixed = username::parse("tnv.hoab\u{430}n").unwrap_err();
        assert_eq!(key("username", mixed), "admin.error.mixed_scripts");
        let date = parse::date("20/11/2026").unwrap_err();
        assert_eq!(key("valid_from", date), "admin.error.date");
        let code = parse::area_code("7").unwrap_err();
        assert_eq!(key("parent", code), "admin.error.area_code");
        assert_eq!(
            key("level", parse::one_of(&["a", "b"])),
            "admin.error.choose"
        );
        let cases = [
            (
                "communes",
                FieldCode::OutOfRange,
                merge::TOO_FEW,
                "admin.error.too_few",
            ),
            (
                "communes",
                FieldCode::Inconsistent,
                merge::PARENTS_DIFFER,
                "admin.error.parents_differ",
            ),
            (
                "communes",
                FieldCode::Retired,
                merge::INCLUDES_RETIRED,
                "admin.error.includes_retired",
            ),
            (
                "communes",
                FieldCode::ParentRetired,
                merge::PARENT_RETIRED,
                "admin.error.parent_retired",
            ),
            (
                "communes",
                FieldCode::WrongLevel,
                merge::NOT_COMMUNES,
                "admin.error.not_commune",
            ),
            (
                "into",
                FieldCode::Taken,
                merge::INTO_EXISTS,
                "admin.error.into_exists",
            ),
            (
                "name",
                FieldCode::NotUsed,
                merge::NAME_UNUSED,
                "admin.error.name_unused",
            ),
            (
                "parent",
                FieldCode::NotUsed,
                "a province has none",
                "admin.error.province_no_parent",
            ),
            (
                "parent",
                FieldCode::WrongLevel,
                "must be a higher level",
                "admin.error.parent_level",
            ),
            (
                "parent",
                FieldCode::Required,
                "is required below a province",
                "admin.error.parent_required",
            ),
            (
                "code",
                FieldCode::Inconsistent,
                "has the wrong length",
                "admin.error.code_length",
            ),
            (
                "code",
                FieldCode::Taken,
                "already exists",
                "admin.error.exists",
            ),
            (
                "area",
                FieldCode::Required,
                "is required for this role",
                "admin.error.role_needs",
            ),
            (
                "area",
                FieldCode::NotUsed,
                "is not used by this role",
                "admin.error.role_unused",
            ),
            (
                "trusted_address",
                FieldCode::Retired,
                "closed",
                "admin.error.address_closed",
            ),
            (
                "commune",
                FieldCode::Retired,
                "retired",
                "admin.error.area_retired",
            ),
            (
                "commune",
                FieldCode::Unknown,
                "no such area",
                "admin.error.no_area",
            ),
            (
                "username",
                FieldCode::Taken,
                "is taken",
                "admin.error.taken",
            ),
            (
                "username",
                FieldCode::InvalidFormat,
                "spaces",
                "admin.error.spaces",
            ),
        ];
        for (field, code, message, expected) in cases {
            assert_eq!(
                field_key(&FieldError::new(field, code, message)),
                expected,
                "{message}"
            );
        }
    }

    /// The attack: the API's English is reworded; no admin page changes a word.
    #[test]
    fn rewording_any_english_message_leaves_every_vietnamese_page_unchanged() {
        for code in FieldCode::ALL {
            for field in FIELDS {
                let pages: Vec<String> = ["is required", "Completely new words", ""]
                    .iter()
                    .map(|message| {
                        let error = AppError::invalid(field, *code, *message);
                        let refusal = refusal_of(error, Lang::Vi).unwrap();
                        let under: Vec<&str> = refusal
                            .fields
                            .iter()
                            .map(|(_, key)| tr(Lang::Vi, key))
                            .collect();
                        format!("{under:?} {}", summary(Lang::Vi, &refusal).into_string())
                    })
                    .collect();
                assert!(
                    pages.windows(2).all(|pair| pair.first() == pair.get(1)),
                    "{field} {code}"
                );
            }
        }
    }

    #[test]
    fn a_short_password_is_too_short_and_a_long_guessable_one_weak() {
        let weak = || AppError::invalid("password", FieldCode::WeakPassword, "m");
        let short = with_password_length(weak(), &FormFields::parse(b"password=ng%E1%BA%AFn"));
        let AppError::Invalid(errors) = short else {
            panic!("{short:?}")
        };
        assert_eq!(errors[0].code, FieldCode::TooShort);
        let long = with_password_length(weak(), &FormFields::parse(b"password=aaaaaaaaaa"));
        let AppError::Invalid(errors) = long else {
            panic!("{long:?}")
        };
        assert_eq!(errors[0].code, FieldCode::WeakPassword);
    }

    #[test]
    fn a_rule_refusal_is_a_summary_and_a_missing_user_an_error_page() {
        let rule = AppError::Rule(
            crate::domain::rejection::RuleCode::UserAlreadyDeactivated,
            "the user is already deactivated".into(),
        );
        let refused = refusal_of(rule, Lang::En).unwrap();
        assert!(
            summary(Lang::En, &refused)
                .into_string()
                .contains("deactivated")
        );
        assert!(refusal_of(AppError::NotFound, Lang::En).is_err());
    }
}
