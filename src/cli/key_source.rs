//! Where the master key comes from: `--key-file`, else `TINCAY_KEY_FILE`, else
//! `TINCAY_MASTER_KEY` (base64). Never from a command-line value, never logged. A key file
//! readable by group or others is refused.

use std::path::{Path, PathBuf};

use crate::cli::CliError;
use crate::store::crypto::MasterKey;

/// The environment variable holding a base64 master key.
pub const MASTER_KEY_ENV: &str = "TINCAY_MASTER_KEY";

#[derive(Debug, Clone, clap::Args)]
pub struct KeyArgs {
    /// File holding the master key (base64). Also TINCAY_KEY_FILE; else the key is read
    /// from TINCAY_MASTER_KEY.
    #[arg(long, env = "TINCAY_KEY_FILE", value_name = "PATH")]
    pub key_file: Option<PathBuf>,
}

impl KeyArgs {
    pub fn load(&self) -> Result<MasterKey, CliError> {
        if let Some(path) = &self.key_file {
            return read_key_file(path);
        }
        match std::env::var(MASTER_KEY_ENV) {
            Ok(value) => MasterKey::parse(value.as_bytes()).map_err(|_| {
                CliError::Usage(format!("{MASTER_KEY_ENV} is not a base64 32-byte key"))
            }),
            Err(_) => Err(CliError::Usage(missing_key_help())),
        }
    }
}

/// Read a key file, refusing one that others could read.
pub fn read_key_file(path: &Path) -> Result<MasterKey, CliError> {
    let metadata =
        std::fs::metadata(path).map_err(|e| CliError::io("cannot read key file", path, &e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(CliError::Usage(format!(
                "key file {} has mode {mode:o}: others may read it; run `chmod 600 {}`",
                path.display(),
                path.display()
            )));
        }
    }
    let content = zeroize::Zeroizing::new(
        std::fs::read(path).map_err(|e| CliError::io("cannot read key file", path, &e))?,
    );
    MasterKey::parse(&content).map_err(|_| {
        CliError::Usage(format!(
            "key file {} does not hold a 32-byte master key (base64)",
            path.display()
        ))
    })
}

pub fn missing_key_help() -> String {
    format!(
        "no master key: pass --key-file PATH (or set TINCAY_KEY_FILE, or {MASTER_KEY_ENV}). \
         To make one: `tincay keygen --out /path/to/tincay.key`, then keep a copy offline: \
         without it the data cannot be read by anyone"
    )
}
