//! Keys and ciphers. SECURITY-SENSITIVE: read this before changing anything here.
//!
//! - The **master key** (KEK, 32 bytes) comes from a key file or the environment and only
//!   ever wraps other keys. A **key check value** (HMAC-SHA-256 of a fixed label under the
//!   master key) detects a wrong master key at open without decrypting anything.
//! - **Data keys** (32 random bytes each): one per stream for its `pii` parts, one store-wide
//!   facts key, and the store-wide chain key. Each is stored only wrapped (AES-256-GCM under
//!   the master key, bound to its key id and epoch), so rotating the master key re-wraps keys
//!   and never touches an event.
//! - **Sealing**: AES-256-GCM with a 96-bit random nonce from the OS RNG per ciphertext; the
//!   caller supplies the associated data ([`crate::store::record::aad`]).
//! - **The chain**: HMAC-SHA-256 under the chain key over the previous MAC and the record's
//!   bytes ([`chain`]).
//!
//! Key types have no `Clone`, no `Serialize`, a redacting `Debug`, and zeroize on drop.
//! Plaintext and ciphertext are different types.

pub mod aead;
pub mod chain;
pub mod keys;
pub mod outbox;
pub mod stream;

pub use aead::{Plaintext, PlaintextBuffer, Sealed};
pub use chain::{ChainKey, GENESIS_MAC, Mac};
pub use keys::{DataKey, KeyMaterial, MasterKey};

/// Why a cryptographic operation failed. Never carries key or plaintext bytes.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("authentication failed: wrong key, or the bytes or their context were altered")]
    Authentication,
    #[error("malformed {0}")]
    Malformed(&'static str),
    #[error("a master key must be 32 bytes, given raw or as base64")]
    BadMasterKey,
}
