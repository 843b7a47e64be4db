//! The server's side of `tincay backup`: a consistent snapshot of the running log
//! ([`crate::store::backup::export`]) streamed over the control socket. The export runs on a
//! blocking thread and hands the bytes over in chunks; appends go on meanwhile, and are in
//! the backup only if they were durable when it started. If the client goes away, the export
//! stops; if the export fails, the connection closes before the backup's end frame, which the
//! client recognises as an incomplete backup.

use std::io::{self, Write};

use tokio::io::AsyncWriteExt;
use tokio::net::unix::OwnedWriteHalf;
use tokio::sync::mpsc;

use crate::control::protocol::Response;
use crate::edge::state::AppState;
use crate::store::backup::export;

/// Bytes handed to the socket at a time.
const CHUNK: usize = 256 * 1024;

/// Answer `{"ok":true}`, then stream the backup until it is complete.
pub async fn send(state: &AppState, mut write: OwnedWriteHalf) {
    let mut line = serde_json::to_vec(&Response::streaming()).unwrap_or_default();
    line.push(b'\n');
    if let Err(error) = write.write_all(&line).await {
        tracing::warn!(%error, "control socket: cannot answer a backup request");
        return;
    }
    let (chunks, mut received) = mpsc::channel::<Vec<u8>>(4);
    let store = std::sync::Arc::clone(state.log.store());
    let log = state.log.clone();
    let taken_at = state.clock.now();
    let exporting = tokio::task::spawn_blocking(move || {
        let mut out = ChunkWriter {
            chunks,
            buffer: Vec::with_capacity(CHUNK),
        };
        // The MAC is under the running log's master key.
        export(store.as_ref(), log.keys().master(), taken_at, &mut out)
    });
    let mut client_gone = false;
    while let Some(chunk) = received.recv().await {
        if let Err(error) = write.write_all(&chunk).await {
            tracing::warn!(%error, "control socket: the backup client went away");
            client_gone = true;
            break;
        }
    }
    // Dropping the receiver makes a still-running export fail at its next chunk.
    drop(received);
    match exporting.await {
        Ok(Ok(summary)) => {
            let _ = write.shutdown().await;
            tracing::info!(
                records = summary.counts.records,
                bytes = summary.bytes,
                head = summary.header.head.map_or(0, |head| head.position),
                "control socket: backup sent"
            );
        }
        Ok(Err(error)) if client_gone => {
            tracing::warn!(%error, "control socket: backup abandoned");
        }
        Ok(Err(error)) => tracing::error!(%error, "control socket: backup failed"),
        Err(error) => tracing::error!(%error, "control socket: the backup task failed"),
    }
}

/// A blocking writer that hands full chunks to the async side.
struct ChunkWriter {
    chunks: mpsc::Sender<Vec<u8>>,
    buffer: Vec<u8>,
}

impl ChunkWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK));
        self.chunks
            .blocking_send(chunk)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}
