//! Record keys and cell keys for the cell-key method (the Australian Bureau of Statistics'
//! TableBuilder).
//!
//! Every counted unit has a secret random `u32` record key. A case's is drawn when it is
//! opened and kept in its `case_opened` facts (`record_key`). An event's is derived from its
//! case's key and its stream version with HMAC-SHA-256 under a deployment secret, truncated to
//! the first four bytes (big-endian), so events need no stored key of their own and nobody
//! without the secret can compute one. A cell's key is the sum of its units' keys modulo 2^32:
//! the same set of units always has the same cell key, whatever query gathered it.
//!
//! Security-sensitive, and must never change: the derivation below (label, byte order,
//! truncation) fixes every published number; changing it re-draws all noise, and publishing a
//! table under both derivations lets anyone average the noise away. Record keys, cell keys and
//! the secret never appear in a response, a log line or a `Debug` output.

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

/// Domain separation for event keys: no other use of the secret can produce the same MAC.
const EVENT_KEY_LABEL: &[u8] = b"tincay/stats/event-record-key/v1\0";

/// The block size of SHA-256, which HMAC pads its key to (RFC 2104).
const HMAC_BLOCK: usize = 64;

/// The secret random key of one counted unit (a case, or an event of a case).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RecordKey(u32);

impl RecordKey {
    pub const fn new(key: u32) -> Self {
        Self(key)
    }

    pub const fn get(self) -> u32 {
        self.0
    }
}

impl std::fmt::Debug for RecordKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecordKey(..)")
    }
}

/// The key of a cell: the sum of its units' record keys, modulo 2^32.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct CellKey(u32);

impl CellKey {
    /// The key of a cell with no units.
    pub const EMPTY: Self = Self(0);

    pub const fn from_u32(key: u32) -> Self {
        Self(key)
    }

    pub const fn get(self) -> u32 {
        self.0
    }

    /// This cell's key with one more unit counted in it.
    #[must_use]
    pub const fn add(self, unit: RecordKey) -> Self {
        Self(self.0.wrapping_add(unit.0))
    }

    /// The key of the cell holding exactly these units.
    pub fn of(units: impl IntoIterator<Item = RecordKey>) -> Self {
        units.into_iter().fold(Self::EMPTY, Self::add)
    }

    /// The perturbation bucket: the key's low byte, uniform when any one unit's key is.
    pub fn bucket(self) -> u8 {
        let [low, _, _, _] = self.0.to_le_bytes();
        low
    }
}

impl std::fmt::Debug for CellKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CellKey(..)")
    }
}

/// The deployment secret from which event record keys are derived. Not `Clone`, never
/// serialized, redacted in `Debug`; the key bytes are zeroized once the MAC is keyed.
pub struct StatisticsSecret {
    /// HMAC-SHA-256 keyed with the secret, cloned for each derivation.
    mac: Hmac<Sha256>,
}

/// Why bytes are not a [`StatisticsSecret`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the statistics secret must be at least {min} bytes, got {got}", min = StatisticsSecret::MIN_LEN)]
pub struct SecretTooShort {
    pub got: usize,
}

impl StatisticsSecret {
    /// Fewer bytes than this could be guessed, and the guesser could then strip the noise.
    pub const MIN_LEN: usize = 32;

    pub fn new(secret: &[u8]) -> Result<Self, SecretTooShort> {
        if secret.len() < Self::MIN_LEN {
            return Err(SecretTooShort { got: secret.len() });
        }
        // Key HMAC exactly as RFC 2104 does (a key longer than the block is hashed first, then
        // zero-padded), through the constructor that cannot fail.
        let mut hashed = Sha256::digest(secret);
        let key: &[u8] = if secret.len() > HMAC_BLOCK {
            hashed.as_slice()
        } else {
            secret
        };
        let mut block = hmac::digest::Key::<Hmac<Sha256>>::default();
        for (dst, src) in block.iter_mut().zip(key) {
            *dst = *src;
        }
        let mac = <Hmac<Sha256> as KeyInit>::new(&block);
        block.as_mut_slice().zeroize();
        hashed.as_mut_slice().zeroize();
        Ok(Self { mac })
    }

    /// The record key of the event at `stream_version` in the case whose record key is
    /// `case_key`: the first four bytes (big-endian) of
    /// HMAC-SHA-256(secret, label ‖ case key as 4 bytes BE ‖ stream version as 8 bytes BE).
    pub fn event_key(&self, case_key: RecordKey, stream_version: u64) -> RecordKey {
        let mut mac = self.mac.clone();
        mac.update(EVENT_KEY_LABEL);
        mac.update(&case_key.0.to_be_bytes());
        mac.update(&stream_version.to_be_bytes());
        let tag = mac.finalize().into_bytes();
        let mut first = [0_u8; 4];
        for (dst, src) in first.iter_mut().zip(tag.iter()) {
            *dst = *src;
        }
        RecordKey(u32::from_be_bytes(first))
    }
}

impl std::fmt::Debug for StatisticsSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StatisticsSecret(..)")
    }
}
