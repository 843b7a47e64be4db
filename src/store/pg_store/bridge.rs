//! The blocking bridge: [`EventStore`](crate::store::engine::EventStore) is a blocking trait
//! (the log's writer is a thread of its own, and sled is blocking), while tokio-postgres is
//! async. The PostgreSQL engine therefore drives its connections on a small tokio runtime of
//! its own (the project's one async runtime, tokio, not a second kind), and a blocking call
//! hands its future to that runtime and waits on a plain channel. That works from any thread,
//! a runtime's worker included (it blocks that worker as a sled call would), and never nests
//! one runtime's `block_on` inside another.

use std::future::Future;

use tokio::runtime::{Handle, Runtime};

use crate::store::engine::StoreError;

/// The engine's runtime. Dropping it stops the runtime without waiting (it may be dropped
/// inside another runtime).
pub(super) struct Bridge {
    runtime: Option<Runtime>,
    handle: Handle,
}

impl Bridge {
    pub fn new() -> Result<Self, StoreError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("tincay-pg")
            .enable_all()
            .build()?;
        let handle = runtime.handle().clone();
        Ok(Self {
            runtime: Some(runtime),
            handle,
        })
    }

    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Runs `work` on the engine's runtime and waits for its result.
    pub fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        let (done, result) = std::sync::mpsc::sync_channel(1);
        self.handle.spawn(async move {
            // The caller waits; it can only be gone if its thread died.
            let _ = done.send(work.await);
        });
        result
            .recv()
            .map_err(|_| StoreError::Unavailable("the database runtime stopped".into()))?
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
