//! Fictional survivors: names in the naming customs of each ethnic group, ages, the forms of
//! violence and who committed them, in proportions that look like a mountain province's
//! notebook. Every name is a random combination, and every narrative says it is fictional.

use time::Date;

use super::DemoError;
use super::rng::Rng;
use super::texts::{name, narrative};
use crate::domain::case::{Consent, Informant, Survivor};
use crate::domain::vocab::{Ethnicity, Perpetrator, ReferredBy, RiskLevel, Sex, ViolenceType};

/// Ethnic groups (GSO codes) and weights, per province: a Central Highlands mix for Núi Mây,
/// a northern mountains mix for Sông Trăng.
const ETHNICITIES: [&[(&str, u32)]; 2] = [
    &[
        ("01", 30),
        ("16", 20),
        ("12", 18),
        ("10", 14),
        ("29", 6),
        ("18", 4),
        ("11", 4),
        ("04", 2),
        ("03", 2),
    ],
    &[
        ("01", 25),
        ("08", 25),
        ("03", 15),
        ("09", 12),
        ("02", 10),
        ("07", 6),
        ("33", 4),
        ("23", 3),
    ],
];

/// Everything `POST /cases` says about the survivor and what happened.
pub struct Person {
    pub survivor: Survivor,
    pub age: i32,
    pub violence_types: Vec<ViolenceType>,
    pub perpetrator: Perpetrator,
    pub referred_by: ReferredBy,
    pub risk_level: RiskLevel,
    pub consent: Consent,
    pub informant: Option<Informant>,
    pub narrative: String,
}

/// A fictional survivor who came to an address in `province` on `opened_on`.
pub fn person(
    rng: &mut Rng,
    province: usize,
    commune_name: &str,
    opened_on: Date,
) -> Result<Person, DemoError> {
    let weights = ETHNICITIES.get(province).copied().unwrap_or(&[("01", 1)]);
    let code = rng.weighted(weights).unwrap_or("01");
    let ethnicity = Ethnicity::parse(code).ok_or(DemoError::Data("an ethnicity code"))?;
    let age: i32 = match rng.weighted(&[(0, 5), (1, 12), (2, 25), (3, 38), (4, 16), (5, 4)]) {
        Some(0) => rng.between(4, 11),
        Some(1) => rng.between(12, 17),
        Some(2) => rng.between(18, 25),
        Some(3) => rng.between(26, 40),
        Some(4) => rng.between(41, 60),
        _ => rng.between(61, 78),
    } as i32;
    let sex = match (age < 18, rng.below(100)) {
        (true, 0..=19) => Sex::Male,
        (_, 0..=1) => Sex::Other,
        (false, 2..=4) => Sex::Male,
        _ => Sex::Female,
    };
    let violence_types = violence(rng, age, sex);
    let perpetrator = match age {
        ..18 => rng.weighted(&[
            (Perpetrator::Parent, 60),
            (Perpetrator::OtherFamily, 15),
            (Perpetrator::Sibling, 10),
            (Perpetrator::Partner, 10),
            (Perpetrator::Unknown, 5),
        ]),
        61.. => rng.weighted(&[
            (Perpetrator::Child, 55),
            (Perpetrator::Spouse, 35),
            (Perpetrator::InLaw, 10),
        ]),
        _ => rng.weighted(&[
            (Perpetrator::Spouse, 65),
            (Perpetrator::FormerSpouse, 9),
            (Perpetrator::Partner, 7),
            (Perpetrator::InLaw, 8),
            (Perpetrator::OtherFamily, 5),
            (Perpetrator::Other, 4),
            (Perpetrator::Unknown, 2),
        ]),
    }
    .unwrap_or(Perpetrator::Unknown);
    let referred_by = rng
        .weighted(&[
            (ReferredBy::SelfReferred, 30),
            (ReferredBy::Family, 15),
            (ReferredBy::Neighbour, 15),
            (ReferredBy::VillageHead, 18),
            (ReferredBy::Police, 8),
            (ReferredBy::Health, 5),
            (ReferredBy::School, 4),
            (ReferredBy::Hotline, 3),
            (ReferredBy::Other, 2),
        ])
        .unwrap_or(ReferredBy::SelfReferred);
    let risk_level = rng
        .weighted(&[
            (RiskLevel::Low, 30),
            (RiskLevel::Medium, 45),
            (RiskLevel::High, 25),
        ])
        .unwrap_or(RiskLevel::Medium);
    let consent = Consent {
        services: true,
        referral: rng.percent(80),
        reporting: rng.percent(85),
    };
    let informant =
        (referred_by != ReferredBy::SelfReferred && rng.percent(50)).then(|| Informant {
            name: Some(format!("{} (hư cấu)", name(rng, code, Sex::Female))),
            contact: rng.percent(50).then(|| "qua trưởng thôn".to_owned()),
        });
    let survivor = Survivor {
        name: name(rng, code, sex),
        birth_year: opened_on.year() - age,
        sex,
        ethnicity,
        disability: rng.percent(6),
        contact: rng
            .percent(50)
            .then(|| "Liên hệ qua trưởng thôn".to_owned()),
        address: Some(format!("Thôn {}, {commune_name}", rng.between(1, 9))),
        children_with_her: (age >= 20).then(|| rng.between(0, 3) as u8),
    };
    let narrative = narrative(rng, &violence_types, perpetrator);
    Ok(Person {
        survivor,
        age,
        violence_types,
        perpetrator,
        referred_by,
        risk_level,
        consent,
        informant,
        narrative,
    })
}

/// One to three forms of violence; sexual violence and forced marriage mostly for girls and
/// young women, neglect for children and the old.
fn violence(rng: &mut Rng, age: i32, sex: Sex) -> Vec<ViolenceType> {
    let young_woman = sex == Sex::Female && (12..=30).contains(&age);
    let dependent = !(18..=60).contains(&age);
    let mut types = Vec::new();
    let candidates = [
        (ViolenceType::Physical, 55),
        (ViolenceType::Psychological, 60),
        (ViolenceType::Economic, if dependent { 5 } else { 25 }),
        (
            ViolenceType::SexualAssault,
            if young_woman { 12 } else { 3 },
        ),
        (ViolenceType::Rape, if young_woman { 7 } else { 2 }),
        (
            ViolenceType::ForcedMarriage,
            if young_woman && age < 20 { 25 } else { 0 },
        ),
        (ViolenceType::Neglect, if dependent { 35 } else { 2 }),
        (ViolenceType::Isolation, 10),
        (ViolenceType::Eviction, if dependent { 3 } else { 8 }),
        (ViolenceType::Other, 2),
    ];
    for (kind, percent) in candidates {
        if types.len() < 3 && rng.percent(percent) {
            types.push(kind);
        }
    }
    if types.is_empty() {
        types.push(ViolenceType::Psychological);
    }
    types
}

impl std::fmt::Debug for Person {
    // Fictional, but shaped like personal data: shown like the real thing, coded fields only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Person")
            .field("violence_types", &self.violence_types)
            .field("perpetrator", &self.perpetrator)
            .field("risk_level", &self.risk_level)
            .finish_non_exhaustive()
    }
}
