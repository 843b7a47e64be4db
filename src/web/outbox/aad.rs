//! A sealed record's associated data: the facts the server needs to route it, in clear but
//! bound to the ciphertext by AES-GCM. SECURITY-SENSITIVE.
//!
//! DO NOT MODIFY the encoding: phones hold records sealed with it, and the browser's script
//! (`src/web/assets/outbox.js`) writes it byte for byte. One canonical form: ASCII lines in
//! this order, each `name=value` ended by `\n`, nothing before, between or after.
//!
//! ```text
//! tincay-outbox-v1          the format's version label
//! user=<uuid>               who sealed it (lowercase, hyphenated)
//! outbox=<uuid>             the phone's outbox (one per browser profile and user)
//! form=<kind>               new-case | support | referral | referral-outcome | follow-up
//!                           | complete-follow-up | note | risk | close
//! case=<uuid>               empty for new-case, else required
//! item=<uuid>               the referral (referral-outcome) or follow-up
//!                           (complete-follow-up); empty for every other form
//! version=<n>               the case version the form was written against; empty for
//!                           new-case, else required (decimal, no leading zero)
//! key=<idempotency key>     1 to 255 visible ASCII characters, spaces only inside
//! sealed=<ms>               when the phone sealed it, milliseconds since 1970 (decimal)
//! ```
//!
//! A record is parsed, then encoded again and compared byte for byte with what was sealed,
//! so two encodings of the same facts cannot both be accepted.

use uuid::Uuid;

use crate::web::cases::command_forms::CaseForm;

/// The first line: the format and its version.
pub const LABEL: &str = "tincay-outbox-v1";
/// Field names, in their order.
const NAMES: [&str; 8] = [
    "user", "outbox", "form", "case", "item", "version", "key", "sealed",
];

/// Which form a record carries, with the case it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The new-case form.
    NewCase,
    /// One of a case page's forms, written against `version` of `case`.
    Command {
        case: Uuid,
        form: CaseForm,
        version: u64,
    },
}

/// The routing facts of a sealed record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxAad {
    pub user: Uuid,
    pub outbox: Uuid,
    pub target: Target,
    pub idempotency_key: String,
    pub sealed_at_ms: u64,
}

/// Why associated data is not a record's. Never carries the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AadError {
    #[error("the associated data is not in the tincay-outbox-v1 canonical form")]
    Malformed,
    #[error("the associated data names a form kind the server does not know")]
    UnknownForm,
}

impl OutboxAad {
    /// The canonical bytes.
    pub fn encode(&self) -> String {
        let (form, case, item, version) = match self.target {
            Target::NewCase => ("new-case", String::new(), String::new(), String::new()),
            Target::Command {
                case,
                form,
                version,
            } => {
                let (kind, item) = kind_of(form);
                (
                    kind,
                    case.to_string(),
                    item.map(|id| id.to_string()).unwrap_or_default(),
                    version.to_string(),
                )
            }
        };
        let values = [
            self.user.to_string(),
            self.outbox.to_string(),
            form.to_owned(),
            case,
            item,
            version,
            self.idempotency_key.clone(),
            self.sealed_at_ms.to_string(),
        ];
        let mut out = format!("{LABEL}\n");
        for (name, value) in NAMES.iter().zip(values) {
            out.push_str(name);
            out.push('=');
            out.push_str(&value);
            out.push('\n');
        }
        out
    }

    /// Parses canonical bytes; anything else is refused.
    pub fn parse(bytes: &[u8]) -> Result<Self, AadError> {
        let text = std::str::from_utf8(bytes).map_err(|_| AadError::Malformed)?;
        let body = text.strip_suffix('\n').ok_or(AadError::Malformed)?;
        let mut lines = body.split('\n');
        if lines.next() != Some(LABEL) {
            return Err(AadError::Malformed);
        }
        let mut values = Vec::with_capacity(NAMES.len());
        for name in NAMES {
            let line = lines.next().ok_or(AadError::Malformed)?;
            let value = line
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('='))
                .ok_or(AadError::Malformed)?;
            values.push(value);
        }
        if lines.next().is_some() {
            return Err(AadError::Malformed);
        }
        let [user, outbox, form, case, item, version, key, sealed] = values.as_slice() else {
            return Err(AadError::Malformed);
        };
        let parsed = Self {
            user: uuid(user)?,
            outbox: uuid(outbox)?,
            target: target(form, case, item, version)?,
            idempotency_key: idempotency_key(key)?,
            sealed_at_ms: number(sealed)?,
        };
        if parsed.encode().as_bytes() == bytes {
            Ok(parsed)
        } else {
            Err(AadError::Malformed)
        }
    }
}

/// A form's kind as the AAD names it, and the item it names.
pub fn kind_of(form: CaseForm) -> (&'static str, Option<Uuid>) {
    match form {
        CaseForm::Support => ("support", None),
        CaseForm::Referral => ("referral", None),
        CaseForm::Outcome(referral) => ("referral-outcome", Some(referral)),
        CaseForm::FollowUp => ("follow-up", None),
        CaseForm::Complete(follow_up) => ("complete-follow-up", Some(follow_up)),
        CaseForm::Note => ("note", None),
        CaseForm::Risk => ("risk", None),
        CaseForm::Close => ("close", None),
    }
}

fn target(form: &str, case: &str, item: &str, version: &str) -> Result<Target, AadError> {
    if form == "new-case" {
        return if case.is_empty() && item.is_empty() && version.is_empty() {
            Ok(Target::NewCase)
        } else {
            Err(AadError::Malformed)
        };
    }
    let item = if item.is_empty() {
        None
    } else {
        Some(uuid(item)?)
    };
    let form = match (form, item) {
        ("support", None) => CaseForm::Support,
        ("referral", None) => CaseForm::Referral,
        ("referral-outcome", Some(referral)) => CaseForm::Outcome(referral),
        ("follow-up", None) => CaseForm::FollowUp,
        ("complete-follow-up", Some(follow_up)) => CaseForm::Complete(follow_up),
        ("note", None) => CaseForm::Note,
        ("risk", None) => CaseForm::Risk,
        ("close", None) => CaseForm::Close,
        (
            "support" | "referral" | "referral-outcome" | "follow-up" | "complete-follow-up"
            | "note" | "risk" | "close",
            _,
        ) => return Err(AadError::Malformed),
        _ => return Err(AadError::UnknownForm),
    };
    Ok(Target::Command {
        case: uuid(case)?,
        form,
        version: number(version)?,
    })
}

fn uuid(text: &str) -> Result<Uuid, AadError> {
    Uuid::try_parse(text).map_err(|_| AadError::Malformed)
}

/// A decimal number of at most 15 digits (so JavaScript's numbers hold it exactly).
fn number(text: &str) -> Result<u64, AadError> {
    if text.is_empty() || text.len() > 15 || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(AadError::Malformed);
    }
    text.parse().map_err(|_| AadError::Malformed)
}

/// 1 to 255 visible ASCII characters, spaces only inside (as `Idempotency-Key`).
fn idempotency_key(text: &str) -> Result<String, AadError> {
    let bytes = text.as_bytes();
    let visible = |byte: &u8| (b'!'..=b'~').contains(byte);
    let ok = (1..=255).contains(&bytes.len())
        && bytes.iter().all(|byte| (b' '..=b'~').contains(byte))
        && bytes.first().is_some_and(visible)
        && bytes.last().is_some_and(visible);
    if ok {
        Ok(text.to_owned())
    } else {
        Err(AadError::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &str = "0b5e6c2a-6a0e-4d59-9a3c-6c1d8f0e1a01";
    const OUTBOX: &str = "7f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
    const CASE: &str = "3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a";
    const ITEM: &str = "11111111-2222-4333-8444-555555555555";

    fn note() -> String {
        format!(
            "tincay-outbox-v1\nuser={USER}\noutbox={OUTBOX}\nform=note\ncase={CASE}\nitem=\n\
             version=4\nkey=k-1 a\nsealed=1796083200000\n"
        )
    }

    #[test]
    fn a_canonical_record_round_trips() {
        let aad = OutboxAad::parse(note().as_bytes()).unwrap();
        assert_eq!(aad.user.to_string(), USER);
        assert_eq!(
            aad.target,
            Target::Command {
                case: Uuid::parse_str(CASE).unwrap(),
                form: CaseForm::Note,
                version: 4
            }
        );
        assert_eq!(aad.idempotency_key, "k-1 a");
        assert_eq!(aad.sealed_at_ms, 1_796_083_200_000);
        assert_eq!(aad.encode(), note());
    }

    #[test]
    fn the_shared_vectors_associated_data_is_canonical() {
        let vector: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/vectors/outbox-v1.json")).unwrap();
        let text = vector["aad"].as_str().unwrap();
        assert_eq!(OutboxAad::parse(text.as_bytes()).unwrap().encode(), text);
    }

    #[test]
    fn new_cases_and_item_forms_parse() {
        let new_case = format!(
            "tincay-outbox-v1\nuser={USER}\noutbox={OUTBOX}\nform=new-case\ncase=\nitem=\n\
             version=\nkey=k\nsealed=1\n"
        );
        assert_eq!(
            OutboxAad::parse(new_case.as_bytes()).unwrap().target,
            Target::NewCase
        );
        let outcome = note()
            .replace("form=note", "form=referral-outcome")
            .replace("item=\n", &format!("item={ITEM}\n"));
        assert!(matches!(
            OutboxAad::parse(outcome.as_bytes()).unwrap().target,
            Target::Command {
                form: CaseForm::Outcome(_),
                ..
            }
        ));
    }

    #[test]
    fn every_other_encoding_is_refused() {
        let upper_user = note().replace(USER, &USER.to_uppercase());
        let cases = [
            note().replace("tincay-outbox-v1", "tincay-outbox-v2"),
            note().trim_end().to_owned(),
            format!("{}\n", note()),
            format!("x{}", note()),
            note().replace("version=4", "version=04"),
            note().replace("version=4", "version="),
            note().replace("version=4", "version=-4"),
            note().replace("key=k-1 a", "key= k"),
            note().replace("key=k-1 a", "key="),
            note().replace("key=k-1 a", &format!("key={}", "k".repeat(256))),
            note().replace("key=k-1 a", "key=kh\u{e1}"),
            note().replace("sealed=1796083200000", "sealed=1796083200000000"),
            note().replace(&format!("case={CASE}"), "case="),
            note().replace("item=\n", &format!("item={ITEM}\n")),
            note().replace("\nitem=\n", "\n"),
            note().replace("user=", "User="),
            note().replace('\n', "\r\n"),
            upper_user,
        ];
        for aad in cases {
            assert_eq!(
                OutboxAad::parse(aad.as_bytes()),
                Err(AadError::Malformed),
                "{aad:?}"
            );
        }
        assert_eq!(
            OutboxAad::parse(note().replace("form=note", "form=erase").as_bytes()),
            Err(AadError::UnknownForm)
        );
    }
}
