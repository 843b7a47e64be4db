//! What stands above a supervisor's refused form: the `.conflict` box of a 412, else the
//! refusal's summary. Which refusals a form answers, and the words under its fields, are
//! [`crate::web::refusal`]'s; each supervisor's form explains its field errors by the
//! field's name (an error on a field it does not have is said above it instead).

use maud::{Markup, html};

use crate::web::i18n::{Lang, tr};
use crate::web::refusal::Refusal;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::error::AppError;

    #[test]
    fn a_conflict_is_a_box_and_an_unexplained_field_is_not_shown() {
        let stale = AppError::Stale { version: 4 };
        let refusal = Refusal::of(stale, Lang::Vi, |_| None).unwrap();
        assert!(
            banner(Lang::Vi, Some(&refusal))
                .into_string()
                .contains("class=\"conflict\"")
        );
        let used = AppError::invalid(
            "Idempotency-Key",
            crate::domain::bounds::FieldCode::KeyReused,
            "used for a different request",
        );
        let refusal = Refusal::of(used, Lang::En, |_| None).unwrap();
        let html = banner(Lang::En, Some(&refusal)).into_string();
        assert!(html.contains("form-error") && !html.contains("different"));
    }
}
