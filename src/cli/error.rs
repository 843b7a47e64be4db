//! Command-line errors and their exit codes. Messages say what to do; they never contain key
//! material or personal data.

use std::process::ExitCode;

use crate::store::engine::StoreError;
use crate::store::log::OpenError;
use crate::store::rotate::RotateError;
use crate::store::verify::{VerifyError, VerifyFailure};

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("chain broken at {0}")]
    Broken(VerifyFailure),
    #[error(
        "chain intact, but the event at {first} cannot be decoded by this binary ({count} such event(s) in all); the cases holding them answer 503 until a binary that reads them runs `tincay rebuild`"
    )]
    Undecodable { first: VerifyFailure, count: u64 },
    #[error(
        "chain intact, but erasures do not check out: {first} ({count} such stream(s) in all); do not serve this directory: restore the last backup that verifies"
    )]
    Erasure {
        first: crate::store::erasure_check::ErasureMismatch,
        count: u64,
    },
    #[error("{0}")]
    Io(String),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Rotate(#[from] RotateError),
    #[error(transparent)]
    Verify(VerifyError),
    #[error(transparent)]
    Backup(#[from] crate::store::backup::BackupError),
    #[error(transparent)]
    Migrate(#[from] crate::store::format::MigrateError),
    /// An import left units that exist with other data as they are.
    #[error("{0} units exist with other data and were left as they are (see above)")]
    Conflicts(usize),
}

impl From<VerifyError> for CliError {
    fn from(error: VerifyError) -> Self {
        match error {
            VerifyError::Broken(failure) => CliError::Broken(failure),
            VerifyError::Undecodable { first, count } => CliError::Undecodable { first, count },
            VerifyError::Erasure { first, count } => CliError::Erasure { first, count },
            other => CliError::Verify(other),
        }
    }
}

impl CliError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Broken(_) | CliError::Conflicts(_) => ExitCode::from(1),
            CliError::Undecodable { .. } => ExitCode::from(3),
            CliError::Erasure { .. } => ExitCode::from(4),
            _ => ExitCode::from(2),
        }
    }

    /// What a failure to reach, or to be answered by, the server holding `dir` through its
    /// control socket means for the operator. `unanswered` finishes "the server holding DIR
    /// …" when the connection broke off (e.g. "did not answer").
    pub fn via_socket(
        dir: &std::path::Path,
        error: crate::control::client::ClientError,
        unanswered: &str,
    ) -> Self {
        use crate::control::client::ClientError;
        let dir = dir.display();
        match error {
            ClientError::Refused(message) => CliError::Usage(message),
            ClientError::Connect(error) => CliError::Usage(match error.kind() {
                std::io::ErrorKind::PermissionDenied => format!(
                    "{dir} is held by a running server, but its control socket refuses you: \
                     run this as the user that runs `tincay serve`"
                ),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused => format!(
                    "{dir} is in use by another process that takes no commands (a running \
                     `tincay verify`, `rebuild` or `backup`?); try again when it has finished"
                ),
                _ => format!("cannot reach the server holding {dir}: {error}"),
            }),
            other => CliError::Io(format!("the server holding {dir} {unanswered}: {other}")),
        }
    }

    pub fn io(what: &str, path: &std::path::Path, error: &std::io::Error) -> Self {
        CliError::Io(format!("{what} {}: {error}", path.display()))
    }
}
