//! `tincay migrate-store --to postgres|sled`: copy the log from one engine to the other as it
//! is stored ([`crate::store::copy`]), then verify both with the master key. `--to postgres`
//! copies the sled store in `--data-dir` into the database at `--database-url`; `--to sled`
//! copies the database into `--data-dir`. The target must be empty (refused otherwise); stop
//! every server first.

use std::sync::Arc;

use crate::cli::data_dir::{DataDirArgs, StoreKind, open_postgres};
use crate::cli::key_source::KeyArgs;
use crate::cli::{CliError, output};
use crate::store::copy::{CopyError, copy};
use crate::store::engine::EventStore;
use crate::store::sled_store::{DATA_FILE, SledOptions, SledStore};
use crate::store::verify::decodes;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The engine to copy the log into; the other one is the source.
    #[arg(long, value_enum)]
    to: StoreKind,
    #[command(flatten)]
    data: DataDirArgs,
    #[command(flatten)]
    key: KeyArgs,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let master = args.key.load()?;
    let url = args.data.database_url.as_deref().ok_or_else(|| {
        CliError::Usage("migrate-store needs --database-url (or TINCAY_DATABASE_URL)".into())
    })?;
    let dir = &args.data.data_dir;
    let (source, target, from, to): (Arc<dyn EventStore>, Arc<dyn EventStore>, _, _) = match args.to
    {
        StoreKind::Postgres => {
            let sled = DataDirArgs {
                store: StoreKind::Sled,
                ..args.data.clone()
            };
            let source = sled.open_existing_with(SledOptions::replay())?;
            (source, open_postgres(url)?, "sled", "PostgreSQL")
        }
        StoreKind::Sled => {
            if dir.join(DATA_FILE).exists() {
                return Err(CliError::Usage(format!(
                    "{} holds a store already: migrate-store copies only into an empty one",
                    dir.display()
                )));
            }
            // The source first: a wrong URL or a database that is down must not leave an
            // empty sled store behind, which the check above would then refuse for good.
            let source = open_postgres(url)?;
            let target = SledStore::open(dir, SledOptions::default())?;
            (source, Arc::new(target), "PostgreSQL", "sled")
        }
    };
    let report =
        copy(source.as_ref(), target.as_ref(), &master, &decodes).map_err(|error| match error {
            CopyError::TargetNotEmpty => CliError::Usage(format!(
                "the {to} target is not empty: migrate-store copies only into an empty store"
            )),
            CopyError::Store(error) => CliError::Store(error),
            CopyError::Open(error) => CliError::Open(error),
            other => CliError::Io(other.to_string()),
        })?;
    let head = report
        .target
        .head
        .map(|head| format!("head position {} mac {}", head.position, head.mac))
        .unwrap_or_else(|| "an empty log".into());
    output::say(&format!(
        "copied the log from {from} to {to} and verified both: {} records in {} streams, {head}",
        report.target.records, report.target.streams
    ));
    Ok(())
}
