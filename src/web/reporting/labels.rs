//! The words of a statistic: the name of each measure and dimension, and each value of a
//! dimension as a person reads it (a vocabulary's label, an area's name, a month as
//! written in the page's language). Codes come from the statistics engine; nothing here
//! counts.
//!
//! A trusted address is shown by a short form of its id and its commune, never by its
//! name: the name is personal data of its host.

use uuid::Uuid;

use crate::domain::ids::{AreaCode, TrustedAddressId};
use crate::domain::vocab::{
    AgeBand, CloseReason, Ethnicity, GbvimsType, ReferralOutcome, ReferralTarget, ReferredBy,
    RiskLevel, Sex, SupportType, ViolenceType,
};
use crate::projections::registry::Registry;
use crate::stats::dimension::{DimValue, Dimension};
use crate::stats::measure::Measure;
use crate::web::i18n::{Lang, tr};

/// The catalogue key of a measure's name.
pub fn measure_key(measure: Measure) -> &'static str {
    match measure {
        Measure::CasesOpened => "measure.cases_opened",
        Measure::PeopleSupported => "measure.people_supported",
        Measure::SupportProvided => "measure.support_provided",
        Measure::ShelterNights => "measure.shelter_nights",
        Measure::ReferralsMade => "measure.referrals_made",
        Measure::ReferralOutcomes => "measure.referral_outcomes",
        Measure::FollowUpsCompleted => "measure.follow_ups_completed",
        Measure::FollowUpsOverdue => "measure.follow_ups_overdue",
        Measure::CasesClosed => "measure.cases_closed",
        Measure::FollowUpsDue => "measure.follow_ups_due",
        Measure::CasesWithoutReportingConsent => "measure.cases_without_reporting_consent",
    }
}

/// A measure's name in `lang`.
pub fn measure(lang: Lang, measure: Measure) -> &'static str {
    tr(lang, measure_key(measure))
}

/// The measure with this code (the programme report's indicators are named by code).
pub fn measure_by_code(code: &str) -> Option<Measure> {
    Measure::parse(code).or(match code {
        "follow_ups_due" => Some(Measure::FollowUpsDue),
        "cases_without_reporting_consent" => Some(Measure::CasesWithoutReportingConsent),
        _ => None,
    })
}

/// The catalogue key of a dimension's name.
pub fn dimension_key(dimension: Dimension) -> &'static str {
    match dimension {
        Dimension::Month => "dim.month",
        Dimension::Quarter => "dim.quarter",
        Dimension::Year => "dim.year",
        Dimension::Province => "dim.province",
        Dimension::District => "dim.district",
        Dimension::Commune => "dim.commune",
        Dimension::TrustedAddress => "dim.trusted_address",
        Dimension::ViolenceType => "dim.violence_type",
        Dimension::GbvimsType => "dim.gbvims_type",
        Dimension::SupportType => "dim.support_type",
        Dimension::ReferralTarget => "dim.referral_target",
        Dimension::ReferralOutcome => "dim.referral_outcome",
        Dimension::Sex => "dim.sex",
        Dimension::AgeBand => "dim.age_band",
        Dimension::Ethnicity => "dim.ethnicity",
        Dimension::EthnicityGroup => "dim.ethnicity_group",
        Dimension::Disability => "dim.disability",
        Dimension::ReferredBy => "dim.referred_by",
        Dimension::RiskLevel => "dim.risk_level",
        Dimension::CloseReason => "dim.close_reason",
        Dimension::OnTime => "dim.on_time",
    }
}

/// A dimension's name in `lang`.
pub fn dimension(lang: Lang, dimension: Dimension) -> &'static str {
    tr(lang, dimension_key(dimension))
}

/// One value of a dimension, as a person reads it.
pub fn value(lang: Lang, registry: &Registry, dimension: Dimension, value: &DimValue) -> String {
    let text = match value {
        DimValue::Text(text) => text.as_str(),
        DimValue::Number(number) => return number.to_string(),
        DimValue::Bool(yes) => return yes_no(lang, dimension, *yes).to_owned(),
        DimValue::Null => return tr(lang, "common.unknown").to_owned(),
    };
    let vocabulary = match dimension {
        Dimension::Month => return month(lang, text),
        Dimension::Quarter => return quarter(lang, text),
        Dimension::Province | Dimension::District | Dimension::Commune => {
            return area_name(registry, text);
        }
        Dimension::TrustedAddress => return address(lang, registry, text),
        Dimension::ViolenceType => ViolenceType::parse(text).map(|v| v.label(lang)),
        Dimension::GbvimsType => GbvimsType::parse(text).map(|v| v.label(lang)),
        Dimension::SupportType => SupportType::parse(text).map(|v| v.label(lang)),
        Dimension::ReferralTarget => ReferralTarget::parse(text).map(|v| v.label(lang)),
        Dimension::ReferralOutcome => ReferralOutcome::parse(text).map(|v| v.label(lang)),
        Dimension::Sex => Sex::parse(text).map(|v| v.label(lang)),
        Dimension::AgeBand => AgeBand::parse(text).map(|v| v.label(lang)),
        Dimension::Ethnicity => Ethnicity::parse(text).map(|v| v.label(lang)),
        Dimension::EthnicityGroup => match text {
            "kinh" => Some(tr(lang, "value.kinh")),
            "minority" => Some(tr(lang, "value.minority")),
            _ => None,
        },
        Dimension::ReferredBy => ReferredBy::parse(text).map(|v| v.label(lang)),
        Dimension::RiskLevel => RiskLevel::parse(text).map(|v| v.label(lang)),
        Dimension::CloseReason => CloseReason::parse(text).map(|v| v.label(lang)),
        Dimension::Year | Dimension::Disability | Dimension::OnTime => None,
    };
    vocabulary.map_or_else(|| text.to_owned(), str::to_owned)
}

fn yes_no(lang: Lang, dimension: Dimension, yes: bool) -> &'static str {
    match (dimension, yes) {
        (Dimension::Disability, true) => tr(lang, "value.disability"),
        (Dimension::Disability, false) => tr(lang, "value.no_disability"),
        (Dimension::OnTime, true) => tr(lang, "value.on_time"),
        (Dimension::OnTime, false) => tr(lang, "value.late"),
        (_, true) => tr(lang, "common.yes"),
        (_, false) => tr(lang, "common.no"),
    }
}

/// `2026-03` as `03/2026` (Vietnamese) or `2026-03` (English).
pub fn month(lang: Lang, label: &str) -> String {
    match (lang, label.split_once('-')) {
        (Lang::Vi, Some((year, month))) => format!("{month}/{year}"),
        _ => label.to_owned(),
    }
}

/// A whole year, `2026`, as `Năm 2026` or `Year 2026` (a bare number reads as a count).
pub fn year(lang: Lang, label: &str) -> String {
    format!("{} {label}", tr(lang, "value.year"))
}

/// `2026-Q1` as `Quý 1/2026` or `2026 Q1`.
pub fn quarter(lang: Lang, label: &str) -> String {
    match (lang, label.split_once("-Q")) {
        (Lang::Vi, Some((year, quarter))) => {
            format!("{} {quarter}/{year}", tr(lang, "value.quarter"))
        }
        (Lang::En, Some((year, quarter))) => format!("{year} Q{quarter}"),
        _ => label.to_owned(),
    }
}

/// An area's name (names of administrative units are public), or its code.
pub fn area_name(registry: &Registry, code: &str) -> String {
    AreaCode::parse(code)
        .ok()
        .and_then(|code| registry.area(&code))
        .map_or_else(|| code.to_owned(), |area| area.name)
}

/// A trusted address: the first part of its id and its commune's name.
fn address(lang: Lang, registry: &Registry, id: &str) -> String {
    let short = id.get(..8).unwrap_or(id);
    let commune = Uuid::parse_str(id)
        .ok()
        .map(TrustedAddressId::from_uuid)
        .and_then(|id| registry.trusted_address(&id))
        .map(|address| area_name(registry, address.commune.as_str()));
    match commune {
        Some(commune) => format!("{} {short} · {commune}", tr(lang, "value.address")),
        None => format!("{} {short}", tr(lang, "value.address")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_measure_and_dimension_has_words_in_both_languages() {
        let all = Measure::PUBLIC
            .iter()
            .copied()
            .chain([Measure::FollowUpsDue, Measure::CasesWithoutReportingConsent]);
        for one in all {
            for lang in [Lang::Vi, Lang::En] {
                assert_ne!(measure(lang, one), measure_key(one), "{}", one.code());
            }
            assert_eq!(measure_by_code(one.code()), Some(one));
        }
        for one in Dimension::ALL {
            for lang in [Lang::Vi, Lang::En] {
                assert_ne!(dimension(lang, *one), dimension_key(*one), "{}", one.code());
            }
        }
    }

    #[test]
    fn values_read_as_words() {
        let registry = Registry::default();
        let text = |code: &str| DimValue::Text(code.to_owned());
        assert_eq!(
            value(
                Lang::Vi,
                &registry,
                Dimension::ViolenceType,
                &text("physical")
            ),
            "Bạo lực thể chất"
        );
        assert_eq!(
            value(Lang::En, &registry, Dimension::Sex, &text("female")),
            "Female"
        );
        assert_eq!(
            value(Lang::Vi, &registry, Dimension::Month, &text("2026-03")),
            "03/2026"
        );
        assert_eq!(
            value(Lang::Vi, &registry, Dimension::Quarter, &text("2026-Q2")),
            "Quý 2/2026"
        );
        assert_eq!(year(Lang::Vi, "2026"), "Năm 2026");
        assert_eq!(year(Lang::En, "2026"), "Year 2026");
        assert_eq!(
            value(Lang::En, &registry, Dimension::Quarter, &text("2026-Q2")),
            "2026 Q2"
        );
        assert_eq!(
            value(
                Lang::En,
                &registry,
                Dimension::OnTime,
                &DimValue::Bool(true)
            ),
            "On time"
        );
        assert_eq!(
            value(
                Lang::En,
                &registry,
                Dimension::ReferralTarget,
                &DimValue::Null
            ),
            "Unknown"
        );
        assert_eq!(
            value(Lang::Vi, &registry, Dimension::Commune, &text("23284")),
            "23284",
            "an unknown area shows its code"
        );
    }
}
