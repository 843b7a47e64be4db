//! `tincay retention [--dry-run]`: erase now every case closed longer ago than the retention
//! period, as the server's daily job does (or, with `--dry-run`, only list them). Needs the
//! data directory to itself; prints case ids and closing months, nothing personal.

use crate::cli::data_dir::DataDirArgs;
use crate::cli::key_source::KeyArgs;
use crate::cli::serve::{LedgerArgs, RetentionArgs, runtime};
use crate::cli::{CliError, output};
use crate::projections::checkpoint;
use crate::projections::runner::Projections;
use crate::store::log::{EventLog, LogOptions};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    data: DataDirArgs,
    #[command(flatten)]
    key: KeyArgs,
    #[command(flatten)]
    retention: RetentionArgs,
    #[command(flatten)]
    ledger: LedgerArgs,
    /// List the cases due for erasure; erase nothing.
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let period = args.retention.period()?;
    let master = args.key.load()?;
    let store = args.data.open_existing()?;
    let options = LogOptions {
        erasure_ledger: args.ledger.open()?,
        ..LogOptions::default()
    };
    let log = EventLog::open(store, master, options)?;
    let projections = Projections::new();
    checkpoint::load(&args.data.data_dir, &log, &projections);
    projections
        .catch_up(&log)
        .map_err(|error| CliError::Io(error.to_string()))?;
    let report = runtime()?
        .block_on(crate::retention::run(
            &log,
            &projections,
            crate::clock::now(),
            period,
            args.dry_run,
        ))
        .map_err(|error| CliError::Io(error.to_string()))?;
    log.close();
    let years = period.in_years();
    for due in &report.due {
        output::say(&format!(
            "case {} closed in {}",
            due.case.as_uuid(),
            due.closed_in
        ));
    }
    if args.dry_run {
        output::say(&format!(
            "dry run: {} closed cases are past the retention period of {years} years; \
             nothing was erased",
            report.due.len()
        ));
    } else {
        output::say(&format!(
            "{} closed cases past the retention period of {years} years erased \
             (reason: retention); {} changed meanwhile and were left",
            report.erased, report.skipped
        ));
    }
    Ok(())
}
