//! [`Inputs`]: the widgets of one form bound to what that form keeps, so each input shows
//! the value she typed (or its default on a fresh form) and the words of its error. Input
//! names are the API's field names; element ids are the form's prefix and the name, so two
//! forms on one page never share an id.

use maud::Markup;

use crate::web::cases::kept::{Kept, error_of, ticked, value};
use crate::web::i18n::{Lang, tr};
use crate::web::widgets::{self, Field};

/// The inputs of one form.
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
    pub lang: Lang,
    /// What the form keeps when shown again after a refusal.
    pub kept: Option<&'a Kept>,
    /// The start of every element id of this form.
    pub prefix: &'a str,
}

/// A field's options and extras.
#[derive(Clone, Copy, Debug, Default)]
pub struct Extras {
    pub hint: Option<&'static str>,
    pub required: bool,
}

impl Extras {
    pub fn required() -> Self {
        Self {
            hint: None,
            required: true,
        }
    }

    pub fn hint(hint: &'static str) -> Self {
        Self {
            hint: Some(hint),
            required: false,
        }
    }

    pub fn and_required(mut self) -> Self {
        self.required = true;
        self
    }
}

impl<'a> Inputs<'a> {
    /// The element id of input `name`.
    pub fn id(&self, name: &str) -> String {
        format!("{}-{}", self.prefix, name.replace(['.', '_'], "-"))
    }

    fn field<'f>(&self, id: &'f str, name: &'f str, label: &'f str, extras: Extras) -> Field<'f> {
        let mut field = Field::new(id, name, label)
            .error(error_of(self.kept, name).map(|key| tr(self.lang, key)));
        if let Some(hint) = extras.hint {
            field = field.hint(hint);
        }
        if extras.required {
            field = field.required();
        }
        field
    }

    /// `<input type=kind>`.
    pub fn input(
        &self,
        kind: &str,
        name: &str,
        label: &str,
        extras: Extras,
        default: &str,
    ) -> Markup {
        let id = self.id(name);
        let field = self.field(&id, name, label, extras);
        widgets::input(self.lang, field, kind, value(self.kept, name, default))
    }

    pub fn textarea(&self, name: &str, label: &str, extras: Extras) -> Markup {
        let id = self.id(name);
        let field = self.field(&id, name, label, extras);
        widgets::textarea(self.lang, field, value(self.kept, name, ""))
    }

    /// A `<select>` with a blank first choice.
    pub fn select(
        &self,
        name: &str,
        label: &str,
        extras: Extras,
        options: &[(&str, &str)],
        default: Option<&str>,
    ) -> Markup {
        let id = self.id(name);
        let field = self.field(&id, name, label, extras);
        let selected = match self.kept {
            Some(kept) => kept.fields.text(name),
            None => default,
        };
        widgets::select(
            self.lang,
            field,
            options,
            selected,
            Some(tr(self.lang, "case.choose")),
        )
    }

    /// Radio buttons (`multiple`: checkboxes).
    pub fn choices(
        &self,
        name: &str,
        label: &str,
        extras: Extras,
        multiple: bool,
        options: &[(&str, &str)],
        default: &[&str],
    ) -> Markup {
        let id = self.id(name);
        let field = self.field(&id, name, label, extras);
        let checked = ticked(self.kept, name, default);
        widgets::choices(self.lang, field, multiple, options, &checked)
    }

    /// A question answered yes or no.
    pub fn yes_no(&self, name: &str, question: &str, extras: Extras) -> Markup {
        let options = [
            (super::opening::YES, tr(self.lang, "common.yes")),
            (super::opening::NO, tr(self.lang, "common.no")),
        ];
        self.choices(name, question, extras, false, &options, &[])
    }
}

/// `(code, label)` of every value of a vocabulary.
pub fn options<V: crate::domain::vocab::Vocabulary>(
    lang: Lang,
) -> Vec<(&'static str, &'static str)> {
    V::all()
        .map(|value| (value.code(), value.label(lang)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::error::FieldError;
    use crate::domain::vocab::RiskLevel;
    use crate::web::form::FormFields;

    #[test]
    fn ids_are_prefixed_and_errors_shown_in_words() {
        let kept = Kept::local(
            &[FieldError::new(
                "survivor.birth_year",
                crate::domain::bounds::FieldCode::WrongType,
                "must be a whole number",
            )],
            FormFields::parse(b"survivor.birth_year=abc"),
        );
        let inputs = Inputs {
            lang: Lang::En,
            kept: Some(&kept),
            prefix: "new",
        };
        assert_eq!(inputs.id("survivor.birth_year"), "new-survivor-birth-year");
        let html = inputs
            .input(
                "number",
                "survivor.birth_year",
                "Year",
                Extras::required(),
                "1990",
            )
            .into_string();
        assert!(html.contains(r#"value="abc""#), "{html}");
        assert!(html.contains(tr(Lang::En, "case_error.number")), "{html}");
        let risk = options::<RiskLevel>(Lang::Vi);
        assert_eq!(risk.first(), Some(&("low", "Thấp")));
    }
}
