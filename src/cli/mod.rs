//! The `tincay` command line: one binary, one subcommand per operation. Each subcommand
//! lives in its own module; this one parses arguments, sets up logging and maps errors to
//! exit codes (0 success, 1 a failed check such as a broken chain, 2 anything else).

mod data_dir;
mod demo;
mod error;
mod key_source;
mod keygen;
mod output;
mod rebuild;
mod retention;
mod rotate_key;
mod serve;
mod user_add;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use error::CliError;

/// tincay: the encrypted, tamper-evident case log for trusted addresses.
#[derive(Debug, Parser)]
#[command(name = "tincay", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a new random 32-byte master key to a file (mode 0600); never overwrites.
    Keygen(keygen::Args),
    /// Walk the whole chain and decrypt everything; exit 0 if intact, else name the first
    /// bad position.
    Verify(verify::Args),
    /// Rebuild every projection from the log and save their checkpoint (needs the data
    /// directory to itself).
    Rebuild(rebuild::Args),
    /// Erase the cases closed longer ago than the retention period now (`--dry-run` only
    /// lists them); needs the data directory to itself.
    Retention(retention::Args),
    /// Re-wrap every data key under a new master key (events are not re-encrypted).
    RotateKey(rotate_key::Args),
    /// Manage user accounts (`user add`); works while `tincay serve` runs.
    #[command(subcommand)]
    User(user_add::UserCommand),
    /// Serve the HTTP API until SIGTERM or SIGINT.
    Serve(serve::Args),
    /// Load a fictional demo data set into a new data directory (making a key if none is
    /// given), print the demo users, and serve.
    Demo(demo::Args),
}

/// Parse the command line and run the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(match cli.command {
        Command::Serve(_) | Command::Demo(_) => "warn,tincay=info",
        _ => "warn",
    });
    let result = match cli.command {
        Command::Keygen(args) => keygen::run(args),
        Command::Verify(args) => verify::run(args),
        Command::RotateKey(args) => rotate_key::run(args),
        Command::Rebuild(args) => rebuild::run(args),
        Command::Retention(args) => retention::run(args),
        Command::User(command) => user_add::run(command),
        Command::Serve(args) => serve::run(args),
        Command::Demo(args) => demo::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            output::error(&error.to_string());
            error.exit_code()
        }
    }
}

/// Logs go to stderr; `TINCAY_LOG_FORMAT=json` for JSON lines, `RUST_LOG` for the level
/// (else `default`: the server logs each request at info, other commands only warnings).
fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let json = std::env::var("TINCAY_LOG_FORMAT").is_ok_and(|format| format == "json");
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
