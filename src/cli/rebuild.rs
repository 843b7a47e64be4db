//! `tincay rebuild`: rebuild every projection from the first event of the log, and save them
//! as the directory's checkpoint, so the next `serve` starts from it. Needs the directory to
//! itself (refuses while a server holds it).

use std::time::Instant;

use crate::cli::data_dir::DataDirArgs;
use crate::cli::key_source::KeyArgs;
use crate::cli::{CliError, output};
use crate::projections::checkpoint;
use crate::projections::runner::Projections;
use crate::store::log::{EventLog, LogOptions};
use crate::store::sled_store::SledOptions;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    data: DataDirArgs,
    #[command(flatten)]
    key: KeyArgs,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let master = args.key.load()?;
    // The log is read once, front to back, and the keys in one scan: sled's cache would only
    // hold pages never read again.
    let store = args.data.open_existing_with(SledOptions::replay())?;
    let log = EventLog::open(store, master, LogOptions::default())?;
    let dir = &args.data.data_dir;
    checkpoint::remove(dir).map_err(|error| CliError::Io(error.to_string()))?;
    let projections = Projections::new();
    let started = Instant::now();
    let applied = projections
        .catch_up(&log)
        .map_err(|error| CliError::Io(error.to_string()))?;
    let elapsed = started.elapsed();
    let saved = match checkpoint::save(dir, &log, &projections) {
        Ok(position) => format!("checkpoint saved at position {position}"),
        // The log is intact; those cases stay unavailable until a binary that reads their
        // events rebuilds, and `serve` replays the log at start meanwhile.
        Err(error @ checkpoint::CheckpointError::SetAside { .. }) => error.to_string(),
        Err(error) => return Err(CliError::Io(error.to_string())),
    };
    log.close();
    let seconds = elapsed.as_secs_f64();
    let rate = if seconds > 0.0 {
        format!("{:.0} events/s", applied as f64 / seconds)
    } else {
        "instantly".to_owned()
    };
    output::say(&format!(
        "rebuilt every projection from {applied} events in {seconds:.2} s ({rate}); \
         {saved}"
    ));
    Ok(())
}
