//! The stored record's byte layout and the AEAD associated data.
//!
//! DO NOT MODIFY the layouts below without a new `FORMAT` byte and a reader for the old one:
//! every stored record and every chain MAC depends on them byte for byte.
//!
//! Record (all integers big-endian):
//! ```text
//! format          u8      = 1
//! position        u64
//! stream_version  u64
//! recorded_at     i64     milliseconds since the Unix epoch, UTC
//! schema_version  u32
//! key_epoch       u32     master key version current when written (informative)
//! flags           u8      bit 0: has pii, bit 1: has actor
//! actor           [16]    only if flag bit 1: the acting user's id (a random UUID)
//! stream          u16 len ‖ bytes (ASCII)
//! event_type      u16 len ‖ bytes (ASCII)
//! facts           nonce[12] ‖ u32 len ‖ ciphertext+tag   under the facts key
//! pii             nonce[12] ‖ u32 len ‖ ciphertext+tag   only if flag bit 0; under dek:<stream>
//! ---------------- everything above is the "unsigned" part the MAC covers ----------------
//! mac             [32]    HMAC-SHA-256(chain key, previous mac ‖ unsigned part)
//! ```
//!
//! Associated data of each ciphertext (binds it to its place and label, so a record moved or
//! relabelled fails to decrypt):
//! ```text
//! "tincay-aad-v1" ‖ part u8 (1 = facts, 2 = pii) ‖ position u64 ‖ stream u16 len ‖ bytes
//!   ‖ stream_version u64 ‖ event_type u16 len ‖ bytes ‖ schema_version u32
//! ```

use crate::store::crypto::{Mac, Sealed};
use crate::store::stream::StreamId;

pub const FORMAT: u8 = 1;

/// The cleartext header of a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordHeader {
    pub position: u64,
    pub stream: StreamId,
    pub stream_version: u64,
    pub event_type: String,
    pub schema_version: u32,
    pub recorded_at_ms: i64,
    pub key_epoch: u32,
    pub actor: Option<[u8; 16]>,
}

/// A record as stored: header, the two ciphertexts, and the chain MAC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedRecord {
    pub header: RecordHeader,
    pub facts: Sealed,
    pub pii: Option<Sealed>,
    pub mac: Mac,
}

/// Which ciphertext an AAD is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Facts = 1,
    Pii = 2,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RecordError {
    #[error("record format {0} is not known to this version of tincay")]
    UnknownFormat(u8),
    #[error("record is truncated or has trailing bytes")]
    Truncated,
    #[error("record field {0} is malformed")]
    Malformed(&'static str),
}

/// The associated data for `part` of the record with this header.
pub fn aad(header: &RecordHeader, part: Part) -> Vec<u8> {
    let _ = (header, part);
    todo!()
}

impl SealedRecord {
    /// The bytes the chain MAC covers (everything but the MAC).
    pub fn unsigned_bytes(header: &RecordHeader, facts: &Sealed, pii: Option<&Sealed>) -> Vec<u8> {
        let _ = (header, facts, pii);
        todo!()
    }
    /// The full stored bytes: unsigned part ‖ mac.
    pub fn encode(&self) -> Vec<u8> {
        todo!()
    }
    /// Parse stored bytes. Never panics, whatever the input.
    pub fn decode(bytes: &[u8]) -> Result<Self, RecordError> {
        let _ = bytes;
        todo!()
    }
    /// The unsigned part of stored bytes (for chain verification without re-encoding).
    pub fn unsigned_part(bytes: &[u8]) -> Result<&[u8], RecordError> {
        let _ = bytes;
        todo!()
    }
}
