//! `tincay restore --from PATH [--data-dir DIR] [--key-file PATH] [--erasure-ledger PATH]`:
//! restore a backup into an empty (or new) data directory, verify it, and re-apply the
//! erasures listed in the erasure ledger since the backup was taken
//! ([`crate::store::backup::restore`]). A non-empty directory, a wrong key, a damaged
//! backup or a ledger that does not verify are refused, and leave the directory as it was.

use std::path::PathBuf;

use crate::cli::data_dir::DataDirArgs;
use crate::cli::key_source::KeyArgs;
use crate::cli::serve::LedgerArgs;
use crate::cli::{CliError, output};
use crate::store::backup::restore;
use crate::store::verify::decodes;

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
    let report = restore(&args.from, &args.data.data_dir, master, &decodes, ledger)?;
    let head = report.verified.head;
    output::say(&format!(
        "restored {} into {} and verified it: chain intact, {} records in {} streams, head \
         position {} mac {} as in the backup (taken {}, data format {})",
        args.from.display(),
        args.data.data_dir.display(),
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
