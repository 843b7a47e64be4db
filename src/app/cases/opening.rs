//! The body of opening a case (`POST /cases`, the new-case form) as sent ([`OpenCaseBody`], `deny_unknown_fields`: a stray,
//! misspelt or mistyped field is 400), and its parsing into the domain's
//! [`OpenCase`](crate::domain::case::OpenCase): every code checked against its vocabulary
//! and every date and number against its range, all at once (422 naming each field). The
//! case id and record key are drawn by the caller; the lifecycle rules are `decide`'s. The
//! ranges and lengths are [`crate::domain::bounds`]'.

use serde::Deserialize;
use time::Date;
use utoipa::ToSchema;

use crate::app::error::AppError;
use crate::app::validate::{Checks, FieldBounds};
use crate::domain::bounds::Accepts;
use crate::domain::bounds::{self, FieldCode};
use crate::domain::case::{Consent, Informant, Survivor};
use crate::domain::vocab::{Ethnicity, Perpetrator, ReferredBy, RiskLevel, Sex, ViolenceType};

/// A new case. Codes are those of `GET /vocabularies`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCaseBody {
    /// The trusted address (id). A supervisor must name one in her area; a volunteer's
    /// cases open at her own address, so she may leave it out.
    #[serde(default)]
    pub trusted_address: Option<String>,
    /// `YYYY-MM-DD`, not in the future.
    #[schema(example = "2026-11-20")]
    pub opened_on: String,
    /// `referred_by` code.
    #[schema(example = "neighbour")]
    pub referred_by: String,
    pub survivor: SurvivorBody,
    /// One or more `violence_types` codes.
    #[schema(example = json!(["physical", "psychological"]))]
    pub violence_types: Vec<String>,
    /// `perpetrator` code.
    #[schema(example = "spouse")]
    pub perpetrator: String,
    /// `risk_level` code.
    #[schema(example = "high")]
    pub risk_level: String,
    pub consent: ConsentBody,
    /// Who reported the case; kept as confidential as the survivor.
    #[serde(default)]
    pub informant: Option<InformantBody>,
    /// What happened, in free text.
    #[serde(default)]
    pub narrative: Option<String>,
}

/// The survivor.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurvivorBody {
    /// Name or pseudonym.
    pub name: String,
    #[schema(example = 1994)]
    pub birth_year: i64,
    /// `sex` code.
    #[schema(example = "female")]
    pub sex: String,
    /// The two-digit code of the General Statistics Office's list of ethnic groups.
    #[schema(example = "11")]
    pub ethnicity: String,
    pub disability: bool,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub children_with_her: Option<i64>,
}

/// The survivor's three consents (GBVIMS practice).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentBody {
    /// To receive services.
    pub services: bool,
    /// To be referred to other agencies.
    pub referral: bool,
    /// To have non-identifiable data used in reporting.
    pub reporting: bool,
}

/// Who reported the case.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InformantBody {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
}

opaque_debug!(OpenCaseBody, SurvivorBody, InformantBody);

/// [`OpenCaseBody`] with every code and range checked; where the case opens is resolved by
/// the caller.
pub struct ParsedOpening {
    pub trusted_address: Option<uuid::Uuid>,
    pub opened_on: Date,
    pub referred_by: ReferredBy,
    pub survivor: Survivor,
    pub violence_types: Vec<ViolenceType>,
    pub perpetrator: Perpetrator,
    pub risk_level: RiskLevel,
    pub consent: Consent,
    pub informant: Option<Informant>,
    pub narrative: Option<String>,
}

opaque_debug!(ParsedOpening);

impl OpenCaseBody {
    /// Checks every field; 422 naming each one out of its vocabulary or range.
    pub fn parse(self, today: Date) -> Result<ParsedOpening, AppError> {
        let mut checks = Checks::default();
        let trusted_address = match self.trusted_address.as_deref() {
            None => Some(None),
            Some(raw) => checks.uuid("trusted_address", raw).map(Some),
        };
        let opened_on = checks.happened_on("opened_on", &self.opened_on, today);
        let referred_by = checks.code("referred_by", &self.referred_by, ReferredBy::parse);
        let violence_types: Vec<Option<ViolenceType>> = self
            .violence_types
            .iter()
            .enumerate()
            .map(|(at, code)| {
                checks.code(&format!("violence_types[{at}]"), code, ViolenceType::parse)
            })
            .collect();
        if self.violence_types.is_empty() {
            checks.fail(
                "violence_types",
                FieldCode::Required,
                "at least one is required",
            );
        }
        let perpetrator = checks.code("perpetrator", &self.perpetrator, Perpetrator::parse);
        let risk_level = checks.code("risk_level", &self.risk_level, RiskLevel::parse);
        let survivor = self.survivor;
        let sex = checks.code("survivor.sex", &survivor.sex, Sex::parse);
        let ethnicity = checks.code("survivor.ethnicity", &survivor.ethnicity, Ethnicity::parse);
        let children = checks.optional_number(
            "survivor.children_with_her",
            survivor.children_with_her,
            bounds::CHILDREN,
        );
        let name = checks.required_text("survivor.name", survivor.name, bounds::NAME);
        let birth_year = checks.number(
            "survivor.birth_year",
            survivor.birth_year,
            bounds::birth_years(today),
        );
        let contact = checks.text("survivor.contact", survivor.contact, bounds::LINE);
        let address = checks.text("survivor.address", survivor.address, bounds::ADDRESS);
        let (informant_name, informant_contact) = match self.informant {
            None => (Some(None), Some(None)),
            Some(informant) => (
                checks.text("informant.name", informant.name, bounds::NAME),
                checks.text("informant.contact", informant.contact, bounds::LINE),
            ),
        };
        let narrative = checks.text("narrative", self.narrative, bounds::NARRATIVE);
        let violence_types: Option<Vec<ViolenceType>> = violence_types.into_iter().collect();
        let (
            Some(trusted_address),
            Some(opened_on),
            Some(referred_by),
            Some(violence_types),
            Some(perpetrator),
            Some(risk_level),
            Some(sex),
            Some(ethnicity),
            Some(children_with_her),
            Some(name),
            Some(birth_year),
            Some(contact),
            Some(address),
            Some(informant_name),
            Some(informant_contact),
            Some(narrative),
        ) = (
            trusted_address,
            opened_on,
            referred_by,
            violence_types,
            perpetrator,
            risk_level,
            sex,
            ethnicity,
            children,
            name,
            birth_year,
            contact,
            address,
            informant_name,
            informant_contact,
            narrative,
        )
        else {
            return Err(checks.into_error());
        };
        checks.finish()?;
        Ok(ParsedOpening {
            trusted_address,
            opened_on,
            referred_by,
            survivor: Survivor {
                name,
                birth_year,
                sex,
                ethnicity,
                disability: survivor.disability,
                contact,
                address,
                children_with_her,
            },
            violence_types,
            perpetrator,
            risk_level,
            consent: Consent {
                services: self.consent.services,
                referral: self.consent.referral,
                reporting: self.consent.reporting,
            },
            informant: (informant_name.is_some() || informant_contact.is_some()).then_some(
                Informant {
                    name: informant_name,
                    contact: informant_contact,
                },
            ),
            narrative,
        })
    }
}

// What each field accepts, for the OpenAPI document: the bounds `parse` checks above.
impl OpenCaseBody {
    pub fn accepts() -> FieldBounds {
        vec![
            ("trusted_address", Accepts::Id),
            ("opened_on", Accepts::HappenedOn),
            ("referred_by", Accepts::code(ReferredBy::CODES)),
            (
                "violence_types",
                Accepts::Codes(ViolenceType::CODES.to_vec()),
            ),
            ("perpetrator", Accepts::code(Perpetrator::CODES)),
            ("risk_level", Accepts::code(RiskLevel::CODES)),
            ("narrative", Accepts::Text(bounds::NARRATIVE)),
        ]
    }
}

impl SurvivorBody {
    pub fn accepts() -> FieldBounds {
        vec![
            ("name", Accepts::RequiredText(bounds::NAME)),
            ("birth_year", Accepts::BirthYear),
            ("sex", Accepts::code(Sex::CODES)),
            (
                "ethnicity",
                Accepts::Code(Ethnicity::all().map(Ethnicity::code).collect()),
            ),
            ("contact", Accepts::Text(bounds::LINE)),
            ("address", Accepts::Text(bounds::ADDRESS)),
            ("children_with_her", Accepts::Count(bounds::CHILDREN)),
        ]
    }
}

impl InformantBody {
    pub fn accepts() -> FieldBounds {
        vec![
            ("name", Accepts::Text(bounds::NAME)),
            ("contact", Accepts::Text(bounds::LINE)),
        ]
    }
}
