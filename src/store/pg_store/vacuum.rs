//! Vacuuming the key table after an erasure, off the append path: a task of its own, on a
//! connection of its own, rewrites the key table (`VACUUM FULL tincay_keys`) so an erased
//! key's old row version leaves the table's files (it stays in WAL and base backups: the
//! threat model in deploy/POSTGRES.md). The writer only asks for it ([`Vacuum::request`]) and
//! goes on; several erasures in a row are covered by one run.
//!
//! `VACUUM FULL` locks the key table exclusively while it runs. Appends to existing cases do
//! not touch that table (`super::append`) and go on; a new case (a key created) or a key read
//! from the store waits for it. So that a long transaction holding the key table cannot make
//! everyone wait behind the vacuum's queued lock, it waits at most [`LOCK_TIMEOUT`] for the
//! lock and tries again [`RETRY_AFTER`] later, until it has run.
//!
//! A run only counts once PostgreSQL reports that it kept no dead row version. A transaction
//! that took its snapshot before the erasure committed (a long report, a `pg_dump`, an
//! autoanalyze) may still see the deleted row, and `VACUUM FULL` then copies it into the new
//! file, to be removed by a later run. The vacuum runs `VERBOSE` and reads that count from its
//! own report (the first number of the detail of the notice that ends it, "N dead row
//! versions cannot be removed yet"); while it is not zero the erasure's vacuum stays pending
//! and is run again, [`HELD_BACK_FIRST`] later and then twice as long each time, up to
//! [`HELD_BACK_MOST`].

use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio_postgres::error::DbError;
use tokio_postgres::{AsyncMessage, Config, Connection, NoTls};

use super::error::db_error;
use crate::store::engine::StoreError;

/// How long the vacuum waits for the key table's lock before it gives way.
const LOCK_TIMEOUT: &str = "1s";
/// How long after a failed run (a lock it did not get, a lost connection) it tries again.
const RETRY_AFTER: Duration = Duration::from_secs(1);
/// How long after a run that had to keep a dead row version it runs again, the first time.
const HELD_BACK_FIRST: Duration = Duration::from_millis(250);
/// The longest wait between two runs held back by an old snapshot.
const HELD_BACK_MOST: Duration = Duration::from_secs(60);

/// The vacuum's requests and progress, counted in requests.
#[derive(Clone, Debug)]
pub(super) struct Vacuum {
    requested: watch::Sender<u64>,
    done: watch::Sender<u64>,
}

impl Vacuum {
    /// Starts the task on `runtime`; it runs until the runtime stops.
    pub fn start(runtime: &tokio::runtime::Handle, config: Config) -> Self {
        let vacuum = Self {
            requested: watch::channel(0).0,
            done: watch::channel(0).0,
        };
        // Subscribed here, before any request can be made.
        let requests = vacuum.requested.subscribe();
        runtime.spawn(run(config, vacuum.clone(), requests));
        vacuum
    }

    /// Asks for a vacuum after the erasure that just committed; returns at once.
    pub fn request(&self) {
        self.requested.send_modify(|requested| *requested += 1);
    }

    /// The number of requests made so far.
    pub fn requested(&self) -> u64 {
        *self.requested.borrow()
    }

    /// Follows the number of requests the vacuums that completed cover.
    pub fn done(&self) -> watch::Receiver<u64> {
        self.done.subscribe()
    }
}

async fn run(config: Config, vacuum: Vacuum, mut requests: watch::Receiver<u64>) {
    let mut session = None;
    loop {
        if requests.changed().await.is_err() {
            return;
        }
        let mut held_back = HELD_BACK_FIRST;
        loop {
            // Every request made until now is covered by the run that starts after it.
            let covered = *requests.borrow_and_update();
            match vacuum_once(&config, &mut session).await {
                Ok(Kept::Nothing) => {
                    vacuum.done.send_replace(covered);
                    break;
                }
                Ok(Kept::Unknown) => {
                    tracing::warn!(
                        "the key table was vacuumed but PostgreSQL's report of it was not understood; \
                         an erased key's old row version may remain until the next erasure's vacuum"
                    );
                    vacuum.done.send_replace(covered);
                    break;
                }
                Ok(Kept::Dead(kept)) => {
                    tracing::warn!(
                        kept,
                        "an older transaction still sees deleted key rows; vacuuming the key table again later"
                    );
                    tokio::time::sleep(held_back).await;
                    held_back = (held_back * 2).min(HELD_BACK_MOST);
                }
                Err(error) => {
                    session = None;
                    tracing::warn!(%error, "cannot vacuum the key table after an erasure yet; trying again");
                    tokio::time::sleep(RETRY_AFTER).await;
                }
            }
        }
    }
}

/// What a run of the vacuum left in the key table's new file.
#[derive(Debug, PartialEq, Eq)]
enum Kept {
    /// No dead row version: every deleted key is gone from the table's files.
    Nothing,
    /// This many dead row versions some snapshot still sees.
    Dead(u64),
    /// The report was not found or not understood.
    Unknown,
}

/// The vacuum's connection and the notices its server sent on it.
struct Session {
    client: tokio_postgres::Client,
    notices: mpsc::UnboundedReceiver<DbError>,
}

async fn vacuum_once(config: &Config, session: &mut Option<Session>) -> Result<Kept, StoreError> {
    let mut open = match session.take() {
        Some(open) if !open.client.is_closed() => open,
        _ => connect(config).await?,
    };
    while open.notices.try_recv().is_ok() {}
    open.client
        .batch_execute("VACUUM (FULL, VERBOSE) tincay_keys")
        .await
        .map_err(db_error)?;
    // The connection hands on the notices in the order the server sent them, and the report
    // comes before the command's completion: every notice of this run is in the channel.
    let mut kept = Kept::Unknown;
    while let Ok(notice) = open.notices.try_recv() {
        kept = match (kept, notice.detail().and_then(dead_kept)) {
            (Kept::Dead(before), Some(Kept::Dead(now))) => Kept::Dead(before + now),
            (Kept::Dead(before), _) => Kept::Dead(before),
            (_, Some(found)) => found,
            (before, None) => before,
        };
    }
    *session = Some(open);
    Ok(kept)
}

async fn connect(config: &Config) -> Result<Session, StoreError> {
    let (client, connection) = config.connect(NoTls).await.map_err(db_error)?;
    let (sender, notices) = mpsc::unbounded_channel();
    tokio::spawn(drive(connection, sender));
    client
        .batch_execute(&format!(
            "SET application_name = 'tincay-vacuum'; SET lock_timeout = '{LOCK_TIMEOUT}'"
        ))
        .await
        .map_err(db_error)?;
    Ok(Session { client, notices })
}

/// Runs the connection, handing every notice on.
async fn drive<S, T>(mut connection: Connection<S, T>, notices: mpsc::UnboundedSender<DbError>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    while let Some(message) = std::future::poll_fn(|cx| connection.poll_message(cx)).await {
        match message {
            Ok(AsyncMessage::Notice(notice)) => {
                let _ = notices.send(notice);
            }
            Ok(_) => {}
            Err(_) => return,
        }
    }
}

/// The dead row versions `VACUUM (FULL, VERBOSE)` reports keeping, from its report's detail:
/// "N dead row versions cannot be removed yet." and the resources used, in the server's
/// language; the count is its first number (so in every translation PostgreSQL ships).
fn dead_kept(detail: &str) -> Option<Kept> {
    let first = detail.split_whitespace().next()?;
    let count: u64 = first.parse().ok()?;
    Some(if count == 0 {
        Kept::Nothing
    } else {
        Kept::Dead(count)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_of_dead_row_versions_kept_is_the_detail_s_first_number() {
        assert_eq!(
            dead_kept("0 dead row versions cannot be removed yet.\nCPU: user: 0.00 s."),
            Some(Kept::Nothing)
        );
        assert_eq!(
            dead_kept("3 dead row versions cannot be removed yet.\nCPU: user: 0.00 s."),
            Some(Kept::Dead(3))
        );
        assert_eq!(dead_kept("CPU: user: 0.00 s, system: 0.00 s"), None);
        assert_eq!(dead_kept(""), None);
    }
}
