//! The tamper-evident chain: `mac[n] = HMAC-SHA-256(chain key, mac[n-1] ‖ record[n] bytes)`,
//! with `mac[0]` = 32 zero bytes ([`GENESIS_MAC`]). SECURITY-SENSITIVE.
//!
//! DO NOT MODIFY either input layout: every stored chain MAC and every stored keyed hash
//! depends on it.
//!
//! ```text
//! link        HMAC-SHA-256(chain key, previous mac[32] ‖ unsigned record)
//! keyed_hash  HMAC-SHA-256(chain key, "tincay-keyed-hash-v1" ‖ label u16 len ‖ label ‖ data)
//! ```
//!
//! The two uses share a key, so their inputs must never coincide; see [`KEYED_HASH_PREFIX`].

use std::fmt;

use hmac::Mac as _;

use crate::store::crypto::{DataKey, KeyMaterial};

/// Domain separation between [`ChainKey::keyed_hash`] and [`ChainKey::link`].
///
/// A `link` input begins with the previous chain MAC: either [`GENESIS_MAC`] (zero bytes,
/// which this ASCII prefix is not) or an HMAC output under the chain key. For a `link` input
/// to equal a `keyed_hash` input, that MAC would have to begin with these 20 bytes: a 2^-160
/// chance per record, which nobody without the chain key can steer. So a keyed hash (say, of
/// an idempotency key, stored in the clear) can never stand in for a chain MAC, nor the
/// reverse. Inside `keyed_hash`, the label's length prefix keeps `(label, data)` pairs apart.
const KEYED_HASH_PREFIX: &[u8] = b"tincay-keyed-hash-v1";

/// The chain key: HMAC only, never encryption.
pub struct ChainKey(KeyMaterial);

/// A chain MAC. Compared in constant time; displayed as lowercase hex.
#[derive(Clone, Copy)]
pub struct Mac(pub [u8; 32]);

pub const GENESIS_MAC: Mac = Mac([0; 32]);

impl ChainKey {
    pub fn from_material(material: KeyMaterial) -> Self {
        Self(material)
    }
    pub fn material(&self) -> &KeyMaterial {
        &self.0
    }
    /// The MAC of a record given the previous record's MAC and the record's unsigned bytes.
    pub fn link(&self, previous: &Mac, unsigned_record: &[u8]) -> Mac {
        let mut mac = self.0.hmac_sha256();
        mac.update(&previous.0);
        mac.update(unsigned_record);
        Mac(mac.finalize().into_bytes().into())
    }
    /// A data key derived for one use (`label`), so that use needs no key of its own and a
    /// master key rotation does not touch it: the projection checkpoint, case list cursors.
    pub fn derived_key(&self, label: &str) -> DataKey {
        DataKey::from_material(KeyMaterial::from_bytes(self.keyed_hash(label, b"")))
    }
    /// A keyed hash for other uses of the chain key (idempotency keys, fingerprints), with a
    /// domain-separating label so it can never collide with a chain MAC.
    ///
    /// `label` is a short constant naming the use (under 64 KiB; its length is a `u16`).
    pub fn keyed_hash(&self, label: &str, data: &[u8]) -> [u8; 32] {
        debug_assert!(
            label.len() <= usize::from(u16::MAX),
            "keyed_hash label too long"
        );
        let label_len = u16::try_from(label.len()).unwrap_or(u16::MAX);
        let mut mac = self.0.hmac_sha256();
        mac.update(KEYED_HASH_PREFIX);
        mac.update(&label_len.to_be_bytes());
        mac.update(label.as_bytes());
        mac.update(data);
        mac.finalize().into_bytes().into()
    }
}

impl PartialEq for Mac {
    fn eq(&self, other: &Self) -> bool {
        subtle::ConstantTimeEq::ct_eq(&self.0[..], &other.0[..]).into()
    }
}
impl Eq for Mac {}

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::store::hex::hex(&self.0))
    }
}
impl fmt::Debug for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mac({self})")
    }
}
impl fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChainKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known answers computed independently with Python's `hmac` and `hashlib`.
    fn key() -> ChainKey {
        ChainKey::from_material(KeyMaterial::from_bytes(std::array::from_fn(|i| {
            32 + i as u8
        })))
    }

    #[test]
    fn link_matches_a_known_answer() {
        let mac = key().link(&Mac([0x11; 32]), b"record");
        assert_eq!(
            mac.to_string(),
            "2fda9d500006a50c4f340e1499a351e5fe5943c72004f3d8d752e589d64d6543"
        );
    }

    #[test]
    fn keyed_hash_matches_a_known_answer() {
        let hash = Mac(key().keyed_hash("idempotency", b"abc"));
        assert_eq!(
            hash.to_string(),
            "169d128c697a97ffad87a207527954e202c5b34b9bb8d77744131fe723085c99"
        );
    }

    #[test]
    fn link_depends_on_the_previous_mac_the_record_and_the_key() {
        let key = key();
        let base = key.link(&GENESIS_MAC, b"record");
        assert_ne!(base, key.link(&Mac([1; 32]), b"record"));
        assert_ne!(base, key.link(&GENESIS_MAC, b"recore"));
        let other = ChainKey::from_material(KeyMaterial::generate());
        assert_ne!(base, other.link(&GENESIS_MAC, b"record"));
    }

    #[test]
    fn keyed_hash_separates_labels_data_and_chain_macs() {
        let key = key();
        assert_ne!(key.keyed_hash("ab", b"c"), key.keyed_hash("a", b"bc"));
        assert_ne!(key.keyed_hash("a", b""), key.keyed_hash("b", b""));
        // What keeps keyed hashes apart from chain MACs (see KEYED_HASH_PREFIX).
        assert!(!GENESIS_MAC.0.starts_with(KEYED_HASH_PREFIX));
    }

    #[test]
    fn debug_never_shows_the_chain_key() {
        let key = ChainKey::from_material(KeyMaterial::from_bytes(
            *b"CANARY-SECRET-KEY-BYTES-31415926",
        ));
        let text = format!("{key:?}");
        assert!(text.contains("redacted") && !text.contains("CANARY") && !text.contains("67, 65"));
    }
}
