//! `tincay user add`: create an account (the first admin, typically). The password comes
//! from stdin, never from a flag (flags show in `ps` and shell history), and is never
//! printed.
//!
//! On a directory no process holds, the command opens it itself (initialising a fresh one)
//! and runs the same code as `POST /users`; while a server holds it, the command goes
//! through the server's control socket, which runs that code inside the server.

use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::cli::data_dir::DataDirArgs;
use crate::cli::key_source::KeyArgs;
use crate::cli::{CliError, output};
use crate::control::client;
use crate::control::protocol::{UserAdd, describe};
use crate::control::socket_path;
use crate::domain::vocab::Role;
use crate::http::registry::accounts::{self, NewUser, Password, password_rule};
use crate::http::state::{AppState, HttpSettings, SystemClock};
use crate::projections::runner::Projections;
use crate::store::crypto::MasterKey;
use crate::store::engine::{EventStore, StoreError};
use crate::store::log::{EventLog, LogOptions};
use crate::store::sled_store::{DATA_FILE, SledOptions, SledStore};

/// `tincay user …`
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create a user account; the password is read from stdin.
    Add(Args),
}

/// The roles, as the command line names them.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RoleArg {
    Admin,
    Supervisor,
    Volunteer,
    Reporting,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Admin => Role::Admin,
            RoleArg::Supervisor => Role::Supervisor,
            RoleArg::Volunteer => Role::Volunteer,
            RoleArg::Reporting => Role::Reporting,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The name the user signs in with.
    #[arg(long, env = "TINCAY_USERNAME", value_name = "NAME")]
    username: String,
    /// What the user may do.
    #[arg(long, env = "TINCAY_ROLE", value_enum)]
    role: RoleArg,
    /// The area (code) of a supervisor or reporting officer.
    #[arg(long, env = "TINCAY_AREA", value_name = "CODE")]
    area: Option<String>,
    /// The trusted address (id) of a volunteer.
    #[arg(long, env = "TINCAY_TRUSTED_ADDRESS", value_name = "ID")]
    trusted_address: Option<String>,
    /// Read the password from stdin (its first line). Required: a password is never a flag.
    #[arg(long, env = "TINCAY_PASSWORD_STDIN")]
    password_stdin: bool,
    #[command(flatten)]
    data: DataDirArgs,
    #[command(flatten)]
    key: KeyArgs,
}

pub fn run(command: UserCommand) -> Result<(), CliError> {
    let UserCommand::Add(args) = command;
    if !args.password_stdin {
        return Err(CliError::Usage(
            "pass the password on stdin with --password-stdin (a password is never a flag)".into(),
        ));
    }
    let role = Role::from(args.role);
    check_binding(role, &args)?;
    let password = read_password()?;
    let key = args.key.load();
    let dir = &args.data.data_dir;
    let socket = socket_path(dir);
    if let Err(error) = &key {
        if !socket.exists() {
            return Err(CliError::Usage(error.to_string()));
        }
    }
    // PostgreSQL is shared: the user is appended directly, in turn with the servers' appends,
    // and every server follows it into its projections.
    if args.data.postgres()?.is_some() {
        let store = args.data.open_existing()?;
        let id = add_directly(store, key?, new_user(&args, role, password))?;
        output::say(&format!("added user {id} ({role})"));
        return Ok(());
    }
    refuse_foreign_directory(dir)?;
    match SledStore::open(dir, SledOptions::default()) {
        Ok(store) => {
            let id = add_directly(Arc::new(store), key?, new_user(&args, role, password))?;
            output::say(&format!("added user {id} ({role})"));
            Ok(())
        }
        Err(StoreError::Locked) => {
            let request = UserAdd {
                command: "user_add",
                username: &args.username,
                password: password.as_str(),
                role: role.code(),
                area: args.area.as_deref(),
                trusted_address: args.trusted_address.as_deref(),
            };
            let id = client::user_add(&socket, &request)
                .map_err(|error| CliError::via_socket(dir, error, "did not answer"))?;
            output::say(&format!(
                "added user {id} ({role}) through the running server"
            ));
            Ok(())
        }
        Err(error) => Err(error.into()),
    }
}

/// Each role's binding, checked before anything is read, in the flags' words.
fn check_binding(role: Role, args: &Args) -> Result<(), CliError> {
    let (area, address) = (args.area.is_some(), args.trusted_address.is_some());
    let problem = match role {
        Role::Supervisor | Role::Reporting if !area => Some("needs --area CODE"),
        Role::Volunteer if !address => Some("needs --trusted-address ID"),
        Role::Admin | Role::Supervisor | Role::Reporting if address => {
            Some("takes no --trusted-address (only a volunteer has one)")
        }
        Role::Admin | Role::Volunteer if area => {
            Some("takes no --area (only supervisors and reporting officers have one)")
        }
        _ => None,
    };
    match problem {
        Some(problem) => Err(CliError::Usage(format!("--role {role} {problem}"))),
        None => Ok(()),
    }
}

/// The first line of stdin, without its line ending.
fn read_password() -> Result<Password, CliError> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|error| CliError::Io(format!("cannot read the password from stdin: {error}")))?;
    let password = line.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        return Err(CliError::Usage(
            "no password on stdin (pipe it in, e.g. from a password manager)".into(),
        ));
    }
    password_rule(password).map_err(|refused| {
        CliError::Usage(format!("the password (from stdin): {}", refused.message))
    })?;
    Ok(Password::new(password.to_owned()))
}

/// A directory with files in it but no store is not a data directory: opening it would
/// scatter a new store among someone else's files.
pub fn refuse_foreign_directory(dir: &Path) -> Result<(), CliError> {
    let has_files = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if has_files && !dir.join(DATA_FILE).is_file() {
        return Err(CliError::Usage(format!(
            "{} is not empty and holds no tincay data (is --data-dir right?)",
            dir.display()
        )));
    }
    Ok(())
}

fn new_user(args: &Args, role: Role, password: Password) -> NewUser {
    NewUser {
        username: args.username.clone(),
        password,
        role: role.code().to_owned(),
        area: args.area.clone(),
        trusted_address: args.trusted_address.clone(),
    }
}

/// Open the log (initialising a fresh directory), run the `POST /users` code, close.
fn add_directly(
    store: Arc<dyn EventStore>,
    key: MasterKey,
    new: NewUser,
) -> Result<uuid::Uuid, CliError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| CliError::Io(format!("cannot start: {error}")))?;
    runtime.block_on(async {
        let log = EventLog::open(store, key, LogOptions::default())?;
        let projections = Projections::new();
        projections
            .catch_up(&log)
            .map_err(|error| CliError::Io(error.to_string()))?;
        let follower = tokio::spawn(Arc::clone(&projections).follow(log.clone()));
        let state = AppState::new(
            log.clone(),
            projections,
            HttpSettings::default(),
            Arc::new(SystemClock),
        );
        let created = accounts::create_user(&state, accounts::Creator::Console, new).await;
        follower.abort();
        log.close();
        created
            .map(|id| *id.as_uuid())
            .map_err(|error| CliError::Usage(describe(&error)))
    })
}
