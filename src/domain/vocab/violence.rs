//! Forms of violence, in two languages: the forms of domestic violence of Vietnam's Law on
//! Domestic Violence Prevention and Control (13/2022/QH15), several per case, and the single
//! GBVIMS core type each case also gets, so reports can speak both.
//!
//! # Law type → GBVIMS type
//!
//! | law type (`violence_types`) | GBVIMS type |
//! |---|---|
//! | `rape` | `rape` |
//! | `sexual_assault` | `sexual_assault` |
//! | `physical` | `physical_assault` |
//! | `forced_marriage` | `forced_marriage` |
//! | `economic`, `neglect`, `eviction` | `denial_of_resources` |
//! | `psychological`, `isolation`, `other` | `psychological_abuse` |
//!
//! A case with several law types gets the GBVIMS type that comes first in the GBVIMS decision
//! order, which is the declaration order of [`GbvimsType`]: rape, sexual assault, physical
//! assault, forced marriage, denial of resources, psychological abuse.

code_list! {
    /// A form of domestic violence under Law 13/2022/QH15.
    ViolenceType as "violence_types" {
        Physical = "physical" { vi: "Bạo lực thể chất", en: "Physical violence" },
        Rape = "rape" { vi: "Cưỡng ép quan hệ tình dục", en: "Rape" },
        SexualAssault = "sexual_assault" { vi: "Xâm hại tình dục", en: "Sexual assault" },
        Psychological = "psychological" { vi: "Bạo lực tinh thần", en: "Psychological violence" },
        Economic = "economic" { vi: "Bạo lực kinh tế", en: "Economic violence" },
        ForcedMarriage = "forced_marriage" { vi: "Cưỡng ép kết hôn, tảo hôn", en: "Forced or child marriage" },
        Neglect = "neglect" { vi: "Bỏ mặc, không chăm sóc", en: "Neglect" },
        Isolation = "isolation" { vi: "Cô lập, giam hãm", en: "Isolation or confinement" },
        Eviction = "eviction" { vi: "Cưỡng ép ra khỏi chỗ ở", en: "Forced out of the home" },
        Other = "other" { vi: "Hình thức khác", en: "Other" },
    }
}

code_list! {
    /// A GBVIMS core incident type, declared in the GBVIMS decision order (the first that
    /// applies wins), so `Ord` is that order.
    GbvimsType as "gbvims_type" {
        Rape = "rape" { vi: "Cưỡng ép quan hệ tình dục", en: "Rape" },
        SexualAssault = "sexual_assault" { vi: "Tấn công tình dục", en: "Sexual assault" },
        PhysicalAssault = "physical_assault" { vi: "Tấn công thể chất", en: "Physical assault" },
        ForcedMarriage = "forced_marriage" { vi: "Cưỡng ép kết hôn", en: "Forced marriage" },
        DenialOfResources = "denial_of_resources" { vi: "Tước đoạt nguồn lực, cơ hội hoặc dịch vụ", en: "Denial of resources, opportunities or services" },
        PsychologicalAbuse = "psychological_abuse" { vi: "Xâm hại tâm lý, tình cảm", en: "Psychological or emotional abuse" },
    }
}

impl ViolenceType {
    /// The GBVIMS type this law type falls under (table in the module docs).
    pub const fn gbvims(self) -> GbvimsType {
        match self {
            Self::Rape => GbvimsType::Rape,
            Self::SexualAssault => GbvimsType::SexualAssault,
            Self::Physical => GbvimsType::PhysicalAssault,
            Self::ForcedMarriage => GbvimsType::ForcedMarriage,
            Self::Economic | Self::Neglect | Self::Eviction => GbvimsType::DenialOfResources,
            Self::Psychological | Self::Isolation | Self::Other => GbvimsType::PsychologicalAbuse,
        }
    }
}

/// The single GBVIMS core type of a case with these law types: the first in the GBVIMS
/// decision order among their mappings. `None` only for an empty list.
pub fn gbvims_type(types: &[ViolenceType]) -> Option<GbvimsType> {
    types.iter().map(|t| t.gbvims()).min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ViolenceType as V;

    #[test]
    fn each_law_type_maps_to_its_gbvims_type() {
        let expected = [
            (V::Physical, GbvimsType::PhysicalAssault),
            (V::Rape, GbvimsType::Rape),
            (V::SexualAssault, GbvimsType::SexualAssault),
            (V::Psychological, GbvimsType::PsychologicalAbuse),
            (V::Economic, GbvimsType::DenialOfResources),
            (V::ForcedMarriage, GbvimsType::ForcedMarriage),
            (V::Neglect, GbvimsType::DenialOfResources),
            (V::Isolation, GbvimsType::PsychologicalAbuse),
            (V::Eviction, GbvimsType::DenialOfResources),
            (V::Other, GbvimsType::PsychologicalAbuse),
        ];
        assert_eq!(expected.len(), V::ALL.len());
        for (law, gbvims) in expected {
            assert_eq!(law.gbvims(), gbvims, "{law}");
        }
    }

    #[test]
    fn rape_wins_over_every_other_type() {
        assert_eq!(
            gbvims_type(&[V::Psychological, V::Physical, V::Rape, V::SexualAssault]),
            Some(GbvimsType::Rape)
        );
    }

    #[test]
    fn sexual_assault_wins_over_physical_assault() {
        assert_eq!(
            gbvims_type(&[V::Physical, V::SexualAssault]),
            Some(GbvimsType::SexualAssault)
        );
    }

    #[test]
    fn physical_assault_wins_over_forced_marriage() {
        assert_eq!(
            gbvims_type(&[V::ForcedMarriage, V::Physical]),
            Some(GbvimsType::PhysicalAssault)
        );
    }

    #[test]
    fn forced_marriage_wins_over_denial_of_resources() {
        assert_eq!(
            gbvims_type(&[V::Eviction, V::ForcedMarriage]),
            Some(GbvimsType::ForcedMarriage)
        );
    }

    #[test]
    fn denial_of_resources_wins_over_psychological_abuse() {
        assert_eq!(
            gbvims_type(&[V::Isolation, V::Economic, V::Other]),
            Some(GbvimsType::DenialOfResources)
        );
    }

    #[test]
    fn psychological_violence_alone_is_psychological_abuse() {
        assert_eq!(
            gbvims_type(&[V::Psychological]),
            Some(GbvimsType::PsychologicalAbuse)
        );
    }

    #[test]
    fn no_violence_type_gives_no_gbvims_type() {
        assert_eq!(gbvims_type(&[]), None);
    }
}
