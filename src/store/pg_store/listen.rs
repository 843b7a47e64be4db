//! Following other servers' appends: a connection of its own `LISTEN`s on
//! [`CHANNEL`](super::schema::CHANNEL) and moves the store's durable head to each notified
//! position. A notification is only a wake-up: subscribers then read by position, so one
//! lost while the connection was down costs nothing, and on every (re)connection the head row
//! is read once after `LISTEN`, so nothing committed meanwhile is missed.

use std::time::Duration;

use tokio::sync::watch;
use tokio_postgres::{AsyncMessage, Config, NoTls};

use super::error::{db_error, to_u64};
use super::schema::CHANNEL;
use crate::store::engine::StoreError;

/// How long to wait before connecting again after the listening connection was lost.
const RECONNECT_AFTER: Duration = Duration::from_millis(500);

/// Listens until the runtime stops, reconnecting whenever the connection is lost.
pub(super) async fn follow(config: Config, durable: watch::Sender<u64>) {
    loop {
        if let Err(error) = listen(&config, &durable).await {
            tracing::warn!(%error, "lost the database's notifications; connecting again");
        }
        tokio::time::sleep(RECONNECT_AFTER).await;
    }
}

/// Moves the durable head forward (never back).
pub(super) fn advance(durable: &watch::Sender<u64>, position: u64) {
    durable.send_if_modified(|head| {
        let moved = position > *head;
        if moved {
            *head = position;
        }
        moved
    });
}

async fn listen(config: &Config, durable: &watch::Sender<u64>) -> Result<(), StoreError> {
    let (client, mut connection) = config.connect(NoTls).await.map_err(db_error)?;
    let (notified, mut positions) = tokio::sync::mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(AsyncMessage::Notification(note))) => {
                    if notified.send(note.payload().parse::<u64>().ok()).is_err() {
                        break;
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            }
        }
    });
    client
        .batch_execute(&format!("LISTEN {CHANNEL}"))
        .await
        .map_err(db_error)?;
    let head = client
        .query_one("SELECT position FROM tincay_head WHERE id = 1", &[])
        .await
        .map_err(db_error)?;
    advance(durable, to_u64(head.get(0))?);
    while let Some(position) = positions.recv().await {
        if let Some(position) = position {
            advance(durable, position);
        }
    }
    driver.abort();
    Err(StoreError::Unavailable(
        "the listening connection closed".into(),
    ))
}
