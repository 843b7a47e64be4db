//! The new-case form's fields ([`OPENING_FIELDS`], named as the API's `POST /cases` body
//! names them) and the API's JSON body built from a posted form ([`opening_body`]).
//!
//! Codes, dates and texts go to the API as typed: the API checks them. Only what JSON
//! itself cannot carry is refused here: a number that is not a whole number, and a yes/no
//! question left unanswered (the API would not know what she meant).

use serde_json::{Map, Value, json};

use crate::app::error::FieldError;
use crate::domain::bounds::FieldCode;
use crate::web::form::FormFields;

/// The answers of a yes/no question.
pub const YES: &str = "yes";
pub const NO: &str = "no";

/// Every input of the new-case form.
pub const OPENING_FIELDS: &[&str] = &[
    "trusted_address",
    "opened_on",
    "referred_by",
    "survivor.name",
    "survivor.birth_year",
    "survivor.sex",
    "survivor.ethnicity",
    "survivor.disability",
    "survivor.contact",
    "survivor.address",
    "survivor.children_with_her",
    "violence_types",
    "perpetrator",
    "risk_level",
    "consent.services",
    "consent.referral",
    "consent.reporting",
    "informant.name",
    "informant.contact",
    "narrative",
];

/// The `POST /cases` body for a posted new-case form, or the fields JSON cannot carry.
pub fn opening_body(fields: &FormFields) -> Result<Value, Vec<FieldError>> {
    let mut problems = Vec::new();
    let text = |name: &str| fields.get(name).map(str::trim).unwrap_or("").to_owned();
    let birth_year = match fields.text("survivor.birth_year") {
        None => {
            problems.push(refused(
                "survivor.birth_year",
                FieldCode::Required,
                "is required",
            ));
            None
        }
        Some(raw) => whole_number(raw, "survivor.birth_year", &mut problems),
    };
    let children = fields
        .text("survivor.children_with_her")
        .and_then(|raw| whole_number(raw, "survivor.children_with_her", &mut problems));
    let disability = yes_no(fields, "survivor.disability", &mut problems);
    let services = yes_no(fields, "consent.services", &mut problems);
    let referral = yes_no(fields, "consent.referral", &mut problems);
    let reporting = yes_no(fields, "consent.reporting", &mut problems);
    let (Some(birth_year), Some(disability), Some(services), Some(referral), Some(reporting)) =
        (birth_year, disability, services, referral, reporting)
    else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut survivor = Map::new();
    survivor.insert("name".into(), json!(text("survivor.name")));
    survivor.insert("birth_year".into(), json!(birth_year));
    survivor.insert("sex".into(), json!(text("survivor.sex")));
    survivor.insert("ethnicity".into(), json!(text("survivor.ethnicity")));
    survivor.insert("disability".into(), json!(disability));
    optional(&mut survivor, "contact", fields.text("survivor.contact"));
    optional(&mut survivor, "address", fields.text("survivor.address"));
    if let Some(children) = children {
        survivor.insert("children_with_her".into(), json!(children));
    }
    let mut body = Map::new();
    optional(&mut body, "trusted_address", fields.text("trusted_address"));
    body.insert("opened_on".into(), json!(text("opened_on")));
    body.insert("referred_by".into(), json!(text("referred_by")));
    body.insert("survivor".into(), Value::Object(survivor));
    body.insert("violence_types".into(), json!(fields.all("violence_types")));
    body.insert("perpetrator".into(), json!(text("perpetrator")));
    body.insert("risk_level".into(), json!(text("risk_level")));
    body.insert(
        "consent".into(),
        json!({"services": services, "referral": referral, "reporting": reporting}),
    );
    let mut informant = Map::new();
    optional(&mut informant, "name", fields.text("informant.name"));
    optional(&mut informant, "contact", fields.text("informant.contact"));
    if !informant.is_empty() {
        body.insert("informant".into(), Value::Object(informant));
    }
    optional(&mut body, "narrative", fields.text("narrative"));
    Ok(Value::Object(body))
}

/// A whole number typed into `field`.
pub fn whole_number(raw: &str, field: &str, problems: &mut Vec<FieldError>) -> Option<i64> {
    let parsed = raw.trim().parse::<i64>().ok();
    if parsed.is_none() {
        problems.push(refused(
            field,
            FieldCode::WrongType,
            "must be a whole number",
        ));
    }
    parsed
}

/// The answer to a yes/no question.
fn yes_no(fields: &FormFields, field: &str, problems: &mut Vec<FieldError>) -> Option<bool> {
    match fields.text(field) {
        Some(YES) => Some(true),
        Some(NO) => Some(false),
        _ => {
            problems.push(refused(field, FieldCode::Required, "answer yes or no"));
            None
        }
    }
}

fn optional(map: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(value) = value {
        map.insert(key.into(), json!(value));
    }
}

/// A field refused before the API was asked.
pub fn refused(field: &str, code: FieldCode, message: &str) -> FieldError {
    FieldError::new(field, code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormFields {
        let encoded: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        FormFields::parse(encoded.as_bytes())
    }

    fn complete() -> Vec<(&'static str, &'static str)> {
        vec![
            ("opened_on", "2026-11-18"),
            ("referred_by", "neighbour"),
            ("survivor.name", " Lan "),
            ("survivor.birth_year", "1994"),
            ("survivor.sex", "female"),
            ("survivor.ethnicity", "11"),
            ("survivor.disability", "no"),
            ("survivor.contact", ""),
            ("survivor.children_with_her", "2"),
            ("violence_types", "physical"),
            ("violence_types", "economic"),
            ("perpetrator", "spouse"),
            ("risk_level", "high"),
            ("consent.services", "yes"),
            ("consent.referral", "no"),
            ("consent.reporting", "yes"),
            ("informant.name", ""),
            ("narrative", "what happened"),
        ]
    }

    #[test]
    fn a_complete_form_is_the_apis_body() {
        let body = opening_body(&form(&complete())).unwrap_or_default();
        assert_eq!(
            body,
            json!({
                "opened_on": "2026-11-18",
                "referred_by": "neighbour",
                "survivor": {"name": "Lan", "birth_year": 1994, "sex": "female",
                    "ethnicity": "11", "disability": false, "children_with_her": 2},
                "violence_types": ["physical", "economic"],
                "perpetrator": "spouse",
                "risk_level": "high",
                "consent": {"services": true, "referral": false, "reporting": true},
                "narrative": "what happened"
            })
        );
    }

    #[test]
    fn numbers_and_unanswered_questions_are_refused_together() {
        let mut pairs: Vec<(&str, &str)> = complete()
            .into_iter()
            .filter(|(name, _)| *name != "consent.referral")
            .collect();
        pairs.push(("survivor.children_with_her", "hai"));
        pairs.retain(|pair| *pair != ("survivor.children_with_her", "2"));
        pairs.retain(|(name, _)| *name != "survivor.birth_year");
        let Err(problems) = opening_body(&form(&pairs)) else {
            panic!("accepted");
        };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "survivor.birth_year",
                "survivor.children_with_her",
                "consent.referral"
            ]
        );
    }
}
