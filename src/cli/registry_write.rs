//! How a command that writes to the registry (`user add`, `areas import`) reaches the log:
//! a store it opens itself (a sled directory no process holds, initialised if new, or the
//! shared PostgreSQL database), or the control socket of the server that holds the sled
//! directory. Either way the same application code runs: [`run_directly`] gives it the
//! state a server would, for the length of one call.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::CliError;
use crate::cli::data_dir::DataDirArgs;
use crate::cli::key_source::KeyArgs;
use crate::clock::SystemClock;
use crate::control::protocol::describe;
use crate::control::socket_path;
use crate::edge::state::{AppState, HttpSettings};
use crate::http::error::ApiError;
use crate::projections::runner::Projections;
use crate::store::crypto::MasterKey;
use crate::store::engine::{EventStore, StoreError};
use crate::store::log::{EventLog, LogOptions};
use crate::store::sled_store::{DATA_FILE, SledOptions, SledStore};

/// Where the write goes.
pub enum Target {
    /// A store this process opened, with the master key to open its log.
    Direct(Arc<dyn EventStore>, MasterKey),
    /// The control socket of the server that holds the directory (it has the key).
    Socket(PathBuf),
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Direct(..) => f.write_str("Direct(..)"),
            Target::Socket(path) => f.debug_tuple("Socket").field(path).finish(),
        }
    }
}

/// Open the store named by `data` and `key`, or find the server that holds it. PostgreSQL is
/// shared: the write is appended directly, in turn with the servers' appends, and every
/// server follows it into its projections.
pub fn target(data: &DataDirArgs, key: &KeyArgs) -> Result<Target, CliError> {
    let key = key.load();
    let dir = &data.data_dir;
    let socket = socket_path(dir);
    if let Err(error) = &key {
        if !socket.exists() {
            return Err(CliError::Usage(error.to_string()));
        }
    }
    if data.postgres()?.is_some() {
        return Ok(Target::Direct(data.open_existing()?, key?));
    }
    refuse_foreign_directory(dir)?;
    match SledStore::open(dir, SledOptions::default()) {
        Ok(store) => Ok(Target::Direct(Arc::new(store), key?)),
        Err(StoreError::Locked) => Ok(Target::Socket(socket)),
        Err(error) => Err(error.into()),
    }
}

/// A directory that holds files but no tincay store is a mistyped `--data-dir`: refuse it
/// rather than initialise a store among someone else's files.
pub fn refuse_foreign_directory(dir: &Path) -> Result<(), CliError> {
    let has_files = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if has_files && !dir.join(DATA_FILE).is_file() {
        return Err(CliError::Usage(format!(
            "{} is not empty and holds no tincay data (is --data-dir right?)",
            dir.display()
        )));
    }
    Ok(())
}

/// Open the log on `store`, catch the projections up and follow the log while `work` runs
/// the application's code on the state a server would give it, then close.
pub fn run_directly<T, F, Fut>(
    store: Arc<dyn EventStore>,
    key: MasterKey,
    work: F,
) -> Result<T, CliError>
where
    F: FnOnce(AppState) -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|error| CliError::Io(format!("cannot start: {error}")))?;
    runtime.block_on(async {
        let log = EventLog::open(store, key, LogOptions::default())?;
        let projections = Projections::new();
        projections
            .catch_up(&log)
            .map_err(|error| CliError::Io(error.to_string()))?;
        let follower = tokio::spawn(Arc::clone(&projections).follow(log.clone()));
        let state = AppState::new(
            log.clone(),
            projections,
            HttpSettings::default(),
            Arc::new(SystemClock),
        );
        let done = work(state).await;
        follower.abort();
        log.close();
        done.map_err(|error| CliError::Usage(describe(&error)))
    })
}
