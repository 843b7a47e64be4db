//! The fixed grid of periods a statistics query may ask for: a calendar month `YYYY-MM`, a
//! quarter `YYYY-Qn` or a year `YYYY`, and nothing else (API.md, "Statistics"). Free ranges
//! are gone on purpose: every extra way of cutting time is another pair of overlapping
//! tables whose difference isolates the cases between them, and averaging many such pairs
//! strips the noise. The rules that go with it live here too, as one function each, so the
//! API and the web explorer refuse the same queries with the same words.

use crate::domain::vocab::AreaLevel;
use crate::stats::areas::Units;
use crate::stats::dimension::Dimension;
use crate::stats::facts::Month;

/// The first and last years a period may name.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// One period of the grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    Month(Month),
    /// The quarter's first month.
    Quarter(Month),
    Year(i32),
}

impl Period {
    /// `2026`, `2026-Q2` or `2026-03`; anything else (a range, a day, a year outside
    /// 2000–2100) is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let year_of = |text: &str| {
            text.parse::<i32>()
                .ok()
                .filter(|_| text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()))
                .filter(|year| YEARS.contains(year))
        };
        if let Some((year, quarter)) = text.split_once("-Q") {
            let year = year_of(year)?;
            let quarter: u8 = match quarter {
                "1" => 1,
                "2" => 2,
                "3" => 3,
                "4" => 4,
                _ => return None,
            };
            return Some(Self::Quarter(Month::of_year_month(year, quarter * 3 - 2)));
        }
        if let Some((year, month)) = text.split_once('-') {
            let year = year_of(year)?;
            let number = month
                .parse::<u8>()
                .ok()
                .filter(|n| month.len() == 2 && (1..=12).contains(n))?;
            return Some(Self::Month(Month::of_year_month(year, number)));
        }
        year_of(text).map(Self::Year)
    }

    pub fn first(self) -> Month {
        match self {
            Self::Month(month) | Self::Quarter(month) => month,
            Self::Year(year) => Month::of_year_month(year, 1),
        }
    }

    pub fn last(self) -> Month {
        match self {
            Self::Month(month) => month,
            Self::Quarter(month) => Month(month.0.saturating_add(2)),
            Self::Year(year) => Month::of_year_month(year, 12),
        }
    }

    /// As the API writes it.
    pub fn label(self) -> String {
        match self {
            Self::Month(month) => month.label(),
            Self::Quarter(month) => format!("{:04}-Q{}", month.year(), month.quarter()),
            Self::Year(year) => format!("{year:04}"),
        }
    }

    pub fn is_year(self) -> bool {
        matches!(self, Self::Year(_))
    }
}

/// Why a query's cut of time is refused (422, with the rule in words).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeRule {
    /// In perturbed mode a month needs an area at district level or above, and communes and
    /// trusted addresses are reported by quarter or year.
    MonthNeedsDistrict,
    /// Historical units (merged communes as they were) are given only for a whole year.
    HistoricalNeedsYear,
}

impl TimeRule {
    /// The field the refusal names.
    pub fn field(self) -> &'static str {
        match self {
            Self::MonthNeedsDistrict => "period",
            Self::HistoricalNeedsYear => "units",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::MonthNeedsDistrict => {
                "months are reported only for a district or a province, and never by commune or trusted address; ask for a quarter or a year"
            }
            Self::HistoricalNeedsYear => {
                "historical units are given only for a whole year, with no series by month or quarter"
            }
        }
    }
}

/// The rules on cutting time (API.md): `perturbed` is the mode, `level` the asked area's.
pub fn check(
    period: Period,
    dims: &[Dimension],
    units: Units,
    perturbed: bool,
    level: AreaLevel,
) -> Result<(), TimeRule> {
    let by_month = dims.contains(&Dimension::Month);
    let monthly = by_month || matches!(period, Period::Month(_));
    let small_units = dims
        .iter()
        .any(|dim| matches!(dim, Dimension::Commune | Dimension::TrustedAddress));
    if perturbed && monthly && (level == AreaLevel::Commune || small_units) {
        return Err(TimeRule::MonthNeedsDistrict);
    }
    if units == Units::Historical && (!period.is_year() || dims.iter().any(|d| d.is_time())) {
        return Err(TimeRule::HistoricalNeedsYear);
    }
    Ok(())
}
