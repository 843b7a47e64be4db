//! One group commit as one PostgreSQL transaction.
//!
//! The transaction locks the head row first (`FOR UPDATE`), so it runs after every append that
//! locked it before, from whichever server, and sees their commits. Under that lock it checks,
//! in the database: that the group's first position follows the head (else another server
//! appended since the writer planned, and the group is refused with
//! [`StoreError::PositionMismatch`] to be planned again), each stream's current version, that
//! no idempotency key and no created key exists yet. Then it writes the records, the entries
//! and key changes, moves the head and notifies [`CHANNEL`](super::schema::CHANNEL); the
//! notification is delivered only once the transaction commits.
//!
//! The checks that need no database (consecutive positions and versions) run first, in
//! [`Columns::of`], and the batches become column arrays written with one statement per table.

use std::collections::HashMap;

use deadpool_postgres::Pool;

use super::error::{db_error, pool_error, to_i64, to_u64};
use crate::store::engine::{AppendBatch, KeyChange, StoreError};

/// A group's rows, as the column arrays its statements take.
#[derive(Default)]
pub(super) struct Columns {
    first: u64,
    last: u64,
    positions: Vec<i64>,
    streams: Vec<String>,
    versions: Vec<i64>,
    bytes: Vec<Vec<u8>>,
    /// Each stream's version before its first batch in the group, in order of appearance.
    expected: Vec<(String, u64)>,
    idempotency_keys: Vec<Vec<u8>>,
    idempotency_values: Vec<Vec<u8>>,
    created_ids: Vec<String>,
    created_wrapped: Vec<Vec<u8>>,
    destroyed: Vec<String>,
}

impl Columns {
    /// Checks the group's shape (positions one run, each batch continuing its stream's
    /// versions) and lays it out as columns. `None` for an empty group.
    pub fn of(batches: &[AppendBatch]) -> Result<Option<Self>, StoreError> {
        let mut columns = Self::default();
        let mut next_position = None;
        let mut versions: HashMap<&str, u64> = HashMap::new();
        for batch in batches {
            let stream = batch.stream.as_str();
            match versions.get(stream) {
                None => columns
                    .expected
                    .push((stream.to_owned(), batch.expected_version)),
                Some(&after) if after == batch.expected_version => {}
                Some(&after) => return Err(StoreError::WrongVersion { actual: after }),
            }
            let mut version = batch.expected_version;
            if batch.records.is_empty() {
                return Err(StoreError::Engine(
                    "an append needs at least one record".into(),
                ));
            }
            for record in &batch.records {
                if next_position.is_some_and(|next| next != record.position) {
                    return Err(StoreError::PositionMismatch(record.position));
                }
                if record.stream != batch.stream
                    || Some(record.stream_version) != version.checked_add(1)
                {
                    return Err(StoreError::Engine(
                        "a batch must continue its stream's versions one by one".into(),
                    ));
                }
                version = record.stream_version;
                next_position = record.position.checked_add(1);
                if columns.positions.is_empty() {
                    columns.first = record.position;
                }
                columns.last = record.position;
                columns.positions.push(to_i64(record.position)?);
                columns.streams.push(stream.to_owned());
                columns.versions.push(to_i64(record.stream_version)?);
                columns.bytes.push(record.bytes.clone());
            }
            versions.insert(stream, version);
            if let Some((key, value)) = &batch.idempotency {
                columns.idempotency_keys.push(key.to_vec());
                columns.idempotency_values.push(value.clone());
            }
            match &batch.key_change {
                None => {}
                Some(KeyChange::Create { id, wrapped }) => {
                    columns.created_ids.push(id.as_str().to_owned());
                    columns.created_wrapped.push(wrapped.clone());
                }
                Some(KeyChange::Destroy { id }) => columns.destroyed.push(id.as_str().to_owned()),
            }
        }
        Ok((!columns.positions.is_empty()).then_some(columns))
    }

    /// The last position the group writes.
    pub fn last(&self) -> u64 {
        self.last
    }

    /// Whether the group destroys a key (the key table is vacuumed after it commits).
    pub fn erases(&self) -> bool {
        !self.destroyed.is_empty()
    }
}

/// Writes the group in one transaction; see the module documentation.
pub(super) async fn write(pool: Pool, columns: Columns) -> Result<(), StoreError> {
    let mut client = pool.get().await.map_err(pool_error)?;
    let tx = client.transaction().await.map_err(db_error)?;
    let lock = tx
        .prepare_cached("SELECT position FROM tincay_head WHERE id = 1 FOR UPDATE")
        .await
        .map_err(db_error)?;
    let head = to_u64(tx.query_one(&lock, &[]).await.map_err(db_error)?.get(0))?;
    if head.checked_add(1) != Some(columns.first) {
        // Rolled back on drop.
        return Err(StoreError::PositionMismatch(columns.first));
    }
    let current = tx
        .prepare_cached(
            "SELECT s.stream, coalesce(max(r.stream_version), 0) \
             FROM unnest($1::text[]) AS s(stream) \
             LEFT JOIN tincay_records r ON r.stream = s.stream GROUP BY s.stream",
        )
        .await
        .map_err(db_error)?;
    let names: Vec<&str> = columns.expected.iter().map(|(s, _)| s.as_str()).collect();
    let mut actual = HashMap::new();
    for row in tx.query(&current, &[&names]).await.map_err(db_error)? {
        actual.insert(row.get::<_, String>(0), to_u64(row.get(1))?);
    }
    for (stream, expected) in &columns.expected {
        let found = actual.get(stream).copied().unwrap_or(0);
        if found != *expected {
            return Err(StoreError::WrongVersion { actual: found });
        }
    }
    let insert = tx
        .prepare_cached(
            "INSERT INTO tincay_records (position, stream, stream_version, bytes) \
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bytea[])",
        )
        .await
        .map_err(db_error)?;
    tx.execute(
        &insert,
        &[
            &columns.positions,
            &columns.streams,
            &columns.versions,
            &columns.bytes,
        ],
    )
    .await
    .map_err(db_error)?;
    if !columns.idempotency_keys.is_empty() {
        let remember = tx
            .prepare_cached(
                "INSERT INTO tincay_idempotency (key, value) \
                 SELECT * FROM unnest($1::bytea[], $2::bytea[]) ON CONFLICT (key) DO NOTHING",
            )
            .await
            .map_err(db_error)?;
        let stored = tx
            .execute(
                &remember,
                &[&columns.idempotency_keys, &columns.idempotency_values],
            )
            .await
            .map_err(db_error)?;
        if stored != columns.idempotency_keys.len() as u64 {
            // Another server stored the key first: planned again, the retry finds it.
            return Err(StoreError::PositionMismatch(columns.first));
        }
    }
    if !columns.created_ids.is_empty() {
        let create = tx
            .prepare_cached(
                "INSERT INTO tincay_keys (epoch, id, wrapped) \
                 SELECT h.key_epoch, k.id, k.wrapped \
                 FROM unnest($1::text[], $2::bytea[]) AS k(id, wrapped), tincay_head h \
                 WHERE h.id = 1 ON CONFLICT (epoch, id) DO NOTHING",
            )
            .await
            .map_err(db_error)?;
        let created = tx
            .execute(&create, &[&columns.created_ids, &columns.created_wrapped])
            .await
            .map_err(db_error)?;
        if created != columns.created_ids.len() as u64 {
            // Never over a live key, never over a tombstone: erasure is final.
            return Err(StoreError::PositionMismatch(columns.first));
        }
    }
    if !columns.destroyed.is_empty() {
        let destroy = tx
            .prepare_cached(
                "INSERT INTO tincay_keys (epoch, id, wrapped) \
                 SELECT h.key_epoch, k.id, NULL FROM unnest($1::text[]) AS k(id), tincay_head h \
                 WHERE h.id = 1 ON CONFLICT (epoch, id) DO UPDATE SET wrapped = NULL",
            )
            .await
            .map_err(db_error)?;
        tx.execute(&destroy, &[&columns.destroyed])
            .await
            .map_err(db_error)?;
    }
    let advance = tx
        .prepare_cached(
            "WITH moved AS (UPDATE tincay_head SET position = $1 WHERE id = 1 RETURNING position) \
             SELECT pg_notify('tincay_log', position::text) FROM moved",
        )
        .await
        .map_err(db_error)?;
    tx.execute(&advance, &[&to_i64(columns.last)?])
        .await
        .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    if columns.erases() {
        vacuum_keys(&client).await;
    }
    Ok(())
}

/// Rewrites the key table so an erased key's old row version leaves its files (see the
/// threat model in deploy/POSTGRES.md: it stays in WAL and base backups). The erasure has
/// committed whatever this does; a failure is logged, and the next erasure's vacuum does it.
async fn vacuum_keys(client: &tokio_postgres::Client) {
    if let Err(error) = client.batch_execute("VACUUM FULL tincay_keys").await {
        let error = db_error(error);
        tracing::warn!(%error, "cannot vacuum the key table after an erasure");
    }
}
