//! Group commits in a pipeline, on the writer's own thread: the log's writer starts a group
//! (sends its statement, `super::append`) and plans the next one while PostgreSQL commits it;
//! the next group's statement, sent before the current one's outcome is known, is there when
//! that one commits. PostgreSQL runs one connection's statements in the order they arrive,
//! each in its own implicit transaction.
//!
//! The pipeline has a connection of its own, driven by a current-thread runtime that runs
//! only while its caller (the writer) sends a group or waits for one: a statement goes out
//! and its answer comes back with no other thread woken on the way (on a busy machine each
//! hop between threads costs a wait for a core). Groups are sent in the order they are
//! started (the runtime runs its tasks in the order they were spawned), and a group planned
//! after one that may not have committed names that one's last record, which the function
//! checks: a group commits only after its predecessor did.
//!
//! A caller inside an async runtime cannot drive another one; it commits through the pool on
//! the engine's runtime instead (`super::bridge`), one group at a time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use deadpool_postgres::Pool;
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;
use tokio_postgres::{Client, Config, NoTls, Statement};

use super::append::{self, Columns};
use super::bridge::Bridge;
use super::error::{db_error, pool_error};
use super::vacuum::Vacuum;
use crate::store::engine::{Committing, StoreError};

/// What a committed group moves.
pub(super) struct Committed {
    /// The last position this process committed.
    pub position: AtomicU64,
    pub vacuum: Vacuum,
}

impl Committed {
    fn record(&self, columns: &Columns) {
        self.position.fetch_max(columns.last(), Ordering::SeqCst);
        if columns.erases() {
            self.vacuum.request();
        }
    }
}

/// The pipeline: its runtime and connection.
pub(super) struct Committer {
    inner: Arc<Inner>,
}

struct Inner {
    /// `None` only while dropped.
    runtime: Option<Runtime>,
    config: Config,
    held: Mutex<Option<(Arc<Client>, Statement)>>,
    committed: Arc<Committed>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // It may be dropped inside another runtime, where waiting is not allowed.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Committer {
    pub fn new(config: Config, committed: Arc<Committed>) -> Result<Self, StoreError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Self {
            inner: Arc::new(Inner {
                runtime: Some(runtime),
                config,
                held: Mutex::new(None),
                committed,
            }),
        })
    }

    /// Sends the group and returns without waiting for its outcome; in an async context,
    /// commits it through `pool` and returns the outcome.
    pub fn start_group(
        &self,
        columns: Columns,
        bridge: &Bridge,
        pool: &Pool,
    ) -> Box<dyn Committing> {
        let Some(runtime) = self.inner.runtime.as_ref() else {
            return Box::new(Err(stopped()));
        };
        if tokio::runtime::Handle::try_current().is_ok() {
            let pool = pool.clone();
            let committed = Arc::clone(&self.inner.committed);
            return Box::new(bridge.run(async move {
                let client = pool.get().await.map_err(pool_error)?;
                let call = client
                    .prepare_cached(append::CALL)
                    .await
                    .map_err(db_error)?;
                append::write(&client, &call, &columns).await?;
                committed.record(&columns);
                Ok(())
            }));
        }
        let (client, call) = match self.connection(runtime) {
            Ok(connection) => connection,
            Err(error) => return Box::new(Err(error)),
        };
        let committed = Arc::clone(&self.inner.committed);
        let task = runtime.spawn(async move {
            append::write(&client, &call, &columns).await?;
            committed.record(&columns);
            Ok(())
        });
        // Runs the task until it waits for the answer, and the connection's task, which
        // writes the statement out.
        runtime.block_on(tokio::task::yield_now());
        Box::new(Pending {
            inner: Arc::clone(&self.inner),
            task,
        })
    }

    /// The pipeline's connection and its prepared call, connecting again once it is closed.
    fn connection(&self, runtime: &Runtime) -> Result<(Arc<Client>, Statement), StoreError> {
        let mut held = self
            .inner
            .held
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((client, call)) = held.as_ref() {
            if !client.is_closed() {
                return Ok((Arc::clone(client), call.clone()));
            }
        }
        *held = None;
        let config = self.inner.config.clone();
        let (client, call) = runtime.block_on(async move {
            let (client, connection) = config.connect(NoTls).await.map_err(db_error)?;
            // Runs while a caller is in the runtime: it ends with the connection.
            tokio::spawn(connection);
            let call = client.prepare(append::CALL).await.map_err(db_error)?;
            Ok::<_, StoreError>((Arc::new(client), call))
        })?;
        *held = Some((Arc::clone(&client), call.clone()));
        Ok((client, call))
    }
}

fn stopped() -> StoreError {
    StoreError::Unavailable("the database runtime stopped".into())
}

/// A group sent, its outcome to come.
struct Pending {
    inner: Arc<Inner>,
    task: JoinHandle<Result<(), StoreError>>,
}

impl Committing for Pending {
    fn wait(self: Box<Self>) -> Result<(), StoreError> {
        let Some(runtime) = self.inner.runtime.as_ref() else {
            return Err(stopped());
        };
        runtime.block_on(self.task).map_err(|_| stopped())?
    }
}
