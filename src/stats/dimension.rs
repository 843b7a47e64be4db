//! The `by` dimensions of `GET /stats` (API.md), plus three this service adds
//! (`ethnicity_group`: Kinh or ethnic minority; `close_reason`; `on_time`, for follow-ups):
//! their codes, which measures each applies to, and how a counted row's value in each is
//! found and labelled.
//!
//! A value is an index in `0..size`; only `violence_type` can have several per row (a case
//! counts once under each of its forms of violence).

use serde::ser::{Serialize, Serializer};

use crate::domain::vocab::{
    AgeBand, CloseReason, GbvimsType, ReferralOutcome, ReferralTarget, ReferredBy, RiskLevel, Sex,
    SupportType, ViolenceType,
};
use crate::stats::areas::PlaceAreas;
use crate::stats::facts::{CaseRecord, DISABILITY, Kind, Month, ON_TIME, Row, UNKNOWN};
use crate::stats::measure::Measure;

/// How many ethnic groups the GSO list has.
const ETHNIC_GROUPS: u32 = 54;

macro_rules! dimensions {
    ($($variant:ident = $code:literal),+ $(,)?) => {
        /// A `by` dimension.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Dimension {
            $($variant),+
        }

        impl Dimension {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub const fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code),+
                }
            }

            pub fn parse(code: &str) -> Option<Self> {
                match code {
                    $($code => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

dimensions! {
    Month = "month",
    Quarter = "quarter",
    Year = "year",
    Province = "province",
    District = "district",
    Commune = "commune",
    TrustedAddress = "trusted_address",
    ViolenceType = "violence_type",
    GbvimsType = "gbvims_type",
    SupportType = "support_type",
    ReferralTarget = "referral_target",
    ReferralOutcome = "referral_outcome",
    Sex = "sex",
    AgeBand = "age_band",
    Ethnicity = "ethnicity",
    EthnicityGroup = "ethnicity_group",
    Disability = "disability",
    ReferredBy = "referred_by",
    RiskLevel = "risk_level",
    CloseReason = "close_reason",
    OnTime = "on_time",
}

impl Serialize for Dimension {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// One value as a response shows it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DimValue {
    Text(String),
    Number(i64),
    Bool(bool),
    Null,
}

impl DimValue {
    /// As a CSV field.
    pub fn csv(&self) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::Number(number) => number.to_string(),
            Self::Bool(value) => value.to_string(),
            Self::Null => String::new(),
        }
    }
}

impl Serialize for DimValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Text(text) => serializer.serialize_str(text),
            Self::Number(number) => serializer.serialize_i64(*number),
            Self::Bool(value) => serializer.serialize_bool(*value),
            Self::Null => serializer.serialize_none(),
        }
    }
}

/// A row's values in one dimension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Values {
    One(u32),
    /// Bit `i` set: value `i` (violence types).
    Mask(u16),
}

/// The period and places a query counts in: what values are relative to.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    pub from: Month,
    pub to: Month,
    pub places: &'a crate::stats::areas::PlaceMap,
}

fn len(values: &[impl Sized]) -> u32 {
    u32::try_from(values.len()).unwrap_or(u32::MAX)
}

impl Dimension {
    /// Whether a row can have several values (a case counts once under each of its forms of
    /// violence).
    pub fn is_multi_valued(self) -> bool {
        self == Self::ViolenceType
    }

    /// Whether it cuts time (a series inside the period).
    pub fn is_time(self) -> bool {
        matches!(self, Self::Month | Self::Quarter | Self::Year)
    }

    /// Whether the dimension means something for the measure (else 422).
    pub fn applies_to(self, measure: Measure) -> bool {
        match self {
            Self::SupportType => {
                matches!(measure, Measure::SupportProvided | Measure::PeopleSupported)
            }
            Self::ReferralTarget => {
                matches!(measure, Measure::ReferralsMade | Measure::ReferralOutcomes)
            }
            Self::ReferralOutcome => measure == Measure::ReferralOutcomes,
            Self::CloseReason => measure == Measure::CasesClosed,
            Self::OnTime => matches!(measure, Measure::FollowUpsCompleted | Measure::FollowUpsDue),
            _ => true,
        }
    }

    /// How many values the dimension has in `frame`.
    pub fn size(self, frame: &Frame<'_>) -> u32 {
        let span = |from: u16, to: u16| u32::from(to.saturating_sub(from)) + 1;
        match self {
            Self::Month => span(frame.from.0, frame.to.0),
            Self::Quarter => span(frame.from.quarter_index(), frame.to.quarter_index()),
            Self::Year => span(frame.from.year_index(), frame.to.year_index()),
            Self::Province => len(&frame.places.provinces),
            Self::District => len(&frame.places.districts),
            Self::Commune => len(&frame.places.communes),
            Self::TrustedAddress => len(&frame.places.addresses),
            Self::ViolenceType => len(ViolenceType::ALL),
            Self::GbvimsType => len(GbvimsType::ALL),
            Self::SupportType => len(SupportType::ALL),
            // The last value: an outcome whose referral is unknown.
            Self::ReferralTarget => len(ReferralTarget::ALL) + 1,
            Self::ReferralOutcome => len(ReferralOutcome::ALL),
            Self::Sex => len(Sex::ALL),
            Self::AgeBand => len(AgeBand::ALL),
            Self::Ethnicity => ETHNIC_GROUPS,
            Self::EthnicityGroup | Self::Disability | Self::OnTime => 2,
            Self::ReferredBy => len(ReferredBy::ALL),
            Self::RiskLevel => len(RiskLevel::ALL),
            Self::CloseReason => len(CloseReason::ALL),
        }
    }

    /// A row's values.
    pub fn values(
        self,
        frame: &Frame<'_>,
        case: &CaseRecord,
        row: &Row,
        areas: &PlaceAreas,
    ) -> Values {
        let one = |value: u8| Values::One(u32::from(value));
        match self {
            Self::Month => Values::One(u32::from(row.month.0.saturating_sub(frame.from.0))),
            Self::Quarter => Values::One(u32::from(
                row.month
                    .quarter_index()
                    .saturating_sub(frame.from.quarter_index()),
            )),
            Self::Year => Values::One(u32::from(
                row.month
                    .year_index()
                    .saturating_sub(frame.from.year_index()),
            )),
            Self::Province => Values::One(areas.province),
            Self::District => Values::One(areas.district),
            Self::Commune => Values::One(areas.commune),
            Self::TrustedAddress => Values::One(areas.address),
            Self::ViolenceType => Values::Mask(case.violence),
            Self::GbvimsType => one(case.gbvims),
            Self::SupportType | Self::ReferralOutcome | Self::CloseReason => one(row.code),
            Self::ReferralTarget => match row.kind {
                Kind::ReferralOutcome if row.aux == UNKNOWN => {
                    Values::One(len(ReferralTarget::ALL))
                }
                Kind::ReferralOutcome => one(row.aux),
                _ => one(row.code),
            },
            Self::Sex => one(case.sex),
            Self::AgeBand => one(case.age_band),
            Self::Ethnicity => one(case.ethnicity),
            Self::EthnicityGroup => Values::One(u32::from(case.ethnicity != 0)),
            Self::Disability => Values::One(u32::from(case.has(DISABILITY))),
            Self::ReferredBy => one(case.referred_by),
            Self::RiskLevel => one(row.risk()),
            Self::OnTime => Values::One(u32::from(row.aux & ON_TIME != 0)),
        }
    }

    /// The label of value `index`.
    pub fn label(self, frame: &Frame<'_>, index: u32) -> DimValue {
        let code = |codes: &[&str]| {
            codes
                .get(index as usize)
                .map_or(DimValue::Null, |code| DimValue::Text((*code).to_owned()))
        };
        let offset = |base: u16| base.saturating_add(u16::try_from(index).unwrap_or(u16::MAX));
        let text = |value: Option<String>| value.map_or(DimValue::Null, DimValue::Text);
        match self {
            Self::Month => DimValue::Text(Month(offset(frame.from.0)).label()),
            Self::Quarter => {
                let quarter = offset(frame.from.quarter_index());
                DimValue::Text(format!("{:04}-Q{}", quarter / 4, quarter % 4 + 1))
            }
            Self::Year => DimValue::Number(i64::from(offset(frame.from.year_index()))),
            Self::Province => text(area(&frame.places.provinces, index)),
            Self::District => text(area(&frame.places.districts, index)),
            Self::Commune => text(area(&frame.places.communes, index)),
            Self::TrustedAddress => text(
                frame
                    .places
                    .addresses
                    .get(index as usize)
                    .copied()
                    .flatten()
                    .map(|id| id.to_string()),
            ),
            Self::ViolenceType => code(ViolenceType::CODES),
            Self::GbvimsType => code(GbvimsType::CODES),
            Self::SupportType => code(SupportType::CODES),
            Self::ReferralTarget => code(ReferralTarget::CODES),
            Self::ReferralOutcome => code(ReferralOutcome::CODES),
            Self::Sex => code(Sex::CODES),
            Self::AgeBand => code(AgeBand::CODES),
            Self::Ethnicity => DimValue::Text(format!("{:02}", index + 1)),
            Self::EthnicityGroup => code(&["kinh", "minority"]),
            Self::Disability | Self::OnTime => DimValue::Bool(index == 1),
            Self::ReferredBy => code(ReferredBy::CODES),
            Self::RiskLevel => code(RiskLevel::CODES),
            Self::CloseReason => code(CloseReason::CODES),
        }
    }
}

fn area(table: &[Option<crate::domain::ids::AreaCode>], index: u32) -> Option<String> {
    table
        .get(index as usize)
        .cloned()
        .flatten()
        .map(|code| code.as_str().to_owned())
}
