//! The `tincay` command line: one binary, one subcommand per operation. Each subcommand
//! lives in its own module; this one parses arguments, sets up logging and maps errors to
//! exit codes (0 success, 1 a failed check such as a broken chain or an import's conflicts,
//! 2 anything else, 3 `verify`'s intact chain holding an event this binary cannot decode,
//! 4 `verify`'s intact chain beside keys that contradict its erasures).

mod areas;
mod backup;
mod config;
mod data_dir;
mod demo;
mod error;
mod key_source;
mod keygen;
mod migrate;
mod migrate_store;
mod output;
mod rebuild;
mod registry_write;
mod restore;
mod retention;
mod rotate_key;
mod serve;
mod user_add;
mod verify;

use std::process::ExitCode;

use clap::{FromArgMatches, Parser, Subcommand};

pub use error::CliError;

/// tincay: the encrypted, tamper-evident case log for trusted addresses.
///
/// Settings come from flags, then `TINCAY_*` variables, then the file named by `--config`
/// (or `TINCAY_CONFIG`; see deploy/tincay.example.toml), then the built-in defaults.
#[derive(Debug, Parser)]
#[command(name = "tincay", version = crate::VERSION, about, long_about = None)]
struct Cli {
    /// A TOML configuration file (deploy/tincay.example.toml lists every setting).
    #[arg(long, global = true, env = config::CONFIG_ENV, value_name = "PATH")]
    config: Option<std::path::PathBuf>,
    /// Log lines as human-readable text or as JSON (on stderr).
    #[arg(
        long,
        global = true,
        env = "TINCAY_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a new random 32-byte master key to a file (mode 0600); never overwrites.
    Keygen(keygen::Args),
    /// Walk the whole chain and decrypt everything; exit 0 if intact, else name the first
    /// bad position.
    ///
    /// Exit codes: 0 the chain is intact and every event decodes; 1 the chain is broken at
    /// the named position (a MAC, position or ciphertext fails: tampering or corruption); 3
    /// the chain is intact but the event at the named position cannot be decoded by this
    /// binary (a bug or an old binary: those cases answer 503 until a binary that reads them
    /// runs `tincay rebuild`); 4 the chain is intact but erasures do not check out both ways
    /// (a case's data key is destroyed although its log holds no `case_erased`, or an erased
    /// case's key is live again: the key store was altered behind the log's back; restore the
    /// last backup that verifies); 2 anything else (no key, no log, directory in use).
    Verify(verify::Args),
    /// Rebuild every projection from the log and save their checkpoint (needs the data
    /// directory to itself).
    Rebuild(rebuild::Args),
    /// Erase the cases closed longer ago than the retention period now (`--dry-run` only
    /// lists them); needs the data directory to itself.
    Retention(retention::Args),
    /// Re-wrap every data key under a new master key (events are not re-encrypted).
    RotateKey(rotate_key::Args),
    /// Load the official administrative units (`areas import`); works while `tincay serve`
    /// runs.
    #[command(subcommand)]
    Areas(areas::AreasCommand),
    /// Manage user accounts (`user add`); works while `tincay serve` runs.
    #[command(subcommand)]
    User(user_add::UserCommand),
    /// Serve the HTTP API until SIGTERM or SIGINT.
    Serve(serve::Args),
    /// Load a fictional demo data set into a new data directory (making a key if none is
    /// given), print the demo users, and serve.
    Demo(demo::Args),
    /// Write a consistent backup (ciphertext and wrapped keys only), authenticated by a MAC
    /// under the master key, to a file; works while `tincay serve` runs.
    Backup(backup::Args),
    /// Restore a backup into an empty data directory, verify it, and re-apply the erasures
    /// made since it was taken.
    ///
    /// Before anything is written, the backup's MAC (under the master key) is checked over
    /// every byte, and its erasures both ways: a changed byte, a dropped tail, a rewritten
    /// header or key state, or a backup under another master key are refused. Version 1
    /// backups (no MAC) are refused: take a new one.
    Restore(restore::Args),
    /// Upgrade a data directory written by an older tincay to this one's format, after
    /// writing a backup of it.
    Migrate(migrate::Args),
    /// Copy the log to the other storage engine (sled to PostgreSQL or back) as it is stored,
    /// into an empty target, and verify both.
    MigrateStore(migrate_store::Args),
}

/// Parse the command line (with the configuration file's settings) and run the command.
pub fn main() -> ExitCode {
    // Every file a command creates (data directory, keys, backups) is the owner's only.
    crate::store::file_modes::restrict_umask();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut command = <Cli as clap::CommandFactory>::command();
    if let Some(path) = config::config_path(&args) {
        match config::Config::load(&path) {
            Ok(settings) => command = config::apply(command, &settings),
            Err(error) => {
                output::error(&error.to_string());
                return error.exit_code();
            }
        }
    }
    let matches = command.get_matches_from(args);
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    init_logging(
        match cli.command {
            Command::Serve(_) | Command::Demo(_) => "warn,tincay=info",
            _ => "warn",
        },
        cli.log_format,
    );
    let result = match cli.command {
        Command::Keygen(args) => keygen::run(args),
        Command::Verify(args) => verify::run(args),
        Command::RotateKey(args) => rotate_key::run(args),
        Command::Rebuild(args) => rebuild::run(args),
        Command::Retention(args) => retention::run(args),
        Command::Areas(command) => areas::run(command),
        Command::User(command) => user_add::run(command),
        Command::Serve(args) => serve::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Backup(args) => backup::run(args),
        Command::Restore(args) => restore::run(args),
        Command::Migrate(args) => migrate::run(args),
        Command::MigrateStore(args) => migrate_store::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            output::error(&error.to_string());
            error.exit_code()
        }
    }
}

/// Logs go to stderr; `--log-format json` (`TINCAY_LOG_FORMAT=json`) for JSON lines,
/// `RUST_LOG` for the level (else `default`: the server logs each request at info, other
/// commands only warnings).
fn init_logging(default: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let _ = if format == LogFormat::Json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
