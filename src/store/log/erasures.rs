//! Erasures by other processes sharing the engine (PostgreSQL): a thread of the log hears
//! each one the engine passes on ([`EventStore::erasures`]) and forgets the destroyed key at
//! once, so this process can no longer decrypt that case's personal data even if it never
//! appends to it again. Should the engine say that some may have gone unheard (its listening
//! connection was lost), every stream key held is dropped and read again from the store when
//! next needed.
//!
//! Holds the keyring weakly: the thread ends when the log is gone or the engine closes the
//! channel.

use std::sync::{Arc, Weak};

use tokio::sync::broadcast::{self, error::RecvError};

use crate::store::engine::{Erased, EventStore};
use crate::store::keyring::Keyring;

/// Subscribes to the engine's erasures; call before the keyring is loaded, so none committed
/// after the keys were read goes unheard.
pub(super) fn subscribe(store: &dyn EventStore) -> Option<broadcast::Receiver<Erased>> {
    store.erasures()
}

/// Starts the thread that forgets erased keys, if the engine reports erasures.
pub(super) fn follow(
    erasures: Option<broadcast::Receiver<Erased>>,
    keys: &Arc<Keyring>,
) -> std::io::Result<()> {
    let Some(mut erasures) = erasures else {
        return Ok(());
    };
    let keys = Arc::downgrade(keys);
    std::thread::Builder::new()
        .name("tincay-erasures".into())
        .spawn(move || {
            loop {
                let heard = erasures.blocking_recv();
                if !forget(&keys, heard) {
                    return;
                }
            }
        })
        .map(|_| ())
}

/// Forgets what one message says; false once there is nothing more to hear.
fn forget(keys: &Weak<Keyring>, heard: Result<Erased, RecvError>) -> bool {
    let Some(keys) = keys.upgrade() else {
        return false;
    };
    match heard {
        Ok(Erased::Stream(stream)) => keys.forget(&stream),
        // Fell behind the engine: which keys were destroyed meanwhile is not known.
        Ok(Erased::Unknown) | Err(RecvError::Lagged(_)) => keys.evict_all(),
        Err(RecvError::Closed) => return false,
    }
    true
}
