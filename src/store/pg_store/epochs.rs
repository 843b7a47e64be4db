//! Key epochs on PostgreSQL: staging a re-wrapped key set and activating it (master key
//! rotation). Staging is one transaction; activation is one transaction under the head row
//! lock (so no append runs during it) that checks the staged set, moves `key_epoch` and drops
//! every other epoch. As on sled, activation refuses a staged set that would lose a key or
//! bring a destroyed one back. With several servers, rotate with them stopped: a key created
//! between staging and activation would be missing from the staged set, and is refused.

use deadpool_postgres::Pool;

use super::error::{db_error, pool_error};
use crate::store::engine::{KeyId, KeyState, StoreError};

pub(super) async fn stage(
    pool: Pool,
    epoch: u32,
    keys: Vec<(KeyId, KeyState)>,
) -> Result<(), StoreError> {
    let epoch = epoch_i32(epoch)?;
    let mut client = pool.get().await.map_err(pool_error)?;
    let tx = client.transaction().await.map_err(db_error)?;
    let active: i32 = tx
        .query_one("SELECT key_epoch FROM tincay_head WHERE id = 1", &[])
        .await
        .map_err(db_error)?
        .get(0);
    if active == epoch {
        return Err(StoreError::Engine(
            "cannot stage keys over the active key epoch".into(),
        ));
    }
    tx.execute("DELETE FROM tincay_keys WHERE epoch = $1", &[&epoch])
        .await
        .map_err(db_error)?;
    let mut ids = Vec::new();
    let mut wrapped: Vec<Option<Vec<u8>>> = Vec::new();
    for (id, state) in keys {
        match state {
            KeyState::Missing => {}
            KeyState::Wrapped(bytes) => {
                ids.push(id.as_str().to_owned());
                wrapped.push(Some(bytes));
            }
            KeyState::Destroyed => {
                ids.push(id.as_str().to_owned());
                wrapped.push(None);
            }
        }
    }
    tx.execute(
        "INSERT INTO tincay_keys (epoch, id, wrapped) \
         SELECT $1, * FROM unnest($2::text[], $3::bytea[])",
        &[&epoch, &ids, &wrapped],
    )
    .await
    .map_err(db_error)?;
    tx.commit().await.map_err(db_error)
}

pub(super) async fn activate(pool: Pool, epoch: u32) -> Result<(), StoreError> {
    let epoch = epoch_i32(epoch)?;
    let mut client = pool.get().await.map_err(pool_error)?;
    let tx = client.transaction().await.map_err(db_error)?;
    let active: i32 = tx
        .query_one(
            "SELECT key_epoch FROM tincay_head WHERE id = 1 FOR UPDATE",
            &[],
        )
        .await
        .map_err(db_error)?
        .get(0);
    if active != epoch {
        let staged: i64 = tx
            .query_one(
                "SELECT count(*) FROM tincay_keys WHERE epoch = $1",
                &[&epoch],
            )
            .await
            .map_err(db_error)?
            .get(0);
        if staged == 0 {
            return Err(StoreError::Engine(format!(
                "key epoch {epoch} was never staged"
            )));
        }
        let broken = tx
            .query(
                "SELECT a.id, s.id IS NULL FROM tincay_keys a \
                 LEFT JOIN tincay_keys s ON s.epoch = $2 AND s.id = a.id \
                 WHERE a.epoch = $1 AND (s.id IS NULL OR (a.wrapped IS NULL AND s.wrapped IS NOT NULL)) \
                 LIMIT 1",
                &[&active, &epoch],
            )
            .await
            .map_err(db_error)?;
        if let Some(row) = broken.first() {
            let id: String = row.get(0);
            let lacking: bool = row.get(1);
            return Err(StoreError::Engine(if lacking {
                format!("staged keys lack key {id}")
            } else {
                format!("staged keys restore destroyed key {id}")
            }));
        }
        tx.execute(
            "UPDATE tincay_head SET key_epoch = $1 WHERE id = 1",
            &[&epoch],
        )
        .await
        .map_err(db_error)?;
    }
    tx.execute("DELETE FROM tincay_keys WHERE epoch <> $1", &[&epoch])
        .await
        .map_err(db_error)?;
    tx.commit().await.map_err(db_error)
}

fn epoch_i32(epoch: u32) -> Result<i32, StoreError> {
    i32::try_from(epoch).map_err(|_| StoreError::Engine("key epoch too large".into()))
}
