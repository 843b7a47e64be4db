//! The PostgreSQL engine's tables. DO NOT CHANGE a column's meaning: a database written by one
//! tincay is read by the next.
//!
//! - `tincay_head`: ONE row. `position` is the last appended global position and `key_epoch`
//!   the active key epoch. Every append locks it `FOR UPDATE`, so appends (from every server
//!   on the database) commit one after another, in position order: positions are gap-free
//!   and a reader never sees position `n + 1` without `n`. The previous record's MAC, which
//!   the next record's MAC chains to, is that of the record at `position`.
//! - `tincay_records`: the sealed records as the log wrote them (ciphertext and cleartext
//!   envelope fields only), by position, unique by `(stream, stream_version)`.
//! - `tincay_idempotency`: idempotency entries (keyed hashes and the first outcome).
//! - `tincay_keys`: wrapped keys by key epoch; `wrapped` NULL is an erased key's tombstone.
//! - `tincay_meta`: a little metadata (format marker, log id, key check values).
//!
//! Beside them, the function a group commit calls (`super::append::FUNCTION`), replaced by
//! each server at start.

use tokio_postgres::Client;

use super::error::db_error;
use crate::store::engine::StoreError;

/// The channel each append notifies with its last position, once it commits.
pub const CHANNEL: &str = "tincay_log";

/// The channel an erasure notifies with the id of each key it destroyed (`dek:<stream>`),
/// once it commits: every server then forgets that key.
pub const ERASED_CHANNEL: &str = "tincay_erased";

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS tincay_head (
    id smallint PRIMARY KEY CHECK (id = 1),
    position bigint NOT NULL CHECK (position >= 0),
    key_epoch integer NOT NULL CHECK (key_epoch >= 0)
);
INSERT INTO tincay_head (id, position, key_epoch) VALUES (1, 0, 0) ON CONFLICT (id) DO NOTHING;
CREATE TABLE IF NOT EXISTS tincay_records (
    position bigint PRIMARY KEY CHECK (position >= 1),
    stream text NOT NULL,
    stream_version bigint NOT NULL CHECK (stream_version >= 1),
    bytes bytea NOT NULL,
    UNIQUE (stream, stream_version)
);
-- Ciphertext does not compress: store it as it is.
ALTER TABLE tincay_records ALTER COLUMN bytes SET STORAGE EXTERNAL;
CREATE TABLE IF NOT EXISTS tincay_idempotency (
    key bytea PRIMARY KEY,
    value bytea NOT NULL
);
CREATE TABLE IF NOT EXISTS tincay_keys (
    epoch integer NOT NULL,
    id text NOT NULL,
    wrapped bytea,
    PRIMARY KEY (epoch, id)
);
CREATE TABLE IF NOT EXISTS tincay_meta (
    name text PRIMARY KEY,
    value bytea NOT NULL
);
";

/// Creates the tables if they are missing. Several servers may start at once: the creation
/// runs under a transaction-scoped advisory lock.
pub async fn create(client: &mut Client) -> Result<(), StoreError> {
    let tx = client.transaction().await.map_err(db_error)?;
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('tincay-schema'))",
        &[],
    )
    .await
    .map_err(db_error)?;
    tx.batch_execute(CREATE).await.map_err(db_error)?;
    tx.batch_execute(super::append::FUNCTION)
        .await
        .map_err(db_error)?;
    tx.commit().await.map_err(db_error)
}
