//! The shared storage engine: [`EventStore`] on PostgreSQL (tokio-postgres, a deadpool
//! pool), for offices that cannot lose a day of records to a dead disk (synchronous streaming
//! replication) and for several `tincay serve` processes on one log.
//!
//! PostgreSQL stores only what sled stores: sealed records (ciphertext and cleartext envelope
//! fields), wrapped keys and a little metadata, so a stolen database or base backup reveals
//! nothing without the master key. Encryption, the chain and upcasting stay above the engine.
//!
//! - `schema`: the tables, and why one head row orders every append. DO NOT CHANGE.
//! - `append`: a group commit as one statement (a function call, so one round trip and one
//!   transaction) under the head row lock, with versions, idempotency keys and key changes
//!   checked by the database.
//! - `committer`: group commits in a pipeline on a connection the writer's thread drives, the
//!   next group's statement sent while the current one commits.
//! - `listen`: `LISTEN`/`NOTIFY` wake-ups that move the durable head when another server
//!   appends, and pass on the keys other servers' erasures destroyed.
//! - `vacuum`: the key table vacuumed after an erasure, on a task and connection of its own.
//! - `epochs`: staging and activating key epochs.
//! - `bridge`: the blocking trait over the async driver.
//!
//! # Durability
//!
//! An append is acknowledged once its transaction has committed; with
//! `synchronous_commit = on` (the default; [`PgStore::open`] refuses `off`, `local` and
//! `remote_write`) that
//! is after the WAL is flushed on the primary and, with `synchronous_standby_names` set, on a
//! standby. [`EventStore::sync`] therefore writes nothing: it publishes the committed head. A
//! connection lost during `COMMIT` leaves the outcome unknown; the append is answered with
//! [`StoreError::Unavailable`] and a client's retry with the same idempotency key finds out.
//!
//! Connections are plain TCP or a Unix socket (`NoTls`): tincay brings no TLS stack. Run
//! PostgreSQL on the same host or a private network, or tunnel it (deploy/POSTGRES.md).

mod append;
mod bridge;
mod committer;
mod epochs;
mod error;
mod listen;
mod schema;
mod vacuum;

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio::sync::{broadcast, watch};
use tokio_postgres::{Config, NoTls, Row};

use crate::store::engine::{
    AppendBatch, Committing, Erased, EventStore, GroupState, IdempotencyVisitor, JobGuard, KeyId,
    KeyState, StoreError, StoredRecord,
};
use crate::store::stream::StreamId;
use bridge::Bridge;
use error::{corrupt, db_error, pool_error, to_i64, to_u64};

pub use schema::CHANNEL;

/// Erasure notifications a slow log may fall behind by before it forgets every key instead.
const ERASURES_QUEUED: usize = 1024;

/// The metadata name the sled engine keeps its key epoch under; refused by `put_meta` here
/// too, so both engines take the same writes.
const KEY_EPOCH_META: &str = "key_epoch";

/// How to open a [`PgStore`].
#[derive(Clone, Debug)]
pub struct PgOptions {
    /// Connections in the pool (appends take one per group commit; reads one each).
    pub pool_size: usize,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self { pool_size: 8 }
    }
}

/// The PostgreSQL engine. See the module documentation.
pub struct PgStore {
    bridge: Bridge,
    pool: Pool,
    /// The last position this process committed (published by `sync`), and the vacuum its
    /// erasures ask for.
    committed: Arc<committer::Committed>,
    committer: committer::Committer,
    /// The committed head, moved by this process's appends and other servers' notifications.
    durable: watch::Sender<u64>,
    /// Keys other servers' erasures destroyed, as notified.
    erased: broadcast::Sender<Erased>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("committed", &self.committed.position.load(Ordering::SeqCst))
            .field("durable", &*self.durable.borrow())
            .finish_non_exhaustive()
    }
}

/// A connection string's problem, said without repeating it (it may hold a password).
fn bad_url(error: &tokio_postgres::Error) -> StoreError {
    StoreError::Engine(format!("the database URL is not valid: {error}"))
}

impl PgStore {
    /// Connects to `url` (a `postgres://` URL or `key=value` pairs; several hosts with
    /// `target_session_attrs=read-write` find a promoted standby), creates the tables if they
    /// are missing and starts following other servers' appends.
    pub fn open(url: &str, options: PgOptions) -> Result<Self, StoreError> {
        let mut config = Config::from_str(url).map_err(|error| bad_url(&error))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        if config.get_application_name().is_none() {
            config.application_name("tincay");
        }
        config.keepalives_idle(Duration::from_secs(30));
        let bridge = Bridge::new()?;
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(options.pool_size.max(2))
            .build()
            .map_err(|error| StoreError::Engine(format!("database pool: {error}")))?;
        let setup = pool.clone();
        let head = bridge.run(async move {
            let mut client = setup.get().await.map_err(pool_error)?;
            let commit: String = client
                .query_one("SHOW synchronous_commit", &[])
                .await
                .map_err(db_error)?
                .get(0);
            if matches!(commit.as_str(), "off" | "local" | "remote_write") {
                return Err(StoreError::Engine(format!(
                    "PostgreSQL runs with synchronous_commit = {commit}: an acknowledged \
                     append could be lost; set it to on or remote_apply"
                )));
            }
            schema::create(&mut client).await?;
            let head = client
                .query_one("SELECT position FROM tincay_head WHERE id = 1", &[])
                .await
                .map_err(db_error)?;
            to_u64(head.get(0))
        })?;
        let durable = watch::channel(head).0;
        let erased = broadcast::channel(ERASURES_QUEUED).0;
        bridge.handle().spawn(listen::follow(
            config.clone(),
            listen::Heard {
                durable: durable.clone(),
                erased: erased.clone(),
            },
        ));
        let committed = Arc::new(committer::Committed {
            position: AtomicU64::new(head),
            vacuum: vacuum::Vacuum::start(bridge.handle(), config.clone()),
        });
        let committer = committer::Committer::new(config, Arc::clone(&committed))?;
        Ok(Self {
            bridge,
            pool,
            committed,
            committer,
            durable,
            erased,
        })
    }

    /// Waits until the key table has been vacuumed after every erasure this store committed
    /// so far (the vacuum runs beside the appends; see `vacuum`).
    pub fn wait_for_vacuum(&self) -> Result<(), StoreError> {
        let wanted = self.committed.vacuum.requested();
        let mut done = self.committed.vacuum.done();
        self.bridge.run(async move {
            done.wait_for(|done| *done >= wanted)
                .await
                .map(|_| ())
                .map_err(|_| StoreError::Unavailable("the vacuum task stopped".into()))
        })
    }

    /// Whether a vacuum of the key table asked for by an erasure has yet to complete.
    pub fn vacuum_pending(&self) -> bool {
        *self.committed.vacuum.done().borrow() < self.committed.vacuum.requested()
    }

    /// Runs one query on a pooled connection and maps its rows.
    fn rows<T: Send + 'static>(
        &self,
        sql: &'static str,
        params: Params,
        each: fn(&Row) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let pool = self.pool.clone();
        self.bridge.run(async move {
            let client = pool.get().await.map_err(pool_error)?;
            let statement = client.prepare_cached(sql).await.map_err(db_error)?;
            let refs = params.refs();
            let rows = client.query(&statement, &refs).await.map_err(db_error)?;
            rows.iter().map(each).collect()
        })
    }

    /// Runs one statement on a pooled connection.
    fn execute(&self, sql: &'static str, params: Params) -> Result<u64, StoreError> {
        let pool = self.pool.clone();
        self.bridge.run(async move {
            let client = pool.get().await.map_err(pool_error)?;
            let statement = client.prepare_cached(sql).await.map_err(db_error)?;
            let refs = params.refs();
            client.execute(&statement, &refs).await.map_err(db_error)
        })
    }

    /// Holds a session-level advisory lock named `job` while the returned guard lives, or
    /// `None` when another process holds it: for jobs that need one owner among several
    /// servers (retention).
    pub fn try_job_lock(&self, job: &str) -> Result<Option<JobLock>, StoreError> {
        let pool = self.pool.clone();
        let name = job.to_owned();
        let held = self.bridge.run(async move {
            let client = pool.get().await.map_err(pool_error)?;
            let got: bool = client
                .query_one("SELECT pg_try_advisory_lock(hashtext($1))", &[&name])
                .await
                .map_err(db_error)?
                .get(0);
            Ok(got.then_some(client))
        })?;
        Ok(held.map(|client| JobLock {
            client: Some(client),
            name: job.to_owned(),
            handle: self.bridge.handle().clone(),
        }))
    }
}

/// An advisory lock held on a connection of its own; released (and the connection returned)
/// when dropped. Should the connection drop, PostgreSQL releases the lock by itself.
pub struct JobLock {
    client: Option<deadpool_postgres::Object>,
    name: String,
    handle: tokio::runtime::Handle,
}

impl std::fmt::Debug for JobLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobLock").field("name", &self.name).finish()
    }
}

impl Drop for JobLock {
    /// Waits for the unlock, so the next owner can take the lock as soon as this returns.
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            let name = std::mem::take(&mut self.name);
            let (done, unlocked) = std::sync::mpsc::sync_channel(1);
            self.handle.spawn(async move {
                let result = client
                    .execute("SELECT pg_advisory_unlock(hashtext($1))", &[&name])
                    .await;
                let _ = done.send(result.is_ok());
            });
            if !unlocked.recv().unwrap_or(false) {
                // The connection is broken, so the lock went with it.
                tracing::warn!("could not release a job lock cleanly");
            }
        }
    }
}

/// Owned query parameters, for futures that outlive the caller's borrows.
enum Param {
    I64(i64),
    Text(String),
    Bytes(Vec<u8>),
}

struct Params(Vec<Param>);

impl Params {
    fn refs(&self) -> Vec<&(dyn tokio_postgres::types::ToSql + Sync)> {
        self.0
            .iter()
            .map(|param| match param {
                Param::I64(value) => value as &(dyn tokio_postgres::types::ToSql + Sync),
                Param::Text(value) => value,
                Param::Bytes(value) => value,
            })
            .collect()
    }
}

fn record(row: &Row) -> Result<StoredRecord, StoreError> {
    let stream: &str = row.get(1);
    Ok(StoredRecord {
        position: to_u64(row.get(0))?,
        stream: StreamId::parse(stream).map_err(|_| corrupt("a record's stream id"))?,
        stream_version: to_u64(row.get(2))?,
        bytes: row.get(3),
    })
}

fn key_state(row: &Row) -> Result<KeyState, StoreError> {
    Ok(match row.get::<_, Option<Vec<u8>>>(0) {
        Some(wrapped) => KeyState::Wrapped(wrapped),
        None => KeyState::Destroyed,
    })
}

impl EventStore for PgStore {
    fn append_group(&self, batches: &[AppendBatch]) -> Result<(), StoreError> {
        self.start_group(batches.to_vec(), None).wait()
    }

    fn pipelines(&self) -> bool {
        true
    }

    fn start_group(
        &self,
        batches: Vec<AppendBatch>,
        after: Option<Vec<u8>>,
    ) -> Box<dyn Committing> {
        match append::Columns::of(batches, after) {
            Ok(Some(columns)) => self
                .committer
                .start_group(columns, &self.bridge, &self.pool),
            Ok(None) => Box::new(Ok(())),
            Err(error) => Box::new(Err(error)),
        }
    }

    fn sync(&self) -> Result<(), StoreError> {
        listen::advance(
            &self.durable,
            self.committed.position.load(Ordering::SeqCst),
        );
        Ok(())
    }

    fn last_record(&self) -> Result<Option<StoredRecord>, StoreError> {
        let mut rows = self.rows(
            "SELECT position, stream, stream_version, bytes FROM tincay_records \
             ORDER BY position DESC LIMIT 1",
            Params(vec![]),
            record,
        )?;
        Ok(rows.pop())
    }

    fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError> {
        let rows = self.rows(
            "SELECT coalesce(max(stream_version), 0) FROM tincay_records WHERE stream = $1",
            Params(vec![Param::Text(stream.as_str().to_owned())]),
            |row| to_u64(row.get(0)),
        )?;
        Ok(rows.first().copied().unwrap_or(0))
    }

    fn read_stream(
        &self,
        stream: &StreamId,
        from_version: u64,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        self.rows(
            "SELECT position, stream, stream_version, bytes FROM tincay_records \
             WHERE stream = $1 AND stream_version >= $2 ORDER BY stream_version",
            Params(vec![
                Param::Text(stream.as_str().to_owned()),
                Param::I64(to_i64(from_version.min(i64::MAX as u64))?),
            ]),
            record,
        )
    }

    fn read_from(&self, position: u64, limit: usize) -> Result<Vec<StoredRecord>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        // Every committed record is durable, and a reader sees position n + 1 only with n.
        self.rows(
            "SELECT position, stream, stream_version, bytes FROM tincay_records \
             WHERE position >= $1 ORDER BY position LIMIT $2",
            Params(vec![
                Param::I64(to_i64(position.min(i64::MAX as u64))?),
                Param::I64(i64::try_from(limit).unwrap_or(i64::MAX)),
            ]),
            record,
        )
    }

    fn subscribe(&self) -> watch::Receiver<u64> {
        self.durable.subscribe()
    }

    fn idempotency(&self, key: &[u8; 32]) -> Result<Option<Vec<u8>>, StoreError> {
        let mut rows = self.rows(
            "SELECT value FROM tincay_idempotency WHERE key = $1",
            Params(vec![Param::Bytes(key.to_vec())]),
            |row| Ok(row.get::<_, Vec<u8>>(0)),
        )?;
        Ok(rows.pop())
    }

    fn group_state(
        &self,
        streams: &[StreamId],
        keys: &[[u8; 32]],
    ) -> Result<GroupState, StoreError> {
        let names: Vec<String> = streams.iter().map(|s| s.as_str().to_owned()).collect();
        let keys: Vec<Vec<u8>> = keys.iter().map(|key| key.to_vec()).collect();
        let pool = self.pool.clone();
        let rows = self.bridge.run(async move {
            let client = pool.get().await.map_err(pool_error)?;
            let statement = client
                .prepare_cached(
                    "SELECT s.stream, coalesce((SELECT max(r.stream_version) \
                     FROM tincay_records r WHERE r.stream = s.stream), 0), NULL::bytea, NULL::bytea \
                     FROM unnest($1::text[]) AS s(stream) \
                     UNION ALL SELECT NULL, NULL, i.key, i.value FROM tincay_idempotency i \
                     WHERE i.key = ANY ($2::bytea[])",
                )
                .await
                .map_err(db_error)?;
            client
                .query(&statement, &[&names, &keys])
                .await
                .map_err(db_error)
        })?;
        let mut state = GroupState::default();
        for row in rows {
            match (
                row.get::<_, Option<&str>>(0),
                row.get::<_, Option<Vec<u8>>>(2),
            ) {
                (Some(stream), _) => {
                    let stream =
                        StreamId::parse(stream).map_err(|_| corrupt("a record's stream id"))?;
                    state
                        .versions
                        .insert(stream, to_u64(row.get::<_, Option<i64>>(1).unwrap_or(0))?);
                }
                (None, Some(key)) => {
                    let key = <[u8; 32]>::try_from(key.as_slice())
                        .map_err(|_| corrupt("idempotency key: expected 32 bytes"))?;
                    state.idempotency.insert(key, row.get(3));
                }
                (None, None) => return Err(corrupt("an empty row")),
            }
        }
        Ok(state)
    }

    fn erasures(&self) -> Option<broadcast::Receiver<Erased>> {
        Some(self.erased.subscribe())
    }

    fn for_each_idempotency(&self, each: &mut IdempotencyVisitor<'_>) -> Result<(), StoreError> {
        let rows = self.rows(
            "SELECT key, value FROM tincay_idempotency ORDER BY key",
            Params(vec![]),
            |row| Ok((row.get::<_, Vec<u8>>(0), row.get::<_, Vec<u8>>(1))),
        )?;
        for (key, value) in rows {
            let key = <[u8; 32]>::try_from(key.as_slice())
                .map_err(|_| corrupt("idempotency key: expected 32 bytes"))?;
            each(&key, &value)?;
        }
        Ok(())
    }

    fn key(&self, id: &KeyId) -> Result<KeyState, StoreError> {
        let mut rows = self.rows(
            "SELECT k.wrapped FROM tincay_keys k JOIN tincay_head h \
             ON h.id = 1 AND k.epoch = h.key_epoch WHERE k.id = $1",
            Params(vec![Param::Text(id.as_str().to_owned())]),
            key_state,
        )?;
        Ok(rows.pop().unwrap_or(KeyState::Missing))
    }

    fn keys_of(&self, ids: &[KeyId]) -> Result<Option<Vec<(KeyId, KeyState)>>, StoreError> {
        let ids: Vec<String> = ids.iter().map(|id| id.as_str().to_owned()).collect();
        let pool = self.pool.clone();
        let rows = self.bridge.run(async move {
            let client = pool.get().await.map_err(pool_error)?;
            let statement = client
                .prepare_cached(
                    "SELECT k.wrapped, k.id FROM tincay_keys k JOIN tincay_head h \
                     ON h.id = 1 AND k.epoch = h.key_epoch WHERE k.id = ANY ($1::text[])",
                )
                .await
                .map_err(db_error)?;
            client.query(&statement, &[&ids]).await.map_err(db_error)
        })?;
        rows.iter()
            .map(|row| Ok((KeyId::from_stored(row.get(1)), key_state(row)?)))
            .collect::<Result<Vec<_>, StoreError>>()
            .map(Some)
    }

    fn keys(&self) -> Result<Vec<(KeyId, KeyState)>, StoreError> {
        self.rows(
            "SELECT k.wrapped, k.id FROM tincay_keys k JOIN tincay_head h \
             ON h.id = 1 AND k.epoch = h.key_epoch ORDER BY k.id",
            Params(vec![]),
            |row| Ok((KeyId::from_stored(row.get(1)), key_state(row)?)),
        )
    }

    fn key_epoch(&self) -> Result<u32, StoreError> {
        let rows = self.rows(
            "SELECT key_epoch FROM tincay_head WHERE id = 1",
            Params(vec![]),
            |row| u32::try_from(row.get::<_, i32>(0)).map_err(|_| corrupt("a negative key epoch")),
        )?;
        rows.first().copied().ok_or_else(|| corrupt("no head row"))
    }

    fn stage_keys(&self, epoch: u32, keys: Vec<(KeyId, KeyState)>) -> Result<(), StoreError> {
        self.bridge
            .run(epochs::stage(self.pool.clone(), epoch, keys))
    }

    fn activate_key_epoch(&self, epoch: u32) -> Result<(), StoreError> {
        self.bridge.run(epochs::activate(self.pool.clone(), epoch))
    }

    fn meta(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let mut rows = self.rows(
            "SELECT value FROM tincay_meta WHERE name = $1",
            Params(vec![Param::Text(name.to_owned())]),
            |row| Ok(row.get::<_, Vec<u8>>(0)),
        )?;
        Ok(rows.pop())
    }

    fn single_owner(&self, job: &str) -> Result<Option<JobGuard>, StoreError> {
        Ok(self
            .try_job_lock(job)?
            .map(|lock| Box::new(lock) as JobGuard))
    }

    fn put_meta(&self, name: &str, value: &[u8]) -> Result<(), StoreError> {
        if name == KEY_EPOCH_META {
            return Err(StoreError::Engine(
                "`key_epoch` is written only by key epoch activation".into(),
            ));
        }
        self.execute(
            "INSERT INTO tincay_meta (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            Params(vec![
                Param::Text(name.to_owned()),
                Param::Bytes(value.to_vec()),
            ]),
        )
        .map(|_| ())
    }
}
