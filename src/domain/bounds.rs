//! The bounds of every value a client sends, in one place: the dates, numbers and texts of
//! requests are parsed here, by the API, the web forms (which send the API's bodies) and the
//! command line (which runs the API's account code) alike, and the OpenAPI document is
//! generated from the same constants.
//!
//! - A day is `YYYY-MM-DD`: four ASCII digits, two, two, nothing else (no sign, no five-digit
//!   year, no time), a real calendar day ([`parse_day`]).
//! - A day on which something happened ([`happened_on`]): from 1900-01-01 to today.
//! - A day something is due ([`due_on`]): within [`DUE_WITHIN_YEARS`] years either side of
//!   today.
//! - Any other day ([`any_day`]: the registry's, a filter's): from 1900-01-01 to 2099-12-31 (areas and
//!   addresses may be dated ahead, a reform's effective date say).
//! - A year of birth: 1900 to this year ([`birth_years`]).
//! - Every count is a [`Range`]; every text a [`MaxChars`], counted in characters.
//!
//! Why it matters: an event's facts carry dates as `YYYY-MM`, and a year outside 0..=9999 is
//! written in a form that cannot be read back; a value that cannot be read back halts the
//! projections. Nothing accepted here can make such a value.
//!
//! A refusal carries a [`FieldCode`] from a closed list and a message that says what was
//! expected, never the value sent (it may be personal data typed into the wrong field).

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;
use time::macros::date;
use time::{Date, Duration, Month};

/// Why a field was refused: the closed list a client translates (published in the OpenAPI
/// document).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldCode {
    /// Missing, empty or only spaces.
    Required,
    /// Not a code of its vocabulary.
    NotInVocabulary,
    /// A number, day or year outside its range.
    OutOfRange,
    /// A text longer than its limit (in characters).
    TooLong,
    /// A day of something that happened, after today.
    FutureDate,
    /// Not in the expected form (a day as `YYYY-MM-DD`, an id, an area code, ...).
    InvalidFormat,
    /// A value of the wrong kind: text where a whole number goes. The web app's forms find
    /// it before the API is asked (a JSON body of the wrong type is a 400 `bad_request`).
    WrongType,
    /// Names something that does not exist or is retired or closed.
    Unknown,
    /// Already in use (a username, an area code).
    Taken,
    /// Names an area that is retired, or a trusted address that is closed (or a list that
    /// holds one).
    Retired,
    /// The communes' parent is retired, so nothing new can be defined under it.
    ParentRetired,
    /// An area of the wrong level: not a commune where one is needed, or a parent that is
    /// not the unit one level up.
    WrongLevel,
    /// Given where it does not apply (a province's parent, a name for a commune that exists,
    /// an area or address the user's role does not use): leave it empty.
    NotUsed,
    /// Contradicts another field or the record (e.g. nights with support other than
    /// shelter, `to` before `from`).
    Inconsistent,
    /// An `Idempotency-Key` reused with a different request.
    KeyReused,
    /// A password that does not meet the password rule (too short, or too easy to guess).
    WeakPassword,
    /// A password shorter than the rule's minimum: the web app's own finer word for a
    /// `weak_password` whose length it can see.
    TooShort,
    /// A username holding an invisible, formatting or symbol character.
    DisallowedCharacter,
    /// A username mixing letters of different scripts (a look-alike).
    MixedScripts,
}

impl FieldCode {
    /// Every code, in the order of the list.
    pub const ALL: &'static [Self] = &[
        Self::Required,
        Self::NotInVocabulary,
        Self::OutOfRange,
        Self::TooLong,
        Self::FutureDate,
        Self::InvalidFormat,
        Self::WrongType,
        Self::Unknown,
        Self::Taken,
        Self::Retired,
        Self::ParentRetired,
        Self::WrongLevel,
        Self::NotUsed,
        Self::Inconsistent,
        Self::KeyReused,
        Self::WeakPassword,
        Self::TooShort,
        Self::DisallowedCharacter,
        Self::MixedScripts,
    ];

    /// The stable code a client sees.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::NotInVocabulary => "not_in_vocabulary",
            Self::OutOfRange => "out_of_range",
            Self::TooLong => "too_long",
            Self::FutureDate => "future_date",
            Self::InvalidFormat => "invalid_format",
            Self::WrongType => "wrong_type",
            Self::Unknown => "unknown",
            Self::Taken => "taken",
            Self::Retired => "retired",
            Self::ParentRetired => "parent_retired",
            Self::WrongLevel => "wrong_level",
            Self::NotUsed => "not_used",
            Self::Inconsistent => "inconsistent",
            Self::KeyReused => "key_reused",
            Self::WeakPassword => "weak_password",
            Self::TooShort => "too_short",
            Self::DisallowedCharacter => "disallowed_character",
            Self::MixedScripts => "mixed_scripts",
        }
    }
}

impl fmt::Display for FieldCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A refused value: its code and what was expected (never the value itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub code: FieldCode,
    pub message: Cow<'static, str>,
}

impl Refused {
    pub fn new(code: FieldCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// The earliest day any request may name.
pub const EARLIEST_DAY: Date = date!(1900 - 01 - 01);
/// The latest day any request may name.
pub const LATEST_DAY: Date = date!(2099 - 12 - 31);
/// How many years before or after today a follow-up may be due.
pub const DUE_WITHIN_YEARS: i32 = 5;
/// The earliest year of birth.
pub const EARLIEST_BIRTH_YEAR: i64 = 1900;
/// The pattern of exactly the days from `first` to `last`, both included, written
/// `YYYY-MM-DD`, as the OpenAPI document states it: real calendar days only (no 31 April, a
/// 29 February only in leap years), so that every string a client generates from the
/// document is one the parser accepts. The years between the two ends are spelt out and
/// grouped by leap year; the months of the end years, and the days of their end months, are
/// listed.
pub fn day_pattern_between(first: Date, last: Date) -> String {
    let mut alternatives = Vec::new();
    if first <= last {
        let (start, end) = (first.year(), last.year());
        if start == end {
            alternatives.push(year_part(start, first, last));
        } else {
            alternatives.push(year_part(start, first, year_end(start)));
            let (mut common, mut leap) = (Vec::new(), Vec::new());
            for year in start.saturating_add(1)..end {
                let list = if time::util::is_leap_year(year) {
                    &mut leap
                } else {
                    &mut common
                };
                list.push(format!("{year:04}"));
            }
            for (years, february) in [(common, 28), (leap, 29)] {
                if !years.is_empty() {
                    let body = whole_year(february);
                    alternatives.push(format!("({})-({body})", years.join("|")));
                }
            }
            alternatives.push(year_part(end, year_start(end), last));
        }
    }
    format!("^({})$", alternatives.join("|"))
}

fn year_start(year: i32) -> Date {
    Date::from_calendar_date(year, Month::January, 1).unwrap_or(EARLIEST_DAY)
}

fn year_end(year: i32) -> Date {
    Date::from_calendar_date(year, Month::December, 31).unwrap_or(LATEST_DAY)
}

/// The days of one year from `from` to `to` (both in that year).
fn year_part(year: i32, from: Date, to: Date) -> String {
    let months: Vec<String> = (u8::from(from.month())..=u8::from(to.month()))
        .filter_map(|number| Month::try_from(number).ok())
        .map(|month| {
            let first = if month == from.month() { from.day() } else { 1 };
            let last = if month == to.month() {
                to.day()
            } else {
                month.length(year)
            };
            format!("{:02}-{}", u8::from(month), days(first, last))
        })
        .collect();
    format!("{year:04}-({})", months.join("|"))
}

/// Every day of a year whose February has `february` days.
fn whole_year(february: u8) -> String {
    format!(
        "(0[13578]|1[02])-{}|(0[469]|11)-{}|02-{}",
        days(1, 31),
        days(1, 30),
        days(1, february)
    )
}

/// The days `first..=last` of a month, two digits each.
fn days(first: u8, last: u8) -> String {
    match (first, last) {
        (1, 28) => "(0[1-9]|1[0-9]|2[0-8])".into(),
        (1, 29) => "(0[1-9]|[12][0-9])".into(),
        (1, 30) => "(0[1-9]|[12][0-9]|30)".into(),
        (1, 31) => "(0[1-9]|[12][0-9]|3[01])".into(),
        _ => {
            let listed: Vec<String> = (first..=last).map(|day| format!("{day:02}")).collect();
            format!("({})", listed.join("|"))
        }
    }
}

const FORMAT: &str = "must be a date as YYYY-MM-DD";

/// A day written `YYYY-MM-DD`, strictly, from [`EARLIEST_DAY`] on (no upper bound: the
/// caller's range gives it).
pub fn parse_day(text: &str) -> Result<Date, Refused> {
    let bytes = text.as_bytes();
    let digits_at = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    let shaped = bytes.len() == 10
        && digits_at(0..4)
        && bytes.get(4) == Some(&b'-')
        && digits_at(5..7)
        && bytes.get(7) == Some(&b'-')
        && digits_at(8..10);
    let number = |range: std::ops::Range<usize>| -> Option<u8> {
        text.get(range).and_then(|part| part.parse().ok())
    };
    let day = shaped
        .then(|| {
            let year: i32 = text.get(0..4)?.parse().ok()?;
            let month = Month::try_from(number(5..7)?).ok()?;
            Date::from_calendar_date(year, month, number(8..10)?).ok()
        })
        .flatten()
        .ok_or(Refused::new(FieldCode::InvalidFormat, FORMAT))?;
    if day < EARLIEST_DAY {
        return Err(Refused::new(
            FieldCode::OutOfRange,
            "must be 1900-01-01 or later",
        ));
    }
    Ok(day)
}

/// Checks a day on which something happened: from 1900-01-01 to `today`.
pub fn check_happened(day: Date, today: Date) -> Result<Date, Refused> {
    if day < EARLIEST_DAY {
        Err(Refused::new(
            FieldCode::OutOfRange,
            "must be 1900-01-01 or later",
        ))
    } else if day > today {
        Err(Refused::new(
            FieldCode::FutureDate,
            "must not be in the future",
        ))
    } else {
        Ok(day)
    }
}

/// A day on which something happened, `YYYY-MM-DD`, from 1900-01-01 to `today`.
pub fn happened_on(text: &str, today: Date) -> Result<Date, Refused> {
    check_happened(parse_day(text)?, today)
}

/// The days a follow-up may be due on: [`DUE_WITHIN_YEARS`] years either side of `today`.
pub fn due_days(today: Date) -> (Date, Date) {
    let span = Duration::days(i64::from(DUE_WITHIN_YEARS) * 365 + 1);
    (
        today.checked_sub(span).unwrap_or(EARLIEST_DAY),
        today.checked_add(span).unwrap_or(LATEST_DAY),
    )
}

/// Checks a day something is due: within [`due_days`].
pub fn check_due(day: Date, today: Date) -> Result<Date, Refused> {
    let (earliest, latest) = due_days(today);
    if (earliest..=latest).contains(&day) {
        Ok(day)
    } else {
        Err(Refused::new(
            FieldCode::OutOfRange,
            format!("must be within {DUE_WITHIN_YEARS} years of today"),
        ))
    }
}

/// A day something is due, `YYYY-MM-DD`, within [`due_days`].
pub fn due_on(text: &str, today: Date) -> Result<Date, Refused> {
    check_due(parse_day(text)?, today)
}

/// Any other day (the registry's, a filter's), `YYYY-MM-DD`, from 1900-01-01 to 2099-12-31.
pub fn any_day(text: &str) -> Result<Date, Refused> {
    let day = parse_day(text)?;
    if day > LATEST_DAY {
        return Err(Refused::new(
            FieldCode::OutOfRange,
            "must be 2099-12-31 or earlier",
        ));
    }
    Ok(day)
}

/// An inclusive range of whole numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub min: i64,
    pub max: i64,
}

impl Range {
    /// `value` as a `T`, if it is within the range.
    pub fn check<T: TryFrom<i64>>(self, value: i64) -> Result<T, Refused> {
        (self.min..=self.max)
            .contains(&value)
            .then(|| T::try_from(value).ok())
            .flatten()
            .ok_or_else(|| {
                Refused::new(
                    FieldCode::OutOfRange,
                    format!("must be from {} to {}", self.min, self.max),
                )
            })
    }
}

/// Nights of shelter in one record.
pub const NIGHTS: Range = Range { min: 1, max: 366 };
/// Children with her, in one record.
pub const CHILDREN: Range = Range { min: 0, max: 30 };

/// Years of birth: 1900 to `today`'s year.
pub fn birth_years(today: Date) -> Range {
    Range {
        min: EARLIEST_BIRTH_YEAR,
        max: i64::from(today.year()),
    }
}

/// The longest a text may be, in characters (Unicode scalar values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxChars(pub usize);

impl MaxChars {
    /// Refuses `text` if it is longer than the limit.
    pub fn check(self, text: &str) -> Result<(), Refused> {
        if text.chars().nth(self.0).is_some() {
            Err(Refused::new(
                FieldCode::TooLong,
                format!("must be at most {} characters", self.0),
            ))
        } else {
            Ok(())
        }
    }
}

/// A name: a survivor's, an informant's, a trusted address's, an area's.
pub const NAME: MaxChars = MaxChars(200);
/// A username.
pub const USERNAME: MaxChars = MaxChars(64);
/// A short line: who gave support, an organisation, a contact person or a contact.
pub const LINE: MaxChars = MaxChars(300);
/// A postal address.
pub const ADDRESS: MaxChars = MaxChars(500);
/// Notes, a comment, a reason, a note's text.
pub const NOTES: MaxChars = MaxChars(4000);
/// The narrative of what happened.
pub const NARRATIVE: MaxChars = MaxChars(16000);
/// A password: the longest bounds the hashing work a request costs.
pub const PASSWORD: MaxChars = MaxChars(1024);
/// The shortest password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// A username: not blank, no surrounding spaces or control characters, at most
/// [`USERNAME`] characters.
pub fn username(name: &str) -> Result<(), Refused> {
    if name.trim().is_empty() {
        Err(Refused::new(FieldCode::Required, "is required"))
    } else if name.trim() != name {
        Err(Refused::new(
            FieldCode::InvalidFormat,
            "must not start or end with a space",
        ))
    } else if name.chars().any(char::is_control) {
        Err(Refused::new(
            FieldCode::DisallowedCharacter,
            "must not contain control characters",
        ))
    } else {
        USERNAME.check(name)
    }
}

/// A staff member's full name (*họ và tên*) as it is kept: surrounding spaces trimmed, blank
/// or absent as `None`; refused if it holds a control character or a line or paragraph
/// separator, or is longer than [`NAME`]. The message never contains the name.
pub fn full_name(name: Option<&str>) -> Result<Option<String>, Refused> {
    let Some(name) = name.map(str::trim).filter(|name| !name.is_empty()) else {
        return Ok(None);
    };
    if name.chars().any(breaks_a_line) {
        return Err(Refused::new(
            FieldCode::DisallowedCharacter,
            "must not contain control characters",
        ));
    }
    NAME.check(name).map(|()| Some(name.to_owned()))
}

/// The characters [`FULL_NAME_PATTERN`] leaves out: controls, and the line and paragraph
/// separators.
fn breaks_a_line(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// The full names the OpenAPI document promises to accept ([`full_name`] trims the rest).
pub const FULL_NAME_PATTERN: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029]*$";

/// The password rule: [`MIN_PASSWORD_CHARS`] to [`PASSWORD`] characters. The message never
/// contains the password.
pub fn password(password: &str) -> Result<(), Refused> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        Err(Refused::new(
            FieldCode::WeakPassword,
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ))
    } else {
        PASSWORD.check(password)
    }
}

/// What one request field accepts: the same constants the parse functions above check,
/// named once per field beside each body, from which the OpenAPI document's schemas are
/// generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Accepts {
    /// A code of a closed list.
    Code(Vec<&'static str>),
    /// One or more codes of a closed list.
    Codes(Vec<&'static str>),
    /// [`happened_on`].
    HappenedOn,
    /// [`due_on`].
    DueOn,
    /// [`any_day`].
    AnyDay,
    /// A whole number in a range.
    Count(Range),
    /// A year of birth ([`birth_years`]).
    BirthYear,
    /// Optional text, at most so many characters.
    Text(MaxChars),
    /// Text that must not be blank, at most so many characters.
    RequiredText(MaxChars),
    /// A username ([`username`]).
    Username,
    /// A password ([`password`]).
    Password,
    /// A staff member's full name ([`full_name`]).
    FullName,
    /// Text of this form (a regular expression).
    Pattern(&'static str),
    /// At least so many different texts, each of this form.
    Patterns(&'static str, usize),
    /// A UUID.
    Id,
}

impl Accepts {
    /// A code of `list`.
    pub fn code(list: &[&'static str]) -> Self {
        Self::Code(list.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_pattern_matches_exactly_the_days_in_its_range() {
        let ranges = [
            (date!(1999 - 12 - 20), date!(2001 - 03 - 05)),
            (date!(1900 - 01 - 01), date!(1903 - 12 - 31)),
            (date!(2026 - 02 - 28), date!(2026 - 02 - 28)),
            (date!(2023 - 12 - 05), date!(2029 - 12 - 06)),
        ];
        for (first, last) in ranges {
            let pattern = regex::Regex::new(&day_pattern_between(first, last)).unwrap();
            for year in first.year() - 1..=last.year() + 1 {
                for month in 0..=13 {
                    for day in 0..=32 {
                        let text = format!("{year:04}-{month:02}-{day:02}");
                        let inside =
                            parse_day(&text).is_ok_and(|parsed| (first..=last).contains(&parsed));
                        assert_eq!(
                            pattern.is_match(&text),
                            inside,
                            "{text} in {first}..={last}"
                        );
                    }
                }
            }
            for text in [" 2000-01-01", "2000-01-01\n", "+2000-01-01", "2000-1-01"] {
                assert!(!pattern.is_match(text), "{text:?}");
            }
        }
    }

    const TODAY: Date = date!(2026 - 11 - 20);

    #[test]
    fn a_day_is_four_two_and_two_digits_and_nothing_else() {
        assert_eq!(parse_day("2026-11-20"), Ok(TODAY));
        for text in [
            "-0001-01-01",
            "+2026-11-20",
            "0000-01-01",
            "10000-01-01",
            "2026-1-20",
            "2026-11-20T00:00",
            "2026-02-30",
            "2026-13-01",
            "２０２６-11-20",
            "",
        ] {
            let refused = parse_day(text).unwrap_err();
            assert!(
                matches!(
                    refused.code,
                    FieldCode::InvalidFormat | FieldCode::OutOfRange
                ),
                "{text}"
            );
        }
        assert_eq!(
            parse_day("1899-12-31").unwrap_err().code,
            FieldCode::OutOfRange
        );
    }

    #[test]
    fn a_day_that_happened_is_from_1900_to_today() {
        assert_eq!(happened_on("1900-01-01", TODAY), Ok(EARLIEST_DAY));
        assert_eq!(happened_on("2026-11-20", TODAY), Ok(TODAY));
        assert_eq!(
            happened_on("2026-11-21", TODAY).unwrap_err().code,
            FieldCode::FutureDate
        );
        assert_eq!(
            happened_on("0000-01-01", TODAY).unwrap_err().code,
            FieldCode::OutOfRange
        );
    }

    #[test]
    fn a_due_day_is_within_five_years_of_today() {
        assert!(due_on("2031-11-20", TODAY).is_ok());
        assert!(due_on("2021-11-20", TODAY).is_ok());
        assert_eq!(
            due_on("2031-11-22", TODAY).unwrap_err().code,
            FieldCode::OutOfRange
        );
        assert_eq!(
            due_on("9999-12-31", TODAY).unwrap_err().code,
            FieldCode::OutOfRange
        );
    }

    #[test]
    fn numbers_and_texts_have_limits() {
        assert_eq!(NIGHTS.check::<u16>(366), Ok(366));
        assert_eq!(
            NIGHTS.check::<u16>(i64::MAX).unwrap_err().code,
            FieldCode::OutOfRange
        );
        assert_eq!(birth_years(TODAY).check::<i32>(2026), Ok(2026));
        assert!(birth_years(TODAY).check::<i32>(2027).is_err());
        assert!(birth_years(TODAY).check::<i32>(1899).is_err());
        assert!(NAME.check(&"ễ".repeat(200)).is_ok());
        assert_eq!(
            NAME.check(&"ễ".repeat(201)).unwrap_err().code,
            FieldCode::TooLong
        );
    }

    #[test]
    fn a_full_name_is_trimmed_printable_text_of_at_most_a_name_s_length() {
        let kept = |raw: &str| full_name(Some(raw));
        assert_eq!(kept("  Nguyễn Thị Lan "), Ok(Some("Nguyễn Thị Lan".into())));
        assert_eq!(kept("   "), Ok(None));
        assert_eq!(full_name(None), Ok(None));
        assert!(kept(&format!(" {} ", "ễ".repeat(200))).is_ok());
        assert_eq!(kept(&"ễ".repeat(201)).unwrap_err().code, FieldCode::TooLong);
        let pattern = regex::Regex::new(FULL_NAME_PATTERN).unwrap();
        for bad in [
            "Lan\nAnh",
            "Lan\u{0}Anh",
            "Lan\u{7f}Anh",
            "Lan\u{85}Anh",
            "Lan\u{2028}Anh",
        ] {
            let refused = kept(bad).unwrap_err();
            assert_eq!(refused.code, FieldCode::DisallowedCharacter, "{bad:?}");
            assert!(!refused.message.contains("Lan"));
            assert!(!pattern.is_match(bad), "{bad:?}");
        }
        // Surrounding white space, a line break too, is trimmed rather than refused.
        assert_eq!(kept("\tLan Anh\u{85}\n"), Ok(Some("Lan Anh".into())));
        for good in ["Nguyễn Thị Lan", "H'Hen Niê", "Đặng-Văn B.", "李"] {
            assert!(pattern.is_match(good) && kept(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn a_message_never_quotes_the_value() {
        let refused = parse_day("Nguyễn Thị A").unwrap_err();
        assert!(!refused.message.contains("Nguyễn"));
    }
}
