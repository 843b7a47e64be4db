//! Opening a log: first-time initialisation of a data directory's keys, the master key check,
//! the format check, the erasure check (a key is destroyed if and only if its stream holds
//! `case_erased`, [`crate::store::erasure_check::check_store`]: a server refuses to start on
//! a key store altered behind the log's back), and loading the chain head.
//!
//! Initialisation writes, in order: the facts and chain keys (wrapped, staged as key epoch 1),
//! the key check value of epoch 1, the activation of epoch 1, the log id, and last the
//! `format` marker ([`crate::store::format`]).
//! A directory without the marker and without records is not initialised yet, so a crash
//! during initialisation leaves nothing that a second attempt cannot redo.

use std::sync::{Arc, Mutex, mpsc};

use crate::store::crypto::{GENESIS_MAC, KeyMaterial, MasterKey};
use crate::store::engine::{EventStore, KeyId, KeyState, StoreError};
use crate::store::erasure_check::{self, CheckError, ErasureMismatch};
use crate::store::format::{self, FORMAT_META, LogId};
use crate::store::keyring::{Keyring, KeyringError};
use crate::store::log::writer::Writer;
use crate::store::log::{EventLog, Inner, LogHead, LogOptions, LogStats};
use crate::store::record::{RecordError, SealedRecord};

/// The data directory format this build writes and reads.
pub const FORMAT_VERSION: u32 = format::CURRENT;

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("master key does not match this data directory")]
    WrongMasterKey,
    #[error(
        "this data directory has format {found}, but this tincay reads format {FORMAT_VERSION}: \
         use a newer tincay"
    )]
    NewerFormat { found: u32 },
    #[error(
        "this data directory has format {found}, older than this tincay's format \
         {FORMAT_VERSION}: stop the server, then upgrade it in place with `tincay migrate \
         --backup-out FILE` (it writes a backup to FILE first; see deploy/OPERATIONS.md, \"Upgrade\")"
    )]
    OlderFormat { found: u32 },
    #[error("the data directory is damaged: {0}")]
    Damaged(String),
    #[error(
        "the data directory's keys contradict its log: {0}. Do not serve it: run `tincay \
         verify` for the whole picture, and restore the last backup that verifies (see \
         deploy/OPERATIONS.md)"
    )]
    Erasure(ErasureMismatch),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Keys(#[from] KeyringError),
    #[error("the last record cannot be read: {0}")]
    LastRecord(#[from] RecordError),
    #[error("cannot start the log writer: {0}")]
    Thread(std::io::Error),
}

/// The key check value's metadata name for a key epoch.
pub fn check_value_name(epoch: u32) -> String {
    format!("kcv-v{epoch}")
}

/// Whether the store was ever initialised (has its format marker).
pub fn is_initialised(store: &dyn EventStore) -> Result<bool, StoreError> {
    Ok(store.meta(FORMAT_META)?.is_some())
}

/// Check `master` against an initialised store's key check value, and refuse a newer format.
/// An older format passes (verifying or upgrading it is fine); [`EventLog::open`] refuses it.
pub fn check_master_key(store: &dyn EventStore, master: &MasterKey) -> Result<(), OpenError> {
    match store.meta(FORMAT_META)? {
        None => Err(OpenError::Damaged(
            "the data directory is not initialised".into(),
        )),
        Some(raw) => {
            let found = u32::from_be_bytes(
                raw.as_slice()
                    .try_into()
                    .map_err(|_| OpenError::Damaged("format marker".into()))?,
            );
            if found > FORMAT_VERSION {
                return Err(OpenError::NewerFormat { found });
            }
            let epoch = store.key_epoch()?;
            let check = store
                .meta(&check_value_name(epoch))?
                .ok_or_else(|| OpenError::Damaged("no key check value".into()))?;
            if master.matches(&check) {
                Ok(())
            } else {
                Err(OpenError::WrongMasterKey)
            }
        }
    }
}

/// Create the store-wide keys and the format marker in an empty store.
pub fn initialise(store: &dyn EventStore, master: &MasterKey) -> Result<(), OpenError> {
    if store.last_record()?.is_some() {
        return Err(OpenError::Damaged(
            "records exist but the format marker is missing".into(),
        ));
    }
    let epoch = 1;
    let keys = [KeyId::facts(), KeyId::chain()]
        .into_iter()
        .map(|id| {
            let wrapped = master.wrap(id.as_str(), epoch, &KeyMaterial::generate());
            (id, KeyState::Wrapped(wrapped))
        })
        .collect();
    store.stage_keys(epoch, keys)?;
    store.put_meta(&check_value_name(epoch), &master.check_value())?;
    store.activate_key_epoch(epoch)?;
    format::write_log_id(store, LogId::generate())?;
    format::write(store, FORMAT_VERSION)?;
    Ok(())
}

impl EventLog {
    /// Open (initialising if empty) the log over `store` with `master`.
    pub fn open(
        store: Arc<dyn EventStore>,
        master: MasterKey,
        options: LogOptions,
    ) -> Result<Self, OpenError> {
        if is_initialised(store.as_ref())? {
            check_master_key(store.as_ref(), &master)?;
            let found = format::read(store.as_ref())?.unwrap_or(FORMAT_VERSION);
            if found < FORMAT_VERSION {
                return Err(OpenError::OlderFormat { found });
            }
            erasure_check::check_store(store.as_ref()).map_err(|error| match error {
                CheckError::Mismatch(mismatch) => OpenError::Erasure(mismatch),
                CheckError::Store(error) => OpenError::Store(error),
            })?;
        } else {
            initialise(store.as_ref(), &master)?;
        }
        let erasures = super::erasures::subscribe(store.as_ref());
        let keys = Arc::new(Keyring::load(store.as_ref(), master)?);
        super::erasures::follow(erasures, &keys).map_err(OpenError::Thread)?;
        let head = match store.last_record()? {
            None => None,
            Some(last) => {
                let record = SealedRecord::decode(&last.bytes)?;
                Some(LogHead {
                    position: last.position,
                    mac: record.mac,
                })
            }
        };
        let head = Arc::new(Mutex::new(head));
        let stats = Arc::new(LogStats::default());
        let ledger = options.erasure_ledger.clone();
        let check = options.check;
        let (jobs, queue) = mpsc::channel();
        let writer = Writer::new(
            Arc::clone(&store),
            Arc::clone(&keys),
            Arc::clone(&head),
            Arc::clone(&stats),
            options,
            head_or_genesis(
                *head
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            ),
        );
        let handle = std::thread::Builder::new()
            .name("tincay-log-writer".into())
            .spawn(move || writer.run(queue))
            .map_err(OpenError::Thread)?;
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                keys,
                head,
                stats,
                jobs: Mutex::new(Some(jobs)),
                writer: Mutex::new(Some(handle)),
                ledger,
                check,
            }),
        })
    }
}

fn head_or_genesis(head: Option<LogHead>) -> LogHead {
    head.unwrap_or(LogHead {
        position: 0,
        mac: GENESIS_MAC,
    })
}
