//! Checks every vocabulary alike: codes and labels present, distinct, and round-tripping.

use std::collections::HashSet;

use super::*;

fn check<V: Vocabulary + serde::Serialize + serde::de::DeserializeOwned>() {
    let values: Vec<V> = V::all().collect();
    assert!(!values.is_empty(), "{} is empty", V::NAME);
    for (what, text) in [
        ("code", values.iter().map(|v| v.code()).collect::<Vec<_>>()),
        (
            "vi label",
            values.iter().map(|v| v.label(Lang::Vi)).collect(),
        ),
        (
            "en label",
            values.iter().map(|v| v.label(Lang::En)).collect(),
        ),
    ] {
        assert!(
            text.iter().all(|t| !t.trim().is_empty()),
            "{}: empty {what}",
            V::NAME
        );
        let distinct: HashSet<_> = text.iter().collect();
        assert_eq!(distinct.len(), text.len(), "{}: repeated {what}", V::NAME);
    }
    for value in values {
        let json = serde_json::to_value(value).unwrap();
        assert_eq!(json, serde_json::Value::from(value.code()), "{}", V::NAME);
        assert_eq!(
            serde_json::from_value::<V>(json).unwrap(),
            value,
            "{}",
            V::NAME
        );
    }
}

#[test]
fn every_vocabulary_has_distinct_non_empty_codes_and_labels_in_both_languages() {
    check::<ViolenceType>();
    check::<GbvimsType>();
    check::<ReferredBy>();
    check::<Perpetrator>();
    check::<RiskLevel>();
    check::<Sex>();
    check::<SupportType>();
    check::<ReferralTarget>();
    check::<ReferralOutcome>();
    check::<FollowUpMethod>();
    check::<FollowUpOutcome>();
    check::<CloseReason>();
    check::<ErasureReason>();
    check::<ReviewDecision>();
    check::<AreaLevel>();
    check::<Role>();
    check::<AgeBand>();
    check::<Ethnicity>();
}

#[test]
fn codes_are_exactly_those_of_the_api() {
    assert_eq!(
        ViolenceType::CODES,
        [
            "physical",
            "rape",
            "sexual_assault",
            "psychological",
            "economic",
            "forced_marriage",
            "neglect",
            "isolation",
            "eviction",
            "other"
        ]
    );
    assert_eq!(
        GbvimsType::CODES,
        [
            "rape",
            "sexual_assault",
            "physical_assault",
            "forced_marriage",
            "denial_of_resources",
            "psychological_abuse"
        ]
    );
    assert_eq!(
        ErasureReason::CODES,
        [
            "survivor_request",
            "retention",
            "duplicate",
            "entered_in_error",
            "legal_order"
        ]
    );
    assert_eq!(
        AgeBand::CODES,
        ["0-11", "12-17", "18-25", "26-40", "41-60", "61+"]
    );
    assert_eq!(
        Role::CODES,
        ["admin", "supervisor", "volunteer", "reporting"]
    );
}

#[test]
fn risk_levels_are_ordered_low_to_high() {
    assert!(RiskLevel::Low < RiskLevel::Medium && RiskLevel::Medium < RiskLevel::High);
}

#[test]
fn an_unknown_code_is_refused_naming_the_accepted_ones() {
    let error = serde_json::from_str::<Sex>("\"woman\"")
        .unwrap_err()
        .to_string();
    assert!(error.contains("female"), "{error}");
    assert_eq!(Sex::parse("Female"), None);
}

#[test]
fn a_code_list_schema_is_a_string_enum_of_its_codes() {
    let schema = schemars::schema_for!(RiskLevel);
    assert_eq!(schema.get("type"), Some(&"string".into()));
    assert_eq!(
        schema.get("enum"),
        Some(&serde_json::json!(["low", "medium", "high"]))
    );
}
