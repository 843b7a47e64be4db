//! Vacuuming the key table after an erasure, off the append path: a task of its own, on a
//! connection of its own, rewrites the key table (`VACUUM FULL tincay_keys`) so an erased
//! key's old row version leaves the table's files (it stays in WAL and base backups: the
//! threat model in deploy/POSTGRES.md). The writer only asks for it ([`Vacuum::request`]) and
//! goes on; several erasures in a row are covered by one run.
//!
//! `VACUUM FULL` locks the key table exclusively while it runs. Appends to existing cases do
//! not touch that table (`super::append`) and go on; a new case (a key created) or a key read
//! from the store waits for it. So that a long transaction holding the key table cannot make
//! everyone wait behind the vacuum's queued lock, it waits at most [`LOCK_TIMEOUT`] for the
//! lock and tries again [`RETRY_AFTER`] later, until it has run.

use std::time::Duration;

use tokio::sync::watch;
use tokio_postgres::{Config, NoTls};

use super::error::db_error;
use crate::store::engine::StoreError;

/// How long the vacuum waits for the key table's lock before it gives way.
const LOCK_TIMEOUT: &str = "1s";
/// How long after a failed run (a lock it did not get, a lost connection) it tries again.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// The vacuum's requests and progress, counted in requests.
#[derive(Clone, Debug)]
pub(super) struct Vacuum {
    requested: watch::Sender<u64>,
    done: watch::Sender<u64>,
}

impl Vacuum {
    /// Starts the task on `runtime`; it runs until the runtime stops.
    pub fn start(runtime: &tokio::runtime::Handle, config: Config) -> Self {
        let vacuum = Self {
            requested: watch::channel(0).0,
            done: watch::channel(0).0,
        };
        // Subscribed here, before any request can be made.
        let requests = vacuum.requested.subscribe();
        runtime.spawn(run(config, vacuum.clone(), requests));
        vacuum
    }

    /// Asks for a vacuum after the erasure that just committed; returns at once.
    pub fn request(&self) {
        self.requested.send_modify(|requested| *requested += 1);
    }

    /// The number of requests made so far.
    pub fn requested(&self) -> u64 {
        *self.requested.borrow()
    }

    /// Follows the number of requests the vacuums that completed cover.
    pub fn done(&self) -> watch::Receiver<u64> {
        self.done.subscribe()
    }
}

async fn run(config: Config, vacuum: Vacuum, mut requests: watch::Receiver<u64>) {
    let mut client = None;
    loop {
        if requests.changed().await.is_err() {
            return;
        }
        loop {
            // Every request made until now is covered by the run that starts after it.
            let covered = *requests.borrow_and_update();
            match vacuum_once(&config, &mut client).await {
                Ok(()) => {
                    vacuum.done.send_replace(covered);
                    break;
                }
                Err(error) => {
                    client = None;
                    tracing::warn!(%error, "cannot vacuum the key table after an erasure yet; trying again");
                    tokio::time::sleep(RETRY_AFTER).await;
                }
            }
        }
    }
}

async fn vacuum_once(
    config: &Config,
    client: &mut Option<tokio_postgres::Client>,
) -> Result<(), StoreError> {
    let connected = match client.take() {
        Some(connected) if !connected.is_closed() => connected,
        _ => {
            let (connected, connection) = config.connect(NoTls).await.map_err(db_error)?;
            tokio::spawn(connection);
            connected
                .batch_execute(&format!(
                    "SET application_name = 'tincay-vacuum'; SET lock_timeout = '{LOCK_TIMEOUT}'"
                ))
                .await
                .map_err(db_error)?;
            connected
        }
    };
    connected
        .batch_execute("VACUUM FULL tincay_keys")
        .await
        .map_err(db_error)?;
    *client = Some(connected);
    Ok(())
}
