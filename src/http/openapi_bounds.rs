//! What the OpenAPI document says each field and query parameter accepts, generated from the
//! tables of [`Accepts`] that sit beside each body and query ([`bodies`], [`params`]), which
//! name the same constants the parsers check ([`crate::domain::bounds`]): vocabularies
//! become `enum`, days `format: date` with their pattern, counts `minimum`/`maximum`, texts
//! `maxLength`. The closed lists of field error codes, problem codes and rule codes are
//! stated on the `FieldError` and `Problem` schemas.
//!
//! A table entry that names no property of the generated document is a bug (a renamed field):
//! the unit test below and `tests/api/openapi_bounds.rs` catch it.

use serde_json::{Map, Value, json};
use time::Date;

use crate::domain::bounds::{self, Accepts, FieldCode};
use crate::domain::rejection::RuleCode;
use crate::edge::problem::PROBLEM_CODES;

/// One body schema's fields.
pub use crate::app::validate::FieldBounds;

/// Every request body schema (by its name in `components/schemas`) and its fields.
pub fn bodies() -> Vec<(&'static str, FieldBounds)> {
    use crate::app::cases::bodies as case;
    use crate::app::cases::opening as request;
    use crate::http::registry;
    vec![
        ("OpenCaseBody", request::OpenCaseBody::accepts()),
        ("SurvivorBody", request::SurvivorBody::accepts()),
        ("InformantBody", request::InformantBody::accepts()),
        ("SupportBody", case::SupportBody::accepts()),
        ("ReferralBody", case::ReferralBody::accepts()),
        ("ReferralOutcomeBody", case::ReferralOutcomeBody::accepts()),
        ("FollowUpBody", case::FollowUpBody::accepts()),
        (
            "CompleteFollowUpBody",
            case::CompleteFollowUpBody::accepts(),
        ),
        ("NoteBody", case::NoteBody::accepts()),
        ("RiskBody", case::RiskBody::accepts()),
        ("CloseBody", case::CloseBody::accepts()),
        ("ReviewBody", case::ReviewBody::accepts()),
        ("TransferBody", case::TransferBody::accepts()),
        ("ReopenBody", case::ReopenBody::accepts()),
        (
            "NewUser",
            crate::app::registry::accounts::NewUser::accepts(),
        ),
        ("NewPassword", vec![("password", Accepts::Password)]),
        ("NewArea", registry::areas::NewArea::accepts()),
        ("MergeCommunes", registry::merge::MergeCommunes::accepts()),
        ("RetireArea", registry::retire::RetireArea::accepts()),
        (
            "NewTrustedAddress",
            registry::addresses::NewTrustedAddress::accepts(),
        ),
    ]
}

/// Every query parameter with a form: `(path, method, parameter, accepts)`.
pub fn params() -> Vec<(&'static str, &'static str, &'static str, Accepts)> {
    let mut all = Vec::new();
    for (path, method, fields) in [
        (
            "/api/v1/cases",
            "get",
            crate::app::lists::cases::ListQuery::accepts(),
        ),
        (
            "/api/v1/cases/{id}",
            "delete",
            crate::http::cases::erase::EraseQuery::accepts(),
        ),
        (
            "/api/v1/follow-ups",
            "get",
            crate::app::lists::follow_ups::QueueQuery::accepts(),
        ),
        (
            "/api/v1/stats",
            "get",
            crate::http::stats::StatsQuery::accepts(),
        ),
        (
            "/api/v1/reports/programme",
            "get",
            crate::http::reports::ProgrammeQuery::accepts(),
        ),
    ] {
        all.extend(
            fields
                .into_iter()
                .map(|(name, accepts)| (path, method, name, accepts)),
        );
    }
    all
}

/// States every table's bounds in `document` (a serialized OpenAPI document), with
/// `today` for the ranges that move with it (years of birth).
pub fn annotate(document: &mut Value, today: Date) {
    for (schema, fields) in bodies() {
        for (name, accepts) in fields {
            let pointer = format!("/components/schemas/{schema}/properties/{name}");
            if let Some(property) = document.pointer_mut(&pointer) {
                apply(property, &accepts, today);
            }
        }
    }
    for (path, method, name, accepts) in params() {
        let pointer = format!("/paths/{}/{method}/parameters", escape(path));
        let Some(Value::Array(parameters)) = document.pointer_mut(&pointer) else {
            continue;
        };
        for parameter in parameters {
            if parameter["name"] == name && parameter["in"] == "query" {
                if let Some(schema) = parameter.get_mut("schema") {
                    apply(schema, &accepts, today);
                }
            }
        }
    }
    headers(document);
    across_fields(document);
    let codes: Vec<&str> = FieldCode::ALL.iter().map(|code| code.code()).collect();
    if let Some(code) = document.pointer_mut("/components/schemas/FieldError/properties/code") {
        set(code, "enum", json!(codes));
    }
    if let Some(code) = document.pointer_mut("/components/schemas/Problem/properties/code") {
        set(code, "enum", json!(PROBLEM_CODES));
    }
    let rules: Vec<&str> = RuleCode::ALL.iter().map(|rule| rule.code()).collect();
    if let Some(rule) = document.pointer_mut("/components/schemas/Problem/properties/rule") {
        set(rule, "enum", json!(rules));
    }
}

/// The rules that tie one field to another, where JSON Schema can say them: nights only
/// with shelter ([`crate::domain::case`]'s support rule); an area's code length and parent
/// by its level ([`area::code_digits`]: a province has no parent, the others one of a
/// higher level, that is, a shorter code); an account's area or trusted address by its
/// role ([`user::binding`]).
fn across_fields(document: &mut Value) {
    use crate::domain::registry::{area, user};
    use crate::domain::vocab::{AreaLevel, Role, SupportType};
    let shelter = json!([
        {"properties": {"type": {"const": SupportType::Shelter.code()}}},
        {"properties": {"nights": {"type": "null"}}},
    ]);
    let levels: Vec<Value> = AreaLevel::ALL
        .iter()
        .map(|&level| {
            let digits = area::code_digits(level);
            let code = json!({"pattern": format!("^[0-9]{{{digits}}}$")});
            if level == AreaLevel::Province {
                json!({"properties": {"level": {"const": level.code()}, "code": code,
                    "parent": {"type": "null"}}})
            } else {
                let higher: Vec<String> = AreaLevel::ALL
                    .iter()
                    .map(|&other| area::code_digits(other))
                    .filter(|&other| other < digits)
                    .map(|other| format!("[0-9]{{{other}}}"))
                    .collect();
                let parent = format!("^({})$", higher.join("|"));
                json!({"required": ["parent"], "properties": {"level": {"const": level.code()},
                    "code": code, "parent": {"type": "string", "pattern": parent}}})
            }
        })
        .collect();
    let roles: Vec<Value> = Role::ALL
        .iter()
        .map(|&role| {
            let (area, address) = user::binding(role);
            let either = |bound: bool| {
                if bound {
                    json!({"type": "string"})
                } else {
                    json!({"type": "null"})
                }
            };
            let required: Vec<&str> = [("area", area), ("trusted_address", address)]
                .into_iter()
                .filter_map(|(name, bound)| bound.then_some(name))
                .collect();
            json!({"required": required, "properties": {"role": {"const": role.code()},
                "area": either(area), "trusted_address": either(address)}})
        })
        .collect();
    let rules = [
        ("SupportBody", shelter),
        ("NewArea", json!(levels)),
        ("NewUser", json!(roles)),
    ];
    for (schema, any_of) in rules {
        if let Some(schema) = document.pointer_mut(&format!("/components/schemas/{schema}")) {
            set(schema, "anyOf", any_of);
        }
    }
}

/// The command headers' forms, on every operation that takes them.
fn headers(document: &mut Value) {
    use crate::http::cases::extract::{IDEMPOTENCY_KEY_PATTERN, IF_MATCH_PATTERN, MAX_KEY_LEN};
    let Some(Value::Object(paths)) = document.get_mut("paths") else {
        return;
    };
    let parameters = paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .filter_map(|operation| operation.get_mut("parameters")?.as_array_mut())
        .flatten();
    for parameter in parameters {
        if parameter["in"] != "header" {
            continue;
        }
        // A header is text or absent, never JSON's null (an `Option` field's schema says
        // "string or null", and a client that believed it would send the word `null`).
        let keywords = match parameter["name"].as_str() {
            Some("If-Match") => json!({"type": "string", "pattern": IF_MATCH_PATTERN}),
            Some("Idempotency-Key") => json!({
                "type": "string",
                "pattern": IDEMPOTENCY_KEY_PATTERN,
                "maxLength": MAX_KEY_LEN,
            }),
            _ => continue,
        };
        if let (Some(Value::Object(schema)), Value::Object(keywords)) =
            (parameter.get_mut("schema"), keywords)
        {
            schema.extend(keywords);
        }
    }
}

/// A JSON pointer's escaping of one path segment.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn set(schema: &mut Value, key: &str, value: Value) {
    if let Value::Object(object) = schema {
        object.insert(key.to_owned(), value);
    }
}

/// The JSON Schema keywords for `accepts`, merged into `schema`.
fn apply(schema: &mut Value, accepts: &Accepts, today: Date) {
    let mut keywords = Map::new();
    let day = |keywords: &mut Map<String, Value>, (first, last): (Date, Date)| {
        keywords.insert("format".into(), json!("date"));
        let pattern = bounds::day_pattern_between(first, last);
        keywords.insert("pattern".into(), json!(pattern));
    };
    match accepts {
        Accepts::Code(codes) => {
            keywords.insert("enum".into(), json!(codes));
        }
        Accepts::Codes(codes) => {
            keywords.insert("minItems".into(), json!(1));
            keywords.insert("items".into(), json!({"type": "string", "enum": codes}));
        }
        Accepts::HappenedOn => day(&mut keywords, (bounds::EARLIEST_DAY, today)),
        Accepts::DueOn => day(&mut keywords, bounds::due_days(today)),
        Accepts::AnyDay => day(&mut keywords, (bounds::EARLIEST_DAY, bounds::LATEST_DAY)),
        Accepts::Count(range) => {
            keywords.insert("minimum".into(), json!(range.min));
            keywords.insert("maximum".into(), json!(range.max));
        }
        Accepts::BirthYear => {
            let range = bounds::birth_years(today);
            keywords.insert("minimum".into(), json!(range.min));
            keywords.insert("maximum".into(), json!(range.max));
        }
        Accepts::Text(limit) => {
            keywords.insert("maxLength".into(), json!(limit.0));
        }
        Accepts::RequiredText(limit) => {
            keywords.insert("maxLength".into(), json!(limit.0));
            keywords.insert("pattern".into(), json!("\\S"));
        }
        Accepts::Username => {
            keywords.insert("maxLength".into(), json!(bounds::USERNAME.0));
            let pattern = crate::domain::username::USERNAME_PATTERN;
            keywords.insert("pattern".into(), json!(pattern));
        }
        Accepts::Patterns(pattern, at_least) => {
            keywords.insert("minItems".into(), json!(at_least));
            keywords.insert("uniqueItems".into(), json!(true));
            keywords.insert(
                "items".into(),
                json!({"type": "string", "pattern": pattern}),
            );
        }
        Accepts::FullName => {
            keywords.insert("maxLength".into(), json!(bounds::NAME.0));
            keywords.insert("pattern".into(), json!(bounds::FULL_NAME_PATTERN));
        }
        Accepts::Password => {
            keywords.insert("minLength".into(), json!(bounds::MIN_PASSWORD_CHARS));
            keywords.insert("maxLength".into(), json!(bounds::PASSWORD.0));
        }
        Accepts::Pattern(pattern) => {
            keywords.insert("pattern".into(), json!(pattern));
        }
        Accepts::Id => {
            keywords.insert("format".into(), json!("uuid"));
        }
    }
    if let Value::Object(object) = schema {
        object.extend(keywords);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_body_field_gets_the_keywords_of_its_bound() {
        let mut document = json!({"components": {"schemas": {
            "SupportBody": {"properties": {
                "type": {"type": "string"},
                "provided_on": {"type": "string"},
                "nights": {"type": ["integer", "null"]},
                "notes": {"type": ["string", "null"]},
            }},
            "FieldError": {"properties": {"code": {"type": "string"}}},
        }}});
        annotate(&mut document, date!(2026 - 11 - 20));
        let support = &document["components"]["schemas"]["SupportBody"]["properties"];
        assert!(support["type"]["enum"].as_array().unwrap().len() > 3);
        assert_eq!(support["provided_on"]["format"], "date");
        assert_eq!(support["nights"]["maximum"], 366);
        assert_eq!(support["notes"]["maxLength"], bounds::NOTES.0);
        let codes = &document["components"]["schemas"]["FieldError"]["properties"]["code"];
        assert!(
            codes["enum"]
                .as_array()
                .unwrap()
                .contains(&json!("too_long"))
        );
    }
}
