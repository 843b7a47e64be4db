//! Running the service: open the data directory and the log, catch the projections up,
//! bind the listener and the control socket, serve until a shutdown signal, then finish
//! in-flight requests and control commands, remove the control socket and close the log
//! (which flushes) before returning.
//!
//! - [`routes`]: every route the server answers: the API, the web app and the operational
//!   routes, composed and hardened here so that neither adapter imports the other.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;

pub mod routes;

use crate::clock::Clock;
use crate::control::listener::ControlSocket;
use crate::domain::case::retention::RetentionPeriod;
use crate::edge::metrics::Metrics;
use crate::edge::state::{AppState, HttpSettings};
use crate::projections::checkpoint;
use crate::projections::checkpointer::{CheckpointPolicy, Checkpointer};
use crate::projections::runner::{ProjectionError, Projections};
use crate::store::crypto::MasterKey;
use crate::store::engine::{EventStore, StoreError};
use crate::store::log::{EventLog, LogObserver, LogOptions, OpenError};
use crate::store::pg_store::{PgOptions, PgStore};
use crate::store::sled_store::{SledOptions, SledStore, prefetch};

/// What `tincay serve` needs.
#[derive(Debug)]
pub struct ServerConfig {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub master_key: MasterKey,
    pub http: HttpSettings,
    pub log: LogOptions,
    pub checkpoints: CheckpointPolicy,
    /// Closed cases older than this are erased by the daily retention job.
    pub retention: RetentionPeriod,
    /// sled's page cache, in bytes.
    pub store_cache_bytes: u64,
    /// The log in this PostgreSQL database instead of sled in `data_dir` (which then keeps
    /// only this server's checkpoints and control socket).
    pub database_url: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot create the control socket in {dir}: {source}")]
    Control {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("the server failed: {0}")]
    Serve(std::io::Error),
    #[error(transparent)]
    Projections(#[from] ProjectionError),
}

/// A built, not yet running, service.
#[derive(Debug)]
pub struct App {
    listener: TcpListener,
    /// Where `tincay user add` reaches this server while it holds the data directory.
    control: ControlSocket,
    state: AppState,
    checkpointer: Checkpointer,
    /// The position of the checkpoint the projections started from (0: none).
    checkpoint: u64,
    retention: RetentionPeriod,
}

impl App {
    /// Open everything and bind (port 0 picks a free port, for tests).
    pub async fn build(config: ServerConfig, clock: Arc<dyn Clock>) -> Result<Self, ServerError> {
        let store: Arc<dyn EventStore> = match &config.database_url {
            Some(url) => {
                crate::store::file_modes::create_private_dir(&config.data_dir)
                    .map_err(|error| ServerError::Store(error.into()))?;
                Arc::new(PgStore::open(url, PgOptions::default())?)
            }
            None => Arc::new(SledStore::open(
                &config.data_dir,
                SledOptions::default().cache_capacity(config.store_cache_bytes),
            )?),
        };
        let metrics = Arc::new(Metrics::new());
        let mut log_options = config.log;
        log_options.observer = Some(Arc::clone(&metrics) as Arc<dyn LogObserver>);
        let log = EventLog::open(store, config.master_key, log_options)?;
        let projections = Projections::new();
        let checkpoint = checkpoint::load(&config.data_dir, &log, &projections).unwrap_or(0);
        if checkpoint == 0 && config.database_url.is_none() {
            // No checkpoint to start from: the catch-up reads the whole log once, as
            // `tincay rebuild` does. Detached: it ends by itself.
            let _advising = prefetch::start(&config.data_dir);
        }
        projections.catch_up(&log)?;
        let checkpointer = Checkpointer::new(
            config.data_dir.clone(),
            log.clone(),
            Arc::clone(&projections),
            config.checkpoints,
        );
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| ServerError::Listen {
                    addr: config.listen,
                    source,
                })?;
        let control =
            ControlSocket::bind(&config.data_dir).map_err(|source| ServerError::Control {
                dir: config.data_dir.clone(),
                source,
            })?;
        let state = AppState::new(log, projections, config.http, clock).with_metrics(metrics);
        Ok(Self {
            listener,
            control,
            state,
            checkpointer,
            checkpoint,
            retention: config.retention,
        })
    }

    pub fn local_addr(&self) -> Result<SocketAddr, ServerError> {
        self.listener.local_addr().map_err(ServerError::Serve)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The position of the checkpoint the projections were loaded from (0: none, they were
    /// built from the first event).
    pub fn checkpoint_position(&self) -> u64 {
        self.checkpoint
    }

    /// Serve until `shutdown` resolves; then stop accepting, finish in-flight requests and
    /// close the log.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServerError> {
        let App {
            listener,
            control,
            state,
            checkpointer,
            checkpoint,
            retention,
        } = self;
        let follower = tokio::spawn(Arc::clone(&state.projections).follow(state.log.clone()));
        let checkpoints = tokio::spawn(checkpointer.clone().run(checkpoint));
        let retention = tokio::spawn(crate::retention::daily(
            state.log.clone(),
            Arc::clone(&state.projections),
            Arc::clone(&state.clock),
            retention,
        ));
        let (stop_control, control_stopped) = tokio::sync::watch::channel(false);
        let control = tokio::spawn(control.serve(state.clone(), control_stopped));
        let router =
            routes::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await;
        let _ = stop_control.send(true);
        if control.await.is_err() {
            tracing::error!("the control socket task failed");
        }
        retention.abort();
        let _ = retention.await;
        state.log.close();
        follower.abort();
        checkpoints.abort();
        // Aborted tasks drop what they hold (the log among it) only once they have stopped.
        let _ = follower.await;
        let _ = checkpoints.await;
        // Everything durable is applied, then saved, so the next start has nothing to replay.
        let projections = Arc::clone(&state.projections);
        let log = state.log.clone();
        let _ = tokio::task::spawn_blocking(move || {
            if projections.catch_up(&log).is_ok() {
                checkpointer.save();
            }
        })
        .await;
        served.map_err(ServerError::Serve)
    }
}

/// SIGTERM and SIGINT, caught from the moment this is made, so a signal that arrives right
/// after the server says it listens still shuts it down cleanly.
#[derive(Debug)]
pub struct ShutdownSignals {
    terminate: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
}

impl ShutdownSignals {
    pub fn install() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            terminate: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }

    /// Resolves on the next SIGTERM or SIGINT.
    pub async fn recv(&mut self) {
        tokio::select! {
            _ = self.terminate.recv() => {}
            _ = self.interrupt.recv() => {}
        }
    }
}
