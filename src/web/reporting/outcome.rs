//! What a reporting page shows under its form, from the API core's answer: the table (or
//! report) asked for; the form again with the refused fields marked (422); the form again
//! with a notice that her statistics budget is spent and the day it renews (429, in words,
//! never the generic "too many attempts"); or, for an area search, the form alone (nothing
//! is asked of the statistics, so nothing is charged or recorded).
//!
//! Any other refusal (403, 404, 5xx) is the web app's error page, as everywhere.

use axum::http::StatusCode;
use maud::{Markup, html};
use time::Date;

use crate::app::error::{AppError, FieldError};
use crate::web::error::WebError;
use crate::web::i18n::{Lang, date, tr};

/// What the page shows under its form.
#[derive(Debug)]
pub enum Outcome<T> {
    /// The table or report asked for.
    Answered(T),
    /// The API refused some fields: the form again, with the errors under them.
    Invalid(Vec<FieldError>),
    /// Her budget for the rolling 30 days is spent; new tables again from this day.
    Exhausted(Date),
    /// An area search: the form with the matching units, and nothing asked.
    Searching,
}

impl<T> Outcome<T> {
    /// The API core's answer as a page's outcome; a refusal the form cannot show is the
    /// error page.
    pub fn of(answer: Result<T, AppError>, lang: Lang) -> Result<Self, WebError> {
        match answer {
            Ok(answered) => Ok(Self::Answered(answered)),
            Err(AppError::Invalid(errors)) => Ok(Self::Invalid(errors)),
            Err(AppError::BudgetExhausted { renews_on }) => Ok(Self::Exhausted(renews_on)),
            Err(error) => Err(WebError::app(error, lang)),
        }
    }

    /// The page's status: the API's for the same answer.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Answered(_) | Self::Searching => StatusCode::OK,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Exhausted(_) => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    /// The refused fields (none unless [`Self::Invalid`]).
    pub fn errors(&self) -> &[FieldError] {
        match self {
            Self::Invalid(errors) => errors,
            _ => &[],
        }
    }

    /// What was answered, if anything.
    pub fn answered(&self) -> Option<&T> {
        match self {
            Self::Answered(answered) => Some(answered),
            _ => None,
        }
    }

    /// The notice above the form when the budget is spent.
    pub fn notice(&self, lang: Lang) -> Option<Markup> {
        match self {
            Self::Exhausted(renews_on) => Some(exhausted(lang, *renews_on)),
            _ => None,
        }
    }
}

/// The budget notice: what happened, what still works, and the day new tables may be asked
/// for again.
pub fn exhausted(lang: Lang, renews_on: Date) -> Markup {
    let day = date(lang, renews_on);
    html! {
        div #budget-exhausted .notice.error-message role="alert" {
            p { strong { (tr(lang, "stats.budget.title")) } }
            p { (tr(lang, "stats.budget.body").replace("{date}", &day)) }
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::domain::bounds::FieldCode;

    #[test]
    fn a_spent_budget_is_said_in_words_with_its_renewal_day() {
        let outcome: Outcome<()> = Outcome::of(
            Err(AppError::BudgetExhausted {
                renews_on: date!(2026 - 12 - 19),
            }),
            Lang::Vi,
        )
        .unwrap();
        assert_eq!(outcome.status(), StatusCode::TOO_MANY_REQUESTS);
        let vi = outcome.notice(Lang::Vi).unwrap().into_string();
        assert!(vi.contains("19/12/2026"), "{vi}");
        assert!(vi.contains(r#"role="alert""#), "{vi}");
        let en = outcome.notice(Lang::En).unwrap().into_string();
        assert!(en.contains("2026-12-19"), "{en}");
        assert!(en.contains("30 days"), "{en}");
    }

    #[test]
    fn invalid_fields_come_back_and_other_refusals_are_error_pages() {
        let invalid: Outcome<()> = Outcome::of(
            Err(AppError::Invalid(vec![FieldError::new(
                "by",
                FieldCode::OutOfRange,
                "too large",
            )])),
            Lang::En,
        )
        .unwrap();
        assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(invalid.errors().len(), 1);
        assert!(invalid.notice(Lang::En).is_none());
        assert!(Outcome::<()>::of(Err(AppError::NotFound), Lang::En).is_err());
        assert_eq!(Outcome::Answered(7).answered(), Some(&7));
    }
}
