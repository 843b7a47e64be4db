//! The retention rule: a case closed longer ago than the retention period is erased, with
//! reason `retention`. Only the month of closure is a fact (the day is personal data), so the
//! period counts from the end of the closing month: a case closed in March 2021 under a
//! five-year period is due on 1 April 2026. An open case, a case waiting for a supervisor's
//! review and an erased case are never due.

use time::Date;

use super::state::{CaseState, CaseStatus};

/// How long a closed case is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetentionPeriod {
    years: u16,
}

/// A retention period of zero years would erase cases the month they are closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the retention period must be at least one year")]
pub struct RetentionTooShort;

impl RetentionPeriod {
    /// Five years, the default.
    pub const DEFAULT: Self = Self { years: 5 };

    pub fn years(years: u16) -> Result<Self, RetentionTooShort> {
        if years == 0 {
            return Err(RetentionTooShort);
        }
        Ok(Self { years })
    }

    pub fn in_years(self) -> u16 {
        self.years
    }
}

impl Default for RetentionPeriod {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The first day on which `case` is due for erasure, if it is closed.
pub fn due_on(case: &CaseState, period: RetentionPeriod) -> Option<Date> {
    if case.status != Some(CaseStatus::Closed) {
        return None;
    }
    let closed = case.closed_in?;
    let year = closed.year().checked_add(i32::from(period.years))?;
    let first_of_next_month = match closed.month().next() {
        time::Month::January => {
            Date::from_calendar_date(year.checked_add(1)?, time::Month::January, 1)
        }
        next => Date::from_calendar_date(year, next, 1),
    };
    first_of_next_month.ok()
}

/// Whether `case` is due for erasure on `today`.
pub fn is_due(case: &CaseState, today: Date, period: RetentionPeriod) -> bool {
    due_on(case, period).is_some_and(|due| due <= today)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::domain::calendar::YearMonth;

    fn closed_in(month: &str) -> CaseState {
        CaseState {
            status: Some(CaseStatus::Closed),
            closed_in: YearMonth::parse(month),
            ..CaseState::default()
        }
    }

    #[test]
    fn a_case_is_due_from_the_first_day_after_its_closing_month_plus_the_period() {
        let case = closed_in("2021-03");
        let five = RetentionPeriod::DEFAULT;
        assert_eq!(due_on(&case, five), Some(date!(2026 - 04 - 01)));
        assert!(!is_due(&case, date!(2026 - 03 - 31), five));
        assert!(is_due(&case, date!(2026 - 04 - 01), five));
    }

    #[test]
    fn a_case_closed_in_december_is_due_in_january() {
        let case = closed_in("2020-12");
        assert_eq!(
            due_on(&case, RetentionPeriod::years(1).unwrap()),
            Some(date!(2022 - 01 - 01))
        );
    }

    #[test]
    fn open_waiting_and_erased_cases_are_never_due() {
        for status in [
            CaseStatus::Open,
            CaseStatus::ClosureRequested,
            CaseStatus::Erased,
        ] {
            let case = CaseState {
                status: Some(status),
                ..closed_in("2001-01")
            };
            assert!(!is_due(
                &case,
                date!(2026 - 11 - 22),
                RetentionPeriod::DEFAULT
            ));
        }
    }

    #[test]
    fn a_zero_period_is_refused() {
        assert_eq!(RetentionPeriod::years(0), Err(RetentionTooShort));
        assert_eq!(RetentionPeriod::years(7).unwrap().in_years(), 7);
    }
}
