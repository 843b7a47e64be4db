//! `tincay migrate --backup-out PATH [--data-dir DIR] [--key-file PATH]`: upgrade a data
//! directory written by an older tincay to this one's format, in place
//! ([`crate::store::format`]). It needs the directory to itself, checks the master key,
//! writes a backup of the directory as it is to PATH and checks it reads back, and only then
//! migrates. A directory already at this format is left alone; a newer one is refused.

use std::path::PathBuf;

use crate::cli::backup::write_file;
use crate::cli::data_dir::DataDirArgs;
use crate::cli::key_source::KeyArgs;
use crate::cli::{CliError, output};
use crate::store::backup::export;
use crate::store::format::{self, CURRENT};
use crate::store::log::open::check_master_key;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the backup taken before the upgrade (a new file).
    #[arg(long, env = "TINCAY_BACKUP_OUT", value_name = "PATH")]
    backup_out: PathBuf,
    #[command(flatten)]
    data: DataDirArgs,
    #[command(flatten)]
    key: KeyArgs,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let master = args.key.load()?;
    let store = args.data.open_existing()?;
    check_master_key(store.as_ref(), &master)?;
    let found = format::read(store.as_ref())?.unwrap_or(CURRENT);
    if found == CURRENT {
        output::say(&format!(
            "{} is at format {CURRENT} already: nothing to do",
            args.data.data_dir.display()
        ));
        return Ok(());
    }
    if args.backup_out.exists() {
        return Err(CliError::Usage(format!(
            "{} exists: a backup never overwrites a file",
            args.backup_out.display()
        )));
    }
    let now = crate::clock::now();
    let info = write_file(&args.backup_out, &master, |file| {
        export(store.as_ref(), &master, now, file)
            .map(|_| ())
            .map_err(CliError::from)
    })?;
    let migration = format::migrate(store.as_ref())?;
    output::say(&format!(
        "backed up {} records to {}, then upgraded {} from format {} to {} (log id {}). Keep \
         the backup until the upgraded directory has served and verified; to go back, restore \
         it with the older tincay.",
        info.counts.records,
        args.backup_out.display(),
        args.data.data_dir.display(),
        migration.from,
        migration.to,
        migration.log_id
    ));
    Ok(())
}
