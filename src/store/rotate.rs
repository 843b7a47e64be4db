//! Master key rotation: re-wrap every key of the active epoch under the new master key as a
//! new epoch, then switch epochs with one durable write. Events and the chain are never
//! touched.
//!
//! Crash safety: until the switch, the store opens with the old key only (the staged epoch
//! is ignored, and overwritten by the next rotation); after it, with the new key only. The
//! new key check value is written before the switch.

use crate::store::crypto::MasterKey;
use crate::store::engine::{EventStore, KeyState, StoreError};
use crate::store::keyring::KeyringError;
use crate::store::log::open::{OpenError, check_master_key, check_value_name};

/// What a rotation did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RotationReport {
    pub from_epoch: u32,
    pub to_epoch: u32,
    /// Keys re-wrapped (store-wide and per stream).
    pub rewrapped: u64,
    /// Tombstones of erased streams carried over.
    pub destroyed: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Keys(#[from] KeyringError),
    #[error("the new master key is the same as the current one")]
    SameKey,
}

/// Re-wrap everything under `new`. The store must be held exclusively (no server running).
pub fn rotate_master_key(
    store: &dyn EventStore,
    current: &MasterKey,
    new: &MasterKey,
) -> Result<RotationReport, RotateError> {
    check_master_key(store, current)?;
    if new.matches(&current.check_value()) {
        return Err(RotateError::SameKey);
    }
    let from_epoch = store.key_epoch()?;
    let to_epoch = from_epoch + 1;
    let mut report = RotationReport {
        from_epoch,
        to_epoch,
        rewrapped: 0,
        destroyed: 0,
    };
    let mut staged = Vec::new();
    for (id, state) in store.keys()? {
        match state {
            KeyState::Wrapped(wrapped) => {
                let material =
                    current
                        .unwrap(id.as_str(), from_epoch, &wrapped)
                        .map_err(|source| KeyringError::Unwrap {
                            key_id: id.as_str().to_owned(),
                            source,
                        })?;
                let rewrapped = new.wrap(id.as_str(), to_epoch, &material);
                staged.push((id, KeyState::Wrapped(rewrapped)));
                report.rewrapped += 1;
            }
            KeyState::Destroyed => {
                staged.push((id, KeyState::Destroyed));
                report.destroyed += 1;
            }
            KeyState::Missing => {}
        }
    }
    store.stage_keys(to_epoch, staged)?;
    store.put_meta(&check_value_name(to_epoch), &new.check_value())?;
    store.activate_key_epoch(to_epoch)?;
    Ok(report)
}
