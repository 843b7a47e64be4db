//! Following other servers' appends: a connection of its own `LISTEN`s on
//! [`CHANNEL`](super::schema::CHANNEL) and moves the store's durable head to each notified
//! position. A notification is only a wake-up: subscribers then read by position, so one
//! lost while the connection was down costs nothing, and on every (re)connection the head row
//! is read once after `LISTEN`, so nothing committed meanwhile is missed.
//!
//! The same connection listens on [`ERASED_CHANNEL`](super::schema::ERASED_CHANNEL) and
//! passes each destroyed stream key on as an [`Erased`], so the log forgets it at once. An
//! erasure notified while the connection was down would be missed: every (re)connection
//! therefore sends [`Erased::Unknown`] once it listens again, and the log forgets every key
//! it holds (they are read from the store again when next needed).

use std::time::Duration;

use tokio::sync::{broadcast, watch};
use tokio_postgres::{AsyncMessage, Config, NoTls};

use super::error::{db_error, to_u64};
use super::schema::{CHANNEL, ERASED_CHANNEL};
use crate::store::engine::{Erased, StoreError};
use crate::store::stream::StreamId;

/// How long to wait before connecting again after the listening connection was lost.
const RECONNECT_AFTER: Duration = Duration::from_millis(500);

/// Where the listener passes on what it hears.
#[derive(Clone)]
pub(super) struct Heard {
    pub durable: watch::Sender<u64>,
    pub erased: broadcast::Sender<Erased>,
}

/// Listens until the runtime stops, reconnecting whenever the connection is lost.
pub(super) async fn follow(config: Config, heard: Heard) {
    loop {
        if let Err(error) = listen(&config, &heard).await {
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

/// What one notification says.
enum Note {
    Position(u64),
    Erased(StreamId),
}

fn note(channel: &str, payload: &str) -> Option<Note> {
    if channel == ERASED_CHANNEL {
        let stream = payload.strip_prefix("dek:")?;
        return StreamId::parse(stream).ok().map(Note::Erased);
    }
    payload.parse::<u64>().ok().map(Note::Position)
}

async fn listen(config: &Config, heard: &Heard) -> Result<(), StoreError> {
    let (client, mut connection) = config.connect(NoTls).await.map_err(db_error)?;
    let (notified, mut notes) = tokio::sync::mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(AsyncMessage::Notification(message))) => {
                    if notified
                        .send(note(message.channel(), message.payload()))
                        .is_err()
                    {
                        break;
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            }
        }
    });
    client
        .batch_execute(&format!("LISTEN {CHANNEL}; LISTEN {ERASED_CHANNEL}"))
        .await
        .map_err(db_error)?;
    // Erasures committed while nobody listened are not known one by one.
    let _ = heard.erased.send(Erased::Unknown);
    let head = client
        .query_one("SELECT position FROM tincay_head WHERE id = 1", &[])
        .await
        .map_err(db_error)?;
    advance(&heard.durable, to_u64(head.get(0))?);
    while let Some(note) = notes.recv().await {
        match note {
            Some(Note::Position(position)) => advance(&heard.durable, position),
            Some(Note::Erased(stream)) => {
                // No receiver (no log open on the store) is not an error.
                let _ = heard.erased.send(Erased::Stream(stream));
            }
            None => {}
        }
    }
    driver.abort();
    Err(StoreError::Unavailable(
        "the listening connection closed".into(),
    ))
}
