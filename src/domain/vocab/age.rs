//! GBVIMS age bands (0–11, 12–17, 18–25, 26–40, 41–60, 61+), which facts carry instead of a
//! year of birth, and their derivation from a year of birth.

use time::Date;

code_list! {
    /// A GBVIMS age band; ordered youngest first.
    AgeBand as "age_band" {
        Age0To11 = "0-11" { vi: "0–11 tuổi", en: "0–11 years" },
        Age12To17 = "12-17" { vi: "12–17 tuổi", en: "12–17 years" },
        Age18To25 = "18-25" { vi: "18–25 tuổi", en: "18–25 years" },
        Age26To40 = "26-40" { vi: "26–40 tuổi", en: "26–40 years" },
        Age41To60 = "41-60" { vi: "41–60 tuổi", en: "41–60 years" },
        Age61Plus = "61+" { vi: "Từ 61 tuổi trở lên", en: "61 years and over" },
    }
}

/// Oldest age accepted as plausible; a year of birth further back is a typing error.
const MAX_AGE: i32 = 130;

impl AgeBand {
    /// The band of someone born in `birth_year`, with the age estimated as
    /// `on.year() - birth_year` (only the year of birth is recorded). `None` when that age is
    /// negative or over 130.
    pub fn from_birth_year(birth_year: i32, on: Date) -> Option<Self> {
        let age = on.year().checked_sub(birth_year)?;
        Some(match age {
            ..0 => return None,
            0..=11 => Self::Age0To11,
            12..=17 => Self::Age12To17,
            18..=25 => Self::Age18To25,
            26..=40 => Self::Age26To40,
            41..=60 => Self::Age41To60,
            61..=MAX_AGE => Self::Age61Plus,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const ON: Date = date!(2026 - 06 - 15);

    fn band(age: i32) -> Option<AgeBand> {
        AgeBand::from_birth_year(2026 - age, ON)
    }

    #[test]
    fn each_band_starts_and_ends_where_gbvims_says() {
        let edges = [
            (0, AgeBand::Age0To11),
            (11, AgeBand::Age0To11),
            (12, AgeBand::Age12To17),
            (17, AgeBand::Age12To17),
            (18, AgeBand::Age18To25),
            (25, AgeBand::Age18To25),
            (26, AgeBand::Age26To40),
            (40, AgeBand::Age26To40),
            (41, AgeBand::Age41To60),
            (60, AgeBand::Age41To60),
            (61, AgeBand::Age61Plus),
            (130, AgeBand::Age61Plus),
        ];
        for (age, expected) in edges {
            assert_eq!(band(age), Some(expected), "age {age}");
        }
    }

    #[test]
    fn a_birth_year_after_the_date_has_no_band() {
        assert_eq!(band(-1), None);
    }

    #[test]
    fn an_age_over_130_has_no_band() {
        assert_eq!(band(131), None);
        assert_eq!(AgeBand::from_birth_year(i32::MIN, ON), None);
        assert_eq!(AgeBand::from_birth_year(i32::MAX, ON), None);
    }

    #[test]
    fn only_the_year_counts() {
        assert_eq!(
            AgeBand::from_birth_year(2008, date!(2026 - 01 - 01)),
            Some(AgeBand::Age18To25)
        );
    }

    #[test]
    fn bands_are_ordered_youngest_first() {
        assert!(AgeBand::ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(AgeBand::parse("61+"), Some(AgeBand::Age61Plus));
    }
}
