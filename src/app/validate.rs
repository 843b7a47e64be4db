//! [`Checks`]: collects every field of a request that is out of its vocabulary or range, so
//! one 422 `validation_failed` names them all. Messages name the field and what is
//! expected, never the value sent (it may be personal data typed into the wrong field).
//! The ranges and lengths are the domain's ([`crate::domain::bounds`]); this only collects.
//! [`FieldBounds`]: what each field of a body accepts, for the OpenAPI document.

use time::Date;
use uuid::Uuid;

use crate::app::error::{AppError, FieldError};
use crate::domain::bounds::{self, FieldCode, MaxChars, Range, Refused};

/// One body schema's fields and what each accepts (beside the parser that checks them).
pub type FieldBounds = Vec<(&'static str, bounds::Accepts)>;

/// Field errors found so far.
#[derive(Debug, Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    /// Records a field error.
    pub fn fail(&mut self, field: impl Into<String>, code: FieldCode, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    /// Keeps `result`'s value, or records its refusal against `field`.
    pub fn check<T>(&mut self, field: &str, result: Result<T, Refused>) -> Option<T> {
        result
            .map_err(|refused| self.0.push(FieldError::refused(field, refused)))
            .ok()
    }

    /// Like [`Checks::check`] for an optional field: `None` stays `None`.
    pub fn check_optional<T>(
        &mut self,
        field: &str,
        value: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, Refused>,
    ) -> Option<Option<T>> {
        match value {
            None => Some(None),
            Some(raw) => self.check(field, parse(raw)).map(Some),
        }
    }

    /// A code of a closed list: `parse` is the list's own.
    pub fn code<T>(&mut self, field: &str, code: &str, parse: fn(&str) -> Option<T>) -> Option<T> {
        let parsed = parse(code);
        if parsed.is_none() {
            self.fail(
                field,
                FieldCode::NotInVocabulary,
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

    /// A day on which something happened: `YYYY-MM-DD`, 1900-01-01 to `today`.
    pub fn happened_on(&mut self, field: &str, text: &str, today: Date) -> Option<Date> {
        self.check(field, bounds::happened_on(text, today))
    }

    /// A day something is due: `YYYY-MM-DD`, within a few years of `today`.
    pub fn due_on(&mut self, field: &str, text: &str, today: Date) -> Option<Date> {
        self.check(field, bounds::due_on(text, today))
    }

    /// Any day, `YYYY-MM-DD` (a filter's, a cursor's): 1900 to 2099.
    pub fn day(&mut self, field: &str, text: &str) -> Option<Date> {
        self.check(field, bounds::any_day(text))
    }

    /// An id as a UUID.
    pub fn uuid(&mut self, field: &str, text: &str) -> Option<Uuid> {
        let parsed = Uuid::parse_str(text).ok();
        if parsed.is_none() {
            self.fail(field, FieldCode::InvalidFormat, "must be an id (a UUID)");
        }
        parsed
    }

    /// A whole number converted to `T`, within `range`.
    pub fn number<T: TryFrom<i64>>(&mut self, field: &str, value: i64, range: Range) -> Option<T> {
        self.check(field, range.check(value))
    }

    /// An optional whole number within `range`: `None` stays `None`.
    pub fn optional_number<T: TryFrom<i64>>(
        &mut self,
        field: &str,
        value: Option<i64>,
        range: Range,
    ) -> Option<Option<T>> {
        match value {
            None => Some(None),
            Some(value) => self.number(field, value, range).map(Some),
        }
    }

    /// Optional free text of at most `limit` characters; absent or only spaces is `None`.
    pub fn text(
        &mut self,
        field: &str,
        value: Option<String>,
        limit: MaxChars,
    ) -> Option<Option<String>> {
        match text(value) {
            None => Some(None),
            Some(value) => self.check(field, limit.check(&value)).map(|()| Some(value)),
        }
    }

    /// Required free text of at most `limit` characters.
    pub fn required_text(&mut self, field: &str, value: String, limit: MaxChars) -> Option<String> {
        if value.trim().is_empty() {
            self.fail(field, FieldCode::Required, "is required");
            return None;
        }
        self.check(field, limit.check(&value)).map(|()| value)
    }

    /// Whether nothing failed.
    pub fn is_clean(&self) -> bool {
        self.0.is_empty()
    }

    /// The 422 for what failed (a generic one if, oddly, nothing did).
    pub fn into_error(self) -> AppError {
        if self.0.is_empty() {
            AppError::invalid("body", FieldCode::InvalidFormat, "is invalid")
        } else {
            AppError::Invalid(self.0)
        }
    }

    /// `Ok` when nothing failed.
    pub fn finish(self) -> Result<(), AppError> {
        if self.is_clean() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }
}

/// Text that is absent, or only spaces, counts as absent.
fn text(value: Option<String>) -> Option<String> {
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
        let today = time::macros::date!(2026 - 11 - 20);
        assert_eq!(checks.happened_on("made_on", "20/11/2026", today), None);
        assert_eq!(checks.number::<u16>("nights", 0, bounds::NIGHTS), None);
        assert_eq!(checks.number::<u16>("nights", 3, bounds::NIGHTS), Some(3));
        let AppError::Invalid(errors) = checks.into_error() else {
            panic!("not a validation error");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["level", "made_on", "nights"]);
        let codes: Vec<FieldCode> = errors.iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            [
                FieldCode::NotInVocabulary,
                FieldCode::InvalidFormat,
                FieldCode::OutOfRange
            ]
        );
        assert!(errors.iter().all(|e| !e.message.contains("extreme")));
    }
}
