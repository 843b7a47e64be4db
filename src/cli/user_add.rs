//! `tincay user add`: create an account (the first admin, typically). The password comes
//! from stdin, never from a flag (flags show in `ps` and shell history), and is never
//! printed.
//!
//! On a directory no process holds, the command opens it itself (initialising a fresh one)
//! and runs the same code as `POST /users`; while a server holds it, the command goes
//! through the server's control socket, which runs that code inside the server.

use std::io::BufRead;

use zeroize::Zeroizing;

use crate::app::registry::accounts::{self, NewUser, Password, password_rule};
use crate::cli::data_dir::DataDirArgs;
use crate::cli::key_source::KeyArgs;
use crate::cli::registry_write::{self, Target};
use crate::cli::{CliError, output};
use crate::control::client;
use crate::control::protocol::UserAdd;
use crate::domain::vocab::Role;
use crate::http::error::ApiError;

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
    let password = read_password(&args.username)?;
    match registry_write::target(&args.data, &args.key)? {
        Target::Direct(store, key) => {
            let new = new_user(&args, role, password);
            let id = registry_write::run_directly(store, key, |state| async move {
                accounts::create_user(&state.app(), accounts::Creator::Console, new, None)
                    .await
                    .map_err(ApiError::from)
            })?;
            output::say(&format!("added user {} ({role})", id.as_uuid()));
            Ok(())
        }
        Target::Socket(socket) => {
            let request = UserAdd {
                command: "user_add",
                username: &args.username,
                password: password.as_str(),
                role: role.code(),
                area: args.area.as_deref(),
                trusted_address: args.trusted_address.as_deref(),
            };
            let id = client::user_add(&socket, &request).map_err(|error| {
                CliError::via_socket(&args.data.data_dir, error, "did not answer")
            })?;
            output::say(&format!(
                "added user {id} ({role}) through the running server"
            ));
            Ok(())
        }
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
fn read_password(username: &str) -> Result<Password, CliError> {
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
    password_rule(password, username).map_err(|refused| {
        CliError::Usage(format!("the password (from stdin): {}", refused.message))
    })?;
    Ok(Password::new(password.to_owned()))
}

fn new_user(args: &Args, role: Role, password: Password) -> NewUser {
    NewUser {
        username: args.username.clone(),
        password,
        role: role.code().to_owned(),
        area: args.area.clone(),
        trusted_address: args.trusted_address.clone(),
        // A name on the command line would sit in `ps` and the shell's history: an admin
        // gives it in the web app.
        full_name: None,
    }
}
