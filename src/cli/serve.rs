//! `tincay serve [--data-dir DIR] [--listen ADDR] [--key-file PATH] [--erasure-ledger PATH]
//! [HTTP limits]`: open the data directory, catch the projections up, print `listening on http://ADDR` once bound, and serve
//! until SIGTERM or SIGINT. Then stop accepting, finish in-flight requests, close the log and
//! exit 0; if that takes longer than [`GRACE`] (or a second signal comes), exit at once with 1:
//! every acknowledged append is already durable, so nothing acknowledged is lost.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::cli::data_dir::DataDirArgs;
use crate::cli::key_source::{KeyArgs, MASTER_KEY_ENV};
use crate::cli::{CliError, output};
use crate::clock::SystemClock;
use crate::domain::case::retention::RetentionPeriod;
use crate::edge::state::HttpSettings;
use crate::server::{App, ServerConfig, ServerError, ShutdownSignals};
use crate::store::crypto::MasterKey;
use crate::store::engine::StoreError;
use crate::store::erasure_ledger::ErasureLedger;
use crate::store::log::LogOptions;
use crate::store::sled_store::DATA_FILE;

/// How long in-flight requests may take to finish after a shutdown signal.
pub const GRACE: Duration = Duration::from_secs(10);

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataDirArgs,
    #[command(flatten)]
    pub listen: ListenArgs,
    #[command(flatten)]
    pub key: KeyArgs,
    #[command(flatten)]
    pub service: ServiceArgs,
}

/// The service's settings besides where it listens: the erasure ledger and the HTTP limits.
#[derive(Debug, Clone, clap::Args)]
pub struct ServiceArgs {
    #[command(flatten)]
    pub ledger: LedgerArgs,
    #[command(flatten)]
    pub retention: RetentionArgs,
    /// The largest request body accepted, in bytes.
    #[arg(long, env = "TINCAY_BODY_LIMIT_BYTES", value_name = "BYTES", default_value_t = 64 * 1024)]
    pub body_limit_bytes: usize,
    /// How long a request may take before it is answered with 503, in seconds.
    #[arg(long, env = "TINCAY_REQUEST_TIMEOUT_SECS", value_name = "SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout_secs: u64,
    /// Requests handled at once; more are shed with 503 and Retry-After.
    #[arg(long, env = "TINCAY_MAX_CONCURRENT_REQUESTS", value_name = "N", default_value_t = 512,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_concurrent_requests: u64,
    /// The store's page cache, in MiB: more makes case reads and a start without a
    /// checkpoint faster, less keeps the server small.
    #[arg(long, env = "TINCAY_STORE_CACHE_MIB", value_name = "MIB", default_value_t = 128,
          value_parser = clap::value_parser!(u64).range(8..=65_536))]
    pub store_cache_mib: u64,
    /// Sessions end after this many minutes without use.
    #[arg(long, env = "TINCAY_SESSION_IDLE_MINUTES", value_name = "MINUTES", default_value_t = 720,
          value_parser = clap::value_parser!(u64).range(1..=43_200))]
    pub session_idle_minutes: u64,
    /// Web app sessions (the browser's) end after this many minutes without use.
    #[arg(long, env = "TINCAY_WEB_SESSION_IDLE_MINUTES", value_name = "MINUTES", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=1_440))]
    pub web_session_idle_minutes: u64,
    /// Distinct statistics tables a reporting officer may ask for per rolling 30 days;
    /// asking the same table again is free.
    #[arg(long, env = "TINCAY_STATS_BUDGET", value_name = "TABLES", default_value_t = 500,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub stats_budget: u32,
    /// A reverse proxy (address or CIDR) whose Forwarded/X-Forwarded-For header names the
    /// client; repeat for several. Without one, the connection's peer is the client.
    #[arg(long = "trusted-proxy", env = "TINCAY_TRUSTED_PROXY", value_name = "CIDR",
          value_delimiter = ',', value_parser = parse_cidr)]
    pub trusted_proxy: Vec<ipnet::IpNet>,
    /// The title of every web page (what the browser's history and tabs show): short, and
    /// saying nothing about what the site is for.
    #[arg(long, env = "TINCAY_PAGE_TITLE", value_name = "TITLE",
          default_value = crate::web::page::DEFAULT_PAGE_TITLE,
          value_parser = page_title)]
    pub page_title: String,
    /// Requests a minute one signed-in user may make (a whole minute's worth may come at
    /// once); more are answered 429 with Retry-After.
    #[arg(long, env = "TINCAY_USER_REQUESTS_PER_MINUTE", value_name = "N",
          default_value_t = crate::auth::rate::DEFAULT_PER_MINUTE,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub user_requests_per_minute: u32,
    /// Repeated reads of one case by one user within this many minutes are one entry (with
    /// a count and the first and last time) in the case's access log as supervisors read it.
    #[arg(long, env = "TINCAY_ACCESS_LOG_WINDOW_MINUTES", value_name = "MINUTES",
          default_value_t = 10, value_parser = clap::value_parser!(u64).range(0..=1_440))]
    pub access_log_window_minutes: u64,
}

/// A CIDR (`127.0.0.1/32`, `::1/128`) or a bare address (one host).
fn parse_cidr(raw: &str) -> Result<ipnet::IpNet, String> {
    raw.parse::<ipnet::IpNet>()
        .or_else(|_| raw.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{raw:?} is not an address or CIDR such as 127.0.0.1/32"))
}

/// A page title: 1 to 60 characters, on one line.
fn page_title(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 60 || text.chars().any(char::is_control) {
        return Err("a page title is 1 to 60 characters on one line".into());
    }
    Ok(text.to_owned())
}

impl ServiceArgs {
    fn http(&self) -> HttpSettings {
        HttpSettings {
            body_limit: self.body_limit_bytes,
            request_timeout: Duration::from_secs(self.request_timeout_secs),
            max_concurrent_requests: usize::try_from(self.max_concurrent_requests)
                .unwrap_or(usize::MAX),
            session_idle: time::Duration::minutes(
                i64::try_from(self.session_idle_minutes).unwrap_or(i64::MAX),
            ),
            web_session_idle: time::Duration::minutes(
                i64::try_from(self.web_session_idle_minutes).unwrap_or(i64::MAX),
            ),
            stats_budget: self.stats_budget,
            session_lifetime: crate::auth::sessions::API_LIFETIME,
            web_session_lifetime: crate::auth::sessions::WEB_LIFETIME,
            trusted_proxies: self.trusted_proxy.clone(),
            page_title: self.page_title.clone(),
            user_requests_per_minute: self.user_requests_per_minute,
            access_log_window: time::Duration::minutes(
                i64::try_from(self.access_log_window_minutes).unwrap_or(0),
            ),
        }
    }
}

/// `--erasure-ledger`: where erasures are listed so a restore never brings one back.
#[derive(Debug, Clone, clap::Args)]
pub struct LedgerArgs {
    /// The erasure ledger: a file outside the data directory, kept with the backups, where
    /// every erasure is listed so a restored backup never brings an erased case back
    /// (deploy/OPERATIONS.md).
    #[arg(long, env = "TINCAY_ERASURE_LEDGER", value_name = "PATH")]
    pub erasure_ledger: Option<PathBuf>,
}

impl LedgerArgs {
    /// Open the ledger, if one is configured.
    pub fn open(&self) -> Result<Option<Arc<ErasureLedger>>, CliError> {
        match &self.erasure_ledger {
            None => Ok(None),
            Some(path) => ErasureLedger::open(path)
                .map(|ledger| Some(Arc::new(ledger)))
                .map_err(|e| CliError::io("cannot open the erasure ledger", path, &e)),
        }
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct RetentionArgs {
    /// Erase cases closed longer ago than this many years (daily, reason `retention`).
    #[arg(
        long,
        env = "TINCAY_RETENTION_YEARS",
        value_name = "YEARS",
        default_value_t = 5,
        value_parser = clap::value_parser!(u16).range(1..)
    )]
    pub retention_years: u16,
}

impl RetentionArgs {
    pub fn period(&self) -> Result<RetentionPeriod, CliError> {
        RetentionPeriod::years(self.retention_years)
            .map_err(|error| CliError::Usage(error.to_string()))
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct ListenArgs {
    /// The address to listen on (port 0 picks a free one).
    #[arg(
        long,
        env = "TINCAY_LISTEN",
        value_name = "ADDR",
        default_value = "127.0.0.1:8080"
    )]
    pub listen: SocketAddr,
}

pub fn run(args: Args) -> Result<(), CliError> {
    // (The key file is checked as it is read: `read_key_file`.)
    check_private(&args.data.data_dir, "data directory")?;
    let master = if args.data.postgres()?.is_some() {
        args.key.load()?
    } else {
        load_key(&args.key, &args.data.data_dir)?
    };
    runtime()?.block_on(async {
        if args.service.ledger.erasure_ledger.is_none() {
            tracing::warn!(
                "no erasure ledger (--erasure-ledger): a restored backup would bring back cases \
                 erased after it was taken; see deploy/OPERATIONS.md"
            );
        }
        let app = build(
            &args.data.data_dir,
            args.listen.listen,
            master,
            &args.service,
            args.data.postgres()?,
        )
        .await?;
        serve(app, &args.data.data_dir).await
    })
}

/// Refuse a data directory or key file that other local users may read.
fn check_private(path: &Path, what: &str) -> Result<(), CliError> {
    crate::store::file_modes::check_private(path, what).map_err(CliError::Usage)
}

/// The master key, or an error saying exactly how to get one. A new directory needs a new
/// key; an existing one needs the key it was made with, so the advice differs.
pub fn load_key(key: &KeyArgs, data_dir: &Path) -> Result<MasterKey, CliError> {
    let given = key.key_file.is_some() || std::env::var_os(MASTER_KEY_ENV).is_some();
    if given || data_dir.join(DATA_FILE).exists() {
        return key.load();
    }
    let dir = data_dir.display();
    Err(CliError::Usage(format!(
        "no master key, and {dir} holds no data yet. To start a new data directory, make a key \
         and keep a copy offline (without it nobody can ever read the data):\n\n    \
         tincay keygen --out tincay.key\n    \
         tincay serve --data-dir {dir} --key-file tincay.key\n\n\
         (or set TINCAY_KEY_FILE to the key file, or {MASTER_KEY_ENV} to its base64). \
         To try tincay with fictional data instead: tincay demo"
    )))
}

/// A runtime for the server.
pub fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| CliError::Io(format!("cannot start the async runtime: {error}")))
}

/// Open the data directory and bind.
pub async fn build(
    data_dir: &Path,
    listen: SocketAddr,
    master: MasterKey,
    service: &ServiceArgs,
    database_url: Option<&str>,
) -> Result<App, CliError> {
    let config = ServerConfig {
        data_dir: data_dir.to_owned(),
        listen,
        master_key: master,
        http: service.http(),
        log: LogOptions {
            erasure_ledger: service.ledger.open()?,
            ..LogOptions::default()
        },
        checkpoints: crate::projections::checkpointer::CheckpointPolicy::default(),
        retention: service.retention.period()?,
        store_cache_bytes: service.store_cache_mib.saturating_mul(1024 * 1024),
        database_url: database_url.map(str::to_owned),
    };
    App::build(config, Arc::new(SystemClock))
        .await
        .map_err(|error| server_error(error, data_dir))
}

/// Say where we listen, then serve until a signal (see the module docs).
pub async fn serve(app: App, data_dir: &Path) -> Result<(), CliError> {
    let addr = app
        .local_addr()
        .map_err(|error| server_error(error, data_dir))?;
    // Catch signals before saying we listen: whoever waits for that line may signal at once.
    let signal_error =
        |error: std::io::Error| CliError::Io(format!("cannot catch signals: {error}"));
    let mut first = ShutdownSignals::install().map_err(signal_error)?;
    tracing::info!(%addr, "listening");
    output::say(&format!("listening on http://{addr}"));
    let signalled = Arc::new(Notify::new());
    let shutdown = {
        let signalled = Arc::clone(&signalled);
        async move {
            first.recv().await;
            tracing::info!("shutting down: finishing in-flight requests");
            signalled.notify_one();
        }
    };
    tokio::spawn(async move {
        signalled.notified().await;
        // Made only now, so it waits for a *second* signal, not the one just received.
        let mut second = ShutdownSignals::install().ok();
        let second = async move {
            match second.as_mut() {
                Some(signals) => signals.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = tokio::time::sleep(GRACE) => {
                tracing::error!(grace_secs = GRACE.as_secs(), "in-flight requests did not finish in time: exiting now");
            }
            () = second => tracing::warn!("second signal: exiting now"),
        }
        std::process::exit(1);
    });
    app.run(shutdown)
        .await
        .map_err(|error| server_error(error, data_dir))?;
    tracing::info!("stopped cleanly");
    Ok(())
}

fn server_error(error: ServerError, data_dir: &Path) -> CliError {
    match error {
        ServerError::Store(StoreError::Locked) => CliError::Usage(format!(
            "{} is in use by another process (is `tincay serve` already running?)",
            data_dir.display()
        )),
        ServerError::Store(error) => CliError::Store(error),
        ServerError::Open(error) => CliError::Open(error),
        other => CliError::Io(other.to_string()),
    }
}

#[cfg(test)]
mod page_title_tests {
    use super::page_title;

    #[test]
    fn a_page_title_is_one_short_line() {
        assert_eq!(page_title("  Ghi chép ").as_deref(), Ok("Ghi chép"));
        for bad in ["", "   ", "a\nb", &"x".repeat(61)] {
            assert!(page_title(bad).is_err(), "{bad:?}");
        }
    }
}
