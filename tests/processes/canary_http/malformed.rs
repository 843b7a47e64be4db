//! Requests that are refused, each carrying a canary where it does not belong: a string in
//! an integer field, an unknown vocabulary code, an unknown field named with a canary, JSON
//! cut off inside a canary, sign-ins and accounts that fail (a full name among them), and canaries in a query and a
//! path. No answer quotes one back.

use serde_json::{Value, json};

use super::leaks::{Canaries, assert_not_in};
use crate::serve::site::{Site, created};
use crate::serve::{Server, client};

/// Send them all, as the volunteer (to a new case of hers, so that it is the body, not her
/// scope, that is refused), anonymously, or as the admin.
pub fn refuse_malformed(server: &Server, site: &Site, volunteer: &str, canaries: &mut Canaries) {
    let opening = json!({
        "opened_on": "2026-01-10", "referred_by": "self",
        "survivor": {"name": "B", "birth_year": 1990, "sex": "female", "ethnicity": "01",
                     "disability": false},
        "violence_types": ["physical"], "perpetrator": "spouse", "risk_level": "low",
        "consent": {"services": true, "referral": true, "reporting": true}
    });
    let case = created(server.api("POST", "/cases", Some(volunteer), Some(&opening)));
    let case = case["id"].as_str().unwrap();
    let (cases, support) = ("/cases".to_owned(), format!("/cases/{case}/support"));
    let (notes, close) = (
        format!("/cases/{case}/notes"),
        format!("/cases/{case}/close"),
    );
    let (sessions, users) = ("/sessions".to_owned(), "/users".to_owned());
    let known = &site.plan.volunteer.username;
    let mut c = |field: &str| canaries.next(&format!("refused {field}"));
    let refused: Vec<(&str, &String, String, u16)> = vec![
        (
            volunteer,
            &cases,
            with(&opening, &["survivor", "birth_year"], c("birth year")),
            400,
        ),
        (
            volunteer,
            &cases,
            with(&opening, &["risk_level"], c("risk level")),
            422,
        ),
        (
            volunteer,
            &cases,
            with(&opening, &[c("field name").as_str()], "x"),
            400,
        ),
        (
            volunteer,
            &cases,
            with(&opening, &["survivor", c("nested field").as_str()], "x"),
            400,
        ),
        (
            volunteer,
            &cases,
            with(&opening, &["violence_types"], json!([c("violence")])),
            422,
        ),
        (
            volunteer,
            &support,
            body(json!({"type": c("support type"), "provided_on": "2026-01-10"})),
            422,
        ),
        (
            volunteer,
            &support,
            body(json!({"type": "shelter", "provided_on": "2026-01-10", "nights": c("nights")})),
            400,
        ),
        (
            volunteer,
            &notes,
            with(&json!({"text": "x"}), &[c("note field name").as_str()], "x"),
            400,
        ),
        (
            volunteer,
            &notes,
            format!("{{\"text\": \"{}\"", c("truncated JSON")),
            400,
        ),
        (
            volunteer,
            &close,
            body(json!({"reason": c("close reason"), "closed_on": "2026-02-01"})),
            422,
        ),
        (
            "",
            &sessions,
            body(json!({"username": c("unknown username"), "password": c("its password")})),
            401,
        ),
        (
            "",
            &sessions,
            body(json!({"username": known, "password": c("wrong password")})),
            401,
        ),
        (
            site.admin_token.as_str(),
            &users,
            body(json!({"username": c("new username"),
            "password": c("new password"), "role": c("role")})),
            422,
        ),
        (
            site.admin_token.as_str(),
            &users,
            body(
                json!({"username": "tnv.moi", "password": "mật khẩu đủ dài 2026",
            "role": "admin", "full_name": format!("Lò\n{}", c("full name with a line break"))}),
            ),
            422,
        ),
        (
            site.admin_token.as_str(),
            &users,
            body(
                json!({"username": "tnv.moi", "password": "mật khẩu đủ dài 2026",
            "role": "boss", "full_name": c("full name of a refused account")}),
            ),
            422,
        ),
    ];
    let queried = [
        (
            format!("/cases?status={}", encoded(&c("status query"))),
            422,
        ),
        (format!("/cases?{}=open", encoded(&c("query name"))), 200),
        (
            format!("/cases/{case}/{}", encoded(&c("path segment"))),
            404,
        ),
    ];
    let needles = canaries.needles();
    for (token, path, body, expected) in refused {
        let token = Some(token).filter(|token| !token.is_empty());
        let path = format!("/api/v1{path}");
        let (status, answer) =
            client::request(&server.addr, "POST", &path, token, Some(&body)).unwrap();
        assert_eq!(status, expected, "{path} {body}: {answer}");
        assert_not_in(&answer, &format!("the answer to {path} {body}"), &needles);
    }
    for (path, expected) in queried {
        let path = format!("/api/v1{path}");
        let (status, answer) =
            client::request(&server.addr, "GET", &path, Some(volunteer), None).unwrap();
        assert_eq!(status, expected, "{path}: {answer}");
        assert_not_in(&answer, &format!("the answer to {path}"), &needles);
    }
}

/// `text` percent-encoded for a URL.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// `base` with `value` at `keys` (added, if the last key is new), as JSON text.
fn with(base: &Value, keys: &[&str], value: impl Into<Value>) -> String {
    let mut body = base.clone();
    let (last, parents) = keys.split_last().unwrap();
    let mut at = &mut body;
    for key in parents {
        at = &mut at[*key];
    }
    at[*last] = value.into();
    body.to_string()
}

fn body(value: Value) -> String {
    value.to_string()
}
