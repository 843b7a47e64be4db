//! Usernames: one spelling per account, and no look-alikes. SECURITY-SENSITIVE.
//!
//! A username is kept, compared and looked up in one form: Unicode NFKC, then lower case
//! ([`normalise`]). So `TNV.Lan`, `tnv.lan` and `ｔｎｖ.ｌａｎ` (full-width) are one account,
//! at creation (the second is `taken`) and at sign-in alike.
//!
//! A new name ([`parse`]) is refused when it could pass for another one on screen:
//!
//! - a character that is not plain ASCII punctuation or a space and that Unicode's identifier
//!   profile (UTS #39, "General Security Profile") does not allow: the zero-width space and
//!   joiners, soft hyphens, bidirectional controls, other format (`Cf`) and invisible
//!   characters, symbols (`disallowed_character`);
//! - letters of more than one script, such as `tnv.hoabаn` with a Cyrillic `а`
//!   (`mixed_scripts`). Digits and ASCII punctuation belong to every script.
//!
//! Refusals carry a code and say what is expected, never the name.

use unicode_normalization::UnicodeNormalization;
use unicode_security::{GeneralSecurityProfile, MixedScript};

use crate::domain::bounds::{self, FieldCode, Refused};

/// Message of a name holding an invisible, formatting or symbol character.
pub const DISALLOWED: &str = "must hold only letters, digits, spaces and . _ - @";
/// Message of a name mixing scripts.
pub const MIXED: &str = "must not mix letters of different scripts";

/// The one form of a username: NFKC, lower case (and NFKC again, which lower-casing can undo
/// in rare cases).
pub fn normalise(raw: &str) -> String {
    let folded = raw.nfkc().collect::<String>().to_lowercase();
    folded.nfkc().collect()
}

/// The usernames the OpenAPI document promises to accept: ASCII letters and digits,
/// Vietnamese letters (precomposed), spaces inside and `. _ - @`; at most
/// [`bounds::USERNAME`] characters. Narrower than [`parse`] (which takes any one script),
/// so that every name a client makes from the document is one the server takes; checked
/// character by character against `parse` below.
pub const USERNAME_PATTERN: &str = concat!(
    "^[0-9A-Za-zÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯưẠ-ỹ._@-]",
    "([0-9A-Za-zÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯưẠ-ỹ ._@-]*",
    "[0-9A-Za-zÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯưẠ-ỹ._@-])?$"
);

/// A new username, normalised, or why it is refused.
pub fn parse(raw: &str) -> Result<String, Refused> {
    bounds::username(raw)?;
    let name = normalise(raw);
    // Normalising can make spaces or control characters (NFKC of U+2028 stays one): check
    // the form that is kept, too.
    bounds::username(&name)?;
    if !name.chars().all(allowed) {
        return Err(Refused::new(FieldCode::DisallowedCharacter, DISALLOWED));
    }
    if !name.as_str().is_single_script() {
        return Err(Refused::new(FieldCode::MixedScripts, MIXED));
    }
    Ok(name)
}

/// ASCII letters, digits, space and a little punctuation; beyond ASCII, what the identifier
/// profile allows (letters with their marks, in any one script).
fn allowed(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-' | '@')
    } else {
        c.identifier_allowed()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_name_of_the_documented_pattern_is_accepted() {
        let pattern = regex::Regex::new(super::USERNAME_PATTERN).unwrap();
        let class = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\
            ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư._@-";
        let vietnamese = ('\u{1EA0}'..='\u{1EF9}').collect::<String>();
        for c in class.chars().chain(vietnamese.chars()) {
            let name = format!("a{c}b {c}");
            assert!(pattern.is_match(&name), "{name}");
            assert!(super::parse(&name).is_ok(), "{name}");
        }
        for refused in ["a\u{200B}b", "tnv.hoab\u{0430}n", " a", "a ", "a\tb", "a/b"] {
            assert!(!pattern.is_match(refused), "{refused:?}");
        }
    }

    use super::*;

    #[test]
    fn case_and_compatibility_forms_are_one_name() {
        assert_eq!(normalise("TNV.Lan"), "tnv.lan");
        assert_eq!(normalise("ｔｎｖ．ｌａｎ"), "tnv.lan");
        assert_eq!(parse("Nguyễn Lan"), Ok("nguyễn lan".to_owned()));
        // A decomposed ễ (e + circumflex + tilde) is the composed one.
        assert_eq!(normalise("Nguye\u{302}\u{303}n"), "nguyễn");
        assert_eq!(parse("gs.huyen@kontum"), Ok("gs.huyen@kontum".to_owned()));
    }

    #[test]
    fn look_alikes_are_refused() {
        let cyrillic_a = "tnv.hoab\u{430}n";
        assert_eq!(parse(cyrillic_a).unwrap_err().code, FieldCode::MixedScripts);
        assert_eq!(
            parse("gs.\u{3b1}nh").unwrap_err().code,
            FieldCode::MixedScripts,
            "a Greek alpha"
        );
        for invisible in [
            "tnv.lan\u{200b}",
            "tnv.\u{200b}lan",
            "tnv.l\u{200d}an",
            "tnv.l\u{200c}an",
            "tnv.l\u{ad}an",
            "tnv.\u{202e}nal",
            "tnv.l\u{2060}an",
            "\u{feff}tnv.lan",
            "tnv.lan\u{180e}",
            "tnv.lan\u{1f600}",
        ] {
            let refused = parse(invisible).unwrap_err();
            assert!(
                matches!(
                    refused.code,
                    FieldCode::DisallowedCharacter | FieldCode::InvalidFormat
                ),
                "{invisible:?}: {refused:?}"
            );
            assert!(!refused.message.contains("lan"), "{refused:?}");
        }
    }

    #[test]
    fn one_script_other_than_latin_is_fine() {
        assert!(parse("иван").is_ok());
        assert!(parse("gs.2026").is_ok());
    }
}
