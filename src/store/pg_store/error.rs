//! PostgreSQL errors as [`StoreError`]s, without personal data: a server's error detail may
//! quote a row's values, so only its SQLSTATE and the client library's own message (which
//! names no row) are kept.

use crate::store::engine::StoreError;

/// Every database failure is [`StoreError::Unavailable`]: PostgreSQL keeps its own data safe
/// (it stops itself on a failed fsync), so a failed statement or a dropped connection leaves
/// nothing for tincay to stop for; an append whose outcome it cannot know is found again by
/// its idempotency key.
pub fn db_error(error: tokio_postgres::Error) -> StoreError {
    match error.as_db_error() {
        Some(db) => StoreError::Unavailable(format!(
            "PostgreSQL refused a statement (SQLSTATE {})",
            db.code().code()
        )),
        None => StoreError::Unavailable(describe(&error)),
    }
}

pub fn pool_error(error: deadpool_postgres::PoolError) -> StoreError {
    match error {
        deadpool_postgres::PoolError::Backend(error) => db_error(error),
        other => StoreError::Unavailable(format!("no database connection: {other}")),
    }
}

/// The library's message and its cause (a connection refused, a reset): names no row.
fn describe(error: &tokio_postgres::Error) -> String {
    match std::error::Error::source(error) {
        Some(source) => format!("{error}: {source}"),
        None => error.to_string(),
    }
}

/// A stored value that does not fit the engine's types.
pub fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("PostgreSQL store: {what}"))
}

pub fn to_i64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value)
        .map_err(|_| StoreError::Engine("a position or version is too large".into()))
}

pub fn to_u64(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| corrupt("a negative position or version"))
}
