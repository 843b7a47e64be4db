//! The data directory: `--data-dir` (default `./tincay-data`, also `TINCAY_DATA_DIR`), the
//! storage engine (`--store sled|postgres`, `TINCAY_STORE`; `--database-url`,
//! `TINCAY_DATABASE_URL` for PostgreSQL), and opening the store for commands.
//!
//! With `--store postgres` the log lives in the database and the data directory keeps only
//! this server's own files (projection checkpoints, the control socket). PostgreSQL is shared:
//! a command opens it while servers run, and its appends take their turn with theirs.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::CliError;
use crate::store::engine::{EventStore, StoreError};
use crate::store::log::open::is_initialised;
use crate::store::pg_store::{PgOptions, PgStore};
use crate::store::sled_store::{DATA_FILE, SledOptions, SledStore};

/// The storage engine of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StoreKind {
    /// Embedded, in the data directory (one server).
    Sled,
    /// A PostgreSQL database (`--database-url`): replication, several servers on one log.
    Postgres,
}

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
    /// The storage engine of the log.
    #[arg(long, env = "TINCAY_STORE", value_enum, default_value = "sled")]
    pub store: StoreKind,
    /// PostgreSQL connection string for `--store postgres`, e.g.
    /// `postgres://tincay@db1,db2/tincay?target_session_attrs=read-write` (several hosts: the
    /// writable one is found after a failover). No TLS: use a local socket or a private
    /// network. It may hold a password: prefer TINCAY_DATABASE_URL or the configuration file.
    #[arg(
        long,
        env = "TINCAY_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
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
        if let Some(url) = self.postgres()? {
            let store = open_postgres(url)?;
            if !is_initialised(store.as_ref())? {
                return Err(CliError::Usage(
                    "the database holds no tincay log (is --database-url right?)".into(),
                ));
            }
            return Ok(store);
        }
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

    /// The database URL when the engine is PostgreSQL; `None` for sled.
    pub fn postgres(&self) -> Result<Option<&str>, CliError> {
        match (self.store, &self.database_url) {
            (StoreKind::Sled, _) => Ok(None),
            (StoreKind::Postgres, Some(url)) => Ok(Some(url)),
            (StoreKind::Postgres, None) => Err(CliError::Usage(
                "--store postgres needs --database-url (or TINCAY_DATABASE_URL)".into(),
            )),
        }
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

/// Connects to a PostgreSQL store, initialised or not.
pub fn open_postgres(url: &str) -> Result<Arc<dyn EventStore>, CliError> {
    Ok(Arc::new(PgStore::open(url, PgOptions::default())?))
}
