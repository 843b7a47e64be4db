//! `tincay areas import`: load a list of administrative units (the official list shipped in
//! `data/areas/`, or an office's list of earlier units) into the registry, and print what it
//! added. Idempotent; a unit that exists with other data is reported and left alone, and the
//! command then exits 1.
//!
//! Like `user add`, it opens the store itself (a directory no process holds, initialised if
//! new, or the shared PostgreSQL database) or goes through the control socket of a server
//! that holds the directory ([`crate::cli::registry_write`]); either way the same code runs
//! ([`crate::http::registry::import`]).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::cli::data_dir::DataDirArgs;
use crate::cli::key_source::KeyArgs;
use crate::cli::registry_write::{self, Target};
use crate::cli::{CliError, output};
use crate::control::client;
use crate::http::registry::import::{self, AreasImport, ImportReport};

/// `tincay areas …`
#[derive(Debug, clap::Subcommand)]
pub enum AreasCommand {
    /// Load administrative units from a list file (e.g. data/areas/vn-2025.csv); running it
    /// again writes nothing. Works while `tincay serve` runs.
    Import(Args),
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The list: `code,name,type,level,parent,valid_from,valid_to,successor` (data/areas/README.md).
    #[arg(long, env = "TINCAY_FILE", value_name = "PATH")]
    file: PathBuf,
    /// Only the units of this province (its code); repeat for several.
    #[arg(
        long = "province",
        env = "TINCAY_PROVINCE",
        value_name = "CODE",
        value_delimiter = ','
    )]
    provinces: Vec<String>,
    /// Print what would be added, and write nothing.
    #[arg(long, env = "TINCAY_DRY_RUN")]
    dry_run: bool,
    #[command(flatten)]
    data: DataDirArgs,
    #[command(flatten)]
    key: KeyArgs,
}

pub fn run(command: AreasCommand) -> Result<(), CliError> {
    let AreasCommand::Import(args) = command;
    let list = std::fs::read_to_string(&args.file)
        .map_err(|error| CliError::io("cannot read", &args.file, &error))?;
    let request = AreasImport {
        list,
        provinces: args.provinces.clone(),
        dry_run: args.dry_run,
    };
    let report = match registry_write::target(&args.data, &args.key)? {
        Target::Direct(store, key) => {
            registry_write::run_directly(store, key, |state| async move {
                import::import_areas(&state, None, request).await
            })?
        }
        Target::Socket(socket) => {
            let report = client::areas_import(&socket, &request).map_err(|error| {
                CliError::via_socket(&args.data.data_dir, error, "did not answer")
            })?;
            output::say("(through the running server)");
            report
        }
    };
    print(&report);
    match report.conflicts.len() {
        0 => Ok(()),
        n => Err(CliError::Conflicts(n)),
    }
}

/// One line per unit added, retired or in conflict, then a summary with the count of each
/// type added. Unit names and codes are public data.
fn print(report: &ImportReport) {
    let (add, retire) = if report.dry_run {
        ("would add", "would retire")
    } else {
        ("added", "retired")
    };
    for unit in &report.added {
        output::say(&format!(
            "{add} {} {} ({})",
            unit.code, unit.name, unit.unit_type
        ));
    }
    for unit in &report.retired {
        let into = unit
            .successor
            .as_ref()
            .map_or_else(String::new, |successor| format!(", into {successor}"));
        output::say(&format!(
            "{retire} {} after {}{into}",
            unit.code, unit.valid_to
        ));
    }
    for conflict in &report.conflicts {
        output::say(&format!(
            "conflict {}: the registry has another {}; left as it is",
            conflict.code,
            conflict.fields.join(", ")
        ));
    }
    let mut types: BTreeMap<&str, usize> = BTreeMap::new();
    for unit in &report.added {
        *types.entry(unit.unit_type.as_str()).or_default() += 1;
    }
    let by_type = types
        .iter()
        .map(|(kind, n)| format!("{n} {kind}"))
        .collect::<Vec<_>>()
        .join(", ");
    output::say(&format!(
        "{add} {} units{}; {retire} {}; {} already there; {} outside the asked provinces; {} conflicts",
        report.added.len(),
        if by_type.is_empty() {
            String::new()
        } else {
            format!(" ({by_type})")
        },
        report.retired.len(),
        report.unchanged,
        report.outside,
        report.conflicts.len()
    ));
}
