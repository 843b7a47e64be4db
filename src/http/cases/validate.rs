//! [`Checks`]: collects every field of a request that is out of its vocabulary or range, so
//! one 422 `validation_failed` names them all. Messages name the field and what is
//! expected, never the value sent (it may be personal data typed into the wrong field).

use time::Date;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use uuid::Uuid;

use crate::http::error::{ApiError, FieldError};

const DAY: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// Field errors found so far.
#[derive(Debug, Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    /// Records a field error.
    pub fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// A code of a closed list: `parse` is the list's own.
    pub fn code<T>(&mut self, field: &str, code: &str, parse: fn(&str) -> Option<T>) -> Option<T> {
        let parsed = parse(code);
        if parsed.is_none() {
            self.fail(
                field,
                "is not a code of its vocabulary (see GET /vocabularies)",
            );
        }
        parsed
    }

    /// An optional code: `None` stays `None`.
    pub fn optional_code<T>(
        &mut self,
        field: &str,
        code: Option<&str>,
        parse: fn(&str) -> Option<T>,
    ) -> Option<Option<T>> {
        match code {
            None => Some(None),
            Some(code) => self.code(field, code, parse).map(Some),
        }
    }

    /// A day as `YYYY-MM-DD`.
    pub fn date(&mut self, field: &str, text: &str) -> Option<Date> {
        let parsed = Date::parse(text, DAY).ok();
        if parsed.is_none() {
            self.fail(field, "must be a date as YYYY-MM-DD");
        }
        parsed
    }

    /// An id as a UUID.
    pub fn uuid(&mut self, field: &str, text: &str) -> Option<Uuid> {
        let parsed = Uuid::parse_str(text).ok();
        if parsed.is_none() {
            self.fail(field, "must be an id (a UUID)");
        }
        parsed
    }

    /// A whole number converted to `T`, within `range`.
    pub fn number<T>(
        &mut self,
        field: &str,
        value: i64,
        range: std::ops::RangeInclusive<i64>,
    ) -> Option<T>
    where
        T: TryFrom<i64>,
    {
        let parsed = range
            .contains(&value)
            .then(|| T::try_from(value).ok())
            .flatten();
        if parsed.is_none() {
            self.fail(
                field,
                format!("must be from {} to {}", range.start(), range.end()),
            );
        }
        parsed
    }

    /// Whether nothing failed.
    pub fn is_clean(&self) -> bool {
        self.0.is_empty()
    }

    /// The 422 for what failed (a generic one if, oddly, nothing did).
    pub fn into_error(self) -> ApiError {
        if self.0.is_empty() {
            ApiError::invalid("body", "is invalid")
        } else {
            ApiError::Validation(self.0)
        }
    }

    /// `Ok` when nothing failed.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.is_clean() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }
}

/// Text that is absent, or only spaces, counts as absent.
pub fn text(value: Option<String>) -> Option<String> {
    value.filter(|text| !text.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::vocab::RiskLevel;

    #[test]
    fn every_bad_field_is_named_once() {
        let mut checks = Checks::default();
        assert_eq!(
            checks.code("level", "high", RiskLevel::parse),
            Some(RiskLevel::High)
        );
        assert_eq!(checks.code("level", "extreme", RiskLevel::parse), None);
        assert_eq!(checks.date("made_on", "20/11/2026"), None);
        assert_eq!(checks.number::<u16>("nights", 0, 1..=366), None);
        assert_eq!(checks.number::<u16>("nights", 3, 1..=366), Some(3));
        let ApiError::Validation(errors) = checks.into_error() else {
            panic!("not a validation error");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["level", "made_on", "nights"]);
        assert!(errors.iter().all(|e| !e.message.contains("extreme")));
    }
}
