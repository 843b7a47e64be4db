//! `tincay demo [--data-dir DIR] [--listen ADDR] [--key-file PATH]`: serve a fictional
//! data set to try tincay with.
//!
//! Without a key, the demo makes one: `tincay-demo.key` (mode 0600) next to the data
//! directory, and says so; the next run finds and uses it. A new (empty) data directory gets
//! the demo data set ([`crate::demo`]); an existing one is served as it is. Then it prints the
//! demo users with their passwords (derived from the key, so the same on every run), how to
//! log in, and serves exactly like `tincay serve`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::data_dir::DataDirArgs;
use crate::cli::key_source::{KeyArgs, MASTER_KEY_ENV, read_key_file};
use crate::cli::serve::{self, ListenArgs, ServiceArgs};
use crate::cli::{CliError, output};
use crate::demo;
use crate::server::App;
use crate::store::crypto::MasterKey;
use crate::store::sled_store::DATA_FILE;

/// The key file the demo makes, next to the data directory.
pub const KEY_FILE: &str = "tincay-demo.key";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    data: DataDirArgs,
    #[command(flatten)]
    listen: ListenArgs,
    #[command(flatten)]
    key: KeyArgs,
    #[command(flatten)]
    service: ServiceArgs,
    /// How many fictional cases to load into a new data directory (a smaller set starts
    /// faster, e.g. for a restore drill).
    #[arg(long, env = "TINCAY_DEMO_CASES", value_name = "N", default_value_t = demo::CASES,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100_000))]
    cases: usize,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let data_dir = args.data.data_dir;
    let master = demo_key(&args.key, &data_dir)?;
    // A second copy, for the passwords: the first goes to the log.
    let passwords = Arc::new(
        MasterKey::parse(master.to_base64().as_bytes())
            .map_err(|_| CliError::Usage("the master key cannot be read back".into()))?,
    );
    serve::runtime()?.block_on(async {
        let app = serve::build(&data_dir, args.listen.listen, master, &args.service, None).await?;
        load_if_new(&app, &passwords, args.cases).await?;
        introduce(&app, &passwords)?;
        serve::serve(app, &data_dir).await
    })
}

/// Where the demo keeps its key: `DIR/../tincay-demo.key`.
fn key_path(data_dir: &Path) -> PathBuf {
    let parent = data_dir.parent().unwrap_or_else(|| Path::new(""));
    parent.join(KEY_FILE)
}

/// The given key, else the demo's key file, else a new one written there.
fn demo_key(key: &KeyArgs, data_dir: &Path) -> Result<MasterKey, CliError> {
    if key.key_file.is_some() || std::env::var_os(MASTER_KEY_ENV).is_some() {
        return key.load();
    }
    let path = key_path(data_dir);
    if path.exists() {
        output::say(&format!(
            "using the demo's master key in {}",
            path.display()
        ));
        return read_key_file(&path);
    }
    if data_dir.join(DATA_FILE).exists() {
        return Err(CliError::Usage(format!(
            "{} already holds data, and {} does not exist: pass the directory's key with \
             --key-file, or give the demo a new --data-dir",
            data_dir.display(),
            path.display()
        )));
    }
    let key = MasterKey::generate();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(&path)
        .and_then(|mut file| {
            file.write_all(key.to_base64().as_bytes())?;
            file.sync_all()
        })
        .map_err(|error| CliError::io("cannot write the demo key to", &path, &error))?;
    output::say(&format!(
        "wrote a new master key for the demo to {} (mode 0600); the demo data cannot be read \
         without it",
        path.display()
    ));
    Ok(key)
}

/// Load the data set into an empty log, and catch the projections up with it.
async fn load_if_new(app: &App, master: &Arc<MasterKey>, cases: usize) -> Result<(), CliError> {
    let state = app.state();
    if state.log.head().is_some() {
        output::say("the data directory already holds data: serving it as it is");
        return Ok(());
    }
    output::say(&format!(
        "loading the fictional demo data set: {cases} cases over two years (a few seconds)"
    ));
    let (now, today) = (state.clock.now(), state.clock.today());
    let seed = rand_core::RngCore::next_u64(&mut rand_core::OsRng);
    let master = Arc::clone(master);
    let data = tokio::task::spawn_blocking(move || {
        demo::generate(now, today, seed, cases, &|name| {
            demo::password(&master, name)
        })
    })
    .await
    .map_err(|error| CliError::Io(format!("the demo generator stopped: {error}")))?
    .map_err(demo_error)?;
    let tally = data.tally.clone();
    let events = data.events;
    demo::load(&state.log, data).await.map_err(demo_error)?;
    let projections = Arc::clone(&state.projections);
    let log = state.log.clone();
    tokio::task::spawn_blocking(move || projections.catch_up(&log))
        .await
        .map_err(|error| CliError::Io(format!("the projections stopped: {error}")))?
        .map_err(|error| CliError::Io(error.to_string()))?;
    output::say(&format!(
        "loaded {events} events: {} cases ({} open, {} awaiting a supervisor's review, {} closed, \
         {} erased; {} follow-ups overdue) at 6 trusted addresses in 2 fictional provinces",
        tally.cases,
        tally.open,
        tally.closure_requested,
        tally.closed,
        tally.erased,
        tally.overdue_follow_ups
    ));
    Ok(())
}

fn demo_error(error: demo::DemoError) -> CliError {
    CliError::Io(error.to_string())
}

/// The users and how to log in, if this is a demo directory.
fn introduce(app: &App, master: &MasterKey) -> Result<(), CliError> {
    let registry = &app.state().projections.registry;
    let users: Vec<_> = demo::users()
        .into_iter()
        .filter(|user| registry.user_by_username(user.username).is_some())
        .collect();
    let Some(first) = users.first() else {
        return Ok(());
    };
    let addr = app
        .local_addr()
        .map_err(|error| CliError::Io(error.to_string()))?;
    output::say("");
    output::say("demo users (fictional; passwords derived from the demo key):");
    for user in &users {
        output::say(&format!(
            "  {:<10} {:<18} {}   {}",
            user.role.code(),
            user.username,
            demo::password(master, user.username),
            user.scope
        ));
    }
    output::say("");
    output::say(&format!(
        "log in:  curl -s -X POST http://{addr}/api/v1/sessions -H 'content-type: application/json' \
         -d '{{\"username\": \"{}\", \"password\": \"{}\"}}'",
        first.username,
        demo::password(master, first.username)
    ));
    output::say(&format!(
        "then:    curl -s http://{addr}/api/v1/cases -H 'authorization: Bearer TOKEN'   \
         (the API: http://{addr}/api/v1/openapi.json)"
    ));
    output::say("");
    Ok(())
}
