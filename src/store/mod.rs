//! The event log: the only source of truth.
//!
//! - [`engine`]: the [`EventStore`](engine::EventStore) trait, storage only: sealed records,
//!   stream versions, idempotency entries, wrapped keys. A second engine (PostgreSQL) would
//!   implement only this.
//! - [`sled_store`]: the embedded default engine on sled 0.34.7.
//! - [`pg_store`]: the shared engine on PostgreSQL (replication, several servers on one log).
//! - [`durability`]: forcing the store's files and directory to disk after sled's flush.
//! - [`file_modes`]: the data directory `0700` and its files `0600`, whatever the umask.
//! - [`format`]: the data directory's format version and log id; upgrading in place.
//! - [`copy`]: copying a log from one engine to the other, verified (`migrate-store`).
//! - [`backup`]: consistent backups (ciphertext and wrapped keys only) and verified restores.
//! - [`erasure_check`]: a data key is destroyed if and only if its stream holds `case_erased`
//!   (checked by verify, restore and every open).
//! - [`erasure_ledger`]: the record of erasures kept outside the data directory, so a restore
//!   never brings an erased case back.
//! - [`crypto`]: master key, data keys, AES-256-GCM sealing, the HMAC chain.
//! - [`record`]: the stored record's byte layout and the AEAD associated data.
//! - [`keyring`]: unwrapped data keys in memory, created and destroyed per stream.
//! - [`log`]: [`EventLog`](log::EventLog): encryption, the chain and group commit above an
//!   engine; decrypted reads and subscriptions.
//! - [`verify`]: walks the chain and decrypts everything it can; names the first bad position.
//! - [`rotate`]: re-wraps every key under a new master key, crash-safely.
//! - [`stream`]: stream identifiers.
//! - [`hex`]: bytes as hexadecimal text, the one implementation.

pub mod backup;
pub mod copy;
pub mod crypto;
pub mod durability;
pub mod engine;
pub mod erasure_check;
pub mod erasure_ledger;
pub mod file_modes;
pub mod format;
pub mod hex;
pub mod keyring;
pub mod log;
pub mod pg_store;
pub mod record;
pub mod rotate;
pub mod sled_store;
pub mod stream;
pub mod verify;
