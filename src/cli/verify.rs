//! `tincay verify`: walk the chain; exit 0 if intact, 1 naming the first bad position, 3 an
//! undecodable event, 4 erasures that do not check out both ways (see `--help`).

use crate::cli::data_dir::DataDirArgs;
use crate::cli::key_source::KeyArgs;
use crate::cli::{CliError, output};
use crate::store::sled_store::SledOptions;
use crate::store::verify::{decodes, verify};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    data: DataDirArgs,
    #[command(flatten)]
    key: KeyArgs,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let master = args.key.load()?;
    // The chain is walked once, front to back, with the keys from one scan: a larger cache
    // would only hold pages never read again.
    let store = args.data.open_existing_with(SledOptions::replay())?;
    let report = verify(store.as_ref(), master, &decodes)?;
    match report.head {
        Some(head) => output::say(&format!(
            "chain intact: {} records in {} streams; {} personal parts decrypted, {} erased; \
             head position {} mac {}",
            report.records,
            report.streams,
            report.pii_decrypted,
            report.pii_erased,
            head.position,
            head.mac
        )),
        None => output::say("chain intact: the log is empty"),
    }
    Ok(())
}
