//! `tincay restore --from PATH [--data-dir DIR] [--key-file PATH] [--erasure-ledger PATH]`:
//! restore a backup into an empty (or new) data directory, verify it, and re-apply the
//! erasures listed in the erasure ledger since the backup was taken
//! ([`crate::store::backup::restore`]). A non-empty directory, a wrong key, a damaged
//! backup or a ledger that does not verify are refused, and leave the directory as it was.
//!
//! With `--store postgres` the backup is restored into a staging sled store in the data
//! directory (`restore-staging`, ciphertext only, removed afterwards), erasures re-applied
//! there, and then copied into the empty database and verified ([`crate::store::copy`]).

use std::path::PathBuf;

use crate::cli::data_dir::{DataDirArgs, StoreKind, open_postgres};
use crate::cli::key_source::KeyArgs;
use crate::cli::serve::LedgerArgs;
use crate::cli::{CliError, output};
use crate::store::backup::restore;
use crate::store::copy::copy;
use crate::store::sled_store::{SledOptions, SledStore};
use crate::store::verify::decodes;

/// The staging store's directory inside the data directory, for a restore into PostgreSQL.
const STAGING: &str = "restore-staging";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The backup file to restore.
    #[arg(long, env = "TINCAY_RESTORE_FROM", value_name = "PATH")]
    from: PathBuf,
    /// The directory to restore into: it must be empty or not exist.
    #[command(flatten)]
    data: DataDirArgs,
    /// The master key of the directory the backup was taken from.
    #[command(flatten)]
    key: KeyArgs,
    #[command(flatten)]
    ledger: LedgerArgs,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let master = args.key.load()?;
    let ledger = args.ledger.erasure_ledger.as_deref();
    let target = match args.data.postgres()? {
        Some(_) => args.data.data_dir.join(STAGING),
        None => args.data.data_dir.clone(),
    };
    let report = match args.data.postgres()? {
        None => restore(&args.from, &target, master, &decodes, ledger)?,
        Some(url) => {
            if target.exists() {
                return Err(CliError::Usage(format!(
                    "{} exists (left by an interrupted restore?): remove it first",
                    target.display()
                )));
            }
            let key_again = args.key.load()?;
            let restored = restore(&args.from, &target, master, &decodes, ledger)
                .map_err(CliError::from)
                .and_then(|report| {
                    let staged = SledStore::open(&target, SledOptions::replay())?;
                    let database = open_postgres(url)?;
                    copy(&staged, database.as_ref(), &key_again, &decodes)
                        .map_err(|error| CliError::Io(error.to_string()))?;
                    Ok(report)
                });
            if let Err(error) = std::fs::remove_dir_all(&target) {
                tracing::warn!(%error, "cannot remove the restore's staging directory");
            }
            restored?
        }
    };
    let head = report.verified.head;
    output::say(&format!(
        "restored {} into {} and verified it: chain intact, {} records in {} streams, head \
         position {} mac {} as in the backup (taken {}, data format {})",
        args.from.display(),
        match args.data.store {
            StoreKind::Postgres => "the database".to_owned(),
            StoreKind::Sled => args.data.data_dir.display().to_string(),
        },
        report.verified.records,
        report.verified.streams,
        head.map_or(0, |head| head.position),
        head.map_or_else(|| "-".to_owned(), |head| head.mac.to_string()),
        report.header.taken_at,
        report.header.data_format,
    ));
    match (report.erasures, ledger) {
        (Some(done), _) => output::say(&format!(
            "erasure ledger: {} erased cases listed; {} erased again (their key had come back \
             with the backup), {} already erased in it, {} not in it",
            done.listed, done.erased, done.already, done.absent
        )),
        (None, Some(_)) => output::say(
            "erasure ledger: not applied (the backup predates data format 2, which introduced \
             it); run `tincay migrate` before serving",
        ),
        (None, None) => output::error(
            "warning: no erasure ledger given (--erasure-ledger or TINCAY_ERASURE_LEDGER): \
             cases erased after this backup was taken have come back; see \
             deploy/OPERATIONS.md before serving this directory",
        ),
    }
    Ok(())
}
