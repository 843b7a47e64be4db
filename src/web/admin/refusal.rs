//! A refused admin form in words: the registry API's field errors (English, naming fields,
//! never values) matched by message to catalogue keys, and the summary above the form.
//! Which refusals a form answers, and which stay error pages (403, 404, a failure), is
//! [`crate::web::refusal`]'s table.

use maud::{Markup, html};

use crate::auth::strength;
use crate::domain::username;
use crate::http::cases::flow::KEY_REUSED;
use crate::http::error::ApiError;
use crate::http::registry::merge;
use crate::web::error::WebError;
use crate::web::i18n::{Lang, tr};
use crate::web::refusal::Refusal;

/// The API's refusal of an admin form in words (each field error by its message), or the
/// error page for a refusal a form cannot answer.
pub fn refusal_of(error: ApiError, lang: Lang) -> Result<Refusal, WebError> {
    Refusal::of(error, lang, |error| Some(field_key(&error.message)))
}

/// The line above a refused form.
pub fn summary(lang: Lang, refusal: &Refusal) -> Markup {
    html! { p.error-message role="alert" { (tr(lang, refusal.summary)) } }
}

/// The catalogue key for a field error of the registry API.
pub fn field_key(message: &str) -> &'static str {
    let exact = [
        ("is required", "admin.error.required"),
        ("is taken", "admin.error.taken"),
        ("already exists", "admin.error.exists"),
        (KEY_REUSED, "admin.error.key_reused"),
        ("must not start or end with a space", "admin.error.spaces"),
        ("must not contain control characters", "admin.error.control"),
        (strength::TOO_EASY, "admin.error.weak_password"),
        (username::DISALLOWED, "admin.error.disallowed_character"),
        (username::MIXED, "admin.error.mixed_scripts"),
        ("an area code is 2 to 5 digits", "admin.error.area_code"),
        ("no such area", "admin.error.no_area"),
        ("the area is retired", "admin.error.area_retired"),
        ("is not a commune", "admin.error.not_commune"),
        (merge::NOT_COMMUNES, "admin.error.not_commune"),
        ("is not a trusted address id", "admin.error.no_address"),
        ("no such trusted address", "admin.error.no_address"),
        (
            "the trusted address is closed",
            "admin.error.address_closed",
        ),
        ("must be a date as YYYY-MM-DD", "admin.error.date"),
        ("must be 1900-01-01 or later", "admin.error.date"),
        ("must be 2099-12-31 or earlier", "admin.error.date"),
        ("is out of range", "admin.error.date"),
        ("is in the future", "admin.error.future"),
        (
            "has the wrong length for its level",
            "admin.error.code_length",
        ),
        ("a province has none", "admin.error.province_no_parent"),
        (
            "is required below a province",
            "admin.error.parent_required",
        ),
        ("must be a higher level", "admin.error.parent_level"),
        ("is required for this role", "admin.error.role_needs"),
        ("is not used by this role", "admin.error.role_unused"),
        ("is before valid_from", "admin.error.not_after_start"),
        (merge::NOT_AFTER_START, "admin.error.not_after_start"),
        (merge::TOO_FEW, "admin.error.too_few"),
        (merge::PARENTS_DIFFER, "admin.error.parents_differ"),
        (merge::INCLUDES_RETIRED, "admin.error.includes_retired"),
        (merge::PARENT_RETIRED, "admin.error.parent_retired"),
        (merge::INTO_EXISTS, "admin.error.into_exists"),
        (merge::NAME_UNUSED, "admin.error.name_unused"),
    ];
    if let Some((_, key)) = exact.iter().find(|(text, _)| *text == message) {
        return key;
    }
    let prefixes = [
        ("must be at least", "admin.error.too_short"),
        ("must be at most", "admin.error.too_long"),
        ("must be one of", "admin.error.choose"),
        ("must be the unit one level up", "admin.error.parent_level"),
    ];
    prefixes
        .iter()
        .find(|(prefix, _)| message.starts_with(prefix))
        .map_or("admin.error.invalid", |(_, key)| key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::registry::accounts::password_rule;
    use crate::http::registry::parse;

    #[test]
    fn the_apis_field_errors_have_words_in_both_languages() {
        let messages = [
            password_rule("ngắn", "a").unwrap_err().message.into_owned(),
            password_rule("aaaaaaaaaa", "a")
                .unwrap_err()
                .message
                .into_owned(),
            username::parse("tnv.l\u{200b}an")
                .unwrap_err()
                .message
                .into_owned(),
            username::parse("tnv.hoab\u{430}n")
                .unwrap_err()
                .message
                .into_owned(),
            password_rule(&"x".repeat(2000), "a")
                .unwrap_err()
                .message
                .into_owned(),
            parse::date("20/11/2026").unwrap_err().message.into_owned(),
            parse::area_code("7").unwrap_err().message.into_owned(),
            parse::one_of(&["a", "b"]).message.into_owned(),
            merge::TOO_FEW.to_owned(),
            KEY_REUSED.to_owned(),
            "must be the unit one level up (a commune's may be its province)".to_owned(),
        ];
        for message in messages {
            let key = field_key(&message);
            assert_ne!(key, "admin.error.invalid", "{message}");
            assert_ne!(tr(Lang::Vi, key), key, "{message}");
            assert_ne!(tr(Lang::En, key), key, "{message}");
        }
        assert_eq!(field_key("something new"), "admin.error.invalid");
    }

    #[test]
    fn a_rule_refusal_is_a_summary_and_a_missing_user_an_error_page() {
        let rule = ApiError::RuleViolated(
            crate::domain::rejection::RuleCode::UserAlreadyDeactivated,
            "the user is already deactivated".into(),
        );
        let refused = refusal_of(rule, Lang::En).unwrap();
        assert!(
            summary(Lang::En, &refused)
                .into_string()
                .contains("deactivated")
        );
        assert!(refusal_of(ApiError::NotFound, Lang::En).is_err());
    }
}
