//! The data directory: `--data-dir` (default `./tincay-data`, also `TINCAY_DATA_DIR`), and
//! opening its store for commands that need it to themselves.

use std::path::PathBuf;
use std::sync::Arc;

use crate::cli::CliError;
use crate::store::engine::{EventStore, StoreError};
use crate::store::sled_store::{SledOptions, SledStore};

#[derive(Debug, Clone, clap::Args)]
pub struct DataDirArgs {
    /// The data directory.
    #[arg(
        long,
        env = "TINCAY_DATA_DIR",
        value_name = "DIR",
        default_value = "tincay-data"
    )]
    pub data_dir: PathBuf,
}

impl DataDirArgs {
    /// Open an existing data directory exclusively (refuses while a server holds it).
    pub fn open_existing(&self) -> Result<Arc<dyn EventStore>, CliError> {
        if !self.data_dir.is_dir() {
            return Err(CliError::Usage(format!(
                "{} is not a tincay data directory (it does not exist)",
                self.data_dir.display()
            )));
        }
        self.open()
    }

    /// Open (creating if needed) the data directory exclusively.
    pub fn open(&self) -> Result<Arc<dyn EventStore>, CliError> {
        match SledStore::open(&self.data_dir, SledOptions::default()) {
            Ok(store) => Ok(Arc::new(store)),
            Err(StoreError::Locked) => Err(CliError::Usage(format!(
                "{} is in use by a running tincay server; stop it first (this command needs \
                 the directory to itself)",
                self.data_dir.display()
            ))),
            Err(error) => Err(error.into()),
        }
    }
}
