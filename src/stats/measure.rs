//! What a statistic counts: the measures of API.md, and three the programme report adds.
//! Each counts rows of one kind, as *units* that are either the case (people, cases opened)
//! or the event (support given, referrals, …), and is a count or a sum (shelter nights).
//!
//! | measure | rows | unit | month |
//! |---|---|---|---|
//! | `cases_opened` | `case_opened` | case | opened |
//! | `people_supported` | `support_provided` | case (distinct) | of the support |
//! | `support_provided` | `support_provided` | event | of the support |
//! | `shelter_nights` | shelter `support_provided` with nights | event, summing nights | of the support |
//! | `referrals_made` | `referral_made` | event | made |
//! | `referral_outcomes` | `referral_outcome_recorded` | event | recorded |
//! | `follow_ups_completed` | `follow_up_completed` | event | completed |
//! | `follow_ups_overdue` | `follow_up_scheduled` not done by its due date (completed late, or not completed and due before today), unless the case closed before it fell due | follow-up | due |
//! | `cases_closed` | `case_closed` | event (a case closed twice counts twice) | closed |
//! | (programme) follow-ups due | `follow_up_scheduled` completed, or due before today, unless cancelled by closure | follow-up | due |
//! | (programme) cases without reporting consent | `case_opened` without that consent | case | opened |

use crate::stats::facts::{CANCELLED, COMPLETED, Kind, ON_TIME, Row};

/// A measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Measure {
    CasesOpened,
    PeopleSupported,
    SupportProvided,
    ShelterNights,
    ReferralsMade,
    ReferralOutcomes,
    FollowUpsCompleted,
    FollowUpsOverdue,
    CasesClosed,
    /// Follow-ups that fell due (the denominator of the on-time share).
    FollowUpsDue,
    /// Cases opened without reporting consent: one total in the programme report.
    CasesWithoutReportingConsent,
}

/// What a measure counts once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitKind {
    Case,
    Event,
}

impl Measure {
    /// The measures `GET /stats` accepts.
    pub const PUBLIC: &'static [Self] = &[
        Self::CasesOpened,
        Self::PeopleSupported,
        Self::SupportProvided,
        Self::ShelterNights,
        Self::ReferralsMade,
        Self::ReferralOutcomes,
        Self::FollowUpsCompleted,
        Self::FollowUpsOverdue,
        Self::CasesClosed,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Self::CasesOpened => "cases_opened",
            Self::PeopleSupported => "people_supported",
            Self::SupportProvided => "support_provided",
            Self::ShelterNights => "shelter_nights",
            Self::ReferralsMade => "referrals_made",
            Self::ReferralOutcomes => "referral_outcomes",
            Self::FollowUpsCompleted => "follow_ups_completed",
            Self::FollowUpsOverdue => "follow_ups_overdue",
            Self::CasesClosed => "cases_closed",
            Self::FollowUpsDue => "follow_ups_due",
            Self::CasesWithoutReportingConsent => "cases_without_reporting_consent",
        }
    }

    /// A public measure by its code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::PUBLIC.iter().copied().find(|m| m.code() == code)
    }

    pub fn kind(self) -> Kind {
        match self {
            Self::CasesOpened | Self::CasesWithoutReportingConsent => Kind::Opened,
            Self::PeopleSupported | Self::SupportProvided | Self::ShelterNights => Kind::Support,
            Self::ReferralsMade => Kind::ReferralMade,
            Self::ReferralOutcomes => Kind::ReferralOutcome,
            Self::FollowUpsCompleted => Kind::FollowUpCompleted,
            Self::FollowUpsOverdue | Self::FollowUpsDue => Kind::FollowUpScheduled,
            Self::CasesClosed => Kind::Closed,
        }
    }

    pub fn unit(self) -> UnitKind {
        match self {
            Self::CasesOpened | Self::PeopleSupported | Self::CasesWithoutReportingConsent => {
                UnitKind::Case
            }
            _ => UnitKind::Event,
        }
    }

    /// Whether it sums nights instead of counting units.
    pub fn is_sum(self) -> bool {
        self == Self::ShelterNights
    }

    /// Whether the cases it counts are those with reporting consent (all but one).
    pub fn needs_reporting_consent(self) -> bool {
        self != Self::CasesWithoutReportingConsent
    }

    /// Whether a row of [`Measure::kind`] counts, `today` being a day number.
    pub fn counts(self, row: &Row, today: u16) -> bool {
        let done = row.aux & COMPLETED != 0;
        let cancelled = row.aux & CANCELLED != 0;
        match self {
            Self::ShelterNights => row.code == 0 && row.extra > 0,
            Self::FollowUpsOverdue => {
                !cancelled && ((done && row.aux & ON_TIME == 0) || (!done && row.extra < today))
            }
            Self::FollowUpsDue => !cancelled && (done || row.extra < today),
            _ => true,
        }
    }

    /// What a counted row adds to a sum.
    pub fn weight(self, row: &Row) -> u64 {
        if self.is_sum() {
            u64::from(row.extra)
        } else {
            1
        }
    }
}
