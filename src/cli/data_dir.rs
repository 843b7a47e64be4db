//! The data directory: `--data-dir` (default `./tincay-data`, also `TINCAY_DATA_DIR`), and
//! opening its store for commands that need it to themselves.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::CliError;
use crate::store::engine::{EventStore, StoreError};
use crate::store::log::open::is_initialised;
use crate::store::sled_store::{DATA_FILE, SledOptions, SledStore};

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
    ///
    /// A directory without a store in it is refused before sled is asked to open it, since
    /// opening creates sled's files: a mistyped `--data-dir` must not become a new store.
    pub fn open_existing(&self) -> Result<Arc<dyn EventStore>, CliError> {
        self.open_existing_with(SledOptions::default())
    }

    /// [`DataDirArgs::open_existing`] with other sled options (a smaller cache for a command
    /// that reads the log once).
    pub fn open_existing_with(
        &self,
        options: SledOptions,
    ) -> Result<Arc<dyn EventStore>, CliError> {
        let dir = self.data_dir.display();
        if !self.data_dir.exists() {
            return Err(CliError::Usage(format!(
                "{dir} is not a tincay data directory (it does not exist)"
            )));
        }
        if !self.data_dir.is_dir() {
            return Err(CliError::Usage(format!(
                "{dir} is not a tincay data directory (it is not a directory)"
            )));
        }
        if !self.data_dir.join(DATA_FILE).is_file() {
            return Err(no_log(&self.data_dir));
        }
        let store = self.open(options)?;
        if !is_initialised(store.as_ref())? {
            return Err(no_log(&self.data_dir));
        }
        Ok(store)
    }

    /// Open the data directory's store exclusively.
    fn open(&self, options: SledOptions) -> Result<Arc<dyn EventStore>, CliError> {
        match SledStore::open(&self.data_dir, options) {
            Ok(store) => Ok(Arc::new(store)),
            Err(StoreError::Locked) => Err(CliError::Usage(format!(
                "{} is in use by another process (is `tincay serve` running?); stop it first: \
                 this command needs the directory to itself",
                self.data_dir.display()
            ))),
            Err(error) => Err(error.into()),
        }
    }
}

fn no_log(dir: &Path) -> CliError {
    CliError::Usage(format!(
        "{} holds no tincay log (is --data-dir right?)",
        dir.display()
    ))
}
