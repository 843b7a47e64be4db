//! The compact form in which the statistics projection keeps what it counts: one
//! [`CaseRecord`] per case (its coded attributes, as small integers) and, inside it, one
//! 16-byte [`Row`] per counted event. Facts only: nothing here names, locates or dates a
//! person to the day (a follow-up's due day is kept, as the facts keep it, to tell whether it
//! is overdue).
//!
//! Memory matters (a province's ten years is ~100,000 cases and ~1,000,000 events): vocabulary
//! values are stored as their index in the list's declaration order, months as one `u16`,
//! places (a trusted address with its commune) as an index into an interned table.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::calendar::YearMonth;

/// A calendar month as one number: year × 12 + (month − 1), so months order and subtract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Month(pub u16);

impl Month {
    pub fn of(month: YearMonth) -> Self {
        Self::of_year_month(month.year(), u8::from(month.month()))
    }

    /// Month `number` (1..=12) of `year`.
    pub fn of_year_month(year: i32, number: u8) -> Self {
        let index = year * 12 + i32::from(number.clamp(1, 12)) - 1;
        Self(u16::try_from(index.max(0)).unwrap_or(u16::MAX))
    }

    pub fn of_date(date: Date) -> Self {
        Self::of(YearMonth::of(date))
    }

    pub fn year(self) -> i32 {
        i32::from(self.0 / 12)
    }

    /// 1..=12.
    pub fn number(self) -> u8 {
        u8::try_from(self.0 % 12 + 1).unwrap_or(1)
    }

    /// 1..=4.
    pub fn quarter(self) -> u8 {
        u8::try_from((self.0 % 12) / 3 + 1).unwrap_or(1)
    }

    /// The quarter as one number: year × 4 + (quarter − 1).
    pub fn quarter_index(self) -> u16 {
        self.0 / 3
    }

    pub fn year_index(self) -> u16 {
        self.0 / 12
    }

    /// `YYYY-MM`.
    pub fn label(self) -> String {
        format!("{:04}-{:02}", self.year(), self.number())
    }
}

/// A day as the number of days since 2000-01-01 (clamped to `u16`): enough to compare a due
/// date with today.
pub fn day_number(date: Date) -> u16 {
    let epoch = 2_451_545; // 2000-01-01 as a Julian day
    let days = date.to_julian_day() - epoch;
    u16::try_from(days.clamp(0, i32::from(u16::MAX))).unwrap_or(0)
}

/// What a row records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[repr(u8)]
pub enum Kind {
    /// `case_opened`: the case itself (its key is the case's record key).
    Opened = 0,
    /// `support_provided`: `code` is the support type, `extra` the nights of shelter.
    Support = 1,
    /// `referral_made`: `code` is the target.
    ReferralMade = 2,
    /// `referral_outcome_recorded`: `code` is the outcome, `aux` the referral's target.
    ReferralOutcome = 3,
    /// `follow_up_scheduled`: `month` is the due month, `extra` the due day number, `aux`
    /// the follow-up's state ([`COMPLETED`], [`ON_TIME`], [`CANCELLED`]).
    FollowUpScheduled = 4,
    /// `follow_up_completed`: `code` is the outcome, `aux` [`ON_TIME`] or 0.
    FollowUpCompleted = 5,
    /// `case_closed`: `code` is the reason.
    Closed = 6,
}

impl Kind {
    const ALL: [Self; 7] = [
        Self::Opened,
        Self::Support,
        Self::ReferralMade,
        Self::ReferralOutcome,
        Self::FollowUpScheduled,
        Self::FollowUpCompleted,
        Self::Closed,
    ];

    pub fn from_u8(value: u8) -> Option<Self> {
        Self::ALL.get(usize::from(value)).copied()
    }
}

/// A scheduled follow-up was completed.
pub const COMPLETED: u8 = 1;
/// It was completed on or before its due date.
pub const ON_TIME: u8 = 2;
/// The case was closed before it fell due (reopening revives it).
pub const CANCELLED: u8 = 4;
/// `aux` of an outcome whose referral is unknown.
pub const UNKNOWN: u8 = u8::MAX;

/// One counted event of a case: 16 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// The event's record key; while `keyed` is false, its stream version instead (keys are
    /// derived once the statistics secret is known).
    pub key: u32,
    /// Where the case was when it happened (index into the projection's places).
    pub place: u32,
    pub month: Month,
    pub extra: u16,
    pub kind: Kind,
    pub code: u8,
    pub aux: u8,
    /// The case's risk level when it happened (index), and in the high bit whether `key` is
    /// still a stream version.
    pub risk_and_flag: u8,
}

/// The high bit of [`Row::risk_and_flag`]: `key` holds the stream version, not yet a key.
pub const UNKEYED: u8 = 0x80;

impl Row {
    pub fn risk(&self) -> u8 {
        self.risk_and_flag & !UNKEYED
    }

    pub fn is_keyed(&self) -> bool {
        self.risk_and_flag & UNKEYED == 0
    }
}

/// One case: its attributes (fixed when it was opened, but for its place and risk) and its
/// counted events in log order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRecord {
    /// The case's record key (from its `case_opened` facts).
    pub key: u32,
    /// Where the case is now.
    pub place: u32,
    /// Bit `i` set for the `i`th violence type of the law's list.
    pub violence: u16,
    pub sex: u8,
    pub age_band: u8,
    /// The GSO code minus one (0..=53).
    pub ethnicity: u8,
    pub referred_by: u8,
    pub gbvims: u8,
    /// The current risk level.
    pub risk: u8,
    /// [`DISABILITY`], [`REPORTING`].
    pub flags: u8,
    pub rows: Vec<Row>,
}

/// The survivor has a disability.
pub const DISABILITY: u8 = 1;
/// The survivor consented to the use of non-identifiable data in reporting.
pub const REPORTING: u8 = 2;

impl CaseRecord {
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// The index of `value` in `all` (a list's declaration order).
pub fn index_of<T: PartialEq>(all: &[T], value: &T) -> u8 {
    all.iter()
        .position(|candidate| candidate == value)
        .and_then(|index| u8::try_from(index).ok())
        .unwrap_or(0)
}
