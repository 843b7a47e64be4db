//! The form pieces every page builds with, so each field has its label, its hint and its
//! error in the same shape everywhere (and the accessibility checks hold for all of them):
//! text, text area, date, number, select, radio and checkbox groups, and the hidden fields
//! of a command (CSRF, idempotency key, the case version).
//!
//! An error is shown under its field and tied to it with `aria-describedby`; a value typed
//! before a refusal is put back, so nothing typed is lost.
//!
//! SECURITY-SENSITIVE (a shared phone): every field says [`NOT_REMEMBERED`]
//! (`autocomplete="off"`; `new-password` for a password, which browsers otherwise offer to
//! save), so the browser neither stores what was typed in its autofill store, nor offers
//! an earlier survivor's name in a later form, nor puts the values back when Back returns
//! to a sent form (tests/browser/shared_phone.rs checks every field of every form).

use maud::{Markup, html};
use uuid::Uuid;

use crate::app::error::AppError;
use crate::app::input::{Preconditions, idempotency_key};
use crate::web::i18n::{Lang, tr};

/// One field's place on a form.
#[derive(Clone, Copy, Debug)]
pub struct Field<'a> {
    /// The element id (unique on the page).
    pub id: &'a str,
    /// The form field name.
    pub name: &'a str,
    /// The visible label.
    pub label: &'a str,
    /// A line of help under the label.
    pub hint: Option<&'a str>,
    /// Why the value was refused.
    pub error: Option<&'a str>,
    pub required: bool,
}

impl<'a> Field<'a> {
    pub fn new(id: &'a str, name: &'a str, label: &'a str) -> Self {
        Self {
            id,
            name,
            label,
            hint: None,
            error: None,
            required: false,
        }
    }

    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }

    pub fn error(mut self, error: Option<&'a str>) -> Self {
        self.error = error;
        self
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    fn described_by(&self) -> Option<String> {
        match (self.hint, self.error) {
            (None, None) => None,
            (Some(_), None) => Some(format!("{}-hint", self.id)),
            (None, Some(_)) => Some(format!("{}-error", self.id)),
            (Some(_), Some(_)) => Some(format!("{0}-hint {0}-error", self.id)),
        }
    }

    fn label(&self, lang: Lang) -> Markup {
        html! {
            label for=(self.id) {
                (self.label)
                @if self.required { " " span.muted { "(" (tr(lang, "form.required")) ")" } }
            }
            @if let Some(hint) = self.hint { span.hint id={ (self.id) "-hint" } { (hint) } }
        }
    }

    fn error_line(&self) -> Markup {
        html! {
            @if let Some(error) = self.error {
                span.field-error id={ (self.id) "-error" } { (error) }
            }
        }
    }
}

/// What every field's `autocomplete` says: the browser keeps none of its values.
pub const NOT_REMEMBERED: &str = "off";
/// What a password field's `autocomplete` says: a new password, never filled in or saved.
pub const NEW_PASSWORD: &str = "new-password";

/// `<input type=…>` with its label: `kind` is `text`, `date`, `number`, `password`, …
pub fn input(lang: Lang, field: Field<'_>, kind: &str, value: &str) -> Markup {
    let autocomplete = if kind == "password" {
        NEW_PASSWORD
    } else {
        NOT_REMEMBERED
    };
    html! {
        div.field {
            (field.label(lang))
            input id=(field.id) name=(field.name) type=(kind) value=(value)
                autocomplete=(autocomplete)
                required[field.required] aria-invalid=[field.error.map(|_| "true")]
                aria-describedby=[field.described_by()];
            (field.error_line())
        }
    }
}

/// `<textarea>` with its label.
pub fn textarea(lang: Lang, field: Field<'_>, value: &str) -> Markup {
    html! {
        div.field {
            (field.label(lang))
            textarea id=(field.id) name=(field.name) rows="4" autocomplete=(NOT_REMEMBERED)
                required[field.required]
                aria-invalid=[field.error.map(|_| "true")]
                aria-describedby=[field.described_by()] { (value) }
            (field.error_line())
        }
    }
}

/// `<select>` of `(code, label)` options with its label; `blank` adds an empty first
/// choice with that text.
pub fn select(
    lang: Lang,
    field: Field<'_>,
    options: &[(&str, &str)],
    selected: Option<&str>,
    blank: Option<&str>,
) -> Markup {
    select_with(
        lang,
        field,
        blank,
        html! {
            @for (code, label) in options {
                option value=(code) selected[selected == Some(*code)] { (label) }
            }
        },
    )
}

/// [`select`] with its options given as markup (grouped in `<optgroup>`s, say).
pub fn select_with(lang: Lang, field: Field<'_>, blank: Option<&str>, options: Markup) -> Markup {
    html! {
        div.field {
            (field.label(lang))
            select id=(field.id) name=(field.name) autocomplete=(NOT_REMEMBERED)
                required[field.required]
                aria-invalid=[field.error.map(|_| "true")]
                aria-describedby=[field.described_by()] {
                @if let Some(blank) = blank { option value="" { (blank) } }
                (options)
            }
            (field.error_line())
        }
    }
}

/// A group of radio buttons (one choice) or checkboxes (several), in a `fieldset` whose
/// `legend` is the field's label; each choice has its own label.
pub fn choices(
    lang: Lang,
    field: Field<'_>,
    multiple: bool,
    options: &[(&str, &str)],
    checked: &[&str],
) -> Markup {
    let kind = if multiple { "checkbox" } else { "radio" };
    html! {
        fieldset id=(field.id) aria-describedby=[field.described_by()] {
            legend {
                (field.label)
                @if field.required { " " span.muted { "(" (tr(lang, "form.required")) ")" } }
            }
            @if let Some(hint) = field.hint { p.hint id={ (field.id) "-hint" } { (hint) } }
            div.choices {
                @for (code, label) in options {
                    @let id = format!("{}-{}", field.id, code);
                    label for=(id) {
                        input id=(id) type=(kind) name=(field.name) value=(code)
                            checked[checked.contains(code)] autocomplete=(NOT_REMEMBERED);
                        span { (label) }
                    }
                }
            }
            (field.error_line())
        }
    }
}

/// One checkbox with its label (a yes/no question).
pub fn checkbox(field: Field<'_>, checked: bool) -> Markup {
    html! {
        div.field {
            div.choices {
                label for=(field.id) {
                    input id=(field.id) type="checkbox" name=(field.name) value="yes"
                        checked[checked] autocomplete=(NOT_REMEMBERED) aria-describedby=[field.described_by()];
                    span { (field.label) }
                }
            }
            @if let Some(hint) = field.hint { span.hint id={ (field.id) "-hint" } { (hint) } }
            (field.error_line())
        }
    }
}

/// The hidden field of a form's `Idempotency-Key`: drawn when the form is first shown and
/// kept when it is shown again after a refusal, so every retry of one form is one request.
pub fn idempotency_field(kept: Option<&str>) -> Markup {
    let key = kept
        .filter(|key| idempotency_key(key).is_ok())
        .map_or_else(|| Uuid::new_v4().to_string(), str::to_owned);
    html! { input type="hidden" name=(IDEMPOTENCY_FIELD) value=(key); }
}

/// The hidden field with the case version the form was made from (sent as `If-Match`).
pub fn version_field(version: u64) -> Markup {
    html! { input type="hidden" name=(VERSION_FIELD) value=(version); }
}

/// The name of the idempotency key field.
pub const IDEMPOTENCY_FIELD: &str = "idempotency_key";
/// The name of the case version field.
pub const VERSION_FIELD: &str = "version";

/// The line above a refused form.
pub fn error_summary(lang: Lang, show: bool) -> Markup {
    html! {
        @if show { p.error-message role="alert" { (tr(lang, "form.errors")) } }
    }
}

/// A command's preconditions from a posted form's hidden fields. The key is held to the
/// application core's one limit ([`idempotency_key`]): a key this app drew always fits, and
/// one that does not (a tampered form) is refused as the API refuses it, never dropped.
pub fn preconditions(fields: &crate::web::form::FormFields) -> Result<Preconditions, AppError> {
    Ok(Preconditions {
        if_match: fields
            .text(VERSION_FIELD)
            .and_then(|version| version.parse().ok()),
        idempotency_key: fields
            .text(IDEMPOTENCY_FIELD)
            .map(idempotency_key)
            .transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_field_is_marked_and_described() {
        let html = input(
            Lang::En,
            Field::new("age", "age", "Age")
                .error(Some("too old"))
                .required(),
            "number",
            "<b>",
        )
        .into_string();
        assert!(html.contains(r#"<label for="age">"#));
        assert!(html.contains(r#"aria-invalid="true""#));
        assert!(html.contains(r#"aria-describedby="age-error""#));
        assert!(html.contains("too old"));
        assert!(html.contains("&lt;b&gt;"), "values are escaped: {html}");
    }

    #[test]
    fn no_field_is_remembered_by_the_browser() {
        let field = Field::new("f", "f", "F");
        let options = [("a", "A")];
        let fields = [
            input(Lang::Vi, field, "text", "x"),
            input(Lang::Vi, field, "number", "1"),
            textarea(Lang::Vi, field, "x"),
            select(Lang::Vi, field, &options, None, None),
            choices(Lang::Vi, field, true, &options, &[]),
            choices(Lang::Vi, field, false, &options, &[]),
            checkbox(field, false),
        ];
        for html in fields.map(Markup::into_string) {
            assert!(html.contains(r#"autocomplete="off""#), "{html}");
        }
        let password = input(Lang::Vi, field, "password", "").into_string();
        assert!(
            password.contains(r#"autocomplete="new-password""#),
            "{password}"
        );
    }

    #[test]
    fn a_kept_idempotency_key_is_reused() {
        let kept = idempotency_field(Some("abc")).into_string();
        assert!(kept.contains(r#"value="abc""#));
        let fresh = idempotency_field(None).into_string();
        assert!(!fresh.contains(r#"value="abc""#));
    }

    #[test]
    fn choices_tick_what_was_chosen() {
        let html = choices(
            Lang::En,
            Field::new("vt", "violence_types", "Violence"),
            true,
            &[("physical", "Physical"), ("sexual", "Sexual")],
            &["sexual"],
        )
        .into_string();
        assert!(html.contains(r#"<legend>Violence</legend>"#));
        assert!(html.contains(
            r#"id="vt-sexual" type="checkbox" name="violence_types" value="sexual" checked"#
        ));
        assert!(!html.contains(r#"value="physical" checked"#));
    }
}
