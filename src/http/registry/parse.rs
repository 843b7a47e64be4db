//! Parsing registry request fields into domain values, collecting every field's error so a
//! client learns all its mistakes at once (422 `validation_failed`). Messages name what is
//! wrong, never the value sent.

use time::Date;
use time::macros::format_description;

use crate::domain::ids::{AreaCode, TrustedAddressId};
use crate::domain::vocab::AreaLevel;
use crate::http::error::{ApiError, FieldError};
use crate::projections::registry::{Area, Registry, TrustedAddress};

/// Field errors found so far.
#[derive(Debug, Default)]
pub struct Fields(Vec<FieldError>);

impl Fields {
    /// Keep `result`'s value, or note its error against `field`.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.0.push(FieldError {
                    field: field.to_owned(),
                    message,
                });
                None
            }
        }
    }

    /// Like [`Fields::check`] for an optional field: `None` stays `None`.
    pub fn check_optional<T>(
        &mut self,
        field: &str,
        value: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        match value {
            None => Some(None),
            Some(raw) => self.check(field, parse(raw)).map(Some),
        }
    }

    /// `Ok` if no field failed.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

const DAY: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

/// A day written `YYYY-MM-DD`.
pub fn date(text: &str) -> Result<Date, String> {
    Date::parse(text, DAY).map_err(|_| "expected a date as YYYY-MM-DD".to_owned())
}

/// A day as `YYYY-MM-DD`.
pub fn iso_date(date: Date) -> String {
    date.format(DAY).unwrap_or_default()
}

pub fn area_code(text: &str) -> Result<AreaCode, String> {
    AreaCode::parse(text).map_err(|error| error.to_string())
}

pub fn area_level(text: &str) -> Result<AreaLevel, String> {
    AreaLevel::parse(text).ok_or_else(|| one_of(AreaLevel::CODES))
}

pub fn trusted_address_id(text: &str) -> Result<TrustedAddressId, String> {
    uuid::Uuid::parse_str(text)
        .map(TrustedAddressId::from_uuid)
        .map_err(|_| "is not a trusted address id".to_owned())
}

/// "must be one of a, b, c".
pub fn one_of(codes: &[&str]) -> String {
    format!("must be one of {}", codes.join(", "))
}

/// An area that exists and is still in force.
pub fn current_area(registry: &Registry, code: &AreaCode) -> Result<Area, String> {
    let area = registry
        .area(code)
        .ok_or_else(|| "no such area".to_owned())?;
    if area.valid_to.is_some() {
        return Err("the area is retired".to_owned());
    }
    Ok(area)
}

/// A trusted address that exists and is open.
pub fn open_address(registry: &Registry, id: &TrustedAddressId) -> Result<TrustedAddress, String> {
    let address = registry
        .trusted_address(id)
        .ok_or_else(|| "no such trusted address".to_owned())?;
    if address.closed_on.is_some() {
        return Err("the trusted address is closed".to_owned());
    }
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_error_is_collected() {
        let mut fields = Fields::default();
        assert_eq!(fields.check("code", area_code("7")), None);
        assert_eq!(fields.check("level", area_level("village")), None);
        assert!(fields.check("on", date("2026-11-20")).is_some());
        let Err(ApiError::Validation(errors)) = fields.finish() else {
            panic!("expected a validation error");
        };
        let names: Vec<&str> = errors.iter().map(|error| error.field.as_str()).collect();
        assert_eq!(names, ["code", "level"]);
        assert_eq!(
            errors[1].message,
            "must be one of province, district, commune"
        );
    }

    #[test]
    fn a_message_never_quotes_the_value() {
        let message = date("Nguyễn Thị A").unwrap_err();
        assert!(!message.contains("Nguyễn"), "{message}");
    }
}
