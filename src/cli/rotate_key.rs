//! `tincay rotate-key --new-key-file PATH`: re-wrap every data key under a new master key.

use std::path::PathBuf;

use crate::cli::data_dir::DataDirArgs;
use crate::cli::key_source::{KeyArgs, read_key_file};
use crate::cli::{CliError, output};
use crate::store::rotate::rotate_master_key;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The new master key (made with `tincay keygen`).
    #[arg(long, env = "TINCAY_NEW_KEY_FILE", value_name = "PATH")]
    new_key_file: PathBuf,
    #[command(flatten)]
    data: DataDirArgs,
    /// The current master key.
    #[command(flatten)]
    key: KeyArgs,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let current = args.key.load()?;
    let new = read_key_file(&args.new_key_file)?;
    let store = args.data.open_existing()?;
    let report = rotate_master_key(store.as_ref(), &current, &new)?;
    output::say(&format!(
        "rotated: {} keys re-wrapped under the new master key (epoch {} -> {}), {} erased \
         streams carried over. From now on start tincay with {}; destroy the old key only \
         after a backup made with the new one has been restored successfully.",
        report.rewrapped,
        report.from_epoch,
        report.to_epoch,
        report.destroyed,
        args.new_key_file.display()
    ));
    Ok(())
}
