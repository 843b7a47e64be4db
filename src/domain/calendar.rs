//! How dates are written in events: a day as `YYYY-MM-DD` ([`IsoDate`], used with
//! `#[serde(with = "IsoDate")]` on `time::Date` fields) and a month as `YYYY-MM`
//! ([`YearMonth`]). Facts carry months, not days, so that the coded part of an event does not
//! pin a survivor to a date; the exact day lives in the personal part.
//!
//! The written forms are part of the stored format and must never change.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use time::{Date, Month, format_description::BorrowedFormatItem, macros::format_description};

use crate::domain::catalogue::string_schema;

const DAY: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// A day as `YYYY-MM-DD`: the one way a day is written for a machine (events, the API's
/// answers, a form's `date` input, a CSV).
pub fn iso_day(date: Date) -> String {
    date.format(DAY).unwrap_or_default()
}

/// Serde and JSON Schema adapter for `time::Date` as `YYYY-MM-DD`: a field written
/// `#[serde(with = "IsoDate")]` uses [`IsoDate::serialize`] and [`IsoDate::deserialize`], and
/// schemars reads the same attribute as "this field's schema is `IsoDate`'s".
#[derive(Debug)]
pub struct IsoDate;

impl IsoDate {
    pub fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        let text = date.format(DAY).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = Cow::<str>::deserialize(deserializer)?;
        // The message never quotes the input.
        Date::parse(&text, DAY).map_err(|_| de::Error::custom("expected a date as YYYY-MM-DD"))
    }
}

impl JsonSchema for IsoDate {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "IsoDate".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        string_schema(&[("format", "date".into())])
    }
}

/// A calendar month, written `YYYY-MM`: the period facts are counted in.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct YearMonth {
    year: i32,
    month: Month,
}

impl YearMonth {
    /// The month a day falls in.
    pub fn of(date: Date) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Parses `YYYY-MM` (four-digit year, two-digit month 01..=12).
    pub fn parse(text: &str) -> Option<Self> {
        let (year, month) = text.split_once('-')?;
        if year.len() != 4
            || month.len() != 2
            || !(year.chars().chain(month.chars())).all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let month = Month::try_from(month.parse::<u8>().ok()?).ok()?;
        Some(Self {
            year: year.parse().ok()?,
            month,
        })
    }

    /// The month's first day.
    pub fn first_day(self) -> Option<Date> {
        Date::from_calendar_date(self.year(), self.month(), 1).ok()
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> Month {
        self.month
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, u8::from(self.month))
    }
}

impl fmt::Debug for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "YearMonth({self})")
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<str>::deserialize(deserializer)?;
        Self::parse(&text).ok_or_else(|| de::Error::custom("expected a month as YYYY-MM"))
    }
}

impl JsonSchema for YearMonth {
    fn schema_name() -> Cow<'static, str> {
        "YearMonth".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        string_schema(&[("pattern", "^[0-9]{4}-(0[1-9]|1[0-2])$".into())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_month_is_written_with_four_and_two_digits() {
        let month = YearMonth::of(date!(2026 - 03 - 09));
        assert_eq!(month.to_string(), "2026-03");
        assert_eq!(serde_json::to_string(&month).unwrap(), "\"2026-03\"");
        assert_eq!(YearMonth::parse("2026-03"), Some(month));
    }

    #[test]
    fn malformed_months_are_refused() {
        for text in [
            "2026-13",
            "2026-00",
            "26-03",
            "2026-3",
            "2026/03",
            "+026-03",
            "2026-03-01",
        ] {
            assert_eq!(YearMonth::parse(text), None, "{text}");
        }
    }

    #[test]
    fn a_day_round_trips_as_iso_text() {
        #[derive(Serialize, Deserialize)]
        struct Wrapper(#[serde(with = "IsoDate")] Date);
        let json = serde_json::to_string(&Wrapper(date!(2026 - 11 - 20))).unwrap();
        assert_eq!(json, "\"2026-11-20\"");
        let Wrapper(back) = serde_json::from_str(&json).unwrap();
        assert_eq!(back, date!(2026 - 11 - 20));
        assert!(serde_json::from_str::<Wrapper>("\"20/11/2026\"").is_err());
    }
}
