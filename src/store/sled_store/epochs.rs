//! Key epochs: staging a re-wrapped key set and activating it (master key rotation).
//!
//! The active epoch is `meta.key_epoch`; its keys live in `keys-v{epoch}`. Activation is a
//! single durable write of that entry, so a crash leaves either the old or the new epoch
//! active, never a mix. Activation refuses a staged set that would lose a key or bring a
//! destroyed one back: crypto-shredding must be final whatever the rotation code does.

use std::sync::PoisonError;

use sled::Tree;

use super::layout::{self, KEY_EPOCH, TOMBSTONE};
use super::{ActiveKeys, SledStore, engine, engine_error};
use crate::store::engine::{KeyId, KeyState, StoreError};

impl SledStore {
    /// [`EventStore::stage_keys`](crate::store::engine::EventStore::stage_keys): clears and fills `keys-v{epoch}`, then syncs.
    pub(super) fn stage_epoch(
        &self,
        epoch: u32,
        keys: Vec<(KeyId, KeyState)>,
    ) -> Result<(), StoreError> {
        self.durability.check()?;
        {
            let active = self.active_keys();
            if epoch == active.epoch {
                return Err(engine("cannot stage keys over the active key epoch"));
            }
            let staged = self.db.open_tree(layout::keys_tree(epoch));
            let staged = staged.map_err(engine_error)?;
            let mut batch = sled::Batch::default();
            for (id, state) in keys {
                match state {
                    KeyState::Missing => {}
                    KeyState::Wrapped(wrapped) => {
                        layout::check_wrapped(&wrapped)?;
                        batch.insert(id.as_str(), wrapped);
                    }
                    KeyState::Destroyed => batch.insert(id.as_str(), TOMBSTONE),
                }
            }
            // Not atomic with the batch: a crash between them leaves a partial set, which
            // activation refuses.
            staged.clear().map_err(|e| self.write_failed(e))?;
            staged
                .apply_batch(batch)
                .map_err(|e| self.write_failed(e))?;
        }
        self.checkpoint()
    }

    /// [`EventStore::activate_key_epoch`](crate::store::engine::EventStore::activate_key_epoch): one durable write of `meta.key_epoch`, then every
    /// other epoch is dropped.
    pub(super) fn activate_epoch(&self, epoch: u32) -> Result<(), StoreError> {
        self.durability.check()?;
        {
            let mut active = self.keys.write().unwrap_or_else(PoisonError::into_inner);
            if epoch != active.epoch {
                let name = layout::keys_tree(epoch);
                if !self.db.tree_names().iter().any(|n| n == name.as_bytes()) {
                    return Err(engine(&format!("key epoch {epoch} was never staged")));
                }
                let staged = self.db.open_tree(&name).map_err(engine_error)?;
                check_covers(&active.tree, &staged)?;
                let value = epoch.to_be_bytes();
                self.meta
                    .insert(KEY_EPOCH, &value)
                    .map_err(|e| self.write_failed(e))?;
                // The point of no return: once this is on disk the new epoch is active.
                self.checkpoint()?;
                *active = ActiveKeys {
                    epoch,
                    tree: staged,
                };
            }
            drop_key_epochs(&self.db, |other| other != epoch)?;
        }
        self.checkpoint()
    }
}

/// A staged key set must hold every key of the active one and keep every destroyed key
/// destroyed: activation must never lose a case's key, nor bring an erased one back.
fn check_covers(active: &Tree, staged: &Tree) -> Result<(), StoreError> {
    for entry in active.iter() {
        let (id, value) = entry.map_err(engine_error)?;
        let id_text = String::from_utf8_lossy(&id);
        match staged.get(&id).map_err(engine_error)? {
            None => return Err(engine(&format!("staged keys lack key {id_text}"))),
            Some(s) if value == TOMBSTONE && s != TOMBSTONE => {
                return Err(engine(&format!(
                    "staged keys restore destroyed key {id_text}"
                )));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Drops every `keys-v{epoch}` tree whose epoch `doomed` selects.
pub(super) fn drop_key_epochs(
    db: &sled::Db,
    doomed: impl Fn(u32) -> bool,
) -> Result<(), StoreError> {
    for name in db.tree_names() {
        if layout::epoch_of_keys_tree(&name).is_some_and(&doomed) {
            let _existed = db.drop_tree(&name).map_err(engine_error)?;
        }
    }
    Ok(())
}
