//! Registry request fields into domain values: each answers the value or a [`Refused`] with
//! its code, for [`Checks`](crate::app::validate::Checks) to collect (so a client learns all
//! its mistakes at once). Messages name what is wrong, never the value sent.

use time::Date;

use crate::domain::bounds::{self, FieldCode, Refused};
use crate::domain::ids::{AreaCode, TrustedAddressId};
use crate::domain::vocab::AreaLevel;
use crate::projections::registry::{Area, Registry, TrustedAddress};

/// A day written `YYYY-MM-DD`, within the registry's bounds.
pub fn date(text: &str) -> Result<Date, Refused> {
    bounds::any_day(text)
}

pub fn area_code(text: &str) -> Result<AreaCode, Refused> {
    AreaCode::parse(text).map_err(|error| Refused::new(FieldCode::InvalidFormat, error.to_string()))
}

pub fn area_level(text: &str) -> Result<AreaLevel, Refused> {
    AreaLevel::parse(text).ok_or_else(|| one_of(AreaLevel::CODES))
}

pub fn trusted_address_id(text: &str) -> Result<TrustedAddressId, Refused> {
    uuid::Uuid::parse_str(text)
        .map(TrustedAddressId::from_uuid)
        .map_err(|_| Refused::new(FieldCode::InvalidFormat, "is not a trusted address id"))
}

/// "must be one of a, b, c".
pub fn one_of(codes: &[&str]) -> Refused {
    Refused::new(
        FieldCode::NotInVocabulary,
        format!("must be one of {}", codes.join(", ")),
    )
}

/// An area that exists and is still in force.
pub fn current_area(registry: &Registry, code: &AreaCode) -> Result<Area, Refused> {
    let area = registry
        .area(code)
        .ok_or(Refused::new(FieldCode::Unknown, "no such area"))?;
    if area.valid_to.is_some() {
        return Err(Refused::new(FieldCode::Retired, "the area is retired"));
    }
    Ok(area)
}

/// A trusted address that exists and is open.
pub fn open_address(registry: &Registry, id: &TrustedAddressId) -> Result<TrustedAddress, Refused> {
    let address = registry
        .trusted_address(id)
        .ok_or(Refused::new(FieldCode::Unknown, "no such trusted address"))?;
    if address.closed_on.is_some() {
        return Err(Refused::new(
            FieldCode::Retired,
            "the trusted address is closed",
        ));
    }
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::error::AppError;
    use crate::app::validate::Checks;

    #[test]
    fn every_field_error_is_collected() {
        let mut fields = Checks::default();
        assert_eq!(fields.check("code", area_code("7")), None);
        assert_eq!(fields.check("level", area_level("village")), None);
        assert!(fields.check("on", date("2026-11-20")).is_some());
        let Err(AppError::Invalid(errors)) = fields.finish() else {
            panic!("expected a validation error");
        };
        let names: Vec<&str> = errors.iter().map(|error| error.field.as_str()).collect();
        assert_eq!(names, ["code", "level"]);
        assert_eq!(
            errors[1].message,
            "must be one of province, district, commune"
        );
        assert_eq!(errors[1].code, FieldCode::NotInVocabulary);
    }

    #[test]
    fn a_message_never_quotes_the_value() {
        let message = date("Nguyễn Thị A").unwrap_err();
        assert!(!message.message.contains("Nguyễn"), "{message:?}");
    }
}
