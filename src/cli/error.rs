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
}

impl From<VerifyError> for CliError {
    fn from(error: VerifyError) -> Self {
        match error {
            VerifyError::Broken(failure) => CliError::Broken(failure),
            other => CliError::Verify(other),
        }
    }
}

impl CliError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Broken(_) => ExitCode::from(1),
            _ => ExitCode::from(2),
        }
    }

    pub fn io(what: &str, path: &std::path::Path, error: &std::io::Error) -> Self {
        CliError::Io(format!("{what} {}: {error}", path.display()))
    }
}
