//! One group commit as one PostgreSQL statement, and so one transaction and one round trip:
//! a call of [`FUNCTION`] with the group as column arrays.
//!
//! The function locks the head row first (`FOR UPDATE`), so it runs after every append that
//! locked it before, from whichever server, and sees their commits. Under that lock it checks,
//! in the database: that the group's first position follows the head (else another server
//! appended since the writer planned, and the group is refused with
//! [`StoreError::PositionMismatch`] to be planned again), each stream's current version, that
//! no idempotency key and no created key exists yet. Only then does it write the records, the
//! entries and key changes, move the head and notify [`CHANNEL`](super::schema::CHANNEL) (and
//! `tincay_erased` with each destroyed key's id); notifications are delivered only once the
//! transaction commits. A refusal so writes nothing, and the statement's implicit transaction
//! commits nothing but the lock it releases.
//!
//! A group planned after one that may not have committed yet (the writer pipelines: see
//! `super::committer`) names that one's last record, and the function refuses it, as it
//! refuses a moved head, unless the record before its first position is exactly that one: a
//! group so never commits after a predecessor that did not.
//!
//! The checks that need no database (consecutive positions and versions) run first, in
//! [`Columns::of`]. The function touches the key table only when the group creates or destroys
//! a key, so appends to existing cases go on while the key table is vacuumed after an erasure
//! (`super::vacuum`).

use std::collections::HashMap;

use super::error::{db_error, to_i64, to_u64};
use crate::store::engine::{AppendBatch, KeyChange, StoreError};

/// A group's rows, as the column arrays its statements take.
#[derive(Default)]
pub(super) struct Columns {
    first: u64,
    last: u64,
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
    /// The record the group was planned after, if it may not have committed.
    after: Option<Vec<u8>>,
}

impl Columns {
    /// Checks the group's shape (positions one run, each batch continuing its stream's
    /// versions) and lays it out as columns; `after` is the record the group was planned
    /// after if that one may not have committed. `None` for an empty group.
    pub fn of(
        batches: Vec<AppendBatch>,
        after: Option<Vec<u8>>,
    ) -> Result<Option<Self>, StoreError> {
        let mut columns = Self {
            after,
            ..Self::default()
        };
        let mut next_position = None;
        let mut versions: HashMap<String, u64> = HashMap::new();
        for batch in batches {
            let stream = batch.stream.as_str().to_owned();
            match versions.get(&stream) {
                None => columns
                    .expected
                    .push((stream.clone(), batch.expected_version)),
                Some(&after) if after == batch.expected_version => {}
                Some(&after) => return Err(StoreError::WrongVersion { actual: after }),
            }
            let mut version = batch.expected_version;
            if batch.records.is_empty() {
                return Err(StoreError::Engine(
                    "an append needs at least one record".into(),
                ));
            }
            for record in batch.records {
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
                if columns.streams.is_empty() {
                    columns.first = record.position;
                }
                columns.last = record.position;
                to_i64(record.position)?;
                columns.streams.push(stream.clone());
                columns.versions.push(to_i64(record.stream_version)?);
                columns.bytes.push(record.bytes);
            }
            versions.insert(stream, version);
            if let Some((key, value)) = batch.idempotency {
                columns.idempotency_keys.push(key.to_vec());
                columns.idempotency_values.push(value);
            }
            match batch.key_change {
                None => {}
                Some(KeyChange::Create { id, wrapped }) => {
                    columns.created_ids.push(id.as_str().to_owned());
                    columns.created_wrapped.push(wrapped);
                }
                Some(KeyChange::Destroy { id }) => columns.destroyed.push(id.as_str().to_owned()),
            }
        }
        Ok((!columns.streams.is_empty()).then_some(columns))
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

/// The function a group commit is: one statement, so one round trip and one transaction
/// (an implicit one, committed when the statement returns). It answers `status` 0 once it
/// has written the group, or, having written nothing: 1 when the group's first position does
/// not follow the head (another server appended) or, with `p_after`, the record before it is
/// not `p_after` (the group's predecessor did not commit), 2 with the stream's `actual` version when
/// an expected version is stale, 3 when an idempotency key or a created key is stored
/// already (another server stored it first). Every refusal is decided before the first
/// write, under the head row lock that every append, from every server, takes first.
///
/// Versioned by name: a server of another version may run its own beside it (`_v1` had no
/// `p_after`).
pub(super) const FUNCTION: &str = "
CREATE OR REPLACE FUNCTION tincay_append_group_v2(
    p_first bigint, p_after bytea, p_streams text[], p_versions bigint[], p_bytes bytea[],
    p_expected_streams text[], p_expected bigint[],
    p_idempotency_keys bytea[], p_idempotency_values bytea[],
    p_created_ids text[], p_created_wrapped bytea[], p_destroyed text[],
    OUT status integer, OUT actual bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_head bigint;
    v_epoch integer;
    v_last bigint := p_first + cardinality(p_streams) - 1;
BEGIN
    SELECT h.position, h.key_epoch INTO v_head, v_epoch
        FROM tincay_head h WHERE h.id = 1 FOR UPDATE;
    IF v_head + 1 <> p_first THEN
        status := 1;
        RETURN;
    END IF;
    IF p_after IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM tincay_records r WHERE r.position = p_first - 1 AND r.bytes = p_after) THEN
        status := 1;
        RETURN;
    END IF;
    SELECT c.at INTO actual FROM (
        SELECT e.expected, coalesce((SELECT max(r.stream_version) FROM tincay_records r
                                     WHERE r.stream = e.stream), 0) AS at
        FROM unnest(p_expected_streams, p_expected) AS e(stream, expected)
    ) c WHERE c.at <> c.expected LIMIT 1;
    IF FOUND THEN
        status := 2;
        RETURN;
    END IF;
    actual := NULL;
    -- The key and idempotency tables only when the group has rows for them (a statement
    -- locks its tables when it is planned, even if it then reads nothing): an append to an
    -- existing case never waits for the key table's VACUUM FULL after an erasure.
    IF cardinality(p_idempotency_keys) > 0 THEN
        IF EXISTS (SELECT 1 FROM tincay_idempotency i WHERE i.key = ANY (p_idempotency_keys)) THEN
            status := 3;
            RETURN;
        END IF;
    END IF;
    IF cardinality(p_created_ids) > 0 THEN
        IF EXISTS (SELECT 1 FROM tincay_keys k
                   WHERE k.epoch = v_epoch AND k.id = ANY (p_created_ids)) THEN
            status := 3;
            RETURN;
        END IF;
    END IF;
    INSERT INTO tincay_records (position, stream, stream_version, bytes)
        SELECT p_first + r.n - 1, r.stream, r.version, r.bytes
        FROM unnest(p_streams, p_versions, p_bytes) WITH ORDINALITY AS r(stream, version, bytes, n);
    IF cardinality(p_idempotency_keys) > 0 THEN
        INSERT INTO tincay_idempotency (key, value)
            SELECT * FROM unnest(p_idempotency_keys, p_idempotency_values);
    END IF;
    IF cardinality(p_created_ids) > 0 THEN
        INSERT INTO tincay_keys (epoch, id, wrapped)
            SELECT v_epoch, k.id, k.wrapped
            FROM unnest(p_created_ids, p_created_wrapped) AS k(id, wrapped);
    END IF;
    IF cardinality(p_destroyed) > 0 THEN
        INSERT INTO tincay_keys (epoch, id, wrapped)
            SELECT v_epoch, k.id, NULL FROM unnest(p_destroyed) AS k(id)
            ON CONFLICT (epoch, id) DO UPDATE SET wrapped = NULL;
        PERFORM pg_notify('tincay_erased', k.id) FROM unnest(p_destroyed) AS k(id);
    END IF;
    UPDATE tincay_head SET position = v_last WHERE id = 1;
    PERFORM pg_notify('tincay_log', v_last::text);
    status := 0;
END
$fn$;
";

/// The statement that calls [`FUNCTION`].
pub(super) const CALL: &str = "SELECT status, actual FROM tincay_append_group_v2(\
     $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

/// Writes the group with one call of [`FUNCTION`] (prepared from [`CALL`]) on `client`; see
/// the module documentation. The statement is sent when the returned future is first polled.
pub(super) async fn write(
    client: &tokio_postgres::Client,
    call: &tokio_postgres::Statement,
    columns: &Columns,
) -> Result<(), StoreError> {
    let (expected_streams, expected): (Vec<&str>, Vec<i64>) = columns
        .expected
        .iter()
        .map(|(stream, version)| Ok((stream.as_str(), to_i64(*version)?)))
        .collect::<Result<Vec<_>, StoreError>>()?
        .into_iter()
        .unzip();
    let row = client
        .query_one(
            call,
            &[
                &to_i64(columns.first)?,
                &columns.after,
                &columns.streams,
                &columns.versions,
                &columns.bytes,
                &expected_streams,
                &expected,
                &columns.idempotency_keys,
                &columns.idempotency_values,
                &columns.created_ids,
                &columns.created_wrapped,
                &columns.destroyed,
            ],
        )
        .await
        .map_err(db_error)?;
    match row.get::<_, i32>(0) {
        0 => Ok(()),
        2 => Err(StoreError::WrongVersion {
            actual: to_u64(row.get::<_, Option<i64>>(1).unwrap_or(0))?,
        }),
        // The head moved, the group's predecessor did not commit, or another server stored
        // an idempotency key or a created key first: planned again, the retry finds them.
        _ => Err(StoreError::PositionMismatch(columns.first)),
    }
}
