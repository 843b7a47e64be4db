//! The control protocol's messages: one JSON object per line. Requests carry passwords, so
//! neither side ever prints or logs one; answers never contain one.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::app::registry::accounts::NewUser;
use crate::http::error::ApiError;
use crate::http::registry::import::{AreasImport, ImportReport};

/// The longest request line accepted, in bytes.
pub const MAX_REQUEST: usize = 16 * 1024;

/// The longest `areas_import` line accepted, in bytes: a list of units travels whole (the
/// country's is under 200 KiB). No other request may be longer than [`MAX_REQUEST`].
pub const MAX_IMPORT_REQUEST: usize = 4 * 1024 * 1024;

/// A request, as the server reads it.
#[derive(Debug, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Request {
    /// Create a user, exactly as `POST /users` does.
    UserAdd(NewUser),
    /// Import a list of administrative units, exactly as `tincay areas import` does on a
    /// directory no server holds.
    AreasImport(AreasImport),
    /// Stream a consistent backup: the answer line `{"ok":true}` is followed by the backup
    /// file's bytes until the server closes the connection
    /// ([`crate::store::backup`]; the file ends with its own checksum).
    Backup,
}

/// `user_add` as the client writes it (borrowed, so the password is not copied).
#[derive(Serialize)]
pub struct UserAdd<'a> {
    pub command: &'static str,
    pub username: &'a str,
    pub password: &'a str,
    pub role: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted_address: Option<&'a str>,
}

impl std::fmt::Debug for UserAdd<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserAdd")
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// The answer to a request.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Response {
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What an `areas_import` did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<Box<ImportReport>>,
}

impl Response {
    pub fn created(id: Uuid) -> Self {
        Self {
            ok: true,
            id: Some(id),
            error: None,
            report: None,
        }
    }

    /// Accepted; what was asked for follows on the connection.
    pub fn streaming() -> Self {
        Self {
            ok: true,
            id: None,
            error: None,
            report: None,
        }
    }

    pub fn refused(error: impl Into<String>) -> Self {
        Self {
            ok: false,
            id: None,
            error: Some(error.into()),
            report: None,
        }
    }

    pub fn imported(report: ImportReport) -> Self {
        Self {
            ok: true,
            id: None,
            error: None,
            report: Some(Box::new(report)),
        }
    }
}

/// How a refused command reads for an operator at the command line: fields are named as
/// the flags that set them. An internal cause is logged here, never shown.
pub fn describe(error: &ApiError) -> String {
    match error {
        ApiError::Validation(errors) => errors
            .iter()
            .map(|error| format!("{}: {}", flag(&error.field), error.message))
            .collect::<Vec<_>>()
            .join("; "),
        ApiError::Internal(cause) => {
            tracing::error!(cause = %cause, "a control command failed");
            "the server could not do this; its log says why".to_owned()
        }
        other => other.to_string(),
    }
}

fn flag(field: &str) -> String {
    match field {
        "password" => "the password (from stdin)".to_owned(),
        "file" => "--file".to_owned(),
        other => format!("--{}", other.replace('_', "-")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::error::FieldError;

    #[test]
    fn a_user_add_line_reads_back_as_the_http_body() {
        let line = serde_json::to_string(&UserAdd {
            command: "user_add",
            username: "tnv.lan",
            password: "đủ mười ký tự",
            role: "volunteer",
            area: None,
            trusted_address: Some("0a000000-0000-4000-8000-000000000001"),
        })
        .unwrap();
        let Ok(Request::UserAdd(new)) = serde_json::from_str(&line) else {
            panic!("not a user_add request");
        };
        assert_eq!(new.username, "tnv.lan");
        assert_eq!(new.password.as_str(), "đủ mười ký tự");
        assert!(!format!("{new:?}").contains("mười"));
    }

    #[test]
    fn unknown_commands_and_fields_are_refused() {
        assert!(serde_json::from_str::<Request>(r#"{"command":"restore"}"#).is_err());
        assert!(matches!(
            serde_json::from_str::<Request>(r#"{"command":"backup"}"#),
            Ok(Request::Backup)
        ));
        let extra = r#"{"command":"user_add","username":"a","password":"b","role":"admin","x":1}"#;
        assert!(serde_json::from_str::<Request>(extra).is_err());
    }

    #[test]
    fn field_errors_name_the_flags() {
        let error = ApiError::Validation(vec![
            FieldError::new(
                "trusted_address",
                crate::domain::bounds::FieldCode::Unknown,
                "no such trusted address",
            ),
            FieldError::new(
                "password",
                crate::domain::bounds::FieldCode::WeakPassword,
                "must be at least 10 characters",
            ),
        ]);
        assert_eq!(
            describe(&error),
            "--trusted-address: no such trusted address; \
             the password (from stdin): must be at least 10 characters"
        );
    }
}
