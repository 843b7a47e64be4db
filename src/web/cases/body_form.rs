//! A case form drawn from its command body's one list of fields: the body's `accepts()`
//! ([`FieldBounds`]: each field's API name and what it accepts, the list the API's parsing
//! and the OpenAPI document follow) gives the inputs, in order, and how each becomes part
//! of the body ([`part`]). So a field added to the body (its struct, `parse` and `accepts`)
//! appears on the form with no change here: its label is the catalogue's `work.<name>` (and
//! its hint `work.<name>_hint`, if there is one); a code field is a choice among its
//! vocabulary's labels ([`code_options`]).

use maud::{Markup, html};

use crate::app::validate::FieldBounds;
use crate::domain::bounds::{self, Accepts};
use crate::domain::vocab::{
    CloseReason, FollowUpMethod, FollowUpOutcome, Lang, ReferralOutcome, ReferralTarget, RiskLevel,
    SupportType, Vocabulary,
};
use crate::web::cases::inputs::{Extras, Inputs, options};
use crate::web::i18n::lookup;

/// How a form field goes into the command's body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Always sent, as typed (the use case checks it).
    Text,
    /// Sent when not blank.
    Optional,
    /// A whole number, sent when not blank.
    Number,
}

/// How a field that accepts `accepts` goes into the body.
pub fn part(accepts: &Accepts) -> Part {
    match accepts {
        Accepts::Count(_) => Part::Number,
        Accepts::Text(_) => Part::Optional,
        _ => Part::Text,
    }
}

/// The inputs of every field of `fields`, in order (`today`: a date's default).
pub fn inputs(inputs: &Inputs<'_>, fields: &FieldBounds, today: &str) -> Markup {
    html! {
        @for (name, accepts) in fields {
            (input(inputs, name, accepts, today))
        }
    }
}

fn input(inputs: &Inputs<'_>, name: &str, accepts: &Accepts, today: &str) -> Markup {
    let lang = inputs.lang;
    let label = label(lang, name);
    let optional = Extras {
        hint: lookup(lang, &format!("work.{name}_hint")),
        required: false,
    };
    match accepts {
        Accepts::Code(codes) => inputs.select(
            name,
            label,
            Extras::required(),
            &code_options(codes, lang),
            None,
        ),
        Accepts::HappenedOn => inputs.input("date", name, label, Extras::required(), today),
        Accepts::DueOn | Accepts::AnyDay => {
            inputs.input("date", name, label, Extras::required(), "")
        }
        Accepts::Count(_) => inputs.input("number", name, label, optional, ""),
        Accepts::Text(max) if *max == bounds::NOTES => inputs.textarea(name, label, optional),
        Accepts::RequiredText(_) => inputs.textarea(name, label, optional.and_required()),
        _ => inputs.input("text", name, label, optional, ""),
    }
}

/// A field's label: the catalogue's `work.<name>` (the name itself if missing, which the
/// tests catch).
pub fn label(lang: Lang, name: &str) -> &str {
    lookup(lang, &format!("work.{name}")).unwrap_or(name)
}

/// `(code, label)` of the vocabulary whose codes are `codes` (the case forms' lists); codes
/// of no list known here are shown as they are.
pub fn code_options(codes: &[&'static str], lang: Lang) -> Vec<(&'static str, &'static str)> {
    labelled::<SupportType>(codes, lang)
        .or_else(|| labelled::<ReferralTarget>(codes, lang))
        .or_else(|| labelled::<ReferralOutcome>(codes, lang))
        .or_else(|| labelled::<FollowUpMethod>(codes, lang))
        .or_else(|| labelled::<FollowUpOutcome>(codes, lang))
        .or_else(|| labelled::<RiskLevel>(codes, lang))
        .or_else(|| labelled::<CloseReason>(codes, lang))
        .unwrap_or_else(|| codes.iter().map(|code| (*code, *code)).collect())
}

fn labelled<V: Vocabulary>(
    codes: &[&'static str],
    lang: Lang,
) -> Option<Vec<(&'static str, &'static str)>> {
    let all = options::<V>(lang);
    let same = all.len() == codes.len() && all.iter().zip(codes).all(|((a, _), b)| a == b);
    same.then_some(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::cases::bodies::SupportBody;

    #[test]
    fn every_support_field_has_its_words_and_a_code_field_its_vocabularys_labels() {
        for (name, accepts) in SupportBody::accepts() {
            for lang in [Lang::Vi, Lang::En] {
                assert!(lookup(lang, &format!("work.{name}")).is_some(), "{name}");
            }
            if let Accepts::Code(codes) = accepts {
                assert_eq!(
                    code_options(&codes, Lang::Vi),
                    options::<SupportType>(Lang::Vi)
                );
            }
        }
        assert_eq!(part(&Accepts::Count(bounds::NIGHTS)), Part::Number);
        assert_eq!(part(&Accepts::Text(bounds::LINE)), Part::Optional);
        assert_eq!(part(&Accepts::RequiredText(bounds::NOTES)), Part::Text);
        assert_eq!(part(&Accepts::HappenedOn), Part::Text);
    }
}
